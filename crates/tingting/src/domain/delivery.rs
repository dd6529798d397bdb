//! Deliveries: one row per (webhook, transaction) in the outbox, and what became of it.

use super::BusinessId;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// A receiver answered 2xx.
    Succeeded,
    /// Given up: attempts exhausted, or the webhook is gone or disabled.
    Failed,
}

impl DeliveryStatus {
    /// The API and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    /// Parses the database name (unknown names read as failed, never as pending).
    pub fn from_db(s: &str) -> Self {
        match s {
            "pending" => Self::Pending,
            "succeeded" => Self::Succeeded,
            _ => Self::Failed,
        }
    }
}

/// A stored delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Delivery id.
    pub id: i64,
    /// Owning business.
    pub business_id: BusinessId,
    /// The webhook it goes to.
    pub webhook_id: i64,
    /// The transaction it carries; None for a payment event or a test ping.
    pub transaction_id: Option<i64>,
    /// The payment event it carries.
    pub event_id: Option<i64>,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: i64,
    /// When the next attempt is due (ms), while pending.
    pub next_attempt_at: i64,
    /// HTTP status of the last attempt, if one was answered.
    pub last_http_status: Option<i64>,
    /// Why the last attempt failed ("" after success).
    pub last_error: String,
    /// How long the last attempt took.
    pub last_latency_ms: Option<i64>,
    /// The start of the last response body.
    pub response_excerpt: String,
    /// The start of the last request body (what was sent).
    pub request_excerpt: String,
    /// When it was enqueued (ms).
    pub created_at: i64,
    /// When a receiver accepted it (ms).
    pub delivered_at: Option<i64>,
}
