//! The dashboard's payment requests:
//!
//! - `GET /dashboard/payments`: the business's requests, newest first, filtered by status
//!   (`status`, `page`), and the form that creates one; `POST /dashboard/payments` creates it
//!   (the checks and order codes of `POST /v2/payment-requests`, [`requests::create`]) and
//!   goes to its page, or shows the form again with what is wrong (400); while the list shows
//!   a request that can still change, `payments.js` fetches the list again every few seconds;
//! - `GET /dashboard/payments/{id}`: one request with its VietQR code, its order code, the
//!   transfers matched to it and a link to its hosted checkout page; its status turns by
//!   itself while the page is open (`payments.js` listens to the checkout page's
//!   `/pay/{public_id}/events`);
//! - `POST /dashboard/payments/{id}/cancel`: cancels an open request ([`requests::cancel`]).
//!
//! Every form carries the session's CSRF token; every read and change is of
//! `user.business_id` only (another business's id is this page's 404).

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Serialize;

use super::{
    javascript, last_value, page_number, query_pairs, AccountNames, Form, Posted, View, Viewer,
};
use crate::domain::payment::{PaymentRequest, StatusFilter, DEFAULT_EXPIRY_S, MAX_DESCRIPTION};
use crate::domain::time::{now_ms, render_vn};
use crate::domain::BankAccount;
use crate::http::page::{self, money};
use crate::http::session::{self, SessionUser};
use crate::http::AppState;
use crate::payments::qr;
use crate::payments::requests::{self, CancelError, CreateError, CreatePayment, Defaults};
use crate::storage::{PaymentQuery, StoreError, StoreResult};

/// Requests per page.
pub const PAGE_SIZE: i64 = 20;
/// The statuses the filter offers, as shown.
const STATUSES: [&str; 5] = ["pending", "underpaid", "paid", "expired", "cancelled"];

/// The list's parameters as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Params {
    /// A shown status, or "" for all.
    pub status: String,
    /// The page, from 1.
    pub page: i64,
}

impl Params {
    /// The parameters of a query string's pairs (the last value of a repeated one; a page
    /// that is not a positive number is the first).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let last = |name: &str| last_value(pairs, name);
        let status = last("status");
        Self {
            status: if status == "all" {
                String::new()
            } else {
                status
            },
            page: page_number(pairs),
        }
    }

    /// The status filter, or the error's text key when the status is none of [`STATUSES`].
    pub fn filter(&self) -> Result<Option<StatusFilter>, &'static str> {
        match self.status.as_str() {
            "" => Ok(None),
            s => StatusFilter::parse(s).map(Some).ok_or("status"),
        }
    }

    /// The list's URL with these filters, page `page`, in `lang`.
    pub fn url(&self, lang: &str, page: i64) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if !self.status.is_empty() {
            query.append_pair("status", &self.status);
        }
        query.append_pair("page", &page.to_string());
        query.append_pair("lang", lang);
        format!("/dashboard/payments?{}", query.finish())
    }
}

/// The create form as typed (to fill it again when something is wrong).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// The account id.
    pub account: String,
    /// The amount as typed (`150000`, `150.000`, `150,000 ₫`).
    pub amount: String,
    /// The order code ("": generated).
    pub code: String,
    /// The description.
    pub description: String,
    /// Minutes until it expires.
    pub expires: String,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            account: String::new(),
            amount: String::new(),
            code: String::new(),
            description: String::new(),
            expires: (DEFAULT_EXPIRY_S / 60).to_string(),
        }
    }
}

impl Draft {
    /// The fields of a submitted form, trimmed.
    pub fn of(form: &Form) -> Self {
        let field = |name: &str| form.get(name).trim().to_string();
        Self {
            account: field("account"),
            amount: field("amount"),
            code: field("code"),
            description: field("description"),
            expires: field("expires"),
        }
    }

