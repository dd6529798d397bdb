//! `GET /v2/transactions`, `GET /v2/transactions/:id`, and the shared listing logic.

use axum::extract::{Query, State};
use axum::Json;

use crate::domain::time::vn_today;
use crate::domain::BankAccount;
use crate::http::error::{success, ApiError, Envelope};
use crate::http::extract::{Auth, Id};
use crate::http::params::ListParams;
use crate::http::views::{Page, TransactionRecord};
use crate::http::AppState;
use crate::storage::TransactionQuery;

/// Raw query pairs: repeated and unknown parameters never fail the request.
pub type RawQuery = Query<Vec<(String, String)>>;

/// The business's transactions in a date range, paginated.
#[utoipa::path(get, path = "/v2/transactions", tag = "casso",
    security(("apikey" = []), ("oauth2" = ["transaction"])), params(ListParams),
    responses((status = 200, body = Envelope<Page<TransactionRecord>>),
              (status = 400, description = "A parameter is invalid; the message names it"),
              (status = 401, description = "Unauthorized Access")))]
pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
    Query(pairs): RawQuery,
) -> Result<Json<Envelope<Page<TransactionRecord>>>, ApiError> {
    Ok(success(
        list_page(&state, who.business_id, None, pairs).await?,
    ))
}

/// One transaction of the business.
#[utoipa::path(get, path = "/v2/transactions/{id}", tag = "casso",
    security(("apikey" = []), ("oauth2" = ["transaction"])), params(("id" = i64, Path, description = "Transaction id")),
    responses((status = 200, body = Envelope<TransactionRecord>),
              (status = 400, description = "id is not a number"),
              (status = 404, description = "No such transaction in this business")))]
pub async fn get(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
) -> Result<Json<Envelope<TransactionRecord>>, ApiError> {
    let t = state
        .store
        .get_transaction(who.business_id, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Transaction {id} not found")))?;
    let account = state
        .store
        .get_account(who.business_id, t.account_id)
        .await?;
    Ok(success(
        TransactionRecord::new(t, account.as_ref(), state.banks).into_detail(),
    ))
}

/// Lists a page of the business's transactions, optionally of one account.
pub async fn list_page(
    state: &AppState,
    business_id: i64,
    account: Option<&BankAccount>,
    pairs: Vec<(String, String)>,
) -> Result<Page<TransactionRecord>, ApiError> {
    let listing = ListParams::from_pairs(pairs).parse(vn_today())?;
    let query = TransactionQuery {
        account_id: account.map(|a| a.id),
        from_day: listing.from_day,
        to_day: listing.to_day,
        sort: listing.sort,
        offset: (listing.page - 1) * listing.page_size,
        limit: listing.page_size,
    };
    let page = state.store.list_transactions(business_id, &query).await?;
    let accounts = match account {
        Some(a) => vec![a.clone()],
        None => state.store.list_accounts(business_id).await?,
    };
    let records = page
        .records
        .into_iter()
        .map(|t| {
            let account = accounts.iter().find(|a| a.id == t.account_id);
            TransactionRecord::new(t, account, state.banks)
        })
        .collect();
    Ok(Page::new(
        listing.page,
        listing.page_size,
        page.total,
        records,
    ))
}
