//! Browser sessions for the pages people use (login, account, OAuth2 consent): the session
//! cookie, the logged-in user as an extractor, CSRF checks and the way back to `/login`.
//!
//! A handler that needs a logged-in person takes [`SessionUser`]; without a live session the
//! extractor itself answers with a redirect to `/login?next=<this path and query>`, and the
//! login form brings the person back there. A handler that only wants to know takes
//! [`OptionalSession`] (and may call [`login_redirect`] itself). Every form such a page shows
//! carries [`SessionUser::csrf_token`] in a hidden field named `csrf`, and its POST handler
//! calls [`SessionUser::check_csrf`] before doing anything:
//!
//! ```ignore
//! async fn consent(user: SessionUser, headers: HeaderMap, Form(form): Form<ConsentForm>) -> Response {
//!     let lang = page::language(None, &headers);
//!     if !user.check_csrf(&form.csrf) {
//!         return page::forbidden(lang); // 403 page
//!     }
//!     ...
//! }
//! ```
//!
//! The cookie `tt_session` holds a random token (only its SHA-256 is stored); it is HttpOnly,
//! SameSite=Lax, Path=/, and Secure when the request came over TLS ([`is_secure`]).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::{page, AppState};
use crate::domain::api_key::digest;
use crate::domain::session::{new_token, NewSession, SESSION_MAX_MS};
use crate::domain::time::now_ms;
use crate::domain::User;
use crate::storage::StoreResult;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "tt_session";
/// The login form's double-submit CSRF cookie (before there is a session).
pub const CSRF_COOKIE: &str = "tt_csrf";
/// Longest `next` path kept.
const MAX_NEXT: usize = 2048;

/// How sessions treat the connection (`tingting serve --secure-cookies --trust-proxy`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginSettings {
    /// Mark cookies Secure on every request, not only those a proxy says came over HTTPS.
    pub secure_cookies: bool,
    /// Take the client's address for login throttling from the last `X-Forwarded-For` entry
    /// (the address the reverse proxy saw) instead of the socket's.
    pub trust_proxy: bool,
}

/// The logged-in person of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    /// The session (for logout).
    pub session_id: i64,
    /// The user.
    pub user_id: i64,
    /// The user's business: what their requests are confined to.
    pub business_id: i64,
    /// The user's login e-mail.
    pub email: String,
    /// The token every form of this session carries (hidden field `csrf`).
    pub csrf_token: String,
}

impl SessionUser {
    /// Whether `presented` (a form's `csrf` field) is this session's CSRF token, compared in
    /// constant time. When it is not, answer with [`page::forbidden`] (403) and do nothing.
    pub fn check_csrf(&self, presented: &str) -> bool {
        tokens_match(&self.csrf_token, presented)
    }
}

/// The logged-in person, or the redirect to `/login?next=<this request's path and query>`
/// (303). A database failure is a 503 page.
impl FromRequestParts<AppState> for SessionUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match session_of(&parts.headers, state).await {
            Ok(Some(user)) => Ok(user),
            Ok(None) => Err(login_redirect(&parts.uri)),
            Err(e) => Err(page::unavailable(e)),
        }
    }
}

/// The logged-in person if there is one. A database failure is a 503 page.
#[derive(Debug, Clone)]
pub struct OptionalSession(pub Option<SessionUser>);

impl FromRequestParts<AppState> for OptionalSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        session_of(&parts.headers, state)
            .await
            .map(OptionalSession)
            .map_err(page::unavailable)
    }
}

/// The live session the request's cookie names, if any.
async fn session_of(headers: &HeaderMap, state: &AppState) -> StoreResult<Option<SessionUser>> {
    let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let session = state.store.find_session(&digest(token), now_ms()).await?;
    Ok(session.map(|s| SessionUser {
        session_id: s.id,
        user_id: s.user_id,
        business_id: s.business_id,
        email: s.email,
        csrf_token: s.csrf_token,
    }))
}

