//! E-mail addresses as used for logins.

use std::fmt;

/// A syntactically plausible e-mail address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Parses an address: one `@`, a non-empty local part, a domain with a dot, no spaces,
    /// at most 254 characters.
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim().to_lowercase();
        let malformed = || format!("malformed email address {input:?}");
        if s.is_empty() || s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(malformed());
        }
        let (local, domain) = s.split_once('@').ok_or_else(malformed)?;
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(malformed());
        }
        Ok(Self(s))
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn accepts_and_normalizes() {
        assert_eq!(
            Email::parse(" Owner@Example.VN ").unwrap().as_str(),
            "owner@example.vn"
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "", "a", "a@b", "@b.vn", "a@.vn", "a@b.", "a b@c.vn", "a@b@c.vn", "a@b..vn",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
