//! `POST /ingest/notify/{token}` (ours): an account's notification ingest URL, where phone
//! forwarders and mail rules post bank messages. The secret token in the path is the
//! credential; no API key.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};

use crate::domain::api_key::digest;
use crate::http::error::{success, ApiError, Envelope};
use crate::http::AppState;
use crate::ingest::notify::{self, NotifyError, NotifyReport};

/// Stores the bank messages in the body (plain text, forwarder JSON, SMS Gateway event, form
/// or e-mail) as transactions of the URL's account.
#[utoipa::path(post, path = "/ingest/notify/{token}", tag = "tingting",
    params(("token" = String, Path, description = "The feed's secret token (`ttn_...`)")),
    request_body(content = String, description = "The forwarded message(s)",
        content_type = "text/plain"),
    responses((status = 200, body = Envelope<NotifyReport>, description = "What became of each message"),
              (status = 400, description = "The body could not be decoded"),
              (status = 401, description = "The feed has a secret and X-Signature is missing or wrong"),
              (status = 404, description = "No such ingest URL"),
              (status = 429, description = "Over the ingest URL's rate limit; see Retry-After")))]
pub async fn notify(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<axum::Json<Envelope<NotifyReport>>, ApiError> {
    let unknown = || ApiError::not_found("Unknown ingest URL");
    if !token.starts_with(crate::domain::feed::TOKEN_PREFIX) {
        return Err(unknown());
    }
    let feed = state
        .store
        .feed_by_token(&digest(&token))
        .await?
        .ok_or_else(unknown)?;
    if let Some(limit) = state.limits.ingest_token {
        let name = format!("feed:{}", feed.id);
        crate::http::limit::check(state.store.as_ref(), &name, limit, "ingest URL").await?;
    }
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let envelope = notify::Envelope {
        content_type: text(header::CONTENT_TYPE.as_str()),
        signature: text("x-signature"),
        timestamp: text("x-timestamp"),
    };
    match notify::receive(&state.notify_services(), &feed, envelope, &body).await {
        Ok(report) => Ok(success(report)),
        Err(NotifyError::BadSignature) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Missing or invalid X-Signature",
        )),
        Err(NotifyError::Undecodable(e)) => Err(ApiError::bad_request(e.to_string())),
        Err(NotifyError::Ingest(e)) => Err(e.into()),
    }
}
