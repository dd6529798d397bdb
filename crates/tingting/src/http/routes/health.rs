//! `GET /healthz`: 200 when the database answers, 503 otherwise.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::http::error::{success, ApiError};
use crate::http::AppState;

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The database answers"),
              (status = 503, description = "The database does not answer")))]
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => success(serde_json::json!({"database": "ok"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "Database unavailable").into_response()
        }
    }
}
