//! `GET /dashboard/live?after=<id>`: the overview's live list, as server-sent events. Every
//! [`POLL`] the stream looks for the business's transactions with ids above the last one sent
//! (one indexed query) and sends each as a `transaction` event (its id as the event id, a
//! [`TransactionRow`] as JSON), oldest first, then, when there were any, a `totals` event with
//! today's and this month's new totals (a [`Summary`]). A stream lasts [`STREAM_LIFETIME`];
//! the browser then reconnects with `Last-Event-ID`, which is also when its session is
//! checked again.
//!
//! Ids follow arrival closely but not exactly on PostgreSQL (a transaction committed late can
//! have a lower id than one already sent): such a row shows on the next page load, not live.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::Response;
use futures_util::Stream;

use super::overview::Summary;
use super::{query_pairs, AccountNames, TransactionRow, Viewer};
use crate::domain::BusinessId;
use crate::http::page;
use crate::http::AppState;
use crate::storage::Store;

/// How often an open stream looks for new transactions.
pub const POLL: Duration = Duration::from_millis(1500);
/// Longest one stream lasts before the browser reconnects.
pub const STREAM_LIFETIME: Duration = Duration::from_secs(20);
/// How soon the browser reconnects.
const RECONNECT: Duration = Duration::from_secs(1);
/// Most transactions sent per look (the page shows fewer).
const BATCH: i64 = 20;

/// The event stream of the business's new transactions.
pub async fn live(
    State(state): State<AppState>,
    Viewer {
        user,
        lang,
        uri,
        headers,
    }: Viewer,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Response> {
    let after = query_pairs(&uri)
        .into_iter()
        .rev()
        .find(|(k, _)| k == "after")
        .and_then(|(_, v)| v.parse::<i64>().ok());
    let resumed = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    let after = after.max(resumed).unwrap_or(0).max(0);
    let accounts = state
        .store
        .list_accounts(user.business_id)
        .await
        .map_err(page::unavailable)?;
    let watch = Watch {
        store: state.store.clone(),
        business: user.business_id,
        names: AccountNames::new(&accounts, state.banks),
        lang,
        after,
        queued: Vec::new(),
        first: true,
        until: tokio::time::Instant::now() + STREAM_LIFETIME,
    };
    let stream = futures_util::stream::unfold(watch, |mut w| async move {
        let event = match w.next_item().await? {
            Item::Row(row) => Event::default()
                .event("transaction")
                .id(row.id.to_string())
                .retry(RECONNECT)
                .json_data(&row),
            Item::Totals(summary) => Event::default().event("totals").json_data(&summary),
        };
        Some((Ok(event.unwrap_or_default()), w))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// What a stream sends.
enum Item {
    /// A new transaction.
    Row(TransactionRow),
    /// The totals after new transactions.
    Totals(Summary),
}

/// A business's transactions watched for a page.
struct Watch {
    store: Arc<dyn Store>,
    business: BusinessId,
    names: AccountNames,
    lang: &'static str,
    /// The highest id sent (or known to the page).
    after: i64,
    /// What was read and not sent yet, last first.
    queued: Vec<Item>,
    /// Nothing looked at yet (the first look is at once).
    first: bool,
    /// When the stream ends.
    until: tokio::time::Instant,
}

impl Watch {
    /// The next thing to send; None when the stream's lifetime is over.
    async fn next_item(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.queued.pop() {
                return Some(item);
            }
            if !self.first {
                if tokio::time::Instant::now() + POLL >= self.until {
                    return None;
                }
                tokio::time::sleep(POLL).await;
            }
            self.first = false;
            match self
                .store
                .latest_transactions(self.business, self.after, BATCH)
                .await
            {
                Ok(found) if !found.is_empty() => {
                    self.after = found[0].id;
                    // The totals go last (the queue is popped from its end).
                    if let Ok(summary) = Summary::read(self.store.as_ref(), self.business).await {
                        self.queued.push(Item::Totals(summary));
                    }
                    self.queued.extend(
                        found
                            .iter()
                            .map(|t| Item::Row(TransactionRow::new(t, &self.names, self.lang))),
                    );
                }
                Ok(_) => {}
                // Passing trouble: look again next time.
                Err(e) => tracing::debug!(error = %e, "live list: reading failed"),
            }
        }
    }
}
