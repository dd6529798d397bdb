//! `tingting import`: a statement file into an account, with a progress bar on a terminal.

use std::fs::File;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::admin::user_by_email;
use statements::table::ColumnMapping;

use crate::ingest::statement::{import_statement, Format, ImportOptions};
use crate::storage;

/// Exit status when the file was imported but some lines were rejected.
const EXIT_SOME_REJECTED: u8 = 2;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Account number to import into.
    #[arg(long)]
    account: String,
    /// The owner's e-mail, needed only when several businesses have that account number.
    #[arg(long)]
    email: Option<String>,
    /// The file's format (detected from its first bytes when not given).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Where the columns of a bank's CSV or Excel export are, e.g.
    /// `date=Ngày GD,description=Nội dung,credit=Ghi có,debit=Ghi nợ,balance=Số dư` or
    /// `date=A,description=C,amount=E,header_row=6` (recognised from the header when not given).
    #[arg(long)]
    columns: Option<ColumnMapping>,
    /// The worksheet of an Excel file (the first when not given).
    #[arg(long)]
    sheet: Option<String>,
    /// The statement file: a bank's CSV or Excel (.xlsx) export, tingting canonical CSV, MT940
    /// or camt.052/053/054.
    file: PathBuf,
}

pub async fn run(database: &str, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let file =
        File::open(&args.file).with_context(|| format!("cannot open {}", args.file.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let store = storage::connect(database).await?;
    let number = args.account.trim();
    let account = match &args.email {
        Some(email) => {
            let user = user_by_email(store.as_ref(), email).await?;
            store
                .find_account(user.business_id, number)
                .await?
                .ok_or_else(|| anyhow!("{email} has no account {number}"))?
        }
        None => {
            let mut found = store.find_accounts_by_number(number).await?;
            match found.len() {
                0 => return Err(anyhow!("no account with number {number}")),
                1 => found.remove(0),
                _ => {
                    return Err(anyhow!(
                        "several businesses have account {number}; say which with --email"
                    ))
                }
            }
        }
    };
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let reader = bar.wrap_read(file);
    let progress = bar.clone();
    let options = ImportOptions {
        format: args.format,
        columns: args.columns,
        sheet: args.sheet,
    };
    let report = import_statement(store.as_ref(), &account, options, reader, move |r| {
        progress.set_message(format!(
            "{} created, {} duplicates, {} enriched, {} rejected",
            r.created, r.duplicates, r.enriched, r.rejected_count
        ));
    })
    .await?;
    bar.finish_and_clear();
    println!("{}", serde_json::to_string(&report)?);
    if report.rejected_count > 0 {
        eprintln!(
            "{} rejected; the rest is imported. Fix them and import again: stored entries are skipped as duplicates.",
            if report.rejected_count == 1 {
                "1 entry".to_string()
            } else {
                format!("{} entries", report.rejected_count)
            }
        );
        return Ok(ExitCode::from(EXIT_SOME_REJECTED));
    }
    Ok(ExitCode::SUCCESS)
}
