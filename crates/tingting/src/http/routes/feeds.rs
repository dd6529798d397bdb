//! **Ours**: an account's feeds and the texts they could not read.
//! `GET`/`POST /v2/accounts/{id}/feeds`, `DELETE /v2/accounts/{id}/feeds/{feed_id}`,
//! `PATCH /v2/accounts/{id}/feeds/{feed_id}`, `POST /v2/accounts/{id}/feeds/{feed_id}/token`,
//! `GET /v2/accounts/{id}/unparsed`, `POST /v2/accounts/{id}/unparsed/reparse`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::accounts::find;
use crate::domain::time::render_vn;
use crate::domain::{DemoError, Feed, FeedChangeRequest, FeedToken, NewFeed, UnparsedText};
use crate::http::error::{success, ApiError, Envelope};
use crate::http::extract::{Auth, FeedId, Id, Json};
use crate::http::AppState;
use crate::ingest::feeds::{self, ChangeRefusal, TokenRefusal};
use crate::ingest::notify::{self, ReparseReport};
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
    /// `notify` (push), `demo`, `command` or `mailbox` (pull).
    pub kind: &'static str,
    /// Whether it accepts input (push) or is polled (pull).
    pub enabled: bool,
    /// A notification feed's token prefix, to recognise it ("" for pull feeds).
    pub token_prefix: String,
    /// Whether posts must be signed (`X-Signature`).
    pub signed: bool,
    /// A pull feed's settings: `{"perMinute"}` for the demo bank, `{"program", "args",
    /// "timeoutMs"}` for a command, `{"host", "port", "security", "username", "folder",
    /// "from"}` for a mailbox (the password shown as `********`); null for notification feeds.
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Value>,
    /// A pull feed's poll interval in seconds.
    pub interval_seconds: Option<i64>,
    /// When a pull feed is polled next (Vietnam time; sooner after a sync).
    pub next_poll_at: Option<String>,
    /// When its last finished poll started, Vietnam time.
    pub last_polled_at: Option<String>,
    /// What its last poll printed (a command's standard error, at most 4,000 characters).
    pub last_log: String,
    /// When it last worked, Vietnam time (a notification feed's to within 10 s).
    pub last_success_at: Option<String>,
    /// Its last problem ("" when none).
    pub last_error: String,
    /// When that happened, Vietnam time.
    pub last_error_at: Option<String>,
    /// Problems since the last success; above 0, the account's `connectStatus` is 0.
    pub consecutive_failures: i64,
    /// Set only in the answer that created a notification feed or gave it a new token: where
    /// forwarders post, with the secret token (`/ingest/notify/ttn_...`); prefix it with the
    /// server's public address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingest_path: Option<String>,
}

impl FeedView {
    /// Shows a feed; `token` only when it was just created.
    pub fn new(f: &Feed, token: Option<&FeedToken>) -> Self {
        let pull = f.settings.is_pull();
        Self {
            id: f.id,
            account_id: f.account_id,
            kind: f.kind().as_str(),
            enabled: f.enabled,
            token_prefix: f.token_prefix.clone(),
            signed: !f.secret.is_empty(),
            settings: f.settings.shown(),
            interval_seconds: pull.then_some(f.interval_ms / 1000),
            next_poll_at: f.next_poll_at.map(render_vn),
            last_polled_at: f.polled_at.map(render_vn),
            last_log: f.last_log.clone(),
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
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FeedRequest {
    /// `notify` (forwarded bank notifications) or `demo` (the demo bank). Command feeds run
    /// programs on the server and are added there, with `tingting feed add-command`.
    pub kind: String,
    /// `notify`: optional HMAC-SHA256 key forwarders sign posts with.
    #[serde(default)]
    pub secret: String,
    /// `demo`: average transfers per minute (default 2).
    pub per_minute: Option<f64>,
    /// `demo`: seconds between polls (default 15, at least 1).
    pub interval_seconds: Option<i64>,
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
    security(("apikey" = []), ("oauth2" = ["feed"])),
    params(("id" = i64, Path, description = "Account id")),
    responses((status = 200, body = Envelope<Vec<FeedView>>),
              (status = 404, description = "No such account in this business")))]
pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
) -> Result<axum::Json<Envelope<Vec<FeedView>>>, ApiError> {
    find(&state, who.business_id, id).await?;
    let feeds = state.store.list_feeds(who.business_id, Some(id)).await?;
    Ok(success(
        feeds.iter().map(|f| FeedView::new(f, None)).collect(),
    ))
}

/// **ours**: gives the account a feed. For `notify`, the answer carries the ingest path with
/// its secret token, shown only this once; a `demo` feed is polled at once.
#[utoipa::path(post, path = "/v2/accounts/{id}/feeds", tag = "tingting",
    security(("apikey" = []), ("oauth2" = ["feed"])),
    params(("id" = i64, Path, description = "Account id")),
    request_body = FeedRequest,
    responses((status = 200, body = Envelope<FeedView>),
              (status = 400, description = "Unknown kind, or a setting out of range"),
              (status = 403, description = "Command and mailbox feeds are added on the server, with the CLI"),
              (status = 404, description = "No such account in this business")))]
