//! `GET /v2/accounts/{id}/qr` (ours): a VietQR code for a transfer to the account.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::accounts::find;
use crate::http::error::ApiError;
use crate::http::extract::{Auth, Id};
use crate::http::AppState;
use crate::payments::qr::{self, QrError};

/// Pixels per module of a PNG by default.
const DEFAULT_SCALE: u32 = 8;

/// What code to make, and in which form.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QrParams {
    /// Whole VND; with it the code is dynamic (for one payment), without it static.
    pub amount: Option<String>,
    /// The transfer content to pre-fill, e.g. an order code; reduced to letters, digits and
    /// spaces (diacritics removed) and cut to 25 characters.
    pub memo: Option<String>,
    /// `png` (default), `svg`, or `text` (the VietQR payload itself).
    pub format: Option<String>,
    /// PNG pixels per module, 1 to 40 (default 8).
    pub scale: Option<u32>,
}

/// A VietQR code for a transfer to the account: any Vietnamese banking app scanning it gets
/// the bank, the account and (when given) the amount and memo pre-filled.
#[utoipa::path(get, path = "/v2/accounts/{id}/qr", tag = "tingting", security(("apikey" = []), ("oauth2" = ["payment"])),
    params(("id" = i64, Path, description = "Account id"), QrParams),
    responses((status = 200, description = "The code: image/png (default), image/svg+xml or text/plain (the payload)", content_type = "image/png"),
              (status = 400, description = "An amount, memo, format or scale that cannot be used; the message names it"),
              (status = 404, description = "No such account in this business")))]
pub async fn qr(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
    Query(params): Query<QrParams>,
) -> Result<Response, ApiError> {
    let account = find(&state, who.business_id, id).await?;
    let bad = |e: QrError| ApiError::bad_request(e.to_string());
    let payload = qr::payload(
        &account,
        params.amount.as_deref().filter(|a| !a.trim().is_empty()),
        params.memo.as_deref().filter(|m| !m.trim().is_empty()),
    )
    .map_err(bad)?
    .build();
    let scale = params.scale.unwrap_or(DEFAULT_SCALE);
    if !(1..=qr::MAX_SCALE).contains(&scale) {
        return Err(ApiError::bad_request(format!(
            "scale: must be 1 to {} pixels per module",
            qr::MAX_SCALE
        )));
    }
    let no_store = (header::CACHE_CONTROL, "no-store");
    Ok(match params.format.as_deref().unwrap_or("png") {
        "png" => (
            [(header::CONTENT_TYPE, "image/png"), no_store],
            qr::png(&payload, scale).map_err(bad)?,
        )
            .into_response(),
        "svg" => (
            [(header::CONTENT_TYPE, "image/svg+xml"), no_store],
            qr::svg(&payload).map_err(bad)?,
        )
            .into_response(),
        "text" => (
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                no_store,
            ],
            payload,
        )
            .into_response(),
        other => {
            return Err(ApiError::bad_request(format!(
                "format: unknown format {other:?} (expected png, svg or text)"
            )))
        }
    })
}
