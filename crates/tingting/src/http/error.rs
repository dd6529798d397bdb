//! Casso's response envelope `{error, message, data}` and the API's errors.

use std::borrow::Cow;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::ingest::IngestError;
use crate::storage::StoreError;

/// Every response body: `error` 0 and `message` `success` on success.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    /// 0 on success; the HTTP status (or a Casso code) otherwise.
    pub error: i64,
    /// `success`, or what went wrong.
    pub message: Cow<'static, str>,
    /// The payload; null on errors.
    pub data: T,
}

/// A successful envelope with Casso's usual `success` message.
pub fn success<T: Serialize>(data: T) -> axum::Json<Envelope<T>> {
    with_message("success", data)
}

/// A successful envelope with another message (the accounts endpoints say `Successful`).
pub fn with_message<T: Serialize>(message: &'static str, data: T) -> axum::Json<Envelope<T>> {
    axum::Json(Envelope {
        error: 0,
        message: Cow::Borrowed(message),
        data,
    })
}

/// An error answered in the envelope, with `data: null`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: i64,
    message: Cow<'static, str>,
    /// Seconds for `Retry-After` (429, 503).
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error whose envelope `error` is the HTTP status.
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            code: i64::from(status.as_u16()),
            message: message.into(),
            retry_after: None,
        }
    }

    /// The same error telling the client to retry after `seconds`.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// An error with a Casso-specific envelope code (such as 12, "Webhook not exists").
    pub fn with_code(status: StatusCode, code: i64, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// Casso's 401 body for a missing or wrong credential.
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorized Access")
    }

    /// 400 with a message naming the offending field or parameter.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404 with a message naming what was not found.
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 500 with nothing of the cause.
    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message (what a page shows of the error).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Envelope {
            error: self.code,
            message: self.message,
            data: (),
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Apikey"));
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(message) => Self::new(StatusCode::CONFLICT, message),
            StoreError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Service temporarily unavailable",
                )
            }
            other => {
                tracing::error!(error = %other, "storage failure");
                Self::internal()
            }
        }
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> Self {
        match e {
            IngestError::UnknownAccount(number) => {
                Self::not_found(format!("Bank account {number} not found"))
            }
            invalid @ IngestError::Invalid { .. } => Self::bad_request(invalid.to_string()),
            IngestError::Store(e) => e.into(),
        }
    }
}

/// Wraps any error response that is not already an envelope (the router's 405, the body limit's
/// 413, a timeout, a caught panic) in one, so clients always get the same shape.
pub async fn envelope_errors<B>(response: Response<B>) -> Response
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let status = response.status();
    // JSON errors are enveloped already; HTML ones are pages for people (the checkout).
    let own = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            let v = v.as_bytes();
            v.starts_with(b"application/json") || v.starts_with(b"text/html")
        });
    if !(status.is_client_error() || status.is_server_error()) || own {
        return response.map(axum::body::Body::new);
    }
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => Cow::Borrowed("Request body too large (limit 1 MiB)"),
        StatusCode::INTERNAL_SERVER_ERROR => Cow::Borrowed("Internal server error"),
        s => Cow::Borrowed(s.canonical_reason().unwrap_or("Error")),
    };
    let mut wrapped = ApiError::new(status, message).into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = response.headers().get(&name) {
            wrapped.headers_mut().insert(name, v.clone());
        }
    }
    wrapped
}
