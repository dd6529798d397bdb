//! Domain types: values that parse rather than validate, and the records the rest of the
//! service passes around. Nothing here does I/O.

pub mod account;
pub mod api_key;
pub mod bank;
pub mod dedup;
pub mod delivery;
pub mod email;
pub mod feed;
pub mod oauth;
pub mod password;
pub mod payment;
pub mod scope;
pub mod session;
pub mod time;
pub mod transaction;
pub mod webhook;

pub use account::{AccountNumber, AccountTotals, BankAccount, NewAccountError, NewBankAccount};
pub use api_key::{ApiKeyRecord, ApiKeySecret, Principal};
pub use bank::{Bank, BankDirectory};
pub use delivery::{Delivery, DeliveryStatus};
pub use email::Email;
pub use feed::{
    CommandSettings, DemoError, DemoSettings, Feed, FeedChange, FeedChangeError, FeedChangeRequest,
    FeedKind, FeedSettings, FeedToken, MailSecurity, MailboxSettings, NewFeed, UnparsedText,
};
pub use scope::{Scope, Scopes};
pub use transaction::{IngestOutcome, NewTransaction, Transaction};
pub use webhook::{Subscriptions, Webhook, WebhookFormat, WebhookSpec, WebhookUrl};

/// Identifier of a business: the tenant every owned row carries.
pub type BusinessId = i64;

/// A business (tenant) and its display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Business {
    /// Business id.
    pub id: BusinessId,
    /// Display name, e.g. `Cửa hàng Hoa Sen`.
    pub name: String,
}

/// A person who owns or operates a business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// User id.
    pub id: i64,
    /// The business the user belongs to.
    pub business_id: BusinessId,
    /// Login e-mail, lower-cased.
    pub email: String,
}
