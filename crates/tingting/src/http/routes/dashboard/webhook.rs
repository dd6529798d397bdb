//! `GET /dashboard/webhooks/{id}`: one webhook of the business: its settings (edited with
//! `POST /dashboard/webhooks/{id}`), its secret (masked, revealed on demand, rotated with
//! `POST .../rotate`), a test ping (`POST .../test`), deletion (`POST .../delete`), a replay
//! of a range of days (`POST .../replay`) and its delivery log, paged, with the request and
//! response excerpts and a retry of a failed delivery
//! (`POST .../deliveries/{delivery}/retry`). Another business's webhook is a 404.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Serialize;

use super::webhooks::{self, FormError, List, SettingsForm, DISABLED_BY_OWNER, FORMATS};
use super::{query_pairs, AccountNames, Posted, View, Viewer};
use crate::delivery::replay::{self, ReplayError};
use crate::delivery::settings;
use crate::domain::time::{now_ms, render_vn, vn_today};
use crate::domain::{Delivery, DeliveryStatus, Webhook, WebhookSpec};
use crate::http::session::{self, SessionUser};
use crate::http::{page, AppState};
use crate::storage::StoreResult;

/// Deliveries per page of the log.
const PAGE: i64 = 20;

/// What the page can report as just done (`?done=`).
const DONE: [&str; 6] = ["created", "saved", "test", "rotated", "retried", "replayed"];

/// A delivery as the log shows it.
#[derive(Debug, Serialize)]
struct DeliveryRow {
    id: i64,
    time: String,
    /// `transaction`, `event` (a payment event) or `test` (the test ping).
    kind: &'static str,
    transaction_id: Option<i64>,
    event_id: Option<i64>,
    status: &'static str,
    attempts: i64,
    http_status: Option<i64>,
    error: String,
    latency_ms: Option<i64>,
    request: String,
    response: String,
    delivered: Option<String>,
}

impl From<Delivery> for DeliveryRow {
    fn from(d: Delivery) -> Self {
        let kind = match (d.transaction_id, d.event_id) {
            (Some(_), _) => "transaction",
            (None, Some(_)) => "event",
            (None, None) => "test",
        };
        Self {
            id: d.id,
            time: render_vn(d.created_at),
            kind,
            transaction_id: d.transaction_id,
            event_id: d.event_id,
            status: d.status.as_str(),
            attempts: d.attempts,
            http_status: d.last_http_status,
            error: d.last_error,
            latency_ms: d.last_latency_ms,
            request: d.request_excerpt,
            response: d.response_excerpt,
            delivered: (d.status == DeliveryStatus::Succeeded)
                .then(|| d.delivered_at.map(render_vn))
                .flatten(),
        }
    }
}

/// What the page shows besides the webhook and its log.
struct Shown {
    /// The settings form's values.
    form: SettingsForm,
    /// Why the settings were refused.
    error: Option<FormError>,
    /// What was just done (one of [`DONE`]).
    done: Option<String>,
    /// How many deliveries a replay queued.
    count: Option<u64>,
    /// Why a replay was refused (a key of `wh_replay_errors`).
    replay_error: Option<&'static str>,
    /// The replay form's dates.
    replay: (String, String),
}

impl Shown {
    /// The page of `webhook` as it is stored.
    fn of(webhook: &Webhook) -> Self {
        let today = vn_today().to_string();
        Self {
            form: SettingsForm::of(webhook),
            error: None,
            done: None,
            count: None,
            replay_error: None,
            replay: (today.clone(), today),
        }
    }
}

/// The business's webhook `id` (None for another business's, or no number).
async fn load(state: &AppState, user: &SessionUser, id: &str) -> StoreResult<Option<Webhook>> {
    match id.parse::<i64>() {
        Ok(id) => state.store.get_webhook(user.business_id, id).await,
        Err(_) => Ok(None),
    }
}

/// The 404 answer: the list, saying the webhook (or delivery) is not the business's.
async fn missing(state: &AppState, user: &SessionUser, uri: &Uri, lang: &'static str) -> Response {
    let list = List {
        form: SettingsForm::default(),
        error: None,
        missing: true,
        done: None,
    };
    webhooks::render(state, user, uri, lang, StatusCode::NOT_FOUND, list).await
}

/// Where an action goes back to: the webhook's page saying what was done.
fn back(id: i64, lang: &str, done: &str) -> Response {
    session::redirect(&format!("/dashboard/webhooks/{id}?lang={lang}&done={done}"))
}

/// Reads the webhook an action is about; `Err` is the answer to give instead (404 for
/// another business's webhook).
async fn action_target(
    state: &AppState,
    user: &SessionUser,
    uri: &Uri,
    lang: &'static str,
    id: &str,
) -> Result<Webhook, Response> {
    match load(state, user, id).await {
        Ok(Some(w)) => Ok(w),
        Ok(None) => Err(missing(state, user, uri, lang).await),
        Err(e) => Err(page::unavailable(e)),
    }
}

