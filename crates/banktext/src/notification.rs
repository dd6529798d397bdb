//! What parsing a text gives: the context it needs and its result.

use chrono::{DateTime, Utc};

use crate::{Bank, TimePrecision};

/// What is known about a text besides the text itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Context {
    /// The bank the text came from, when the sender says so (see
    /// [`Bank::from_sender`]); `None` lets [`parse`](crate::parse) detect it.
    pub bank: Option<Bank>,
    /// When the text was received (forwarder or mail server time). Used for
    /// texts without a date and to fill in a missing year.
    pub received_at: DateTime<Utc>,
}

/// The result of [`parse`](crate::parse).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// The text is a balance-change notification and was read with
    /// confidence.
    Transaction(Notification),
    /// The text is not a transaction (one-time password, advertising, login
    /// alert, a text without any amount); the string says why.
    Ignored(String),
    /// The text may be a transaction but could not be read with confidence;
    /// the string says why. Such a text must be kept for a person to see,
    /// never guessed at.
    Unparsed(String),
}

/// A balance-change notification, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The bank whose layout the text matched.
    pub bank: Bank,
    /// Signed amount in whole VND: positive = money in (credit), negative =
    /// money out (debit). Never zero.
    pub amount: i64,
    /// Running balance after the transaction in whole VND, when the text
    /// gives it.
    pub balance: Option<i64>,
    /// When the transaction was booked: the text's Vietnam-local (UTC+7)
    /// time converted to UTC, or `received_at` when the text has no date
    /// (see [`Notification::time_precision`]).
    pub booked_at: DateTime<Utc>,
    /// How exact [`Notification::booked_at`] is.
    pub time_precision: TimePrecision,
    /// The account as the text writes it, possibly masked (`0801xxxx5678`,
    /// `xxxx4567`, `**3896`); match it with
    /// [`account_matches`](crate::account_matches).
    pub account_hint: Option<String>,
    /// The memo as the bank wrote it, taken from the original text
    /// (diacritics and case kept), trimmed; may be empty or cut short when
    /// the SMS was.
    pub description: String,
    /// The bank's reference or transaction number when the text has one,
    /// else `""`.
    pub reference: String,
    /// The other party's name (or account and name) when the text gives it
    /// in its own field (MB Bank `TU:`, SeABank `Nguoi chuyen:`).
    pub counterparty: Option<String>,
}
