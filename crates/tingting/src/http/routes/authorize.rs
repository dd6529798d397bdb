//! The authorization endpoint (RFC 6749 §4.1, PKCE RFC 7636): `GET /auth/authorize` checks
//! the request, has the person log in if needed and shows the consent page; `POST
//! /auth/authorize` (the consent form) issues a single-use code to the redirect URI, or
//! `access_denied`.
//!
//! An unknown client or a redirect URI that is not exactly one the client registered is shown
//! as an error page and never redirected to (§4.1.2.1). Any other error is sent back to the
//! client at its redirect URI with `state`.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::domain::api_key::digest;
use crate::domain::oauth::{Client, Grantee, NewCode, SecretKind, CODE_SECS};
use crate::domain::time::now_ms;
use crate::domain::Scopes;
use crate::http::session::{self, OptionalSession, SessionUser};
use crate::http::{page, AppState};

/// The authorization request's parameters (also the consent form's hidden fields).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuthorizeParams {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    lang: Option<String>,
}

impl AuthorizeParams {
    /// The same with empty parameters as absent (RFC 6749 §3.1; the consent form's hidden
    /// fields are empty for what the request did not give).
    fn cleaned(self) -> Self {
        let keep = |v: Option<String>| v.filter(|s| !s.is_empty());
        Self {
            response_type: keep(self.response_type),
            client_id: keep(self.client_id),
            redirect_uri: keep(self.redirect_uri),
            scope: keep(self.scope),
            state: keep(self.state),
            code_challenge: keep(self.code_challenge),
            code_challenge_method: keep(self.code_challenge_method),
            lang: keep(self.lang),
        }
    }
}

/// The consent form: the request again, the session's CSRF token and the decision.
#[derive(Debug, Deserialize)]
pub struct ConsentForm {
    #[serde(flatten)]
    params: AuthorizeParams,
    csrf: String,
    decision: String,
}

/// A checked authorization request.
struct Checked {
    client: Client,
    /// Where the answer goes.
    redirect_uri: String,
    /// Whether the request named it (then the token request must repeat it, §4.1.3).
    explicit_redirect: bool,
    scopes: Scopes,
    state: Option<String>,
    challenge: Option<String>,
}

/// Why a request cannot go on.
enum Refusal {
    /// Shown to the person (no trustworthy redirect URI): a notice key.
    Page(&'static str),
    /// Sent to the client's redirect URI: an RFC 6749 §4.1.2.1 error code and description.
    Redirect {
        redirect_uri: String,
        state: Option<String>,
        error: &'static str,
        description: String,
    },
}

/// Checks a request: the client and redirect URI first, then the rest.
async fn check(state: &AppState, params: &AuthorizeParams) -> Result<Checked, Refusal> {
    let client_id = params.client_id.as_deref().unwrap_or("");
    let client = match state.store.find_client(client_id).await {
        Ok(Some(client)) => client,
        Ok(None) => return Err(Refusal::Page("oauth_client")),
        Err(_) => return Err(Refusal::Page("unavailable")),
    };
    // Exact match only; when omitted, the client's only URI (RFC 6749 §3.1.2.3).
    let redirect_uri = match params.redirect_uri.as_deref() {
        Some(uri) if client.redirect_uris.iter().any(|r| r == uri) => uri.to_string(),
        None if client.redirect_uris.len() == 1 => client.redirect_uris[0].clone(),
        _ => return Err(Refusal::Page("oauth_redirect")),
    };
    let back = |error: &'static str, description: String| Refusal::Redirect {
        redirect_uri: redirect_uri.clone(),
        state: params.state.clone(),
        error,
        description,
    };
    if params.response_type.as_deref() != Some("code") {
        return Err(back(
            "unsupported_response_type",
            "response_type must be code".into(),
        ));
    }
    let scopes = match params.scope.as_deref().filter(|s| !s.trim().is_empty()) {
        None => client.scopes,
        Some(text) => match Scopes::parse(text) {
            Ok(asked) if client.scopes.covers(asked) && !asked.is_empty() => asked,
            Ok(_) => {
                return Err(back(
                    "invalid_scope",
                    format!("this client may ask for {} only", client.scopes),
                ))
            }
            Err(e) => return Err(back("invalid_scope", e)),
        },
    };
    let challenge = match (
        params.code_challenge.as_deref(),
        params.code_challenge_method.as_deref(),
    ) {
        (Some(c), Some("S256")) if (43..=128).contains(&c.len()) => Some(c.to_string()),
        (Some(_), Some("S256")) => {
            return Err(back(
                "invalid_request",
                "code_challenge must be 43 to 128 characters".into(),
            ))
        }
        (Some(_), _) => {
            return Err(back(
                "invalid_request",
                "code_challenge_method must be S256".into(),
            ))
        }
        (None, _) if !client.is_confidential() => {
            return Err(back(
                "invalid_request",
                "PKCE (code_challenge with S256) is required for this client".into(),
            ))
        }
        (None, _) => None,
    };
    Ok(Checked {
        client,
        redirect_uri,
        explicit_redirect: params.redirect_uri.is_some(),
        scopes,
        state: params.state.clone(),
        challenge,
    })
}