/// 303 to `/login?next=<uri's path and query>`: log in, then come back here.
pub fn login_redirect(uri: &Uri) -> Response {
    let back = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let next: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
    redirect(&format!("/login?next={next}"))
}

/// 303 See Other to `location` (a path of this site).
pub fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response(),
    }
}

/// Where to go after logging in: `next` when it is a path of this site (starts with one `/`,
/// no backslash or control character, at most 2048 bytes), else `/`. Rules out open redirects
/// such as `//evil.example`, `/\evil.example` and `https://evil.example`.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.len() <= MAX_NEXT
                && !n.chars().any(|c| c == '\\' || c.is_control()) =>
        {
            n
        }
        _ => "/",
    }
}

/// Whether two tokens are equal, in time independent of where they differ; empty never
/// matches.
pub fn tokens_match(expected: &str, presented: &str) -> bool {
    !expected.is_empty() && crate::domain::api_key::same_secret(expected, presented)
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
}

/// Whether cookies set in answer to this request are Secure: `--secure-cookies`, or the
/// reverse proxy says the request came over HTTPS (`X-Forwarded-Proto: https`).
pub fn is_secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.login.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure when `secure`, kept for
/// `max_age` seconds (0 deletes it).
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("tt_invalid=; Max-Age=0"))
}

/// Starts a session for `user`; returns the `Set-Cookie` value that hands it to the browser.
pub async fn start_session(
    state: &AppState,
    user: &User,
    secure: bool,
) -> StoreResult<HeaderValue> {
    let token = new_token();
    let csrf = new_token();
    state
        .store
        .create_session(&NewSession {
            business_id: user.business_id,
            user_id: user.id,
            token_hash: &digest(&token),
            csrf_token: &csrf,
            now: now_ms(),
        })
        .await?;
    Ok(set_cookie(
        SESSION_COOKIE,
        &token,
        SESSION_MAX_MS / 1000,
        secure,
    ))
}

/// The client's address, for login throttling: the socket's peer, or with
/// [`LoginSettings::trust_proxy`] the last `X-Forwarded-For` entry. `unknown` when neither is
/// known (a router served without connection info).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // The last entry is the one the proxy appended; earlier ones are the client's to say.
        let forwarded = state
            .login
            .trust_proxy
            .then(|| parts.headers.get_all("x-forwarded-for").iter().next_back())
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|hop| hop.trim().parse::<std::net::IpAddr>().ok());
        let peer = || {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip())
        };
        Ok(ClientIp(forwarded.or_else(peer).map_or_else(
            || "unknown".to_string(),
            |ip| ip.to_string(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_accepts_only_paths_of_this_site() {
        assert_eq!(safe_next(Some("/account")), "/account");
        assert_eq!(
            safe_next(Some("/auth/authorize?client_id=a&scope=b")),
            "/auth/authorize?client_id=a&scope=b"
        );
        for bad in [
            "//evil.example",
            "///evil.example",
            "https://evil.example",
            "http:/evil.example",
            "evil.example",
            "/\\evil.example",
            "/a\r\nSet-Cookie: x=1",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(MAX_NEXT)))), "/");
    }

    #[test]
    fn cookies_are_read_and_set() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; tt_session=abc ; b=2".parse().unwrap());
        headers.append(header::COOKIE, "tt_csrf=xyz".parse().unwrap());
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, CSRF_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "c"), None);
        assert_eq!(
            set_cookie("tt_session", "abc", 60, true),
            "tt_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure"
        );
        assert_eq!(
            set_cookie("tt_session", "", 0, false),
            "tt_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        );
    }

    #[test]
    fn tokens_compare_whole_and_never_empty() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", "ab"));
        assert!(!tokens_match("", ""));
    }

    #[test]
    fn the_login_redirect_keeps_the_way_back() {
        let uri: Uri = "/auth/authorize?client_id=shop&scope=a%20b"
            .parse()
            .unwrap();
        let response = login_redirect(&uri);
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers()[header::LOCATION],
            "/login?next=%2Fauth%2Fauthorize%3Fclient_id%3Dshop%26scope%3Da%2520b"
        );
    }
}
