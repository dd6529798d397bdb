//! `GET /dashboard/transactions.csv`: the transactions the list's filters select, all of them,
//! newest first, as CSV for a spreadsheet: UTF-8 with a byte-order mark (so that Excel reads
//! Vietnamese), a header row in the page language, amounts as plain signed integers (VND),
//! times in Vietnam local time. The rows are read and sent in chunks (keyset paging), so an
//! export of any size holds only one chunk in memory. Text cells that a spreadsheet would run
//! as a formula (starting with `=`, `+`, `-`, `@`) are prefixed with `'`.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::transactions::Params;
use super::{query_pairs, texts, AccountNames, Viewer};
use crate::domain::time::{render_vn, vn_today};
use crate::domain::{BusinessId, Transaction};
use crate::http::page;
use crate::http::AppState;
use crate::storage::{SearchPage, Store, StoreResult, TransactionFilter};

/// Rows read per query.
pub const CHUNK: i64 = 1000;

/// The export. Parameters that do not make sense get the list page with its messages (400).
pub async fn export(State(state): State<AppState>, viewer: Viewer) -> Response {
    let params = Params::from_pairs(&query_pairs(&viewer.uri));
    let accounts = match state.store.list_accounts(viewer.user.business_id).await {
        Ok(accounts) => accounts,
        Err(e) => return page::unavailable(e),
    };
    let Ok(filter) = params.filter(&accounts) else {
        return super::transactions::list(State(state), viewer).await;
    };
    let Viewer { user, lang, .. } = viewer;
    let names = AccountNames::new(&accounts, state.banks);
    let mut export = Export {
        store: state.store.clone(),
        business: user.business_id,
        filter,
        names,
        before: None,
        done: false,
    };
    // The first chunk is read before answering, so that a database failure is a 503 page
    // rather than a cut-off file.
    let first = match export.next_chunk().await {
        Ok(chunk) => chunk,
        Err(e) => return page::unavailable(e),
    };
    let mut head = String::from('\u{feff}');
    let columns: Vec<&str> = texts(lang)["csv_columns"]
        .as_array()
        .map(|c| c.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    push_record(&mut head, columns.iter().map(|c| cell(c)));
    head.push_str(&first);
    let rest = futures_util::stream::unfold(export, |mut export| async move {
        if export.done {
            return None;
        }
        match export.next_chunk().await {
            Ok(chunk) => Some((Ok(Bytes::from(chunk)), export)),
            Err(e) => {
                // The status is sent already: cut the download off so it is not taken whole.
                tracing::warn!(error = %e, "CSV export failed");
                export.done = true;
                Some((Err(std::io::Error::other("export failed")), export))
            }
        }
    });
    let body = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(head)) }),
        rest,
    );
    let name = format!(
        "attachment; filename=\"tingting-{}-{}.csv\"",
        texts(lang)["csv_name"].as_str().unwrap_or("transactions"),
        vn_today().format("%Y-%m-%d")
    );
    let mut response = (StatusCode::OK, Body::from_stream(body)).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// An export under way.
struct Export {
    store: Arc<dyn Store>,
    business: BusinessId,
    filter: TransactionFilter,
    names: AccountNames,
    /// The `(booked_at, id)` of the last row sent.
    before: Option<(i64, i64)>,
    /// No rows are left.
    done: bool,
}

impl Export {
    /// The next chunk of rows as CSV lines ("" at the end).
    async fn next_chunk(&mut self) -> StoreResult<String> {
        let rows = self
            .store
            .search_transactions(
                self.business,
                &self.filter,
                &SearchPage {
                    before: self.before,
                    offset: 0,
                    limit: CHUNK,
                },
            )
            .await?;
        self.done = (rows.len() as i64) < CHUNK;
        self.before = rows.last().map(|t| (t.fields.booked_at, t.id));
        let mut out = String::new();
        for t in &rows {
            record(&mut out, t, &self.names);
        }
        Ok(out)
    }
}

/// Appends the CSV line of `t`.
fn record(out: &mut String, t: &Transaction, names: &AccountNames) {
    let f = &t.fields;
    let (bank, number) = names.parts(t.account_id);
    push_record(
        out,
        [
            t.id.to_string(),
            render_vn(f.booked_at),
            cell(bank),
            cell(&number),
            f.amount.to_string(),
            cell(&f.description),
            cell(&f.reference),
            cell(&f.counterparty_name),
            cell(&f.counterparty_account),
            cell(&f.counterparty_bank),
            f.running_balance.map(|b| b.to_string()).unwrap_or_default(),
            cell(&f.source),
        ],
    );
}

/// A text cell: neutralised when a spreadsheet would read it as a formula.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Appends one CSV record (RFC 4180: fields with a comma, quote or line break are quoted,
/// quotes doubled; lines end with CRLF).
fn push_record(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_they_must_be() {
        let mut out = String::new();
        push_record(
            &mut out,
            [
                "plain".to_string(),
                "a,b".to_string(),
                "say \"hi\"".to_string(),
                "two\nlines".to_string(),
                String::new(),
                "Đơn hàng".to_string(),
            ],
        );
        assert_eq!(
            out,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,Đơn hàng\r\n"
        );
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+84901"), "'+84901");
        assert_eq!(cell("@SUM"), "'@SUM");
        assert_eq!(cell("CT DEN 123"), "CT DEN 123");
        assert_eq!(cell(""), "");
    }
}
