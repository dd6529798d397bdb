//! The scale-out backend: PostgreSQL.

use std::time::Duration;

use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction as SqlxTransaction};

use super::oauth::{self, impl_oauth_store};
use super::settle::impl_settle;
use super::sql::{self, impl_store};
use super::{SortOrder, StoreError, StoreResult, TransactionPage, TransactionQuery};
use crate::domain::time::{day_start_ms, now_ms};
use crate::domain::{
    AccountTotals, ApiKeyRecord, BankAccount, Business, BusinessId, Delivery, Email, Feed,
    FeedChange, FeedToken, NewBankAccount, NewFeed, NewTransaction, Principal, Transaction,
    UnparsedText, User, Webhook, WebhookSpec,
};

/// PostgreSQL-backed [`super::Store`].
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects and runs the migrations.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(StoreError::from_sqlx)?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }

    async fn begin_write(&self) -> StoreResult<SqlxTransaction<'static, Postgres>> {
        self.pool.begin().await.map_err(StoreError::from_sqlx)
    }

    /// Where single-statement writes run (each is atomic on its own).
    fn write_pool(&self) -> &PgPool {
        &self.pool
    }

    /// `LISTEN tingting_outbox` (see migration 0008) on a connection of its own.
    async fn listen_outbox_here(&self, woken: &(dyn Fn() + Send + Sync)) -> StoreResult<()> {
        let mut listener = PgListener::connect_with(&self.pool)
            .await
            .map_err(StoreError::from_sqlx)?;
        listener
            .listen(OUTBOX_CHANNEL)
            .await
            .map_err(StoreError::from_sqlx)?;
        // What was enqueued before the listener was up.
        woken();
        loop {
            listener.recv().await.map_err(StoreError::from_sqlx)?;
            woken();
        }
    }
}

/// The channel new deliveries are announced on.
const OUTBOX_CHANNEL: &str = "tingting_outbox";

impl_store!(PgStore, super::Backend::Postgres, Postgres);
impl_settle!(PgStore, super::Backend::Postgres, Postgres);
impl_oauth_store!(PgStore, Postgres);
