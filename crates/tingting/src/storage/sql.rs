//! The SQL both backends share. Placeholders are `$N`, which SQLite and PostgreSQL both accept;
//! the statements use only what both dialects have (`RETURNING`, `ON CONFLICT`, `excluded`).
//!
//! [`impl_store!`] expands the one implementation of [`super::Store`] for each backend's
//! concrete sqlx types; a backend supplies `self.pool` (reads) and `self.begin_write()` (a write
//! transaction, `BEGIN IMMEDIATE` on SQLite).

use std::collections::HashMap;

use crate::domain::dedup::{Reported, CANDIDATE_WINDOW_MS};
use crate::domain::payment::{PaymentRequest, PaymentStatus, StatusFilter};
use crate::domain::session::Session;
use crate::domain::{
    AccountTotals, ApiKeyRecord, BankAccount, Delivery, DeliveryStatus, Feed, FeedKind,
    FeedSettings, NewTransaction, Transaction, UnparsedText, User, Webhook, WebhookFormat,
    WebhookSpec, WebhookUrl,
};

use super::StoreError;

/// Columns of `transactions` in the order [`TransactionRow`] reads them.
pub(super) const TRANSACTION_COLUMNS: &str = "id, business_id, account_id, amount, booked_at, \
    description, reference, running_balance, counterparty_name, counterparty_account, \
    counterparty_bank_id, counterparty_bank, virtual_account, virtual_account_name, \
    payment_channel, source, raw, created_at";

/// Head of the multi-row insert of new transactions; rows follow, then [`INSERT_TRANSACTIONS_TAIL`].
pub(super) const INSERT_TRANSACTIONS_HEAD: &str =
    "INSERT INTO transactions (business_id, account_id, \
    amount, booked_at, description, reference, running_balance, counterparty_name, \
    counterparty_account, counterparty_bank_id, counterparty_bank, virtual_account, \
    virtual_account_name, payment_channel, source, raw, dedup_key, merged_sources, created_at) ";

/// Skips rows already stored (the dedup key is unique per account) and reports those inserted.
pub(super) const INSERT_TRANSACTIONS_TAIL: &str =
    " ON CONFLICT (business_id, account_id, dedup_key) DO NOTHING RETURNING id, account_id, dedup_key";

/// Rows per insert statement (19 parameters each, within every backend's limit).
pub(super) const INSERT_CHUNK: usize = 200;

/// Head of the lookup of already stored rows by dedup key; the account and an `IN (...)`
/// list follow (see `find_keys`).
pub(super) const FIND_BY_DEDUP_KEYS: &str = "SELECT id, dedup_key FROM transactions \
    WHERE business_id = ";

/// Head of the lookup of dedup keys recorded as aliases of stored rows, as [`FIND_BY_DEDUP_KEYS`].
pub(super) const FIND_ALIASES: &str = "SELECT transaction_id, dedup_key FROM transaction_aliases \
    WHERE business_id = ";

/// Head of the insert of aliases; rows `(business_id, account_id, dedup_key, transaction_id)`
/// follow, then [`INSERT_ALIASES_TAIL`].
pub(super) const INSERT_ALIASES_HEAD: &str =
    "INSERT INTO transaction_aliases (business_id, account_id, dedup_key, transaction_id) ";

/// An alias already recorded stays as it is.
pub(super) const INSERT_ALIASES_TAIL: &str =
    " ON CONFLICT (business_id, account_id, dedup_key) DO NOTHING";

/// Head of the lookup of merge candidates: an account's transactions in a time range with one
/// of a list of amounts (see `candidates`).
pub(super) const FIND_CANDIDATES: &str = "SELECT id, amount, booked_at, description, reference, \
    running_balance, counterparty_name, counterparty_account, counterparty_bank_id, \
    counterparty_bank, virtual_account, virtual_account_name, payment_channel, source, \
    merged_sources FROM transactions WHERE business_id = ";

/// A merge candidate as [`FIND_CANDIDATES`] reads it.
pub(super) type CandidateRow = (
    i64,
    i64,
    i64,
    String,
    String,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// A candidate row as the planner takes it.
pub(super) fn candidate(row: CandidateRow) -> super::plan::Candidate {
    let (id, amount, booked_at, description, reference, running_balance, name, account, bank_id) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
    );
    let fields = NewTransaction {
        amount,
        booked_at,
        description,
        reference,
        running_balance,
        counterparty_name: name,
        counterparty_account: account,
        counterparty_bank_id: bank_id,
        counterparty_bank: row.9,
        virtual_account: row.10,
        virtual_account_name: row.11,
        payment_channel: row.12,
        source: row.13,
        raw: String::new(),
    };
    super::plan::Candidate {
        id,
        reported: Reported::new(fields, &row.14),
        changed: false,
    }
}

/// Writes back a stored transaction a report from another feed was merged into.
pub(super) const MERGE_TRANSACTION: &str = "UPDATE transactions SET booked_at = $1, \
    description = $2, reference = $3, running_balance = $4, counterparty_name = $5, \
    counterparty_account = $6, counterparty_bank_id = $7, counterparty_bank = $8, \
    virtual_account = $9, virtual_account_name = $10, payment_channel = $11, \
    merged_sources = $12 WHERE business_id = $13 AND id = $14";

/// The keys of `rows` not in `known` that have a candidate of the same amount within the
/// candidate window: the only rows that could be merged, so the only ones whose own key must
/// be looked up before planning (any other repeat is caught by the insert's conflict).
pub(super) fn keys_near<'a>(
    rows: &[(&NewTransaction, &'a str)],
    known: &HashMap<String, i64>,
    candidates: &[super::plan::Candidate],
) -> Vec<&'a str> {
    let mut by_amount: HashMap<i64, Vec<i64>> = HashMap::new();
    for c in candidates {
        let t = &c.reported.fields;
        by_amount.entry(t.amount).or_default().push(t.booked_at);
    }
    rows.iter()
        .filter(|(t, key)| {
            !known.contains_key(*key)
                && by_amount.get(&t.amount).is_some_and(|times| {
                    times
                        .iter()
                        .any(|at| (at - t.booked_at).abs() <= CANDIDATE_WINDOW_MS)
                })
        })
        .map(|(_, key)| *key)
        .collect()
}

pub(super) const ADD_DAILY_TOTAL: &str = "INSERT INTO daily_totals (business_id, account_id, day, \
    txn_count, credit_count, credit_amount, debit_count, debit_amount) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
    ON CONFLICT (business_id, account_id, day) DO UPDATE SET \
    txn_count = daily_totals.txn_count + excluded.txn_count, \
    credit_count = daily_totals.credit_count + excluded.credit_count, \
    credit_amount = daily_totals.credit_amount + excluded.credit_amount, \
    debit_count = daily_totals.debit_count + excluded.debit_count, \
    debit_amount = daily_totals.debit_amount + excluded.debit_amount";

/// Locks the account row for the rest of a PostgreSQL ingest, so concurrent ingests into one
/// account queue instead of deadlocking on each other's dedup keys and daily totals (SQLite
/// writers are already serialized by `BEGIN IMMEDIATE`, and it has no `FOR UPDATE`).
pub(super) const LOCK_ACCOUNT_PG: &str =
    "SELECT id FROM bank_accounts WHERE business_id = $1 AND id = $2 FOR UPDATE";

pub(super) const UPDATE_BALANCE: &str = "UPDATE bank_accounts SET balance = $1, balance_at = $2 \
    WHERE business_id = $3 AND id = $4 AND (balance_at IS NULL OR balance_at <= $2)";

pub(super) const ACCOUNT_COLUMNS: &str =
    "id, business_id, bank_bin, account_number, account_name, balance, created_at";

pub(super) const API_KEY_COLUMNS: &str =
    "id, business_id, user_id, label, prefix, created_at, revoked_at, scopes";

/// The page query for a listing: account filter and sort order pick one of four statements.
pub(super) fn list_transactions_sql(by_account: bool, desc: bool) -> String {
    let account = if by_account {
        " AND account_id = $6"
    } else {
        ""
    };
    let dir = if desc { "DESC" } else { "ASC" };
    format!(
        "SELECT {TRANSACTION_COLUMNS} FROM transactions \
         WHERE business_id = $1 AND booked_at >= $2 AND booked_at < $3{account} \
         ORDER BY booked_at {dir}, id {dir} LIMIT $4 OFFSET $5"
    )
}

/// The count matching a listing, summed from `daily_totals` rather than scanning rows.
pub(super) fn count_transactions_sql(by_account: bool) -> String {
    let account = if by_account {
        " AND account_id = $4"
    } else {
        ""
    };
    format!(
        "SELECT CAST(COALESCE(SUM(txn_count), 0) AS BIGINT) FROM daily_totals \
         WHERE business_id = $1 AND day >= $2 AND day <= $3{account}"
    )
}

pub(super) const ACCOUNT_TOTALS: &str = "SELECT \
    CAST(COALESCE(SUM(credit_count), 0) AS BIGINT), CAST(COALESCE(SUM(credit_amount), 0) AS BIGINT), \
    CAST(COALESCE(SUM(debit_count), 0) AS BIGINT), CAST(COALESCE(SUM(debit_amount), 0) AS BIGINT), \
    MIN(day), MAX(day) FROM daily_totals WHERE business_id = $1 AND account_id = $2";

/// A `transactions` row as read.
#[derive(sqlx::FromRow)]
pub(super) struct TransactionRow {
    id: i64,
    business_id: i64,
    account_id: i64,
    amount: i64,
    booked_at: i64,
    description: String,
    reference: String,
    running_balance: Option<i64>,
    counterparty_name: String,
    counterparty_account: String,
    counterparty_bank_id: String,
    counterparty_bank: String,
    virtual_account: String,
    virtual_account_name: String,
    payment_channel: String,
    source: String,
    raw: String,
    created_at: i64,
}

impl From<TransactionRow> for Transaction {
    fn from(r: TransactionRow) -> Self {
        Transaction {
            id: r.id,
            business_id: r.business_id,
            account_id: r.account_id,
            created_at: r.created_at,
            fields: NewTransaction {
                amount: r.amount,
                booked_at: r.booked_at,
                description: r.description,
                reference: r.reference,
                running_balance: r.running_balance,
                counterparty_name: r.counterparty_name,
                counterparty_account: r.counterparty_account,
                counterparty_bank_id: r.counterparty_bank_id,
                counterparty_bank: r.counterparty_bank,
                virtual_account: r.virtual_account,
                virtual_account_name: r.virtual_account_name,
                payment_channel: r.payment_channel,
                source: r.source,
                raw: r.raw,
            },
        }
    }
}

/// A `bank_accounts` row as read.
#[derive(sqlx::FromRow)]
pub(super) struct AccountRow {
    id: i64,
    business_id: i64,
    bank_bin: i64,
    account_number: String,
    account_name: Option<String>,
    balance: Option<i64>,
    created_at: i64,
}

impl From<AccountRow> for BankAccount {
    fn from(r: AccountRow) -> Self {
        BankAccount {
            id: r.id,
            business_id: r.business_id,
            bank_bin: u32::try_from(r.bank_bin).unwrap_or_default(),
            account_number: r.account_number,
            account_name: r.account_name,
            balance: r.balance,
            created_at: r.created_at,
        }
    }
}

/// An `api_keys` row as read.
#[derive(sqlx::FromRow)]
pub(super) struct ApiKeyRow {
    id: i64,
    business_id: i64,
    user_id: i64,
    label: String,
    prefix: String,
    created_at: i64,
    revoked_at: Option<i64>,
    scopes: Option<String>,
}

impl From<ApiKeyRow> for ApiKeyRecord {
    fn from(r: ApiKeyRow) -> Self {
        ApiKeyRecord {
            id: r.id,
            business_id: r.business_id,
            user_id: r.user_id,
            label: r.label,
            prefix: r.prefix,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
            scopes: r
                .scopes
                .map(|s| crate::domain::Scopes::parse(&s).unwrap_or_default()),
        }
    }
}

pub(super) const FEED_COLUMNS: &str = "id, business_id, account_id, kind, settings, token_prefix, \
    secret, enabled, interval_ms, next_poll_at, polled_at, cursor, last_log, last_success_at, \
    last_error, last_error_at, consecutive_failures, created_at, lease_token";

/// What a claim's inner select ends with: `FOR UPDATE SKIP LOCKED` on PostgreSQL, so that
/// concurrent claimers never take the same row; nothing on SQLite, whose writers are
/// serialized already.
fn lock_clause(skip_locked: bool) -> &'static str {
    if skip_locked {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    }
}

