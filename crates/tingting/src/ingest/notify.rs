//! The notification feed: forwarded bank SMS, app notifications and alert e-mails posted to an
//! account's ingest URL. The payload is decoded (`forwarded`), each text read (`banktext`),
//! the transactions stored and delivered like any other; what cannot be read with confidence
//! is kept as unparsed with the reason, never guessed.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{ingest_into_account, IngestError};
use crate::delivery::worker::Wakeup;
use crate::domain::time::now_ms;
use crate::domain::{BankAccount, BankDirectory, Feed, NewTransaction};
use crate::storage::{IngestQueue, Store, StoreError};

/// Why a notification post was refused as a whole.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The feed has a secret and the request's `X-Signature` is missing or wrong.
    #[error("missing or invalid X-Signature")]
    BadSignature,
    /// The payload could not be decoded.
    #[error("{0}")]
    Undecodable(#[from] forwarded::DecodeError),
    /// Storing failed; nothing of the post was stored.
    #[error(transparent)]
    Ingest(#[from] IngestError),
}

impl From<StoreError> for NotifyError {
    fn from(e: StoreError) -> Self {
        NotifyError::Ingest(IngestError::Store(e))
    }
}

/// What became of one message of a post.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotifyResult {
    /// `created`, `duplicate`, `enriched` (already stored from another feed; this message
    /// filled in what it lacked), `ignored` (not a transaction: OTP, advertising...) or
    /// `unparsed` (kept for the owner, see `tingting feed unparsed`).
    pub status: &'static str,
    /// The transaction's id (created or duplicate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Why it was ignored or not read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The answer to a notification post.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotifyReport {
    /// Messages in the post.
    pub received: usize,
    /// New transactions stored.
    pub created: usize,
    /// Transactions already stored (including those enriched).
    pub duplicates: usize,
    /// Messages that are not transactions.
    pub ignored: usize,
    /// Messages kept unread.
    pub unparsed: usize,
    /// One per message, in order.
    pub results: Vec<NotifyResult>,
}

/// What the request carried besides its body.
#[derive(Debug, Default, Clone, Copy)]
pub struct Envelope<'a> {
    /// `Content-Type`.
    pub content_type: Option<&'a str>,
    /// `X-Signature`.
    pub signature: Option<&'a str>,
    /// `X-Timestamp` (the SMS Gateway app signs body + timestamp).
    pub timestamp: Option<&'a str>,
}

/// Everything a notification post needs from the running service.
pub struct Services<'a> {
    /// The database.
    pub store: &'a dyn Store,
    /// Group commit of ingests.
    pub queue: &'a IngestQueue,
    /// This process's delivery worker.
    pub handoff: &'a Wakeup,
    /// The bank directory.
    pub banks: &'static BankDirectory,
}