    /// The creation request of this form, for one of `accounts`; or the text keys (of
    /// `pay_errors`) of what cannot be read. What is read is checked by [`requests::create`].
    pub fn request(&self, accounts: &[BankAccount]) -> Result<CreatePayment, Vec<&'static str>> {
        let mut errors = Vec::new();
        let account_id = self
            .account
            .parse::<i64>()
            .ok()
            .filter(|id| accounts.iter().any(|a| a.id == *id));
        if account_id.is_none() {
            errors.push("account");
        }
        let amount = parse_amount(&self.amount);
        if amount.is_none() {
            errors.push("amount");
        }
        let expires = self
            .expires
            .parse::<i64>()
            .ok()
            .and_then(|m| m.checked_mul(60));
        if expires.is_none() {
            errors.push("expires");
        }
        let (Some(account_id), Some(amount), Some(expires)) = (account_id, amount, expires) else {
            return Err(errors);
        };
        let optional = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Ok(CreatePayment {
            account_id,
            amount,
            order_code: optional(&self.code),
            tolerance: None,
            description: optional(&self.description),
            expires_in_seconds: Some(expires),
            return_url: None,
            metadata: None,
        })
    }
}

/// A whole amount of VND as people type it: digits, grouped by thousands with `.`, `,` or
/// spaces (every group after the first of exactly 3 digits), optionally followed by `đ`, `₫`
/// or `VND`. None when it is not one: `150000.00` or `150.5` is refused rather than read as
/// a hundred times the amount.
pub fn parse_amount(text: &str) -> Option<i64> {
    let text = text.trim();
    let text = ["₫", "đ", "VND", "vnd"]
        .iter()
        .find_map(|unit| text.strip_suffix(unit))
        .unwrap_or(text)
        .trim_end();
    const SEPARATORS: [char; 4] = ['.', ',', ' ', '\u{a0}'];
    let mut groups = text.split(SEPARATORS);
    let first = groups.next()?;
    if text.contains(SEPARATORS) && !(1..=3).contains(&first.len()) {
        return None;
    }
    let mut digits = first.to_string();
    for group in groups {
        if group.len() != 3 {
            return None;
        }
        digits.push_str(group);
    }
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The text key (of `pay_errors`) of a field the shared checks refuse.
fn field_error(field: &str) -> &'static str {
    match field {
        "amount" => "amount",
        "orderCode" => "code",
        "description" => "description",
        "expiresInSeconds" => "expires",
        _ => "invalid",
    }
}

/// A request as the list shows it.
#[derive(Debug, Clone, Serialize)]
struct Row {
    id: i64,
    url: String,
    code: String,
    amount_text: String,
    status: &'static str,
    account: String,
    description: String,
    created: String,
    paid: Option<String>,
}

impl Row {
    fn new(r: &PaymentRequest, names: &AccountNames, lang: &str, now: i64) -> Self {
        Self {
            id: r.id,
            url: format!("/dashboard/payments/{}?lang={lang}", r.id),
            code: r.code.clone(),
            amount_text: money(r.amount),
            status: r.status_at(now),
            account: names.label(r.account_id),
            description: r.description.clone(),
            created: render_vn(r.created_at),
            paid: r.paid_at.map(render_vn),
        }
    }
}

/// `GET /dashboard/payments`.
pub async fn list(
    State(state): State<AppState>,
    Viewer {
        user, lang, uri, ..
    }: Viewer,
) -> Response {
    let params = Params::from_pairs(&query_pairs(&uri));
    render_list(&state, &user, &uri, lang, &params, &Draft::default(), &[]).await
}

