//! Storage: one trait, [`Store`], with a SQLite and a PostgreSQL implementation sharing their SQL.
//!
//! Every query on business-owned rows filters on `business_id` (tenant isolation, and the key a
//! distributed PostgreSQL would shard on). The few operator-level lookups that cannot know the
//! business yet (credential digest, login e-mail, revoking a key by id) say so in their docs.

pub mod backup;
mod group_commit;
pub mod migrate;
pub mod oauth;
mod plan;
mod postgres;
mod search;
mod settle;
mod sql;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::payment::{
    NewPaymentRequest, PaymentEvent, PaymentLink, PaymentRequest, StatusFilter,
};
use crate::domain::session::{NewSession, Session};
use crate::domain::{
    AccountTotals, ApiKeyRecord, BankAccount, Business, BusinessId, Delivery, Email, Feed,
    FeedChange, FeedToken, IngestOutcome, NewBankAccount, NewFeed, NewTransaction, Principal,
    Scopes, Transaction, UnparsedText, User, Webhook, WebhookSpec,
};

pub use group_commit::IngestQueue;
pub use oauth::OAuthStore;
pub use postgres::PgStore;
pub use search::{clean_text as clean_search_text, MAX_SEARCH_TEXT};
pub use sqlite::SqliteStore;

/// Storage failures, classified for callers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken (duplicate e-mail, account number, ...).
    #[error("{0}")]
    Conflict(String),
    /// The database could not be reached or answered with an I/O-level failure.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything else the database reported.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Classifies a driver error: connection-level failures become [`StoreError::Unavailable`].
    pub(crate) fn from_sqlx(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
            other => StoreError::Database(other),
        }
    }
}

/// Result of storage operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// Sort order of transaction listings (by booking time, then id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Oldest first (Casso's default).
    #[default]
    Asc,
    /// Newest first.
    Desc,
}

/// A page request over a business's transactions. Dates are Vietnam-local days (see
/// [`crate::domain::time`]); both ends are inclusive.
#[derive(Debug, Clone)]
pub struct TransactionQuery {
    /// Restrict to one account of the business.
    pub account_id: Option<i64>,
    /// First day included.
    pub from_day: i64,
    /// Last day included.
    pub to_day: i64,
    /// Sort order.
    pub sort: SortOrder,
    /// Rows to skip.
    pub offset: i64,
    /// Rows to return.
    pub limit: i64,
}

/// One page of transactions and the total matching the query.
#[derive(Debug, Clone)]
pub struct TransactionPage {
    /// The rows of this page.
    pub records: Vec<Transaction>,
    /// How many transactions match in all.
    pub total: i64,
}

/// Which way money moved: in (credits, positive amounts) or out (debits, negative amounts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Money in.
    In,
    /// Money out.
    Out,
}

/// Which of a business's transactions a dashboard search selects; every condition is
/// optional (the default selects everything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionFilter {
    /// Text looked for, case-insensitively, in the description, reference, counterparty name
    /// and counterparty account ("" for none).
    pub text: String,
    /// Only this account of the business.
    pub account_id: Option<i64>,
    /// First Vietnam-local day included.
    pub from_day: Option<i64>,
    /// Last Vietnam-local day included.
    pub to_day: Option<i64>,
    /// Only money in or only money out.
    pub direction: Option<Direction>,
}

/// Which page of a search to read, newest first (by booking time, then id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchPage {
    /// Only rows after this `(booked_at, id)` in that order (keyset paging: exports).
    pub before: Option<(i64, i64)>,
    /// Rows skipped.
    pub offset: i64,
    /// Rows at most.
    pub limit: i64,
}

/// Money in and out on one Vietnam-local day, over all of a business's accounts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DailyFlow {
    /// The day (days since 1970-01-01, Vietnam time).
    pub day: i64,
    /// Number of credits.
    pub credit_count: i64,
    /// Sum of credits (VND, positive).
    pub credit_amount: i64,
    /// Number of debits.
    pub debit_count: i64,
    /// Sum of debits (VND, positive).
    pub debit_amount: i64,
}

