//! `GET /dashboard/transactions`: the business's transactions, newest first, searched and
//! filtered (`q`, `account`, `from`, `to`, `direction`, `page`), and
//! `GET /dashboard/transactions/{id}`: one transaction with its raw source text and webhook
//! deliveries. Parameters that do not make sense are shown as messages above the form (400),
//! never as an error page.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Serialize;

use super::{last_value, page_number, query_pairs, AccountNames, TransactionRow, View, Viewer};
use crate::domain::time::{day_of_date, render_vn};
use crate::domain::{BankAccount, Delivery, Transaction};
use crate::http::page::{self, money};
use crate::http::session::SessionUser;
use crate::http::AppState;
use crate::storage::{Direction, SearchPage, StoreResult, TransactionFilter};

/// Transactions per page.
pub const PAGE_SIZE: i64 = 50;

/// The list's parameters as typed: they refill the form and make its links.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Params {
    /// Search text.
    pub q: String,
    /// An account id, or "" for all.
    pub account: String,
    /// First day, `YYYY-MM-DD`, or "".
    pub from: String,
    /// Last day, `YYYY-MM-DD`, or "".
    pub to: String,
    /// `in`, `out`, or "" (all).
    pub direction: String,
    /// The page, from 1.
    pub page: i64,
}

impl Params {
    /// The parameters of a query string's pairs (a repeated one takes its last value; unknown
    /// ones are ignored; a page that is not a positive number is the first).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let last = |name: &str| last_value(pairs, name);
        let direction = last("direction");
        Self {
            q: crate::storage::clean_search_text(&last("q")),
            account: last("account"),
            from: last("from"),
            to: last("to"),
            direction: if direction == "all" {
                String::new()
            } else {
                direction
            },
            page: page_number(pairs),
        }
    }

    /// The filter these parameters select among `accounts` (the business's), or what is wrong
    /// with them: keys of the texts' `errors`.
    pub fn filter(&self, accounts: &[BankAccount]) -> Result<TransactionFilter, Vec<&'static str>> {
        let mut errors = Vec::new();
        let account_id = match self.account.as_str() {
            "" | "all" => None,
            id => match id.parse::<i64>() {
                Ok(id) if accounts.iter().any(|a| a.id == id) => Some(id),
                _ => {
                    errors.push("bad_account");
                    None
                }
            },
        };
        let day = |text: &str, error: &'static str, errors: &mut Vec<&'static str>| {
            if text.is_empty() {
                return None;
            }
            match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(date) => Some(day_of_date(date)),
                Err(_) => {
                    errors.push(error);
                    None
                }
            }
        };
        let from_day = day(&self.from, "bad_from", &mut errors);
        let to_day = day(&self.to, "bad_to", &mut errors);
        if let (Some(from), Some(to)) = (from_day, to_day) {
            if from > to {
                errors.push("range");
            }
        }
        let direction = match self.direction.as_str() {
            "" => None,
            "in" => Some(Direction::In),
            "out" => Some(Direction::Out),
            _ => {
                errors.push("bad_direction");
                None
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(TransactionFilter {
            text: self.q.clone(),
            account_id,
            from_day,
            to_day,
            direction,
        })
    }

    /// The query string of these filters in `lang`, with `page` when given.
    pub fn query(&self, lang: &str, page: Option<i64>) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("q", &self.q),
            ("account", &self.account),
            ("from", &self.from),
            ("to", &self.to),
            ("direction", &self.direction),
        ] {
            if !value.is_empty() {
                query.append_pair(name, value);
            }
        }
        if let Some(page) = page {
            query.append_pair("page", &page.to_string());
        }
        query.append_pair("lang", lang);
        query.finish()
    }
}

/// The list page.
pub async fn list(
    State(state): State<AppState>,
    Viewer {
        user, lang, uri, ..
    }: Viewer,
) -> Response {
    let params = Params::from_pairs(&query_pairs(&uri));
    let (status, context) = match list_context(&state, &user, lang, &params).await {
        Ok(found) => found,
        Err(e) => return page::unavailable(e),
    };
    let view = View {
        user: &user,
        lang,
        uri: &uri,
        active: "transactions",
    };
    view.render(&state, status, "dashboard/transactions.html", context)
        .await
}

