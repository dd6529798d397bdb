//! The delivery worker: claims due deliveries from the outbox with a lease, sends them, records
//! each attempt, and schedules retries. A new delivery wakes it at once; otherwise it sleeps
//! until the next one is due (polling at least every second, for deliveries enqueued by other
//! processes such as the CLI's `import`).
//!
//! Database work is batched so that it does not grow with every delivery: a claim takes all
//! due deliveries (up to the free room) and reads their transactions in one query per business;
//! finished attempts are recorded by one recorder task, many per database transaction.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinSet;

use super::payload::{self, AccountRef, CassoV2Body, CassoV2Data, LegacyBody, LegacyRecord};
use super::policy::Policy;
use super::sender::{Answer, Sender};
use super::signing::{casso_v2_signature, StandardSecret};
use crate::domain::payment::PaymentEvent;
use crate::domain::time::now_ms;
use crate::domain::{
    BankAccount, BankDirectory, BusinessId, Delivery, NewTransaction, Transaction, Webhook,
    WebhookFormat,
};
use crate::metrics::Metrics;
use crate::storage::{AttemptRecord, NextStep, Store, StoreResult};

/// Deliveries in flight at once, per worker.
const MAX_IN_FLIGHT: usize = 64;
/// A claim outlives the receiver timeout by this much before another worker may take it. An
/// attempt whose recording is slower than this may be sent twice, which at-least-once allows.
const LEASE_MARGIN: Duration = Duration::from_secs(5);
/// Most deliveries handed over and not yet attempted; beyond it ingest leaves new deliveries to
/// the outbox, so that no lease runs out while its delivery waits in memory.
const MAX_HANDED_OVER: usize = 4 * MAX_IN_FLIGHT;
/// Most attempts recorded in one database transaction.
const MAX_RECORD_BATCH: usize = 256;

/// Connects the rest of the process to its delivery worker. Ingest hands new deliveries over
/// directly, already leased to the worker in the transaction that stored them, so the happy
/// path needs no claim and no re-reading; other work (retries, replays, deliveries left to the
/// outbox) wakes the worker to claim from the outbox.
#[derive(Debug, Clone, Default)]
pub struct Wakeup(Arc<Handoff>);

#[derive(Debug, Default)]
struct Handoff {
    notify: Notify,
    /// Set when a worker runs: how long a handed-over delivery is leased to it.
    lease: OnceLock<Duration>,
    /// Handed over and not yet taken by the worker.
    fresh: Mutex<Vec<Fresh>>,
    /// Handed over and not yet attempted.
    backlog: AtomicUsize,
    /// Someone asked the worker to look at the outbox.
    claim: AtomicBool,
}

/// A delivery ingest has just stored (leased to this process's worker), with what it carries.
#[derive(Debug)]
pub struct Fresh {
    /// The delivery, as stored.
    pub delivery: Delivery,
    /// What it carries.
    pub carries: Carried,
}

/// What a handed-over delivery carries.
#[derive(Debug)]
pub enum Carried {
    /// A new transaction, with its account.
    Transaction(Box<Transaction>, BankAccount),
    /// A payment event the transaction raised.
    Event(PaymentEvent),
}

impl Wakeup {
    /// Tells the worker to look at the outbox (a wake-up is remembered if it is busy).
    pub fn wake(&self) {
        self.0.claim.store(true, Ordering::Release);
        self.0.notify.notify_one();
    }

    /// Until when new deliveries may be stored leased to this process's worker: None when no
    /// worker runs here, or when it is too far behind (they then go through the outbox).
    pub fn lease_until(&self) -> Option<i64> {
        let lease = self.0.lease.get()?;
        if self.0.backlog.load(Ordering::Acquire) >= MAX_HANDED_OVER {
            return None;
        }
        Some(now_ms() + lease.as_millis() as i64)
    }

    /// Gives the worker deliveries stored with [`Wakeup::lease_until`]'s lease.
    pub fn hand_over(&self, fresh: Vec<Fresh>) {
        if fresh.is_empty() {
            return;
        }
        self.0.backlog.fetch_add(fresh.len(), Ordering::AcqRel);
        self.0.fresh.lock().expect("handoff lock").extend(fresh);
        self.0.notify.notify_one();
    }