/// One account's batch for [`Store::ingest`].
#[derive(Debug, Clone, Copy)]
pub struct IngestRequest<'a> {
    /// The business.
    pub business_id: BusinessId,
    /// The account, of that business.
    pub account_id: i64,
    /// Normalized, validated transactions.
    pub transactions: &'a [NewTransaction],
    /// Store the new deliveries claimed until then (by the caller's own worker, which is
    /// handed them directly), or unclaimed when None.
    pub lease_until: Option<i64>,
}

/// Which payment requests a listing shows.
#[derive(Debug, Clone, Copy)]
pub struct PaymentQuery {
    /// Only those with this shown status.
    pub status: Option<StatusFilter>,
    /// Created at or after (ms).
    pub from: i64,
    /// Created before (ms).
    pub to: i64,
    /// What counts as expired.
    pub now: i64,
    /// Rows skipped.
    pub offset: i64,
    /// Rows at most.
    pub limit: i64,
}

/// What [`Store::ingest`] stored for one request.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// One per input transaction, in input order.
    pub outcomes: Vec<IngestOutcome>,
    /// The deliveries enqueued for the new transactions.
    pub deliveries: Vec<Delivery>,
    /// The stored fields of new transactions that took in other reports of the same transfer
    /// in the same call (see [`crate::domain::dedup`]), by id: what their webhooks carry.
    pub merged: Vec<(i64, NewTransaction)>,
    /// Deliveries of the payment events the new transactions raised, with their events
    /// (leased as `deliveries` are).
    pub payment_events: Vec<(Delivery, PaymentEvent)>,
}

/// The outcome of one delivery attempt, as the worker records it.
#[derive(Debug, Clone)]
pub struct AttemptRecord {
    /// The business the delivery belongs to.
    pub business_id: BusinessId,
    /// The delivery.
    pub delivery_id: i64,
    /// Its webhook.
    pub webhook_id: i64,
    /// When the attempt finished (ms).
    pub now: i64,
    /// What happens next.
    pub next: NextStep,
    /// The HTTP status, if the receiver answered.
    pub http_status: Option<i64>,
    /// Why it failed ("" on success).
    pub error: String,
    /// How long it took.
    pub latency_ms: i64,
    /// The start of the response body.
    pub response_excerpt: String,
    /// The start of the request body ("" when nothing was sent).
    pub request_excerpt: String,
    /// Disable the webhook for this reason (410 Gone).
    pub disable: Option<String>,
    /// Disable the webhook if it has been failing since this instant or earlier.
    pub disable_if_failing_since: i64,
}

/// What becomes of a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Delivered.
    Succeeded,
    /// Try again at this instant (ms).
    RetryAt(i64),
    /// No more attempts.
    Failed,
}

