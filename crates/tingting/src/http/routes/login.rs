//! Signing in (**ours**, server-rendered pages): `GET/POST /login`, `POST /logout`,
//! `GET /account` (who is signed in: where a login without `next` lands), and the one-time password setup link
//! `GET/POST /setup/{token}` that `tingting serve` prints for users without a password.
//!
//! The login form is protected against CSRF by a double-submit cookie (`tt_csrf`, also in a
//! hidden field); forms of a session carry the session's token (see [`crate::http::session`]).
//! Failed logins are counted per e-mail and per client address in the shared rate-limit
//! table: past [`FAILURES_PER_EMAIL`] or [`FAILURES_PER_IP`] in a [`FAILURE_WINDOW`], logins
//! are refused with 429 until the window ends, even with the right password.

use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::domain::api_key::digest;
use crate::domain::password::{self, PasswordError};
use crate::domain::session::new_token;
use crate::domain::time::now_ms;
use crate::domain::Email;
use crate::http::page;
use crate::http::session::{
    self, safe_next, set_cookie, start_session, tokens_match, ClientIp, OptionalSession,
    SessionUser, CSRF_COOKIE, SESSION_COOKIE,
};
use crate::http::AppState;

/// Failed logins allowed per e-mail in a window.
pub const FAILURES_PER_EMAIL: i64 = 5;
/// Failed logins allowed per client address in a window.
pub const FAILURES_PER_IP: i64 = 20;
/// The window failed logins are counted in: 15 minutes.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Where a login without `next` goes.
const LANDING: &str = "/account";
/// How long the login form's CSRF cookie lasts: 1 day (seconds).
const CSRF_COOKIE_SECONDS: i64 = 24 * 3600;

/// `?lang=&next=`.
#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    /// `vi` or `en`; otherwise the browser's preference, Vietnamese by default.
    pub lang: Option<String>,
    /// Where to go after logging in (a path of this site).
    pub next: Option<String>,
}

/// The login form's fields (missing ones are empty).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf: String,
    next: String,
}

/// A form that carries only its CSRF token (logout).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

/// The setup form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SetupForm {
    csrf: String,
    password: String,
    confirm: String,
}

/// What a rendered login form shows besides its fields.
struct LoginView<'a> {
    lang: &'static str,
    next: &'a str,
    email: &'a str,
    error: Option<&'static str>,
    wait_minutes: u64,
}

/// `GET /login`: the form, or straight on to `next` when already signed in.
pub async fn login_page(
    State(state): State<AppState>,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
    OptionalSession(signed_in): OptionalSession,
) -> Response {
    let lang = page::language(query.lang.as_deref(), &headers);
    let next = query
        .next
        .as_deref()
        .map_or(LANDING, |n| safe_next(Some(n)));
    if signed_in.is_some() {
        // (Back to the login page itself would loop.)
        let onward = if next.starts_with("/login") {
            LANDING
        } else {
            next
        };
        return session::redirect(onward);
    }
    let view = LoginView {
        lang,
        next,
        email: "",
        error: None,
        wait_minutes: 0,
    };
    login_form(&state, &headers, StatusCode::OK, &view)
}

