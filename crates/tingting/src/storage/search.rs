//! The SQL of the dashboard's transaction searches, shared by both backends: a filter (text,
//! account, days, direction) over one business's transactions, pages newest first, and counts.
//!
//! Text matching is case-insensitive with `LIKE` (no full-text index): the searched columns are
//! joined by a newline (which search text never contains, so a match never spans two fields)
//! and compared three ways, because the backends' `lower()` differ: SQLite's folds only ASCII,
//! PostgreSQL's follows its locale. The lowercased pattern against `lower(...)` covers ASCII
//! everywhere and Unicode where the database folds it; the uppercased pattern as-is covers bank
//! texts written in capitals (`ĐƠN HÀNG` found by `đơn hàng` on SQLite too); the text as typed
//! covers the rest. `%`, `_` and `\` in the text are taken literally (`ESCAPE '\'`).

use sqlx::QueryBuilder;

use super::sql::TRANSACTION_COLUMNS;
use super::{Direction, SearchPage, TransactionFilter};
use crate::domain::time::day_start_ms;

/// Longest search text used, in characters; the rest is ignored.
pub const MAX_SEARCH_TEXT: usize = 200;

/// The searched columns, as one text.
const SEARCHED: &str =
    "(description || '\n' || reference || '\n' || counterparty_name || '\n' || counterparty_account)";

/// Search text as used: without control characters (newlines could match across fields),
/// trimmed, at most [`MAX_SEARCH_TEXT`] characters.
pub fn clean_text(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_SEARCH_TEXT)
        .collect();
    kept.trim().to_string()
}

/// A `LIKE ... ESCAPE '\'` pattern matching `text` anywhere, with `%`, `_` and `\` in it taken
/// literally.
pub fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Appends the conditions selecting `filter`'s transactions of the business (after `WHERE`).
fn push_filter<'a, DB: sqlx::Database>(
    qb: &mut QueryBuilder<'a, DB>,
    business_id: i64,
    filter: &TransactionFilter,
) where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    qb.push("business_id = ").push_bind(business_id);
    if let Some(account_id) = filter.account_id {
        qb.push(" AND account_id = ").push_bind(account_id);
    }
    if let Some(day) = filter.from_day {
        qb.push(" AND booked_at >= ").push_bind(day_start_ms(day));
    }
    if let Some(day) = filter.to_day {
        qb.push(" AND booked_at < ")
            .push_bind(day_start_ms(day.saturating_add(1)));
    }
    match filter.direction {
        Some(Direction::In) => {
            qb.push(" AND amount > 0");
        }
        Some(Direction::Out) => {
            qb.push(" AND amount < 0");
        }
        None => {}
    }
    let text = clean_text(&filter.text);
    if !text.is_empty() {
        qb.push(format!(" AND (lower({SEARCHED}) LIKE "))
            .push_bind(contains_pattern(&text.to_lowercase()))
            .push(format!(" ESCAPE '\\' OR {SEARCHED} LIKE "))
            .push_bind(contains_pattern(&text.to_uppercase()))
            .push(format!(" ESCAPE '\\' OR {SEARCHED} LIKE "))
            .push_bind(contains_pattern(&text))
            .push(" ESCAPE '\\')");
    }
}

/// A page of the business's transactions that `filter` selects, newest first (booking time,
/// then id); after `page.before` when given.
pub(super) fn search_query<'a, DB: sqlx::Database>(
    business_id: i64,
    filter: &TransactionFilter,
    page: &SearchPage,
) -> QueryBuilder<'a, DB>
where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    DB::Arguments<'a>: Default,
{
    let mut qb = QueryBuilder::new(format!(
        "SELECT {TRANSACTION_COLUMNS} FROM transactions WHERE "
    ));
    push_filter(&mut qb, business_id, filter);
    if let Some((booked_at, id)) = page.before {
        // The first condition alone bounds the index range; the second breaks ties.
        qb.push(" AND booked_at <= ")
            .push_bind(booked_at)
            .push(" AND (booked_at < ")
            .push_bind(booked_at)
            .push(" OR id < ")
            .push_bind(id)
            .push(")");
    }
    qb.push(" ORDER BY booked_at DESC, id DESC LIMIT ")
        .push_bind(page.limit)
        .push(" OFFSET ")
        .push_bind(page.offset);
    qb
}

