//! `tingting backup`: a consistent copy of a SQLite database, taken while the server runs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::storage::backup;
use crate::storage::DatabaseUrl;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new file to write (it must not exist).
    #[arg(long)]
    to: PathBuf,
}

pub async fn run(database: &str, args: BackupArgs) -> anyhow::Result<ExitCode> {
    let source = match DatabaseUrl::parse(database).map_err(anyhow::Error::msg)? {
        DatabaseUrl::Sqlite(path) => path,
        DatabaseUrl::Postgres(_) => anyhow::bail!(
            "tingting backup copies SQLite databases; back PostgreSQL up with its own tools \
             (pg_dump, or base backups with WAL archiving)"
        ),
    };
    let report = backup::backup(&source, &args.to).await?;
    super::print_json(&serde_json::to_value(&report)?);
    Ok(ExitCode::SUCCESS)
}
