//! `GET /dashboard/webhooks`: the business's webhooks (URL, format, accounts, enabled, last
//! delivery) and the form that creates one (`POST /dashboard/webhooks`). The form is
//! validated by [`settings::validate`], as the API's requests are; one webhook's own page is
//! [`super::webhook`].

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Serialize;

use super::{AccountNames, Form, Posted, View, Viewer};
use crate::delivery::settings::{self, AccountRef, SettingsError, WebhookInput};
use crate::domain::time::render_vn;
use crate::domain::{Webhook, WebhookFormat};
use crate::http::session::{self, SessionUser};
use crate::http::{page, AppState};
use crate::storage::StoreResult;

/// Why a webhook the owner turned off is disabled.
pub const DISABLED_BY_OWNER: &str = "turned off on the dashboard";

/// The formats the forms offer, in order.
pub const FORMATS: [WebhookFormat; 3] = [
    WebhookFormat::Legacy,
    WebhookFormat::CassoV2,
    WebhookFormat::Standard,
];

/// The settings form's values, as shown (a webhook's, or what was just submitted).
#[derive(Debug, Clone, Serialize)]
pub struct SettingsForm {
    /// The URL.
    pub url: String,
    /// `legacy`, `casso_v2` or `standard`.
    pub format: String,
    /// The legacy format's secure token.
    pub secure_token: String,
    /// Only money in.
    pub income_only: bool,
    /// The accounts ticked (none: all accounts).
    pub accounts: Vec<String>,
    /// `transaction` and/or `payment_request`.
    pub events: Vec<String>,
    /// Enabled.
    pub enabled: bool,
}

impl Default for SettingsForm {
    /// The empty form: legacy format, every account, transactions, enabled.
    fn default() -> Self {
        Self {
            url: String::new(),
            format: WebhookFormat::default().as_str().into(),
            secure_token: String::new(),
            income_only: false,
            accounts: Vec::new(),
            events: vec!["transaction".into()],
            enabled: true,
        }
    }
}

impl SettingsForm {
    /// The form of a stored webhook.
    pub fn of(w: &Webhook) -> Self {
        Self {
            url: w.spec.url.as_str().into(),
            format: w.spec.format.as_str().into(),
            secure_token: w.spec.secure_token.clone(),
            income_only: w.spec.income_only,
            accounts: w
                .spec
                .account_ids
                .iter()
                .flatten()
                .map(i64::to_string)
                .collect(),
            events: w
                .spec
                .events
                .names()
                .into_iter()
                .map(String::from)
                .collect(),
            enabled: w.enabled,
        }
    }

    /// The submitted form.
    pub fn submitted(form: &Form) -> Self {
        Self {
            url: form.get("url").into(),
            format: form.get("format").into(),
            secure_token: form.get("secure_token").into(),
            income_only: form.get("income_only") == "1",
            accounts: form.all("account").into_iter().map(String::from).collect(),
            events: form.all("event").into_iter().map(String::from).collect(),
            enabled: form.get("enabled") == "1",
        }
    }

    /// What it asks for, to validate (no account ticked: every account; the secret is
    /// generated, kept or rotated, never typed).
    pub fn input(&self) -> WebhookInput {
        WebhookInput {
            url: self.url.clone(),
            secure_token: Some(self.secure_token.clone()),
            income_only: self.income_only,
            format: Some(self.format.clone()),
            accounts: (!self.accounts.is_empty()).then(|| {
                self.accounts
                    .iter()
                    .map(|a| match a.trim().parse() {
                        Ok(id) => AccountRef::Id(id),
                        Err(_) => AccountRef::Number(a.clone()),
                    })
                    .collect()
            }),
            secret: None,
            events: Some(self.events.clone()),
        }
    }
}

/// A refused form: the kind (a key of `wh_errors`) and the validation's own words.
#[derive(Debug, Clone, Serialize)]
pub struct FormError {
    /// `url`, `format`, `account`, ... (see [`SettingsError::code`]).
    pub code: &'static str,
    /// The message the API would answer.
    pub detail: String,
}

impl From<SettingsError> for FormError {
    fn from(e: SettingsError) -> Self {
        Self {
            code: e.code(),
            detail: e.to_string(),
        }
    }
}