/// Handles one post to `feed`'s ingest URL: checks the signature when the feed has a secret,
/// decodes the payload, reads each message and stores the transactions in one batch. The
/// feed's health records the outcome.
pub async fn receive(
    services: &Services<'_>,
    feed: &Feed,
    envelope: Envelope<'_>,
    body: &[u8],
) -> Result<NotifyReport, NotifyError> {
    let store = services.store;
    if !feed.secret.is_empty() && !signed(feed, envelope, body) {
        store
            .record_feed_health(
                feed.business_id,
                feed.id,
                Some("a post had a bad signature"),
            )
            .await?;
        return Err(NotifyError::BadSignature);
    }
    let messages = match forwarded::decode(envelope.content_type, body) {
        Ok(forwarded::Decoded::Messages(m)) => m,
        Ok(forwarded::Decoded::Ignored(why)) => {
            return Ok(NotifyReport {
                received: 1,
                ignored: 1,
                results: vec![NotifyResult {
                    status: "ignored",
                    id: None,
                    reason: Some(why),
                }],
                ..NotifyReport::default()
            });
        }
        Err(e) => {
            let why = format!("undecodable post: {e}");
            store
                .record_feed_health(feed.business_id, feed.id, Some(&why))
                .await?;
            return Err(e.into());
        }
    };
    let account = store
        .get_account(feed.business_id, feed.account_id)
        .await?
        .ok_or_else(|| StoreError::Conflict(format!("feed {} has no account", feed.id)))?;
    let account_bank = parser_bank(services.banks, &account);

    let mut report = NotifyReport {
        received: messages.len(),
        ..NotifyReport::default()
    };
    // Messages read as transactions: (position in results, transaction).
    let mut batch = Vec::new();
    let mut last_problem = None;
    for message in &messages {
        let sender = message.sender.as_deref().unwrap_or("");
        let received_at = message.received_at.unwrap_or_else(Utc::now);
        let source = source_of(message.kind);
        match read(
            &message.text,
            sender,
            received_at,
            &account,
            account_bank,
            source,
        ) {
            Read::Transaction(t) => {
                batch.push((report.results.len(), *t));
                report.results.push(NotifyResult {
                    status: "created",
                    id: None,
                    reason: None,
                });
            }
            Read::Ignored(reason) => {
                report.ignored += 1;
                report.results.push(NotifyResult {
                    status: "ignored",
                    id: None,
                    reason: Some(reason),
                });
            }
            Read::Unparsed(reason) => {
                store
                    .add_unparsed(feed.business_id, feed, sender, &message.text, &reason)
                    .await?;
                report.unparsed += 1;
                last_problem = Some(format!("unparsed text: {reason}"));
                report.results.push(NotifyResult {
                    status: "unparsed",
                    id: None,
                    reason: Some(reason),
                });
            }
        }
    }
    if !batch.is_empty() {
        let (positions, transactions): (Vec<usize>, Vec<NewTransaction>) =
            batch.into_iter().unzip();
        let outcomes =
            ingest_into_account(services.queue, services.handoff, &account, transactions).await?;
        for (position, outcome) in positions.into_iter().zip(outcomes) {
            let result = &mut report.results[position];
            result.id = Some(outcome.id);
            if outcome.created {
                report.created += 1;
            } else {
                result.status = if outcome.enriched {
                    "enriched"
                } else {
                    "duplicate"
                };
                report.duplicates += 1;
            }
        }
    }
    // A healthy feed's last success is refreshed at most every few seconds, sparing the
    // writer a statement per notification.
    let fresh = feed.consecutive_failures == 0
        && feed
            .last_success_at
            .is_some_and(|at| now_ms() - at < HEALTH_REFRESH_MS);
    if last_problem.is_some() || !fresh {
        store
            .record_feed_health(feed.business_id, feed.id, last_problem.as_deref())
            .await?;
    }
    Ok(report)
}

/// The bank whose texts `account` receives, as the parsers know it.
pub(crate) fn parser_bank(banks: &BankDirectory, account: &BankAccount) -> Option<banktext::Bank> {
    banks
        .by_bin(account.bank_bin)
        .and_then(|b| banktext::Bank::from_code(&b.code))
}

/// Most unparsed texts re-read at once.
const MAX_REPARSE: i64 = 10_000;

/// What re-reading unparsed texts did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReparseReport {
    /// Texts read again.
    pub examined: usize,
    /// New transactions stored from them.
    pub created: usize,
    /// Texts whose transaction was already stored (by another feed, say).
    pub duplicates: usize,
    /// Texts now recognised as not transactions (and dropped).
    pub ignored: usize,
    /// Texts still unread (kept, with the current reason).
    pub unparsed: usize,
}

/// Reads the business's unparsed texts (of one account, when given) again with the current
/// parsers, after they improved: readable ones become transactions (delivered like any) and
/// leave the list, as do texts now known not to be transactions; the rest keep their place
/// with today's reason.
pub async fn reparse(
    services: &Services<'_>,
    business_id: crate::domain::BusinessId,
    account_id: Option<i64>,
) -> Result<ReparseReport, IngestError> {
    let store = services.store;
    let texts = store
        .list_unparsed(business_id, account_id, MAX_REPARSE)
        .await?;
    let mut report = ReparseReport {
        examined: texts.len(),
        ..ReparseReport::default()
    };
    let mut by_account: std::collections::BTreeMap<i64, Vec<_>> = Default::default();
    for text in texts.into_iter().rev() {
        by_account.entry(text.account_id).or_default().push(text);
    }
    for (account_id, texts) in by_account {
        let Some(account) = store.get_account(business_id, account_id).await? else {
            continue;
        };
        let account_bank = parser_bank(services.banks, &account);
        let mut batch = Vec::new();
        let mut settled = Vec::new();
        for text in &texts {
            let received_at =
                DateTime::from_timestamp_millis(text.received_at).unwrap_or_else(Utc::now);
            match read(
                &text.body,
                &text.sender,
                received_at,
                &account,
                account_bank,
                NOTIFY_SOURCE,
            ) {
                Read::Transaction(t) => {
                    batch.push(*t);
                    settled.push(text.id);
                }
                Read::Ignored(_) => {
                    report.ignored += 1;
                    settled.push(text.id);
                }
                Read::Unparsed(reason) => {
                    report.unparsed += 1;
                    if reason != text.reason {
                        store
                            .set_unparsed_reason(business_id, text.id, &reason)
                            .await?;
                    }
                }
            }
        }
        if !batch.is_empty() {
            let outcomes =
                ingest_into_account(services.queue, services.handoff, &account, batch).await?;
            let created = outcomes.iter().filter(|o| o.created).count();
            report.created += created;
            report.duplicates += outcomes.len() - created;
        }
        store.resolve_unparsed(business_id, &settled).await?;
    }
    Ok(report)
}

