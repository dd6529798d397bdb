//! Dates and times as the notification texts write them, turned into
//! instants.
//!
//! Texts give Vietnam local time (UTC+7 all year, no daylight saving).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};

/// How exact a [`Notification`](crate::Notification)'s `booked_at` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimePrecision {
    /// The text gave a date and a time with seconds.
    Seconds,
    /// The text gave a date and a time to the minute (`14:05`, `10h05p`).
    Minutes,
    /// The text gave a date but no time: `booked_at` is 00:00 Vietnam time
    /// that day.
    Day,
    /// The text gave no date: `booked_at` is the context's `received_at`.
    Received,
}

/// Regex (no capture groups) for a day-first date: `dd-mm-yyyy`,
/// `dd/mm/yy`, `dd.mm.yyyy` or `dd/mm` (no year); days and months may have
/// one digit.
pub(crate) const DATE_PATTERN: &str = "[0-9]{1,2}[-/.][0-9]{1,2}(?:[-/.](?:[0-9]{4}|[0-9]{2}))?";

/// Regex (no capture groups) for a time of day: `HH:MM`, `HH:MM:SS`,
/// `10h05`, `10h05p`; the hour may have one digit.
pub(crate) const TIME_PATTERN: &str = "[0-9]{1,2}(?::[0-9]{2}(?::[0-9]{2})?|h[0-9]{1,2}p?)";

/// Vietnam's offset from UTC.
const VIETNAM: TimeDelta = TimeDelta::hours(7);

/// The instant a text's date and time (as matched by [`DATE_PATTERN`] and
/// [`TIME_PATTERN`]) stand for, and how exact it is.
///
/// - No date: `received_at`, [`TimePrecision::Received`] (a time without a
///   date is ignored).
/// - A date without a time: 00:00 Vietnam time, [`TimePrecision::Day`].
/// - A two-digit year `yy` is `20yy`.
/// - A date without a year gets the year that puts the instant closest to
///   `received_at` without being more than one day after it (the day of
///   slack absorbs clocks that are a little off).
///
/// Errors describe an impossible date or time.
pub(crate) fn resolve(
    date: Option<&str>,
    time: Option<&str>,
    received_at: DateTime<Utc>,
) -> Result<(DateTime<Utc>, TimePrecision), String> {
    let Some(date) = date else {
        return Ok((received_at, TimePrecision::Received));
    };
    let (day, month, year) = parse_date(date).ok_or_else(|| format!("unreadable date {date:?}"))?;
    let (clock, precision) = match time {
        None => (NaiveTime::MIN, TimePrecision::Day),
        Some(time) => parse_time(time).ok_or_else(|| format!("impossible time {time:?}"))?,
    };
    let instant = |year: i32| -> Option<DateTime<Utc>> {
        let local = NaiveDateTime::new(NaiveDate::from_ymd_opt(year, month, day)?, clock);
        Some(local.checked_sub_signed(VIETNAM)?.and_utc())
    };
    let booked = match year {
        Some(year) => instant(year),
        None => {
            let latest = received_at
                .checked_add_signed(TimeDelta::days(1))
                .unwrap_or(received_at);
            let local_year = received_at
                .naive_utc()
                .checked_add_signed(VIETNAM)
                .map_or(received_at.year(), |local| local.year());
            // Eight years back always reaches a 29 February.
            (local_year.saturating_sub(8)..=local_year.saturating_add(1))
                .filter_map(instant)
                .filter(|candidate| *candidate <= latest)
                .min_by_key(|candidate| (*candidate - received_at).abs())
        }
    };
    let booked = booked.ok_or_else(|| format!("impossible date {date:?}"))?;
    Ok((booked, precision))
}

/// Day, month and (when written) year of a date matched by [`DATE_PATTERN`].
fn parse_date(date: &str) -> Option<(u32, u32, Option<i32>)> {
    let mut parts = date.split(['-', '/', '.']);
    let day = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let year = match parts.next() {
        None => None,
        Some(year) if year.len() == 2 => Some(2000 + year.parse::<i32>().ok()?),
        Some(year) => Some(year.parse().ok()?),
    };
    if parts.next().is_some() {
        return None;
    }
    Some((day, month, year))
}