/// Claims due pull feeds for a poll (the inner select gets `FOR UPDATE SKIP LOCKED` on
/// PostgreSQL; SQLite writers are serialized already). A feed is due at `next_poll_at`, or at
/// once when a sync was requested since its last poll started; a feed whose lease has not
/// expired is being polled and is skipped.
pub(super) fn claim_feeds_sql(skip_locked: bool) -> String {
    let lock = lock_clause(skip_locked);
    format!(
        "UPDATE feeds SET lease_until = $1, lease_token = lease_token + 1 \
         WHERE id IN (SELECT id FROM feeds \
         WHERE next_poll_at IS NOT NULL AND enabled = 1 \
         AND (next_poll_at <= $2 OR sync_requested_at > COALESCE(polled_at, -1)) \
         AND (lease_until IS NULL OR lease_until <= $2) \
         ORDER BY next_poll_at, id LIMIT $3{lock}) RETURNING {FEED_COLUMNS}"
    )
}

/// Records a finished poll and the feed's health: `$1` error or NULL, `$2` now, `$3` started,
/// `$4` next due, `$5` cursor or NULL (kept), `$6` log, `$7` business, `$8` feed.
pub(super) const FINISH_POLL: &str = "UPDATE feeds SET lease_until = NULL, polled_at = $3, \
    next_poll_at = $4, cursor = COALESCE($5, cursor), last_log = $6, \
    last_success_at = CASE WHEN $1 IS NULL THEN $2 ELSE last_success_at END, \
    consecutive_failures = CASE WHEN $1 IS NULL THEN 0 ELSE consecutive_failures + 1 END, \
    last_error = COALESCE($1, last_error), \
    last_error_at = CASE WHEN $1 IS NULL THEN last_error_at ELSE $2 END \
    WHERE business_id = $7 AND id = $8 AND lease_token = $9";

/// Deliveries of an account's transactions enqueued since `$3` and not attempted yet.
pub(super) const UNATTEMPTED_DELIVERIES: &str = "SELECT COUNT(*) FROM deliveries d \
    JOIN transactions t ON t.business_id = d.business_id AND t.id = d.transaction_id \
    WHERE d.status = 'pending' AND d.business_id = $1 AND d.attempts = 0 AND d.created_at >= $3 \
    AND t.account_id = $2";

/// A `feeds` row as read.
#[derive(sqlx::FromRow)]
pub(super) struct FeedRow {
    id: i64,
    business_id: i64,
    account_id: i64,
    kind: String,
    settings: String,
    token_prefix: String,
    secret: String,
    enabled: i64,
    interval_ms: i64,
    next_poll_at: Option<i64>,
    polled_at: Option<i64>,
    cursor: String,
    last_log: String,
    last_success_at: Option<i64>,
    last_error: String,
    last_error_at: Option<i64>,
    consecutive_failures: i64,
    created_at: i64,
    lease_token: i64,
}

impl TryFrom<FeedRow> for Feed {
    type Error = StoreError;

    fn try_from(r: FeedRow) -> Result<Self, StoreError> {
        // A row this version cannot read is a decoding failure, as for webhooks.
        let undecodable = |why: String| {
            StoreError::Database(sqlx::Error::Decode(format!("feed {}: {why}", r.id).into()))
        };
        let kind = FeedKind::parse(&r.kind)
            .ok_or_else(|| undecodable(format!("unknown kind {:?}", r.kind)))?;
        let settings = FeedSettings::from_stored(kind, &r.settings).map_err(undecodable)?;
        Ok(Feed {
            id: r.id,
            business_id: r.business_id,
            account_id: r.account_id,
            settings,
            token_prefix: r.token_prefix,
            secret: r.secret,
            enabled: r.enabled != 0,
            interval_ms: r.interval_ms,
            next_poll_at: r.next_poll_at,
            polled_at: r.polled_at,
            cursor: r.cursor,
            last_log: r.last_log,
            last_success_at: r.last_success_at,
            last_error: r.last_error,
            last_error_at: r.last_error_at,
            consecutive_failures: r.consecutive_failures,
            created_at: r.created_at,
            lease_token: r.lease_token,
        })
    }
}

pub(super) const UNPARSED_COLUMNS: &str =
    "id, business_id, account_id, feed_id, sender, body, reason, received_at";

/// An `unparsed_texts` row as read.
#[derive(sqlx::FromRow)]
pub(super) struct UnparsedRow {
    id: i64,
    business_id: i64,
    account_id: i64,
    feed_id: i64,
    sender: String,
    body: String,
    reason: String,
    received_at: i64,
}

impl From<UnparsedRow> for UnparsedText {
    fn from(r: UnparsedRow) -> Self {
        UnparsedText {
            id: r.id,
            business_id: r.business_id,
            account_id: r.account_id,
            feed_id: r.feed_id,
            sender: r.sender,
            body: r.body,
            reason: r.reason,
            received_at: r.received_at,
        }
    }
}

/// A `users` row as read.
#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: i64,
    business_id: i64,
    email: String,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            business_id: r.business_id,
            email: r.email,
        }
    }
}

/// Ends every session of a user (`$1` business, `$2` user): a password change.
pub(super) const END_USER_SESSIONS: &str =
    "DELETE FROM sessions WHERE business_id = $1 AND user_id = $2";

/// A session's `last_seen_at` is moved on at most this often (ms).
pub(super) const SESSION_SLIDE_MS: i64 = 60_000;

/// A `sessions` row joined with its user's e-mail.
#[derive(sqlx::FromRow)]
pub(super) struct SessionRow {
    id: i64,
    business_id: i64,
    user_id: i64,
    email: String,
    csrf_token: String,
    created_at: i64,
    expires_at: i64,
    last_seen_at: i64,
}

impl From<SessionRow> for Session {
    fn from(r: SessionRow) -> Self {
        Session {
            id: r.id,
            business_id: r.business_id,
            user_id: r.user_id,
            email: r.email,
            csrf_token: r.csrf_token,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_seen_at: r.last_seen_at,
        }
    }
}

/// Builds [`AccountTotals`] from the [`ACCOUNT_TOTALS`] row.
pub(super) fn account_totals(row: (i64, i64, i64, i64, Option<i64>, Option<i64>)) -> AccountTotals {
    AccountTotals {
        credit_count: row.0,
        credit_amount: row.1,
        debit_count: row.2,
        debit_amount: row.3,
        first_day: row.4,
        last_day: row.5,
    }
}

/// Maps a unique-constraint violation to [`super::StoreError::Conflict`] with `message`.
pub(super) fn conflict_or(e: sqlx::Error, message: impl FnOnce() -> String) -> super::StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            super::StoreError::Conflict(message())
        }
        _ => super::StoreError::from_sqlx(e),
    }
}

/// Head of the outbox insert: a pending delivery for every enabled webhook of the business
/// that a newly stored transaction matches. `t.business_id = ` and an id list follow, then
/// [`ENQUEUE_DELIVERIES_TAIL`].
pub(super) const ENQUEUE_DELIVERIES_HEAD: &str =
    "INSERT INTO deliveries (business_id, webhook_id, \
    transaction_id, status, attempts, next_attempt_at, lease_until, last_error, response_excerpt, \
    created_at, updated_at) SELECT t.business_id, w.id, t.id, 'pending', 0, ";

/// Which webhooks a transaction matches: enabled, `income_only` honoured, account selection;
/// followed by [`DELIVERY_COLUMNS`].
pub(super) const ENQUEUE_DELIVERIES_TAIL: &str = ") AND w.enabled = 1 \
    AND w.transaction_events = 1 AND (w.income_only = 0 OR t.amount > 0) \
    AND (w.all_accounts = 1 OR EXISTS (SELECT 1 FROM webhook_accounts wa \
        WHERE wa.business_id = t.business_id AND wa.webhook_id = w.id AND wa.account_id = t.account_id)) \
    ORDER BY t.id, w.id RETURNING ";

/// Enqueues payment events: a pending delivery for every enabled webhook of business `$1`
/// subscribed to payment events whose account selection takes the event's account, for the
/// events with ids `$4..`; `$2` is now, `$3` the lease (as the transactions' outbox insert).
pub(super) fn enqueue_events_sql(n: usize) -> String {
    let ids: Vec<String> = (4..n + 4).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO deliveries (business_id, webhook_id, transaction_id, event_id, status, \
         attempts, next_attempt_at, lease_until, last_error, response_excerpt, created_at, \
         updated_at) SELECT e.business_id, w.id, NULL, e.id, 'pending', 0, $2, $3, '', '', $2, $2 \
         FROM payment_events e JOIN webhooks w ON w.business_id = e.business_id \
         WHERE e.business_id = $1 AND e.id IN ({}) AND w.enabled = 1 AND w.payment_events = 1 \
         AND (w.all_accounts = 1 OR EXISTS (SELECT 1 FROM webhook_accounts wa \
             WHERE wa.business_id = e.business_id AND wa.webhook_id = w.id AND wa.account_id = e.account_id)) \
         ORDER BY e.id, w.id RETURNING {DELIVERY_COLUMNS}",
        ids.join(", ")
    )
}

/// Replays the payment events of business `$1` raised in `[$3, $4)` to webhook `$2`, if it
/// subscribes to them; `$5` is now.
pub(super) const REPLAY_EVENTS: &str = "INSERT INTO deliveries (business_id, webhook_id, \
    transaction_id, event_id, status, attempts, next_attempt_at, last_error, response_excerpt, \
    created_at, updated_at) SELECT e.business_id, w.id, NULL, e.id, 'pending', 0, $5, '', '', $5, $5 \
    FROM payment_events e JOIN webhooks w ON w.business_id = e.business_id \
    WHERE e.business_id = $1 AND w.id = $2 AND e.created_at >= $3 AND e.created_at < $4 \
    AND w.payment_events = 1 \
    AND (w.all_accounts = 1 OR EXISTS (SELECT 1 FROM webhook_accounts wa \
        WHERE wa.business_id = e.business_id AND wa.webhook_id = w.id AND wa.account_id = e.account_id)) \
    ORDER BY e.id";

pub(super) const WEBHOOK_COLUMNS: &str =
    "id, business_id, url, secure_token, income_only, format, \
    secret, all_accounts, enabled, disabled_reason, failing_since, created_at, \
    transaction_events, payment_events";

pub(super) const DELIVERY_COLUMNS: &str =
    "id, business_id, webhook_id, transaction_id, event_id, status, \
    attempts, next_attempt_at, last_http_status, last_error, last_latency_ms, response_excerpt, \
    created_at, delivered_at, request_excerpt";

/// Restricts a webhook to one account, if that account belongs to the business.
pub(super) const ADD_WEBHOOK_ACCOUNT: &str =
    "INSERT INTO webhook_accounts (business_id, webhook_id, \
    account_id) SELECT $1, $2, id FROM bank_accounts WHERE business_id = $1 AND id = $3";

/// A `webhooks` row as read.
#[derive(sqlx::FromRow)]
pub(super) struct WebhookRow {
    pub(super) id: i64,
    business_id: i64,
    url: String,
    secure_token: String,
    income_only: i64,
    format: String,
    secret: String,
    all_accounts: i64,
    enabled: i64,
    disabled_reason: String,
    failing_since: Option<i64>,
    created_at: i64,
    transaction_events: i64,
    payment_events: i64,
}

impl WebhookRow {
    /// The webhook, given the `(webhook_id, account_id)` restrictions of its business.
    pub(super) fn into_webhook(
        self,
        restrictions: &[(i64, i64)],
    ) -> Result<Webhook, super::StoreError> {
        let corrupt = |what: String| super::StoreError::Database(sqlx::Error::Decode(what.into()));
        let url = WebhookUrl::parse(&self.url).map_err(corrupt)?;
        let format = WebhookFormat::parse(&self.format).map_err(corrupt)?;
        let account_ids = (self.all_accounts == 0).then(|| {
            restrictions
                .iter()
                .filter(|(w, _)| *w == self.id)
                .map(|(_, a)| *a)
                .collect()
        });
        Ok(Webhook {
            id: self.id,
            business_id: self.business_id,
            spec: WebhookSpec {
                url,
                secure_token: self.secure_token,
                income_only: self.income_only != 0,
                format,
                secret: self.secret,
                account_ids,
                events: crate::domain::Subscriptions {
                    transactions: self.transaction_events != 0,
                    payments: self.payment_events != 0,
                },
            },
            enabled: self.enabled != 0,
            disabled_reason: self.disabled_reason,
            failing_since: self.failing_since,
            created_at: self.created_at,
        })
    }
}

/// A `deliveries` row as read.
#[derive(sqlx::FromRow)]
pub(super) struct DeliveryRow {
    id: i64,
    business_id: i64,
    webhook_id: i64,
    transaction_id: Option<i64>,
    event_id: Option<i64>,
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    last_http_status: Option<i64>,
    last_error: String,
    last_latency_ms: Option<i64>,
    response_excerpt: String,
    created_at: i64,
    delivered_at: Option<i64>,
    request_excerpt: String,
}