/// A finished poll of a pull feed, as the scheduler records it.
#[derive(Debug, Clone)]
pub struct PollRecord {
    /// The feed.
    pub feed_id: i64,
    /// When the poll started (ms).
    pub started_at: i64,
    /// When it finished (ms).
    pub finished_at: i64,
    /// When the feed is due next (ms).
    pub next_poll_at: i64,
    /// The claim the poll ran under ([`Feed::lease_token`]).
    pub lease_token: i64,
    /// The feed's new cursor; None keeps the old one.
    pub cursor: Option<String>,
    /// What the poll printed.
    pub log: String,
    /// Why it failed; None for a success.
    pub error: Option<String>,
}

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Everything tingting persists.
#[async_trait]
pub trait Store: OAuthStore + Send + Sync + 'static {
    /// Which backend this is.
    fn backend(&self) -> Backend;

    /// Checks that the database answers.
    async fn ping(&self) -> StoreResult<()>;

    /// Creates a business and its owner. Fails with `Conflict` when the e-mail is taken.
    async fn create_user(&self, email: &Email, business_name: &str) -> StoreResult<User>;

    /// Finds a user by login e-mail (operator-level: e-mails are unique system-wide).
    async fn find_user_by_email(&self, email: &Email) -> StoreResult<Option<User>>;

    /// A user of a business.
    async fn get_user(&self, business_id: BusinessId, user_id: i64) -> StoreResult<Option<User>>;

    /// A business by id.
    async fn get_business(&self, business_id: BusinessId) -> StoreResult<Option<Business>>;

    /// Stores a new API key's digest for a user of a business.
    async fn create_api_key(
        &self,
        business_id: BusinessId,
        user_id: i64,
        label: &str,
        prefix: &str,
        digest: &str,
        scopes: Option<Scopes>,
    ) -> StoreResult<ApiKeyRecord>;

    /// A user's API keys, newest first, revoked ones included.
    async fn list_api_keys(
        &self,
        business_id: BusinessId,
        user_id: i64,
    ) -> StoreResult<Vec<ApiKeyRecord>>;

    /// Revokes a key by id (operator-level). Returns false when no active key has that id.
    async fn revoke_api_key(&self, key_id: i64) -> StoreResult<bool>;

    /// Revokes one of the business's API keys (the dashboard); false when it has no such
    /// active key.
    async fn revoke_business_api_key(
        &self,
        business_id: BusinessId,
        key_id: i64,
    ) -> StoreResult<bool>;

    /// Gives one of the business's API keys (revoked ones included) a new label; false when it
    /// has no such key.
    async fn relabel_api_key(
        &self,
        business_id: BusinessId,
        key_id: i64,
        label: &str,
    ) -> StoreResult<bool>;

    /// Resolves a presented key's digest to the business and user it acts for
    /// (credential lookup: the business is not known before it).
    async fn authenticate_api_key(&self, digest: &str) -> StoreResult<Option<Principal>>;

    /// A user and their password hash (None until they set one), by login e-mail
    /// (operator-level: the business is not known before login).
    async fn find_login(&self, email: &Email) -> StoreResult<Option<(User, Option<String>)>>;

    /// Sets a user's password hash (an argon2id PHC string) and, in the same transaction, ends
    /// all their sessions and voids their setup link. False when there is no such user.
    async fn set_password(
        &self,
        business_id: BusinessId,
        user_id: i64,
        password_hash: &str,
    ) -> StoreResult<bool>;

    /// Users who have no password yet, oldest first (operator-level: every business).
    async fn users_without_password(&self) -> StoreResult<Vec<User>>;

    /// Stores the digest of a user's one-time setup link, valid until `expires_at` (ms); it
    /// replaces the user's earlier link.
    async fn set_setup_token(
        &self,
        business_id: BusinessId,
        user_id: i64,
        token_hash: &str,
        expires_at: i64,
    ) -> StoreResult<()>;

    /// The user a live setup link is for, by the link token's digest (credential lookup).
    async fn find_setup_user(&self, token_hash: &str, now: i64) -> StoreResult<Option<User>>;

    /// Sets the password of the user a live setup link is for and voids the link (it works
    /// once); ends the user's sessions. None when the link is unknown, used or expired.
    async fn use_setup_token(
        &self,
        token_hash: &str,
        now: i64,
        password_hash: &str,
    ) -> StoreResult<Option<User>>;

    /// Starts a browser session lasting at most [`crate::domain::session::SESSION_MAX_MS`];
    /// deletes the user's sessions that have ended.
    async fn create_session(&self, session: &NewSession<'_>) -> StoreResult<Session>;

    /// The live session whose cookie token has digest `token_hash` (credential lookup): not
    /// past its `expires_at`, used within [`crate::domain::session::SESSION_IDLE_MS`]. Slides
    /// its `last_seen_at` to `now` (at most once a minute, to spare writes).
    async fn find_session(&self, token_hash: &str, now: i64) -> StoreResult<Option<Session>>;

    /// Ends a session (logout). False when it was already gone.
    async fn delete_session(&self, business_id: BusinessId, session_id: i64) -> StoreResult<bool>;

    /// Adds a bank account. Fails with `Conflict` when the business already has that number.
    async fn add_account(
        &self,
        business_id: BusinessId,
        account: &NewBankAccount,
    ) -> StoreResult<BankAccount>;

    /// Adds a feed to an account of the business (only a notification token's digest is
    /// kept); a pull feed is due at once. Fails with `Conflict` when the business has no such
    /// account.
    async fn create_feed(
        &self,
        business_id: BusinessId,
        account_id: i64,
        feed: &NewFeed<'_>,
    ) -> StoreResult<Feed>;

    /// The enabled notification feed a presented token's digest belongs to (credential
    /// lookup: the business is not known before it).
    async fn feed_by_token(&self, digest: &str) -> StoreResult<Option<Feed>>;

    /// The business's feeds (of one account, when given), oldest first.
    async fn list_feeds(
        &self,
        business_id: BusinessId,
        account_id: Option<i64>,
    ) -> StoreResult<Vec<Feed>>;

    /// Turns a feed off: its token stops working, it is no longer polled; its history stays.
    /// The feed as it is now; None when the business (or its account `account_id`, when
    /// given) has no such feed.
    async fn disable_feed(
        &self,
        business_id: BusinessId,
        account_id: Option<i64>,
        feed_id: i64,
    ) -> StoreResult<Option<Feed>>;

    /// Changes a feed of the business (and of its account `account_id`, when given) as
    /// `change` says (checked against the feed by [`FeedChange::of`]). A pull feed turned on,
    /// or given new settings while on, is due at once; one turned off is no longer due. The
    /// feed as it is now; None when there is no such feed.
    async fn update_feed(
        &self,
        business_id: BusinessId,
        account_id: Option<i64>,
        feed_id: i64,
        change: &FeedChange,
    ) -> StoreResult<Option<Feed>>;

    /// Gives an enabled notification feed of the business (and of its account `account_id`,
    /// when given) the new ingest `token`: the old URL stops working at once; the feed keeps
    /// its history and settings. The feed as it is now; None when there is no such enabled
    /// notification feed.
    async fn replace_feed_token(
        &self,
        business_id: BusinessId,
        account_id: Option<i64>,
        feed_id: i64,
        token: &FeedToken,
    ) -> StoreResult<Option<Feed>>;

    /// Claims up to `limit` due pull feeds of any business for a poll until `lease_until`
    /// (operator-level: the scheduler serves every tenant). A claimed feed is not claimed
    /// again, by any instance, before its lease expires or its poll is finished.
    async fn claim_feeds(&self, now: i64, lease_until: i64, limit: i64) -> StoreResult<Vec<Feed>>;

    /// Extends the claim of a feed being polled (a command with a long timeout), if the claim
    /// `lease_token` ([`Feed::lease_token`]) is still the feed's; false when another claim
    /// took the feed over.
    async fn extend_feed_lease(
        &self,
        business_id: BusinessId,
        feed_id: i64,
        lease_token: i64,
        lease_until: i64,
    ) -> StoreResult<bool>;

    /// When the earliest enabled pull feed is due (operator-level), if there is one.
    async fn next_feed_due(&self) -> StoreResult<Option<i64>>;

    /// Records a finished poll: releases the claim, schedules the next poll, keeps the
    /// cursor (when given) and the log, and updates the feed's health; only under the claim
    /// it ran under (false, nothing recorded, when another claim took the feed over).
    async fn finish_poll(&self, business_id: BusinessId, poll: &PollRecord) -> StoreResult<bool>;

    /// Asks for the account's enabled pull feeds to be polled at once; returns them.
    async fn request_sync(
        &self,
        business_id: BusinessId,
        account_id: i64,
        now: i64,
    ) -> StoreResult<Vec<Feed>>;

    /// How many deliveries of the account's transactions, enqueued at `since` or later, have
    /// not had their first attempt yet.
    async fn unattempted_deliveries(
        &self,
        business_id: BusinessId,
        account_id: i64,
        since: i64,
    ) -> StoreResult<i64>;

    /// Records a feed's health: a success (`error` None) clears its failures, a problem
    /// counts one more.
    async fn record_feed_health(
        &self,
        business_id: BusinessId,
        feed_id: i64,
        error: Option<&str>,
    ) -> StoreResult<()>;

    /// Keeps a text a feed could not read, for the owner to see.
    async fn add_unparsed(
        &self,
        business_id: BusinessId,
        feed: &Feed,
        sender: &str,
        body: &str,
        reason: &str,
    ) -> StoreResult<UnparsedText>;

    /// The business's unread texts (of one account, when given), newest first.
    async fn list_unparsed(
        &self,
        business_id: BusinessId,
        account_id: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<UnparsedText>>;

    /// Removes unparsed texts that have been read after all; returns how many.
    async fn resolve_unparsed(&self, business_id: BusinessId, ids: &[i64]) -> StoreResult<u64>;

    /// Records why an unparsed text still cannot be read.
    async fn set_unparsed_reason(
        &self,
        business_id: BusinessId,
        id: i64,
        reason: &str,
    ) -> StoreResult<()>;

    /// The business's accounts, oldest first.
    async fn list_accounts(&self, business_id: BusinessId) -> StoreResult<Vec<BankAccount>>;

    /// One account of the business.
    async fn get_account(
        &self,
        business_id: BusinessId,
        account_id: i64,
    ) -> StoreResult<Option<BankAccount>>;

    /// The business's account with that number.
    async fn find_account(
        &self,
        business_id: BusinessId,
        account_number: &str,
    ) -> StoreResult<Option<BankAccount>>;

    /// Accounts with that number in any business (operator-level, for the CLI's `import`).
    async fn find_accounts_by_number(&self, account_number: &str) -> StoreResult<Vec<BankAccount>>;

    /// Counts and sums over an account's transactions.
    async fn account_totals(
        &self,
        business_id: BusinessId,
        account_id: i64,
    ) -> StoreResult<AccountTotals>;

    /// Stores transactions of one account in one database transaction: new ones are inserted
    /// with their daily totals, the account balance and a pending delivery for every enabled
    /// webhook they match (the outbox); duplicates are reported with the id already stored and
    /// enqueue nothing. Outcomes are in input order.
    /// Several accounts' batches are stored in one database transaction (group commit); the
    /// answers are in request order.
    async fn ingest(&self, requests: &[IngestRequest<'_>]) -> StoreResult<Vec<Ingested>>;

    /// Stores a payment request for an account of the business; with an idempotency key
    /// already used for the same request, answers the stored one instead (`false`). A used
    /// order code, an idempotency key used for another request, or an account of another
    /// business is a conflict.
    async fn create_payment_request(
        &self,
        business_id: BusinessId,
        new: &NewPaymentRequest,
        now: i64,
    ) -> StoreResult<(PaymentRequest, bool)>;

    /// One payment request of the business.
    async fn get_payment_request(
        &self,
        business_id: BusinessId,
        id: i64,
    ) -> StoreResult<Option<PaymentRequest>>;

    /// A page of the business's payment requests, newest first, and how many match.
    async fn list_payment_requests(
        &self,
        business_id: BusinessId,
        query: &PaymentQuery,
    ) -> StoreResult<(Vec<PaymentRequest>, i64)>;

    /// Cancels an open payment request and raises its `payment_request.cancelled` event; None
    /// when there is none (or it is paid or cancelled).
    async fn cancel_payment_request(
        &self,
        business_id: BusinessId,
        id: i64,
        now: i64,
    ) -> StoreResult<Option<PaymentRequest>>;

    /// The payment request a checkout page names (its public id is the only key needed).
    async fn payment_request_by_public_id(
        &self,
        public_id: &str,
    ) -> StoreResult<Option<PaymentRequest>>;

    /// The transfers linked to a payment request, oldest first.
    async fn list_payment_links(
        &self,
        business_id: BusinessId,
        payment_request_id: i64,
    ) -> StoreResult<Vec<PaymentLink>>;

    /// Payment events of the business by id (those that exist).
    async fn get_payment_events(
        &self,
        business_id: BusinessId,
        ids: &[i64],
    ) -> StoreResult<Vec<PaymentEvent>>;

    /// Counts one request of rate-limit key `key` in the window starting at `window_start`
    /// (ms); returns the window's count so far. Opening a window forgets the key's older ones.
    async fn hit_rate_limit(&self, key: &str, window_start: i64) -> StoreResult<i64>;

    /// The count of rate-limit key `key` in the window starting at `window_start` (ms), without
    /// counting anything (0 when the window has no hits).
    async fn rate_limit_hits(&self, key: &str, window_start: i64) -> StoreResult<i64>;

    /// The outbox of every business: pending deliveries, and the earliest `next_attempt_at`
    /// of those due at `now` (None when none is due).
    async fn outbox_stats(&self, now: i64) -> StoreResult<(i64, Option<i64>)>;

    /// Feeds of every business as `(kind, enabled, failing, how many)` (failing: the last
    /// poll failed).
    async fn feed_health(&self) -> StoreResult<Vec<(String, bool, bool, i64)>>;

    /// Calls `woken` each time another process enqueues deliveries nobody holds
    /// (PostgreSQL `LISTEN`/`NOTIFY`), until the connection fails (an error: the caller
    /// listens again). Returns Ok at once where the backend has no such signal (SQLite, one
    /// machine: workers poll).
    async fn listen_outbox(&self, woken: &(dyn Fn() + Send + Sync)) -> StoreResult<()>;

    /// Raises `payment_request.expired` for up to `limit` open requests (of any business)
    /// past their expiry at `now` that have not had it; returns how many were expired and how
    /// many deliveries were enqueued.
    async fn expire_payment_requests(&self, now: i64, limit: i64) -> StoreResult<(u64, u64)>;

    /// Registers a webhook, enabled, or disabled for the reason `disabled` gives. Its account
    /// ids must belong to the business (callers resolve them).
    async fn create_webhook(
        &self,
        business_id: BusinessId,
        spec: &WebhookSpec,
        disabled: Option<&str>,
    ) -> StoreResult<Webhook>;

    /// One webhook of the business.
    async fn get_webhook(&self, business_id: BusinessId, id: i64) -> StoreResult<Option<Webhook>>;

    /// The business's webhooks, oldest first.
    async fn list_webhooks(&self, business_id: BusinessId) -> StoreResult<Vec<Webhook>>;

    /// Replaces a webhook's settings, in the same write enabling it (`disabled` None: its
    /// failing streak forgotten) or leaving it disabled for the reason `disabled` gives. None
    /// when the business has no such webhook.
    async fn update_webhook(
        &self,
        business_id: BusinessId,
        id: i64,
        spec: &WebhookSpec,
        disabled: Option<&str>,
    ) -> StoreResult<Option<Webhook>>;

    /// Deletes a webhook and its deliveries. False when the business has no such webhook.
    async fn delete_webhook(&self, business_id: BusinessId, id: i64) -> StoreResult<bool>;

    /// Deletes every webhook of the business with that URL; returns how many.
    async fn delete_webhooks_by_url(&self, business_id: BusinessId, url: &str) -> StoreResult<u64>;

    /// A webhook's deliveries, newest first, at most `limit`, with ids below `before` if given.
    async fn list_deliveries(
        &self,
        business_id: BusinessId,
        webhook_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<Delivery>>;

    /// Claims up to `limit` due pending deliveries of any business for a worker until
    /// `lease_until` (operator-level: workers serve every tenant). A claim whose lease expires
    /// (its worker died) is due again, so nothing is lost.
    async fn claim_deliveries(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<Delivery>>;

    /// When the earliest pending delivery is due (operator-level), if any is pending.
    async fn next_delivery_due(&self) -> StoreResult<Option<i64>>;

    /// Records attempts' outcomes on their deliveries and on their webhooks' health, all in
    /// one database transaction (each record is scoped to its own business).
    async fn finish_attempts(&self, attempts: &[AttemptRecord]) -> StoreResult<()>;

    /// Enqueues a test ping (no transaction) to a webhook, due now.
    async fn enqueue_test_delivery(
        &self,
        business_id: BusinessId,
        webhook_id: i64,
        now: i64,
    ) -> StoreResult<Delivery>;

    /// Makes a delivery due again now (whatever its status; an attempt in flight keeps its
    /// claim, so the same delivery is never sent twice at once). None when the business has
    /// none with that id.
    async fn retry_delivery(
        &self,
        business_id: BusinessId,
        id: i64,
        now: i64,
    ) -> StoreResult<Option<Delivery>>;

    /// Enqueues a new delivery to the webhook for every transaction of the business booked in
    /// `[from, to)` that the webhook matches; returns how many.
    async fn replay_deliveries(
        &self,
        business_id: BusinessId,
        webhook_id: i64,
        from: i64,
        to: i64,
        now: i64,
    ) -> StoreResult<u64>;

    /// A page of the business's transactions.
    async fn list_transactions(
        &self,
        business_id: BusinessId,
        query: &TransactionQuery,
    ) -> StoreResult<TransactionPage>;

    /// The business's transactions with these ids (unknown ids are left out; any order).
    async fn get_transactions(
        &self,
        business_id: BusinessId,
        ids: &[i64],
    ) -> StoreResult<Vec<Transaction>>;

    /// One transaction of the business.
    async fn get_transaction(
        &self,
        business_id: BusinessId,
        id: i64,
    ) -> StoreResult<Option<Transaction>>;

    /// A page of the business's transactions that `filter` selects, newest first.
    async fn search_transactions(
        &self,
        business_id: BusinessId,
        filter: &TransactionFilter,
        page: &SearchPage,
    ) -> StoreResult<Vec<Transaction>>;

    /// How many of the business's transactions `filter` selects (without text, summed from
    /// the daily totals rather than counted).
    async fn count_transactions(
        &self,
        business_id: BusinessId,
        filter: &TransactionFilter,
    ) -> StoreResult<i64>;

    /// The business's money in and out per Vietnam-local day from `from_day` to `to_day`
    /// (inclusive), over all its accounts; days without transactions are left out.
    async fn daily_flows(
        &self,
        business_id: BusinessId,
        from_day: i64,
        to_day: i64,
    ) -> StoreResult<Vec<DailyFlow>>;

    /// The business's newest transactions by arrival (id), at most `limit`, with ids above
    /// `after`; newest first.
    async fn latest_transactions(
        &self,
        business_id: BusinessId,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<Transaction>>;

    /// The deliveries of one transaction of the business, oldest first.
    async fn transaction_deliveries(
        &self,
        business_id: BusinessId,
        transaction_id: i64,
    ) -> StoreResult<Vec<Delivery>>;
}

/// A database URL as accepted on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite:PATH` or `sqlite://PATH`, relative or absolute.
    Sqlite(std::path::PathBuf),
    /// `postgres://...` or `postgresql://...`.
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses a database URL.
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(format!("database URL {url:?} has no file path"));
            }
            Ok(Self::Sqlite(path.into()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_string()))
        } else {
            Err(format!(
                "unsupported database URL {url:?}: use sqlite:PATH, sqlite://PATH or postgres://..."
            ))
        }
    }
}

/// Opens the database behind `url` and brings its schema up to date.
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> = match DatabaseUrl::parse(url).map_err(anyhow::Error::msg)? {
        DatabaseUrl::Sqlite(path) => Arc::new(SqliteStore::open(&path).await?),
        DatabaseUrl::Postgres(url) => Arc::new(PgStore::open(&url).await?),
    };
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::DatabaseUrl;

    #[test]
    fn parses_database_urls() {
        assert_eq!(
            DatabaseUrl::parse("sqlite:tingting.db").unwrap(),
            DatabaseUrl::Sqlite("tingting.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/t.db").unwrap(),
            DatabaseUrl::Sqlite("data/t.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/t.db").unwrap(),
            DatabaseUrl::Sqlite("/var/lib/t.db".into())
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite:").is_err());
    }
}
