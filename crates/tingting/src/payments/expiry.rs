//! Announces expiries: an open payment request past its expiry raises one
//! `payment_request.expired` event. Runs beside the server; any number of instances may run it.

use std::sync::Arc;
use std::time::Duration;

use crate::delivery::worker::Wakeup;
use crate::domain::time::now_ms;
use crate::storage::Store;

/// How often expiries are looked for.
const INTERVAL: Duration = Duration::from_secs(1);
/// Most requests expired per database transaction.
const BATCH: i64 = 200;

/// Raises expiry events until `shutdown` completes, waking the worker for their deliveries.
pub async fn run(
    store: Arc<dyn Store>,
    wakeup: Wakeup,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let full = match store.expire_payment_requests(now_ms(), BATCH).await {
            Ok((expired, enqueued)) => {
                if enqueued > 0 {
                    wakeup.wake();
                }
                expired == BATCH as u64
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot expire payment requests; retrying");
                false
            }
        };
        if full {
            continue;
        }
        tokio::select! {
            () = &mut shutdown => break,
            () = tokio::time::sleep(INTERVAL) => {}
        }
    }
}