    /// What was handed over, and whether a claim was asked for.
    fn take(&self) -> (Vec<Fresh>, bool) {
        let fresh = std::mem::take(&mut *self.0.fresh.lock().expect("handoff lock"));
        (fresh, self.0.claim.swap(false, Ordering::AcqRel))
    }

    /// A handed-over delivery has been attempted.
    fn attempted(&self) {
        self.0.backlog.fetch_sub(1, Ordering::AcqRel);
    }

    async fn woken(&self) {
        self.0.notify.notified().await;
    }
}

/// Sends the outbox.
pub struct Worker {
    store: Arc<dyn Store>,
    sender: Sender,
    policy: Policy,
    banks: &'static BankDirectory,
    wakeup: Wakeup,
    metrics: Arc<Metrics>,
}

/// A delivery to attempt, with what its request is made of.
struct Job {
    delivery: Delivery,
    /// None when the webhook was deleted meanwhile.
    webhook: Option<Webhook>,
    /// The transaction and its account; None for a payment event or a test ping.
    transaction: Option<(Transaction, Option<BankAccount>)>,
    /// The payment event it carries.
    event: Option<PaymentEvent>,
    /// The delivery names a transaction or an event that no longer exists.
    gone: bool,
    /// Handed over by ingest rather than claimed.
    handed_over: bool,
}

impl Worker {
    /// A worker over `store`, taking deliveries handed over through `wakeup`, counting its
    /// attempts in `metrics`.
    pub fn new(
        store: Arc<dyn Store>,
        sender: Sender,
        policy: Policy,
        banks: &'static BankDirectory,
        wakeup: Wakeup,
        metrics: Arc<Metrics>,
    ) -> Self {
        let _ = wakeup.0.lease.set(policy.timeout + LEASE_MARGIN);
        Self {
            store,
            sender,
            policy,
            banks,
            wakeup,
            metrics,
        }
    }

