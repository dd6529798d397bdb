//! Cell values of a bank export and reading dates and amounts out of them.
//!
//! CSV cells are always text; spreadsheet cells may also be numbers, dates,
//! booleans or error values. The accepted forms are described in the [module
//! documentation](super#dates-and-amounts).

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc};

use crate::{excerpt, parse_time, parse_vnd, vietnam_offset, AmountErrorKind, TimeErrorKind};

/// Excel serial number of 1970-01-01, the earliest plain number read as a date.
const FIRST_SERIAL_DATE: f64 = 25_569.0;
/// Excel serial number of 10000-01-01, one past the last date Excel has.
pub(crate) const END_SERIAL_DATE: f64 = 2_958_466.0;

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Nothing in the cell.
    Empty,
    /// Text, untrimmed.
    Text(String),
    /// A whole number (from a spreadsheet).
    Int(i64),
    /// A floating-point number (from a spreadsheet).
    Float(f64),
    /// A spreadsheet date cell: Vietnam local date and time.
    DateTime(NaiveDateTime),
    /// A spreadsheet boolean.
    Bool(bool),
    /// A spreadsheet error value such as `#N/A`.
    Error(String),
}

impl Cell {
    /// A CSV cell: its text, with Excel's `="..."` wrapper (used to keep
    /// leading zeros) removed.
    pub(crate) fn csv(text: &str) -> Self {
        let trimmed = text.trim();
        match trimmed
            .strip_prefix("=\"")
            .and_then(|rest| rest.strip_suffix('"'))
        {
            Some(inner) if !inner.contains('"') => Cell::Text(inner.to_owned()),
            _ => Cell::Text(text.to_owned()),
        }
    }

    /// Whether the cell is empty or only whitespace.
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell's text, if it is a text cell.
    pub(crate) fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The cell as a person sees it (untrimmed text; whole numbers without a
    /// decimal point; dates as `YYYY-MM-DD[ HH:MM:SS]`).
    pub(crate) fn shown(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(text) | Cell::Error(text) => Cow::Borrowed(text),
            Cell::Int(value) => Cow::Owned(value.to_string()),
            Cell::Float(value) => Cow::Owned(match whole(*value) {
                Some(value) => value.to_string(),
                None => value.to_string(),
            }),
            Cell::DateTime(value) if value.time() == NaiveTime::MIN => {
                Cow::Owned(value.format("%Y-%m-%d").to_string())
            }
            Cell::DateTime(value) => Cow::Owned(value.format("%Y-%m-%d %H:%M:%S").to_string()),
            Cell::Bool(value) => Cow::Borrowed(if *value { "TRUE" } else { "FALSE" }),
        }
    }

    /// The cell as optional text for a text field: trimmed, `None` if empty.
    pub(crate) fn to_text(&self) -> Option<String> {
        let shown = self.shown();
        let trimmed = shown.trim();
        (!trimmed.is_empty()).then(|| trimmed.to_owned())
    }

    /// The instant a date cell names; `Ok(None)` for a blank cell. The error
    /// quotes the value and says why, e.g. `"31/04/2025" is not a valid date
    /// (no such date or time of day)`.
    pub(crate) fn to_time(&self) -> Result<Option<DateTime<Utc>>, String> {
        match self {
            Cell::Empty => Ok(None),
            Cell::Text(text) if text.trim().is_empty() => Ok(None),
            Cell::Text(text) => parse_date(text).map(Some),
            Cell::DateTime(local) => vietnam_local(*local).map(Some),
            Cell::Int(value) => serial_date(*value as f64).map(Some),
            Cell::Float(value) => serial_date(*value).map(Some),
            Cell::Bool(_) => Err(format!("{} is not a date", self.shown())),
            Cell::Error(value) => Err(format!("is the error value {value}")),
        }
    }

