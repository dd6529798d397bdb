//! The format-independent result of parsing one statement line.

use chrono::{DateTime, Utc};

/// One booked entry of a bank statement, whatever file format it came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entry {
    /// When the bank booked the entry.
    pub booked_at: DateTime<Utc>,
    /// Signed amount in whole VND: positive = money in, negative = money out.
    /// Never zero; magnitude at most [`MAX_ABS_VND`](crate::MAX_ABS_VND).
    pub amount: i64,
    /// The bank's description of the entry, trimmed (may be empty).
    pub description: String,
    /// The bank's reference for the entry, if any.
    pub reference: Option<String>,
    /// Running account balance after the entry in whole VND, if the statement has it.
    pub balance: Option<i64>,
    /// Name of the other party, if known.
    pub counterparty_name: Option<String>,
    /// Account number of the other party, if known.
    pub counterparty_account: Option<String>,
    /// Bank of the other party, if known.
    pub counterparty_bank: Option<String>,
    /// The statement's own account (number or IBAN) as the file names it, when the format
    /// carries one (MT940 `:25:`, camt `Acct/Id`); None for canonical CSV. Callers check it
    /// against the account they import into.
    pub account: Option<String>,
    /// 1-based physical line number in the source file where the entry starts.
    pub line: u64,
    /// The entry's source text, for auditing. For canonical CSV this is the
    /// row's cells (untrimmed) re-encoded as one CSV record with minimal
    /// quoting and no line terminator, so it matches the file byte for byte
    /// unless the file quoted values that did not need it.
    pub raw: String,
}