    /// Runs until `shutdown` completes; in-flight attempts are then abandoned, and their leases
    /// make them due again later (at least once). Attempts already made are recorded first.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        let (records, to_record) = mpsc::unbounded_channel();
        let recorder = tokio::spawn(record(self.store.clone(), to_record));
        let this = Arc::new(self);
        let mut in_flight = JoinSet::new();
        let mut waiting: VecDeque<Job> = VecDeque::new();
        tokio::pin!(shutdown);
        // Whether to look at the outbox now, and whether the last claim left due work behind.
        let (mut claim_now, mut more_due) = (true, false);
        loop {
            let (fresh, claim) = this.wakeup.take();
            claim_now |= claim;
            if !fresh.is_empty() {
                match this.handed_over(fresh).await {
                    Ok(jobs) => waiting.extend(jobs),
                    // Their leases expire and they are claimed from the outbox.
                    Err(e) => tracing::warn!(error = %e, "cannot prepare handed-over deliveries"),
                }
            }
            let mut idle = this.policy.poll;
            if claim_now && in_flight.len() + waiting.len() < MAX_IN_FLIGHT {
                claim_now = false;
                let room = MAX_IN_FLIGHT - in_flight.len() - waiting.len();
                match this.claim(room).await {
                    Ok(jobs) => {
                        more_due = jobs.len() == room;
                        waiting.extend(jobs);
                        if !more_due {
                            if let Ok(Some(due)) = this.store.next_delivery_due().await {
                                let wait = u64::try_from(due - now_ms()).unwrap_or(0);
                                idle = idle.min(Duration::from_millis(wait));
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot claim deliveries; retrying"),
                }
            }
            while in_flight.len() < MAX_IN_FLIGHT {
                let Some(job) = waiting.pop_front() else {
                    break;
                };
                let worker = this.clone();
                let records = records.clone();
                in_flight.spawn(async move {
                    let handed_over = job.handed_over;
                    if let Some(r) = worker.attempt(job).await {
                        let _ = records.send(r);
                    }
                    if handed_over {
                        worker.wakeup.attempted();
                    }
                });
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = this.wakeup.woken() => {}
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                    if let Err(e) = done {
                        tracing::error!(error = %e, "delivery task failed");
                    }
                    claim_now |= more_due;
                }
                () = tokio::time::sleep(idle) => claim_now = true,
            }
        }
        in_flight.shutdown().await;
        drop(records);
        let _ = recorder.await;
    }

    /// Jobs for deliveries ingest handed over (their transactions came along).
    async fn handed_over(&self, fresh: Vec<Fresh>) -> StoreResult<Vec<Job>> {
        let mut webhooks = HashMap::new();
        let mut jobs = Vec::with_capacity(fresh.len());
        for f in fresh {
            let (transaction, event) = match f.carries {
                Carried::Transaction(t, account) => (Some((*t, Some(account))), None),
                Carried::Event(e) => (None, Some(e)),
            };
            jobs.push(Job {
                webhook: self.webhook(&mut webhooks, &f.delivery).await?,
                delivery: f.delivery,
                transaction,
                event,
                gone: false,
                handed_over: true,
            });
        }
        Ok(jobs)
    }

    /// A delivery's webhook, read once per batch.
    async fn webhook(
        &self,
        cache: &mut HashMap<i64, Option<Webhook>>,
        delivery: &Delivery,
    ) -> StoreResult<Option<Webhook>> {
        if let Some(w) = cache.get(&delivery.webhook_id) {
            return Ok(w.clone());
        }
        let w = self
            .store
            .get_webhook(delivery.business_id, delivery.webhook_id)
            .await?;
        cache.insert(delivery.webhook_id, w.clone());
        Ok(w)
    }

    /// Claims up to `room` due deliveries and reads what their requests need.
    async fn claim(&self, room: usize) -> StoreResult<Vec<Job>> {
        let now = now_ms();
        let lease = now + (self.policy.timeout + LEASE_MARGIN).as_millis() as i64;
        let claimed = self.store.claim_deliveries(now, lease, room as i64).await?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        // One query per business for the transactions; webhooks and accounts once each.
        let mut wanted: HashMap<BusinessId, Vec<i64>> = HashMap::new();
        let mut wanted_events: HashMap<BusinessId, Vec<i64>> = HashMap::new();
        for d in &claimed {
            if let Some(t) = d.transaction_id {
                wanted.entry(d.business_id).or_default().push(t);
            }
            if let Some(e) = d.event_id {
                wanted_events.entry(d.business_id).or_default().push(e);
            }
        }
        let mut transactions = HashMap::new();
        for (business, ids) in wanted {
            for t in self.store.get_transactions(business, &ids).await? {
                transactions.insert(t.id, t);
            }
        }
        let mut events = HashMap::new();
        for (business, ids) in wanted_events {
            for e in self.store.get_payment_events(business, &ids).await? {
                events.insert(e.id, e);
            }
        }
        let mut webhooks = HashMap::new();
        let mut accounts: HashMap<i64, Option<BankAccount>> = HashMap::new();
        let mut jobs = Vec::with_capacity(claimed.len());
        for delivery in claimed {
            let webhook = self.webhook(&mut webhooks, &delivery).await?;
            let transaction = match delivery.transaction_id.and_then(|id| transactions.get(&id)) {
                Some(t) => {
                    let account = match accounts.get(&t.account_id) {
                        Some(a) => a.clone(),
                        None => {
                            let a = self
                                .store
                                .get_account(delivery.business_id, t.account_id)
                                .await?;
                            accounts.insert(t.account_id, a.clone());
                            a
                        }
                    };
                    Some((t.clone(), account))
                }
                None => None,
            };
            let event = delivery.event_id.and_then(|id| events.get(&id).cloned());
            jobs.push(Job {
                gone: (delivery.transaction_id.is_some() && transaction.is_none())
                    || (delivery.event_id.is_some() && event.is_none()),
                delivery,
                webhook,
                transaction,
                event,
                handed_over: false,
            });
        }
        Ok(jobs)
    }

    /// Makes one attempt of a delivery; returns what to record (nothing when the
    /// webhook is gone, which takes its deliveries with it).
    async fn attempt(&self, job: Job) -> Option<AttemptRecord> {
        let delivery = &job.delivery;
        let now = now_ms();
        let record = |next, answer: Option<&Answer>, error: String, disable| AttemptRecord {
            business_id: delivery.business_id,
            delivery_id: delivery.id,
            webhook_id: delivery.webhook_id,
            now: now_ms(),
            next,
            http_status: answer.and_then(|a| a.status).map(i64::from),
            error,
            latency_ms: answer.map_or(0, |a| a.latency.as_millis() as i64),
            response_excerpt: answer.map(|a| a.excerpt.clone()).unwrap_or_default(),
            request_excerpt: String::new(),
            disable,
            disable_if_failing_since: now - self.policy.disable_after.as_millis() as i64,
        };
        let webhook = job.webhook.as_ref()?;
        if !webhook.enabled {
            let reason = format!("webhook disabled: {}", webhook.disabled_reason);
            return Some(record(NextStep::Failed, None, reason, None));
        }
        if job.gone {
            let reason = match (delivery.transaction_id, delivery.event_id) {
                (Some(id), _) => format!("transaction {id} no longer exists"),
                (_, id) => format!("payment event {} no longer exists", id.unwrap_or_default()),
            };
            return Some(record(NextStep::Failed, None, reason, None));
        }
        let (headers, body) = match (&job.event, &job.transaction) {
            (Some(event), _) => event_request(webhook, delivery.id, event),
            (None, Some((t, account))) => {
                let account = AccountRef {
                    number: account.as_ref().map_or("", |a| a.account_number.as_str()),
                    bank: account.as_ref().and_then(|a| self.banks.by_bin(a.bank_bin)),
                };
                request(webhook, delivery.id, t.id, &t.fields, account, now)
            }
            (None, None) => {
                let account = AccountRef {
                    number: payload::TEST_PING_ACCOUNT,
                    bank: self.banks.resolve("VPB"),
                };
                request(
                    webhook,
                    delivery.id,
                    0,
                    &payload::test_ping(now),
                    account,
                    now,
                )
            }
        };
        let request_excerpt = excerpt(&body);
        let answer = self
            .sender
            .post(webhook.spec.url.url(), headers, body)
            .await;
        let attempts = u32::try_from(delivery.attempts + 1).unwrap_or(u32::MAX);
        let (next, disable) = if answer.succeeded() {
            (NextStep::Succeeded, None)
        } else if answer.status == Some(410) {
            (
                NextStep::Failed,
                Some("receiver answered 410 Gone".to_string()),
            )
        } else {
            match self.policy.next_delay(attempts, answer.retry_after) {
                Some(delay) => (NextStep::RetryAt(now_ms() + delay.as_millis() as i64), None),
                None => (NextStep::Failed, None),
            }
        };
        tracing::debug!(delivery = delivery.id, status = ?answer.status, error = %answer.error, "delivery attempt");
        let (outcome, since_enqueued) = match next {
            NextStep::Succeeded => (
                "succeeded",
                u64::try_from(now_ms() - delivery.created_at)
                    .ok()
                    .map(Duration::from_millis),
            ),
            NextStep::RetryAt(_) => ("retry", None),
            NextStep::Failed => ("failed", None),
        };
        self.metrics
            .attempt(outcome, Some(answer.latency), since_enqueued);
        Some(AttemptRecord {
            request_excerpt,
            ..record(next, Some(&answer), answer.error.clone(), disable)
        })
    }
}

/// The start of a request body as the delivery log keeps it: at most
/// [`super::sender::EXCERPT_LEN`] characters.
fn excerpt(body: &str) -> String {
    body.char_indices()
        .nth(super::sender::EXCERPT_LEN)
        .map_or(body, |(end, _)| &body[..end])
        .to_string()
}

/// Records finished attempts, as many per database transaction as have queued up, until every
/// sender is gone. A batch that cannot be recorded is left to the leases: its deliveries are
/// attempted again (at least once).
async fn record(store: Arc<dyn Store>, mut to_record: mpsc::UnboundedReceiver<AttemptRecord>) {
    let mut batch = Vec::with_capacity(MAX_RECORD_BATCH);
    while to_record.recv_many(&mut batch, MAX_RECORD_BATCH).await > 0 {
        if let Err(e) = store.finish_attempts(&batch).await {
            tracing::warn!(error = %e, attempts = batch.len(), "could not record delivery attempts");
        }
        batch.clear();
    }
}

/// A Standard Webhooks body.
#[derive(Serialize)]
struct StandardBody<'a, T> {
    r#type: &'a str,
    timestamp: String,
    data: T,
}

