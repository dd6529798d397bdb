//! `POST /v2/ingest` (ours): push normalized transactions into one of the business's accounts.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::NewTransaction;
use crate::http::error::{success, ApiError, Envelope};
use crate::http::extract::{Auth, Json};
use crate::http::views::IngestResult;
use crate::http::AppState;
use crate::ingest::ingest_into_number;

/// Most items accepted in one request.
pub const MAX_BATCH: usize = 1000;

/// A batch of transactions for one account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IngestRequest {
    /// The account number, as registered.
    pub account: String,
    /// The transactions (at most 1000).
    pub transactions: Vec<IngestItem>,
}

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
    fn into_transaction(self, index: usize) -> Result<NewTransaction, ApiError> {
        let booked_at = statements::parse_time(&self.booked_at)
            .map_err(|e| ApiError::bad_request(format!("transactions[{index}].bookedAt: {e}")))?;
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
            source: "api".into(),
            raw,
        })
    }
}

/// Stores new transactions; items already stored are reported as duplicates. A batch with an
/// invalid item is rejected whole.
#[utoipa::path(post, path = "/v2/ingest", tag = "tingting", security(("apikey" = [])),
    request_body = IngestRequest,
    responses((status = 200, body = Envelope<Vec<IngestResult>>, description = "One result per item, in order"),
              (status = 400, description = "An item is invalid; the message names its index and field"),
              (status = 404, description = "No account with that number in this business"),
              (status = 413, description = "Body over 1 MiB")))]
pub async fn ingest(
    State(state): State<AppState>,
    Auth(who): Auth,
    Json(req): Json<IngestRequest>,
) -> Result<axum::Json<Envelope<Vec<IngestResult>>>, ApiError> {
    if req.transactions.len() > MAX_BATCH {
        return Err(ApiError::bad_request(format!(
            "transactions: at most {MAX_BATCH} items per request"
        )));
    }
    let batch = req
        .transactions
        .into_iter()
        .enumerate()
        .map(|(i, item)| item.into_transaction(i))
        .collect::<Result<Vec<_>, _>>()?;
    let outcomes = ingest_into_number(
        state.store.as_ref(),
        &state.ingest,
        &state.wakeup,
        who.business_id,
        &req.account,
        batch,
    )
    .await?;
    Ok(success(
        outcomes
            .into_iter()
            .map(|o| IngestResult {
                id: o.id,
                status: if o.created { "created" } else { "duplicate" },
            })
            .collect(),
    ))
}