/// 303 to the client's redirect URI with `pairs` (and `state`) added to its query.
fn back_to_client(redirect_uri: &str, state: Option<&str>, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(redirect_uri) else {
        return page::notice(StatusCode::BAD_REQUEST, "en", "oauth_redirect");
    };
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in pairs {
            query.append_pair(name, value);
        }
        if let Some(state) = state {
            query.append_pair("state", state);
        }
    }
    session::redirect(url.as_str())
}

fn refuse(refusal: Refusal, lang: &str) -> Response {
    match refusal {
        Refusal::Page("unavailable") => page::unavailable("the client could not be read"),
        Refusal::Page(notice) => page::notice(StatusCode::BAD_REQUEST, lang, notice),
        Refusal::Redirect {
            redirect_uri,
            state,
            error,
            description,
        } => back_to_client(
            &redirect_uri,
            state.as_deref(),
            &[("error", error), ("error_description", &description)],
        ),
    }
}

/// `GET /auth/authorize`: the consent page (after logging in).
pub async fn authorize(
    State(state): State<AppState>,
    Query(params): Query<AuthorizeParams>,
    headers: HeaderMap,
    uri: Uri,
    OptionalSession(user): OptionalSession,
) -> Response {
    let params = params.cleaned();
    let lang = page::language(params.lang.as_deref(), &headers);
    let checked = match check(&state, &params).await {
        Ok(checked) => checked,
        Err(refusal) => return refuse(refusal, lang),
    };
    let Some(user) = user else {
        return session::login_redirect(&uri);
    };
    let business = match state.store.get_business(user.business_id).await {
        Ok(business) => business.map(|b| b.name).unwrap_or_default(),
        Err(e) => return page::unavailable(e),
    };
    let scopes: Vec<&str> = checked
        .scopes
        .iter()
        .map(|s| {
            let (vi, en) = s.describe();
            if lang == "en" {
                en
            } else {
                vi
            }
        })
        .collect();
    // The language link keeps the request.
    let mut others = url::form_urlencoded::Serializer::new(String::new());
    if let Some(query) = uri.query() {
        others.extend_pairs(
            url::form_urlencoded::parse(query.as_bytes()).filter(|(name, _)| name != "lang"),
        );
    }
    page::render(
        StatusCode::OK,
        minijinja::context! {
            page => "consent",
            lang,
            switch_query => format!("&{}", others.finish()),
            email => user.email,
            business_name => business,
            client_name => checked.client.name,
            redirect_host => url::Url::parse(&checked.redirect_uri)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default(),
            scopes,
            csrf => user.csrf_token,
            action => "/auth/authorize",
            client_id => checked.client.client_id,
            redirect_uri => params.redirect_uri,
            scope => checked.scopes.to_string(),
            state => checked.state,
            code_challenge => checked.challenge,
        },
    )
}

/// `POST /auth/authorize`: the consent form's answer.
pub async fn consent(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: SessionUser,
    Form(form): Form<ConsentForm>,
) -> Response {
    let form_params = form.params.cleaned();
    let lang = page::language(form_params.lang.as_deref(), &headers);
    if !user.check_csrf(&form.csrf) {
        return page::forbidden(lang);
    }
    // The form's hidden fields are the request again: checked again.
    let params = AuthorizeParams {
        response_type: Some("code".into()),
        code_challenge_method: form_params
            .code_challenge
            .as_ref()
            .map(|_| "S256".to_string()),
        ..form_params
    };
    let checked = match check(&state, &params).await {
        Ok(checked) => checked,
        Err(refusal) => return refuse(refusal, lang),
    };
    if form.decision != "allow" {
        return back_to_client(
            &checked.redirect_uri,
            checked.state.as_deref(),
            &[("error", "access_denied")],
        );
    }
    let code = SecretKind::Code.generate();
    let stored = state
        .store
        .create_code(&NewCode {
            grantee: Grantee {
                business_id: user.business_id,
                user_id: user.user_id,
                scopes: checked.scopes,
            },
            client: checked.client.id,
            code_hash: &digest(&code),
            // "" when the request named none: the token request need not either.
            redirect_uri: if checked.explicit_redirect {
                &checked.redirect_uri
            } else {
                ""
            },
            code_challenge: checked.challenge.as_deref(),
            family: &SecretKind::Family.generate(),
            expires_at: now_ms() + CODE_SECS * 1000,
        })
        .await;
    match stored {
        Ok(()) => back_to_client(
            &checked.redirect_uri,
            checked.state.as_deref(),
            &[("code", &code)],
        ),
        Err(e) => page::unavailable(e),
    }
}
