//! Property tests for the statement parsers.

mod common;

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeZone, Utc};
use common::grouped;
use proptest::prelude::*;
use statements::{parse_time, parse_vnd, vietnam_offset, CanonicalCsvReader, MAX_ABS_VND};

/// Seconds since the epoch of 0001-01-01T00:00:00Z and 9998-12-31T23:59:59Z,
/// so that local renderings keep a four-digit year.
const MIN_SECS: i64 = -62_135_596_800;
const MAX_SECS: i64 = 253_370_764_799;

proptest! {
    #[test]
    fn amounts_round_trip_in_every_style(
        // Uniform draws are almost all huge; mix in everyday magnitudes too.
        value in prop_oneof![-MAX_ABS_VND..=MAX_ABS_VND, -10_000_000i64..=10_000_000],
    ) {
        let renderings = [
            value.to_string(),
            grouped(value, ","),
            grouped(value, "."),
            grouped(value, " "),
            grouped(value, "_"),
            grouped(value, "\u{a0}"),
            format!("{}.00", grouped(value, ",")),
            format!("{},00", grouped(value, ".")),
            format!("{value}.00"),
            format!(" {} ", grouped(value, " ")),
        ];
        for rendering in renderings {
            prop_assert_eq!(parse_vnd(&rendering), Ok(value), "{:?}", rendering);
        }
        if value >= 0 {
            let plus = format!("+{}", grouped(value, ","));
            prop_assert_eq!(parse_vnd(&plus), Ok(value));
        }
    }

    #[test]
    fn amounts_beyond_the_limit_are_rejected(excess in 1..=i64::MAX - MAX_ABS_VND, negative: bool) {
        let value = if negative { -MAX_ABS_VND - excess } else { MAX_ABS_VND + excess };
        prop_assert!(parse_vnd(&value.to_string()).is_err());
        prop_assert!(parse_vnd(&grouped(value, ",")).is_err());
    }

    #[test]
    fn parse_vnd_never_panics(input in "\\PC{0,40}") {
        let _ = parse_vnd(&input);
    }

    #[test]
    fn times_round_trip(
        secs in MIN_SECS..=MAX_SECS,
        nanos in 0u32..1_000_000_000,
        offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59),
    ) {
        let whole = Utc.timestamp_opt(secs, 0).unwrap();
        let local = whole.with_timezone(&vietnam_offset());
        for rendering in [
            local.format("%Y-%m-%d %H:%M:%S").to_string(),
            local.format("%Y-%m-%dT%H:%M:%S").to_string(),
            local.format("%d/%m/%Y %H:%M:%S").to_string(),
            whole.to_rfc3339_opts(SecondsFormat::Secs, true),
            local.to_rfc3339(),
        ] {
            prop_assert_eq!(parse_time(&rendering), Ok(whole), "{:?}", rendering);
        }

        let precise: DateTime<Utc> = Utc.timestamp_opt(secs, nanos).unwrap();
        let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap();
        for rendering in [
            precise.to_rfc3339_opts(SecondsFormat::Nanos, true),
            precise.with_timezone(&offset).to_rfc3339_opts(SecondsFormat::AutoSi, false),
            precise.with_timezone(&vietnam_offset()).format("%Y-%m-%d %H:%M:%S%.f").to_string(),
        ] {
            prop_assert_eq!(parse_time(&rendering), Ok(precise), "{:?}", rendering);
        }
    }

    #[test]
    fn parse_time_never_panics(input in "\\PC{0,40}") {
        let _ = parse_time(&input);
    }

    #[test]
    fn reader_never_panics_on_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        with_header: bool,
    ) {
        // Arbitrary bytes rarely form a valid header, so also try them after one.
        let mut input = Vec::new();
        if with_header {
            input.extend_from_slice(b"time,description,credit,debit,balance\n");
        }
        input.extend_from_slice(&bytes);
        if let Ok(reader) = CanonicalCsvReader::new(&input[..]) {
            for row in reader {
                let _ = row;
            }
        }
    }

    #[test]
    fn reader_never_panics_on_csv_like_input(
        body in proptest::collection::vec("[0-9a-z ,.\"\\-+:/\n\r\u{feff}đ]{0,30}", 0..20),
    ) {
        let input = format!("time,description,amount,balance,reference\n{}", body.concat());
        if let Ok(reader) = CanonicalCsvReader::new(input.as_bytes()) {
            for row in reader {
                if let Err(error) = row {
                    prop_assert!(error.line >= 2);
                }
            }
        }
    }

    #[test]
    fn reader_reports_physical_line_numbers(
        rows in proptest::collection::vec((0usize..3, 0usize..3, any::<bool>()), 1..15),
        ending in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        final_ending: bool,
    ) {
        // Each row: blank lines before it, newlines inside its quoted
        // description, and whether it is valid (amount) or not (amount 0).
        let mut input = format!("time,description,amount{ending}");
        let mut line = 2;
        let mut expected = Vec::new();
        for (i, &(blanks, inner, valid)) in rows.iter().enumerate() {
            input.push_str(&ending.repeat(blanks));
            line += blanks;
            expected.push((line, valid));
            let description = vec!["x"; inner + 1].join(ending);
            let amount = if valid { i + 1 } else { 0 };
            input.push_str(&format!("2025-04-22,\"{description}\",{amount}"));
            line += inner;
            if i + 1 < rows.len() || final_ending {
                input.push_str(ending);
                line += 1;
            }
        }
        let got: Vec<(usize, bool)> = CanonicalCsvReader::new(input.as_bytes())
            .unwrap()
            .map(|row| match row {
                Ok(entry) => (entry.line as usize, true),
                Err(error) => (error.line as usize, false),
            })
            .collect();
        prop_assert_eq!(got, expected, "{:?}", input);
    }
}