/// `POST /login`: checks the CSRF token, the throttle, then the credentials; on success starts
/// a session and redirects (303) to `next`.
pub async fn login_submit(
    State(state): State<AppState>,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> Response {
    let lang = page::language(query.lang.as_deref(), &headers);
    if !double_submit_ok(&headers, &form.csrf) {
        return page::forbidden(lang);
    }
    let next = safe_next(Some(&form.next));
    let email = form.email.trim();
    let mut view = LoginView {
        lang,
        next,
        email,
        error: None,
        wait_minutes: 0,
    };
    let keys = [
        (
            format!("login-email:{}", &digest(&email.to_lowercase())[..16]),
            FAILURES_PER_EMAIL,
        ),
        (format!("login-ip:{ip}"), FAILURES_PER_IP),
    ];
    let window = Window::now();
    for (key, limit) in &keys {
        match state.store.rate_limit_hits(key, window.start).await {
            Ok(hits) if hits >= *limit => {
                view.error = Some("throttled");
                view.wait_minutes = window.retry_after.div_ceil(60);
                let mut response =
                    login_form(&state, &headers, StatusCode::TOO_MANY_REQUESTS, &view);
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(window.retry_after));
                return response;
            }
            Ok(_) => {}
            Err(e) => return page::unavailable(e),
        }
    }
    let found = match Email::parse(email) {
        Ok(email) => match state.store.find_login(&email).await {
            Ok(found) => found,
            Err(e) => return page::unavailable(e),
        },
        Err(_) => None,
    };
    let (user, stored) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, None),
    };
    let presented = form.password;
    let verified =
        tokio::task::spawn_blocking(move || password::verify(&presented, stored.as_deref()))
            .await
            .unwrap_or(false);
    match user {
        Some(user) if verified => {
            match start_session(&state, &user, session::is_secure(&state, &headers)).await {
                Ok(cookie) => {
                    let mut response = session::redirect(next);
                    response.headers_mut().append(header::SET_COOKIE, cookie);
                    response
                }
                Err(e) => page::unavailable(e),
            }
        }
        _ => {
            for (key, _) in &keys {
                if let Err(e) = state.store.hit_rate_limit(key, window.start).await {
                    return page::unavailable(e);
                }
            }
            view.error = Some("wrong");
            login_form(&state, &headers, StatusCode::UNAUTHORIZED, &view)
        }
    }
}

/// `POST /logout`: ends the session (CSRF-checked), clears the cookie, back to `/login`.
pub async fn logout(
    State(state): State<AppState>,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
    OptionalSession(signed_in): OptionalSession,
    Form(form): Form<CsrfForm>,
) -> Response {
    let lang = page::language(query.lang.as_deref(), &headers);
    if let Some(user) = signed_in {
        if !user.check_csrf(&form.csrf) {
            return page::forbidden(lang);
        }
        if let Err(e) = state
            .store
            .delete_session(user.business_id, user.session_id)
            .await
        {
            return page::unavailable(e);
        }
    }
    let mut response = session::redirect(&format!("/login?lang={lang}"));
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, session::is_secure(&state, &headers)),
    );
    response
}

/// `GET /account`: who is signed in, and a sign-out button.
pub async fn account(
    State(state): State<AppState>,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
    user: SessionUser,
) -> Response {
    let lang = page::language(query.lang.as_deref(), &headers);
    let business_name = match state.store.get_business(user.business_id).await {
        Ok(business) => business.map(|b| b.name).unwrap_or_default(),
        Err(e) => return page::unavailable(e),
    };
    page::render(
        StatusCode::OK,
        minijinja::context! {
            page => "account", lang, email => user.email, business_name, csrf => user.csrf_token,
        },
    )
}

/// `GET /setup/{token}`: the form to set a first password, while the link is live.
pub async fn setup_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = page::language(query.lang.as_deref(), &headers);
    match state.store.find_setup_user(&digest(&token), now_ms()).await {
        Ok(Some(user)) => setup_form(
            &state,
            &headers,
            StatusCode::OK,
            lang,
            &token,
            &user.email,
            None,
        ),
        Ok(None) => page::notice(StatusCode::NOT_FOUND, lang, "link_invalid"),
        Err(e) => page::unavailable(e),
    }
}

