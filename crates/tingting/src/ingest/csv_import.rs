//! Importing a statement file in tingting's canonical CSV format (see the `statements` crate).
//!
//! The file is parsed on a blocking thread and handed over in bounded batches, so memory stays
//! flat however large the file is. Each batch is stored in one database transaction; lines that
//! are already stored count as duplicates, so re-running an interrupted or finished import
//! completes it without duplicating anything.

use std::io::Read;

use serde::Serialize;
use statements::{CanonicalCsvReader, Entry};
use tokio::sync::mpsc;

use super::{ingest_batch, IngestError};
use crate::domain::{BankAccount, NewTransaction};
use crate::storage::Store;

/// Lines stored per database transaction.
pub const BATCH_SIZE: usize = 1000;
/// Batches parsed ahead of the database.
const BATCHES_IN_FLIGHT: usize = 4;
/// Rejected lines listed in a report (all are counted).
pub const MAX_LISTED_REJECTIONS: usize = 1000;

/// A line that could not be imported.
#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// Why.
    pub message: String,
}

/// What an import did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ImportReport {
    /// Transactions stored by this import.
    pub created: u64,
    /// Lines already stored (by an earlier import or earlier in this file).
    pub duplicates: u64,
    /// Number of rejected lines.
    pub rejected_count: u64,
    /// The first rejected lines, with reasons.
    pub rejected: Vec<Rejected>,
}

impl ImportReport {
    fn reject(&mut self, line: u64, message: String) {
        self.rejected_count += 1;
        if self.rejected.len() < MAX_LISTED_REJECTIONS {
            self.rejected.push(Rejected { line, message });
        }
    }
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The header row is unusable; nothing was imported.
    #[error("{0}")]
    Header(String),
    /// Storing failed; batches before the failure are stored, re-run to complete.
    #[error(transparent)]
    Ingest(#[from] IngestError),
}

type Batch = Vec<(u64, Result<NewTransaction, String>)>;

/// Imports a canonical CSV from `reader` into `account`, calling `on_batch` with the report so
/// far after each stored batch.
pub async fn import_canonical_csv<R: Read + Send + 'static>(
    store: &dyn Store,
    account: &BankAccount,
    reader: R,
    mut on_batch: impl FnMut(&ImportReport),
) -> Result<ImportReport, ImportError> {
    let csv = CanonicalCsvReader::new(reader).map_err(|e| ImportError::Header(e.to_string()))?;
    let (tx, mut rx) = mpsc::channel::<Batch>(BATCHES_IN_FLIGHT);
    let parser = tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(BATCH_SIZE);
        for row in csv {
            batch.push(match row {
                Ok(entry) => (entry.line, Ok(to_transaction(entry))),
                Err(e) => (e.line, Err(e.message)),
            });
            if batch.len() == BATCH_SIZE
                && tx
                    .blocking_send(std::mem::replace(
                        &mut batch,
                        Vec::with_capacity(BATCH_SIZE),
                    ))
                    .is_err()
            {
                return;
            }
        }
        if !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
    });
    let mut report = ImportReport::default();
    while let Some(batch) = rx.recv().await {
        let mut valid = Vec::with_capacity(batch.len());
        let mut lines = Vec::with_capacity(batch.len());
        for (line, row) in batch {
            match row.and_then(|t| {
                let t = super::normalize(t);
                t.validate().map(|()| t).map_err(|e| e.message)
            }) {
                Ok(t) => {
                    valid.push(t);
                    lines.push(line);
                }
                Err(message) => report.reject(line, message),
            }
        }
        for outcome in ingest_batch(store, account, valid).await? {
            if outcome.created {
                report.created += 1;
            } else {
                report.duplicates += 1;
            }
        }
        on_batch(&report);
    }
    // The parser only stops early when the receiver is gone, which cannot happen here.
    let _ = parser.await;
    Ok(report)
}

fn to_transaction(e: Entry) -> NewTransaction {
    NewTransaction {
        amount: e.amount,
        booked_at: e.booked_at.timestamp_millis(),
        description: e.description,
        reference: e.reference.unwrap_or_default(),
        running_balance: e.balance,
        counterparty_name: e.counterparty_name.unwrap_or_default(),
        counterparty_account: e.counterparty_account.unwrap_or_default(),
        counterparty_bank: e.counterparty_bank.unwrap_or_default(),
        source: "csv".into(),
        raw: e.raw,
        ..Default::default()
    }
}
