//! Passwords: argon2id hashes in PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$...`), checked
//! with argon2's own constant-time verification. Unknown users are checked against a dummy
//! hash, so how long a login takes does not tell which e-mails exist.
//!
//! Hashing is deliberately slow (tens of milliseconds): async callers run it on a blocking
//! thread (`tokio::task::spawn_blocking`).

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;

/// Fewest characters a password may have.
pub const MIN_LENGTH: usize = 10;
/// Most characters a password may have (bounds the work one login costs).
pub const MAX_LENGTH: usize = 1024;

/// Why a password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`MIN_LENGTH`] characters.
    #[error("the password must have at least {MIN_LENGTH} characters")]
    TooShort,
    /// More than [`MAX_LENGTH`] characters.
    #[error("the password must have at most {MAX_LENGTH} characters")]
    TooLong,
    /// The hasher failed (it does not with the default parameters).
    #[error("the password could not be hashed")]
    Hashing,
}

/// Checks the length rules, then hashes `password` with argon2id (OWASP's parameters, the
/// crate's defaults) and a fresh random salt; returns the PHC string to store.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PasswordError::TooLong);
    }
    hash_unchecked(password)
}

fn hash_unchecked(password: &str) -> Result<String, PasswordError> {
    let mut salt = [0u8; 16];
    rand::rng().fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|_| PasswordError::Hashing)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| PasswordError::Hashing)
}

/// Whether `password` matches `stored` (a PHC string). With `stored` None (an unknown user, or
/// one without a password) it still does the work of one verification, against a dummy hash,
/// and answers false. A stored value that does not parse is a mismatch.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    if password.chars().count() > MAX_LENGTH {
        return false;
    }
    let (stored, real) = match stored {
        Some(s) => (s, true),
        None => (dummy(), false),
    };
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && real
}

/// A hash of a random password with the same parameters as real ones, made once.
fn dummy() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let random: String = rand::rng()
            .sample_iter(&rand::distr::Alphanumeric)
            .take(32)
            .map(char::from)
            .collect();
        // Hashing with the default parameters does not fail; an empty dummy would merely
        // make unknown users' checks fail faster.
        hash_unchecked(&random).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$v=19$"), "{a}");
        assert_ne!(a, b, "fresh salt each time");
        assert!(verify("correct horse battery", Some(&a)));
        assert!(verify("correct horse battery", Some(&b)));
        assert!(!verify("correct horse batterY", Some(&a)));
        assert!(!verify("", Some(&a)));
    }

    #[test]
    fn unknown_users_and_bad_hashes_never_match() {
        assert!(!verify("anything at all", None));
        assert!(!verify("anything at all", Some("not a PHC string")));
        assert!(!verify("anything at all", Some("")));
    }

    #[test]
    fn length_rules() {
        assert_eq!(hash("short"), Err(PasswordError::TooShort));
        // Counted in characters, not bytes: nine Vietnamese letters are still too short.
        assert_eq!(hash("ắằẳẵặấầẩẫ"), Err(PasswordError::TooShort));
        assert!(hash("ắằẳẵặấầẩẫậ").is_ok());
        assert_eq!(
            hash(&"x".repeat(MAX_LENGTH + 1)),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            PasswordError::TooShort.to_string(),
            "the password must have at least 10 characters"
        );
    }
}