impl From<DeliveryRow> for Delivery {
    fn from(r: DeliveryRow) -> Self {
        Delivery {
            id: r.id,
            business_id: r.business_id,
            webhook_id: r.webhook_id,
            transaction_id: r.transaction_id,
            event_id: r.event_id,
            status: DeliveryStatus::from_db(&r.status),
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_http_status: r.last_http_status,
            last_error: r.last_error,
            last_latency_ms: r.last_latency_ms,
            response_excerpt: r.response_excerpt,
            request_excerpt: r.request_excerpt,
            created_at: r.created_at,
            delivered_at: r.delivered_at,
        }
    }
}

/// Transactions of business `$1` whose ids are `$2..`, for `n` ids. (The unary `+` keeps
/// SQLite's planner on the primary key: with a long `IN` list it would otherwise scan the
/// business's whole time index. PostgreSQL reads it the same way.)
pub(super) fn transactions_by_ids_sql(n: usize) -> String {
    let ids: Vec<String> = (2..n + 2).map(|i| format!("${i}")).collect();
    format!(
        "SELECT {TRANSACTION_COLUMNS} FROM transactions WHERE +business_id = $1 AND id IN ({})",
        ids.join(", ")
    )
}

/// Claims due deliveries (the inner select gets `FOR UPDATE SKIP LOCKED` on PostgreSQL so
/// concurrent workers never claim the same row; SQLite writers are serialized already).
pub(super) fn claim_deliveries_sql(skip_locked: bool) -> String {
    let lock = lock_clause(skip_locked);
    format!(
        "UPDATE deliveries SET lease_until = $1 WHERE id IN (SELECT id FROM deliveries \
         WHERE status = 'pending' AND next_attempt_at <= $2 \
         AND (lease_until IS NULL OR lease_until <= $2) \
         ORDER BY next_attempt_at, id LIMIT $3{lock}) RETURNING {DELIVERY_COLUMNS}"
    )
}

pub(super) const FINISH_ATTEMPT: &str = "UPDATE deliveries SET attempts = attempts + 1, \
    status = $1, next_attempt_at = $2, lease_until = NULL, last_http_status = $3, last_error = $4, \
    last_latency_ms = $5, response_excerpt = $6, updated_at = $7, \
    delivered_at = CASE WHEN $1 = 'succeeded' THEN $7 ELSE delivered_at END, \
    request_excerpt = $10 WHERE business_id = $8 AND id = $9";

/// Records successful attempts: `FINISH_SUCCEEDED_HEAD`, then `VALUES` rows of
/// `(business_id, delivery_id, now, http_status, latency_ms, response_excerpt,
/// request_excerpt)`, then the tail.
/// (`VALUES` columns are `column1..` on both backends.)
pub(super) const FINISH_SUCCEEDED_HEAD: &str = "UPDATE deliveries SET attempts = attempts + 1, \
    status = 'succeeded', next_attempt_at = v.column3, lease_until = NULL, \
    last_http_status = v.column4, last_error = '', last_latency_ms = v.column5, \
    response_excerpt = v.column6, updated_at = v.column3, delivered_at = v.column3, \
    request_excerpt = v.column7 FROM (";

pub(super) const FINISH_SUCCEEDED_TAIL: &str =
    ") AS v WHERE deliveries.business_id = v.column1 AND deliveries.id = v.column2";

pub(super) const WEBHOOK_SUCCEEDED: &str = "UPDATE webhooks SET failing_since = NULL \
     WHERE business_id = $1 AND id = $2 AND failing_since IS NOT NULL";

pub(super) const WEBHOOK_FAILED: &str =
    "UPDATE webhooks SET failing_since = COALESCE(failing_since, $1) \
    WHERE business_id = $2 AND id = $3";

pub(super) const DISABLE_WEBHOOK: &str = "UPDATE webhooks SET enabled = 0, disabled_reason = $1, \
    updated_at = $2 WHERE business_id = $3 AND id = $4 AND enabled = 1";

pub(super) const DISABLE_WEBHOOK_IF_FAILING: &str = "UPDATE webhooks SET enabled = 0, \
    disabled_reason = $1, updated_at = $2 WHERE business_id = $3 AND id = $4 AND enabled = 1 \
    AND failing_since IS NOT NULL AND failing_since <= $5";

/// Gives up the pending deliveries of a webhook that was just disabled.
pub(super) const FAIL_PENDING_OF_WEBHOOK: &str = "UPDATE deliveries SET status = 'failed', \
    last_error = $1, lease_until = NULL, updated_at = $2 \
    WHERE business_id = $3 AND webhook_id = $4 AND status = 'pending'";

/// Replays a time range: like the outbox insert, for one webhook and every matching
/// transaction booked in `[$3, $4)`.
pub(super) const REPLAY_DELIVERIES: &str = "INSERT INTO deliveries (business_id, webhook_id, \
    transaction_id, status, attempts, next_attempt_at, last_error, response_excerpt, created_at, \
    updated_at) SELECT t.business_id, w.id, t.id, 'pending', 0, $5, '', '', $5, $5 \
    FROM transactions t JOIN webhooks w ON w.business_id = t.business_id \
    WHERE t.business_id = $1 AND w.id = $2 AND t.booked_at >= $3 AND t.booked_at < $4 \
    AND w.transaction_events = 1 AND (w.income_only = 0 OR t.amount > 0) \
    AND (w.all_accounts = 1 OR EXISTS (SELECT 1 FROM webhook_accounts wa \
        WHERE wa.business_id = t.business_id AND wa.webhook_id = w.id AND wa.account_id = t.account_id)) \
    ORDER BY t.booked_at, t.id";

/// Counts and sums of one Vietnam-local day, as added to `daily_totals`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct DayTotals {
    pub count: i64,
    pub credit_count: i64,
    pub credit_amount: i64,
    pub debit_count: i64,
    pub debit_amount: i64,
}

impl DayTotals {
    /// Counts one transaction of `amount` in.
    pub fn count_in(&mut self, amount: i64) {
        self.count += 1;
        if amount > 0 {
            self.credit_count += 1;
            self.credit_amount += amount;
        } else {
            self.debit_count += 1;
            self.debit_amount -= amount;
        }
    }
}

/// Columns of `payment_requests` in the order [`PaymentRow`] reads them.
pub(super) const PAYMENT_COLUMNS: &str = "id, business_id, account_id, public_id, code, amount, \
    tolerance, paid_amount, late_amount, status, description, return_url, metadata, expires_at, \
    paid_at, cancelled_at, created_at";

/// A `payment_requests` row.
#[derive(sqlx::FromRow)]
pub(super) struct PaymentRow {
    id: i64,
    business_id: i64,
    account_id: i64,
    public_id: Option<String>,
    code: String,
    amount: i64,
    tolerance: i64,
    paid_amount: i64,
    late_amount: i64,
    status: String,
    description: String,
    return_url: String,
    metadata: String,
    expires_at: i64,
    paid_at: Option<i64>,
    cancelled_at: Option<i64>,
    created_at: i64,
}

impl TryFrom<PaymentRow> for PaymentRequest {
    type Error = StoreError;

    fn try_from(r: PaymentRow) -> Result<Self, StoreError> {
        let status = PaymentStatus::parse(&r.status).ok_or_else(|| {
            StoreError::Database(sqlx::Error::Decode(
                format!("payment request {}: unknown status {:?}", r.id, r.status).into(),
            ))
        })?;
        Ok(PaymentRequest {
            id: r.id,
            business_id: r.business_id,
            account_id: r.account_id,
            public_id: r.public_id.unwrap_or_default(),
            code: r.code,
            amount: r.amount,
            tolerance: r.tolerance,
            paid_amount: r.paid_amount,
            late_amount: r.late_amount,
            status,
            description: r.description,
            return_url: r.return_url,
            metadata: r.metadata,
            expires_at: r.expires_at,
            paid_at: r.paid_at,
            cancelled_at: r.cancelled_at,
            created_at: r.created_at,
        })
    }
}

/// Appends a listing's status condition (`now` decides what is expired).
pub(super) fn push_status_filter<'a, DB: sqlx::Database>(
    qb: &mut sqlx::QueryBuilder<'a, DB>,
    filter: StatusFilter,
    now: i64,
) where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    match filter {
        StatusFilter::Expired => {
            qb.push(" AND status IN ('pending', 'underpaid') AND expires_at <= ")
                .push_bind(now);
        }
        StatusFilter::Is(status) if status.is_open() => {
            qb.push(" AND status = ")
                .push_bind(status.as_str())
                .push(" AND expires_at > ")
                .push_bind(now);
        }
        StatusFilter::Is(status) => {
            qb.push(" AND status = ").push_bind(status.as_str());
        }
    }
}

