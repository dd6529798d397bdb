//! `/v2/webhooks`: Casso's webhook API, plus (ours) listing, formats and account selection.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::delivery::settings::{self, AccountRef, WebhookInput};
use crate::domain::{BankAccount, Webhook, WebhookSpec, WebhookUrl};
use crate::http::error::{success, ApiError, Envelope};
use crate::http::extract::{Auth, Id, Json};
use crate::http::AppState;

/// Casso's code when `DELETE /v2/webhooks?webhook=` matches nothing.
const WEBHOOK_NOT_EXISTS: i64 = 12;

/// A flag as clients send it: `true`/`false`, `1`/`0`, or those as strings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Flag {
    /// `true` or `false`.
    Bool(bool),
    /// `1` or `0`.
    Int(i64),
    /// `"true"`, `"1"`, ...
    Text(String),
}

impl Flag {
    fn value(&self) -> Result<bool, ApiError> {
        match self {
            Flag::Bool(b) => Ok(*b),
            Flag::Int(0) => Ok(false),
            Flag::Int(1) => Ok(true),
            Flag::Text(t) if matches!(t.trim(), "1" | "true" | "TRUE" | "True") => Ok(true),
            Flag::Text(t) if matches!(t.trim(), "0" | "false" | "FALSE" | "False" | "") => {
                Ok(false)
            }
            _ => Err(ApiError::bad_request("income_only must be true or false")),
        }
    }
}

/// An account as a webhook request names it: its id, or its account number.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum AccountSelector {
    /// The account id.
    Id(i64),
    /// The account number.
    Number(String),
}

/// Create or replace a webhook (Casso's body, plus our extensions).
#[derive(Debug, Deserialize, ToSchema)]
pub struct WebhookRequest {
    /// The receiver's absolute http(s) URL.
    pub webhook: String,
    /// Sent back as the `secure-token` header (legacy format).
    #[serde(default)]
    pub secure_token: Option<String>,
    /// Only money in.
    #[serde(default)]
    pub income_only: Option<Flag>,
    /// **ours**: `legacy` (default), `casso_v2` or `standard`.
    #[serde(default)]
    pub format: Option<String>,
    /// **ours**: restrict to these accounts (ids or account numbers); absent or null for all.
    #[serde(default)]
    pub bank_accounts: Option<Vec<AccountSelector>>,
    /// **ours**: signing secret of the signed formats; generated (and returned once) if absent.
    #[serde(default)]
    pub secret: Option<String>,
    /// **ours**: what it is sent: `transaction` (each new transaction, the default) and/or
    /// `payment_request` (each `payment_request.*` event; needs the `standard` format).
    #[serde(default)]
    pub events: Option<Vec<String>>,
}

/// A webhook as Casso shows it, followed by our extensions.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    /// Webhook id.
    pub id: i64,
    /// Always `webhook`.
    pub channel: &'static str,
    /// The URL.
    pub param1: String,
    /// Always "".
    pub param2: &'static str,
    /// 1 when only money in is sent.
    pub send_only_income: i64,
    /// **ours**: the format.
    pub format: &'static str,
    /// **ours**: the accounts it is restricted to (numbers), or null for all.
    pub bank_accounts: Option<Vec<String>>,
    /// **ours**: false once disabled (410 Gone, or failing for days).
    pub enabled: bool,
    /// **ours**: why it was disabled.
    pub disabled_reason: String,
    /// **ours**: what it is sent: `transaction`, `payment_request`.
    pub events: Vec<&'static str>,
    /// **ours**: the signing secret, only in the answer that generated it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl WebhookView {
    fn new(w: Webhook, accounts: &[BankAccount], generated_secret: bool) -> Self {
        let bank_accounts = w.spec.account_ids.as_ref().map(|ids| {
            ids.iter()
                .filter_map(|id| accounts.iter().find(|a| a.id == *id))
                .map(|a| a.account_number.clone())
                .collect()
        });
        Self {
            id: w.id,
            channel: "webhook",
            param1: w.spec.url.as_str().to_string(),
            param2: "",
            send_only_income: i64::from(w.spec.income_only),
            format: w.spec.format.as_str(),
            bank_accounts,
            enabled: w.enabled,
            disabled_reason: w.disabled_reason,
            events: w.spec.events.names(),
            secret: generated_secret.then_some(w.spec.secret),
        }
    }
}

/// Validates a request into settings (as the dashboard's form is: see
/// [`settings::validate`]). `previous` keeps a signed webhook's secret on update. Returns the
/// settings and whether a secret was generated.
fn spec_from(
    req: WebhookRequest,
    accounts: &[BankAccount],
    previous: Option<&WebhookSpec>,
) -> Result<(WebhookSpec, bool), ApiError> {
    // The URL's error comes first, as it always has.
    WebhookUrl::parse(&req.webhook).map_err(ApiError::bad_request)?;
    let income_only = req
        .income_only
        .as_ref()
        .map(Flag::value)
        .transpose()?
        .unwrap_or(false);
    let input = WebhookInput {
        url: req.webhook,
        secure_token: req.secure_token,
        income_only,
        format: req.format,
        accounts: req.bank_accounts.map(|selectors| {
            selectors
                .into_iter()
                .map(|s| match s {
                    AccountSelector::Id(id) => AccountRef::Id(id),
                    AccountSelector::Number(n) => AccountRef::Number(n),
                })
                .collect()
        }),
        secret: req.secret,
        events: req.events,
    };
    settings::validate(input, accounts, previous).map_err(|e| ApiError::bad_request(e.to_string()))
}