    /// The whole-VND amount in a money cell; `Ok(None)` for a blank cell or
    /// a lone `-` placeholder. The error quotes the value and says why.
    pub(crate) fn to_vnd(&self) -> Result<Option<i64>, String> {
        match self {
            Cell::Empty => Ok(None),
            Cell::Text(text) => {
                let value = without_currency(text);
                if value.is_empty() || matches!(value, "-" | "–" | "—") {
                    return Ok(None);
                }
                parse_vnd(value)
                    .map(Some)
                    .map_err(|e| format!("{:?} {}", excerpt(text.trim()), e.kind()))
            }
            Cell::Int(value) if value.unsigned_abs() <= crate::MAX_ABS_VND.unsigned_abs() => {
                Ok(Some(*value))
            }
            Cell::Int(value) => Err(format!("{value} {}", AmountErrorKind::OutOfRange)),
            Cell::Float(value) => match whole(*value) {
                Some(amount) if amount.unsigned_abs() <= crate::MAX_ABS_VND.unsigned_abs() => {
                    Ok(Some(amount))
                }
                Some(_) => Err(format!("{value} {}", AmountErrorKind::OutOfRange)),
                None if value.is_finite() && value.abs() > 1e15 => {
                    Err(format!("{value} {}", AmountErrorKind::OutOfRange))
                }
                None => Err(format!("{value} {}", AmountErrorKind::NotWhole)),
            },
            Cell::DateTime(_) => Err(format!("{} is a date, not an amount", self.shown())),
            Cell::Bool(_) => Err(format!("{} is not an amount", self.shown())),
            Cell::Error(value) => Err(format!("is the error value {value}")),
        }
    }
}

/// `value` as an integer if it is a whole number of modest size.
fn whole(value: f64) -> Option<i64> {
    (value.is_finite() && value.fract() == 0.0 && value.abs() < 1e16).then_some(value as i64)
}

/// `text` trimmed, without a trailing currency (`VND`, `VNĐ`, `đ`, `₫`).
fn without_currency(text: &str) -> &str {
    let value = text.trim();
    for unit in ["VND", "VNĐ", "vnd", "vnđ", "Vnd", "Vnđ", "đ", "₫"] {
        if let Some(rest) = value.strip_suffix(unit) {
            return rest.trim_end();
        }
    }
    value
}

/// A Vietnam local date and time as an instant.
fn vietnam_local(local: NaiveDateTime) -> Result<DateTime<Utc>, String> {
    vietnam_offset()
        .from_local_datetime(&local)
        .single()
        .map(|instant| instant.with_timezone(&Utc))
        .ok_or_else(|| format!("{local} is out of range"))
}

