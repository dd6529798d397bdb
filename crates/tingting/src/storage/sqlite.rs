//! The embedded backend: one SQLite file in WAL mode.
//!
//! Reads use a small pool; writes go through a single-connection pool and start with
//! `BEGIN IMMEDIATE`, so writers queue in-process instead of spinning on `SQLITE_BUSY`, and the
//! busy timeout covers other processes (the CLI) writing the same file.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction as SqlxTransaction};

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

/// How long a statement waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQLite-backed [`super::Store`].
pub struct SqliteStore {
    pool: SqlitePool,
    writer: SqlitePool,
    checkpointer: tokio::task::JoinHandle<()>,
}

/// How often the WAL is copied back into the database file, off the writer's path.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);
/// WAL pages after which the writer checkpoints by itself (only if the background checkpoints
/// fall behind; SQLite's default is 1000, which puts a checkpoint in the way of every few
/// hundred commits).
const WRITER_AUTOCHECKPOINT: &str = "20000";
/// The writer's page cache (negative: KiB), 32 MiB. The indexes a write touches (dedup keys,
/// times, merge candidates) stop fitting SQLite's default 2 MiB after a few hundred thousand
/// transactions, and every insert then reads pages back from the file.
const WRITER_CACHE: &str = "-32768";

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.checkpointer.abort();
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database file and runs the migrations.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                options
                    .clone()
                    .pragma("wal_autocheckpoint", WRITER_AUTOCHECKPOINT)
                    .pragma("cache_size", WRITER_CACHE),
            )
            .await
            .map_err(StoreError::from_sqlx)?;
        sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
        let checkpoints = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(StoreError::from_sqlx)?;
        let checkpointer = tokio::spawn(checkpoint(checkpoints));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await
            .map_err(StoreError::from_sqlx)?;
        Ok(Self {
            pool,
            writer,
            checkpointer,
        })
    }

    async fn begin_write(&self) -> StoreResult<SqlxTransaction<'static, Sqlite>> {
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(StoreError::from_sqlx)
    }

    /// No cross-process signal: one machine, its workers poll.
    async fn listen_outbox_here(&self, _woken: &(dyn Fn() + Send + Sync)) -> StoreResult<()> {
        Ok(())
    }

    /// Where single-statement writes run: the writer connection, in autocommit (one statement
    /// takes the write lock for itself, so no `BEGIN IMMEDIATE` round trips are needed).
    fn write_pool(&self) -> &SqlitePool {
        &self.writer
    }
}

/// Checkpoints the WAL in the background (`PASSIVE`: never waits for, nor blocks, readers and
/// the writer), so that commits do not pay for it.
async fn checkpoint(pool: SqlitePool) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::debug!(error = %e, "background WAL checkpoint failed");
        }
    }
}

impl_store!(SqliteStore, super::Backend::Sqlite, Sqlite);
impl_settle!(SqliteStore, super::Backend::Sqlite, Sqlite);
impl_oauth_store!(SqliteStore, Sqlite);