/// `POST /dashboard/payments`: creates a request and goes to its page; the list with the
/// form filled again and its errors (400) when something is wrong.
pub async fn create(
    State(state): State<AppState>,
    Posted {
        user,
        lang,
        uri,
        form,
        ..
    }: Posted,
) -> Response {
    let draft = Draft::of(&form);
    let accounts = match state.store.list_accounts(user.business_id).await {
        Ok(accounts) => accounts,
        Err(e) => return page::unavailable(e),
    };
    let created = match draft.request(&accounts) {
        Err(errors) => Err(errors),
        Ok(req) => {
            // The form's one-time value: submitted twice (a double tap, a resent form), it
            // gives the request it already made.
            let once = form.get("once");
            let idempotency = (!once.is_empty() && once.len() <= MAX_ONCE)
                .then(|| (format!("dashboard:{once}"), requests::digest(&req)));
            let defaults = Defaults {
                prefix: &state.payments.prefix,
                tolerance: state.payments.tolerance,
            };
            let made = requests::create(
                state.store.as_ref(),
                defaults,
                user.business_id,
                &req,
                idempotency,
                now_ms(),
            )
            .await;
            match made {
                Ok(r) => Ok(r),
                Err(CreateError::Invalid(invalid)) => Err(vec![field_error(invalid.field)]),
                Err(CreateError::KeyReused(_)) => Err(vec!["resubmitted"]),
                Err(CreateError::NoFreeCode(_) | CreateError::CodeTaken(_)) => {
                    Err(vec!["code_taken"])
                }
                // The account went away meanwhile: the form's own refusal.
                Err(CreateError::Store(StoreError::Conflict(_))) => Err(vec!["invalid"]),
                Err(CreateError::Store(e)) => return page::unavailable(e),
            }
        }
    };
    match created {
        Ok(r) => session::redirect(&format!("/dashboard/payments/{}?lang={lang}", r.id)),
        Err(errors) => {
            let params = Params::from_pairs(&query_pairs(&uri));
            render_list(&state, &user, &uri, lang, &params, &draft, &errors).await
        }
    }
}

/// Longest one-time value of the create form kept (it is 32 hex digits).
const MAX_ONCE: usize = 64;

