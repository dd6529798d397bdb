//! Online backups of a SQLite database: `VACUUM INTO` a new file, from a read transaction, so
//! the copy is one consistent moment of the database while the server goes on writing (WAL
//! readers do not block the writer). The copy is written next to the target and renamed into
//! place only when complete and checked.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;

use super::{StoreError, StoreResult};

/// How long the copy waits for a lock (a checkpoint in progress).
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// What a backup wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupReport {
    /// The new file.
    pub to: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Transactions in the copy.
    pub transactions: i64,
    /// Outbox rows in the copy.
    pub deliveries: i64,
    /// Payment requests in the copy.
    pub payment_requests: i64,
    /// `PRAGMA integrity_check` of the copy: `ok`.
    pub integrity: String,
}

/// Why a backup was not made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The target exists.
    #[error("{0} exists; choose another file or remove it first")]
    Exists(PathBuf),
    /// The target's directory does not exist.
    #[error("the directory {0} does not exist; create it first")]
    NoDirectory(PathBuf),
    /// The source is not a database file.
    #[error("{0} does not exist")]
    Missing(PathBuf),
    /// The copy failed its check.
    #[error("the copy failed its integrity check: {0}")]
    Corrupt(String),
    /// A database error.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file error.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

async fn open(path: &Path, read_only: bool) -> StoreResult<SqlitePool> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .read_only(read_only)
        .busy_timeout(BUSY_TIMEOUT);
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(StoreError::from_sqlx)
}

/// Copies the database at `source` to the new file `target`, then checks the copy.
pub async fn backup(source: &Path, target: &Path) -> Result<BackupReport, BackupError> {
    if !source.is_file() {
        return Err(BackupError::Missing(source.to_path_buf()));
    }
    if target.exists() {
        return Err(BackupError::Exists(target.to_path_buf()));
    }
    let directory = match target.parent() {
        Some(d) if d.as_os_str().is_empty() => Path::new("."),
        Some(d) => d,
        None => Path::new("/"),
    };
    if !directory.is_dir() {
        return Err(BackupError::NoDirectory(directory.to_path_buf()));
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let partial = target.with_file_name(format!(".{name}.partial"));
    let _ = std::fs::remove_file(&partial);
    let copied = async {
        let pool = open(source, true).await?;
        sqlx::query("VACUUM INTO $1")
            .bind(partial.to_string_lossy().as_ref())
            .execute(&pool)
            .await
            .map_err(StoreError::from_sqlx)?;
        pool.close().await;
        check(&partial).await
    }
    .await;
    let report = match copied {
        Ok(report) => report,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    if target.exists() {
        let _ = std::fs::remove_file(&partial);
        return Err(BackupError::Exists(target.to_path_buf()));
    }
    std::fs::rename(&partial, target)?;
    Ok(BackupReport {
        to: target.to_path_buf(),
        ..report
    })
}

/// Checks the copy and counts its main tables.
async fn check(copy: &Path) -> Result<BackupReport, BackupError> {
    let pool = open(copy, true).await?;
    let (integrity,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .map_err(StoreError::from_sqlx)?;
    if integrity != "ok" {
        return Err(BackupError::Corrupt(integrity));
    }
    let mut counts = Vec::new();
    for table in ["transactions", "deliveries", "payment_requests"] {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&pool)
            .await
            .map_err(StoreError::from_sqlx)?;
        counts.push(n);
    }
    pool.close().await;
    Ok(BackupReport {
        to: copy.to_path_buf(),
        bytes: std::fs::metadata(copy)?.len(),
        transactions: counts[0],
        deliveries: counts[1],
        payment_requests: counts[2],
        integrity,
    })
}
