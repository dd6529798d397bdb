//! Replaying a range of days to a webhook: every matching transaction booked in those days is
//! enqueued again as a new delivery. Shared by the API and the CLI.

use chrono::NaiveDate;

use crate::domain::time::{day_of_date, day_start_ms, now_ms};
use crate::domain::BusinessId;
use crate::storage::{Store, StoreError};

/// Why a replay was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The business has no such webhook.
    #[error("no webhook {0} in this business")]
    UnknownWebhook(i64),
    /// The webhook is disabled; its deliveries would all fail.
    #[error("webhook {id} is disabled ({reason}); re-enable it (PUT /v2/webhooks/{id}) before replaying")]
    Disabled {
        /// The webhook.
        id: i64,
        /// Why it was disabled.
        reason: String,
    },
    /// The first day is after the last.
    #[error("fromDate must not be after toDate")]
    EmptyRange,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Enqueues the webhook's matching transactions booked from `from` to `to` (Vietnam dates,
/// inclusive); returns how many deliveries were enqueued.
pub async fn replay(
    store: &dyn Store,
    business_id: BusinessId,
    webhook_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<u64, ReplayError> {
    if from > to {
        return Err(ReplayError::EmptyRange);
    }
    let webhook = store
        .get_webhook(business_id, webhook_id)
        .await?
        .ok_or(ReplayError::UnknownWebhook(webhook_id))?;
    if !webhook.enabled {
        return Err(ReplayError::Disabled {
            id: webhook_id,
            reason: webhook.disabled_reason,
        });
    }
    let enqueued = store
        .replay_deliveries(
            business_id,
            webhook_id,
            day_start_ms(day_of_date(from)),
            day_start_ms(day_of_date(to) + 1),
            now_ms(),
        )
        .await?;
    Ok(enqueued)
}
