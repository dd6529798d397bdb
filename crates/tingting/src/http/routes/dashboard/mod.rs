//! The dashboard (**ours**): server-rendered pages where a business owner, signed in with a
//! browser session, sees their money and manages what tingting does with it.
//!
//! - `/dashboard` ([`overview`]): today's and this month's money in and out, a 30-day chart,
//!   the latest transactions arriving live (`/dashboard/live`, [`live`]), accounts and feed
//!   health;
//! - `/dashboard/transactions` ([`transactions`], [`export`]): search and filters, paged, the
//!   same selection as CSV, one transaction with its raw source text and webhook deliveries;
//! - `/dashboard/accounts` ([`accounts`], [`account`]): bank accounts, their feeds (the ingest
//!   URL of a notification feed with its QR code), unparsed texts, statement upload;
//! - `/dashboard/payments` ([`payments`]): payment requests with their VietQR codes;
//! - `/dashboard/webhooks` ([`webhooks`], [`webhook`]): webhooks, their secrets, test pings,
//!   delivery log, retry and replay;
//! - `/dashboard/keys` ([`keys`]): API keys and authorized partner apps.
//!
//! Every handler takes [`SessionUser`] (signed out: a redirect to the login page), or
//! [`Posted`] for a form (its CSRF token checked first), and reads only the rows of
//! `user.business_id`. Pages are Vietnamese by default, English with `?lang=en` or an English
//! Accept-Language; their texts live in `templates/dashboard/texts.json`, side by side. Their
//! few small scripts are shipped in the binary and served by [`javascript`].

pub mod account;
pub mod accounts;
pub mod chart;
pub mod export;
pub mod keys;
pub mod live;
pub mod overview;
pub mod payments;
pub mod transactions;
pub mod webhook;
pub mod webhooks;

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;

use crate::domain::time::render_vn;
use crate::domain::{BankAccount, BankDirectory, Transaction};
use crate::http::page::{self, money};
use crate::http::session::SessionUser;
use crate::http::AppState;

/// The dashboard's routes (each handler checks the session itself).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(overview::overview))
        .route("/dashboard/transactions", get(transactions::list))
        .route("/dashboard/transactions.csv", get(export::export))
        .route("/dashboard/transactions/{id}", get(transactions::detail))
        .route("/dashboard/live", get(live::live))
        .route("/dashboard/keys", get(keys::page).post(keys::create))
        .route("/dashboard/keys/{id}/label", post(keys::relabel_key))
        .route("/dashboard/keys/{id}/revoke", post(keys::revoke_key))
        .route("/dashboard/apps/{client_id}/revoke", post(keys::revoke_app))
        .route("/dashboard/dashboard.js", get(script))
        .route(
            "/dashboard/payments",
            get(payments::list).post(payments::create),
        )
        .route("/dashboard/payments/{id}", get(payments::detail))
        .route("/dashboard/payments/{id}/cancel", post(payments::cancel))
        .route("/dashboard/payments.js", get(payments::script))
        .route(
            "/dashboard/webhooks",
            get(webhooks::page).post(webhooks::create),
        )
        .route(
            "/dashboard/webhooks/{id}",
            get(webhook::page).post(webhook::update),
        )
        .route("/dashboard/webhooks/{id}/delete", post(webhook::delete))
        .route("/dashboard/webhooks/{id}/test", post(webhook::test))
        .route("/dashboard/webhooks/{id}/rotate", post(webhook::rotate))
        .route("/dashboard/webhooks/{id}/replay", post(webhook::replay))
        .route(
            "/dashboard/webhooks/{id}/deliveries/{delivery}/retry",
            post(webhook::retry),
        )
        .route("/dashboard/webhooks.js", get(webhook::script))
        .route(
            "/dashboard/accounts",
            get(accounts::list).post(accounts::add),
        )
        .route("/dashboard/accounts/{id}", get(account::page))
        .route("/dashboard/accounts/{id}/feeds", post(account::add_feed))
        .route(
            "/dashboard/accounts/{id}/feeds/{feed_id}/disable",
            post(account::disable_feed),
        )
        .route(
            "/dashboard/accounts/{id}/feeds/{feed_id}/token",
            post(account::new_url),
        )
        .route(
            "/dashboard/accounts/{id}/feeds/{feed_id}/enable",
            post(account::enable_feed),
        )
        .route(
            "/dashboard/accounts/{id}/feeds/{feed_id}/settings",
            post(account::settings),
        )
        .route("/dashboard/accounts/{id}/reparse", post(account::reparse))
        .route("/dashboard/accounts.js", get(account::script))
}

/// The dashboard's statement upload: merged outside the 1 MiB body limit of the other
/// routes, it counts its own size (up to [`crate::http::routes::statements::UPLOAD_LIMIT`],
/// like the API's upload).
pub fn uploads() -> Router<AppState> {
    Router::new()
        .route("/dashboard/accounts/{id}/statements", post(account::upload))
        .layer(axum::extract::DefaultBodyLimit::disable())
}

