//! `POST /v2/sync`: poll an account's pull feeds now.

use axum::extract::State;
use axum::http::HeaderName;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::http::error::{success, ApiError, Envelope};
use crate::http::extract::{Auth, Json};
use crate::http::AppState;
use crate::ingest::pull;

/// **ours**: the response header saying whether the wait was enough: `complete`, or
/// `timed-out` when the answer came before every poll and first delivery attempt finished.
pub const SYNC_HEADER: &str = "x-tingting-sync";

/// Which account to sync.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SyncRequest {
    /// The account number (a string; a number is accepted too).
    #[schema(value_type = String)]
    pub bank_acc_id: Value,
}

/// Polls the account's pull feeds (demo bank, command feeds) now; what they bring is stored
/// and sent to webhooks before the answer, within a bounded wait (**ours**: 10 s by default,
/// `--sync-wait`). Push feeds (notifications) need no sync: they deliver on arrival.
/// Concurrent syncs of one account share the polls.
#[utoipa::path(post, path = "/v2/sync", tag = "casso", security(("apikey" = []), ("oauth2" = ["sync"])),
    request_body = SyncRequest,
    responses((status = 200, body = Envelope<Option<String>>,
               description = "`data` is null. Synced, or the wait ran out (the polls still finish)",
               headers(("x-tingting-sync" = String, description = "`complete` or `timed-out`"))),
              (status = 400, description = "bank_acc_id missing or not an account number"),
              (status = 404, description = "No account with that number in this business")))]
pub async fn sync(
    State(state): State<AppState>,
    Auth(who): Auth,
    Json(req): Json<SyncRequest>,
) -> Result<([(HeaderName, &'static str); 1], axum::Json<Envelope<()>>), ApiError> {
    let number = match &req.bank_acc_id {
        Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
        Value::Number(n) if n.is_u64() => n.to_string(),
        _ => {
            return Err(ApiError::bad_request(
                "bank_acc_id: the account number, as a string",
            ))
        }
    };
    let account = state
        .store
        .find_account(who.business_id, &number)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Bank account {number} not found")))?;
    let synced = pull::sync(
        state.store.as_ref(),
        &state.polls,
        &account,
        state.sync_wait,
    )
    .await?;
    let outcome = if synced.complete {
        "complete"
    } else {
        tracing::info!(
            account = account.id,
            feeds = synced.feeds,
            "sync answered before its polls and deliveries finished"
        );
        "timed-out"
    };
    Ok((
        [(HeaderName::from_static(SYNC_HEADER), outcome)],
        success(()),
    ))
}
