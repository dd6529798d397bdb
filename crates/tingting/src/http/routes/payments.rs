//! Payment requests (ours): `POST /v2/payment-requests`, `GET /v2/payment-requests[/{id}]`,
//! `POST /v2/payment-requests/{id}/cancel`.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::accounts::find;
use crate::domain::payment::{PaymentRequest, StatusFilter};
use crate::domain::time::{day_start_ms, now_ms, render_vn, vn_today, DAY_MS};
use crate::domain::BankAccount;
use crate::http::error::{success, ApiError, Envelope};
use crate::http::extract::{Auth, Id, Json};
use crate::http::params::ListParams;
use crate::http::views::Page;
use crate::http::AppState;
use crate::payments::qr;
pub use crate::payments::requests::CreatePayment;
use crate::payments::requests::{self, CancelError, CreateError, Defaults};
use crate::storage::PaymentQuery;

/// Longest `Idempotency-Key` accepted.
const MAX_IDEMPOTENCY_KEY: usize = 255;

/// A payment request as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentView {
    /// Id.
    pub id: i64,
    /// The order code the transfer's content must carry.
    pub code: String,
    /// The account id.
    pub account_id: i64,
    /// Expected amount (VND).
    pub amount: i64,
    /// How far below `amount` a payment still pays it (VND).
    pub tolerance: i64,
    /// What arrived in time (VND).
    pub paid_amount: i64,
    /// What arrived after it expired or was cancelled (VND): late payments, linked and kept.
    pub late_amount: i64,
    /// `pending`, `underpaid`, `paid`, `expired` or `cancelled`.
    pub status: &'static str,
    /// More than the amount and its tolerance arrived.
    pub overpaid: bool,
    /// The shop's description.
    pub description: String,
    /// The return URL ("" when none).
    pub return_url: String,
    /// The shop's data.
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    /// The VietQR payload of this payment: the account, the amount and the code as content.
    pub vietqr: String,
    /// Its image (PNG; `&format=svg` for SVG), with the API key.
    pub qr_url: String,
    /// The hosted checkout page to send the customer to (public: its id is unguessable).
    pub checkout_url: String,
    /// The transfers linked to it (only when one request is shown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transactions: Option<Vec<LinkView>>,
    /// When it stops accepting payment, Vietnam time.
    pub expires_at: String,
    /// When it was paid, Vietnam time.
    pub paid_at: Option<String>,
    /// When it was cancelled, Vietnam time.
    pub cancelled_at: Option<String>,
    /// When it was created, Vietnam time.
    pub created_at: String,
}

impl PaymentView {
    /// Shows a request at `now`; its checkout URL starts with `public_url` ("" for a path).
    fn new(r: &PaymentRequest, vietqr: String, now: i64, public_url: &str) -> Self {
        Self {
            id: r.id,
            code: r.code.clone(),
            account_id: r.account_id,
            amount: r.amount,
            tolerance: r.tolerance,
            paid_amount: r.paid_amount,
            late_amount: r.late_amount,
            status: r.status_at(now),
            overpaid: r.overpaid(),
            description: r.description.clone(),
            return_url: r.return_url.clone(),
            metadata: serde_json::from_str(&r.metadata).unwrap_or_default(),
            vietqr,
            qr_url: format!(
                "/v2/accounts/{}/qr?amount={}&memo={}",
                r.account_id, r.amount, r.code
            ),
            checkout_url: format!("{public_url}/pay/{}", r.public_id),
            transactions: None,
            expires_at: render_vn(r.expires_at),
            paid_at: r.paid_at.map(render_vn),
            cancelled_at: r.cancelled_at.map(render_vn),
            created_at: render_vn(r.created_at),
        }
    }
}

/// A transfer linked to a payment request.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LinkView {
    /// The transaction id.
    pub id: i64,
    /// Its amount (VND).
    pub amount: i64,
    /// It came after the request expired or was cancelled.
    pub late: bool,
}

/// The view of one request with its linked transfers.
async fn full_view(state: &AppState, r: &PaymentRequest) -> Result<PaymentView, ApiError> {
    let mut view = view(state, r).await?;
    let links = state.store.list_payment_links(r.business_id, r.id).await?;
    view.transactions = Some(
        links
            .into_iter()
            .map(|l| LinkView {
                id: l.transaction_id,
                amount: l.amount,
                late: l.late,
            })
            .collect(),
    );
    Ok(view)
}

/// The view of a stored request of `account`, with its VietQR payload.
fn view_of(
    state: &AppState,
    account: &BankAccount,
    r: &PaymentRequest,
) -> Result<PaymentView, ApiError> {
    let payload =
        qr::request_payload(account, r).map_err(|e| ApiError::bad_request(e.to_string()))?;
    Ok(PaymentView::new(
        r,
        payload.build(),
        now_ms(),
        &state.payments.public_url,
    ))
}

/// The view of a stored request, its account read from the store.
async fn view(state: &AppState, r: &PaymentRequest) -> Result<PaymentView, ApiError> {
    view_of(state, &find(state, r.business_id, r.account_id).await?, r)
}

/// Creates a payment request (**ours**). Send `Idempotency-Key` to make retries safe: the same
/// key with the same body answers the request created first; with another body, 409.
#[utoipa::path(post, path = "/v2/payment-requests", tag = "tingting", security(("apikey" = []), ("oauth2" = ["payment"])),
    request_body = CreatePayment,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes creation safe to retry")),
    responses((status = 200, body = Envelope<PaymentView>),
              (status = 400, description = "A field that cannot be used; the message names it"),
              (status = 404, description = "No such account in this business"),
              (status = 409, description = "The order code is used, or the Idempotency-Key was used for another request")))]
