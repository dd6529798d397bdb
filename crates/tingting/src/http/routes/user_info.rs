//! `GET /v2/userInfo`.

use axum::extract::State;
use axum::Json;

use crate::http::error::{success, ApiError, Envelope};
use crate::http::extract::Auth;
use crate::http::views::{BankAccSummary, BusinessView, Connection, UserInfo, UserView};
use crate::http::AppState;

/// The caller's user, business and bank accounts.
#[utoipa::path(get, path = "/v2/userInfo", tag = "casso",
    security(("apikey" = []), ("oauth2" = [])),
    responses((status = 200, body = Envelope<UserInfo>), (status = 401, description = "Unauthorized Access")))]
pub async fn user_info(
    State(state): State<AppState>,
    Auth(who): Auth,
) -> Result<Json<Envelope<UserInfo>>, ApiError> {
    let store = &state.store;
    let user = store
        .get_user(who.business_id, who.user_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let business = store
        .get_business(who.business_id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let accounts = store.list_accounts(who.business_id).await?;
    let feeds = store.list_feeds(who.business_id, None).await?;
    Ok(success(UserInfo {
        user: UserView {
            id: user.id,
            email: user.email,
        },
        business: BusinessView {
            id: business.id,
            name: business.name,
        },
        bank_accs: accounts
            .iter()
            .map(|a| BankAccSummary::new(a, state.banks, Connection::of(&feeds, a.id)))
            .collect(),
    }))
}
