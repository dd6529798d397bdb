//! `GET /dashboard/keys`: the business's API keys and the partner apps it has authorized.
//! `POST /dashboard/keys` creates a key (shown once, on the page that answers),
//! `POST /dashboard/keys/{id}/label` renames one, `POST /dashboard/keys/{id}/revoke` revokes
//! one, `POST /dashboard/apps/{client_id}/revoke`
//! takes an app's access away. Every form carries the session's CSRF token.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Serialize;

use super::{Posted, View, Viewer};
use crate::domain::time::{now_ms, render_vn};
use crate::domain::{Scope, Scopes, User};
use crate::http::session::{self, SessionUser};
use crate::http::{page, AppState};
use crate::keys;

/// Longest key label kept, in characters.
const MAX_LABEL: usize = 200;

/// An API key as the page lists it.
#[derive(Debug, Serialize)]
struct KeyRow {
    id: i64,
    label: String,
    prefix: String,
    scopes: String,
    created: String,
    revoked: Option<String>,
}

/// An authorized app as the page lists it.
#[derive(Debug, Serialize)]
struct AppRow {
    client_id: String,
    name: String,
    scopes: String,
    last_issued: String,
}

/// A scope the create form offers.
#[derive(Debug, Serialize)]
struct ScopeChoice {
    name: &'static str,
    text: &'static str,
}

/// `GET /dashboard/keys`.
pub async fn page(
    State(state): State<AppState>,
    Viewer {
        user, lang, uri, ..
    }: Viewer,
) -> Response {
    render(&state, &user, &uri, lang, StatusCode::OK, None, None).await
}

/// `POST /dashboard/keys`: creates a key with a label and the scopes ticked (every scope when
/// none is), and shows it once.
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
    let label = label_of(form.get("label"));
    let ticked = form.all("scope");
    let scopes = match Scopes::parse(&ticked.join(" ")) {
        Ok(s) if s.is_empty() => None,
        Ok(s) => Some(s),
        Err(_) => {
            return render(
                &state,
                &user,
                &uri,
                lang,
                StatusCode::BAD_REQUEST,
                None,
                Some("bad_scope"),
            )
            .await
        }
    };
    let owner = User {
        id: user.user_id,
        business_id: user.business_id,
        email: user.email.clone(),
    };
    match keys::issue(state.store.as_ref(), &owner, &label, scopes).await {
        Ok(key) => {
            let shown = key.expose().to_string();
            render(&state, &user, &uri, lang, StatusCode::OK, Some(shown), None).await
        }
        Err(e) => page::unavailable(e),
    }
}

/// A key's label as typed: trimmed, at most [`MAX_LABEL`] characters.
fn label_of(typed: &str) -> String {
    typed.trim().chars().take(MAX_LABEL).collect()
}

/// `POST /dashboard/keys/{id}/label`: gives one of the business's keys the label typed (`label`).
pub async fn relabel_key(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted {
        user, lang, form, ..
    }: Posted,
) -> Response {
    let back = format!("/dashboard/keys?lang={lang}");
    let Ok(id) = id.parse::<i64>() else {
        return session::redirect(&back);
    };
    match state
        .store
        .relabel_api_key(user.business_id, id, &label_of(form.get("label")))
        .await
    {
        Ok(_) => session::redirect(&back),
        Err(e) => page::unavailable(e),
    }
}

/// `POST /dashboard/keys/{id}/revoke`.
pub async fn revoke_key(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { user, lang, .. }: Posted,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return session::redirect(&format!("/dashboard/keys?lang={lang}"));
    };
    match state
        .store
        .revoke_business_api_key(user.business_id, id)
        .await
    {
        Ok(_) => session::redirect(&format!("/dashboard/keys?lang={lang}")),
        Err(e) => page::unavailable(e),
    }
}

/// `POST /dashboard/apps/{client_id}/revoke`.
pub async fn revoke_app(
    State(state): State<AppState>,
    Path(client_id): Path<String>,
    Posted { user, lang, .. }: Posted,
) -> Response {
    let revoked = match state.store.find_client(&client_id).await {
        Ok(Some(client)) => {
            state
                .store
                .revoke_authorization(user.business_id, client.id, now_ms())
                .await
        }
        Ok(None) => Ok(0),
        Err(e) => Err(e),
    };
    match revoked {
        Ok(_) => session::redirect(&format!("/dashboard/keys?lang={lang}")),
        Err(e) => page::unavailable(e),
    }
}

/// The page, with a key just created (`new_key`) or an error (a text key).
async fn render(
    state: &AppState,
    user: &SessionUser,
    uri: &Uri,
    lang: &'static str,
    status: StatusCode,
    new_key: Option<String>,
    error: Option<&'static str>,
) -> Response {
    let now = now_ms();
    let (keys, apps) = match tokio::try_join!(
        state.store.list_api_keys(user.business_id, user.user_id),
        state.store.list_authorizations(user.business_id, now),
    ) {
        Ok(found) => found,
        Err(e) => return page::unavailable(e),
    };
    let keys: Vec<KeyRow> = keys
        .iter()
        .map(|k| KeyRow {
            id: k.id,
            label: k.label.clone(),
            prefix: k.prefix.clone(),
            scopes: k.scopes.unwrap_or_else(Scopes::all).to_string(),
            created: render_vn(k.created_at),
            revoked: k.revoked_at.map(render_vn),
        })
        .collect();
    let apps: Vec<AppRow> = apps
        .iter()
        .map(|a| AppRow {
            client_id: a.client.client_id.clone(),
            name: a.client.name.clone(),
            scopes: a.scopes.to_string(),
            last_issued: render_vn(a.last_issued_at),
        })
        .collect();
    let choices: Vec<ScopeChoice> = Scope::ALL
        .into_iter()
        .map(|s| {
            let (vi, en) = s.describe();
            ScopeChoice {
                name: s.name(),
                text: if lang == "en" { en } else { vi },
            }
        })
        .collect();
    let view = View {
        user,
        lang,
        uri,
        active: "keys",
    };
    view.render(
        state,
        status,
        "dashboard/keys.html",
        minijinja::context! { keys, apps, choices, new_key, error },
    )
    .await
}