pub async fn create(
    State(state): State<AppState>,
    Auth(who): Auth,
    headers: HeaderMap,
    Json(req): Json<CreatePayment>,
) -> Result<axum::Json<Envelope<PaymentView>>, ApiError> {
    find(&state, who.business_id, req.account_id).await?;
    let idempotency_key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => {
            let key = v.to_str().map(str::trim).unwrap_or("");
            if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY {
                return Err(ApiError::bad_request(
                    "Idempotency-Key: 1 to 255 visible ASCII characters",
                ));
            }
            Some(key.to_string())
        }
    };
    let request_digest = requests::digest(&req);
    let defaults = Defaults {
        prefix: &state.payments.prefix,
        tolerance: state.payments.tolerance,
    };
    let stored = requests::create(
        state.store.as_ref(),
        defaults,
        who.business_id,
        &req,
        idempotency_key.map(|key| (key, request_digest)),
        now_ms(),
    )
    .await
    .map_err(|e| match e {
        CreateError::Invalid(invalid) => ApiError::bad_request(invalid.to_string()),
        CreateError::NoFreeCode(m) | CreateError::CodeTaken(m) | CreateError::KeyReused(m) => {
            ApiError::new(StatusCode::CONFLICT, m)
        }
        CreateError::Store(e) => e.into(),
    })?;
    Ok(success(full_view(&state, &stored).await?))
}

/// One payment request (**ours**).
#[utoipa::path(get, path = "/v2/payment-requests/{id}", tag = "tingting", security(("apikey" = []), ("oauth2" = ["payment"])),
    params(("id" = i64, Path, description = "Payment request id")),
    responses((status = 200, body = Envelope<PaymentView>),
              (status = 404, description = "No such payment request in this business")))]
pub async fn get(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
) -> Result<axum::Json<Envelope<PaymentView>>, ApiError> {
    let r = state
        .store
        .get_payment_request(who.business_id, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Payment request {id} not found")))?;
    Ok(success(full_view(&state, &r).await?))
}

/// Filters and paging of the payment request listing.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(non_snake_case)]
pub struct PaymentListParams {
    /// `pending`, `underpaid`, `paid`, `expired` or `cancelled`.
    pub status: Option<String>,
    /// First day of creation, `YYYY-MM-DD` (Vietnam time); default 7 days before `toDate`.
    pub fromDate: Option<String>,
    /// Last day of creation included; default today.
    pub toDate: Option<String>,
    /// Page from 1.
    pub page: Option<String>,
    /// Rows per page (default 10, at most 1000).
    pub pageSize: Option<String>,
}

/// The business's payment requests, newest first (**ours**).
#[utoipa::path(get, path = "/v2/payment-requests", tag = "tingting", security(("apikey" = []), ("oauth2" = ["payment"])),
    params(PaymentListParams),
    responses((status = 200, body = Envelope<Page<PaymentView>>),
              (status = 400, description = "A filter that cannot be used")))]
pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
    Query(params): Query<PaymentListParams>,
) -> Result<axum::Json<Envelope<Page<PaymentView>>>, ApiError> {
    let status = match params.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(StatusFilter::parse(s).ok_or_else(|| {
            ApiError::bad_request(format!(
                "status: {s:?} is not pending, underpaid, paid, expired or cancelled"
            ))
        })?),
    };
    let listing = ListParams {
        fromDate: params.fromDate,
        toDate: params.toDate,
        page: params.page,
        pageSize: params.pageSize,
        sort: None,
    }
    .parse(vn_today())?;
    let query = PaymentQuery {
        status,
        from: day_start_ms(listing.from_day),
        to: day_start_ms(listing.to_day) + DAY_MS,
        now: now_ms(),
        offset: (listing.page - 1) * listing.page_size,
        limit: listing.page_size,
    };
    let (requests, total) = state
        .store
        .list_payment_requests(who.business_id, &query)
        .await?;
    // The page's accounts, read once.
    let accounts: HashMap<i64, BankAccount> = state
        .store
        .list_accounts(who.business_id)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let views = requests
        .iter()
        .map(|r| {
            let account = accounts.get(&r.account_id).ok_or_else(|| {
                ApiError::not_found(format!("Bank account {} not found", r.account_id))
            })?;
            view_of(&state, account, r)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(success(Page::new(
        listing.page,
        listing.page_size,
        total,
        views,
    )))
}

/// Cancels an open payment request (**ours**); cancelling a cancelled one answers it as is.
/// A transfer that arrives later is still recorded.
#[utoipa::path(post, path = "/v2/payment-requests/{id}/cancel", tag = "tingting", security(("apikey" = []), ("oauth2" = ["payment"])),
    params(("id" = i64, Path, description = "Payment request id")),
    responses((status = 200, body = Envelope<PaymentView>),
              (status = 404, description = "No such payment request in this business"),
              (status = 409, description = "It is paid")))]
pub async fn cancel(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
) -> Result<axum::Json<Envelope<PaymentView>>, ApiError> {
    match requests::cancel(
        state.store.as_ref(),
        &state.wakeup,
        who.business_id,
        id,
        now_ms(),
    )
    .await
    {
        Ok(r) => Ok(success(view(&state, &r).await?)),
        Err(e @ CancelError::NotFound(_)) => Err(ApiError::not_found(e.to_string())),
        Err(e @ CancelError::Closed(..)) => Err(ApiError::new(StatusCode::CONFLICT, e.to_string())),
        Err(CancelError::Store(e)) => Err(e.into()),
    }
}
