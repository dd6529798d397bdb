//! API keys: prefixed, high-entropy secrets stored only as SHA-256 digests.

use rand::{distr::Alphanumeric, Rng};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::BusinessId;

/// Every tingting API key starts with this, so leaked keys are easy to spot and scan for.
pub const KEY_PREFIX: &str = "tt_";
/// Random alphanumeric characters after the prefix (about 238 bits of entropy).
const KEY_RANDOM_LEN: usize = 40;
/// How many leading characters of a key are kept in clear to tell keys apart in listings.
const DISPLAY_PREFIX_LEN: usize = 10;

/// A freshly generated API key: shown once, then only its digest is kept.
#[derive(Debug, Clone)]
pub struct ApiKeySecret(String);

impl ApiKeySecret {
    /// Generates a new random key from the operating system's CSPRNG-seeded generator.
    pub fn generate() -> Self {
        let random: String = rand::rng()
            .sample_iter(&Alphanumeric)
            .take(KEY_RANDOM_LEN)
            .map(char::from)
            .collect();
        Self(format!("{KEY_PREFIX}{random}"))
    }

    /// The key in clear.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The part shown in listings, e.g. `tt_Ab3dE9x`.
    pub fn display_prefix(&self) -> String {
        self.0.chars().take(DISPLAY_PREFIX_LEN).collect()
    }

    /// The stored digest.
    pub fn digest(&self) -> String {
        digest(&self.0)
    }
}

/// SHA-256 of a presented token, hex-encoded: what is stored and looked up.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether two secrets (or digests) are equal, in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// A stored API key (without its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    /// Key id.
    pub id: i64,
    /// Owning business.
    pub business_id: BusinessId,
    /// User the key acts for.
    pub user_id: i64,
    /// Free-form label.
    pub label: String,
    /// First characters of the key, to recognise it.
    pub prefix: String,
    /// Creation instant (ms).
    pub created_at: i64,
    /// Revocation instant (ms), if revoked.
    pub revoked_at: Option<i64>,
    /// The scopes it is limited to; None: every scope.
    pub scopes: Option<super::Scopes>,
}

/// Who is calling: the business and user an authenticated request acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    /// Business the request is confined to.
    pub business_id: BusinessId,
    /// User behind the credential.
    pub user_id: i64,
    /// What the credential may do.
    pub scopes: super::Scopes,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_prefixed_random_and_hashed() {
        let a = ApiKeySecret::generate();
        let b = ApiKeySecret::generate();
        assert!(a.expose().starts_with(KEY_PREFIX));
        assert_eq!(a.expose().len(), KEY_PREFIX.len() + KEY_RANDOM_LEN);
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.digest().len(), 64);
        assert_eq!(a.digest(), digest(a.expose()));
        assert!(a.expose().starts_with(&a.display_prefix()));
    }
}
