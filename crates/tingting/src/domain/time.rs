//! Instants and Vietnam-local calendar days.
//!
//! Instants are stored as milliseconds since the Unix epoch (UTC). Casso renders times in
//! Vietnam local time (UTC+7, no daylight saving) as `YYYY-MM-DD HH:MM:SS`; that happens only at
//! the edge, here.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

/// Milliseconds in one day.
pub const DAY_MS: i64 = 86_400_000;
/// Vietnam's offset from UTC in milliseconds (the statement parsers' constant).
const VN_OFFSET_MS: i64 = statements::VIETNAM_UTC_OFFSET_SECONDS as i64 * 1000;

/// Vietnam's fixed UTC offset (UTC+7, no daylight saving), as the parsers use it.
pub use statements::vietnam_offset as vn_offset;

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// The Vietnam-local day (days since 1970-01-01) an instant falls on.
pub fn vn_day(ms: i64) -> i64 {
    (ms + VN_OFFSET_MS).div_euclid(DAY_MS)
}

/// The Vietnam-local day number of a calendar date.
pub fn day_of_date(date: NaiveDate) -> i64 {
    date.signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch"))
        .num_days()
}

/// The calendar date of a Vietnam-local day number (None far outside the calendar).
pub fn date_of_day(day: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::try_days(day)?)
}

/// The instant (ms) at which a Vietnam-local day starts.
pub fn day_start_ms(day: i64) -> i64 {
    day * DAY_MS - VN_OFFSET_MS
}

/// Today's Vietnam-local date.
pub fn vn_today() -> NaiveDate {
    Utc::now().with_timezone(&vn_offset()).date_naive()
}

/// Renders an instant as Casso does: Vietnam local time, `YYYY-MM-DD HH:MM:SS`.
pub fn render_vn(ms: i64) -> String {
    vn_offset()
        .timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// Renders an instant's Vietnam-local date, `YYYY-MM-DD`.
pub fn render_vn_date(ms: i64) -> String {
    vn_offset()
        .timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Converts a UTC date-time to milliseconds.
pub fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_follow_vietnam_midnight() {
        // 2024-04-14 17:00:00Z is 2024-04-15 00:00 in Vietnam.
        let ms = Utc
            .with_ymd_and_hms(2024, 4, 14, 17, 0, 0)
            .unwrap()
            .timestamp_millis();
        let day = day_of_date(NaiveDate::from_ymd_opt(2024, 4, 15).unwrap());
        assert_eq!(vn_day(ms), day);
        assert_eq!(vn_day(ms - 1), day - 1);
        assert_eq!(day_start_ms(day), ms);
        assert_eq!(render_vn(ms), "2024-04-15 00:00:00");
        assert_eq!(render_vn_date(ms), "2024-04-15");
        assert_eq!(date_of_day(day), NaiveDate::from_ymd_opt(2024, 4, 15));
        assert_eq!(date_of_day(i64::MAX), None);
    }
}
