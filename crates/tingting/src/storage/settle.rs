//! Payment matching in the ingest transaction, and payment events with their outbox rows. The
//! rules are [`crate::payments::matching`]'s; this is the SQL around them, shared by both
//! backends through [`impl_settle!`].

/// Characters of a code that a description must contain for its request to be looked at
/// (`code_head`): every code a description contains whole, or cut short as
/// [`crate::payments::matching`] allows (at least seven characters), passes.
pub(super) const HEAD_LEN: usize = 7;

/// Most code beginnings looked up by one query (within both backends' parameter limits).
const HEADS_PER_LOOKUP: usize = 2000;

/// Whether the account has any request a credit booked after `$3` may pay: when it has none
/// (most accounts, most of the time; every statement import of a shop without payment
/// requests), matching costs this one query.
pub(super) const ANY_MATCHABLE: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM payment_requests \
    WHERE business_id = $1 AND account_id = $2 AND expires_at > $3 LIMIT 1) AS any_request";

/// The `code_head` of a code (normalized codes are ASCII; any other text is cut at a
/// character boundary).
pub(super) fn code_head(code: &str) -> &str {
    code.char_indices()
        .nth(HEAD_LEN)
        .map_or(code, |(end, _)| &code[..end])
}

/// Every `code_head` a description can contain: its comparable text's pieces of 3 to
/// [`HEAD_LEN`] characters (3 is the shortest code), in chunks of one lookup each.
pub(super) fn heads<'a>(descriptions: impl Iterator<Item = &'a str>) -> Vec<Vec<String>> {
    let mut heads = std::collections::BTreeSet::new();
    for description in descriptions {
        let folded = paymatch::comparable(description);
        for len in paymatch::code::CODE_MIN_LEN..=HEAD_LEN {
            for start in 0..folded.len().saturating_sub(len - 1) {
                heads.insert(folded[start..start + len].to_string());
            }
        }
    }
    let heads: Vec<String> = heads.into_iter().collect();
    heads
        .chunks(HEADS_PER_LOOKUP)
        .map(<[String]>::to_vec)
        .collect()
}

/// The lookup of an account's requests that credits may pay, by expiry (see
/// [`crate::payments::matching::LATE_WINDOW_MS`]) and code beginning: `$1` business, `$2`
/// account, `$3` oldest expiry, `$4..` the [`heads`] of one chunk. `FOR UPDATE` follows on
/// PostgreSQL, so that a cancellation cannot slip between the match and its update.
pub(super) fn matchable_requests_sql(heads: usize, postgres: bool) -> String {
    let list: Vec<String> = (4..heads + 4).map(|i| format!("${i}")).collect();
    format!(
        "SELECT {} FROM payment_requests WHERE business_id = $1 AND account_id = $2 \
         AND code_head IN ({}) AND expires_at > $3 ORDER BY id{}",
        super::sql::PAYMENT_COLUMNS,
        list.join(", "),
        if postgres { " FOR UPDATE" } else { "" }
    )
}

/// Records what a request's settlement changed.
pub(super) const UPDATE_SETTLED: &str = "UPDATE payment_requests SET paid_amount = $1, \
    late_amount = $2, status = $3, paid_at = $4 WHERE business_id = $5 AND id = $6";

/// Columns of `payment_events` in the order [`EventRow`] reads them.
pub(super) const EVENT_COLUMNS: &str =
    "id, business_id, payment_request_id, account_id, type, data, created_at";

/// A `payment_events` row.
#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    id: i64,
    business_id: i64,
    payment_request_id: i64,
    account_id: i64,
    r#type: String,
    data: String,
    created_at: i64,
}

impl From<EventRow> for crate::domain::payment::PaymentEvent {
    fn from(r: EventRow) -> Self {
        Self {
            id: r.id,
            business_id: r.business_id,
            payment_request_id: r.payment_request_id,
            account_id: r.account_id,
            kind: r.r#type,
            data: r.data,
            created_at: r.created_at,
        }
    }
}