/// The Content-Security-Policy of dashboard pages: this site's own script and event stream,
/// inline styles, nothing from anywhere else.
pub const CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; \
                       style-src 'unsafe-inline'; img-src data:; form-action 'self'; \
                       frame-ancestors 'none'; base-uri 'none'";

/// The dashboard's texts in one language (`vi` or `en`): the `texts.json` object.
pub fn texts(lang: &str) -> &'static serde_json::Value {
    static TEXTS: OnceLock<serde_json::Value> = OnceLock::new();
    let all = TEXTS.get_or_init(|| {
        serde_json::from_str(include_str!("../../../../templates/dashboard/texts.json"))
            .expect("the dashboard texts parse")
    });
    &all[if lang == "en" { "en" } else { "vi" }]
}

/// One text of [`texts`] by key ("" when missing).
pub fn text(lang: &str, key: &str) -> &'static str {
    texts(lang)[key].as_str().unwrap_or("")
}

/// `GET /dashboard/dashboard.js`: the script of the overview's live list.
pub async fn script() -> Response {
    javascript(include_str!("../../../../templates/dashboard/dashboard.js"))
}

/// A script shipped in the binary, as served to anyone (scripts hold no secrets).
pub fn javascript(source: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        source,
    )
        .into_response()
}

/// Where a dashboard page is and for whom: what its frame (navigation, language switch,
/// sign-out form) needs.
pub struct View<'a> {
    /// The signed-in person.
    pub user: &'a SessionUser,
    /// The page language.
    pub lang: &'static str,
    /// The request's URI (for the language switch).
    pub uri: &'a Uri,
    /// The navigation entry to mark: `overview`, `transactions`, `accounts`, `payments`,
    /// `webhooks` or `keys`.
    pub active: &'static str,
}

impl View<'_> {
    /// Renders `template` (a page extending `dashboard/layout.html`) with `context` and the
    /// frame's values; a 503 page when the database or the template fails.
    pub async fn render(
        &self,
        state: &AppState,
        status: StatusCode,
        template: &str,
        context: minijinja::Value,
    ) -> Response {
        let business_name = match state.store.get_business(self.user.business_id).await {
            Ok(business) => business.map(|b| b.name).unwrap_or_default(),
            Err(e) => return page::unavailable(e),
        };
        let lang = self.lang;
        let context = minijinja::context! {
            lang,
            t => minijinja::Value::from_serialize(texts(lang)),
            active => self.active,
            switch_url => switch_url(self.uri, text(lang, "other_code")),
            business_name,
            email => &self.user.email,
            csrf => &self.user.csrf_token,
            ..context
        };
        match page::templates()
            .get_template(template)
            .and_then(|t| t.render(context))
        {
            Ok(body) => page::html_with_csp(status, body, CSP),
            Err(e) => page::unavailable(e),
        }
    }
}

/// The request's query pairs (undecodable bytes replaced; never an error).
pub fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A submitted form (`application/x-www-form-urlencoded`): its fields in order, repeated
/// names kept.
pub struct Form(Vec<(String, String)>);

impl Form {
    /// The fields of a request body (undecodable bytes replaced; never an error).
    pub fn parse(body: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of field `name` ("" when missing).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of field `name`, in order (ticked checkboxes).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// A form the signed-in person posted from a dashboard page: the session, the page language,
/// the request URI and the fields. The form's CSRF token is checked before any handler runs:
/// without the session's token the answer is the 403 page and nothing is done.
pub struct Posted {
    /// The signed-in person.
    pub user: SessionUser,
    /// The page language.
    pub lang: &'static str,
    /// The request's URI (pages rendered in answer keep its language switch).
    pub uri: Uri,
    /// The request's headers.
    pub headers: HeaderMap,
    /// The submitted fields.
    pub form: Form,
}

impl FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let Viewer {
            user,
            lang,
            uri,
            headers,
        } = Viewer::from_request_parts(&mut parts, state).await?;
        // The router's body limit has already refused a larger request.
        let Ok(body) = axum::body::to_bytes(body, crate::http::BODY_LIMIT).await else {
            return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response());
        };
        let form = Form::parse(&body);
        if !user.check_csrf(form.get("csrf")) {
            return Err(page::forbidden(lang));
        }
        Ok(Self {
            user,
            lang,
            uri,
            headers,
            form,
        })
    }
}

