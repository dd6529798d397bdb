//! Moving a SQLite installation to PostgreSQL: every table copied row by row with its ids (in
//! an order that satisfies the foreign keys), identity sequences moved past the copied ids,
//! then each table verified by row count and a SHA-256 over its rows in primary-key order.
//! Safe to re-run: rows already there are kept (`ON CONFLICT DO NOTHING`) and the verification
//! tells whether the two databases now agree.

use std::path::Path;
use std::str::FromStr;

use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{PgPool, Row, SqlitePool};

use super::{StoreError, StoreResult};

/// Every table, parents before children.
const TABLES: [&str; 20] = [
    "businesses",
    "users",
    "api_keys",
    "sessions",
    "bank_accounts",
    "transactions",
    "transaction_aliases",
    "daily_totals",
    "feeds",
    "unparsed_texts",
    "webhooks",
    "webhook_accounts",
    "payment_requests",
    "payment_events",
    "payment_links",
    "deliveries",
    "rate_limits",
    "oauth_clients",
    "oauth_codes",
    "oauth_tokens",
];

/// Rows per insert statement.
const ROWS_PER_INSERT: usize = 200;

/// What was done to one table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TableReport {
    /// The table.
    pub table: &'static str,
    /// Rows in the SQLite table (and, verified, in PostgreSQL).
    pub rows: i64,
    /// Rows this run inserted (0 on a re-run).
    pub copied: u64,
    /// SHA-256 of the rows in primary-key order, the same on both sides.
    pub sha256: String,
}

/// Why the move failed.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// A database error.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The two databases disagree after the copy.
    #[error("{table}: {what} differ (SQLite {sqlite}, PostgreSQL {postgres}); the PostgreSQL database holds other data")]
    Mismatch {
        /// The table.
        table: &'static str,
        /// `row counts` or `contents`.
        what: &'static str,
        /// The SQLite side.
        sqlite: String,
        /// The PostgreSQL side.
        postgres: String,
    },
    /// A table this version does not know.
    #[error("the SQLite database has a table {0:?} this version cannot move")]
    UnknownTable(String),
    /// A column type this copy does not handle.
    #[error("{table}.{column}: PostgreSQL type {kind} is not copied")]
    UnknownType {
        /// The table.
        table: &'static str,
        /// The column.
        column: String,
        /// Its type.
        kind: String,
    },
}

fn sqlx_err(e: sqlx::Error) -> MigrateError {
    MigrateError::Store(StoreError::from_sqlx(e))
}

/// A column as PostgreSQL types it: `bigint` or `text`.
struct Column {
    name: String,
    text: bool,
}

/// Copies the SQLite database at `source` (brought up to date first) into the PostgreSQL
/// database at `target` (created schema, migrated), then verifies every table.
pub async fn sqlite_to_postgres(
    source: &Path,
    target: &str,
) -> Result<Vec<TableReport>, MigrateError> {
    // Both schemas at this version.
    drop(super::SqliteStore::open(source).await?);
    drop(super::PgStore::open(target).await?);
    let options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(sqlx_err)?
        .filename(source)
        .read_only(true);
    let sqlite = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(sqlx_err)?;
    let pg = PgPool::connect(target).await.map_err(sqlx_err)?;
    let present: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '_sqlx_%' ORDER BY name",
    )
    .fetch_all(&sqlite)
    .await
    .map_err(sqlx_err)?;
    if let Some(unknown) = present.iter().find(|t| !TABLES.contains(&t.as_str())) {
        return Err(MigrateError::UnknownTable(unknown.clone()));
    }
    let mut reports = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let columns = columns(&pg, table).await?;
        let mut key = primary_key(&sqlite, table).await?;
        if key.is_empty() {
            key = columns.iter().map(|c| c.name.clone()).collect();
        }
        let copied = copy(&sqlite, &pg, table, &columns, &key).await?;
        if columns.iter().any(|c| c.name == "id") && key == ["id"] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 GREATEST((SELECT MAX(id) FROM {table}), 1))"
            ))
            .execute(&pg)
            .await
            .map_err(sqlx_err)?;
        }
        let (rows, sha256) = digest_sqlite(&sqlite, table, &columns, &key).await?;
        let (pg_rows, pg_sha256) = digest_postgres(&pg, table, &columns, &key).await?;
        if rows != pg_rows {
            return Err(MigrateError::Mismatch {
                table,
                what: "row counts",
                sqlite: rows.to_string(),
                postgres: pg_rows.to_string(),
            });
        }
        if sha256 != pg_sha256 {
            return Err(MigrateError::Mismatch {
                table,
                what: "contents",
                sqlite: sha256,
                postgres: pg_sha256,
            });
        }
        reports.push(TableReport {
            table,
            rows,
            copied,
            sha256,
        });
    }
    sqlite.close().await;
    pg.close().await;
    Ok(reports)
}

/// The table's columns in PostgreSQL, in order.
async fn columns(pg: &PgPool, table: &'static str) -> Result<Vec<Column>, MigrateError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(pg)
    .await
    .map_err(sqlx_err)?;
    rows.into_iter()
        .map(|(name, kind)| match kind.as_str() {
            "bigint" | "integer" => Ok(Column { name, text: false }),
            "text" => Ok(Column { name, text: true }),
            _ => Err(MigrateError::UnknownType {
                table,
                column: name,
                kind,
            }),
        })
        .collect()
}

