//! Wakes this process's worker when another process enqueues deliveries (PostgreSQL
//! `LISTEN`/`NOTIFY`), so that a delivery enqueued on any instance leaves within milliseconds
//! rather than at the worker's next poll. Polling stays as the fallback.

use std::sync::Arc;
use std::time::Duration;

use super::worker::Wakeup;
use crate::storage::Store;

/// Wait before listening again after the connection failed.
const RETRY: Duration = Duration::from_secs(1);

/// Listens until `shutdown` completes (at once on backends without notifications).
pub async fn run(
    store: Arc<dyn Store>,
    wakeup: Wakeup,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let woken = || wakeup.wake();
    loop {
        let listening = store.listen_outbox(&woken);
        let outcome = tokio::select! {
            () = &mut shutdown => return,
            outcome = listening => outcome,
        };
        match outcome {
            // Nothing to listen to: the worker polls.
            Ok(()) => return,
            Err(e) => tracing::warn!(error = %e, "lost the outbox notifications; listening again"),
        }
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(RETRY) => {}
        }
    }
}
