//! Ingest: the single door every feed uses. It normalizes and validates incoming transactions,
//! then stores them (deduplicated) in one database transaction through [`Store::ingest`].

pub mod feeds;
pub mod item;
pub mod notify;
pub mod pull;
pub mod statement;

pub use item::IngestItem;

use std::collections::HashMap;

use crate::delivery::worker::{Carried, Fresh, Wakeup};
use crate::domain::transaction::FieldError;
use crate::domain::{BankAccount, BusinessId, IngestOutcome, NewTransaction, Transaction};
use crate::storage::{IngestQueue, IngestRequest, Store, StoreError};

/// Why a batch was not ingested.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The business has no account with that number.
    #[error("unknown account {0}")]
    UnknownAccount(String),
    /// An item is invalid; nothing of the batch was stored.
    #[error("transactions[{index}].{}: {}", .error.field, .error.message)]
    Invalid {
        /// Position of the item in the batch.
        index: usize,
        /// What is wrong.
        error: FieldError,
    },
    /// Storage failed; nothing of the batch was stored.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Trims the text fields of a transaction as every feed expects, and drops NUL characters
/// (which PostgreSQL cannot store in text; a statement file may carry them).
pub fn normalize(mut t: NewTransaction) -> NewTransaction {
    if t.raw.contains('\0') {
        t.raw = t.raw.replace('\0', "");
    }
    for field in [
        &mut t.description,
        &mut t.reference,
        &mut t.counterparty_name,
        &mut t.counterparty_account,
        &mut t.counterparty_bank_id,
        &mut t.counterparty_bank,
        &mut t.virtual_account,
        &mut t.virtual_account_name,
        &mut t.payment_channel,
    ] {
        if field.contains('\0') {
            *field = field.replace('\0', "");
        }
        let trimmed = field.trim();
        if trimmed.len() != field.len() {
            *field = trimmed.to_string();
        }
    }
    t
}

/// Normalizes and validates a batch; the error names the first invalid item.
fn prepare(batch: Vec<NewTransaction>) -> Result<Vec<NewTransaction>, IngestError> {
    let batch: Vec<NewTransaction> = batch.into_iter().map(normalize).collect();
    for (index, t) in batch.iter().enumerate() {
        t.validate()
            .map_err(|error| IngestError::Invalid { index, error })?;
    }
    Ok(batch)
}

/// Normalizes and validates a batch, then stores it for `account` in one database transaction
/// of its own (imports and seeding: large batches, no worker in the process). Either every
/// item is stored (or recognised as a duplicate) or none is.
pub async fn ingest_batch(
    store: &dyn Store,
    account: &BankAccount,
    batch: Vec<NewTransaction>,
) -> Result<Vec<IngestOutcome>, IngestError> {
    let batch = prepare(batch)?;
    let request = IngestRequest {
        business_id: account.business_id,
        account_id: account.id,
        transactions: &batch,
        lease_until: None,
    };
    let mut stored = store.ingest(&[request]).await?;
    Ok(stored.pop().map(|s| s.outcomes).unwrap_or_default())
}

/// Resolves a business's account by number, then ingests the batch into it (see
/// [`ingest_into_account`]).
pub async fn ingest_into_number(
    store: &dyn Store,
    queue: &IngestQueue,
    handoff: &Wakeup,
    business_id: BusinessId,
    account_number: &str,
    batch: Vec<NewTransaction>,
) -> Result<Vec<IngestOutcome>, IngestError> {
    let account = store
        .find_account(business_id, account_number.trim())
        .await?
        .ok_or_else(|| IngestError::UnknownAccount(account_number.trim().to_string()))?;
    ingest_into_account(queue, handoff, &account, batch).await
}

/// Ingests a batch into `account` through the group-commit `queue` (atomic per batch, as
/// [`ingest_batch`]). The new deliveries are handed to `handoff`'s worker when it takes them,
/// and left to the outbox otherwise.
pub async fn ingest_into_account(
    queue: &IngestQueue,
    handoff: &Wakeup,
    account: &BankAccount,
    batch: Vec<NewTransaction>,
) -> Result<Vec<IngestOutcome>, IngestError> {
    let business_id = account.business_id;
    let batch = prepare(batch)?;
    let lease = handoff.lease_until();
    let stored = queue
        .ingest(business_id, account.id, batch.clone(), lease)
        .await?;
    if lease.is_some() {
        let index: HashMap<i64, usize> = stored
            .outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id, i))
            .collect();
        let fresh = stored
            .deliveries
            .into_iter()
            .filter_map(|delivery| {
                let i = *index.get(&delivery.transaction_id?)?;
                let id = stored.outcomes[i].id;
                // A transaction that took in another report of this call has its stored fields.
                let fields = stored
                    .merged
                    .iter()
                    .find(|(merged, _)| *merged == id)
                    .map_or_else(|| batch[i].clone(), |(_, fields)| fields.clone());
                let transaction = Transaction {
                    id,
                    business_id,
                    account_id: account.id,
                    fields,
                    created_at: delivery.created_at,
                };
                Some(Fresh {
                    delivery,
                    carries: Carried::Transaction(Box::new(transaction), account.clone()),
                })
            })
            .chain(
                stored
                    .payment_events
                    .into_iter()
                    .map(|(delivery, event)| Fresh {
                        delivery,
                        carries: Carried::Event(event),
                    }),
            )
            .collect();
        handoff.hand_over(fresh);
    } else if !stored.deliveries.is_empty() || !stored.payment_events.is_empty() {
        handoff.wake();
    }
    Ok(stored.outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing_trims_and_drops_nul() {
        let t = normalize(NewTransaction {
            description: " DH1042\0 chuyen tien ".into(),
            reference: "\0FT1".into(),
            raw: "a\0b".into(),
            ..Default::default()
        });
        assert_eq!(t.description, "DH1042 chuyen tien");
        assert_eq!(t.reference, "FT1");
        assert_eq!(t.raw, "ab");
    }
}
