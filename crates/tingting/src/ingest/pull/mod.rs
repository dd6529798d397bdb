//! Pull feeds: feeds the [`scheduler`] polls (the demo bank, command feeds, mailboxes), and `/v2/sync`,
//! which asks for an account's pull feeds to be polled now and waits for what they bring to be
//! stored and delivered.

pub mod command;
pub mod demo_bank;
pub mod mailbox;
pub mod scheduler;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::time::Instant;

use crate::domain::time::now_ms;
use crate::domain::{BankAccount, NewTransaction};
use crate::storage::{Store, StoreResult};

/// What one poll of a pull feed brought.
#[derive(Debug, Clone, Default)]
pub struct Polled {
    /// Transactions to store (duplicates are recognised on the way in).
    pub transactions: Vec<NewTransaction>,
    /// The feed's new cursor; None keeps the old one.
    pub cursor: Option<String>,
    /// What the poll printed (a command's standard error).
    pub log: String,
    /// Why the poll failed; None for a success.
    pub error: Option<String>,
    /// Texts the poll received but could not read (kept for the owner).
    pub unparsed: Vec<Unread>,
}

/// A text a poll received but could not read.
#[derive(Debug, Clone, Default)]
pub struct Unread {
    /// Who sent it ("" when unknown).
    pub sender: String,
    /// The text.
    pub text: String,
    /// Why it was not read.
    pub reason: String,
}

impl Polled {
    /// A poll that brought nothing and failed.
    pub fn failed(error: String) -> Self {
        Self {
            error: Some(error),
            ..Self::default()
        }
    }
}

/// Signals between `/v2/sync` and this process's scheduler: a nudge to look for due feeds at
/// once, and a counter of finished polls to wait on.
#[derive(Clone)]
pub struct Polls {
    nudge: Arc<Notify>,
    finished: watch::Sender<u64>,
}

impl Default for Polls {
    fn default() -> Self {
        Self {
            nudge: Arc::new(Notify::new()),
            finished: watch::Sender::new(0),
        }
    }
}

impl Polls {
    /// Makes the scheduler look for due feeds now.
    pub fn nudge(&self) {
        self.nudge.notify_one();
    }

    /// Completes at the next nudge.
    pub(crate) async fn nudged(&self) {
        self.nudge.notified().await;
    }

    /// Tells waiters a poll finished.
    pub(crate) fn finished(&self) {
        self.finished.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that changes whenever a poll of this process finishes.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.finished.subscribe()
    }
}

/// How often a waiting sync looks at the database again (polls and deliveries may be done
/// by another instance, which cannot signal this one).
const SYNC_RECHECK: Duration = Duration::from_millis(25);

/// What a sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Synced {
    /// The account's pull feeds that were polled.
    pub feeds: usize,
    /// False when the wait ran out before every poll finished and every new transaction's
    /// first delivery attempt was made (they still happen, later).
    pub complete: bool,
}

/// Polls `account`'s pull feeds now and waits, at most `wait`, until each has finished a poll
/// that started after this call and the deliveries it enqueued have had their first attempt.
/// Concurrent syncs of one account share the polls (a sync only asks for a poll; the
/// scheduler runs one at a time per feed).
pub async fn sync(
    store: &dyn Store,
    polls: &Polls,
    account: &BankAccount,
    wait: Duration,
) -> StoreResult<Synced> {
    let deadline = Instant::now() + wait;
    let requested = now_ms();
    let mut finished = polls.subscribe();
    let feeds = store
        .request_sync(account.business_id, account.id, requested)
        .await?;
    if feeds.is_empty() {
        return Ok(Synced {
            feeds: 0,
            complete: true,
        });
    }
    polls.nudge();
    let polled = |now: &[crate::domain::Feed]| {
        feeds.iter().all(|f| {
            now.iter().find(|n| n.id == f.id).is_none_or(|n| {
                // A poll started in the millisecond of the request counts (the claim, too,
                // takes only requests made after the last poll started).
                !n.enabled || n.polled_at.is_some_and(|started| started >= requested)
            })
        })
    };
    loop {
        let now = store
            .list_feeds(account.business_id, Some(account.id))
            .await?;
        if polled(&now) {
            break;
        }
        if !pause(&mut finished, deadline).await {
            return Ok(Synced {
                feeds: feeds.len(),
                complete: false,
            });
        }
    }
    loop {
        let waiting = store
            .unattempted_deliveries(account.business_id, account.id, requested)
            .await?;
        if waiting == 0 {
            break;
        }
        if !pause(&mut finished, deadline).await {
            return Ok(Synced {
                feeds: feeds.len(),
                complete: false,
            });
        }
    }
    Ok(Synced {
        feeds: feeds.len(),
        complete: true,
    })
}

/// Waits for a finished poll or a short recheck interval; false once `deadline` has passed.
async fn pause(finished: &mut watch::Receiver<u64>, deadline: Instant) -> bool {
    if Instant::now() >= deadline {
        return false;
    }
    let recheck = (Instant::now() + SYNC_RECHECK).min(deadline);
    tokio::select! {
        _ = finished.changed() => {}
        () = tokio::time::sleep_until(recheck) => {}
    }
    true
}