/// What the list shows, and its status: 400 when the parameters do not make sense.
async fn list_context(
    state: &AppState,
    user: &SessionUser,
    lang: &'static str,
    params: &Params,
) -> StoreResult<(StatusCode, minijinja::Value)> {
    let accounts = state.store.list_accounts(user.business_id).await?;
    let names = AccountNames::new(&accounts, state.banks);
    let choices = names.choices(&accounts);
    let (status, errors, rows, total) = match params.filter(&accounts) {
        Err(errors) => (StatusCode::BAD_REQUEST, errors, Vec::new(), 0),
        Ok(filter) => {
            let total = state
                .store
                .count_transactions(user.business_id, &filter)
                .await?;
            let found = state
                .store
                .search_transactions(
                    user.business_id,
                    &filter,
                    &SearchPage {
                        before: None,
                        offset: (params.page - 1) * PAGE_SIZE,
                        limit: PAGE_SIZE,
                    },
                )
                .await?;
            let rows: Vec<TransactionRow> = found
                .iter()
                .map(|t| TransactionRow::new(t, &names, lang))
                .collect();
            (StatusCode::OK, Vec::new(), rows, total)
        }
    };
    let pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
    let page = params.page;
    let link = |p: i64| format!("/dashboard/transactions?{}", params.query(lang, Some(p)));
    Ok((
        status,
        minijinja::context! {
            params,
            errors,
            accounts => choices,
            rows,
            total,
            page,
            pages => pages.max(1),
            prev_url => (page > 1).then(|| link((page - 1).min(pages.max(1)))),
            next_url => (page < pages).then(|| link(page + 1)),
            export_url => format!("/dashboard/transactions.csv?{}", params.query(lang, None)),
        },
    ))
}

/// A delivery as the detail page shows it.
#[derive(Debug, Clone, Serialize)]
struct DeliveryView {
    id: i64,
    webhook: String,
    status: &'static str,
    attempts: i64,
    http_status: Option<i64>,
    error: String,
    created_at: String,
    delivered_at: String,
}

impl DeliveryView {
    fn new(d: &Delivery, urls: &HashMap<i64, String>) -> Self {
        Self {
            id: d.id,
            webhook: urls
                .get(&d.webhook_id)
                .cloned()
                .unwrap_or_else(|| format!("#{}", d.webhook_id)),
            status: d.status.as_str(),
            attempts: d.attempts,
            http_status: d.last_http_status,
            error: d.last_error.clone(),
            created_at: render_vn(d.created_at),
            delivered_at: d.delivered_at.map(render_vn).unwrap_or_default(),
        }
    }
}

/// The detail page of one transaction of the business; 404 for any other id.
pub async fn detail(
    State(state): State<AppState>,
    Viewer {
        user, lang, uri, ..
    }: Viewer,
) -> Response {
    // The id is read from the path here, so that no id (not a number, not UTF-8) is ever
    // anything but this page's 404.
    let id = uri.path().rsplit('/').next().unwrap_or("");
    let view = View {
        user: &user,
        lang,
        uri: &uri,
        active: "transactions",
    };
    let found = match id.parse::<i64>() {
        Ok(id) => detail_context(&state, &user, lang, id).await,
        Err(_) => Ok(None),
    };
    match found {
        Ok(Some(context)) => {
            view.render(
                &state,
                StatusCode::OK,
                "dashboard/transaction.html",
                context,
            )
            .await
        }
        Ok(None) => {
            view.render(
                &state,
                StatusCode::NOT_FOUND,
                "dashboard/message.html",
                minijinja::context! { message => "not_found" },
            )
            .await
        }
        Err(e) => page::unavailable(e),
    }
}