/// Seconds since the epoch in RFC 3339 (UTC).
fn rfc3339(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// Standard Webhooks headers of message `msg_id` sent at `timestamp` (seconds), signed when
/// the webhook has a Standard secret.
fn standard_headers(
    webhook: &Webhook,
    msg_id: String,
    timestamp: i64,
    body: &str,
) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        ("webhook-id", msg_id.clone()),
        ("webhook-timestamp", timestamp.to_string()),
    ];
    // Secrets are validated when the webhook is saved.
    if let Ok(secret) = StandardSecret::parse(&webhook.spec.secret) {
        headers.push(("webhook-signature", secret.sign(&msg_id, timestamp, body)));
    }
    headers
}

/// Headers and body of a payment event: always a Standard Webhooks message (webhooks
/// subscribe to payment events in that format), `timestamp` the event's.
fn event_request(
    webhook: &Webhook,
    delivery_id: i64,
    event: &PaymentEvent,
) -> (Vec<(&'static str, String)>, String) {
    let timestamp = event.created_at.div_euclid(1000);
    let data: serde_json::Value = serde_json::from_str(&event.data).unwrap_or_default();
    let body = serde_json::to_string(&StandardBody {
        r#type: &event.kind,
        timestamp: rfc3339(timestamp),
        data,
    })
    .expect("webhook bodies serialize");
    let headers = standard_headers(webhook, format!("msg_tt{delivery_id}"), timestamp, &body);
    (headers, body)
}

/// Headers and body of one POST in the webhook's format.
fn request(
    webhook: &Webhook,
    delivery_id: i64,
    transaction_id: i64,
    fields: &NewTransaction,
    account: AccountRef<'_>,
    now: i64,
) -> (Vec<(&'static str, String)>, String) {
    match webhook.spec.format {
        WebhookFormat::Legacy => {
            let records = [LegacyRecord::new(transaction_id, fields, account)];
            (
                vec![("secure-token", webhook.spec.secure_token.clone())],
                LegacyBody::new(&records).to_json(),
            )
        }
        WebhookFormat::CassoV2 => {
            let data = CassoV2Data::new(transaction_id, fields, account);
            let body = CassoV2Body::new(&data);
            let signature = casso_v2_signature(&webhook.spec.secret, now, &body.to_value());
            (vec![("x-casso-signature", signature)], body.to_json())
        }
        WebhookFormat::Standard => {
            let data = CassoV2Data::new(transaction_id, fields, account);
            let timestamp = now / 1000;
            let body = serde_json::to_string(&StandardBody {
                r#type: if transaction_id == 0 {
                    "transaction.test"
                } else {
                    "transaction.created"
                },
                timestamp: rfc3339(timestamp),
                data: &data,
            })
            .expect("webhook bodies serialize");
            let headers =
                standard_headers(webhook, format!("msg_tt{delivery_id}"), timestamp, &body);
            (headers, body)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_excerpts_are_bounded_on_a_character() {
        assert_eq!(excerpt(r#"{"id":0}"#), r#"{"id":0}"#);
        let long = "ả".repeat(super::super::sender::EXCERPT_LEN + 100);
        let kept = excerpt(&long);
        assert_eq!(kept.chars().count(), super::super::sender::EXCERPT_LEN);
        assert!(long.starts_with(&kept));
    }
}
