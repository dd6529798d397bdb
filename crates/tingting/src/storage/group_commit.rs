//! Group commit for ingest: batches that arrive while the database is busy are stored together
//! in one database transaction, so that a stream of small ingests (one bank notification each)
//! costs a few statements per group instead of a whole transaction per notification.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::{IngestRequest, Ingested, Store, StoreError, StoreResult};
use crate::domain::{BusinessId, NewTransaction};
use crate::metrics::Metrics;

/// Most batches stored in one database transaction.
const MAX_GROUP: usize = 64;
/// Batches waiting beyond the one being stored; callers wait for room (back-pressure).
const QUEUE: usize = 1024;

/// The queue in front of [`Store::ingest`]; cloning shares it.
#[derive(Debug, Clone)]
pub struct IngestQueue {
    queue: mpsc::Sender<Pending>,
}

#[derive(Debug)]
struct Pending {
    business_id: BusinessId,
    account_id: i64,
    transactions: Vec<NewTransaction>,
    lease_until: Option<i64>,
    reply: oneshot::Sender<StoreResult<Ingested>>,
}

impl Pending {
    fn request(&self) -> IngestRequest<'_> {
        IngestRequest {
            business_id: self.business_id,
            account_id: self.account_id,
            transactions: &self.transactions,
            lease_until: self.lease_until,
        }
    }
}

impl IngestQueue {
    /// Starts the task that stores queued batches (on the current Tokio runtime), counting
    /// what they did in `metrics`.
    pub fn start(store: Arc<dyn Store>, metrics: Arc<Metrics>) -> Self {
        let (queue, pending) = mpsc::channel(QUEUE);
        tokio::spawn(store_groups(store, metrics, pending));
        Self { queue }
    }

    /// Stores one account's batch, with whatever other batches are waiting; answers when it
    /// is committed. See [`Store::ingest`].
    pub async fn ingest(
        &self,
        business_id: BusinessId,
        account_id: i64,
        transactions: Vec<NewTransaction>,
        lease_until: Option<i64>,
    ) -> StoreResult<Ingested> {
        let stopped = || StoreError::Unavailable("the ingest queue has stopped".into());
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Pending {
                business_id,
                account_id,
                transactions,
                lease_until,
                reply,
            })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Stores what is queued, a group at a time, until every sender is gone.
async fn store_groups(
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    mut pending: mpsc::Receiver<Pending>,
) {
    let count = |p: &Pending, result: &StoreResult<Ingested>| {
        if let Ok(stored) = result {
            let sources = p.transactions.iter().map(|t| t.source.as_str());
            metrics.ingested(sources, &stored.outcomes);
        }
    };
    let mut group = Vec::with_capacity(MAX_GROUP);
    while pending.recv_many(&mut group, MAX_GROUP).await > 0 {
        let requests: Vec<IngestRequest<'_>> = group.iter().map(Pending::request).collect();
        let stored = store.ingest(&requests).await;
        drop(requests);
        match stored {
            Ok(results) => {
                for (p, result) in group.drain(..).zip(results) {
                    let result = Ok(result);
                    count(&p, &result);
                    let _ = p.reply.send(result);
                }
            }
            Err(e) if group.len() == 1 => {
                if let Some(p) = group.pop() {
                    let _ = p.reply.send(Err(e));
                }
            }
            Err(e) => {
                // One batch's failure must not fail the others: store each on its own.
                tracing::debug!(error = %e, batches = group.len(), "group ingest failed; storing its batches one by one");
                for p in group.drain(..) {
                    let result = store.ingest(&[p.request()]).await.and_then(|mut r| {
                        r.pop()
                            .ok_or_else(|| StoreError::Unavailable("no answer for a batch".into()))
                    });
                    count(&p, &result);
                    let _ = p.reply.send(result);
                }
            }
        }
    }
}