/// How stale a healthy feed's `last_success_at` may get.
const HEALTH_REFRESH_MS: i64 = 10_000;

/// Whether the post carries the feed's signature: HMAC-SHA256 of the body (template
/// forwarders), or of the body and `X-Timestamp` (the SMS Gateway app).
fn signed(feed: &Feed, envelope: Envelope<'_>, body: &[u8]) -> bool {
    let Some(signature) = envelope.signature else {
        return false;
    };
    let secret = feed.secret.as_bytes();
    forwarded::verify_signature(secret, body, signature)
        || envelope.timestamp.is_some_and(|ts| {
            forwarded::timestamp_is_fresh(ts, Utc::now(), chrono::TimeDelta::minutes(5))
                && forwarded::verify_signature_with_timestamp(secret, body, ts, signature)
        })
}

/// What one message turned out to be.
pub(crate) enum Read {
    /// A transaction of the account.
    Transaction(Box<NewTransaction>),
    /// Not a transaction (an OTP, advertising), with why.
    Ignored(String),
    /// Not read with confidence, with why: kept for the owner.
    Unparsed(String),
}

/// The `source` of transactions read from forwarded texts (SMS, app notifications).
const NOTIFY_SOURCE: &str = "notify";
/// The `source` of transactions read from e-mails: a source of its own, so that the e-mail
/// and the SMS of one transfer are matched (see [`crate::domain::dedup`]).
pub const EMAIL_SOURCE: &str = "email";

/// The `source` for a message of `kind`.
fn source_of(kind: forwarded::Kind) -> &'static str {
    match kind {
        forwarded::Kind::Email => EMAIL_SOURCE,
        _ => NOTIFY_SOURCE,
    }
}

/// Reads one message (`text` from `sender`, "" when unknown) as a transaction of `account`,
/// from `source`.
pub(crate) fn read(
    text: &str,
    sender: &str,
    received_at: DateTime<Utc>,
    account: &BankAccount,
    account_bank: Option<banktext::Bank>,
    source: &str,
) -> Read {
    let context = banktext::Context {
        bank: account_bank.or_else(|| banktext::Bank::from_sender(sender)),
        received_at,
    };
    let n = match banktext::parse(text, &context) {
        banktext::Parsed::Transaction(n) => n,
        banktext::Parsed::Ignored(why) => return Read::Ignored(why),
        banktext::Parsed::Unparsed(why) => return Read::Unparsed(why),
    };
    if let Some(hint) = &n.account_hint {
        if !banktext::account_matches(hint, &account.account_number) {
            return Read::Unparsed(format!(
                "the text is about account {hint}, not {}",
                account.account_number
            ));
        }
    }
    if let Some(bank) = account_bank.filter(|b| *b != n.bank) {
        return Read::Unparsed(format!(
            "the text reads as {}, but the account is at {bank}",
            n.bank
        ));
    }
    Read::Transaction(Box::new(NewTransaction {
        amount: n.amount,
        booked_at: n.booked_at.timestamp_millis(),
        description: n.description,
        reference: n.reference,
        running_balance: n.balance,
        counterparty_name: n.counterparty.unwrap_or_default(),
        counterparty_account: String::new(),
        counterparty_bank_id: String::new(),
        counterparty_bank: String::new(),
        virtual_account: String::new(),
        virtual_account_name: String::new(),
        payment_channel: String::new(),
        source: source.into(),
        raw: text.to_string(),
    }))
}
