//! Parsing booking times: RFC 3339 instants or Vietnam local times.
//!
//! See [`parse_time`] for the accepted formats.

use std::fmt;

use chrono::{
    DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc,
};

use crate::excerpt;

/// Vietnam's offset from UTC in seconds: UTC+7 all year, no daylight saving.
pub const VIETNAM_UTC_OFFSET_SECONDS: i32 = 7 * 60 * 60;

/// Vietnam's time zone as a fixed UTC+07:00 offset.
///
/// Useful for rendering instants as Vietnam local time:
///
/// ```
/// use chrono::{TimeZone, Utc};
///
/// let instant = Utc.with_ymd_and_hms(2025, 4, 22, 2, 30, 0).unwrap();
/// let local = instant.with_timezone(&statements::vietnam_offset());
/// assert_eq!(local.format("%Y-%m-%d %H:%M:%S").to_string(), "2025-04-22 09:30:00");
/// ```
pub fn vietnam_offset() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_UTC_OFFSET_SECONDS).expect("UTC+7 is a valid offset")
}

/// Why a value is not an acceptable time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeErrorKind {
    /// The value is empty or only whitespace.
    Empty,
    /// The value matches none of the accepted formats.
    Unrecognized,
    /// The value has an accepted shape but names no real date or time of
    /// day (`2025-13-01`, `2025-02-30`, `24:00`, a leap second, ...).
    OutOfRange,
}

impl fmt::Display for TimeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "is empty",
            Self::Unrecognized => {
                "is not a valid time (expected RFC 3339 such as 2025-04-22T09:30:00+07:00, \
                 or Vietnam local time such as 2025-04-22 09:30:00 or 22/04/2025 09:30)"
            }
            Self::OutOfRange => "is not a valid time (no such date or time of day)",
        })
    }
}

/// A value rejected by [`parse_time`].
///
/// Displays as the quoted value followed by the reason, e.g.
/// `"2025-13-01" is not a valid time (no such date or time of day)`, so
/// callers can prefix the field name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{input:?} {kind}")]
pub struct TimeError {
    input: String,
    kind: TimeErrorKind,
}

impl TimeError {
    fn new(input: &str, kind: TimeErrorKind) -> Self {
        Self {
            input: excerpt(input),
            kind,
        }
    }

    /// Why the value was rejected.
    pub fn kind(&self) -> TimeErrorKind {
        self.kind
    }

    /// The rejected value (cut to a short excerpt if it was long).
    pub fn input(&self) -> &str {
        &self.input
    }
}

/// Parses a booking time into an instant.
///
/// Accepted, after trimming surrounding whitespace:
///
/// - RFC 3339 with an offset: `2025-04-22T09:30:00+07:00`,
///   `2025-04-22T02:30:00Z`, `2025-04-22 09:30:00.25+07:00` (a space may
///   replace the `T`; `T`/`Z` may be lower case);
/// - Vietnam local time (UTC+7, see [`vietnam_offset`]) without an offset:
///   - `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD HH:MM`, `YYYY-MM-DDTHH:MM:SS`,
///     `YYYY-MM-DDTHH:MM` — Casso's `bookedAt` format is the first one;
///   - `DD/MM/YYYY HH:MM:SS`, `DD/MM/YYYY HH:MM` (day first; day and month
///     may be written with one digit);
///   - `YYYY-MM-DD` or `DD/MM/YYYY` alone, meaning 00:00 local time.
///
/// Seconds may have a fraction of up to nine digits (`09:30:00.5`); the hour
/// of a local time may be written with one digit (`9:30`). Leap seconds are
/// rejected.
///
/// ```
/// use statements::parse_time;
///
/// let a = parse_time("2025-04-22 09:30:00").unwrap();
/// let b = parse_time("22/04/2025 09:30").unwrap();
/// let c = parse_time("2025-04-22T02:30:00Z").unwrap();
/// assert_eq!(a, b);
/// assert_eq!(a, c);
/// assert_eq!(
///     parse_time("2025-13-01").unwrap_err().to_string(),
///     "\"2025-13-01\" is not a valid time (no such date or time of day)"
/// );
/// ```
pub fn parse_time(input: &str) -> Result<DateTime<Utc>, TimeError> {
    let err = |kind| TimeError::new(input, kind);
    let s = input.trim();
    if s.is_empty() {
        return Err(err(TimeErrorKind::Empty));
    }
    match parse_local(s) {
        Ok(local) => local
            .checked_sub_signed(TimeDelta::seconds(i64::from(VIETNAM_UTC_OFFSET_SECONDS)))
            .map(|naive| naive.and_utc())
            .ok_or_else(|| err(TimeErrorKind::OutOfRange)),
        Err(TimeErrorKind::Unrecognized) => match DateTime::parse_from_rfc3339(s) {
            Ok(instant) if instant.nanosecond() >= 1_000_000_000 => {
                Err(err(TimeErrorKind::OutOfRange)) // leap second
            }
            Ok(instant) => Ok(instant.with_timezone(&Utc)),
            Err(e) if e.kind() == chrono::format::ParseErrorKind::OutOfRange => {
                Err(err(TimeErrorKind::OutOfRange))
            }
            Err(_) => Err(err(TimeErrorKind::Unrecognized)),
        },
        Err(kind) => Err(err(kind)),
    }
}