/// Implements [`super::Store`] for a backend type with field `pool` and methods `begin_write`
/// and `write_pool`.
macro_rules! impl_store {
    ($store:ty, $backend:expr, $db:ty) => {
        impl $store {
            /// Runs one statement on its own (atomic without an explicit transaction); returns
            /// the rows it affected.
            async fn write_one<'q>(
                &self,
                query: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
            ) -> StoreResult<u64> {
                let done = query.execute(self.write_pool()).await.map_err(StoreError::from_sqlx)?;
                Ok(done.rows_affected())
            }

            /// Looks `keys` up in one account with `head` ([`sql::FIND_BY_DEDUP_KEYS`] or
            /// [`sql::FIND_ALIASES`]): key -> transaction id.
            async fn find_keys(
                tx: &mut sqlx::Transaction<'static, $db>,
                head: &'static str,
                business_id: BusinessId,
                account_id: i64,
                keys: &[&str],
            ) -> StoreResult<std::collections::HashMap<String, i64>> {
                let mut found = std::collections::HashMap::new();
                let mut keys = keys.to_vec();
                keys.sort_unstable();
                keys.dedup();
                for chunk in keys.chunks(sql::INSERT_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::new(head);
                    qb.push_bind(business_id)
                        .push(" AND account_id = ")
                        .push_bind(account_id)
                        .push(" AND dedup_key IN (");
                    let mut list = qb.separated(", ");
                    for key in chunk {
                        list.push_bind(*key);
                    }
                    qb.push(")");
                    let rows: Vec<(i64, String)> =
                        qb.build_query_as().fetch_all(&mut **tx).await.map_err(StoreError::from_sqlx)?;
                    found.extend(rows.into_iter().map(|(id, key)| (key, id)));
                }
                Ok(found)
            }

            /// The account's stored transactions that rows not in `known` might be merged into:
            /// same amount, within the candidate window of the rows' times.
            async fn candidates(
                tx: &mut sqlx::Transaction<'static, $db>,
                business_id: BusinessId,
                account_id: i64,
                rows: &[(&NewTransaction, &str)],
                known: &std::collections::HashMap<String, i64>,
            ) -> StoreResult<Vec<$crate::storage::plan::Candidate>> {
                use $crate::domain::dedup::CANDIDATE_WINDOW_MS;
                let open: Vec<&NewTransaction> =
                    rows.iter().filter(|(_, k)| !known.contains_key(*k)).map(|(t, _)| *t).collect();
                let (Some(from), Some(to)) = (
                    open.iter().map(|t| t.booked_at).min(),
                    open.iter().map(|t| t.booked_at).max(),
                ) else {
                    return Ok(Vec::new());
                };
                let mut amounts: Vec<i64> = open.iter().map(|t| t.amount).collect();
                amounts.sort_unstable();
                amounts.dedup();
                // Reports from one source are never merged into that source's transactions:
                // leave those out (a statement import then reads no candidates of its own).
                let mut sources: Vec<&str> = open.iter().map(|t| t.source.as_str()).collect();
                sources.sort_unstable();
                sources.dedup();
                let excluded = match sources.as_slice() {
                    [one] => Some(*one),
                    _ => None,
                };
                let mut found = Vec::new();
                for chunk in amounts.chunks(sql::INSERT_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::new(sql::FIND_CANDIDATES);
                    qb.push_bind(business_id)
                        .push(" AND account_id = ")
                        .push_bind(account_id)
                        .push(" AND booked_at >= ")
                        .push_bind(from.saturating_sub(CANDIDATE_WINDOW_MS))
                        .push(" AND booked_at <= ")
                        .push_bind(to.saturating_add(CANDIDATE_WINDOW_MS))
                        .push(" AND amount IN (");
                    let mut list = qb.separated(", ");
                    for amount in chunk {
                        list.push_bind(*amount);
                    }
                    qb.push(")");
                    if let Some(source) = excluded {
                        // Two ranges of the index rather than `<>`: the source's own rows are
                        // never read.
                        qb.push(" AND (source < ")
                            .push_bind(source)
                            .push(" OR source > ")
                            .push_bind(source)
                            .push(")");
                    }
                    let rows: Vec<sql::CandidateRow> =
                        qb.build_query_as().fetch_all(&mut **tx).await.map_err(StoreError::from_sqlx)?;
                    found.extend(rows.into_iter().map(sql::candidate));
                }
                Ok(found)
            }

            /// Records a webhook's account restriction; returns its `(webhook_id, account_id)` rows.
            async fn restrict_webhook(
                tx: &mut sqlx::Transaction<'static, $db>,
                business_id: BusinessId,
                webhook_id: i64,
                spec: &WebhookSpec,
            ) -> StoreResult<Vec<(i64, i64)>> {
                let mut rows = Vec::new();
                for account_id in spec.account_ids.iter().flatten() {
                    let done = sqlx::query(sql::ADD_WEBHOOK_ACCOUNT)
                        .bind(business_id)
                        .bind(webhook_id)
                        .bind(*account_id)
                        .execute(&mut **tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::Conflict(format!(
                            "bank account {account_id} is not an account of this business"
                        )));
                    }
                    rows.push((webhook_id, *account_id));
                }
                Ok(rows)
            }
        }

        #[async_trait::async_trait]
        impl $crate::storage::Store for $store {
            fn backend(&self) -> $crate::storage::Backend {
                $backend
            }

            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1")
                    .execute(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                Ok(())
            }

            async fn create_user(&self, email: &Email, business_name: &str) -> StoreResult<User> {
                let now = now_ms();
                let mut tx = self.begin_write().await?;
                let business_id: i64 = sqlx::query_scalar(
                    "INSERT INTO businesses (name, created_at) VALUES ($1, $2) RETURNING id",
                )
                .bind(business_name)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (business_id, email, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(business_id)
                .bind(email.as_str())
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| sql::conflict_or(e, || format!("a user with email {email} already exists")))?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(User { id, business_id, email: email.as_str().to_string() })
            }

            async fn find_user_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
                let row: Option<sql::UserRow> =
                    sqlx::query_as("SELECT id, business_id, email FROM users WHERE email = $1")
                        .bind(email.as_str())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                Ok(row.map(Into::into))
            }

            async fn get_user(&self, business_id: BusinessId, user_id: i64) -> StoreResult<Option<User>> {
                let row: Option<sql::UserRow> = sqlx::query_as(
                    "SELECT id, business_id, email FROM users WHERE business_id = $1 AND id = $2",
                )
                .bind(business_id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(row.map(Into::into))
            }

            async fn get_business(&self, business_id: BusinessId) -> StoreResult<Option<Business>> {
                let row: Option<(i64, String)> =
                    sqlx::query_as("SELECT id, name FROM businesses WHERE id = $1")
                        .bind(business_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                Ok(row.map(|(id, name)| Business { id, name }))
            }

            async fn create_api_key(
                &self,
                business_id: BusinessId,
                user_id: i64,
                label: &str,
                prefix: &str,
                digest: &str,
                scopes: Option<$crate::domain::Scopes>,
            ) -> StoreResult<ApiKeyRecord> {
                let mut tx = self.begin_write().await?;
                let row: sql::ApiKeyRow = sqlx::query_as(&format!(
                    "INSERT INTO api_keys (business_id, user_id, label, prefix, token_hash, created_at, scopes) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {}",
                    sql::API_KEY_COLUMNS
                ))
                .bind(business_id)
                .bind(user_id)
                .bind(label)
                .bind(prefix)
                .bind(digest)
                .bind(now_ms())
                .bind(scopes.map(|s| s.to_string()))
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| sql::conflict_or(e, || "API key collision; try again".to_string()))?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(row.into())
            }

            async fn list_api_keys(
                &self,
                business_id: BusinessId,
                user_id: i64,
            ) -> StoreResult<Vec<ApiKeyRecord>> {
                let rows: Vec<sql::ApiKeyRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM api_keys WHERE business_id = $1 AND user_id = $2 ORDER BY id DESC",
                    sql::API_KEY_COLUMNS
                ))
                .bind(business_id)
                .bind(user_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn revoke_business_api_key(&self, business_id: BusinessId, key_id: i64) -> StoreResult<bool> {
                let query = sqlx::query(
                    "UPDATE api_keys SET revoked_at = $1 WHERE business_id = $2 AND id = $3 \
                     AND revoked_at IS NULL",
                )
                .bind(now_ms())
                .bind(business_id)
                .bind(key_id);
                Ok(self.write_one(query).await? > 0)
            }

            async fn relabel_api_key(&self, business_id: BusinessId, key_id: i64, label: &str) -> StoreResult<bool> {
                let query = sqlx::query("UPDATE api_keys SET label = $1 WHERE business_id = $2 AND id = $3")
                    .bind(label)
                    .bind(business_id)
                    .bind(key_id);
                Ok(self.write_one(query).await? > 0)
            }

            async fn revoke_api_key(&self, key_id: i64) -> StoreResult<bool> {
                let query = sqlx::query(
                    "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                )
                .bind(now_ms())
                .bind(key_id);
                Ok(self.write_one(query).await? > 0)
            }

            async fn authenticate_api_key(&self, digest: &str) -> StoreResult<Option<Principal>> {
                let row: Option<(i64, i64, Option<String>)> = sqlx::query_as(
                    "SELECT business_id, user_id, scopes FROM api_keys WHERE token_hash = $1 AND revoked_at IS NULL",
                )
                .bind(digest)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(row.map(|(business_id, user_id, scopes)| Principal {
                    business_id,
                    user_id,
                    scopes: $crate::domain::Scopes::of_key(scopes.as_deref()),
                }))
            }

            async fn find_login(&self, email: &Email) -> StoreResult<Option<(User, Option<String>)>> {
                let row: Option<(i64, i64, String, Option<String>)> = sqlx::query_as(
                    "SELECT id, business_id, email, password_hash FROM users WHERE email = $1",
                )
                .bind(email.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(row.map(|(id, business_id, email, hash)| (User { id, business_id, email }, hash)))
            }

            async fn set_password(
                &self,
                business_id: BusinessId,
                user_id: i64,
                password_hash: &str,
            ) -> StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE users SET password_hash = $1, setup_token_hash = NULL, \
                     setup_expires_at = NULL WHERE business_id = $2 AND id = $3",
                )
                .bind(password_hash)
                .bind(business_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                sqlx::query(sql::END_USER_SESSIONS)
                    .bind(business_id)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(done.rows_affected() > 0)
            }

            async fn users_without_password(&self) -> StoreResult<Vec<User>> {
                let rows: Vec<sql::UserRow> = sqlx::query_as(
                    "SELECT id, business_id, email FROM users WHERE password_hash IS NULL ORDER BY id",
                )
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn set_setup_token(
                &self,
                business_id: BusinessId,
                user_id: i64,
                token_hash: &str,
                expires_at: i64,
            ) -> StoreResult<()> {
                let query = sqlx::query(
                    "UPDATE users SET setup_token_hash = $1, setup_expires_at = $2 \
                     WHERE business_id = $3 AND id = $4",
                )
                .bind(token_hash)
                .bind(expires_at)
                .bind(business_id)
                .bind(user_id);
                self.write_one(query).await?;
                Ok(())
            }

            async fn find_setup_user(&self, token_hash: &str, now: i64) -> StoreResult<Option<User>> {
                let row: Option<sql::UserRow> = sqlx::query_as(
                    "SELECT id, business_id, email FROM users \
                     WHERE setup_token_hash = $1 AND setup_expires_at > $2",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(row.map(Into::into))
            }

            async fn use_setup_token(
                &self,
                token_hash: &str,
                now: i64,
                password_hash: &str,
            ) -> StoreResult<Option<User>> {
                let mut tx = self.begin_write().await?;
                let row: Option<sql::UserRow> = sqlx::query_as(
                    "UPDATE users SET password_hash = $1, setup_token_hash = NULL, \
                     setup_expires_at = NULL WHERE setup_token_hash = $2 AND setup_expires_at > $3 \
                     RETURNING id, business_id, email",
                )
                .bind(password_hash)
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                let user = row.map(User::from);
                if let Some(user) = &user {
                    sqlx::query(sql::END_USER_SESSIONS)
                        .bind(user.business_id)
                        .bind(user.id)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                }
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(user)
            }

            async fn create_session(
                &self,
                new: &$crate::domain::session::NewSession<'_>,
            ) -> StoreResult<$crate::domain::session::Session> {
                use $crate::domain::session::{SESSION_IDLE_MS, SESSION_MAX_MS};
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "DELETE FROM sessions WHERE business_id = $1 AND user_id = $2 \
                     AND (expires_at <= $3 OR last_seen_at <= $4)",
                )
                .bind(new.business_id)
                .bind(new.user_id)
                .bind(new.now)
                .bind(new.now - SESSION_IDLE_MS)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO sessions (business_id, user_id, token_hash, csrf_token, created_at, \
                     expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $5) RETURNING id",
                )
                .bind(new.business_id)
                .bind(new.user_id)
                .bind(new.token_hash)
                .bind(new.csrf_token)
                .bind(new.now)
                .bind(new.now + SESSION_MAX_MS)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| sql::conflict_or(e, || "session token collision; try again".to_string()))?;
                let email: String =
                    sqlx::query_scalar("SELECT email FROM users WHERE business_id = $1 AND id = $2")
                        .bind(new.business_id)
                        .bind(new.user_id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok($crate::domain::session::Session {
                    id,
                    business_id: new.business_id,
                    user_id: new.user_id,
                    email,
                    csrf_token: new.csrf_token.to_string(),
                    created_at: new.now,
                    expires_at: new.now + SESSION_MAX_MS,
                    last_seen_at: new.now,
                })
            }

            async fn find_session(
                &self,
                token_hash: &str,
                now: i64,
            ) -> StoreResult<Option<$crate::domain::session::Session>> {
                use $crate::domain::session::SESSION_IDLE_MS;
                let row: Option<sql::SessionRow> = sqlx::query_as(
                    "SELECT s.id, s.business_id, s.user_id, u.email, s.csrf_token, s.created_at, \
                     s.expires_at, s.last_seen_at FROM sessions s \
                     JOIN users u ON u.business_id = s.business_id AND u.id = s.user_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3",
                )
                .bind(token_hash)
                .bind(now)
                .bind(now - SESSION_IDLE_MS)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                let Some(mut session) = row.map($crate::domain::session::Session::from) else {
                    return Ok(None);
                };
                if now - session.last_seen_at >= sql::SESSION_SLIDE_MS {
                    let query = sqlx::query(
                        "UPDATE sessions SET last_seen_at = $1 WHERE business_id = $2 AND id = $3",
                    )
                    .bind(now)
                    .bind(session.business_id)
                    .bind(session.id);
                    self.write_one(query).await?;
                    session.last_seen_at = now;
                }
                Ok(Some(session))
            }

            async fn delete_session(&self, business_id: BusinessId, session_id: i64) -> StoreResult<bool> {
                let query = sqlx::query("DELETE FROM sessions WHERE business_id = $1 AND id = $2")
                    .bind(business_id)
                    .bind(session_id);
                Ok(self.write_one(query).await? > 0)
            }

            async fn create_feed(
                &self,
                business_id: BusinessId,
                account_id: i64,
                feed: &NewFeed<'_>,
            ) -> StoreResult<Feed> {
                let now = now_ms();
                let pull = feed.settings.is_pull();
                let row: sql::FeedRow = sqlx::query_as(&format!(
                    "INSERT INTO feeds (business_id, account_id, kind, settings, token_hash, token_prefix, \
                     secret, enabled, interval_ms, next_poll_at, last_error, consecutive_failures, created_at) \
                     SELECT business_id, id, $3, $4, $5, $6, $7, 1, $8, $9, '', 0, $10 FROM bank_accounts \
                     WHERE business_id = $1 AND id = $2 RETURNING {}",
                    sql::FEED_COLUMNS
                ))
                .bind(business_id)
                .bind(account_id)
                .bind(feed.settings.kind().as_str())
                .bind(feed.settings.to_json())
                .bind(feed.token.map(|t| t.digest()))
                .bind(feed.token.map(|t| t.display_prefix()).unwrap_or_default())
                .bind(feed.secret)
                .bind(feed.interval_ms)
                .bind(pull.then_some(now))
                .bind(now)
                .fetch_optional(self.write_pool())
                .await
                .map_err(|e| sql::conflict_or(e, || "feed token collision; try again".to_string()))?
                .ok_or_else(|| StoreError::Conflict(format!("no account {account_id} in business {business_id}")))?;
                row.try_into()
            }

            async fn feed_by_token(&self, digest: &str) -> StoreResult<Option<Feed>> {
                let row: Option<sql::FeedRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM feeds WHERE token_hash = $1 AND enabled = 1",
                    sql::FEED_COLUMNS
                ))
                .bind(digest)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                row.map(Feed::try_from).transpose()
            }

            async fn list_feeds(
                &self,
                business_id: BusinessId,
                account_id: Option<i64>,
            ) -> StoreResult<Vec<Feed>> {
                let rows: Vec<sql::FeedRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM feeds WHERE business_id = $1 AND ($2 IS NULL OR account_id = $2) \
                     ORDER BY id",
                    sql::FEED_COLUMNS
                ))
                .bind(business_id)
                .bind(account_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                rows.into_iter().map(Feed::try_from).collect()
            }

            async fn disable_feed(
                &self,
                business_id: BusinessId,
                account_id: Option<i64>,
                feed_id: i64,
            ) -> StoreResult<Option<Feed>> {
                let mut tx = self.begin_write().await?;
                let row: Option<sql::FeedRow> = sqlx::query_as(&format!(
                    "UPDATE feeds SET enabled = 0, next_poll_at = NULL WHERE business_id = $1 \
                     AND id = $2 AND ($3 IS NULL OR account_id = $3) RETURNING {}",
                    sql::FEED_COLUMNS
                ))
                .bind(business_id)
                .bind(feed_id)
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                row.map(Feed::try_from).transpose()
            }

            async fn update_feed(
                &self,
                business_id: BusinessId,
                account_id: Option<i64>,
                feed_id: i64,
                change: &FeedChange,
            ) -> StoreResult<Option<Feed>> {
                let enabled = change.enabled.map(i64::from);
                let mut tx = self.begin_write().await?;
                let row: Option<sql::FeedRow> = sqlx::query_as(&format!(
                    "UPDATE feeds SET secret = COALESCE($4, secret), settings = COALESCE($5, settings), \
                     interval_ms = COALESCE($6, interval_ms), enabled = COALESCE($7, enabled), \
                     next_poll_at = CASE WHEN kind = 'notify' OR COALESCE($7, enabled) = 0 THEN NULL \
                     WHEN $8 THEN $9 ELSE next_poll_at END \
                     WHERE business_id = $1 AND id = $2 AND ($3 IS NULL OR account_id = $3) RETURNING {}",
                    sql::FEED_COLUMNS
                ))
                .bind(business_id)
                .bind(feed_id)
                .bind(account_id)
                .bind(change.secret.as_deref())
                .bind(change.settings.as_ref().map(|s| s.to_json()))
                .bind(change.interval_ms)
                .bind(enabled)
                .bind(change.repolls())
                .bind(now_ms())
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                row.map(Feed::try_from).transpose()
            }

            async fn replace_feed_token(
                &self,
                business_id: BusinessId,
                account_id: Option<i64>,
                feed_id: i64,
                token: &FeedToken,
            ) -> StoreResult<Option<Feed>> {
                let mut tx = self.begin_write().await?;
                let row: Option<sql::FeedRow> = sqlx::query_as(&format!(
                    "UPDATE feeds SET token_hash = $4, token_prefix = $5 WHERE business_id = $1 \
                     AND id = $2 AND ($3 IS NULL OR account_id = $3) AND kind = 'notify' \
                     AND enabled = 1 RETURNING {}",
                    sql::FEED_COLUMNS
                ))
                .bind(business_id)
                .bind(feed_id)
                .bind(account_id)
                .bind(token.digest())
                .bind(token.display_prefix())
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| sql::conflict_or(e, || "feed token collision; try again".to_string()))?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                row.map(Feed::try_from).transpose()
            }

            async fn claim_feeds(&self, now: i64, lease_until: i64, limit: i64) -> StoreResult<Vec<Feed>> {
                let skip_locked = self.backend() == $crate::storage::Backend::Postgres;
                let rows: Vec<sql::FeedRow> = sqlx::query_as(&sql::claim_feeds_sql(skip_locked))
                    .bind(lease_until)
                    .bind(now)
                    .bind(limit)
                    .fetch_all(self.write_pool())
                    .await
                    .map_err(StoreError::from_sqlx)?;
                rows.into_iter().map(Feed::try_from).collect()
            }

            async fn extend_feed_lease(&self, business_id: BusinessId, feed_id: i64, lease_token: i64, lease_until: i64) -> StoreResult<bool> {
                let query = sqlx::query("UPDATE feeds SET lease_until = $1 WHERE business_id = $2 AND id = $3 AND lease_token = $4")
                    .bind(lease_until)
                    .bind(business_id)
                    .bind(feed_id)
                    .bind(lease_token);
                Ok(self.write_one(query).await? > 0)
            }

            async fn next_feed_due(&self) -> StoreResult<Option<i64>> {
                // A feed being polled is due again only when its lease expires.
                sqlx::query_scalar(
                    "SELECT MIN(COALESCE(lease_until, next_poll_at)) FROM feeds \
                     WHERE next_poll_at IS NOT NULL AND enabled = 1",
                )
                .fetch_one(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)
            }

            async fn finish_poll(&self, business_id: BusinessId, poll: &$crate::storage::PollRecord) -> StoreResult<bool> {
                let query = sqlx::query(sql::FINISH_POLL)
                    .bind(poll.error.as_deref())
                    .bind(poll.finished_at)
                    .bind(poll.started_at)
                    .bind(poll.next_poll_at)
                    .bind(poll.cursor.as_deref())
                    .bind(&poll.log)
                    .bind(business_id)
                    .bind(poll.feed_id)
                    .bind(poll.lease_token);
                Ok(self.write_one(query).await? > 0)
            }

            async fn request_sync(
                &self,
                business_id: BusinessId,
                account_id: i64,
                now: i64,
            ) -> StoreResult<Vec<Feed>> {
                let rows: Vec<sql::FeedRow> = sqlx::query_as(&format!(
                    // Concurrent requests may reach the database out of order: keep the latest.
                    "UPDATE feeds SET sync_requested_at = CASE WHEN sync_requested_at IS NULL \
                     OR sync_requested_at < $1 THEN $1 ELSE sync_requested_at END \
                     WHERE business_id = $2 AND account_id = $3 \
                     AND enabled = 1 AND next_poll_at IS NOT NULL RETURNING {}",
                    sql::FEED_COLUMNS
                ))
                .bind(now)
                .bind(business_id)
                .bind(account_id)
                .fetch_all(self.write_pool())
                .await
                .map_err(StoreError::from_sqlx)?;
                rows.into_iter().map(Feed::try_from).collect()
            }

            async fn unattempted_deliveries(
                &self,
                business_id: BusinessId,
                account_id: i64,
                since: i64,
            ) -> StoreResult<i64> {
                sqlx::query_scalar(sql::UNATTEMPTED_DELIVERIES)
                    .bind(business_id)
                    .bind(account_id)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)
            }

            async fn record_feed_health(
                &self,
                business_id: BusinessId,
                feed_id: i64,
                error: Option<&str>,
            ) -> StoreResult<()> {
                let query = match error {
                    None => sqlx::query(
                        "UPDATE feeds SET last_success_at = $1, consecutive_failures = 0 \
                         WHERE business_id = $2 AND id = $3",
                    )
                    .bind(now_ms()),
                    Some(error) => sqlx::query(
                        "UPDATE feeds SET last_error = $1, last_error_at = $2, \
                         consecutive_failures = consecutive_failures + 1 WHERE business_id = $3 AND id = $4",
                    )
                    .bind(error)
                    .bind(now_ms()),
                };
                self.write_one(query.bind(business_id).bind(feed_id)).await?;
                Ok(())
            }

            async fn add_unparsed(
                &self,
                business_id: BusinessId,
                feed: &Feed,
                sender: &str,
                body: &str,
                reason: &str,
            ) -> StoreResult<UnparsedText> {
                let row: sql::UnparsedRow = sqlx::query_as(&format!(
                    "INSERT INTO unparsed_texts (business_id, account_id, feed_id, sender, body, reason, received_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {}",
                    sql::UNPARSED_COLUMNS
                ))
                .bind(business_id)
                .bind(feed.account_id)
                .bind(feed.id)
                .bind(sender)
                .bind(body)
                .bind(reason)
                .bind(now_ms())
                .fetch_one(self.write_pool())
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(row.into())
            }

            async fn list_unparsed(
                &self,
                business_id: BusinessId,
                account_id: Option<i64>,
                limit: i64,
            ) -> StoreResult<Vec<UnparsedText>> {
                let rows: Vec<sql::UnparsedRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM unparsed_texts WHERE business_id = $1 \
                     AND ($2 IS NULL OR account_id = $2) ORDER BY id DESC LIMIT $3",
                    sql::UNPARSED_COLUMNS
                ))
                .bind(business_id)
                .bind(account_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn resolve_unparsed(&self, business_id: BusinessId, ids: &[i64]) -> StoreResult<u64> {
                let mut done = 0;
                for chunk in ids.chunks(sql::INSERT_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::new("DELETE FROM unparsed_texts WHERE business_id = ");
                    qb.push_bind(business_id).push(" AND id IN (");
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(")");
                    done += qb.build().execute(self.write_pool()).await.map_err(StoreError::from_sqlx)?.rows_affected();
                }
                Ok(done)
            }

            async fn set_unparsed_reason(&self, business_id: BusinessId, id: i64, reason: &str) -> StoreResult<()> {
                let query = sqlx::query("UPDATE unparsed_texts SET reason = $1 WHERE business_id = $2 AND id = $3")
                    .bind(reason)
                    .bind(business_id)
                    .bind(id);
                self.write_one(query).await?;
                Ok(())
            }

            async fn add_account(
                &self,
                business_id: BusinessId,
                account: &NewBankAccount,
            ) -> StoreResult<BankAccount> {
                let mut tx = self.begin_write().await?;
                let row: sql::AccountRow = sqlx::query_as(&format!(
                    "INSERT INTO bank_accounts (business_id, bank_bin, account_number, account_name, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING {}",
                    sql::ACCOUNT_COLUMNS
                ))
                .bind(business_id)
                .bind(i64::from(account.bank_bin))
                .bind(account.account_number.as_str())
                .bind(account.account_name.as_deref())
                .bind(now_ms())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| {
                    sql::conflict_or(e, || {
                        format!(
                            "the business already has account number {}",
                            account.account_number.as_str()
                        )
                    })
                })?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(row.into())
            }

            async fn list_accounts(&self, business_id: BusinessId) -> StoreResult<Vec<BankAccount>> {
                let rows: Vec<sql::AccountRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM bank_accounts WHERE business_id = $1 ORDER BY id",
                    sql::ACCOUNT_COLUMNS
                ))
                .bind(business_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn get_account(
                &self,
                business_id: BusinessId,
                account_id: i64,
            ) -> StoreResult<Option<BankAccount>> {
                let row: Option<sql::AccountRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM bank_accounts WHERE business_id = $1 AND id = $2",
                    sql::ACCOUNT_COLUMNS
                ))
                .bind(business_id)
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(row.map(Into::into))
            }

            async fn find_account(
                &self,
                business_id: BusinessId,
                account_number: &str,
            ) -> StoreResult<Option<BankAccount>> {
                let row: Option<sql::AccountRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM bank_accounts WHERE business_id = $1 AND account_number = $2",
                    sql::ACCOUNT_COLUMNS
                ))
                .bind(business_id)
                .bind(account_number)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(row.map(Into::into))
            }

            async fn find_accounts_by_number(&self, account_number: &str) -> StoreResult<Vec<BankAccount>> {
                let rows: Vec<sql::AccountRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM bank_accounts WHERE account_number = $1 ORDER BY id",
                    sql::ACCOUNT_COLUMNS
                ))
                .bind(account_number)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn account_totals(
                &self,
                business_id: BusinessId,
                account_id: i64,
            ) -> StoreResult<AccountTotals> {
                let row = sqlx::query_as(sql::ACCOUNT_TOTALS)
                    .bind(business_id)
                    .bind(account_id)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                Ok(sql::account_totals(row))
            }

            async fn ingest(
                &self,
                requests: &[$crate::storage::IngestRequest<'_>],
            ) -> StoreResult<Vec<$crate::storage::Ingested>> {
                use std::collections::{BTreeMap, HashMap};
                use $crate::domain::time::vn_day;
                use $crate::domain::IngestOutcome;
                use $crate::storage::plan::{self, Decision, Target};
                let now = now_ms();
                let keys: Vec<Vec<String>> = requests
                    .iter()
                    .map(|r| r.transactions.iter().map(NewTransaction::dedup_key).collect())
                    .collect();
                // Each account's rows, in arrival order, as (request, position) pairs.
                let mut by_account: BTreeMap<(BusinessId, i64), Vec<(usize, usize)>> = BTreeMap::new();
                for (i, r) in requests.iter().enumerate() {
                    let rows = by_account.entry((r.business_id, r.account_id)).or_default();
                    rows.extend((0..r.transactions.len()).map(|j| (i, j)));
                }
                let mut tx = self.begin_write().await?;
                if self.backend() == $crate::storage::Backend::Postgres {
                    // In a fixed order, so that concurrent batches cannot deadlock.
                    for (business_id, account_id) in by_account.keys() {
                        sqlx::query(sql::LOCK_ACCOUNT_PG)
                            .bind(*business_id)
                            .bind(*account_id)
                            .execute(&mut *tx)
                            .await
                            .map_err(StoreError::from_sqlx)?;
                    }
                }
                // Decide every row before writing any: repeats, merges, new transactions.
                let mut plans = Vec::with_capacity(by_account.len());
                for ((business_id, account_id), positions) in by_account {
                    let rows: Vec<(&NewTransaction, &str)> = positions
                        .iter()
                        .map(|&(i, j)| (&requests[i].transactions[j], keys[i][j].as_str()))
                        .collect();
                    let all: Vec<&str> = rows.iter().map(|(_, k)| *k).collect();
                    let mut known = Self::find_keys(&mut tx, sql::FIND_ALIASES, business_id, account_id, &all).await?;
                    let candidates = Self::candidates(&mut tx, business_id, account_id, &rows, &known).await?;
                    let near = sql::keys_near(&rows, &known, &candidates);
                    known.extend(Self::find_keys(&mut tx, sql::FIND_BY_DEDUP_KEYS, business_id, account_id, &near).await?);
                    plans.push((business_id, account_id, positions, plan::plan(&rows, &known, candidates)));
                }
                // Insert the new transactions; (account, key) -> id of those inserted.
                let news: Vec<(BusinessId, i64, &$crate::domain::dedup::Reported, &String)> = plans
                    .iter()
                    .flat_map(|(b, a, _, p)| p.new.iter().map(move |(r, k)| (*b, *a, r, k)))
                    .collect();
                let mut inserted: HashMap<(i64, String), i64> = HashMap::new();
                for chunk in news.chunks(sql::INSERT_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::new(sql::INSERT_TRANSACTIONS_HEAD);
                    qb.push_values(chunk, |mut b, (business_id, account_id, r, key)| {
                        let t = &r.fields;
                        b.push_bind(*business_id)
                            .push_bind(*account_id)
                            .push_bind(t.amount)
                            .push_bind(t.booked_at)
                            .push_bind(&t.description)
                            .push_bind(&t.reference)
                            .push_bind(t.running_balance)
                            .push_bind(&t.counterparty_name)
                            .push_bind(&t.counterparty_account)
                            .push_bind(&t.counterparty_bank_id)
                            .push_bind(&t.counterparty_bank)
                            .push_bind(&t.virtual_account)
                            .push_bind(&t.virtual_account_name)
                            .push_bind(&t.payment_channel)
                            .push_bind(&t.source)
                            .push_bind(&t.raw)
                            .push_bind(*key)
                            .push_bind(r.merged_sources())
                            .push_bind(now);
                    });
                    qb.push(sql::INSERT_TRANSACTIONS_TAIL);
                    let returned: Vec<(i64, i64, String)> = qb
                        .build_query_as()
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                    for (id, account_id, key) in returned {
                        inserted.insert((account_id, key), id);
                    }
                }
                let mut outcomes: Vec<Vec<IngestOutcome>> =
                    requests.iter().map(|r| Vec::with_capacity(r.transactions.len())).collect();
                let mut merged: Vec<Vec<(i64, NewTransaction)>> = vec![Vec::new(); requests.len()];
                let mut days: BTreeMap<(BusinessId, i64, i64), sql::DayTotals> = BTreeMap::new();
                let mut balances: BTreeMap<(BusinessId, i64), (i64, i64)> = BTreeMap::new();
                let mut aliases: Vec<(BusinessId, i64, &str, i64)> = Vec::new();
                // Credits to match to payment requests, per account: new transactions and
                // those a report enriched (a longer memo may now name an order).
                let mut credits: BTreeMap<(BusinessId, i64), Vec<$crate::payments::matching::Credit<'_>>> = BTreeMap::new();
                for (business_id, account_id, positions, plan) in &plans {
                    // A new transaction not inserted was stored before under its own key (outside
                    // the candidates' window): it is that one.
                    let missing: Vec<&str> = plan
                        .new
                        .iter()
                        .map(|(_, k)| k.as_str())
                        .filter(|k| !inserted.contains_key(&(*account_id, k.to_string())))
                        .collect();
                    let existing = Self::find_keys(&mut tx, sql::FIND_BY_DEDUP_KEYS, *business_id, *account_id, &missing).await?;
                    let new_ids = plan
                        .new
                        .iter()
                        .map(|(_, key)| {
                            inserted
                                .get(&(*account_id, key.clone()))
                                .map(|&id| (id, true))
                                .or_else(|| existing.get(key).map(|&id| (id, false)))
                                .ok_or_else(|| StoreError::Conflict("a transaction of the batch vanished while it was stored; retry".into()))
                        })
                        .collect::<StoreResult<Vec<(i64, bool)>>>()?;
                    let id_of = |target: Target| match target {
                        Target::Stored(id) => id,
                        Target::New(n) => new_ids[n].0,
                    };
                    let mut placed = vec![false; plan.new.len()];
                    for (&(i, _), decision) in positions.iter().zip(&plan.decisions) {
                        let outcome = match *decision {
                            Decision::Create(n) => {
                                let (id, fresh) = new_ids[n];
                                // Only the first row of a key inserted in this call creates it.
                                let created = fresh && !std::mem::replace(&mut placed[n], true);
                                if created && plan.new[n].0.has_merged() {
                                    merged[i].push((id, plan.new[n].0.fields.clone()));
                                }
                                IngestOutcome { id, created, enriched: false }
                            }
                            Decision::Same { target, enriched } => IngestOutcome { id: id_of(target), created: false, enriched },
                        };
                        outcomes[i].push(outcome);
                    }
                    let account_credits = credits.entry((*business_id, *account_id)).or_default();
                    use $crate::payments::matching::Credit;
                    for c in plan.candidates.iter().filter(|c| c.changed && c.reported.fields.amount > 0) {
                        account_credits.push(Credit::of(c.id, &c.reported.fields));
                    }
                    for ((reported, _), &(id, fresh)) in plan.new.iter().zip(&new_ids) {
                        if !fresh {
                            continue;
                        }
                        let t = &reported.fields;
                        if t.amount > 0 {
                            account_credits.push(Credit::of(id, t));
                        }
                        days.entry((*business_id, *account_id, vn_day(t.booked_at))).or_default().count_in(t.amount);
                        if let Some(balance) = t.running_balance {
                            let newest = balances.entry((*business_id, *account_id)).or_insert((t.booked_at, balance));
                            if t.booked_at >= newest.0 {
                                *newest = (t.booked_at, balance);
                            }
                        }
                    }
                    for c in plan.candidates.iter().filter(|c| c.changed) {
                        let t = &c.reported.fields;
                        sqlx::query(sql::MERGE_TRANSACTION)
                            .bind(t.booked_at)
                            .bind(&t.description)
                            .bind(&t.reference)
                            .bind(t.running_balance)
                            .bind(&t.counterparty_name)
                            .bind(&t.counterparty_account)
                            .bind(&t.counterparty_bank_id)
                            .bind(&t.counterparty_bank)
                            .bind(&t.virtual_account)
                            .bind(&t.virtual_account_name)
                            .bind(&t.payment_channel)
                            .bind(c.reported.merged_sources())
                            .bind(*business_id)
                            .bind(c.id)
                            .execute(&mut *tx)
                            .await
                            .map_err(StoreError::from_sqlx)?;
                    }
                    aliases.extend(plan.aliases.iter().map(|(key, target)| (*business_id, *account_id, key.as_str(), id_of(*target))));
                }
                for chunk in aliases.chunks(sql::INSERT_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::new(sql::INSERT_ALIASES_HEAD);
                    qb.push_values(chunk, |mut b, (business_id, account_id, key, id)| {
                        b.push_bind(*business_id).push_bind(*account_id).push_bind(*key).push_bind(*id);
                    });
                    qb.push(sql::INSERT_ALIASES_TAIL);
                    qb.build().execute(&mut *tx).await.map_err(StoreError::from_sqlx)?;
                }
                for ((business_id, account_id, day), d) in &days {
                    sqlx::query(sql::ADD_DAILY_TOTAL)
                        .bind(*business_id)
                        .bind(*account_id)
                        .bind(*day)
                        .bind(d.count)
                        .bind(d.credit_count)
                        .bind(d.credit_amount)
                        .bind(d.debit_count)
                        .bind(d.debit_amount)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                }
                // The outbox, per business: (transaction id) -> (request, lease).
                let mut created: BTreeMap<BusinessId, Vec<(i64, Option<i64>)>> = BTreeMap::new();
                let mut request_of: HashMap<i64, usize> = HashMap::new();
                for (i, (r, outs)) in requests.iter().zip(&outcomes).enumerate() {
                    for o in outs.iter().filter(|o| o.created) {
                        created.entry(r.business_id).or_default().push((o.id, r.lease_until));
                        request_of.insert(o.id, i);
                    }
                }
                let mut deliveries: Vec<Vec<Delivery>> = vec![Vec::new(); requests.len()];
                for (business_id, ids) in created {
                    // Requests with and without a lease are enqueued separately.
                    let mut by_lease: BTreeMap<Option<i64>, Vec<i64>> = BTreeMap::new();
                    for (id, lease) in ids {
                        by_lease.entry(lease).or_default().push(id);
                    }
                    for (lease_until, ids) in by_lease {
                        for chunk in ids.chunks(sql::INSERT_CHUNK) {
                            let mut qb = sqlx::QueryBuilder::new(sql::ENQUEUE_DELIVERIES_HEAD);
                            qb.push_bind(now)
                                .push(", ")
                                .push_bind(lease_until)
                                .push(", '', '', ")
                                .push_bind(now)
                                .push(", ")
                                .push_bind(now)
                                // `+`: look the new rows up by primary key (see transactions_by_ids_sql).
                                .push(" FROM transactions t JOIN webhooks w ON w.business_id = t.business_id WHERE +t.business_id = ")
                                .push_bind(business_id)
                                .push(" AND t.id IN (");
                            let mut list = qb.separated(", ");
                            for id in chunk {
                                list.push_bind(*id);
                            }
                            qb.push(sql::ENQUEUE_DELIVERIES_TAIL).push(sql::DELIVERY_COLUMNS);
                            let rows: Vec<sql::DeliveryRow> =
                                qb.build_query_as().fetch_all(&mut *tx).await.map_err(StoreError::from_sqlx)?;
                            for d in rows.into_iter().map(Delivery::from) {
                                if let Some(&i) = d.transaction_id.and_then(|t| request_of.get(&t)) {
                                    deliveries[i].push(d);
                                }
                            }
                        }
                    }
                }
                // Payment requests paid by the credits; their events' deliveries go with the
                // account's first request (and its lease).
                let mut payment_events = vec![Vec::new(); requests.len()];
                for ((business_id, account_id), mut account_credits) in credits {
                    let Some(i) = requests.iter().position(|r| r.business_id == business_id && r.account_id == account_id) else {
                        continue;
                    };
                    let lease = requests[i].lease_until;
                    payment_events[i] = Self::settle(&mut tx, business_id, account_id, &mut account_credits, now, lease).await?;
                }
                for ((business_id, account_id), (booked_at, balance)) in &balances {
                    sqlx::query(sql::UPDATE_BALANCE)
                        .bind(*balance)
                        .bind(*booked_at)
                        .bind(*business_id)
                        .bind(*account_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                }
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(outcomes
                    .into_iter()
                    .zip(deliveries)
                    .zip(merged)
                    .zip(payment_events)
                    .map(|(((outcomes, deliveries), merged), payment_events)| $crate::storage::Ingested { outcomes, deliveries, merged, payment_events })
                    .collect())
            }

            async fn create_payment_request(
                &self,
                business_id: BusinessId,
                new: &$crate::domain::payment::NewPaymentRequest,
                now: i64,
            ) -> StoreResult<($crate::domain::payment::PaymentRequest, bool)> {
                let inserted: Option<sql::PaymentRow> = sqlx::query_as(&format!(
                    "INSERT INTO payment_requests (business_id, account_id, code, amount, paid_amount, \
                     status, description, return_url, metadata, idempotency_key, request_digest, \
                     expires_at, created_at, public_id, tolerance, code_head) \
                     SELECT $1, a.id, $3, $4, 0, 'pending', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 \
                     FROM bank_accounts a WHERE a.business_id = $1 AND a.id = $2 \
                     ON CONFLICT (business_id, idempotency_key) DO NOTHING RETURNING {}",
                    sql::PAYMENT_COLUMNS
                ))
                .bind(business_id)
                .bind(new.account_id)
                .bind(&new.code)
                .bind(new.amount)
                .bind(&new.description)
                .bind(&new.return_url)
                .bind(&new.metadata)
                .bind(new.idempotency_key.as_deref())
                .bind(&new.request_digest)
                .bind(new.expires_at)
                .bind(now)
                .bind(&new.public_id)
                .bind(new.tolerance)
                .bind($crate::storage::settle::code_head(&new.code))
                .fetch_optional(self.write_pool())
                .await
                .map_err(|e| sql::conflict_or(e, || format!("the order code {} is already used", new.code)))?;
                if let Some(row) = inserted {
                    return Ok((row.try_into()?, true));
                }
                let Some(key) = new.idempotency_key.as_deref() else {
                    return Err(StoreError::Conflict(format!("bank account {} is not an account of this business", new.account_id)));
                };
                let row: Option<(String, i64)> = sqlx::query_as(
                    "SELECT request_digest, id FROM payment_requests WHERE business_id = $1 AND idempotency_key = $2",
                )
                .bind(business_id)
                .bind(key)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                match row {
                    Some((digest, id)) if digest == new.request_digest => {
                        let found = self.get_payment_request(business_id, id).await?;
                        found
                            .map(|r| (r, false))
                            .ok_or_else(|| StoreError::Conflict("the request vanished; retry".into()))
                    }
                    Some(_) => Err(StoreError::Conflict(
                        "this Idempotency-Key was used for a different payment request".into(),
                    )),
                    None => Err(StoreError::Conflict(format!("bank account {} is not an account of this business", new.account_id))),
                }
            }

            async fn get_payment_request(
                &self,
                business_id: BusinessId,
                id: i64,
            ) -> StoreResult<Option<$crate::domain::payment::PaymentRequest>> {
                let row: Option<sql::PaymentRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM payment_requests WHERE business_id = $1 AND id = $2",
                    sql::PAYMENT_COLUMNS
                ))
                .bind(business_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                row.map(TryInto::try_into).transpose()
            }

            async fn list_payment_requests(
                &self,
                business_id: BusinessId,
                query: &$crate::storage::PaymentQuery,
            ) -> StoreResult<(Vec<$crate::domain::payment::PaymentRequest>, i64)> {
                let filter = |qb: &mut sqlx::QueryBuilder<'_, $db>| {
                    qb.push_bind(business_id)
                        .push(" AND created_at >= ")
                        .push_bind(query.from)
                        .push(" AND created_at < ")
                        .push_bind(query.to);
                    if let Some(status) = query.status {
                        sql::push_status_filter(qb, status, query.now);
                    }
                };
                let mut count = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM payment_requests WHERE business_id = ");
                filter(&mut count);
                let (total,): (i64,) = count
                    .build_query_as()
                    .fetch_one(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                let mut page = sqlx::QueryBuilder::new(format!(
                    "SELECT {} FROM payment_requests WHERE business_id = ",
                    sql::PAYMENT_COLUMNS
                ));
                filter(&mut page);
                page.push(" ORDER BY created_at DESC, id DESC LIMIT ")
                    .push_bind(query.limit)
                    .push(" OFFSET ")
                    .push_bind(query.offset);
                let rows: Vec<sql::PaymentRow> = page
                    .build_query_as()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                let requests = rows
                    .into_iter()
                    .map(TryInto::try_into)
                    .collect::<StoreResult<Vec<_>>>()?;
                Ok((requests, total))
            }

            async fn cancel_payment_request(
                &self,
                business_id: BusinessId,
                id: i64,
                now: i64,
            ) -> StoreResult<Option<$crate::domain::payment::PaymentRequest>> {
                use $crate::payments::matching::EventKind;
                let mut tx = self.begin_write().await?;
                let row: Option<sql::PaymentRow> = sqlx::query_as(&format!(
                    "UPDATE payment_requests SET status = 'cancelled', cancelled_at = $3 \
                     WHERE business_id = $1 AND id = $2 AND status IN ('pending', 'underpaid') \
                     RETURNING {}",
                    sql::PAYMENT_COLUMNS
                ))
                .bind(business_id)
                .bind(id)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                let Some(row) = row else { return Ok(None) };
                let cancelled: $crate::domain::payment::PaymentRequest = row.try_into()?;
                let event = $crate::storage::settle::NewEvent {
                    request_id: cancelled.id,
                    account_id: cancelled.account_id,
                    kind: EventKind::Cancelled,
                    data: $crate::payments::events::render(&cancelled, None, now),
                };
                Self::raise(&mut tx, business_id, &[event], now, None).await?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(Some(cancelled))
            }

            async fn payment_request_by_public_id(
                &self,
                public_id: &str,
            ) -> StoreResult<Option<$crate::domain::payment::PaymentRequest>> {
                let row: Option<sql::PaymentRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM payment_requests WHERE public_id = $1",
                    sql::PAYMENT_COLUMNS
                ))
                .bind(public_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                row.map(TryInto::try_into).transpose()
            }

            async fn list_payment_links(
                &self,
                business_id: BusinessId,
                payment_request_id: i64,
            ) -> StoreResult<Vec<$crate::domain::payment::PaymentLink>> {
                let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
                    "SELECT transaction_id, amount, late FROM payment_links \
                     WHERE business_id = $1 AND payment_request_id = $2 ORDER BY created_at, transaction_id",
                )
                .bind(business_id)
                .bind(payment_request_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(rows
                    .into_iter()
                    .map(|(transaction_id, amount, late)| $crate::domain::payment::PaymentLink {
                        transaction_id,
                        amount,
                        late: late != 0,
                    })
                    .collect())
            }

            async fn get_payment_events(
                &self,
                business_id: BusinessId,
                ids: &[i64],
            ) -> StoreResult<Vec<$crate::domain::payment::PaymentEvent>> {
                let mut events = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(sql::INSERT_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::new(format!(
                        "SELECT {} FROM payment_events WHERE business_id = ",
                        $crate::storage::settle::EVENT_COLUMNS
                    ));
                    qb.push_bind(business_id).push(" AND id IN (");
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(")");
                    let rows: Vec<$crate::storage::settle::EventRow> = qb
                        .build_query_as()
                        .fetch_all(&self.pool)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                    events.extend(rows.into_iter().map(Into::into));
                }
                Ok(events)
            }

            async fn hit_rate_limit(&self, key: &str, window_start: i64) -> StoreResult<i64> {
                let (hits,): (i64,) = sqlx::query_as(
                    "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1) \
                     ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
                     RETURNING hits",
                )
                .bind(key)
                .bind(window_start)
                .fetch_one(self.write_pool())
                .await
                .map_err(StoreError::from_sqlx)?;
                if hits == 1 {
                    let forget = sqlx::query("DELETE FROM rate_limits WHERE key = $1 AND window_start < $2")
                        .bind(key)
                        .bind(window_start);
                    self.write_one(forget).await?;
                }
                Ok(hits)
            }

            async fn rate_limit_hits(&self, key: &str, window_start: i64) -> StoreResult<i64> {
                let hits: Option<i64> = sqlx::query_scalar(
                    "SELECT hits FROM rate_limits WHERE key = $1 AND window_start = $2",
                )
                .bind(key)
                .bind(window_start)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(hits.unwrap_or(0))
            }

            async fn outbox_stats(&self, now: i64) -> StoreResult<(i64, Option<i64>)> {
                // Operator figures across businesses (no tenant's data leaves them).
                sqlx::query_as(
                    "SELECT COUNT(*), MIN(CASE WHEN next_attempt_at <= $1 THEN next_attempt_at END) \
                     FROM deliveries WHERE status = 'pending'",
                )
                .bind(now)
                .fetch_one(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)
            }

            async fn feed_health(&self) -> StoreResult<Vec<(String, bool, bool, i64)>> {
                let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
                    "SELECT kind, enabled, CAST(CASE WHEN consecutive_failures > 0 THEN 1 ELSE 0 END AS BIGINT), \
                     COUNT(*) FROM feeds GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
                )
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(rows
                    .into_iter()
                    .map(|(kind, enabled, failing, n)| (kind, enabled != 0, failing != 0, n))
                    .collect())
            }

            async fn listen_outbox(&self, woken: &(dyn Fn() + Send + Sync)) -> StoreResult<()> {
                self.listen_outbox_here(woken).await
            }

            async fn expire_payment_requests(&self, now: i64, limit: i64) -> StoreResult<(u64, u64)> {
                use $crate::payments::matching::EventKind;
                let mut tx = self.begin_write().await?;
                let lock = if self.backend() == $crate::storage::Backend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
                let rows: Vec<sql::PaymentRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM payment_requests WHERE expiry_notified = 0 \
                     AND status IN ('pending', 'underpaid') AND expires_at <= $1 \
                     ORDER BY expires_at, id LIMIT $2{lock}",
                    sql::PAYMENT_COLUMNS
                ))
                .bind(now)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                let expired = rows
                    .into_iter()
                    .map(TryInto::try_into)
                    .collect::<StoreResult<Vec<$crate::domain::payment::PaymentRequest>>>()?;
                let mut enqueued = 0;
                for r in &expired {
                    sqlx::query("UPDATE payment_requests SET expiry_notified = 1 WHERE business_id = $1 AND id = $2")
                        .bind(r.business_id)
                        .bind(r.id)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                    let event = $crate::storage::settle::NewEvent {
                        request_id: r.id,
                        account_id: r.account_id,
                        kind: EventKind::Expired,
                        data: $crate::payments::events::render(r, None, now),
                    };
                    enqueued += Self::raise(&mut tx, r.business_id, &[event], now, None).await?.len() as u64;
                }
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok((expired.len() as u64, enqueued))
            }

            async fn create_webhook(
                &self,
                business_id: BusinessId,
                spec: &WebhookSpec,
                disabled: Option<&str>,
            ) -> StoreResult<Webhook> {
                let now = now_ms();
                let mut tx = self.begin_write().await?;
                let row: sql::WebhookRow = sqlx::query_as(&format!(
                    "INSERT INTO webhooks (business_id, url, secure_token, income_only, format, secret, \
                     all_accounts, enabled, disabled_reason, failing_since, created_at, updated_at, \
                     transaction_events, payment_events) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $11, $12, NULL, $8, $8, $9, $10) RETURNING {}",
                    sql::WEBHOOK_COLUMNS
                ))
                .bind(business_id)
                .bind(spec.url.as_str())
                .bind(&spec.secure_token)
                .bind(i64::from(spec.income_only))
                .bind(spec.format.as_str())
                .bind(&spec.secret)
                .bind(i64::from(spec.account_ids.is_none()))
                .bind(now)
                .bind(i64::from(spec.events.transactions))
                .bind(i64::from(spec.events.payments))
                .bind(i64::from(disabled.is_none()))
                .bind(disabled.unwrap_or(""))
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                let restrictions = Self::restrict_webhook(&mut tx, business_id, row.id, spec).await?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                row.into_webhook(&restrictions)
            }

            async fn get_webhook(&self, business_id: BusinessId, id: i64) -> StoreResult<Option<Webhook>> {
                let row: Option<sql::WebhookRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM webhooks WHERE business_id = $1 AND id = $2",
                    sql::WEBHOOK_COLUMNS
                ))
                .bind(business_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                let Some(row) = row else { return Ok(None) };
                let restrictions: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT webhook_id, account_id FROM webhook_accounts WHERE business_id = $1 AND webhook_id = $2 ORDER BY account_id",
                )
                .bind(business_id)
                .bind(id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                row.into_webhook(&restrictions).map(Some)
            }

            async fn list_webhooks(&self, business_id: BusinessId) -> StoreResult<Vec<Webhook>> {
                let rows: Vec<sql::WebhookRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM webhooks WHERE business_id = $1 ORDER BY id",
                    sql::WEBHOOK_COLUMNS
                ))
                .bind(business_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                let restrictions: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT webhook_id, account_id FROM webhook_accounts WHERE business_id = $1 ORDER BY account_id",
                )
                .bind(business_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                rows.into_iter().map(|r| r.into_webhook(&restrictions)).collect()
            }

            async fn update_webhook(
                &self,
                business_id: BusinessId,
                id: i64,
                spec: &WebhookSpec,
                disabled: Option<&str>,
            ) -> StoreResult<Option<Webhook>> {
                let mut tx = self.begin_write().await?;
                let row: Option<sql::WebhookRow> = sqlx::query_as(&format!(
                    "UPDATE webhooks SET url = $1, secure_token = $2, income_only = $3, format = $4, \
                     secret = $5, all_accounts = $6, enabled = $12, disabled_reason = $13, \
                     failing_since = CASE WHEN $12 = 1 THEN NULL ELSE failing_since END, \
                     updated_at = $7, transaction_events = $10, \
                     payment_events = $11 \
                     WHERE business_id = $8 AND id = $9 RETURNING {}",
                    sql::WEBHOOK_COLUMNS
                ))
                .bind(spec.url.as_str())
                .bind(&spec.secure_token)
                .bind(i64::from(spec.income_only))
                .bind(spec.format.as_str())
                .bind(&spec.secret)
                .bind(i64::from(spec.account_ids.is_none()))
                .bind(now_ms())
                .bind(business_id)
                .bind(id)
                .bind(i64::from(spec.events.transactions))
                .bind(i64::from(spec.events.payments))
                .bind(i64::from(disabled.is_none()))
                .bind(disabled.unwrap_or(""))
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                let Some(row) = row else { return Ok(None) };
                sqlx::query("DELETE FROM webhook_accounts WHERE business_id = $1 AND webhook_id = $2")
                    .bind(business_id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                let restrictions = Self::restrict_webhook(&mut tx, business_id, id, spec).await?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                row.into_webhook(&restrictions).map(Some)
            }

            async fn delete_webhook(&self, business_id: BusinessId, id: i64) -> StoreResult<bool> {
                let query = sqlx::query("DELETE FROM webhooks WHERE business_id = $1 AND id = $2")
                    .bind(business_id)
                    .bind(id);
                Ok(self.write_one(query).await? > 0)
            }

            async fn delete_webhooks_by_url(&self, business_id: BusinessId, url: &str) -> StoreResult<u64> {
                let query = sqlx::query("DELETE FROM webhooks WHERE business_id = $1 AND url = $2")
                    .bind(business_id)
                    .bind(url);
                self.write_one(query).await
            }

            async fn list_deliveries(
                &self,
                business_id: BusinessId,
                webhook_id: i64,
                before: Option<i64>,
                limit: i64,
            ) -> StoreResult<Vec<Delivery>> {
                let rows: Vec<sql::DeliveryRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM deliveries WHERE business_id = $1 AND webhook_id = $2 AND id < $3 \
                     ORDER BY id DESC LIMIT $4",
                    sql::DELIVERY_COLUMNS
                ))
                .bind(business_id)
                .bind(webhook_id)
                .bind(before.unwrap_or(i64::MAX))
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn claim_deliveries(&self, now: i64, lease_until: i64, limit: i64) -> StoreResult<Vec<Delivery>> {
                let skip_locked = self.backend() == $crate::storage::Backend::Postgres;
                let rows: Vec<sql::DeliveryRow> = sqlx::query_as(&sql::claim_deliveries_sql(skip_locked))
                    .bind(lease_until)
                    .bind(now)
                    .bind(limit)
                    .fetch_all(self.write_pool())
                    .await
                    .map_err(StoreError::from_sqlx)?;
                let mut claimed: Vec<Delivery> = rows.into_iter().map(Into::into).collect();
                claimed.sort_by_key(|d| (d.next_attempt_at, d.id));
                Ok(claimed)
            }

            async fn next_delivery_due(&self) -> StoreResult<Option<i64>> {
                // A claimed delivery is due again only when its lease expires.
                sqlx::query_scalar(
                    "SELECT MIN(COALESCE(lease_until, next_attempt_at)) FROM deliveries WHERE status = 'pending'",
                )
                    .fetch_one(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)
            }

            async fn finish_attempts(&self, attempts: &[$crate::storage::AttemptRecord]) -> StoreResult<()> {
                use $crate::storage::NextStep;
                if attempts.is_empty() {
                    return Ok(());
                }
                let (succeeded, others): (Vec<_>, Vec<_>) =
                    attempts.iter().partition(|a| a.next == NextStep::Succeeded && a.disable.is_none());
                let mut tx = self.begin_write().await?;
                // Successes: one statement per chunk, and each webhook's health once.
                for chunk in succeeded.chunks(sql::INSERT_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::new(sql::FINISH_SUCCEEDED_HEAD);
                    qb.push_values(chunk, |mut b, a| {
                        b.push_bind(a.business_id)
                            .push_bind(a.delivery_id)
                            .push_bind(a.now)
                            .push_bind(a.http_status)
                            .push_bind(a.latency_ms)
                            .push_bind(&a.response_excerpt)
                            .push_bind(&a.request_excerpt);
                    });
                    qb.push(sql::FINISH_SUCCEEDED_TAIL);
                    qb.build().execute(&mut *tx).await.map_err(StoreError::from_sqlx)?;
                }
                let mut healthy: Vec<(BusinessId, i64)> =
                    succeeded.iter().map(|a| (a.business_id, a.webhook_id)).collect();
                healthy.sort_unstable();
                healthy.dedup();
                for (business_id, webhook_id) in healthy {
                    sqlx::query(sql::WEBHOOK_SUCCEEDED)
                        .bind(business_id)
                        .bind(webhook_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                }
                for a in others {
                    let business_id = a.business_id;
                    let (status, next_at) = match a.next {
                        NextStep::Succeeded => ("succeeded", a.now),
                        NextStep::RetryAt(at) => ("pending", at),
                        NextStep::Failed => ("failed", a.now),
                    };
                    sqlx::query(sql::FINISH_ATTEMPT)
                        .bind(status)
                        .bind(next_at)
                        .bind(a.http_status)
                        .bind(&a.error)
                        .bind(a.latency_ms)
                        .bind(&a.response_excerpt)
                        .bind(a.now)
                        .bind(business_id)
                        .bind(a.delivery_id)
                        .bind(&a.request_excerpt)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                    let health = if a.next == NextStep::Succeeded { sql::WEBHOOK_SUCCEEDED } else { sql::WEBHOOK_FAILED };
                    let mut q = sqlx::query(health);
                    if a.next != NextStep::Succeeded {
                        q = q.bind(a.now);
                    }
                    q.bind(business_id)
                        .bind(a.webhook_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                    let disabled = match &a.disable {
                        Some(reason) => sqlx::query(sql::DISABLE_WEBHOOK)
                            .bind(reason)
                            .bind(a.now)
                            .bind(business_id)
                            .bind(a.webhook_id)
                            .execute(&mut *tx)
                            .await,
                        None if a.next == NextStep::Succeeded => Ok(Default::default()),
                        None => sqlx::query(sql::DISABLE_WEBHOOK_IF_FAILING)
                            .bind("every delivery failed for too long")
                            .bind(a.now)
                            .bind(business_id)
                            .bind(a.webhook_id)
                            .bind(a.disable_if_failing_since)
                            .execute(&mut *tx)
                            .await,
                    }
                    .map_err(StoreError::from_sqlx)?;
                    if disabled.rows_affected() > 0 {
                        sqlx::query(sql::FAIL_PENDING_OF_WEBHOOK)
                            .bind("webhook disabled")
                            .bind(a.now)
                            .bind(business_id)
                            .bind(a.webhook_id)
                            .execute(&mut *tx)
                            .await
                            .map_err(StoreError::from_sqlx)?;
                    }
                }
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(())
            }

            async fn enqueue_test_delivery(
                &self,
                business_id: BusinessId,
                webhook_id: i64,
                now: i64,
            ) -> StoreResult<Delivery> {
                let mut tx = self.begin_write().await?;
                let row: sql::DeliveryRow = sqlx::query_as(&format!(
                    "INSERT INTO deliveries (business_id, webhook_id, transaction_id, status, attempts, \
                     next_attempt_at, last_error, response_excerpt, created_at, updated_at) \
                     VALUES ($1, $2, NULL, 'pending', 0, $3, '', '', $3, $3) RETURNING {}",
                    sql::DELIVERY_COLUMNS
                ))
                .bind(business_id)
                .bind(webhook_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(row.into())
            }

            async fn retry_delivery(&self, business_id: BusinessId, id: i64, now: i64) -> StoreResult<Option<Delivery>> {
                let mut tx = self.begin_write().await?;
                let row: Option<sql::DeliveryRow> = sqlx::query_as(&format!(
                    "UPDATE deliveries SET status = 'pending', next_attempt_at = $1, \
                     updated_at = $1 WHERE business_id = $2 AND id = $3 RETURNING {}",
                    sql::DELIVERY_COLUMNS
                ))
                .bind(now)
                .bind(business_id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(row.map(Into::into))
            }

            async fn replay_deliveries(
                &self,
                business_id: BusinessId,
                webhook_id: i64,
                from: i64,
                to: i64,
                now: i64,
            ) -> StoreResult<u64> {
                let mut tx = self.begin_write().await?;
                let mut replayed = 0;
                for statement in [sql::REPLAY_DELIVERIES, sql::REPLAY_EVENTS] {
                    replayed += sqlx::query(statement)
                        .bind(business_id)
                        .bind(webhook_id)
                        .bind(from)
                        .bind(to)
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?
                        .rows_affected();
                }
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(replayed)
            }

            async fn list_transactions(
                &self,
                business_id: BusinessId,
                query: &TransactionQuery,
            ) -> StoreResult<TransactionPage> {
                let by_account = query.account_id.is_some();
                let page_sql = sql::list_transactions_sql(by_account, query.sort == SortOrder::Desc);
                let mut page = sqlx::query_as::<_, sql::TransactionRow>(&page_sql)
                    .bind(business_id)
                    .bind(day_start_ms(query.from_day))
                    .bind(day_start_ms(query.to_day + 1))
                    .bind(query.limit)
                    .bind(query.offset);
                let count_sql = sql::count_transactions_sql(by_account);
                let mut count = sqlx::query_scalar::<_, i64>(&count_sql)
                    .bind(business_id)
                    .bind(query.from_day)
                    .bind(query.to_day);
                if let Some(account_id) = query.account_id {
                    page = page.bind(account_id);
                    count = count.bind(account_id);
                }
                let rows = page.fetch_all(&self.pool).await.map_err(StoreError::from_sqlx)?;
                let total = count.fetch_one(&self.pool).await.map_err(StoreError::from_sqlx)?;
                Ok(TransactionPage {
                    records: rows.into_iter().map(Into::into).collect(),
                    total,
                })
            }

            async fn get_transactions(
                &self,
                business_id: BusinessId,
                ids: &[i64],
            ) -> StoreResult<Vec<Transaction>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let query = sql::transactions_by_ids_sql(ids.len());
                let mut q = sqlx::query_as::<_, sql::TransactionRow>(&query).bind(business_id);
                for id in ids {
                    q = q.bind(id);
                }
                let rows = q.fetch_all(&self.pool).await.map_err(StoreError::from_sqlx)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn get_transaction(
                &self,
                business_id: BusinessId,
                id: i64,
            ) -> StoreResult<Option<Transaction>> {
                let row: Option<sql::TransactionRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM transactions WHERE business_id = $1 AND id = $2",
                    sql::TRANSACTION_COLUMNS
                ))
                .bind(business_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(row.map(Into::into))
            }

            async fn search_transactions(
                &self,
                business_id: BusinessId,
                filter: &$crate::storage::TransactionFilter,
                page: &$crate::storage::SearchPage,
            ) -> StoreResult<Vec<Transaction>> {
                let mut qb = $crate::storage::search::search_query::<$db>(business_id, filter, page);
                let rows: Vec<sql::TransactionRow> = qb
                    .build_query_as()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn count_transactions(
                &self,
                business_id: BusinessId,
                filter: &$crate::storage::TransactionFilter,
            ) -> StoreResult<i64> {
                let mut qb = $crate::storage::search::count_query::<$db>(business_id, filter);
                qb.build_query_scalar::<i64>()
                    .fetch_one(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)
            }

            async fn daily_flows(
                &self,
                business_id: BusinessId,
                from_day: i64,
                to_day: i64,
            ) -> StoreResult<Vec<$crate::storage::DailyFlow>> {
                let rows: Vec<(i64, i64, i64, i64, i64)> =
                    sqlx::query_as($crate::storage::search::DAILY_FLOWS)
                        .bind(business_id)
                        .bind(from_day)
                        .bind(to_day)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                Ok(rows
                    .into_iter()
                    .map(|r| $crate::storage::DailyFlow {
                        day: r.0,
                        credit_count: r.1,
                        credit_amount: r.2,
                        debit_count: r.3,
                        debit_amount: r.4,
                    })
                    .collect())
            }

            async fn latest_transactions(
                &self,
                business_id: BusinessId,
                after: i64,
                limit: i64,
            ) -> StoreResult<Vec<Transaction>> {
                let rows: Vec<sql::TransactionRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM transactions WHERE business_id = $1 AND id > $2 \
                     ORDER BY id DESC LIMIT $3",
                    sql::TRANSACTION_COLUMNS
                ))
                .bind(business_id)
                .bind(after)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn transaction_deliveries(
                &self,
                business_id: BusinessId,
                transaction_id: i64,
            ) -> StoreResult<Vec<Delivery>> {
                let rows: Vec<sql::DeliveryRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM deliveries WHERE business_id = $1 AND transaction_id = $2 \
                     ORDER BY id",
                    sql::DELIVERY_COLUMNS
                ))
                .bind(business_id)
                .bind(transaction_id)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }
        }
    };
}

pub(super) use impl_store;
