//! `GET /dashboard/live?after=<id>`: the overview's live list, as server-sent events. Every
//! [`POLL`] the stream looks for the business's transactions with ids above the last one sent
//! (one indexed query) and sends each as a `transaction` event (its id as the event id, a
//! [`TransactionRow`] as JSON), oldest first. A stream lasts [`STREAM_LIFETIME`]; the browser
//! then reconnects with `Last-Event-ID`, which is also when its session is checked again.
//!
//! Ids follow arrival closely but not exactly on PostgreSQL (a transaction committed late can
//! have a lower id than one already sent): such a row shows on the next page load, not live.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::Response;
use futures_util::Stream;

use super::{language, query_pairs, AccountNames, TransactionRow};
use crate::domain::BusinessId;
use crate::http::page;
use crate::http::session::SessionUser;
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
    user: SessionUser,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Response> {
    let lang = language(&uri, &headers);
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
        let row = w.next_row().await?;
        let event = Event::default()
            .event("transaction")
            .id(row.id.to_string())
            .retry(RECONNECT)
            .json_data(&row)
            .unwrap_or_default();
        Some((Ok(event), w))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// A business's transactions watched for a page.
struct Watch {
    store: Arc<dyn Store>,
    business: BusinessId,
    names: AccountNames,
    lang: &'static str,
    /// The highest id sent (or known to the page).
    after: i64,
    /// Rows read and not sent yet, newest first.
    queued: Vec<TransactionRow>,
    /// Nothing looked at yet (the first look is at once).
    first: bool,
    /// When the stream ends.
    until: tokio::time::Instant,
}

impl Watch {
    /// The next row to send, oldest first; None when the stream's lifetime is over.
    async fn next_row(&mut self) -> Option<TransactionRow> {
        loop {
            if let Some(row) = self.queued.pop() {
                return Some(row);
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
                Ok(found) => {
                    if let Some(newest) = found.first() {
                        self.after = newest.id;
                    }
                    self.queued = found
                        .iter()
                        .map(|t| TransactionRow::new(t, &self.names, self.lang))
                        .collect();
                }
                // Passing trouble: look again next time.
                Err(e) => tracing::debug!(error = %e, "live list: reading failed"),
            }
        }
    }
}