/// The list page with the create form as `draft` and its `form_errors`.
async fn render_list(
    state: &AppState,
    user: &SessionUser,
    uri: &Uri,
    lang: &'static str,
    params: &Params,
    draft: &Draft,
    form_errors: &[&'static str],
) -> Response {
    let (status, context) = match list_context(state, user, lang, params, draft, form_errors).await
    {
        Ok(found) => found,
        Err(e) => return page::unavailable(e),
    };
    let view = View {
        user,
        lang,
        uri,
        active: "payments",
    };
    view.render(state, status, "dashboard/payments.html", context)
        .await
}

/// What the list page shows, and its status: 400 for a filter or a form in error.
async fn list_context(
    state: &AppState,
    user: &SessionUser,
    lang: &'static str,
    params: &Params,
    draft: &Draft,
    form_errors: &[&'static str],
) -> StoreResult<(StatusCode, minijinja::Value)> {
    let accounts = state.store.list_accounts(user.business_id).await?;
    let names = AccountNames::new(&accounts, state.banks);
    let choices = names.choices(&accounts);
    let now = now_ms();
    let (filter_error, rows, total) = match params.filter() {
        Err(e) => (Some(e), Vec::new(), 0),
        Ok(status) => {
            let query = PaymentQuery {
                status,
                from: 0,
                to: i64::MAX,
                now,
                offset: (params.page - 1) * PAGE_SIZE,
                limit: PAGE_SIZE,
            };
            let (found, total) = state
                .store
                .list_payment_requests(user.business_id, &query)
                .await?;
            let rows: Vec<Row> = found
                .iter()
                .map(|r| Row::new(r, &names, lang, now))
                .collect();
            (None, rows, total)
        }
    };
    let status = if filter_error.is_some() || !form_errors.is_empty() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = params.page;
    Ok((
        status,
        minijinja::context! {
            params,
            statuses => STATUSES,
            filter_error,
            draft,
            form_errors,
            accounts => choices,
            max_description => MAX_DESCRIPTION,
            once => hex::encode(rand::random::<[u8; 16]>()),
            rows,
            total,
            page,
            pages,
            prev_url => (page > 1).then(|| params.url(lang, (page - 1).min(pages))),
            next_url => (page < pages).then(|| params.url(lang, page + 1)),
        },
    ))
}

/// A transfer matched to the request, as its page shows it.
#[derive(Debug, Clone, Serialize)]
struct LinkRow {
    id: i64,
    url: String,
    amount_text: String,
    late: bool,
    time: String,
    description: String,
}

/// `GET /dashboard/payments/{id}`: one request of the business; 404 for any other id.
pub async fn detail(
    State(state): State<AppState>,
    Viewer {
        user, lang, uri, ..
    }: Viewer,
) -> Response {
    // The id is read from the path here, so that no id (not a number, not UTF-8) is ever
    // anything but this page's 404.
    let id = uri.path().rsplit('/').next().unwrap_or("");
    let found = match id.parse::<i64>() {
        Ok(id) => detail_context(&state, &user, lang, id).await,
        Err(_) => Ok(None),
    };
    let view = View {
        user: &user,
        lang,
        uri: &uri,
        active: "payments",
    };
    match found {
        Ok(Some(context)) => {
            view.render(&state, StatusCode::OK, "dashboard/payment.html", context)
                .await
        }
        Ok(None) => not_found(&state, &view).await,
        Err(e) => page::unavailable(e),
    }
}

/// This page's 404.
async fn not_found(state: &AppState, view: &View<'_>) -> Response {
    view.render(
        state,
        StatusCode::NOT_FOUND,
        "dashboard/message.html",
        minijinja::context! {
            message => "pay_not_found",
            back_url => format!("/dashboard/payments?lang={}", view.lang),
            back => "pay_back",
        },
    )
    .await
}

/// What the request's page shows; None when the business has no such request.
async fn detail_context(
    state: &AppState,
    user: &SessionUser,
    lang: &'static str,
    id: i64,
) -> StoreResult<Option<minijinja::Value>> {
    let business = user.business_id;
    let Some(r) = state.store.get_payment_request(business, id).await? else {
        return Ok(None);
    };
    let accounts = state.store.list_accounts(business).await?;
    let names = AccountNames::new(&accounts, state.banks);
    let links = state.store.list_payment_links(business, id).await?;
    let ids: Vec<i64> = links.iter().map(|l| l.transaction_id).collect();
    let transactions = state.store.get_transactions(business, &ids).await?;
    let links: Vec<LinkRow> = links
        .iter()
        .map(|l| {
            let t = transactions.iter().find(|t| t.id == l.transaction_id);
            LinkRow {
                id: l.transaction_id,
                url: format!("/dashboard/transactions/{}?lang={lang}", l.transaction_id),
                amount_text: money(l.amount),
                late: l.late,
                time: t.map(|t| render_vn(t.fields.booked_at)).unwrap_or_default(),
                description: t.map(|t| t.fields.description.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let account = accounts.iter().find(|a| a.id == r.account_id);
    let now = now_ms();
    let status = r.status_at(now);
    Ok(Some(minijinja::context! {
        row => Row::new(&r, &names, lang, now),
        account_name => account.and_then(|a| a.account_name.clone()).unwrap_or_default(),
        qr_svg => account.and_then(|a| qr_svg(a, &r)),
        paid_amount_text => money(r.paid_amount),
        late_amount_text => (r.late_amount > 0).then(|| money(r.late_amount)),
        overpaid => r.overpaid(),
        expires => render_vn(r.expires_at),
        cancelled => r.cancelled_at.map(render_vn),
        open => matches!(status, "pending" | "underpaid"),
        statuses => STATUSES,
        checkout_url => format!("{}/pay/{}", state.payments.public_url, r.public_id),
        events_url => format!("/pay/{}/events", r.public_id),
        links,
    }))
}

/// The request's VietQR code as an inline `<svg>` element; None when the account cannot be
/// put in one.
fn qr_svg(account: &BankAccount, r: &PaymentRequest) -> Option<String> {
    let payload = qr::request_payload(account, r).ok()?;
    qr::inline_svg(&payload.build()).ok()
}

/// `POST /dashboard/payments/{id}/cancel`: cancels an open request of the business and goes
/// back to its page (which shows what it is now, also when it could not be cancelled).
pub async fn cancel(
    State(state): State<AppState>,
    Posted {
        user, lang, uri, ..
    }: Posted,
) -> Response {
    let view = View {
        user: &user,
        lang,
        uri: &uri,
        active: "payments",
    };
    // `/dashboard/payments/{id}/cancel`.
    let id = uri.path().rsplit('/').nth(1).unwrap_or("");
    let Ok(id) = id.parse::<i64>() else {
        return not_found(&state, &view).await;
    };
    match requests::cancel(
        state.store.as_ref(),
        &state.wakeup,
        user.business_id,
        id,
        now_ms(),
    )
    .await
    {
        Ok(_) | Err(CancelError::Closed(..)) => {
            session::redirect(&format!("/dashboard/payments/{id}?lang={lang}"))
        }
        Err(CancelError::NotFound(_)) => not_found(&state, &view).await,
        Err(CancelError::Store(e)) => page::unavailable(e),
    }
}

/// `GET /dashboard/payments.js`: turns a request's page as its status changes.
pub async fn script() -> Response {
    javascript(include_str!("../../../../templates/dashboard/payments.js"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn amounts_read_as_typed() {
        for (typed, vnd) in [
            ("150000", Some(150_000)),
            ("150.000", Some(150_000)),
            ("1,500,000 ₫", Some(1_500_000)),
            (" 20 000đ ", Some(20_000)),
            ("50000 VND", Some(50_000)),
            ("1.500.000", Some(1_500_000)),
            ("12.5k", None),
            ("150000.00", None),
            ("150.000,50", None),
            ("150.5", None),
            ("1500.000", None),
            ("1..000", None),
            ("-5", None),
            ("", None),
            ("₫", None),
            ("99999999999999999999", None),
        ] {
            assert_eq!(parse_amount(typed), vnd, "{typed:?}");
        }
    }

    #[test]
    fn parameters_and_form_fields_say_what_is_wrong() {
        let p = Params::from_pairs(&pairs("status=paid&page=0"));
        assert_eq!((p.status.as_str(), p.page), ("paid", 1));
        assert!(p.filter().unwrap().is_some());
        assert_eq!(
            p.url("en", 2),
            "/dashboard/payments?status=paid&page=2&lang=en"
        );
        assert_eq!(Params::from_pairs(&pairs("status=all")).filter(), Ok(None));
        assert_eq!(
            Params::from_pairs(&pairs("status=lost")).filter(),
            Err("status")
        );

        let account = BankAccount {
            id: 3,
            business_id: 1,
            bank_bin: 970416,
            account_number: "12345678".into(),
            account_name: None,
            balance: None,
            created_at: 0,
        };
        let draft = Draft {
            account: "4".into(),
            amount: "abc".into(),
            expires: "x".into(),
            ..Draft::default()
        };
        assert_eq!(
            draft.request(std::slice::from_ref(&account)).unwrap_err(),
            vec!["account", "amount", "expires"]
        );
        let draft = Draft {
            account: "3".into(),
            amount: "150.000".into(),
            ..Draft::default()
        };
        let req = draft.request(&[account]).unwrap();
        assert_eq!((req.account_id, req.amount), (3, 150_000));
        assert_eq!(req.order_code, None, "generated");
        assert_eq!(req.expires_in_seconds, Some(DEFAULT_EXPIRY_S));
        assert_eq!(field_error("orderCode"), "code");
    }
}
