//! Reading the times forwarders send: epoch numbers of several units and
//! date-time strings.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;

/// Vietnam's offset from UTC (UTC+7, no daylight saving), used for a time
/// that comes without one.
const VIETNAM_OFFSET_SECONDS: i32 = 7 * 3600;

/// Reads a JSON value as a time: a number or a numeric string is an epoch
/// count (see [`from_epoch`]), any other string a date-time (see
/// [`from_text`]). Anything else, or a value that reads as no time, is
/// `None`.
pub(crate) fn from_json(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::Number(number) => match number.as_i64() {
            Some(n) => from_epoch(n),
            None => number.as_f64().and_then(from_epoch_float),
        },
        Value::String(text) => from_text(text),
        _ => None,
    }
}

/// Reads a string as a time: digits (with an optional fraction) are an
/// epoch count; otherwise RFC 3339 (`2024-06-22T15:46:11.000+07:00`),
/// RFC 2822 (`Sat, 22 Jun 2024 15:46:11 +0700`), or an ISO date-time
/// without offset (`2024-06-22 15:46:11`, `2024-06-22T15:46:11`), which is
/// taken as Vietnam time (UTC+7).
pub(crate) fn from_text(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<i64>().ok().and_then(from_epoch);
    }
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return text.parse::<f64>().ok().and_then(from_epoch_float);
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.with_timezone(&Utc));
    }
    if let Ok(time) = DateTime::parse_from_rfc2822(text) {
        return Some(time.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return vietnam_local(naive);
        }
    }
    None
}

/// An epoch count whose unit is told by its magnitude: below 10^11 it is
/// seconds (10^11 s is the year 5138), below 10^14 milliseconds, below
/// 10^17 microseconds, else nanoseconds. Zero and negative counts are no
/// time (forwarders send 0 or -1 when they do not know).
pub(crate) fn from_epoch(n: i64) -> Option<DateTime<Utc>> {
    const E11: i64 = 100_000_000_000;
    const E14: i64 = 100_000_000_000_000;
    const E17: i64 = 100_000_000_000_000_000;
    if n <= 0 {
        None
    } else if n < E11 {
        DateTime::from_timestamp(n, 0)
    } else if n < E14 {
        DateTime::from_timestamp_millis(n)
    } else if n < E17 {
        DateTime::from_timestamp_micros(n)
    } else {
        Some(DateTime::from_timestamp_nanos(n))
    }
}

/// [`from_epoch`] for a count with a fraction (`1714000000.123`).
fn from_epoch_float(n: f64) -> Option<DateTime<Utc>> {
    if !n.is_finite() || n <= 0.0 || n >= 9.0e18 {
        return None;
    }
    if n < 1.0e11 {
        // Seconds with a fraction: keep the milliseconds.
        let millis = (n * 1000.0).round();
        // In range: n < 1e11, so millis < 1e14.
        DateTime::from_timestamp_millis(millis as i64)
    } else {
        from_epoch(n as i64)
    }
}

/// A Vietnam local time as UTC.
pub(crate) fn vietnam_local(naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    FixedOffset::east_opt(VIETNAM_OFFSET_SECONDS)?
        .from_local_datetime(&naive)
        .single()
        .map(|time| time.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn utc(text: &str) -> Option<DateTime<Utc>> {
        Some(text.parse().expect("valid test time"))
    }

    #[test]
    fn epochs_by_magnitude() {
        assert_eq!(from_epoch(1_714_000_000), utc("2024-04-24T23:06:40Z"));
        assert_eq!(from_epoch(1_714_000_000_000), utc("2024-04-24T23:06:40Z"));
        assert_eq!(
            from_epoch(1_714_000_000_123),
            utc("2024-04-24T23:06:40.123Z")
        );
        assert_eq!(
            from_epoch(1_714_000_000_000_000),
            utc("2024-04-24T23:06:40Z")
        );
        assert_eq!(
            from_epoch(1_714_000_000_000_000_000),
            utc("2024-04-24T23:06:40Z")
        );
        assert_eq!(from_epoch(0), None);
        assert_eq!(from_epoch(-1), None);
        assert!(from_epoch(i64::MAX).is_some());
    }

    #[test]
    fn json_values() {
        assert_eq!(
            from_json(&json!(1_714_000_000_000_i64)),
            utc("2024-04-24T23:06:40Z")
        );
        assert_eq!(from_json(&json!("1714000000")), utc("2024-04-24T23:06:40Z"));
        assert_eq!(
            from_json(&json!(1_714_000_000.5)),
            utc("2024-04-24T23:06:40.500Z")
        );
        assert_eq!(
            from_json(&json!("1714000000.5")),
            utc("2024-04-24T23:06:40.500Z")
        );
        assert_eq!(from_json(&json!(1.0e300)), None);
        assert_eq!(from_json(&json!(-5.0)), None);
        assert_eq!(from_json(&json!(null)), None);
        assert_eq!(from_json(&json!(true)), None);
        assert_eq!(from_json(&json!("%sentStamp%")), None);
    }

    #[test]
    fn strings() {
        assert_eq!(
            from_text("2024-06-22T15:46:11.000+07:00"),
            utc("2024-06-22T08:46:11Z")
        );
        assert_eq!(
            from_text("2024-06-22T08:46:11Z"),
            utc("2024-06-22T08:46:11Z")
        );
        assert_eq!(
            from_text("Sat, 22 Jun 2024 15:46:11 +0700"),
            utc("2024-06-22T08:46:11Z")
        );
        assert_eq!(
            from_text("2024-06-22 15:46:11"),
            utc("2024-06-22T08:46:11Z")
        );
        assert_eq!(from_text("2024-06-22T15:46"), utc("2024-06-22T08:46:00Z"));
        assert_eq!(from_text("yesterday"), None);
        assert_eq!(from_text("99999999999999999999999"), None);
        assert_eq!(from_text("1.2.3"), None);
    }
}
