//! `GET /v2/accounts`, `GET /v2/accounts/:id`, `GET /v2/accounts/:id/transactions`.

use axum::extract::{Query, State};
use axum::Json;

use super::transactions::{list_page, RawQuery};
use crate::domain::BankAccount;
use crate::http::error::{success, with_message, ApiError, Envelope};
use crate::http::extract::{Auth, Id};
use crate::http::params::ListParams;
use crate::http::views::{AccountView, Connection, Page, TransactionRecord};
use crate::http::AppState;

/// Casso's message on the accounts endpoints.
const SUCCESSFUL: &str = "Successful";

/// The business's bank accounts.
#[utoipa::path(get, path = "/v2/accounts", tag = "casso", security(("apikey" = []), ("oauth2" = ["transaction"])),
    responses((status = 200, body = Envelope<Vec<AccountView>>)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
) -> Result<Json<Envelope<Vec<AccountView>>>, ApiError> {
    let feeds = state.store.list_feeds(who.business_id, None).await?;
    let mut views = Vec::new();
    for a in state.store.list_accounts(who.business_id).await? {
        let totals = state.store.account_totals(who.business_id, a.id).await?;
        let connection = Connection::of(&feeds, a.id);
        views.push(AccountView::new(&a, totals, state.banks, connection));
    }
    Ok(with_message(SUCCESSFUL, views))
}

/// One bank account of the business.
#[utoipa::path(get, path = "/v2/accounts/{id}", tag = "casso", security(("apikey" = []), ("oauth2" = ["transaction"])),
    params(("id" = i64, Path, description = "Account id")),
    responses((status = 200, body = Envelope<AccountView>),
              (status = 404, description = "No such account in this business")))]
pub async fn get(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
) -> Result<Json<Envelope<AccountView>>, ApiError> {
    let a = find(&state, who.business_id, id).await?;
    let totals = state.store.account_totals(who.business_id, a.id).await?;
    let feeds = state.store.list_feeds(who.business_id, Some(a.id)).await?;
    let connection = Connection::of(&feeds, a.id);
    Ok(with_message(
        SUCCESSFUL,
        AccountView::new(&a, totals, state.banks, connection),
    ))
}

/// One account's transactions, paginated like `/v2/transactions`.
#[utoipa::path(get, path = "/v2/accounts/{id}/transactions", tag = "casso",
    security(("apikey" = []), ("oauth2" = ["transaction"])),
    params(("id" = i64, Path, description = "Account id"), ListParams),
    responses((status = 200, body = Envelope<Page<TransactionRecord>>),
              (status = 404, description = "No such account in this business")))]
pub async fn transactions(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
    Query(pairs): RawQuery,
) -> Result<Json<Envelope<Page<TransactionRecord>>>, ApiError> {
    let a = find(&state, who.business_id, id).await?;
    Ok(success(
        list_page(&state, who.business_id, Some(&a), pairs).await?,
    ))
}

/// The business's account `id`, or the 404 every account route answers.
pub(crate) async fn find(
    state: &AppState,
    business_id: i64,
    id: i64,
) -> Result<BankAccount, ApiError> {
    state
        .store
        .get_account(business_id, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Bank account {id} not found")))
}
