//! The scheduler: claims due pull feeds (each with a lease, so no feed is polled twice at
//! once, in this instance or another), polls them, stores what they bring through ingest
//! (deliveries go out at once), and schedules the next poll: the feed's interval with jitter
//! after a success, exponential backoff after failures.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::task::JoinSet;

use super::command::{self, Invocation};
use super::{demo_bank, mailbox, Polled, Polls};
use crate::delivery::worker::Wakeup;
use crate::domain::time::now_ms;
use crate::domain::{BankAccount, BankDirectory, Feed, FeedSettings};
use crate::ingest::ingest_into_account;
use crate::ingest::notify::parser_bank;
use crate::storage::{IngestQueue, PollRecord, Store};

/// Polls running at once in one instance.
const MAX_POLLS: usize = 8;
/// Longest the scheduler sleeps before looking for due feeds again (feeds synced through
/// another instance are noticed within this).
const IDLE: Duration = Duration::from_secs(1);
/// How long a poll's claim outlives its own timeout (storing what it brought).
const LEASE_MARGIN_MS: i64 = 30_000;
/// A demo bank poll's own time limit.
const DEMO_TIMEOUT_MS: i64 = 10_000;
/// Longest wait between polls of a failing feed.
const MAX_BACKOFF_MS: i64 = 3_600_000;
/// Share of the interval by which polls are spread (either way).
const JITTER: f64 = 0.1;

/// Polls the pull feeds of every business.
pub struct Scheduler {
    store: Arc<dyn Store>,
    queue: IngestQueue,
    handoff: Wakeup,
    banks: &'static BankDirectory,
    polls: Polls,
}

impl Scheduler {
    /// A scheduler storing through `queue`, handing deliveries to `handoff`'s worker and
    /// signalling `polls`.
    pub fn new(
        store: Arc<dyn Store>,
        queue: IngestQueue,
        handoff: Wakeup,
        banks: &'static BankDirectory,
        polls: Polls,
    ) -> Self {
        Self {
            store,
            queue,
            handoff,
            banks,
            polls,
        }
    }

    /// Runs until `shutdown` completes. Polls in progress are then abandoned; their leases
    /// expire and the feeds are polled again.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        let this = Arc::new(self);
        let mut running: JoinSet<()> = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            let wait = if running.len() < MAX_POLLS {
                this.claim_and_start(&mut running).await
            } else {
                IDLE
            };
            tokio::select! {
                () = &mut shutdown => break,
                () = this.polls.nudged() => {}
                Some(_) = running.join_next(), if !running.is_empty() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
        running.shutdown().await;
    }