/// `POST /setup/{token}`: sets the password (the link then stops working), signs the person
/// in and takes them to `/account`.
pub async fn setup_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Response {
    let lang = page::language(query.lang.as_deref(), &headers);
    if !double_submit_ok(&headers, &form.csrf) {
        return page::forbidden(lang);
    }
    let token_hash = digest(&token);
    let user = match state.store.find_setup_user(&token_hash, now_ms()).await {
        Ok(Some(user)) => user,
        Ok(None) => return page::notice(StatusCode::NOT_FOUND, lang, "link_invalid"),
        Err(e) => return page::unavailable(e),
    };
    let again = |error| {
        setup_form(
            &state,
            &headers,
            StatusCode::BAD_REQUEST,
            lang,
            &token,
            &user.email,
            Some(error),
        )
    };
    if form.password != form.confirm {
        return again("mismatch");
    }
    let password = form.password;
    let hashed = tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .unwrap_or(Err(PasswordError::Hashing));
    let hash = match hashed {
        Ok(hash) => hash,
        Err(PasswordError::TooShort) => return again("short"),
        Err(PasswordError::TooLong) => return again("long"),
        Err(e) => return page::unavailable(e),
    };
    let user = match state
        .store
        .use_setup_token(&token_hash, now_ms(), &hash)
        .await
    {
        Ok(Some(user)) => user,
        // Used by a concurrent submission, or expired meanwhile.
        Ok(None) => return page::notice(StatusCode::NOT_FOUND, lang, "link_invalid"),
        Err(e) => return page::unavailable(e),
    };
    match start_session(&state, &user, session::is_secure(&state, &headers)).await {
        Ok(cookie) => {
            let mut response = session::redirect(&format!("/account?lang={lang}"));
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response
        }
        Err(e) => page::unavailable(e),
    }
}

/// The current fixed window of [`FAILURE_WINDOW`]: its start (ms) and the seconds left.
struct Window {
    start: i64,
    retry_after: u64,
}

impl Window {
    fn now() -> Self {
        let now = now_ms();
        let length = i64::try_from(FAILURE_WINDOW.as_millis()).unwrap_or(i64::MAX);
        let start = now - now.rem_euclid(length);
        let retry_after = u64::try_from((start + length - now + 999) / 1000)
            .unwrap_or(1)
            .max(1);
        Self { start, retry_after }
    }
}

/// Whether a form's `csrf` field matches the request's `tt_csrf` cookie.
fn double_submit_ok(headers: &HeaderMap, presented: &str) -> bool {
    session::cookie(headers, CSRF_COOKIE).is_some_and(|expected| tokens_match(expected, presented))
}

/// The browser's login CSRF token (from its cookie), or a new one and the cookie to set.
fn csrf_token(state: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match session::cookie(headers, CSRF_COOKIE) {
        Some(token) if !token.is_empty() && token.chars().all(|c| c.is_ascii_alphanumeric()) => {
            (token.to_string(), None)
        }
        _ => {
            let token = new_token();
            let cookie = set_cookie(
                CSRF_COOKIE,
                &token,
                CSRF_COOKIE_SECONDS,
                session::is_secure(state, headers),
            );
            (token, Some(cookie))
        }
    }
}

/// The login page.
fn login_form(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    view: &LoginView<'_>,
) -> Response {
    let (csrf, cookie) = csrf_token(state, headers);
    let encoded_next: String = url::form_urlencoded::byte_serialize(view.next.as_bytes()).collect();
    let switch_query = if view.next == LANDING {
        String::new()
    } else {
        format!("&next={encoded_next}")
    };
    let response = page::render(
        status,
        minijinja::context! {
            page => "login",
            lang => view.lang,
            csrf,
            next => view.next,
            email => view.email,
            error => view.error,
            wait_minutes => view.wait_minutes,
            action => format!("/login?lang={}", view.lang),
            switch_query,
        },
    );
    with_cookie(response, cookie)
}

/// The setup page.
fn setup_form(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    lang: &'static str,
    token: &str,
    email: &str,
    error: Option<&'static str>,
) -> Response {
    let (csrf, cookie) = csrf_token(state, headers);
    let token: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
    let response = page::render(
        status,
        minijinja::context! {
            page => "setup", lang, csrf, email, error,
            action => format!("/setup/{token}?lang={lang}"),
        },
    );
    with_cookie(response, cookie)
}

/// The response, setting `cookie` if there is one.
fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}
