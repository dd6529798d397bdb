//! `tingting migrate-db --to postgres://...`: moves a SQLite installation to PostgreSQL.

use std::process::ExitCode;

use clap::Args;

use crate::storage::{migrate, DatabaseUrl};

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The PostgreSQL database to copy into (`postgres://...`; its schema is created).
    #[arg(long)]
    to: String,
}

pub async fn run(database: &str, args: MigrateArgs) -> anyhow::Result<ExitCode> {
    let source = match DatabaseUrl::parse(database).map_err(anyhow::Error::msg)? {
        DatabaseUrl::Sqlite(path) if path.is_file() => path,
        DatabaseUrl::Sqlite(path) => anyhow::bail!("{} does not exist", path.display()),
        DatabaseUrl::Postgres(_) => {
            anyhow::bail!("--database must name the SQLite installation to move (sqlite:PATH)")
        }
    };
    if !matches!(
        DatabaseUrl::parse(&args.to).map_err(anyhow::Error::msg)?,
        DatabaseUrl::Postgres(_)
    ) {
        anyhow::bail!("--to must be a postgres:// URL");
    }
    let tables = migrate::sqlite_to_postgres(&source, &args.to).await?;
    let copied: u64 = tables.iter().map(|t| t.copied).sum();
    super::print_json(&serde_json::json!({
        "verified": true,
        "copied": copied,
        "tables": tables,
    }));
    Ok(ExitCode::SUCCESS)
}