/// The table's primary-key columns (SQLite's `PRAGMA table_info`), in key order.
async fn primary_key(sqlite: &SqlitePool, table: &str) -> StoreResult<Vec<String>> {
    let rows = sqlx::query(&format!("PRAGMA table_info({table})"))
        .fetch_all(sqlite)
        .await
        .map_err(StoreError::from_sqlx)?;
    let mut key: Vec<(i64, String)> = rows
        .iter()
        .map(|r| (r.get::<i64, _>("pk"), r.get::<String, _>("name")))
        .filter(|(pk, _)| *pk > 0)
        .collect();
    key.sort();
    Ok(key.into_iter().map(|(_, name)| name).collect())
}

/// A value as both sides render it.
#[derive(Debug, Clone)]
enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Value {
    fn render(&self, hash: &mut Sha256) {
        match self {
            Value::Int(Some(v)) => hash.update(format!("i{v}\x1f")),
            Value::Text(Some(v)) => hash.update(format!("t{}:{v}\x1f", v.len())),
            Value::Int(None) | Value::Text(None) => hash.update("n\x1f"),
        }
    }
}

/// A row's values, read as PostgreSQL types them (on either side).
fn read_row<R>(row: &R, columns: &[Column]) -> Result<Vec<Value>, MigrateError>
where
    R: Row,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
{
    columns
        .iter()
        .map(|c| {
            let name = c.name.as_str();
            Ok(if c.text {
                Value::Text(row.try_get(name).map_err(sqlx_err)?)
            } else {
                Value::Int(row.try_get(name).map_err(sqlx_err)?)
            })
        })
        .collect()
}

/// Row count and SHA-256 of a table's rows, fed in key order.
#[derive(Default)]
struct RowDigest {
    rows: i64,
    hash: Sha256,
}

impl RowDigest {
    fn add(&mut self, values: &[Value]) {
        for v in values {
            v.render(&mut self.hash);
        }
        self.hash.update("\x1e");
        self.rows += 1;
    }

    fn finish(self) -> (i64, String) {
        (self.rows, hex::encode(self.hash.finalize()))
    }
}

/// The table's rows in key order (byte order for text keys on both sides: SQLite's `BINARY`,
/// PostgreSQL's `"C"` collation).
fn select(table: &str, columns: &[Column], key: &[String], postgres: bool) -> String {
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let order: Vec<String> = key
        .iter()
        .map(|k| {
            let text = columns.iter().any(|c| &c.name == k && c.text);
            if postgres && text {
                format!("{k} COLLATE \"C\"")
            } else {
                k.clone()
            }
        })
        .collect();
    format!(
        "SELECT {} FROM {table} ORDER BY {}",
        names.join(", "),
        order.join(", ")
    )
}

/// Inserts every SQLite row the PostgreSQL table lacks; how many.
async fn copy(
    sqlite: &SqlitePool,
    pg: &PgPool,
    table: &'static str,
    columns: &[Column],
    key: &[String],
) -> Result<u64, MigrateError> {
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let head = format!("INSERT INTO {table} ({}) ", names.join(", "));
    let sql = select(table, columns, key, false);
    let mut rows = sqlx::query(&sql).fetch(sqlite);
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(ROWS_PER_INSERT);
    let mut copied = 0;
    loop {
        let row = rows.try_next().await.map_err(sqlx_err)?;
        if let Some(row) = &row {
            batch.push(read_row(row, columns)?);
        }
        if batch.len() == ROWS_PER_INSERT || (row.is_none() && !batch.is_empty()) {
            let mut qb = sqlx::QueryBuilder::<sqlx::Postgres>::new(&head);
            qb.push_values(batch.drain(..), |mut b, values| {
                for v in values {
                    match v {
                        Value::Int(v) => b.push_bind(v),
                        Value::Text(v) => b.push_bind(v),
                    };
                }
            });
            qb.push(" ON CONFLICT DO NOTHING");
            copied += qb
                .build()
                .execute(pg)
                .await
                .map_err(sqlx_err)?
                .rows_affected();
        }
        if row.is_none() {
            return Ok(copied);
        }
    }
}

/// Row count and SHA-256 of the SQLite table.
async fn digest_sqlite(
    sqlite: &SqlitePool,
    table: &str,
    columns: &[Column],
    key: &[String],
) -> Result<(i64, String), MigrateError> {
    let sql = select(table, columns, key, false);
    let mut rows = sqlx::query(&sql).fetch(sqlite);
    let mut digest = RowDigest::default();
    while let Some(row) = rows.try_next().await.map_err(sqlx_err)? {
        digest.add(&read_row(&row, columns)?);
    }
    Ok(digest.finish())
}

/// Row count and SHA-256 of the PostgreSQL table.
async fn digest_postgres(
    pg: &PgPool,
    table: &str,
    columns: &[Column],
    key: &[String],
) -> Result<(i64, String), MigrateError> {
    let sql = select(table, columns, key, true);
    let mut rows = sqlx::query(&sql).fetch(pg);
    let mut digest = RowDigest::default();
    while let Some(row) = rows.try_next().await.map_err(sqlx_err)? {
        digest.add(&read_row(&row, columns)?);
    }
    Ok(digest.finish())
}
