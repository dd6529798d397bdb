//! Payment matching in the ingest transaction, and payment events with their outbox rows. The
//! rules are [`crate::payments::matching`]'s; this is the SQL around them, shared by both
//! backends through [`impl_settle!`].

/// Credits whose requests are looked up by one query.
pub(super) const CREDITS_PER_LOOKUP: usize = 100;

/// The lookup of an account's requests that credits may pay: by expiry (see
/// [`crate::payments::matching::LATE_WINDOW_MS`]), and whose code's first seven characters
/// appear in `$4`, the credits' comparable descriptions joined by `|` (every code a description
/// contains, whole or cut short, passes; the matching rules then decide). `FOR UPDATE` follows
/// on PostgreSQL, so that a cancellation cannot slip between the match and its update.
pub(super) fn matchable_requests_sql(postgres: bool) -> String {
    format!(
        "SELECT {} FROM payment_requests WHERE business_id = $1 AND account_id = $2 \
         AND expires_at > $3 AND {}($4, substr(code, 1, 7)) > 0 ORDER BY id{}",
        super::sql::PAYMENT_COLUMNS,
        if postgres { "strpos" } else { "instr" },
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
            /// raises the events; returns how many event deliveries were enqueued.
            async fn settle(
                tx: &mut sqlx::Transaction<'static, $db>,
                business_id: $crate::domain::BusinessId,
                account_id: i64,
                credits: &mut [$crate::payments::matching::Credit<'_>],
                now: i64,
            ) -> $crate::storage::StoreResult<u64> {
                use $crate::payments::matching::{self, Found, LATE_WINDOW_MS};
                use $crate::storage::settle::{self, NewEvent};
                use $crate::storage::StoreError;
                let Some(earliest) = credits.iter().map(|c| c.booked_at).min() else {
                    return Ok(0);
                };
                let postgres = $backend == $crate::storage::Backend::Postgres;
                let lookup = settle::matchable_requests_sql(postgres);
                let mut found = std::collections::BTreeMap::new();
                for chunk in credits.chunks(settle::CREDITS_PER_LOOKUP) {
                    let haystack: Vec<String> =
                        chunk.iter().map(|c| paymatch::comparable(c.description)).collect();
                    let rows: Vec<$crate::storage::sql::PaymentRow> = sqlx::query_as(&lookup)
                        .bind(business_id)
                        .bind(account_id)
                        .bind(earliest.saturating_sub(LATE_WINDOW_MS))
                        .bind(haystack.join("|"))
                        .fetch_all(&mut **tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                    for row in rows {
                        let r: $crate::domain::payment::PaymentRequest = row.try_into()?;
                        found.insert(r.id, r);
                    }
                }
                if found.is_empty() {
                    return Ok(0);
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
                Self::raise(tx, business_id, &events, now).await
            }

            /// Stores `events` of one business and enqueues their deliveries; returns how many
            /// deliveries.
            async fn raise(
                tx: &mut sqlx::Transaction<'static, $db>,
                business_id: $crate::domain::BusinessId,
                events: &[$crate::storage::settle::NewEvent],
                now: i64,
            ) -> $crate::storage::StoreResult<u64> {
                use $crate::storage::StoreError;
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
                }
                let mut enqueued = 0;
                for chunk in ids.chunks($crate::storage::sql::INSERT_CHUNK) {
                    let sql = $crate::storage::sql::enqueue_events_sql(chunk.len());
                    let mut query = sqlx::query(&sql).bind(business_id).bind(now);
                    for id in chunk {
                        query = query.bind(*id);
                    }
                    enqueued += query
                        .execute(&mut **tx)
                        .await
                        .map_err(StoreError::from_sqlx)?
                        .rows_affected();
                }
                Ok(enqueued)
            }
        }
    };
}

pub(super) use impl_settle;
