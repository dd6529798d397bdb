//! `GET /healthz`: 200 when the database answers, 503 otherwise; `GET /metrics`: the
//! Prometheus text exposition.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::http::error::{success, ApiError};
use crate::http::AppState;
use crate::metrics;

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

/// Metrics in the Prometheus text format (operators: restrict it to your scraper at the proxy).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text"),
              (status = 503, description = "The database does not answer")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    match state.metrics.render(state.store.as_ref()).await {
        Ok(text) => (
            [(axum::http::header::CONTENT_TYPE, metrics::CONTENT_TYPE)],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "metrics unavailable");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "Database unavailable").into_response()
        }
    }
}
