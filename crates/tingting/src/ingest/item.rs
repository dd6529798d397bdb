//! The normalized transaction as JSON: what `POST /v2/ingest` takes and command feeds print.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::NewTransaction;

/// One transaction in normalized form.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IngestItem {
    /// Signed VND: positive is money in.
    pub amount: i64,
    /// RFC 3339, or Casso's Vietnam-local `YYYY-MM-DD HH:MM:SS`.
    pub booked_at: String,
    /// The bank's description (memo).
    pub description: String,
    /// The bank's reference.
    #[serde(default)]
    pub reference: Option<String>,
    /// Balance after the transaction.
    #[serde(default)]
    pub running_balance: Option<i64>,
    /// Counterparty name.
    #[serde(default)]
    pub counterparty_name: Option<String>,
    /// Counterparty account number.
    #[serde(default)]
    pub counterparty_account: Option<String>,
    /// Counterparty bank id (BIN).
    #[serde(default)]
    pub counterparty_bank_id: Option<String>,
    /// Counterparty bank name.
    #[serde(default)]
    pub counterparty_bank_name: Option<String>,
    /// Virtual account credited.
    #[serde(default)]
    pub virtual_account: Option<String>,
    /// Virtual account name.
    #[serde(default)]
    pub virtual_account_name: Option<String>,
    /// Payment channel.
    #[serde(default)]
    pub payment_channel: Option<String>,
}

impl IngestItem {
    /// The transaction it describes, from feed `source`, its JSON kept as the raw text. The
    /// error names the field (`bookedAt: ...`).
    pub fn into_transaction(self, source: &str) -> Result<NewTransaction, String> {
        let booked_at =
            statements::parse_time(&self.booked_at).map_err(|e| format!("bookedAt: {e}"))?;
        let raw = serde_json::to_string(&self).unwrap_or_default();
        Ok(NewTransaction {
            amount: self.amount,
            booked_at: booked_at.timestamp_millis(),
            description: self.description,
            reference: self.reference.unwrap_or_default(),
            running_balance: self.running_balance,
            counterparty_name: self.counterparty_name.unwrap_or_default(),
            counterparty_account: self.counterparty_account.unwrap_or_default(),
            counterparty_bank_id: self.counterparty_bank_id.unwrap_or_default(),
            counterparty_bank: self.counterparty_bank_name.unwrap_or_default(),
            virtual_account: self.virtual_account.unwrap_or_default(),
            virtual_account_name: self.virtual_account_name.unwrap_or_default(),
            payment_channel: self.payment_channel.unwrap_or_default(),
            source: source.into(),
            raw,
        })
    }
}