/// What the list says of a webhook's accounts: "" for all, else their names.
pub fn accounts_label(w: &Webhook, names: &AccountNames) -> String {
    w.spec.account_ids.as_ref().map_or_else(String::new, |ids| {
        ids.iter()
            .map(|id| names.label(*id))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// A webhook as the list shows it.
#[derive(Debug, Serialize)]
struct WebhookRow {
    id: i64,
    url: String,
    format: &'static str,
    accounts: String,
    enabled: bool,
    disabled_reason: String,
    last_status: Option<&'static str>,
    last_at: Option<String>,
}

/// `GET /dashboard/webhooks`.
pub async fn page(
    State(state): State<AppState>,
    Viewer {
        user, lang, uri, ..
    }: Viewer,
) -> Response {
    let done = super::query_pairs(&uri)
        .into_iter()
        .find(|(k, _)| k == "done")
        .map(|(_, v)| v)
        .filter(|v| v == "deleted");
    let list = List {
        form: SettingsForm::default(),
        error: None,
        missing: false,
        done,
    };
    render(&state, &user, &uri, lang, StatusCode::OK, list).await
}

/// `POST /dashboard/webhooks`: creates a webhook, then shows its page (with its secret, for
/// the signed formats); the list with the error when the form is refused.
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
    let submitted = SettingsForm::submitted(&form);
    let accounts = match state.store.list_accounts(user.business_id).await {
        Ok(a) => a,
        Err(e) => return page::unavailable(e),
    };
    let spec = match settings::validate(submitted.input(), &accounts, None) {
        Ok((spec, _)) => spec,
        Err(e) => {
            let list = List {
                form: submitted,
                error: Some(e.into()),
                missing: false,
                done: None,
            };
            return render(&state, &user, &uri, lang, StatusCode::BAD_REQUEST, list).await;
        }
    };
    let disabled = (!submitted.enabled).then_some(DISABLED_BY_OWNER);
    match state
        .store
        .create_webhook(user.business_id, &spec, disabled)
        .await
    {
        Ok(webhook) => session::redirect(&format!(
            "/dashboard/webhooks/{}?lang={lang}&done=created",
            webhook.id
        )),
        Err(e) => page::unavailable(e),
    }
}

/// What the list page shows besides the webhooks.
pub struct List {
    /// The create form's values.
    pub form: SettingsForm,
    /// Why the create form was refused.
    pub error: Option<FormError>,
    /// A webhook asked for is not the business's (404).
    pub missing: bool,
    /// What was just done (`deleted`).
    pub done: Option<String>,
}

/// The list page.
pub async fn render(
    state: &AppState,
    user: &SessionUser,
    uri: &Uri,
    lang: &'static str,
    status: StatusCode,
    list: List,
) -> Response {
    let business = user.business_id;
    let found = async {
        let accounts = state.store.list_accounts(business).await?;
        let webhooks = state.store.list_webhooks(business).await?;
        let names = AccountNames::new(&accounts, state.banks);
        let mut rows = Vec::with_capacity(webhooks.len());
        for w in &webhooks {
            let last = state.store.list_deliveries(business, w.id, None, 1).await?;
            let last = last.first();
            rows.push(WebhookRow {
                id: w.id,
                url: w.spec.url.as_str().into(),
                format: w.spec.format.as_str(),
                accounts: accounts_label(w, &names),
                enabled: w.enabled,
                disabled_reason: w.disabled_reason.clone(),
                last_status: last.map(|d| d.status.as_str()),
                last_at: last.map(|d| render_vn(d.created_at)),
            });
        }
        StoreResult::Ok((rows, names.choices(&accounts)))
    };
    let (webhooks, choices) = match found.await {
        Ok(found) => found,
        Err(e) => return page::unavailable(e),
    };
    let view = View {
        user,
        lang,
        uri,
        active: "webhooks",
    };
    let formats: Vec<&str> = FORMATS.iter().map(|f| f.as_str()).collect();
    view.render(
        state,
        status,
        "dashboard/webhooks.html",
        minijinja::context! {
            webhooks,
            choices,
            formats,
            form => list.form,
            error => list.error,
            missing => list.missing,
            done => list.done,
        },
    )
    .await
}