pub async fn create(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
    Json(req): Json<FeedRequest>,
) -> Result<axum::Json<Envelope<FeedView>>, ApiError> {
    find(&state, who.business_id, id).await?;
    let token = FeedToken::generate();
    let new = match req.kind.as_str() {
        "notify" => {
            if req.per_minute.is_some() || req.interval_seconds.is_some() {
                return Err(ApiError::bad_request(
                    "perMinute and intervalSeconds are settings of demo feeds",
                ));
            }
            NewFeed::notify(&token, &req.secret)
                .map_err(|e| ApiError::bad_request(format!("secret: {e}")))?
        }
        "demo" => {
            if !req.secret.is_empty() {
                return Err(ApiError::bad_request("secret: only notification feeds have one"));
            }
            NewFeed::demo(req.per_minute, req.interval_seconds).map_err(|e| match e {
                DemoError::Rate(e) => ApiError::bad_request(format!("perMinute: {e}")),
                DemoError::Interval(e) => ApiError::bad_request(format!("intervalSeconds: {e}")),
            })?
        }
        "command" => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "Command feeds run programs on the server: add them there with `tingting feed add-command`",
            ))
        }
        "mailbox" => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "Mailbox feeds keep a mail password on the server and connect from it: add them there with `tingting feed add-mailbox`",
            ))
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "kind: unknown feed kind {other:?} (expected \"notify\" or \"demo\")"
            )))
        }
    };
    let feed = feeds::add(
        state.store.as_ref(),
        &state.polls,
        who.business_id,
        id,
        &new,
    )
    .await?;
    let shown = new.token.filter(|_| !feed.settings.is_pull());
    Ok(success(FeedView::new(&feed, shown)))
}

/// **ours**: turns a feed off (its ingest URL stops working, it is no longer polled); its
/// transactions and unparsed texts stay.
#[utoipa::path(delete, path = "/v2/accounts/{id}/feeds/{feed_id}", tag = "tingting",
    security(("apikey" = []), ("oauth2" = ["feed"])),
    params(("id" = i64, Path, description = "Account id"),
           ("feed_id" = i64, Path, description = "Feed id")),
    responses((status = 200, body = Envelope<FeedView>, description = "The feed, now disabled"),
              (status = 404, description = "No such account or feed in this business")))]
pub async fn disable(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
    FeedId(feed_id): FeedId,
) -> Result<axum::Json<Envelope<FeedView>>, ApiError> {
    find(&state, who.business_id, id).await?;
    let feed = state
        .store
        .disable_feed(who.business_id, Some(id), feed_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Feed {feed_id} not found")))?;
    Ok(success(FeedView::new(&feed, None)))
}

/// A change to a feed: only the fields given change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FeedUpdate {
    /// `notify`: the HMAC-SHA256 key forwarders sign posts with; "" for unsigned posts.
    pub secret: Option<String>,
    /// `demo`: average transfers per minute.
    pub per_minute: Option<f64>,
    /// `demo`: seconds between polls (at least 1).
    pub interval_seconds: Option<i64>,
    /// Turns the feed on or off. Turned on again, a notification feed's URL works again.
    pub enabled: Option<bool>,
}

