//! Browser sessions and one-time setup links: high-entropy random tokens given to the browser
//! (a cookie, a link), stored only as SHA-256 digests ([`super::api_key::digest`]).

use rand::distr::Alphanumeric;
use rand::Rng;

use super::BusinessId;

/// Longest a session lasts, however much it is used: 7 days (ms).
pub const SESSION_MAX_MS: i64 = 7 * 24 * 3_600_000;
/// A session unused for this long ends: 12 hours (ms).
pub const SESSION_IDLE_MS: i64 = 12 * 3_600_000;
/// How long a setup link printed by `tingting serve` works: 1 hour (ms).
pub const SETUP_LINK_MS: i64 = 3_600_000;

/// Random alphanumeric characters of a token (about 238 bits of entropy).
const TOKEN_LEN: usize = 40;

/// A fresh random token (session cookie, CSRF token, setup link) from the thread's
/// CSPRNG-seeded generator.
pub fn new_token() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(TOKEN_LEN)
        .map(char::from)
        .collect()
}

/// A live browser session and who it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Session id.
    pub id: i64,
    /// The user's business.
    pub business_id: BusinessId,
    /// The logged-in user.
    pub user_id: i64,
    /// The user's login e-mail.
    pub email: String,
    /// The token this session's forms must carry.
    pub csrf_token: String,
    /// When it was created (ms).
    pub created_at: i64,
    /// When it ends at the latest (ms).
    pub expires_at: i64,
    /// When it was last used (ms, to the minute: see [`crate::storage::Store::find_session`]).
    pub last_seen_at: i64,
}

/// What [`crate::storage::Store::create_session`] stores.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    /// The user's business.
    pub business_id: BusinessId,
    /// The user.
    pub user_id: i64,
    /// SHA-256 hex of the cookie's token.
    pub token_hash: &'a str,
    /// The session's CSRF token.
    pub csrf_token: &'a str,
    /// Now (ms).
    pub now: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = new_token();
        assert_eq!(a.len(), TOKEN_LEN);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, new_token());
    }
}