/// An event to raise: the request (as it now stands), its kind and rendered data.
pub(super) struct NewEvent {
    pub request_id: i64,
    pub account_id: i64,
    pub kind: crate::payments::matching::EventKind,
    pub data: String,
}

/// Implements the payment helpers for a backend type (as [`super::sql::impl_store`]).
macro_rules! impl_settle {
    ($store:ty, $backend:expr, $db:ty) => {
        impl $store {
            /// Matches `credits` (new or enriched transactions of one account) to the
            /// account's payment requests, records the links and the requests' new state, and
            /// raises the events; returns the deliveries enqueued (leased until `lease`).
            async fn settle(
                tx: &mut sqlx::Transaction<'static, $db>,
                business_id: $crate::domain::BusinessId,
                account_id: i64,
                credits: &mut [$crate::payments::matching::Credit<'_>],
                now: i64,
                lease: Option<i64>,
            ) -> $crate::storage::StoreResult<Vec<($crate::domain::Delivery, $crate::domain::payment::PaymentEvent)>> {
                use $crate::payments::matching::{self, Found, LATE_WINDOW_MS};
                use $crate::storage::settle::{self, NewEvent};
                use $crate::storage::StoreError;
                let Some(earliest) = credits.iter().map(|c| c.booked_at).min() else {
                    return Ok(Vec::new());
                };
                let oldest = earliest.saturating_sub(LATE_WINDOW_MS);
                let matchable: i64 = sqlx::query_scalar(settle::ANY_MATCHABLE)
                    .bind(business_id)
                    .bind(account_id)
                    .bind(oldest)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                if matchable == 0 {
                    return Ok(Vec::new());
                }
                let postgres = $backend == $crate::storage::Backend::Postgres;
                let mut found = std::collections::BTreeMap::new();
                for chunk in settle::heads(credits.iter().map(|c| c.description)) {
                    let lookup = settle::matchable_requests_sql(chunk.len(), postgres);
                    let mut query = sqlx::query_as(&lookup)
                        .bind(business_id)
                        .bind(account_id)
                        .bind(oldest);
                    for head in &chunk {
                        query = query.bind(head);
                    }
                    let rows: Vec<$crate::storage::sql::PaymentRow> =
                        query.fetch_all(&mut **tx).await.map_err(StoreError::from_sqlx)?;
                    for row in rows {
                        let r: $crate::domain::payment::PaymentRequest = row.try_into()?;
                        found.insert(r.id, r);
                    }
                }
                if found.is_empty() {
                    return Ok(Vec::new());
                }
                let mut requests: Vec<$crate::domain::payment::PaymentRequest> =
                    found.into_values().collect();
                // An enriched transaction may have paid already.
                let mut qb = sqlx::QueryBuilder::new(
                    "SELECT transaction_id FROM payment_links WHERE business_id = ",
                );
                qb.push_bind(business_id).push(" AND transaction_id IN (");
                let mut list = qb.separated(", ");
                for c in credits.iter() {
                    list.push_bind(c.transaction_id);
                }
                qb.push(")");
                let linked: std::collections::HashSet<i64> = qb
                    .build_query_scalar()
                    .fetch_all(&mut **tx)
                    .await
                    .map_err(StoreError::from_sqlx)?
                    .into_iter()
                    .collect();
                credits.sort_by_key(|c| (c.booked_at, c.transaction_id));
                let mut changed = std::collections::BTreeSet::new();
                let mut events = Vec::new();
                for c in credits.iter().filter(|c| !linked.contains(&c.transaction_id)) {
                    let i = match matching::find(&requests, c) {
                        Found::One(i) => i,
                        Found::Nothing => continue,
                        Found::Ambiguous(ids) => {
                            tracing::warn!(transaction = c.transaction_id, requests = ?ids,
                                "a transfer names several payment requests; none was paid");
                            continue;
                        }
                    };
                    let settled = matching::apply(&mut requests[i], c, now);
                    let r = &requests[i];
                    changed.insert(i);
                    sqlx::query(
                        "INSERT INTO payment_links (business_id, transaction_id, \
                         payment_request_id, amount, late, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(business_id)
                    .bind(c.transaction_id)
                    .bind(r.id)
                    .bind(c.amount)
                    .bind(i64::from(settled.late))
                    .bind(now)
                    .execute(&mut **tx)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                    if let Some(kind) = settled.event {
                        events.push(NewEvent {
                            request_id: r.id,
                            account_id,
                            kind,
                            data: $crate::payments::events::render(r, Some((c, settled.late)), now),
                        });
                    }
                }
                for &i in &changed {
                    let r = &requests[i];
                    sqlx::query(settle::UPDATE_SETTLED)
                        .bind(r.paid_amount)
                        .bind(r.late_amount)
                        .bind(r.status.as_str())
                        .bind(r.paid_at)
                        .bind(business_id)
                        .bind(r.id)
                        .execute(&mut **tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                }
                Self::raise(tx, business_id, &events, now, lease).await
            }

            /// Stores `events` of one business and enqueues their deliveries (leased until
            /// `lease`); returns the deliveries with their events.
            async fn raise(
                tx: &mut sqlx::Transaction<'static, $db>,
                business_id: $crate::domain::BusinessId,
                events: &[$crate::storage::settle::NewEvent],
                now: i64,
                lease: Option<i64>,
            ) -> $crate::storage::StoreResult<Vec<($crate::domain::Delivery, $crate::domain::payment::PaymentEvent)>> {
                use $crate::storage::StoreError;
                let mut stored = std::collections::HashMap::with_capacity(events.len());
                let mut ids = Vec::with_capacity(events.len());
                for e in events {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO payment_events (business_id, payment_request_id, account_id, \
                         type, data, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(business_id)
                    .bind(e.request_id)
                    .bind(e.account_id)
                    .bind(e.kind.as_str())
                    .bind(&e.data)
                    .bind(now)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                    ids.push(id);
                    stored.insert(id, $crate::domain::payment::PaymentEvent {
                        id,
                        business_id,
                        payment_request_id: e.request_id,
                        account_id: e.account_id,
                        kind: e.kind.as_str().to_string(),
                        data: e.data.clone(),
                        created_at: now,
                    });
                }
                let mut enqueued = Vec::new();
                for chunk in ids.chunks($crate::storage::sql::INSERT_CHUNK) {
                    let sql = $crate::storage::sql::enqueue_events_sql(chunk.len());
                    let mut query = sqlx::query_as(&sql).bind(business_id).bind(now).bind(lease);
                    for id in chunk {
                        query = query.bind(*id);
                    }
                    let rows: Vec<$crate::storage::sql::DeliveryRow> =
                        query.fetch_all(&mut **tx).await.map_err(StoreError::from_sqlx)?;
                    for delivery in rows.into_iter().map($crate::domain::Delivery::from) {
                        if let Some(event) = delivery.event_id.and_then(|id| stored.get(&id)) {
                            enqueued.push((delivery, event.clone()));
                        }
                    }
                }
                Ok(enqueued)
            }
        }
    };
}

pub(super) use impl_settle;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_cover_whole_and_cut_codes() {
        let chunks = heads(
            ["MBVCB.12.dh 7kq3m9".to_string()]
                .iter()
                .map(String::as_str),
        );
        let all: Vec<&String> = chunks.iter().flatten().collect();
        for head in ["DH7KQ3M", "DH7", "KQ3M9", "MBV"] {
            assert!(all.iter().any(|h| *h == head), "{head} in {all:?}");
        }
        assert!(all.iter().all(|h| (3..=HEAD_LEN).contains(&h.len())));
        assert_eq!(code_head("DH7KQ3M9XA"), "DH7KQ3M");
        assert_eq!(code_head("DH12"), "DH12");
        assert!(heads(std::iter::once("ab")).is_empty());
    }
}