    /// Claims due feeds and starts their polls; returns how long to sleep before looking again.
    async fn claim_and_start(self: &Arc<Self>, running: &mut JoinSet<()>) -> Duration {
        let now = now_ms();
        let free = (MAX_POLLS - running.len()) as i64;
        // Long enough for a demo bank poll; a command feed's poll extends it by its timeout.
        let lease = now + DEMO_TIMEOUT_MS + LEASE_MARGIN_MS;
        let claimed = match self.store.claim_feeds(now, lease, free).await {
            Ok(feeds) => feeds,
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim due feeds");
                return IDLE;
            }
        };
        let full = claimed.len() as i64 == free;
        for feed in claimed {
            let this = self.clone();
            running.spawn(async move { this.poll(feed, now).await });
        }
        if full {
            return Duration::ZERO;
        }
        match self.store.next_feed_due().await {
            Ok(Some(due)) => Duration::from_millis((due - now_ms()).clamp(10, 1_000) as u64),
            Ok(None) => IDLE,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read when feeds are due");
                IDLE
            }
        }
    }

    /// Polls one claimed feed, stores what it brought and records the outcome.
    async fn poll(&self, feed: Feed, started_at: i64) {
        if let FeedSettings::Command(s) = &feed.settings {
            let until = started_at + s.timeout_ms as i64 + LEASE_MARGIN_MS;
            match self
                .store
                .extend_feed_lease(feed.business_id, feed.id, feed.lease_token, until)
                .await
            {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(
                        feed = feed.id,
                        "another instance claimed the feed; not polling"
                    );
                    return;
                }
                Err(e) => {
                    tracing::warn!(feed = feed.id, error = %e, "cannot extend a poll's claim");
                    return;
                }
            }
        }
        let polled = match self
            .store
            .get_account(feed.business_id, feed.account_id)
            .await
        {
            Ok(Some(account)) => self.fetch(&feed, &account, started_at).await,
            Ok(None) => Polled::failed("the feed's account is gone".into()),
            Err(e) => Polled::failed(format!("cannot read the account: {e}")),
        };
        let record = finished(&feed, started_at, polled);
        match self.store.finish_poll(feed.business_id, &record).await {
            Ok(true) => {}
            // Its transactions are stored (and deduplicated); its cursor and health are not
            // recorded over the newer claim's.
            Ok(false) => tracing::warn!(
                feed = feed.id,
                "the poll outlived its claim and another instance took the feed over; its outcome is not recorded"
            ),
            // The lease expires and the feed is polled again; nothing is lost.
            Err(e) => tracing::warn!(feed = feed.id, error = %e, "cannot record a poll"),
        }
        if let Some(error) = &record.error {
            tracing::info!(feed = feed.id, %error, "feed poll failed");
        }
        self.polls.finished();
    }

    /// Runs the feed's source, then stores its transactions.
    async fn fetch(&self, feed: &Feed, account: &BankAccount, now: i64) -> Polled {
        let mut polled = match &feed.settings {
            FeedSettings::Notify => return Polled::failed("not a pull feed".into()),
            FeedSettings::Demo(s) => {
                demo_bank::poll(feed.id, s, &feed.cursor, account.balance, now)
            }
            FeedSettings::Command(s) => {
                let bank_code = self
                    .banks
                    .by_bin(account.bank_bin)
                    .map(|b| b.code.as_str())
                    .unwrap_or("");
                let invocation = Invocation {
                    feed_id: feed.id,
                    account_number: &account.account_number,
                    bank_bin: account.bank_bin,
                    bank_code,
                    cursor: &feed.cursor,
                    last_success: feed
                        .last_success_at
                        .and_then(chrono::DateTime::from_timestamp_millis)
                        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
                        .unwrap_or_default(),
                };
                command::poll(s, &invocation).await
            }
            FeedSettings::Mailbox(s) => {
                let bank = parser_bank(self.banks, account);
                mailbox::poll(s, &feed.cursor, account, bank).await
            }
        };
        for text in std::mem::take(&mut polled.unparsed) {
            if let Err(e) = self
                .store
                .add_unparsed(
                    feed.business_id,
                    feed,
                    &text.sender,
                    &text.text,
                    &text.reason,
                )
                .await
            {
                tracing::warn!(feed = feed.id, error = %e, "cannot keep an unread text");
            }
        }
        let transactions = std::mem::take(&mut polled.transactions);
        if !transactions.is_empty() {
            let count = transactions.len();
            if let Err(e) =
                ingest_into_account(&self.queue, &self.handoff, account, transactions).await
            {
                // Nothing of the batch was stored: keep the cursor so it is fetched again.
                polled.cursor = None;
                polled.error = Some(format!("storing {count} transaction(s) failed: {e}"));
            }
        }
        polled
    }
}

/// The record of a finished poll, with the next one scheduled.
fn finished(feed: &Feed, started_at: i64, polled: Polled) -> PollRecord {
    let finished_at = now_ms();
    let failures = if polled.error.is_some() {
        feed.consecutive_failures + 1
    } else {
        0
    };
    PollRecord {
        feed_id: feed.id,
        lease_token: feed.lease_token,
        started_at,
        finished_at,
        next_poll_at: finished_at + next_delay(feed.interval_ms, failures, rand::rng().random()),
        cursor: polled.cursor,
        log: polled.log,
        error: polled.error,
    }
}

/// The wait before the next poll: the interval after a success, doubled for each failure in
/// a row up to [`MAX_BACKOFF_MS`] (never below the interval); spread by ±[`JITTER`] with
/// `unit` in [0, 1).
fn next_delay(interval_ms: i64, failures: i64, unit: f64) -> i64 {
    let interval = interval_ms.max(1);
    let base = if failures == 0 {
        interval
    } else {
        let doubled = interval.saturating_mul(1 << failures.clamp(0, 30));
        doubled.min(MAX_BACKOFF_MS.max(interval))
    };
    let spread = (base as f64 * JITTER * (2.0 * unit - 1.0)) as i64;
    (base + spread).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_cap_with_jitter() {
        assert_eq!(next_delay(10_000, 0, 0.5), 10_000);
        assert_eq!(next_delay(10_000, 1, 0.5), 20_000);
        assert_eq!(next_delay(10_000, 3, 0.5), 80_000);
        assert_eq!(next_delay(10_000, 40, 0.5), MAX_BACKOFF_MS);
        // A feed polled less often than the cap keeps its interval.
        assert_eq!(next_delay(2 * MAX_BACKOFF_MS, 5, 0.5), 2 * MAX_BACKOFF_MS);
        assert_eq!(next_delay(10_000, 0, 0.0), 9_000);
        assert_eq!(next_delay(10_000, 0, 0.999_999), 10_999);
    }
}