async fn find(state: &AppState, business_id: i64, id: i64) -> Result<Webhook, ApiError> {
    state
        .store
        .get_webhook(business_id, id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Webhook {id} not found")))
}

/// Registers a webhook for all the business's accounts (or those in `bank_accounts`).
#[utoipa::path(post, path = "/v2/webhooks", tag = "casso", security(("apikey" = []), ("oauth2" = ["webhook"])),
    request_body = WebhookRequest,
    responses((status = 200, body = Envelope<WebhookView>),
              (status = 400, description = "A field is invalid; the message names it")))]
pub async fn create(
    State(state): State<AppState>,
    Auth(who): Auth,
    Json(req): Json<WebhookRequest>,
) -> Result<axum::Json<Envelope<WebhookView>>, ApiError> {
    let accounts = state.store.list_accounts(who.business_id).await?;
    let (spec, generated) = spec_from(req, &accounts, None)?;
    let webhook = state
        .store
        .create_webhook(who.business_id, &spec, None)
        .await?;
    Ok(success(WebhookView::new(webhook, &accounts, generated)))
}

/// **ours**: the business's webhooks.
#[utoipa::path(get, path = "/v2/webhooks", tag = "tingting", security(("apikey" = []), ("oauth2" = ["webhook"])),
    responses((status = 200, body = Envelope<Vec<WebhookView>>)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(who): Auth,
) -> Result<axum::Json<Envelope<Vec<WebhookView>>>, ApiError> {
    let accounts = state.store.list_accounts(who.business_id).await?;
    let webhooks = state.store.list_webhooks(who.business_id).await?;
    Ok(success(
        webhooks
            .into_iter()
            .map(|w| WebhookView::new(w, &accounts, false))
            .collect(),
    ))
}

/// One webhook.
#[utoipa::path(get, path = "/v2/webhooks/{id}", tag = "casso", security(("apikey" = []), ("oauth2" = ["webhook"])),
    params(("id" = i64, Path, description = "Webhook id")),
    responses((status = 200, body = Envelope<WebhookView>), (status = 404, description = "No such webhook")))]
pub async fn get(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
) -> Result<axum::Json<Envelope<WebhookView>>, ApiError> {
    let webhook = find(&state, who.business_id, id).await?;
    let accounts = state.store.list_accounts(who.business_id).await?;
    Ok(success(WebhookView::new(webhook, &accounts, false)))
}

/// Replaces a webhook's settings (and re-enables it).
#[utoipa::path(put, path = "/v2/webhooks/{id}", tag = "casso", security(("apikey" = []), ("oauth2" = ["webhook"])),
    params(("id" = i64, Path, description = "Webhook id")), request_body = WebhookRequest,
    responses((status = 200, body = Envelope<WebhookView>), (status = 404, description = "No such webhook")))]
pub async fn update(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
    Json(req): Json<WebhookRequest>,
) -> Result<axum::Json<Envelope<WebhookView>>, ApiError> {
    let previous = find(&state, who.business_id, id).await?;
    let accounts = state.store.list_accounts(who.business_id).await?;
    let (spec, generated) = spec_from(req, &accounts, Some(&previous.spec))?;
    let webhook = state
        .store
        .update_webhook(who.business_id, id, &spec, None)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Webhook {id} not found")))?;
    Ok(success(WebhookView::new(webhook, &accounts, generated)))
}

/// Deletes a webhook.
#[utoipa::path(delete, path = "/v2/webhooks/{id}", tag = "casso", security(("apikey" = []), ("oauth2" = ["webhook"])),
    params(("id" = i64, Path, description = "Webhook id")),
    responses((status = 200, body = Envelope<Option<String>>), (status = 404, description = "No such webhook")))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(who): Auth,
    Id(id): Id,
) -> Result<axum::Json<Envelope<()>>, ApiError> {
    if !state.store.delete_webhook(who.business_id, id).await? {
        return Err(ApiError::not_found(format!("Webhook {id} not found")));
    }
    Ok(success(()))
}

/// The `webhook` query parameter of the delete-by-URL route.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DeleteByUrl {
    /// The webhook URL (URL-encoded).
    pub webhook: Option<String>,
}

/// Deletes every webhook of the business with that URL; Casso's `error: 12` when none.
#[utoipa::path(delete, path = "/v2/webhooks", tag = "casso", security(("apikey" = []), ("oauth2" = ["webhook"])),
    params(DeleteByUrl),
    responses((status = 200, body = Envelope<Option<String>>),
              (status = 404, description = "`{\"error\":12,\"message\":\"Webhook not exists\",\"data\":null}`")))]
pub async fn delete_by_url(
    State(state): State<AppState>,
    Auth(who): Auth,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<axum::Json<Envelope<()>>, ApiError> {
    let url = params
        .into_iter()
        .rev()
        .find(|(k, _)| k == "webhook")
        .map(|(_, v)| v)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("webhook: the URL to delete is required"))?;
    // Stored URLs are normalized; compare in the same form when the URL parses.
    let normalized = WebhookUrl::parse(&url)
        .map(|u| u.as_str().to_string())
        .unwrap_or(url);
    if state
        .store
        .delete_webhooks_by_url(who.business_id, &normalized)
        .await?
        == 0
    {
        return Err(ApiError::with_code(
            StatusCode::NOT_FOUND,
            WEBHOOK_NOT_EXISTS,
            "Webhook not exists",
        ));
    }
    Ok(success(()))
}