/// An Excel serial date number (1900 date system) as Vietnam local time.
/// Only numbers from 1970-01-01 on are taken as dates.
fn serial_date(value: f64) -> Result<DateTime<Utc>, String> {
    if !(FIRST_SERIAL_DATE..END_SERIAL_DATE).contains(&value) {
        return Err(format!(
            "{} is a number, not a date (format the column as dates or text)",
            Cell::Float(value).shown()
        ));
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    // In range, so the milliseconds fit easily.
    let millis = (value * 86_400_000.0).round() as i64;
    let local = epoch.and_time(NaiveTime::MIN) + TimeDelta::milliseconds(millis);
    vietnam_local(local)
}

/// Parses a date (and optional time) as a bank export writes it: the forms
/// of [`parse_time`], plus `dd-mm-yyyy` and `dd.mm.yyyy`, with any run of
/// whitespace (line breaks, no-break spaces) between date and time.
pub(crate) fn parse_date(text: &str) -> Result<DateTime<Utc>, String> {
    let spaced = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let normalized = with_slashes(&spaced).unwrap_or(spaced);
    parse_time(&normalized).map_err(|e| {
        let why = match e.kind() {
            TimeErrorKind::OutOfRange => "is not a valid date (no such date or time of day)",
            TimeErrorKind::Empty | TimeErrorKind::Unrecognized => {
                "is not a valid date (expected day first, such as 22/04/2025, 22-04-2025, \
                 22.04.2025 or 22/04/2025 09:30:15, or ISO such as 2025-04-22)"
            }
        };
        format!("{:?} {why}", excerpt(text.trim()))
    })
}

/// `dd-mm-yyyy…` or `dd.mm.yyyy…` rewritten as `dd/mm/yyyy…`.
fn with_slashes(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let digits = |from: usize| {
        bytes[from.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let day = digits(0);
    let separator = *bytes.get(day)?;
    if !(1..=2).contains(&day) || !matches!(separator, b'-' | b'.') {
        return None;
    }
    let month = digits(day + 1);
    let second = day + 1 + month;
    if !(1..=2).contains(&month) || bytes.get(second) != Some(&separator) {
        return None;
    }
    if digits(second + 1) != 4 {
        return None;
    }
    let mut out = text.to_owned();
    // Both separators are ASCII, so these are character boundaries.
    out.replace_range(day..=day, "/");
    out.replace_range(second..=second, "/");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, mi, s).unwrap() - TimeDelta::hours(7)
    }

    #[test]
    fn day_first_dates_with_any_separator() {
        let want = local(2025, 4, 22, 0, 0, 0);
        for text in [
            "22/04/2025",
            "22-04-2025",
            "22.04.2025",
            "22.4.2025",
            " 2025-04-22 ",
        ] {
            assert_eq!(parse_date(text), Ok(want), "{text:?}");
        }
        let want = local(2025, 4, 22, 9, 30, 15);
        for text in [
            "22/04/2025 09:30:15",
            "22-04-2025 09:30:15",
            "22.04.2025 9:30:15",
            "22/04/2025\n09:30:15",
            "22/04/2025\u{a0}09:30:15",
            "2025-04-22T09:30:15+07:00",
        ] {
            assert_eq!(parse_date(text), Ok(want), "{text:?}");
        }
    }

    #[test]
    fn bad_dates() {
        assert_eq!(
            parse_date("31-04-2025").unwrap_err(),
            "\"31-04-2025\" is not a valid date (no such date or time of day)"
        );
        for text in [
            "22-04/2025",
            "22.04-2025",
            "2025.04.22",
            "22-04-25",
            "hôm nay",
            "-",
        ] {
            assert!(
                parse_date(text)
                    .unwrap_err()
                    .contains("is not a valid date (expected day first"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn date_cells() {
        let want = local(2025, 4, 22, 9, 30, 0);
        let naive = NaiveDate::from_ymd_opt(2025, 4, 22)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap();
        assert_eq!(Cell::DateTime(naive).to_time(), Ok(Some(want)));
        // 45769 is 2025-04-22 in Excel's 1900 date system.
        assert_eq!(Cell::Float(45_769.395_833_333_3).to_time(), Ok(Some(want)));
        assert_eq!(
            Cell::Int(45_769).to_time(),
            Ok(Some(local(2025, 4, 22, 0, 0, 0)))
        );
        assert_eq!(Cell::Empty.to_time(), Ok(None));
        assert_eq!(Cell::Text("  ".into()).to_time(), Ok(None));
        assert!(Cell::Int(12)
            .to_time()
            .unwrap_err()
            .contains("is a number, not a date"));
        assert!(Cell::Float(f64::NAN).to_time().is_err());
        assert!(Cell::Bool(true).to_time().is_err());
        assert_eq!(
            Cell::Error("#N/A".into()).to_time(),
            Err("is the error value #N/A".into())
        );
    }

    #[test]
    fn amount_cells() {
        assert_eq!(Cell::Text("1.200.000".into()).to_vnd(), Ok(Some(1_200_000)));
        assert_eq!(
            Cell::Text("1,200,000 VND".into()).to_vnd(),
            Ok(Some(1_200_000))
        );
        assert_eq!(Cell::Text("-50.000đ".into()).to_vnd(), Ok(Some(-50_000)));
        assert_eq!(Cell::Text(" - ".into()).to_vnd(), Ok(None));
        assert_eq!(Cell::Text("".into()).to_vnd(), Ok(None));
        assert_eq!(Cell::Float(1_200_000.0).to_vnd(), Ok(Some(1_200_000)));
        assert_eq!(Cell::Int(-5).to_vnd(), Ok(Some(-5)));
        assert_eq!(
            Cell::Float(12.5).to_vnd(),
            Err("12.5 is not a whole number of VND".into())
        );
        assert!(Cell::Float(1e20)
            .to_vnd()
            .unwrap_err()
            .contains("out of range"));
        assert!(Cell::Float(f64::INFINITY).to_vnd().is_err());
        assert!(Cell::Int(i64::MIN)
            .to_vnd()
            .unwrap_err()
            .contains("out of range"));
        assert_eq!(
            Cell::Text("12,5".into()).to_vnd(),
            Err("\"12,5\" is not a whole number of VND".into())
        );
        assert!(Cell::Text("abc".into())
            .to_vnd()
            .unwrap_err()
            .starts_with("\"abc\" is not a valid VND amount"));
    }

    #[test]
    fn shown_and_text() {
        assert_eq!(Cell::Float(123_456_789.0).shown(), "123456789");
        assert_eq!(Cell::Float(1.5).shown(), "1.5");
        assert_eq!(Cell::Int(7).shown(), "7");
        assert_eq!(Cell::Bool(false).shown(), "FALSE");
        assert_eq!(Cell::Text(" a ".into()).to_text(), Some("a".into()));
        assert_eq!(Cell::Text(" ".into()).to_text(), None);
        assert_eq!(Cell::csv(" =\"0123\" "), Cell::Text("0123".into()));
        assert_eq!(Cell::csv("=\"a\"b\""), Cell::Text("=\"a\"b\"".into()));
        assert_eq!(Cell::csv(" x "), Cell::Text(" x ".into()));
    }
}
