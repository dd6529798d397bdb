//! The delivery policy: timeout, retry schedule with jitter, `Retry-After` bounds, and when a
//! failing webhook is disabled. Pure: the worker asks it what to do next.

use std::time::Duration;

use rand::Rng;

/// Casso publishes no schedule; this one reaches about 3 days, like Svix and Stripe: the delay
/// before each retry after the first attempt.
pub const DEFAULT_SCHEDULE: &str = "5s,5m,30m,2h,5h,10h,10h,14h,20h,24h";

/// How deliveries are attempted and retried.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// How long a receiver has to answer.
    pub timeout: Duration,
    /// Delay before retry 1, 2, ... (the first attempt is immediate).
    pub schedule: Vec<Duration>,
    /// Relative jitter applied to each delay (0.1 = ±10%).
    pub jitter: f64,
    /// Largest `Retry-After` honoured; longer requests are capped to it.
    pub max_retry_after: Duration,
    /// A webhook whose every delivery failed for this long is disabled.
    pub disable_after: Duration,
    /// Longest the worker goes without looking at the outbox when nothing wakes it.
    pub poll: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(15),
            schedule: parse_schedule(DEFAULT_SCHEDULE).expect("valid default schedule"),
            jitter: 0.1,
            max_retry_after: Duration::from_secs(24 * 3600),
            disable_after: Duration::from_secs(5 * 24 * 3600),
            poll: Duration::from_secs(1),
        }
    }
}

impl Policy {
    /// The delay before the next attempt after `attempts` failed ones, or None when the
    /// delivery has had all its attempts. A receiver's `Retry-After` replaces the scheduled
    /// delay when longer, up to [`Policy::max_retry_after`].
    pub fn next_delay(&self, attempts: u32, retry_after: Option<Duration>) -> Option<Duration> {
        let scheduled = *self
            .schedule
            .get(usize::try_from(attempts).ok()?.checked_sub(1)?)?;
        let jittered = if self.jitter > 0.0 && !scheduled.is_zero() {
            let factor = 1.0 + rand::rng().random_range(-self.jitter..=self.jitter);
            scheduled.mul_f64(factor.max(0.0))
        } else {
            scheduled
        };
        Some(match retry_after {
            Some(asked) => jittered.max(asked.min(self.max_retry_after)),
            None => jittered,
        })
    }

    /// Total attempts a delivery gets.
    pub fn max_attempts(&self) -> usize {
        self.schedule.len() + 1
    }
}

/// Parses a duration such as `250ms`, `5s`, `5m`, `2h` or `1d`.
pub fn parse_duration(input: &str) -> Result<Duration, String> {
    let s = input.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{input:?} is not a duration like 5s, 5m or 2h"))?;
    let unit_ms: u64 = match unit {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(format!("{input:?} is not a duration like 5s, 5m or 2h")),
    };
    n.checked_mul(unit_ms)
        .map(Duration::from_millis)
        .ok_or_else(|| format!("{input:?} is too long"))
}

/// Parses a comma-separated retry schedule such as [`DEFAULT_SCHEDULE`] (may be empty: no
/// retries).
pub fn parse_schedule(input: &str) -> Result<Vec<Duration>, String> {
    input
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_duration)
        .collect()
}

/// Reads a `Retry-After` header: delay seconds, or an HTTP date relative to `now`.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = std::time::UNIX_EPOCH + Duration::from_secs(u64::try_from(at.timestamp()).ok()?);
    Some(at.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schedule_reaches_about_three_days() {
        let p = Policy::default();
        let total: Duration = p.schedule.iter().sum();
        assert!(total > Duration::from_secs(60 * 3600) && total < Duration::from_secs(100 * 3600));
        assert_eq!(p.max_attempts(), 11);
    }

    #[test]
    fn next_delay_follows_the_schedule_with_jitter() {
        let p = Policy::default();
        for _ in 0..100 {
            let d = p.next_delay(1, None).unwrap();
            assert!(
                d >= Duration::from_millis(4500) && d <= Duration::from_millis(5500),
                "{d:?}"
            );
        }
        assert!(p.next_delay(0, None).is_none());
        assert!(p.next_delay(10, None).is_some());
        assert!(p.next_delay(11, None).is_none());
    }

    #[test]
    fn retry_after_is_honoured_within_bounds() {
        let p = Policy {
            jitter: 0.0,
            ..Policy::default()
        };
        assert_eq!(
            p.next_delay(1, Some(Duration::from_secs(60))),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            p.next_delay(1, Some(Duration::from_secs(1))),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            p.next_delay(1, Some(Duration::from_secs(10 * 86400))),
            Some(Duration::from_secs(86400))
        );
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(0))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn durations_and_schedules_parse() {
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("").is_err());
        assert_eq!(parse_schedule("").unwrap(), Vec::<Duration>::new());
        assert_eq!(parse_schedule("1s, 2s").unwrap().len(), 2);
    }
}
