//! **Ours**: an account's feeds and the texts they could not read.
//! `GET`/`POST /v2/accounts/{id}/feeds`, `GET /v2/accounts/{id}/unparsed`.

use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::accounts::find;
use crate::domain::time::render_vn;
use crate::domain::{Feed, FeedToken, UnparsedText};
use crate::http::error::{success, ApiError, Envelope};
use crate::http::extract::{Auth, Id, Json};
use crate::http::AppState;

/// Longest accepted signing secret.
const MAX_SECRET_LEN: usize = 200;
/// Most unparsed texts listed at once.
const MAX_LIST: i64 = 200;

/// A feed as the API shows it (never its token or secret).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedView {
    /// Feed id.
    pub id: i64,
    /// The account it feeds.
    pub account_id: i64,
    /// `notify`.
    pub kind: &'static str,
    /// The first characters of its token, to recognise it.
    pub token_prefix: String,
    /// Whether posts must be signed (`X-Signature`).
    pub signed: bool,
    /// Whether it accepts input.
    pub enabled: bool,
    /// When it last brought something readable, Vietnam time (to within 10 s).
    pub last_success_at: Option<String>,
    /// Its last problem ("" when none).
    pub last_error: String,
    /// When that happened, Vietnam time.
    pub last_error_at: Option<String>,
    /// Problems since the last success.
    pub consecutive_failures: i64,
    /// Set only in the answer that created the feed: where forwarders post, with the secret
    /// token (`/ingest/notify/ttn_...`); prefix it with the server's public address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingest_path: Option<String>,
}

impl FeedView {
    fn new(f: &Feed, token: Option<&FeedToken>) -> Self {
        Self {
            id: f.id,
            account_id: f.account_id,
            kind: f.kind.as_str(),
            token_prefix: f.token_prefix.clone(),
            signed: !f.secret.is_empty(),
            enabled: f.enabled,
            last_success_at: f.last_success_at.map(render_vn),
            last_error: f.last_error.clone(),
            last_error_at: f.last_error_at.map(render_vn),
            consecutive_failures: f.consecutive_failures,
            ingest_path: token.map(|t| format!("/ingest/notify/{}", t.expose())),
        }
    }
}

/// A new feed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedRequest {
    /// `notify` (forwarded bank notifications; the only kind so far).
    pub kind: String,
    /// Optional HMAC-SHA256 key forwarders sign posts with.
    #[serde(default)]
    pub secret: String,
}

/// A text a feed could not read.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnparsedView {
    /// Row id.
    pub id: i64,
    /// The feed it came through.
    pub feed_id: i64,
    /// Who sent it ("" when unknown).
    pub sender: String,
    /// The text as received.
    pub text: String,
    /// Why it was not read.
    pub reason: String,
    /// When it arrived, Vietnam time.
    pub received_at: String,
}

impl From<UnparsedText> for UnparsedView {
    fn from(u: UnparsedText) -> Self {
        Self {
            id: u.id,
            feed_id: u.feed_id,
            sender: u.sender,
            text: u.body,
            reason: u.reason,
            received_at: render_vn(u.received_at),
        }
    }
}

/// Paging of the unparsed list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UnparsedParams {
    /// How many, newest first (default 50, at most 200).
    pub limit: Option<i64>,
}

/// **ours**: the account's feeds and their health.
#[utoipa::path(get, path = "/v2/accounts/{id}/feeds", tag = "tingting",
    security(("apikey" = [])),
    params(("id" = i64, Path, description = "Account id")),
    responses((status = 200, body = Envelope<Vec<FeedView>>),
              (status = 404, description = "No such account in this business")))]
pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
) -> Result<axum::Json<Envelope<Vec<FeedView>>>, ApiError> {
    find(&state, who.business_id, id).await?;
    let feeds = state.store.list_feeds(who.business_id).await?;
    Ok(success(
        feeds
            .iter()
            .filter(|f| f.account_id == id)
            .map(|f| FeedView::new(f, None))
            .collect(),
    ))
}

/// **ours**: gives the account a feed; for `notify`, the answer carries the ingest path with
/// its secret token, shown only this once.
#[utoipa::path(post, path = "/v2/accounts/{id}/feeds", tag = "tingting",
    security(("apikey" = [])),
    params(("id" = i64, Path, description = "Account id")),
    request_body = FeedRequest,
    responses((status = 200, body = Envelope<FeedView>),
              (status = 400, description = "Unknown kind or secret too long"),
              (status = 404, description = "No such account in this business")))]
pub async fn create(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
    Json(req): Json<FeedRequest>,
) -> Result<axum::Json<Envelope<FeedView>>, ApiError> {
    find(&state, who.business_id, id).await?;
    if req.kind != "notify" {
        return Err(ApiError::bad_request(format!(
            "kind: unknown feed kind {:?} (expected \"notify\")",
            req.kind
        )));
    }
    if req.secret.len() > MAX_SECRET_LEN || req.secret.trim() != req.secret {
        return Err(ApiError::bad_request(format!(
            "secret: at most {MAX_SECRET_LEN} characters, without surrounding spaces"
        )));
    }
    let token = FeedToken::generate();
    let feed = state
        .store
        .create_notify_feed(who.business_id, id, &token, &req.secret)
        .await?;
    Ok(success(FeedView::new(&feed, Some(&token))))
}

/// **ours**: texts the account's feeds could not read, newest first.
#[utoipa::path(get, path = "/v2/accounts/{id}/unparsed", tag = "tingting",
    security(("apikey" = [])),
    params(("id" = i64, Path, description = "Account id"), UnparsedParams),
    responses((status = 200, body = Envelope<Vec<UnparsedView>>),
              (status = 404, description = "No such account in this business")))]
pub async fn unparsed(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
    Query(params): Query<UnparsedParams>,
) -> Result<axum::Json<Envelope<Vec<UnparsedView>>>, ApiError> {
    find(&state, who.business_id, id).await?;
    let limit = params.limit.filter(|l| *l > 0).unwrap_or(50).min(MAX_LIST);
    let texts = state
        .store
        .list_unparsed(who.business_id, Some(id), limit)
        .await?;
    Ok(success(texts.into_iter().map(Into::into).collect()))
}