/// The time of day matched by [`TIME_PATTERN`] and its precision.
fn parse_time(time: &str) -> Option<(NaiveTime, TimePrecision)> {
    let time = time.strip_suffix('p').unwrap_or(time);
    let mut parts = time.split([':', 'h']);
    let hour = parts.next()?.parse().ok()?;
    let minute = parts.next()?.parse().ok()?;
    let (second, precision) = match parts.next() {
        None => (0, TimePrecision::Minutes),
        Some(second) => (second.parse().ok()?, TimePrecision::Seconds),
    };
    if parts.next().is_some() {
        return None;
    }
    Some((NaiveTime::from_hms_opt(hour, minute, second)?, precision))
}

#[cfg(test)]
mod tests {
    use super::{resolve, TimePrecision};
    use chrono::{DateTime, Utc};

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn full_dates() {
        let received = utc("2030-01-01T00:00:00Z");
        assert_eq!(
            resolve(Some("03-05-2025"), Some("10:15:22"), received),
            Ok((utc("2025-05-03T03:15:22Z"), TimePrecision::Seconds))
        );
        assert_eq!(
            resolve(Some("21/04/25"), Some("14:05"), received),
            Ok((utc("2025-04-21T07:05:00Z"), TimePrecision::Minutes))
        );
        assert_eq!(
            resolve(Some("1/1/2025"), Some("3:04"), received),
            Ok((utc("2024-12-31T20:04:00Z"), TimePrecision::Minutes))
        );
        assert_eq!(
            resolve(Some("27/04/2025"), None, received),
            Ok((utc("2025-04-26T17:00:00Z"), TimePrecision::Day))
        );
        assert_eq!(
            resolve(None, Some("10:00"), received),
            Ok((received, TimePrecision::Received))
        );
    }

    #[test]
    fn missing_years_are_filled_from_received_at() {
        // Same day.
        assert_eq!(
            resolve(Some("25/04"), Some("10h05p"), utc("2025-04-25T03:06:00Z")),
            Ok((utc("2025-04-25T03:05:00Z"), TimePrecision::Minutes))
        );
        // New Year's Eve text received on New Year's Day.
        assert_eq!(
            resolve(Some("31/12"), Some("23:59"), utc("2026-01-01T00:30:00Z")).map(|r| r.0),
            Ok(utc("2025-12-31T16:59:00Z"))
        );
        // Local New Year's Day text received when UTC is still in the old year.
        assert_eq!(
            resolve(Some("01/01"), Some("00:10"), utc("2025-12-31T17:20:00Z")).map(|r| r.0),
            Ok(utc("2025-12-31T17:10:00Z"))
        );
        // Up to one day in the future is accepted (a fast phone clock)...
        assert_eq!(
            resolve(Some("02/01"), Some("07:00"), utc("2025-01-01T01:00:00Z")).map(|r| r.0),
            Ok(utc("2025-01-02T00:00:00Z"))
        );
        // ...more is taken as last year.
        assert_eq!(
            resolve(Some("02/01"), Some("09:00"), utc("2025-01-01T01:00:00Z")).map(|r| r.0),
            Ok(utc("2024-01-02T02:00:00Z"))
        );
        // 29 February goes back to the last leap year.
        assert_eq!(
            resolve(Some("29/02"), Some("12:00"), utc("2027-03-01T00:00:00Z")).map(|r| r.0),
            Ok(utc("2024-02-29T05:00:00Z"))
        );
    }

    #[test]
    fn impossible_dates_and_times() {
        let received = utc("2025-01-01T00:00:00Z");
        assert!(resolve(Some("31/02/2025"), Some("10:00"), received).is_err());
        assert!(resolve(Some("12/13"), None, received).is_err());
        assert!(resolve(Some("01/01/2025"), Some("24:00"), received).is_err());
        assert!(resolve(Some("01/01/2025"), Some("10:61"), received).is_err());
        assert!(resolve(Some("31/04"), None, received).is_err());
        let _ = resolve(Some("01/01"), None, DateTime::<Utc>::MIN_UTC);
        let _ = resolve(Some("01/01"), None, DateTime::<Utc>::MAX_UTC);
    }
}