/// `GET /dashboard/webhooks/{id}` (`?before=` pages the log, `?done=` reports an action).
pub async fn page(
    State(state): State<AppState>,
    Viewer {
        user, lang, uri, ..
    }: Viewer,
    Path(id): Path<String>,
) -> Response {
    let webhook = match load(&state, &user, &id).await {
        Ok(Some(w)) => w,
        Ok(None) => return missing(&state, &user, &uri, lang).await,
        Err(e) => return page::unavailable(e),
    };
    let mut shown = Shown::of(&webhook);
    for (k, v) in query_pairs(&uri) {
        match k.as_str() {
            "done" if DONE.contains(&v.as_str()) => shown.done = Some(v),
            "count" => shown.count = v.parse().ok(),
            _ => {}
        }
    }
    render(&state, &user, &uri, lang, StatusCode::OK, &webhook, shown).await
}

/// `POST /dashboard/webhooks/{id}`: replaces the settings (as `PUT /v2/webhooks/{id}`; a
/// signed webhook keeps its secret while its format stays). Unticking "enabled" disables it.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted {
        user,
        lang,
        uri,
        form,
        ..
    }: Posted,
) -> Response {
    let previous = match action_target(&state, &user, &uri, lang, &id).await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    let submitted = SettingsForm::submitted(&form);
    let accounts = match state.store.list_accounts(user.business_id).await {
        Ok(a) => a,
        Err(e) => return page::unavailable(e),
    };
    let spec = match settings::validate(submitted.input(), &accounts, Some(&previous.spec)) {
        Ok((spec, _)) => spec,
        Err(e) => {
            let shown = Shown {
                form: submitted,
                error: Some(e.into()),
                ..Shown::of(&previous)
            };
            let status = StatusCode::BAD_REQUEST;
            return render(&state, &user, &uri, lang, status, &previous, shown).await;
        }
    };
    let reason = if previous.enabled {
        DISABLED_BY_OWNER
    } else {
        previous.disabled_reason.as_str()
    };
    let enabled = submitted.enabled;
    match save(&state, &user, &previous, &spec, enabled, reason).await {
        Ok(()) => back(previous.id, lang, "saved"),
        Err(e) => page::unavailable(e),
    }
}

/// Stores new settings of `webhook`, in one write leaving it enabled or disabled (for
/// `reason`).
async fn save(
    state: &AppState,
    user: &SessionUser,
    webhook: &Webhook,
    spec: &WebhookSpec,
    enabled: bool,
    reason: &str,
) -> StoreResult<()> {
    let disabled = (!enabled).then_some(reason);
    state
        .store
        .update_webhook(user.business_id, webhook.id, spec, disabled)
        .await?;
    Ok(())
}

/// `POST /dashboard/webhooks/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted {
        user, lang, uri, ..
    }: Posted,
) -> Response {
    let webhook = match action_target(&state, &user, &uri, lang, &id).await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    match state
        .store
        .delete_webhook(user.business_id, webhook.id)
        .await
    {
        Ok(_) => session::redirect(&format!("/dashboard/webhooks?lang={lang}&done=deleted")),
        Err(e) => page::unavailable(e),
    }
}

/// `POST /dashboard/webhooks/{id}/test`: sends the test ping (as
/// `POST /v2/webhooks/{id}/test`); the log follows it.
pub async fn test(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted {
        user, lang, uri, ..
    }: Posted,
) -> Response {
    let webhook = match action_target(&state, &user, &uri, lang, &id).await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    match state
        .store
        .enqueue_test_delivery(user.business_id, webhook.id, now_ms())
        .await
    {
        Ok(_) => {
            state.wakeup.wake();
            back(webhook.id, lang, "test")
        }
        Err(e) => page::unavailable(e),
    }
}

/// `POST /dashboard/webhooks/{id}/rotate`: a new signing secret (signed formats; the form
/// is only offered for them), shown on the page that follows. Enabled or not, the webhook
/// stays as it was.
pub async fn rotate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted {
        user, lang, uri, ..
    }: Posted,
) -> Response {
    let webhook = match action_target(&state, &user, &uri, lang, &id).await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    let Some(spec) = settings::rotated(&webhook.spec) else {
        let unchanged = format!("/dashboard/webhooks/{}?lang={lang}", webhook.id);
        return session::redirect(&unchanged);
    };
    let reason = webhook.disabled_reason.as_str();
    match save(&state, &user, &webhook, &spec, webhook.enabled, reason).await {
        Ok(()) => back(webhook.id, lang, "rotated"),
        Err(e) => page::unavailable(e),
    }
}

