//! Housekeeping beside the server: deletes ended sessions and long-expired OAuth2 codes and
//! tokens, hourly. Any number of instances may run it.

use std::sync::Arc;
use std::time::Duration;

use crate::domain::session::SESSION_IDLE_MS;
use crate::domain::time::now_ms;
use crate::storage::Store;

/// How often it runs.
const INTERVAL: Duration = Duration::from_secs(3600);

/// Prunes every [`INTERVAL`] (first at start) until `shutdown` completes.
pub async fn run(store: Arc<dyn Store>, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        match store.prune_credentials(now_ms(), SESSION_IDLE_MS).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "pruned ended sessions and expired tokens"),
            Err(e) => {
                tracing::warn!(error = %e, "cannot prune sessions and tokens; retrying later")
            }
        }
        tokio::select! {
            () = &mut shutdown => break,
            () = tokio::time::sleep(INTERVAL) => {}
        }
    }
}
