//! The delivery worker: claims due deliveries from the outbox with a lease, sends them, records
//! each attempt, and schedules retries. A new delivery wakes it at once; otherwise it sleeps
//! until the next one is due (polling at least every second, for deliveries enqueued by other
//! processes such as the CLI's `import`).

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::payload::{self, AccountRef, CassoV2Body, CassoV2Data, LegacyBody, LegacyRecord};
use super::policy::Policy;
use super::sender::{Answer, Sender};
use super::signing::{casso_v2_signature, StandardSecret};
use crate::domain::time::now_ms;
use crate::domain::{BankDirectory, Delivery, NewTransaction, Webhook, WebhookFormat};
use crate::storage::{AttemptRecord, NextStep, Store, StoreResult};

/// Deliveries in flight at once, per worker.
const MAX_IN_FLIGHT: usize = 64;
/// Longest the worker sleeps without looking at the outbox.
const MAX_IDLE: Duration = Duration::from_secs(1);
/// A claim outlives the receiver timeout by this much before another worker may take it. An
/// attempt whose recording is slower than this may be sent twice, which at-least-once allows.
const LEASE_MARGIN: Duration = Duration::from_secs(5);

/// Wakes the worker when ingest has enqueued deliveries.
#[derive(Debug, Clone, Default)]
pub struct Wakeup(Arc<Notify>);

impl Wakeup {
    /// Tells the worker there is new work (a wake-up is remembered if it is busy).
    pub fn wake(&self) {
        self.0.notify_one();
    }

    async fn woken(&self) {
        self.0.notified().await;
    }
}

/// Sends the outbox.
pub struct Worker {
    store: Arc<dyn Store>,
    sender: Sender,
    policy: Policy,
    banks: &'static BankDirectory,
    wakeup: Wakeup,
}

impl Worker {
    /// A worker over `store`.
    pub fn new(
        store: Arc<dyn Store>,
        sender: Sender,
        policy: Policy,
        banks: &'static BankDirectory,
        wakeup: Wakeup,
    ) -> Self {
        Self {
            store,
            sender,
            policy,
            banks,
            wakeup,
        }
    }

    /// Runs until `shutdown` completes; in-flight attempts are then abandoned, and their leases
    /// make them due again later (at least once).
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        let this = Arc::new(self);
        let mut in_flight = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            let mut idle = MAX_IDLE;
            if in_flight.len() < MAX_IN_FLIGHT {
                let now = now_ms();
                let lease = now + (this.policy.timeout + LEASE_MARGIN).as_millis() as i64;
                let room = (MAX_IN_FLIGHT - in_flight.len()) as i64;
                match this.store.claim_deliveries(now, lease, room).await {
                    Ok(claimed) if !claimed.is_empty() => {
                        for delivery in claimed {
                            let worker = this.clone();
                            in_flight.spawn(async move { worker.attempt(delivery).await });
                        }
                        continue;
                    }
                    Ok(_) => {
                        if let Ok(Some(due)) = this.store.next_delivery_due().await {
                            let wait = u64::try_from(due - now_ms()).unwrap_or(0);
                            idle = idle.min(Duration::from_millis(wait));
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot claim deliveries; retrying"),
                }
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = this.wakeup.woken() => {}
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                    if let Err(e) = done {
                        tracing::error!(error = %e, "delivery task failed");
                    }
                }
                () = tokio::time::sleep(idle) => {}
            }
        }
        in_flight.abort_all();
    }

    /// Makes one attempt of a claimed delivery and records it.
    async fn attempt(&self, delivery: Delivery) {
        if let Err(e) = self.try_attempt(&delivery).await {
            // The lease expires and the delivery is attempted again.
            tracing::warn!(delivery = delivery.id, error = %e, "could not record a delivery attempt");
        }
    }

    async fn try_attempt(&self, delivery: &Delivery) -> StoreResult<()> {
        let now = now_ms();
        let business = delivery.business_id;
        let record = |next, answer: Option<&Answer>, error: String, disable| AttemptRecord {
            delivery_id: delivery.id,
            webhook_id: delivery.webhook_id,
            now: now_ms(),
            next,
            http_status: answer.and_then(|a| a.status).map(i64::from),
            error,
            latency_ms: answer.map_or(0, |a| a.latency.as_millis() as i64),
            response_excerpt: answer.map(|a| a.excerpt.clone()).unwrap_or_default(),
            disable,
            disable_if_failing_since: now - self.policy.disable_after.as_millis() as i64,
        };
        let Some(webhook) = self
            .store
            .get_webhook(business, delivery.webhook_id)
            .await?
        else {
            // Deleted webhooks take their deliveries with them; nothing left to do.
            return Ok(());
        };
        if !webhook.enabled {
            let reason = format!("webhook disabled: {}", webhook.disabled_reason);
            return self
                .store
                .finish_attempt(business, &record(NextStep::Failed, None, reason, None))
                .await;
        }
        let transaction = match delivery.transaction_id {
            Some(id) => match self.store.get_transaction(business, id).await? {
                Some(t) => Some(t),
                None => {
                    let reason = format!("transaction {id} no longer exists");
                    return self
                        .store
                        .finish_attempt(business, &record(NextStep::Failed, None, reason, None))
                        .await;
                }
            },
            None => None,
        };
        let account_number;
        let (id, fields, account) = match &transaction {
            Some(t) => {
                let account = self.store.get_account(business, t.account_id).await?;
                account_number = account
                    .as_ref()
                    .map(|a| a.account_number.clone())
                    .unwrap_or_default();
                let bank = account.as_ref().and_then(|a| self.banks.by_bin(a.bank_bin));
                (
                    t.id,
                    t.fields.clone(),
                    AccountRef {
                        number: &account_number,
                        bank,
                    },
                )
            }
            None => (
                0,
                payload::test_ping(now),
                AccountRef {
                    number: payload::TEST_PING_ACCOUNT,
                    bank: self.banks.resolve("VPB"),
                },
            ),
        };
        let (headers, body) = request(&webhook, delivery.id, id, &fields, account, now);
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
        self.store
            .finish_attempt(
                business,
                &record(next, Some(&answer), answer.error.clone(), disable),
            )
            .await
    }
}

/// A Standard Webhooks body.
#[derive(Serialize)]
struct StandardBody<'a> {
    r#type: &'static str,
    timestamp: String,
    data: &'a CassoV2Data,
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
                timestamp: chrono::DateTime::from_timestamp(timestamp, 0)
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_default(),
                data: &data,
            })
            .expect("webhook bodies serialize");
            let msg_id = format!("msg_tt{delivery_id}");
            let mut headers = vec![
                ("webhook-id", msg_id.clone()),
                ("webhook-timestamp", timestamp.to_string()),
            ];
            // Secrets are validated when the webhook is saved.
            if let Ok(secret) = StandardSecret::parse(&webhook.spec.secret) {
                headers.push(("webhook-signature", secret.sign(&msg_id, timestamp, &body)));
            }
            (headers, body)
        }
    }
}