/// `POST /dashboard/webhooks/{id}/replay`: sends again every matching transaction booked
/// from `from` to `to` (Vietnam dates, inclusive), as `POST /v2/webhooks/{id}/replay`.
pub async fn replay(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted {
        user,
        lang,
        uri,
        form,
        ..
    }: Posted,
) -> Response {
    let webhook = match action_target(&state, &user, &uri, lang, &id).await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    let date = |name| NaiveDate::parse_from_str(form.get(name).trim(), "%Y-%m-%d").ok();
    let refused = |key: &'static str| Shown {
        replay_error: Some(key),
        replay: (form.get("from").into(), form.get("to").into()),
        ..Shown::of(&webhook)
    };
    let (Some(from), Some(to)) = (date("from"), date("to")) else {
        let shown = refused("date");
        let status = StatusCode::BAD_REQUEST;
        return render(&state, &user, &uri, lang, status, &webhook, shown).await;
    };
    let store = state.store.as_ref();
    let (status, shown) = match replay::replay(store, user.business_id, webhook.id, from, to).await
    {
        Ok(n) => {
            if n > 0 {
                state.wakeup.wake();
            }
            let to = format!("/dashboard/webhooks/{}?lang={lang}", webhook.id);
            return session::redirect(&format!("{to}&done=replayed&count={n}"));
        }
        Err(ReplayError::UnknownWebhook(_)) => return missing(&state, &user, &uri, lang).await,
        Err(ReplayError::Disabled { .. }) => (StatusCode::CONFLICT, refused("disabled")),
        Err(ReplayError::EmptyRange) => (StatusCode::BAD_REQUEST, refused("range")),
        Err(ReplayError::Store(e)) => return page::unavailable(e),
    };
    render(&state, &user, &uri, lang, status, &webhook, shown).await
}

/// `POST /dashboard/webhooks/{id}/deliveries/{delivery}/retry`: attempts a delivery again
/// now (as `POST /v2/deliveries/{id}/retry`).
pub async fn retry(
    State(state): State<AppState>,
    Path((id, delivery)): Path<(String, String)>,
    Posted {
        user, lang, uri, ..
    }: Posted,
) -> Response {
    if let Err(answer) = action_target(&state, &user, &uri, lang, &id).await {
        return answer;
    }
    let Ok(delivery) = delivery.parse::<i64>() else {
        return missing(&state, &user, &uri, lang).await;
    };
    match state
        .store
        .retry_delivery(user.business_id, delivery, now_ms())
        .await
    {
        Ok(Some(d)) => {
            state.wakeup.wake();
            back(d.webhook_id, lang, "retried")
        }
        Ok(None) => missing(&state, &user, &uri, lang).await,
        Err(e) => page::unavailable(e),
    }
}

/// `GET /dashboard/webhooks.js`: the webhook page's script (its log follows pending
/// deliveries).
pub async fn script() -> Response {
    super::javascript(include_str!("../../../../templates/dashboard/webhooks.js"))
}

/// The webhook's page.
async fn render(
    state: &AppState,
    user: &SessionUser,
    uri: &Uri,
    lang: &'static str,
    status: StatusCode,
    webhook: &Webhook,
    shown: Shown,
) -> Response {
    let business = user.business_id;
    let before = query_pairs(uri)
        .into_iter()
        .find(|(k, _)| k == "before")
        .and_then(|(_, v)| v.parse::<i64>().ok());
    let found = async {
        let accounts = state.store.list_accounts(business).await?;
        let deliveries = state
            .store
            .list_deliveries(business, webhook.id, before, PAGE + 1)
            .await?;
        StoreResult::Ok((accounts, deliveries))
    };
    let (accounts, mut deliveries) = match found.await {
        Ok(found) => found,
        Err(e) => return page::unavailable(e),
    };
    let more = deliveries.len() as i64 > PAGE;
    deliveries.truncate(PAGE as usize);
    let next_before = more.then(|| deliveries.last().map(|d| d.id)).flatten();
    let pending = deliveries
        .iter()
        .any(|d| d.status == DeliveryStatus::Pending);
    let deliveries: Vec<DeliveryRow> = deliveries.into_iter().map(Into::into).collect();
    let names = AccountNames::new(&accounts, state.banks);
    let secret = &webhook.spec.secret;
    let masked = format!(
        "••••••••{}",
        secret
            .chars()
            .skip(secret.chars().count().saturating_sub(4))
            .collect::<String>()
    );
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
        "dashboard/webhook.html",
        minijinja::context! {
            id => webhook.id,
            url => webhook.spec.url.as_str(),
            enabled => webhook.enabled,
            disabled_reason => &webhook.disabled_reason,
            signed => webhook.spec.format.is_signed(),
            format => webhook.spec.format.as_str(),
            secret,
            masked,
            choices => names.choices(&accounts),
            accounts_label => webhooks::accounts_label(webhook, &names),
            formats,
            form => shown.form,
            error => shown.error,
            done => shown.done,
            count => shown.count,
            replay_error => shown.replay_error,
            replay_from => shown.replay.0,
            replay_to => shown.replay.1,
            deliveries,
            pending,
            before,
            next_before,
        },
    )
    .await
}