/// What the detail page shows; None when the business has no such transaction.
async fn detail_context(
    state: &AppState,
    user: &SessionUser,
    lang: &'static str,
    id: i64,
) -> StoreResult<Option<minijinja::Value>> {
    let business = user.business_id;
    let Some(t) = state.store.get_transaction(business, id).await? else {
        return Ok(None);
    };
    let accounts = state.store.list_accounts(business).await?;
    let names = AccountNames::new(&accounts, state.banks);
    let deliveries = state.store.transaction_deliveries(business, id).await?;
    let urls: HashMap<i64, String> = if deliveries.is_empty() {
        HashMap::new()
    } else {
        state
            .store
            .list_webhooks(business)
            .await?
            .into_iter()
            .map(|w| (w.id, w.spec.url.as_str().to_string()))
            .collect()
    };
    let deliveries: Vec<DeliveryView> = deliveries
        .iter()
        .map(|d| DeliveryView::new(d, &urls))
        .collect();
    Ok(Some(minijinja::context! {
        row => TransactionRow::new(&t, &names, lang),
        fields => fields(&t),
        raw => &t.fields.raw,
        deliveries,
        back_url => format!("/dashboard/transactions?lang={lang}"),
    }))
}

/// The transaction's other fields as `(text key, value)`, those with a value.
fn fields(t: &Transaction) -> Vec<(&'static str, String)> {
    let f = &t.fields;
    [
        ("received_at", render_vn(t.created_at)),
        ("reference", f.reference.clone()),
        (
            "running_balance",
            f.running_balance.map(money).unwrap_or_default(),
        ),
        ("counterparty_name", f.counterparty_name.clone()),
        ("counterparty_account", f.counterparty_account.clone()),
        ("counterparty_bank", f.counterparty_bank.clone()),
        (
            "virtual_account",
            [f.virtual_account.as_str(), f.virtual_account_name.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" · "),
        ),
        ("payment_channel", f.payment_channel.clone()),
        ("source", f.source.clone()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    fn account(id: i64) -> BankAccount {
        BankAccount {
            id,
            business_id: 1,
            bank_bin: 970416,
            account_number: "12345678".into(),
            account_name: None,
            balance: None,
            created_at: 0,
        }
    }

    #[test]
    fn parameters_parse_or_say_what_is_wrong() {
        let p = Params::from_pairs(&pairs(
            "q=+DH42+&account=3&from=2026-11-01&to=2026-11-30&direction=in&page=2&page=3",
        ));
        assert_eq!(p.q, "DH42");
        assert_eq!(p.page, 3, "the last value wins");
        let f = p.filter(&[account(3)]).unwrap();
        assert_eq!(f.account_id, Some(3));
        assert_eq!(f.direction, Some(Direction::In));
        assert_eq!(
            f.to_day.unwrap() - f.from_day.unwrap(),
            29,
            "both ends inclusive"
        );

        for (query, errors) in [
            ("from=2026-13-01", vec!["bad_from"]),
            ("to=yesterday", vec!["bad_to"]),
            ("from=2026-11-30&to=2026-11-01", vec!["range"]),
            ("account=4", vec!["bad_account"]),
            (
                "account=x&direction=sideways",
                vec!["bad_account", "bad_direction"],
            ),
        ] {
            assert_eq!(
                Params::from_pairs(&pairs(query)).filter(&[account(3)]),
                Err(errors),
                "{query}"
            );
        }
        for page in ["page=0", "page=-4", "page=abc", "page=", ""] {
            assert_eq!(Params::from_pairs(&pairs(page)).page, 1, "{page}");
        }
        assert_eq!(
            Params::from_pairs(&pairs("page=99999999999999999999")).page,
            1,
            "not a number that fits"
        );
        assert_eq!(
            Params::from_pairs(&pairs("page=9999999")).page,
            crate::http::routes::dashboard::MAX_PAGE
        );
        let all = Params::from_pairs(&pairs("direction=all&account=all"));
        assert_eq!(all.filter(&[]), Ok(TransactionFilter::default()));
    }

    #[test]
    fn links_keep_the_filters() {
        let p = Params::from_pairs(&pairs("q=50%25 off&direction=out&page=4"));
        assert_eq!(
            p.query("en", Some(5)),
            "q=50%25+off&direction=out&page=5&lang=en"
        );
        assert_eq!(p.query("vi", None), "q=50%25+off&direction=out&lang=vi");
    }
}
