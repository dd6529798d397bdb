//! Outbound HTTP for webhooks: rustls, explicit timeouts, no redirects, the SSRF guard, and a
//! `User-Agent` naming tingting.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, RETRY_AFTER};

use super::guard::{check_literal, PublicOnlyResolver};
use super::policy::parse_retry_after;

/// Sent as `User-Agent` on every webhook POST.
pub const USER_AGENT: &str = concat!("tingting/", env!("CARGO_PKG_VERSION"), " (webhooks)");
/// How much of a response body is kept for the delivery log.
pub const EXCERPT_LEN: usize = 512;
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// What a receiver did with one POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status, if the receiver answered.
    pub status: Option<u16>,
    /// Why it failed, "" on a 2xx.
    pub error: String,
    /// Time from sending to the answer (or the failure).
    pub latency: Duration,
    /// The start of the body.
    pub excerpt: String,
    /// The receiver's `Retry-After`, if any.
    pub retry_after: Option<Duration>,
}

impl Answer {
    /// Whether the receiver accepted it (any 2xx).
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Posts webhook bodies.
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

impl Sender {
    /// A sender with the given receiver timeout; `allow_private` switches the SSRF guard off.
    pub fn new(timeout: Duration, allow_private: bool) -> reqwest::Result<Self> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(USER_AGENT)
            .pool_idle_timeout(Duration::from_secs(30));
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnlyResolver));
        }
        Ok(Self {
            client: builder.build()?,
            allow_private,
        })
    }

    /// POSTs `body` (JSON) with `headers` to `url` and reports what happened. Never fails: every
    /// failure is an [`Answer`] with an error.
    pub async fn post(
        &self,
        url: &url::Url,
        headers: Vec<(&'static str, String)>,
        body: String,
    ) -> Answer {
        let started = Instant::now();
        let failed = |error: String, started: Instant| Answer {
            status: None,
            error,
            latency: started.elapsed(),
            excerpt: String::new(),
            retry_after: None,
        };
        if !self.allow_private {
            if let Err(e) = check_literal(url) {
                return failed(
                    format!("refused: {e} (TINGTING_ALLOW_PRIVATE_WEBHOOKS=1 allows it)"),
                    started,
                );
            }
        }
        let mut map = HeaderMap::new();
        map.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in headers {
            match HeaderValue::from_str(&value) {
                Ok(v) => {
                    map.insert(HeaderName::from_static(name), v);
                }
                Err(_) => {
                    return failed(
                        format!("header {name} has characters HTTP cannot carry"),
                        started,
                    )
                }
            }
        }
        let response = match self
            .client
            .post(url.clone())
            .headers(map)
            .body(body)
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => return failed(describe(&e), started),
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = response.bytes().await.unwrap_or_default();
        let excerpt = String::from_utf8_lossy(&bytes[..bytes.len().min(EXCERPT_LEN)]).into_owned();
        let error = if status.is_success() {
            String::new()
        } else if status.is_redirection() {
            format!(
                "HTTP {} redirect to {} not followed",
                status.as_u16(),
                location.as_deref().unwrap_or("(no Location)")
            )
        } else {
            format!("HTTP {}", status.as_u16())
        };
        Answer {
            status: Some(status.as_u16()),
            error,
            latency: started.elapsed(),
            excerpt,
            retry_after,
        }
    }
}

/// A short reason for a transport failure.
fn describe(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut reason = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        "request failed".to_string()
    };
    let mut source = e.source();
    while let Some(s) = source {
        reason = format!("{reason}: {s}");
        source = s.source();
    }
    reason
}