/// **ours**: changes a feed: a notification feed's signing key, a demo feed's rate and
/// interval, or whether it is on (a pull feed turned on, or changed while on, is polled at
/// once). A command or mailbox feed's settings are not changed here: turn it off and add it
/// again on the server, with the CLI.
#[utoipa::path(patch, path = "/v2/accounts/{id}/feeds/{feed_id}", tag = "tingting",
    security(("apikey" = []), ("oauth2" = ["feed"])),
    params(("id" = i64, Path, description = "Account id"),
           ("feed_id" = i64, Path, description = "Feed id")),
    request_body = FeedUpdate,
    responses((status = 200, body = Envelope<FeedView>, description = "The feed as it is now"),
              (status = 400, description = "A setting out of range, or one the feed's kind does not have"),
              (status = 404, description = "No such account or feed in this business")))]
pub async fn update(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
    FeedId(feed_id): FeedId,
    Json(req): Json<FeedUpdate>,
) -> Result<axum::Json<Envelope<FeedView>>, ApiError> {
    find(&state, who.business_id, id).await?;
    let request = FeedChangeRequest {
        secret: req.secret,
        per_minute: req.per_minute,
        interval_seconds: req.interval_seconds,
        enabled: req.enabled,
    };
    match feeds::change(
        state.store.as_ref(),
        &state.polls,
        who.business_id,
        id,
        feed_id,
        request,
    )
    .await
    {
        Ok(feed) => Ok(success(FeedView::new(&feed, None))),
        Err(ChangeRefusal::NotFound) => {
            Err(ApiError::not_found(format!("Feed {feed_id} not found")))
        }
        Err(ChangeRefusal::Invalid(e)) => Err(ApiError::bad_request(e.to_string())),
        Err(ChangeRefusal::Store(e)) => Err(e.into()),
    }
}

/// **ours**: gives a notification feed a new ingest URL, shown only in this answer; the old
/// URL stops working at once (a lost or leaked URL). The feed keeps its history and settings,
/// including its signing key.
#[utoipa::path(post, path = "/v2/accounts/{id}/feeds/{feed_id}/token", tag = "tingting",
    security(("apikey" = []), ("oauth2" = ["feed"])),
    params(("id" = i64, Path, description = "Account id"),
           ("feed_id" = i64, Path, description = "Feed id")),
    responses((status = 200, body = Envelope<FeedView>, description = "The feed with its new `ingestPath`"),
              (status = 400, description = "Not a notification feed: it has no ingest URL"),
              (status = 404, description = "No such account or feed in this business"),
              (status = 409, description = "The feed is turned off")))]
pub async fn new_token(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
    FeedId(feed_id): FeedId,
) -> Result<axum::Json<Envelope<FeedView>>, ApiError> {
    find(&state, who.business_id, id).await?;
    match feeds::replace_token(state.store.as_ref(), who.business_id, id, feed_id).await {
        Ok((feed, token)) => Ok(success(FeedView::new(&feed, Some(&token)))),
        Err(TokenRefusal::Store(e)) => Err(e.into()),
        Err(TokenRefusal::NotFound) => {
            Err(ApiError::not_found(format!("Feed {feed_id} not found")))
        }
        Err(TokenRefusal::NotNotify) => Err(ApiError::bad_request(format!(
            "Feed {feed_id} is not a notification feed: it has no ingest URL"
        ))),
        Err(TokenRefusal::Disabled) => Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("Feed {feed_id} is turned off: add a new notification feed instead"),
        )),
    }
}

/// **ours**: texts the account's feeds could not read, newest first.
#[utoipa::path(get, path = "/v2/accounts/{id}/unparsed", tag = "tingting",
    security(("apikey" = []), ("oauth2" = ["feed"])),
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

/// **ours**: reads the account's unparsed texts again with the current parsers (after an
/// upgrade improved them): readable ones become transactions and are delivered, texts now
/// known not to be transactions are dropped, the rest stay listed with today's reason.
#[utoipa::path(post, path = "/v2/accounts/{id}/unparsed/reparse", tag = "tingting",
    security(("apikey" = []), ("oauth2" = ["feed"])),
    params(("id" = i64, Path, description = "Account id")),
    responses((status = 200, body = Envelope<ReparseReport>),
              (status = 404, description = "No such account in this business")))]
pub async fn reparse(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
) -> Result<axum::Json<Envelope<ReparseReport>>, ApiError> {
    find(&state, who.business_id, id).await?;
    let report = notify::reparse(&state.notify_services(), who.business_id, Some(id)).await?;
    Ok(success(report))
}
