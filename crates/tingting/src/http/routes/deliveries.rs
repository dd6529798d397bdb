//! (ours) Delivery visibility and replay: a webhook's delivery log, the test ping, retrying one
//! delivery, replaying a time range.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::delivery::replay::{self, ReplayError};
use crate::domain::time::{now_ms, render_vn};
use crate::domain::{Delivery, Webhook};
use crate::http::error::{success, ApiError, Envelope};
use crate::http::extract::{Auth, Id, Json};
use crate::http::AppState;

/// Deliveries listed per page at most.
const MAX_LIST: i64 = 200;

/// A delivery as the log shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    /// Delivery id.
    pub id: i64,
    /// The webhook.
    pub webhook_id: i64,
    /// The transaction (0 for a payment event or a test ping).
    pub transaction_id: i64,
    /// The payment event it carries, if it carries one.
    pub event_id: Option<i64>,
    /// `pending`, `succeeded` or `failed`.
    pub status: &'static str,
    /// Attempts made.
    pub attempts: i64,
    /// HTTP status of the last attempt, if answered.
    pub last_http_status: Option<i64>,
    /// Why the last attempt failed ("" after success).
    pub last_error: String,
    /// Duration of the last attempt in ms.
    pub latency_ms: Option<i64>,
    /// Start of the last response body.
    pub response_excerpt: String,
    /// Start of the last request body sent ("" before the first attempt).
    pub request_excerpt: String,
    /// When the next attempt is due (Vietnam time), while pending.
    pub next_attempt_at: Option<String>,
    /// When it was enqueued.
    pub created_at: String,
    /// When a receiver accepted it.
    pub delivered_at: Option<String>,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id,
            webhook_id: d.webhook_id,
            transaction_id: d.transaction_id.unwrap_or(0),
            event_id: d.event_id,
            status: d.status.as_str(),
            attempts: d.attempts,
            last_http_status: d.last_http_status,
            last_error: d.last_error,
            latency_ms: d.last_latency_ms,
            response_excerpt: d.response_excerpt,
            request_excerpt: d.request_excerpt,
            next_attempt_at: (d.status == crate::domain::DeliveryStatus::Pending)
                .then(|| render_vn(d.next_attempt_at)),
            created_at: render_vn(d.created_at),
            delivered_at: d.delivered_at.map(render_vn),
        }
    }
}

/// Paging of the delivery log: newest first, `before` a delivery id.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LogParams {
    /// Only deliveries with ids below this one (for the next page).
    pub before: Option<i64>,
    /// At most this many (default 50, at most 200).
    pub limit: Option<i64>,
}

async fn ensure_webhook(state: &AppState, business_id: i64, id: i64) -> Result<Webhook, ApiError> {
    state
        .store
        .get_webhook(business_id, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Webhook {id} not found")))
}

/// A webhook's deliveries, newest first.
#[utoipa::path(get, path = "/v2/webhooks/{id}/deliveries", tag = "tingting",
    security(("apikey" = []), ("oauth2" = ["webhook"])), params(("id" = i64, Path, description = "Webhook id"), LogParams),
    responses((status = 200, body = Envelope<Vec<DeliveryView>>), (status = 404, description = "No such webhook")))]
pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
    Query(params): Query<LogParams>,
) -> Result<axum::Json<Envelope<Vec<DeliveryView>>>, ApiError> {
    ensure_webhook(&state, who.business_id, id).await?;
    let limit = params.limit.filter(|l| *l > 0).unwrap_or(50).min(MAX_LIST);
    let deliveries = state
        .store
        .list_deliveries(who.business_id, id, params.before, limit)
        .await?;
    Ok(success(deliveries.into_iter().map(Into::into).collect()))
}

/// Sends Casso's test ping (transaction id 0, fixed values) to the webhook in its format.
#[utoipa::path(post, path = "/v2/webhooks/{id}/test", tag = "tingting", security(("apikey" = []), ("oauth2" = ["webhook"])),
    params(("id" = i64, Path, description = "Webhook id")),
    responses((status = 200, body = Envelope<DeliveryView>, description = "The enqueued ping; follow it in the delivery log")))]
pub async fn test(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
) -> Result<axum::Json<Envelope<DeliveryView>>, ApiError> {
    ensure_webhook(&state, who.business_id, id).await?;
    let delivery = state
        .store
        .enqueue_test_delivery(who.business_id, id, now_ms())
        .await?;
    state.wakeup.wake();
    Ok(success(delivery.into()))
}

/// Attempts a delivery again now, whatever its status.
#[utoipa::path(post, path = "/v2/deliveries/{id}/retry", tag = "tingting", security(("apikey" = []), ("oauth2" = ["webhook"])),
    params(("id" = i64, Path, description = "Delivery id")),
    responses((status = 200, body = Envelope<DeliveryView>), (status = 404, description = "No such delivery")))]
pub async fn retry(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
) -> Result<axum::Json<Envelope<DeliveryView>>, ApiError> {
    let delivery = state
        .store
        .retry_delivery(who.business_id, id, now_ms())
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Delivery {id} not found")))?;
    state.wakeup.wake();
    Ok(success(delivery.into()))
}

/// A range of days to replay (Vietnam dates, inclusive).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplayRequest {
    /// First day, `YYYY-MM-DD`.
    pub from_date: String,
    /// Last day, `YYYY-MM-DD`, inclusive.
    pub to_date: String,
}

/// How many deliveries a replay enqueued.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplayResult {
    /// New deliveries enqueued.
    pub enqueued: u64,
}

/// Sends again, as new deliveries, every transaction booked in the range that the webhook matches.
#[utoipa::path(post, path = "/v2/webhooks/{id}/replay", tag = "tingting", security(("apikey" = []), ("oauth2" = ["webhook"])),
    params(("id" = i64, Path, description = "Webhook id")), request_body = ReplayRequest,
    responses((status = 200, body = Envelope<ReplayResult>), (status = 400, description = "Invalid dates"),
              (status = 409, description = "The webhook is disabled")))]
pub async fn replay(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
    Json(req): Json<ReplayRequest>,
) -> Result<axum::Json<Envelope<ReplayResult>>, ApiError> {
    let date = |name: &str, value: &str| {
        NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
            ApiError::bad_request(format!("{name} must be a date YYYY-MM-DD, got {value:?}"))
        })
    };
    let from = date("fromDate", &req.from_date)?;
    let to = date("toDate", &req.to_date)?;
    let enqueued = replay::replay(state.store.as_ref(), who.business_id, id, from, to)
        .await
        .map_err(|e| match e {
            ReplayError::UnknownWebhook(_) => {
                ApiError::not_found(format!("Webhook {id} not found"))
            }
            e @ ReplayError::Disabled { .. } => ApiError::new(StatusCode::CONFLICT, e.to_string()),
            e @ ReplayError::EmptyRange => ApiError::bad_request(e.to_string()),
            ReplayError::Store(e) => e.into(),
        })?;
    if enqueued > 0 {
        state.wakeup.wake();
    }
    Ok(success(ReplayResult { enqueued }))
}
