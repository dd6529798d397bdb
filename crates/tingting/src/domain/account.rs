//! Bank accounts a business receives money on.

use super::BusinessId;

/// A bank account number: 3 to 32 ASCII letters or digits (spaces, dots and dashes that people
/// type are removed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountNumber(String);

impl AccountNumber {
    /// Parses an account number as a person or a bank writes it.
    pub fn parse(input: &str) -> Result<Self, String> {
        let s: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        if (3..=32).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()) {
            Ok(Self(s))
        } else {
            Err(format!(
                "account number {input:?} must be 3 to 32 letters or digits"
            ))
        }
    }

    /// The normalized number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What it takes to add a bank account.
#[derive(Debug, Clone)]
pub struct NewBankAccount {
    /// NAPAS BIN of the bank.
    pub bank_bin: u32,
    /// Account number at that bank.
    pub account_number: AccountNumber,
    /// Account holder's name, if known.
    pub account_name: Option<String>,
}

/// A stored bank account with its running summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    /// Account id (system-wide).
    pub id: i64,
    /// Owning business.
    pub business_id: BusinessId,
    /// NAPAS BIN of the bank.
    pub bank_bin: u32,
    /// Account number.
    pub account_number: String,
    /// Holder name, if known.
    pub account_name: Option<String>,
    /// Latest known balance (from the newest transaction that carried one).
    pub balance: Option<i64>,
    /// When the account was added (ms).
    pub created_at: i64,
}

/// Totals over an account's stored transactions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountTotals {
    /// Number of credits.
    pub credit_count: i64,
    /// Sum of credits (VND, positive).
    pub credit_amount: i64,
    /// Number of debits.
    pub debit_count: i64,
    /// Sum of debits (VND, positive).
    pub debit_amount: i64,
    /// First Vietnam-local day with a transaction.
    pub first_day: Option<i64>,
    /// Last Vietnam-local day with a transaction.
    pub last_day: Option<i64>,
}
