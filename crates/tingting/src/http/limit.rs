//! Rate limits per API key and per ingest token. Counts live in the database (one row per
//! credential and fixed window, incremented atomically), so a limit holds across every instance
//! behind a load balancer. Over the limit, requests are answered 429 in the envelope with
//! `Retry-After`: the seconds until the window ends.

use std::fmt;
use std::time::Duration;

use axum::http::StatusCode;

use super::error::ApiError;
use crate::domain::time::now_ms;
use crate::storage::Store;

/// At most `limit` requests per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub limit: u32,
    /// The window.
    pub window: Duration,
}

impl RateLimit {
    /// Parses `N/s`, `N/min` or `N/h` (N from 1); `off` is None.
    pub fn parse(s: &str) -> Result<Option<Self>, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let (n, per) = s
            .split_once('/')
            .ok_or_else(|| format!("{s:?}: write N/s, N/min or N/h, or off"))?;
        let limit: u32 = n
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{s:?}: the count must be a whole number from 1"))?;
        let window = match per.trim() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            other => return Err(format!("{s:?}: {other:?} is not s, min or h")),
        };
        Ok(Some(Self { limit, window }))
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per = match self.window.as_secs() {
            1 => "second",
            60 => "minute",
            _ => "hour",
        };
        write!(f, "{} per {per}", self.limit)
    }
}

/// The limits a server applies (none by default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Per API key, on every `/v2` route.
    pub api_key: Option<RateLimit>,
    /// Per notification feed token, on its ingest URL.
    pub ingest_token: Option<RateLimit>,
}

/// Counts one request of credential `key` against `limit`; a 429 naming `what` (an API key,
/// an ingest token) when over it.
pub async fn check(
    store: &dyn Store,
    key: &str,
    limit: RateLimit,
    what: &str,
) -> Result<(), ApiError> {
    let now = now_ms();
    let window = i64::try_from(limit.window.as_millis()).unwrap_or(i64::MAX);
    let start = now - now.rem_euclid(window);
    let hits = store.hit_rate_limit(key, start).await?;
    if hits <= i64::from(limit.limit) {
        return Ok(());
    }
    let retry_after = u64::try_from((start + window - now + 999) / 1000)
        .unwrap_or(1)
        .max(1);
    Err(ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!("Too many requests: at most {limit} for this {what}"),
    )
    .retry_after(retry_after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse() {
        assert_eq!(
            RateLimit::parse("600/min").unwrap(),
            Some(RateLimit {
                limit: 600,
                window: Duration::from_secs(60)
            })
        );
        assert_eq!(RateLimit::parse("off").unwrap(), None);
        assert_eq!(
            RateLimit::parse("5/s").unwrap().unwrap().to_string(),
            "5 per second"
        );
        assert!(RateLimit::parse("0/min").is_err());
        assert!(RateLimit::parse("10/day").is_err());
        assert!(RateLimit::parse("10").is_err());
    }
}
