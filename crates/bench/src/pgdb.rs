//! A fresh PostgreSQL database for one run: created on the user's server before the run and
//! dropped after it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, Context};
use sqlx::{Connection, Executor, PgConnection};

/// Longest the bench waits for the PostgreSQL server to answer a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A database this run created.
#[derive(Debug)]
pub struct ScratchDatabase {
    /// `tingting_bench_<unix seconds>_<pid>`.
    pub name: String,
    /// The server URL with the database's name as its path, for `tingting --database`.
    pub url: String,
    /// The server URL as given (its database is where CREATE and DROP run).
    server_url: String,
}

impl ScratchDatabase {
    /// Creates `tingting_bench_<unix seconds>_<pid>` on the server at `server_url`
    /// (`postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`).
    pub fn create(server_url: &str) -> anyhow::Result<Self> {
        let seconds = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
        let name = format!("tingting_bench_{seconds}_{}", std::process::id());
        let url = with_database(server_url, &name)?;
        run(server_url, &format!("CREATE DATABASE {name}"))
            .with_context(|| format!("cannot create the database {name}"))?;
        Ok(Self {
            name,
            url,
            server_url: server_url.to_string(),
        })
    }

    /// Drops the database, closing the connections still open to it.
    pub fn remove(self) -> anyhow::Result<()> {
        run(
            &self.server_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        )
        .with_context(|| format!("cannot drop the database {}", self.name))
    }
}

/// Runs one statement on the server at `server_url`, on a connection of its own.
fn run(server_url: &str, statement: &str) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let connected = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect(server_url));
        let mut conn = match connected.await {
            Ok(conn) => conn.map_err(message),
            Err(_) => Err(anyhow!("no answer within {} s", CONNECT_TIMEOUT.as_secs())),
        }
        .with_context(|| {
            format!(
                "cannot reach the PostgreSQL server at {server_url} (is it running, and does it \
                 accept this user and database?)"
            )
        })?;
        conn.execute(statement).await.map_err(message)?;
        conn.close().await?;
        anyhow::Ok(())
    })
}

/// A sqlx error as its message alone (its source would repeat it).
fn message(e: sqlx::Error) -> anyhow::Error {
    anyhow!("{e}")
}

/// `server_url` with its database (the URL's path) replaced by `name`; the query is kept.
fn with_database(server_url: &str, name: &str) -> anyhow::Result<String> {
    let scheme = ["postgres://", "postgresql://"]
        .into_iter()
        .find(|s| server_url.starts_with(s))
        .with_context(|| {
            format!("--database {server_url:?} is not a postgres:// URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)")
        })?;
    let rest = &server_url[scheme.len()..];
    let (location, query) = rest.split_at(rest.find('?').unwrap_or(rest.len()));
    let authority = location.split('/').next().unwrap_or_default();
    Ok(format!("{scheme}{authority}/{name}{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_in_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "b").unwrap(),
            "postgres://postgres@127.0.0.1:5432/b"
        );
        assert_eq!(
            with_database("postgresql://u:p@db/x?sslmode=disable", "b").unwrap(),
            "postgresql://u:p@db/b?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://u@db", "b").unwrap(),
            "postgres://u@db/b"
        );
        assert!(with_database("sqlite://bench.db", "b").is_err());
        assert_eq!(
            with_database("postgres:///x", "b").unwrap(),
            "postgres:///b"
        );
    }
}