/// The signed-in person asking for a dashboard page: the session (signed out: the redirect
/// to the login page), the page language, the request URI and headers.
pub struct Viewer {
    /// The signed-in person.
    pub user: SessionUser,
    /// The page language (`?lang=`, else Accept-Language; Vietnamese by default).
    pub lang: &'static str,
    /// The request's URI (its query, and the language switch of the page).
    pub uri: Uri,
    /// The request's headers.
    pub headers: HeaderMap,
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let user = SessionUser::from_request_parts(parts, state).await?;
        Ok(Self {
            user,
            lang: page::request_language(&parts.uri, &parts.headers),
            uri: parts.uri.clone(),
            headers: parts.headers.clone(),
        })
    }
}

/// The value of query parameter `name`, trimmed; a repeated one's last ("" when missing).
pub fn last_value(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

/// The last page number a list follows (its offset stays far from overflowing).
pub const MAX_PAGE: i64 = 1_000_000;

/// Query parameter `page`: from 1 to [`MAX_PAGE`]; 1 when missing or not a positive number.
pub fn page_number(pairs: &[(String, String)]) -> i64 {
    last_value(pairs, "page")
        .parse::<i64>()
        .ok()
        .filter(|p| *p >= 1)
        .map_or(1, |p| p.min(MAX_PAGE))
}

/// This page in the other language: the same path and query with `lang=other`.
fn switch_url(uri: &Uri, other: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in query_pairs(uri).iter().filter(|(k, _)| k != "lang") {
        query.append_pair(k, v);
    }
    query.append_pair("lang", other);
    format!("{}?{}", uri.path(), query.finish())
}

/// How a business's accounts are named on its pages: `ACB · 12345678`.
pub struct AccountNames(HashMap<i64, (String, String)>);

impl AccountNames {
    /// The names of `accounts`, banks from `banks` (by BIN; the BIN itself when unknown).
    pub fn new(accounts: &[BankAccount], banks: &BankDirectory) -> Self {
        Self(
            accounts
                .iter()
                .map(|a| {
                    let bank = banks
                        .by_bin(a.bank_bin)
                        .map_or_else(|| a.bank_bin.to_string(), |b| b.short_name.clone());
                    (a.id, (bank, a.account_number.clone()))
                })
                .collect(),
        )
    }

    /// The bank and number of an account ("" and `#id` when unknown).
    pub fn parts(&self, account_id: i64) -> (&str, String) {
        self.0.get(&account_id).map_or_else(
            || ("", format!("#{account_id}")),
            |(bank, number)| (bank.as_str(), number.clone()),
        )
    }

    /// `ACB · 12345678`.
    pub fn label(&self, account_id: i64) -> String {
        match self.parts(account_id) {
            ("", number) => number,
            (bank, number) => format!("{bank} · {number}"),
        }
    }
}

/// An account as a form or a filter offers it.
#[derive(Debug, Clone, Serialize)]
pub struct AccountChoice {
    /// Its id (the option's or checkbox's value).
    pub id: String,
    /// `ACB · 12345678`.
    pub label: String,
}

impl AccountNames {
    /// The choices of `accounts`, in their order.
    pub fn choices(&self, accounts: &[BankAccount]) -> Vec<AccountChoice> {
        accounts
            .iter()
            .map(|a| AccountChoice {
                id: a.id.to_string(),
                label: self.label(a.id),
            })
            .collect()
    }
}

/// A signed amount as the dashboard shows it: `+150.000 ₫`, `-20.000 ₫`.
pub fn signed_money(amount: i64) -> String {
    if amount > 0 {
        format!("+{}", money(amount))
    } else {
        money(amount)
    }
}

/// A transaction as the overview and the list show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransactionRow {
    /// Transaction id.
    pub id: i64,
    /// Its detail page.
    pub url: String,
    /// Booking time, Vietnam local (`YYYY-MM-DD HH:MM:SS`).
    pub time: String,
    /// Money in (else out).
    pub incoming: bool,
    /// The amount, signed: `+150.000 ₫`.
    pub amount_text: String,
    /// The bank's description.
    pub description: String,
    /// The counterparty's name, else its account ("" when unknown).
    pub counterparty: String,
    /// The account: `ACB · 12345678`.
    pub account: String,
}

