//! Bank accounts a business receives money on.

use super::{Bank, BankDirectory, BusinessId};

/// Longest account holder name accepted, in characters.
pub const MAX_HOLDER_NAME: usize = 200;

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

/// Why an account to add was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NewAccountError {
    /// The bank is not in the directory.
    #[error(
        "unknown bank {0:?}: give a BIN (970416), a code (ACB) or a Casso code name (acb_digi)"
    )]
    UnknownBank(String),
    /// The account number is not one.
    #[error("{0}")]
    Number(String),
    /// The holder name is too long.
    #[error("holder name must be at most {MAX_HOLDER_NAME} characters")]
    NameTooLong,
}

impl NewBankAccount {
    /// An account to add as a person gives it (the CLI, the dashboard): the bank by BIN,
    /// code, Casso code name or short name (see [`BankDirectory::resolve`]), the number as
    /// typed, the holder's name (blank: unknown). Also gives the bank found.
    pub fn parse<'d>(
        banks: &'d BankDirectory,
        bank: &str,
        number: &str,
        name: Option<&str>,
    ) -> Result<(Self, &'d Bank), NewAccountError> {
        let found = banks
            .resolve(bank)
            .ok_or_else(|| NewAccountError::UnknownBank(bank.to_string()))?;
        let account_number = AccountNumber::parse(number).map_err(NewAccountError::Number)?;
        let account_name = name.map(str::trim).filter(|n| !n.is_empty());
        if account_name.is_some_and(|n| n.chars().count() > MAX_HOLDER_NAME) {
            return Err(NewAccountError::NameTooLong);
        }
        Ok((
            Self {
                bank_bin: found.bin,
                account_number,
                account_name: account_name.map(str::to_string),
            },
            found,
        ))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_accounts_are_checked() {
        let banks = BankDirectory::builtin();
        let (new, bank) = NewBankAccount::parse(banks, "acb", "1234 5678", Some("  ")).unwrap();
        assert_eq!((new.bank_bin, bank.code.as_str()), (970416, "ACB"));
        assert_eq!(new.account_number.as_str(), "12345678");
        assert_eq!(new.account_name, None);
        let named = NewBankAccount::parse(banks, "970416", "123", Some(" NGUYEN VAN A ")).unwrap();
        assert_eq!(named.0.account_name.as_deref(), Some("NGUYEN VAN A"));
        assert_eq!(
            NewBankAccount::parse(banks, "NOPE", "123", None).unwrap_err(),
            NewAccountError::UnknownBank("NOPE".into())
        );
        assert!(matches!(
            NewBankAccount::parse(banks, "ACB", "1", None),
            Err(NewAccountError::Number(_))
        ));
        assert_eq!(
            NewBankAccount::parse(banks, "ACB", "123", Some(&"A".repeat(201))).unwrap_err(),
            NewAccountError::NameTooLong
        );
    }
}
