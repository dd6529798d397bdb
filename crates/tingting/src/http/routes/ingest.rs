//! `POST /v2/ingest` (ours): push normalized transactions into one of the business's accounts.

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::http::error::{success, ApiError, Envelope};
use crate::http::extract::{Auth, Json};
use crate::http::views::IngestResult;
use crate::http::AppState;
use crate::ingest::{ingest_into_number, IngestItem};

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

/// Stores new transactions; items already stored are reported as duplicates. A batch with an
/// invalid item is rejected whole.
#[utoipa::path(post, path = "/v2/ingest", tag = "tingting", security(("apikey" = []), ("oauth2" = ["ingest"])),
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
        .map(|(i, item)| {
            item.into_transaction("api")
                .map_err(|e| ApiError::bad_request(format!("transactions[{i}].{e}")))
        })
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
                status: if o.created {
                    "created"
                } else if o.enriched {
                    "enriched"
                } else {
                    "duplicate"
                },
            })
            .collect(),
    ))
}