impl TransactionRow {
    /// The row of `t`, linking to its page in `lang`.
    pub fn new(t: &Transaction, accounts: &AccountNames, lang: &str) -> Self {
        let f = &t.fields;
        let counterparty = if f.counterparty_name.is_empty() {
            f.counterparty_account.clone()
        } else {
            f.counterparty_name.clone()
        };
        Self {
            id: t.id,
            url: format!("/dashboard/transactions/{}?lang={lang}", t.id),
            time: render_vn(f.booked_at),
            incoming: f.amount > 0,
            amount_text: signed_money(f.amount),
            description: f.description.clone(),
            counterparty,
            account: accounts.label(t.account_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_text() {
        let (vi, en) = (texts("vi"), texts("en"));
        let keys = |v: &serde_json::Value| {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        assert_eq!(keys(vi), keys(en));
        assert_eq!(text("vi", "nav_overview"), "Tổng quan");
        assert_eq!(text("en", "nav_overview"), "Overview");
        assert_eq!(
            text("fr", "nav_overview"),
            "Tổng quan",
            "Vietnamese otherwise"
        );
        assert_eq!(
            vi["csv_columns"].as_array().unwrap().len(),
            en["csv_columns"].as_array().unwrap().len()
        );
    }

    #[test]
    fn the_language_switch_keeps_the_query() {
        let uri: Uri = "/dashboard/transactions?q=DH%2042&lang=vi&page=2"
            .parse()
            .unwrap();
        assert_eq!(
            switch_url(&uri, "en"),
            "/dashboard/transactions?q=DH+42&page=2&lang=en"
        );
        let uri: Uri = "/dashboard".parse().unwrap();
        assert_eq!(switch_url(&uri, "vi"), "/dashboard?lang=vi");
    }

    /// Renders a dashboard template in `lang` with `context` and the frame's values.
    fn render(template: &str, lang: &str, context: minijinja::Value) -> String {
        page::templates()
            .get_template(template)
            .unwrap()
            .render(minijinja::context! {
                lang,
                t => minijinja::Value::from_serialize(texts(lang)),
                active => "overview",
                switch_url => "/dashboard?lang=en",
                business_name => "<b>Hoa Sen</b>",
                email => "owner@hoasen.vn",
                csrf => "tok",
                ..context
            })
            .unwrap()
    }

    #[test]
    fn the_pages_render_and_escape() {
        let row = TransactionRow {
            id: 7,
            url: "/dashboard/transactions/7?lang=vi".into(),
            time: "2026-11-30 10:00:00".into(),
            incoming: true,
            amount_text: "+1.000 ₫".into(),
            description: "<script>alert(1)</script>".into(),
            counterparty: String::new(),
            account: "ACB · 1".into(),
        };
        let html = render(
            "dashboard/overview.html",
            "vi",
            minijinja::context! {
                today => overview::Totals::since(&[], 0),
                month => overview::Totals::since(&[], 0),
                chart => "<svg class=\"chart\"></svg>",
                latest => vec![row.clone()],
                latest_max => 10,
                live_url => "/dashboard/live?after=7&lang=vi",
                accounts => Vec::<()>::new(),
                feeds_enabled => 0,
                feeds_failing => 0,
            },
        );
        assert!(
            html.contains("<svg class=\"chart\"></svg>"),
            "the chart is inline"
        );
        assert!(!html.contains("<script>alert") && html.contains("&lt;script&gt;alert"));
        assert!(!html.contains("<b>Hoa Sen") && html.contains("&lt;b&gt;Hoa Sen"));
        assert!(html.contains(r#"name="csrf" value="tok""#));
        assert!(html.contains(r#"id="nav-overview" href="/dashboard?lang=vi" aria-current="page""#));
        assert!(html.contains("Tổng quan") && html.contains("Đăng xuất"));

        let html = render(
            "dashboard/transactions.html",
            "en",
            minijinja::context! {
                params => transactions::Params::default(),
                errors => vec!["range"],
                accounts => Vec::<()>::new(),
                rows => Vec::<TransactionRow>::new(),
            },
        );
        assert!(html.contains(r#"data-error="range""#) && html.contains("The start date must be"));
        assert!(
            !html.contains(r#"id="export""#),
            "no export of a filter in error"
        );

        let html = render(
            "dashboard/transaction.html",
            "en",
            minijinja::context! {
                row,
                fields => vec![("reference", "FT1")],
                raw => "SD TK 1 +1,000VND <x>",
                deliveries => Vec::<()>::new(),
                back_url => "/dashboard/transactions?lang=en",
            },
        );
        assert!(html.contains(">SD TK 1 +1,000VND &lt;x&gt;</pre>"));
        assert!(html.contains(r#"id="field-reference">FT1<"#) && html.contains("Reference"));
        let html = render(
            "dashboard/message.html",
            "vi",
            minijinja::context! { message => "not_found" },
        );
        assert!(html.contains("Không tìm thấy"));
        assert!(html.contains(r#"href="/dashboard/transactions?lang=vi""#));
        let html = render(
            "dashboard/message.html",
            "en",
            minijinja::context! {
                message => "pay_not_found",
                back_url => "/dashboard/payments?lang=en",
                back => "pay_back",
            },
        );
        assert!(
            html.contains(r#"href="/dashboard/payments?lang=en""#),
            "{html}"
        );
        assert!(html.contains("All payment requests"), "{html}");
    }

    #[test]
    fn amounts_carry_their_sign() {
        assert_eq!(signed_money(150_000), "+150.000 ₫");
        assert_eq!(signed_money(-20_000), "-20.000 ₫");
    }
}