/// A tiny cursor over ASCII bytes.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.bytes.get(self.pos) == Some(&byte);
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// Reads between `min` and `max` ASCII digits, not followed by another digit.
    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let digits = self.bytes[self.pos..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits < min || digits > max {
            return None;
        }
        let value = self.bytes[self.pos..self.pos + digits]
            .iter()
            .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
        self.pos += digits;
        Some(value)
    }
}

/// Parses the local (offset-less) formats. `Unrecognized` means "try RFC 3339".
fn parse_local(s: &str) -> Result<NaiveDateTime, TimeErrorKind> {
    use TimeErrorKind::{OutOfRange, Unrecognized};

    let mut c = Cursor {
        bytes: s.as_bytes(),
        pos: 0,
    };
    let (year, month, day, iso) = if let Some(year) = c.number(4, 4) {
        let month = c.eat(b'-').then(|| c.number(2, 2)).flatten();
        let day = c.eat(b'-').then(|| c.number(2, 2)).flatten();
        match (month, day) {
            (Some(month), Some(day)) => (year, month, day, true),
            _ => return Err(Unrecognized),
        }
    } else {
        let day = c.number(1, 2).ok_or(Unrecognized)?;
        let month = c.eat(b'/').then(|| c.number(1, 2)).flatten();
        let year = c.eat(b'/').then(|| c.number(4, 4)).flatten();
        match (month, year) {
            (Some(month), Some(year)) => (year, month, day, false),
            _ => return Err(Unrecognized),
        }
    };
    // The year has exactly four digits, so it always fits an i32.
    let date = NaiveDate::from_ymd_opt(year as i32, month, day);

    if c.at_end() {
        return date.map(|d| d.and_time(NaiveTime::MIN)).ok_or(OutOfRange);
    }
    let separated = if iso && (c.eat(b'T') || c.eat(b't')) {
        true
    } else {
        let mut spaces = false;
        while c.eat(b' ') {
            spaces = true;
        }
        spaces
    };
    if !separated {
        return Err(Unrecognized);
    }
    let hour = c.number(1, 2).ok_or(Unrecognized)?;
    if !c.eat(b':') {
        return Err(Unrecognized);
    }
    let minute = c.number(2, 2).ok_or(Unrecognized)?;
    let mut second = 0;
    let mut nano = 0;
    if c.eat(b':') {
        second = c.number(2, 2).ok_or(Unrecognized)?;
        if c.eat(b'.') {
            let start = c.pos;
            let fraction = c.number(1, 9).ok_or(Unrecognized)?;
            let digits = c.pos - start;
            nano = fraction * 10u32.pow(9 - digits as u32);
        }
    }
    if !c.at_end() {
        // Possibly RFC 3339 (an offset follows); let the caller try that.
        return Err(Unrecognized);
    }
    if second > 59 {
        return Err(OutOfRange);
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nano).ok_or(OutOfRange)?;
    date.map(|d| d.and_time(time)).ok_or(OutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    fn kind(input: &str) -> TimeErrorKind {
        parse_time(input).unwrap_err().kind()
    }

    #[test]
    fn rfc3339_with_offsets() {
        let want = utc(2025, 4, 22, 2, 30, 0);
        assert_eq!(parse_time("2025-04-22T09:30:00+07:00"), Ok(want));
        assert_eq!(parse_time("2025-04-22T02:30:00Z"), Ok(want));
        assert_eq!(parse_time("2025-04-22t02:30:00z"), Ok(want));
        assert_eq!(parse_time("2025-04-22 09:30:00+07:00"), Ok(want));
        assert_eq!(parse_time("2025-04-21T21:30:00-05:00"), Ok(want));
        assert_eq!(
            parse_time("2025-04-22T09:30:00.250+07:00"),
            Ok(want + TimeDelta::milliseconds(250))
        );
        assert_eq!(parse_time("  2025-04-22T02:30:00Z  "), Ok(want));
    }

    #[test]
    fn iso_local_times_are_vietnam_time() {
        let want = utc(2025, 4, 22, 2, 30, 0);
        assert_eq!(parse_time("2025-04-22 09:30:00"), Ok(want));
        assert_eq!(parse_time("2025-04-22 09:30"), Ok(want));
        assert_eq!(parse_time("2025-04-22T09:30:00"), Ok(want));
        assert_eq!(parse_time("2025-04-22T09:30"), Ok(want));
        assert_eq!(parse_time("2025-04-22 9:30"), Ok(want));
        assert_eq!(parse_time("2025-04-22  09:30:00"), Ok(want));
        assert_eq!(
            parse_time("2025-04-22 09:30:00.5"),
            Ok(want + TimeDelta::milliseconds(500))
        );
    }

    #[test]
    fn day_first_local_times() {
        let want = utc(2025, 4, 22, 2, 30, 0);
        assert_eq!(parse_time("22/04/2025 09:30:00"), Ok(want));
        assert_eq!(parse_time("22/04/2025 09:30"), Ok(want));
        assert_eq!(parse_time("22/4/2025 9:30"), Ok(want));
        assert_eq!(parse_time("01/02/2025"), Ok(utc(2025, 1, 31, 17, 0, 0)));
        assert_eq!(parse_time("1/2/2025"), Ok(utc(2025, 1, 31, 17, 0, 0)));
    }

    #[test]
    fn dates_alone_mean_local_midnight() {
        assert_eq!(parse_time("2025-04-22"), Ok(utc(2025, 4, 21, 17, 0, 0)));
        assert_eq!(parse_time("22/04/2025"), Ok(utc(2025, 4, 21, 17, 0, 0)));
        assert_eq!(parse_time("2025-01-01"), Ok(utc(2024, 12, 31, 17, 0, 0)));
    }

    #[test]
    fn impossible_dates_and_times() {
        for bad in [
            "2025-13-01",
            "2025-02-30",
            "2025-04-22 24:00",
            "2025-04-22 09:60",
            "2025-04-22 09:30:60",
            "31/04/2025",
            "22/13/2025 09:30",
            "2025-04-22T09:30:60+07:00",
            "2025-02-30T09:30:00Z",
        ] {
            assert_eq!(kind(bad), TimeErrorKind::OutOfRange, "{bad:?}");
        }
        assert_eq!(
            parse_time("2025-13-01").unwrap_err().to_string(),
            r#""2025-13-01" is not a valid time (no such date or time of day)"#
        );
    }

    #[test]
    fn unrecognized_shapes() {
        for bad in [
            "yesterday",
            "2025/04/22",
            "22-04-2025",
            "2025-4-22",
            "25-04-22",
            "22/04/25",
            "2025-04-22 09",
            "2025-04-22 09:30:",
            "2025-04-22 09:3",
            "2025-04-22 09:30:00.",
            "2025-04-22 09:30:00.1234567890",
            "2025-04-22 09:30:00 +07:00",
            "22/04/2025T09:30",
            "2025-04-22T09:30:00+7",
            "2025-04-22T09:30+07:00",
            "1745289000",
            "２０２５-04-22",
        ] {
            assert_eq!(kind(bad), TimeErrorKind::Unrecognized, "{bad:?}");
        }
    }

    #[test]
    fn empty() {
        assert_eq!(kind(""), TimeErrorKind::Empty);
        assert_eq!(kind(" \t"), TimeErrorKind::Empty);
    }

    #[test]
    fn extreme_years() {
        assert_eq!(parse_time("0000-01-01"), Ok(utc(-1, 12, 31, 17, 0, 0)));
        assert_eq!(
            parse_time("9999-12-31 23:59:59"),
            Ok(utc(9999, 12, 31, 16, 59, 59))
        );
    }

    #[test]
    fn vietnam_offset_is_utc_plus_seven() {
        assert_eq!(vietnam_offset().local_minus_utc(), 25_200);
    }
}
