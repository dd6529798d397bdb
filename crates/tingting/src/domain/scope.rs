//! Scopes: what a credential may do. Every `/v2` route requires one (or none, for
//! `userInfo`); API keys hold every scope unless created with fewer, OAuth2 tokens hold what the
//! business granted the partner app.

use std::fmt;

/// One permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Read bank accounts and transactions (Casso's `transaction`).
    Transaction,
    /// Manage webhooks and their deliveries (Casso's `webhook`).
    Webhook,
    /// Ask for a bank sync (`POST /v2/sync`).
    Sync,
    /// Create, read and cancel payment requests; VietQR codes.
    Payment,
    /// Push transactions (`POST /v2/ingest`, statement uploads).
    Ingest,
    /// Manage an account's feeds and unparsed texts.
    Feed,
}

impl Scope {
    /// Every scope, in the order they are listed.
    pub const ALL: [Scope; 6] = [
        Scope::Transaction,
        Scope::Webhook,
        Scope::Sync,
        Scope::Payment,
        Scope::Ingest,
        Scope::Feed,
    ];

    /// Its name in scope strings.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Transaction => "transaction",
            Scope::Webhook => "webhook",
            Scope::Sync => "sync",
            Scope::Payment => "payment",
            Scope::Ingest => "ingest",
            Scope::Feed => "feed",
        }
    }

    /// What it allows, for consent pages (Vietnamese, English).
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Scope::Transaction => (
                "Xem tài khoản ngân hàng và giao dịch",
                "Read your bank accounts and transactions",
            ),
            Scope::Webhook => (
                "Quản lý webhook nhận giao dịch",
                "Manage the webhooks that receive your transactions",
            ),
            Scope::Sync => ("Yêu cầu đồng bộ ngân hàng", "Ask for a bank sync"),
            Scope::Payment => (
                "Tạo và xem yêu cầu thanh toán, mã VietQR",
                "Create and read payment requests and VietQR codes",
            ),
            Scope::Ingest => (
                "Gửi giao dịch và sao kê vào hệ thống",
                "Push transactions and statements",
            ),
            Scope::Feed => ("Quản lý nguồn dữ liệu ngân hàng", "Manage your bank feeds"),
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scopes(u8);

impl Scopes {
    /// No scope.
    pub const NONE: Scopes = Scopes(0);

    /// Every scope.
    pub fn all() -> Self {
        Scope::ALL.into_iter().collect()
    }

    /// Parses a list separated by spaces or commas (RFC 6749 uses spaces). Unknown names are an
    /// error naming them.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut scopes = Scopes::NONE;
        for name in text.split([' ', ',']).filter(|s| !s.is_empty()) {
            let scope = Scope::ALL
                .into_iter()
                .find(|s| s.name() == name)
                .ok_or_else(|| format!("unknown scope {name:?} (known: {})", Scopes::all()))?;
            scopes = scopes.with(scope);
        }
        Ok(scopes)
    }

    /// The scopes of a stored API key: NULL for a key of every scope, else a scope string
    /// (written by this program; anything unreadable grants nothing).
    pub fn of_key(stored: Option<&str>) -> Self {
        stored.map_or_else(Scopes::all, |s| Scopes::parse(s).unwrap_or_default())
    }

    /// This set and `scope`.
    pub fn with(self, scope: Scope) -> Self {
        Scopes(self.0 | scope.bit())
    }

    /// Whether `scope` is in the set.
    pub fn contains(self, scope: Scope) -> bool {
        self.0 & scope.bit() != 0
    }

    /// Whether every scope of `other` is in this set.
    pub fn covers(self, other: Scopes) -> bool {
        other.0 & !self.0 == 0
    }

    /// The scopes in either set.
    pub fn union(self, other: Scopes) -> Scopes {
        Scopes(self.0 | other.0)
    }

    /// The scopes in both sets.
    pub fn intersect(self, other: Scopes) -> Scopes {
        Scopes(self.0 & other.0)
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The scopes in the set, in [`Scope::ALL`]'s order.
    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL.into_iter().filter(move |s| self.contains(*s))
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        iter.into_iter().fold(Scopes::NONE, Scopes::with)
    }
}

/// Space-separated names, as RFC 6749 writes scope strings.
impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Scope::name).collect();
        f.write_str(&names.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_strings_round_trip() {
        let s = Scopes::parse("webhook transaction").unwrap();
        assert_eq!(s.to_string(), "transaction webhook");
        assert_eq!(Scopes::parse(&s.to_string()).unwrap(), s);
        assert_eq!(
            Scopes::parse("webhook,sync").unwrap().to_string(),
            "webhook sync"
        );
        assert_eq!(Scopes::parse("").unwrap(), Scopes::NONE);
        assert_eq!(
            Scopes::parse(&Scopes::all().to_string()).unwrap(),
            Scopes::all()
        );
        let err = Scopes::parse("transaction admin").unwrap_err();
        assert!(err.contains("\"admin\""), "{err}");
    }

    #[test]
    fn sets_compare() {
        let all = Scopes::all();
        let read = Scopes::NONE.with(Scope::Transaction);
        assert!(all.covers(read));
        assert!(!read.covers(all));
        assert!(read.contains(Scope::Transaction));
        assert!(!read.contains(Scope::Webhook));
        assert_eq!(all.intersect(read), read);
        assert!(Scopes::NONE.is_empty());
        assert_eq!(all.iter().count(), Scope::ALL.len());
    }
}
