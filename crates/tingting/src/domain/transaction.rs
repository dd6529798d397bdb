//! Normalized transactions: what every feed produces and what the API serves.

use sha2::{Digest, Sha256};

use super::BusinessId;

/// Largest absolute amount accepted (VND).
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;
/// Longest description kept (characters).
pub const MAX_DESCRIPTION: usize = 1000;
/// Longest optional text field (characters).
pub const MAX_FIELD: usize = 255;

/// A transaction as a feed reports it, before it is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewTransaction {
    /// Signed amount in VND: positive is money in.
    pub amount: i64,
    /// When the bank booked it (ms since the epoch, UTC).
    pub booked_at: i64,
    /// Description (memo) as the bank wrote it.
    pub description: String,
    /// Bank reference; empty when the bank gave none.
    pub reference: String,
    /// Balance after the transaction, when known.
    pub running_balance: Option<i64>,
    /// Counterparty name; empty when unknown.
    pub counterparty_name: String,
    /// Counterparty account number; empty when unknown.
    pub counterparty_account: String,
    /// Counterparty bank id (BIN); empty when unknown.
    pub counterparty_bank_id: String,
    /// Counterparty bank name; empty when unknown.
    pub counterparty_bank: String,
    /// Virtual account credited; empty when none.
    pub virtual_account: String,
    /// Virtual account name; empty when none.
    pub virtual_account_name: String,
    /// Payment channel; empty when unknown.
    pub payment_channel: String,
    /// Which feed produced it, e.g. `api`, `csv`, `demo`.
    pub source: String,
    /// The raw source text (a CSV line, a JSON item, an SMS).
    pub raw: String,
}

/// A field of a transaction that failed validation, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's API name, e.g. `amount`.
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl NewTransaction {
    /// Checks the invariants every stored transaction keeps.
    pub fn validate(&self) -> Result<(), FieldError> {
        let err = |field, message: String| Err(FieldError { field, message });
        if self.amount == 0 {
            return err("amount", "amount must not be zero".into());
        }
        if self.amount.unsigned_abs() > MAX_AMOUNT as u64 {
            return err("amount", format!("amount must be at most {MAX_AMOUNT} VND"));
        }
        if let Some(b) = self.running_balance {
            if b.unsigned_abs() > MAX_AMOUNT as u64 {
                return err(
                    "runningBalance",
                    format!("runningBalance must be at most {MAX_AMOUNT} VND"),
                );
            }
        }
        if self.description.chars().count() > MAX_DESCRIPTION {
            return err(
                "description",
                format!("description must be at most {MAX_DESCRIPTION} characters"),
            );
        }
        let texts = [
            ("reference", &self.reference),
            ("counterpartyName", &self.counterparty_name),
            ("counterpartyAccount", &self.counterparty_account),
            ("counterpartyBankId", &self.counterparty_bank_id),
            ("counterpartyBankName", &self.counterparty_bank),
            ("virtualAccount", &self.virtual_account),
            ("virtualAccountName", &self.virtual_account_name),
            ("paymentChannel", &self.payment_channel),
        ];
        for (field, value) in texts {
            if value.chars().count() > MAX_FIELD {
                return err(
                    field,
                    format!("{field} must be at most {MAX_FIELD} characters"),
                );
            }
        }
        Ok(())
    }

    /// The key that makes one transfer one row: the bank reference (with the amount) when the
    /// bank gives one, otherwise a fingerprint of time, amount, balance and normalized
    /// description. Stored under a unique index per account.
    pub fn dedup_key(&self) -> String {
        let (kind, material) = if self.reference.trim().is_empty() {
            let description = self
                .description
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            let balance = self
                .running_balance
                .map_or_else(|| "-".to_string(), |b| b.to_string());
            (
                "f",
                format!(
                    "{}|{}|{}|{}",
                    self.booked_at / 1000,
                    self.amount,
                    balance,
                    description
                ),
            )
        } else {
            ("r", format!("{}|{}", self.amount, self.reference.trim()))
        };
        format!(
            "{kind}:{}",
            hex::encode(Sha256::digest(material.as_bytes()))
        )
    }
}

/// A stored transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// System-wide id: what receivers deduplicate on.
    pub id: i64,
    /// Owning business.
    pub business_id: BusinessId,
    /// Bank account it belongs to.
    pub account_id: i64,
    /// The normalized fields.
    pub fields: NewTransaction,
    /// When tingting stored it (ms).
    pub created_at: i64,
}

/// What ingest did with one incoming transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestOutcome {
    /// Id of the stored transaction (the existing one for a duplicate).
    pub id: i64,
    /// True when this call stored it; false when it was already there.
    pub created: bool,
    /// True when it was already there (reported by another feed) and this report filled in
    /// fields it lacked (see [`crate::domain::dedup`]).
    pub enriched: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> NewTransaction {
        NewTransaction {
            amount: 250_000,
            booked_at: 1_713_147_164_000,
            description: "DH1042  chuyen tien".into(),
            ..Default::default()
        }
    }

    #[test]
    fn fingerprint_ignores_spacing_and_case_but_not_amount() {
        let a = sample();
        let mut b = sample();
        b.description = "dh1042 chuyen TIEN".into();
        assert_eq!(a.dedup_key(), b.dedup_key());
        b.amount = 250_001;
        assert_ne!(a.dedup_key(), b.dedup_key());
    }

    #[test]
    fn reference_wins_over_fingerprint() {
        let mut a = sample();
        a.reference = "FT1".into();
        let mut b = sample();
        b.reference = "FT1".into();
        b.description = "other text".into();
        b.booked_at += 60_000;
        assert_eq!(a.dedup_key(), b.dedup_key());
        assert!(a.dedup_key().starts_with("r:"));
    }

    #[test]
    fn validation_names_the_field() {
        let mut t = sample();
        t.amount = 0;
        assert_eq!(t.validate().unwrap_err().field, "amount");
        let mut t = sample();
        t.reference = "x".repeat(300);
        assert_eq!(t.validate().unwrap_err().field, "reference");
        assert!(sample().validate().is_ok());
    }
}