/// How many transactions `filter` selects: without text, summed from `daily_totals` (one row
/// per account and day, never a scan of transactions); with text, counted.
pub(super) fn count_query<'a, DB: sqlx::Database>(
    business_id: i64,
    filter: &TransactionFilter,
) -> QueryBuilder<'a, DB>
where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    DB::Arguments<'a>: Default,
{
    if !clean_text(&filter.text).is_empty() {
        let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM transactions WHERE ");
        push_filter(&mut qb, business_id, filter);
        return qb;
    }
    let column = match filter.direction {
        Some(Direction::In) => "credit_count",
        Some(Direction::Out) => "debit_count",
        None => "txn_count",
    };
    let mut qb = QueryBuilder::new(format!(
        "SELECT CAST(COALESCE(SUM({column}), 0) AS BIGINT) FROM daily_totals WHERE business_id = "
    ));
    qb.push_bind(business_id);
    if let Some(account_id) = filter.account_id {
        qb.push(" AND account_id = ").push_bind(account_id);
    }
    if let Some(day) = filter.from_day {
        qb.push(" AND day >= ").push_bind(day);
    }
    if let Some(day) = filter.to_day {
        qb.push(" AND day <= ").push_bind(day);
    }
    qb
}

/// Money in and out per day of business `$1` from day `$2` to day `$3`, over its accounts.
pub(super) const DAILY_FLOWS: &str = "SELECT day, \
    CAST(SUM(credit_count) AS BIGINT), CAST(SUM(credit_amount) AS BIGINT), \
    CAST(SUM(debit_count) AS BIGINT), CAST(SUM(debit_amount) AS BIGINT) \
    FROM daily_totals WHERE business_id = $1 AND day >= $2 AND day <= $3 \
    GROUP BY day ORDER BY day";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_take_wildcards_literally() {
        assert_eq!(contains_pattern("don hang"), "%don hang%");
        assert_eq!(contains_pattern("50%"), "%50\\%%");
        assert_eq!(contains_pattern("a_b"), "%a\\_b%");
        assert_eq!(contains_pattern("c:\\x"), "%c:\\\\x%");
        assert_eq!(contains_pattern(""), "%%");
        assert_eq!(contains_pattern("Đơn"), "%Đơn%");
    }

    #[test]
    fn search_text_is_cleaned() {
        assert_eq!(clean_text("  DH123 \n"), "DH123");
        assert_eq!(clean_text("a\nb\tc"), "abc");
        assert_eq!(clean_text(&"x".repeat(500)).len(), MAX_SEARCH_TEXT);
        assert_eq!(clean_text(" \r\n "), "");
    }

    #[test]
    fn the_search_is_scoped_and_escaped() {
        let filter = TransactionFilter {
            text: "50%".into(),
            account_id: Some(3),
            from_day: Some(1),
            to_day: Some(2),
            direction: Some(Direction::In),
        };
        let page = SearchPage {
            before: Some((5, 6)),
            offset: 0,
            limit: 10,
        };
        let sql = search_query::<sqlx::Postgres>(7, &filter, &page)
            .sql()
            .to_string();
        assert!(
            sql.contains("WHERE business_id = $1 AND account_id = $2 AND booked_at >= $3 AND booked_at < $4 AND amount > 0"),
            "{sql}"
        );
        assert_eq!(sql.matches("ESCAPE '\\'").count(), 3, "{sql}");
        assert!(
            sql.contains("lower((description || '\n' || reference"),
            "{sql}"
        );
        assert!(
            sql.ends_with("ORDER BY booked_at DESC, id DESC LIMIT $11 OFFSET $12"),
            "{sql}"
        );

        let plain = TransactionFilter {
            direction: Some(Direction::Out),
            ..TransactionFilter::default()
        };
        let count = count_query::<sqlx::Postgres>(7, &plain).sql().to_string();
        assert_eq!(
            count,
            "SELECT CAST(COALESCE(SUM(debit_count), 0) AS BIGINT) FROM daily_totals WHERE business_id = $1"
        );
        let count = count_query::<sqlx::Postgres>(7, &filter).sql().to_string();
        assert!(count.starts_with("SELECT COUNT(*) FROM transactions WHERE business_id = $1"));
    }
}
