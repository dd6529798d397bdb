//! Bank feeds: where an account's transactions come from, and the texts a feed could not read.

use rand::{distr::Alphanumeric, Rng};

use super::api_key;
use super::BusinessId;

/// Every notification ingest token starts with this (easy to spot when leaked).
pub const TOKEN_PREFIX: &str = "ttn_";
/// Random alphanumeric characters after the prefix.
const TOKEN_RANDOM_LEN: usize = 40;
/// Leading characters kept in clear to tell feeds apart.
const DISPLAY_PREFIX_LEN: usize = 12;

/// What kind of feed it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// Forwarded bank notifications (SMS, app notifications, alert e-mails) posted to the
    /// feed's ingest URL.
    Notify,
}

impl FeedKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Notify => "notify",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "notify" => Some(FeedKind::Notify),
            _ => None,
        }
    }
}

/// The secret in a notification feed's ingest URL: shown once, stored as a SHA-256 digest.
#[derive(Debug, Clone)]
pub struct FeedToken(String);

impl FeedToken {
    /// A new random token.
    pub fn generate() -> Self {
        let random: String = rand::rng()
            .sample_iter(&Alphanumeric)
            .take(TOKEN_RANDOM_LEN)
            .map(char::from)
            .collect();
        Self(format!("{TOKEN_PREFIX}{random}"))
    }

    /// The token in clear.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The part shown in listings.
    pub fn display_prefix(&self) -> String {
        self.0.chars().take(DISPLAY_PREFIX_LEN).collect()
    }

    /// The stored digest.
    pub fn digest(&self) -> String {
        api_key::digest(&self.0)
    }
}

/// A stored feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// Feed id.
    pub id: i64,
    /// Owning business.
    pub business_id: BusinessId,
    /// The account it feeds.
    pub account_id: i64,
    /// What kind of feed.
    pub kind: FeedKind,
    /// First characters of its token, to recognise it.
    pub token_prefix: String,
    /// HMAC-SHA256 key forwarders sign with (`X-Signature`), or empty.
    pub secret: String,
    /// Whether it accepts input.
    pub enabled: bool,
    /// When it last brought something readable (ms).
    pub last_success_at: Option<i64>,
    /// Its last problem ("" when none).
    pub last_error: String,
    /// When that happened (ms).
    pub last_error_at: Option<i64>,
    /// Problems since the last success.
    pub consecutive_failures: i64,
    /// Creation instant (ms).
    pub created_at: i64,
}

/// A text a feed received but could not read with confidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnparsedText {
    /// Row id.
    pub id: i64,
    /// Owning business.
    pub business_id: BusinessId,
    /// The account of the feed.
    pub account_id: i64,
    /// The feed it came through.
    pub feed_id: i64,
    /// Who sent it, as the forwarder said ("" when unknown).
    pub sender: String,
    /// The text as received.
    pub body: String,
    /// Why it was not read.
    pub reason: String,
    /// When it arrived (ms).
    pub received_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_digested() {
        let a = FeedToken::generate();
        let b = FeedToken::generate();
        assert!(a.expose().starts_with(TOKEN_PREFIX));
        assert_eq!(a.expose().len(), TOKEN_PREFIX.len() + TOKEN_RANDOM_LEN);
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.digest().len(), 64);
        assert!(a.expose().starts_with(&a.display_prefix()));
        assert_eq!(
            FeedKind::parse(FeedKind::Notify.as_str()),
            Some(FeedKind::Notify)
        );
        assert_eq!(FeedKind::parse("nope"), None);
    }
}
