//! Who is calling, and whether they may: every API route sits behind [`require`], which reads
//! the credential, checks its scope, counts it against the rate limit and leaves the
//! [`Principal`](crate::domain::Principal) for the handler's [`super::extract::Auth`].
//!
//! Credentials, in `Authorization`:
//! - `Apikey <key>` (scheme case-insensitive): an API key;
//! - `Bearer <token>`: an OAuth2 access token;
//! - `<token>` alone: a Casso v1 access token (`POST /v1/token`).

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::error::ApiError;
use super::{limit, AppState};
use crate::domain::time::now_ms;
use crate::domain::{api_key, Scope};

/// A credential as presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential<'a> {
    /// `Apikey <key>`.
    ApiKey(&'a str),
    /// `Bearer <token>`, or a bare v1 token.
    Token(&'a str),
}

impl<'a> Credential<'a> {
    /// Reads the `Authorization` header; None when it is missing or malformed.
    pub fn from_headers(headers: &'a HeaderMap) -> Option<Self> {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
        match value.split_once(char::is_whitespace) {
            Some((scheme, rest)) => {
                let rest = rest.trim();
                if rest.is_empty() {
                    None
                } else if scheme.eq_ignore_ascii_case("apikey") {
                    Some(Credential::ApiKey(rest))
                } else if scheme.eq_ignore_ascii_case("bearer") {
                    Some(Credential::Token(rest))
                } else {
                    None
                }
            }
            // A scheme name alone is a credential left out, not a v1 token.
            None if value.is_empty()
                || ["apikey", "bearer", "basic"]
                    .iter()
                    .any(|scheme| value.eq_ignore_ascii_case(scheme)) =>
            {
                None
            }
            None => Some(Credential::Token(value)),
        }
    }

    /// The stored digest of the secret.
    fn digest(self) -> String {
        match self {
            Credential::ApiKey(s) | Credential::Token(s) => api_key::digest(s),
        }
    }
}

/// Authenticates the request and requires `scope` (None: any valid credential), then runs the
/// handler with the [`Principal`](crate::domain::Principal) in the request's extensions. 401 without a valid credential,
/// 403 without the scope, 429 over the rate limit.
pub async fn require(
    State(state): State<AppState>,
    scope: Option<Scope>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let credential =
        Credential::from_headers(request.headers()).ok_or_else(ApiError::unauthorized)?;
    let digest = credential.digest();
    let principal = match credential {
        Credential::ApiKey(_) => state.store.authenticate_api_key(&digest).await?,
        Credential::Token(_) => state.store.authenticate_token(&digest, now_ms()).await?,
    }
    .ok_or_else(ApiError::unauthorized)?;
    if let Some(limit) = state.limits.api_key {
        // Counted by a prefix of the digest: the credential itself is never stored.
        let name = format!("key:{}", &digest[..digest.len().min(16)]);
        limit::check(state.store.as_ref(), &name, limit, "API key").await?;
    }
    if let Some(scope) = scope {
        if !principal.scopes.contains(scope) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!("This credential lacks the {} scope", scope.name()),
            ));
        }
    }
    request.extensions_mut().insert(principal);
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(value: &str) -> Option<Credential<'static>> {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, value.parse().unwrap());
        let headers: &'static HeaderMap = Box::leak(Box::new(headers));
        Credential::from_headers(headers)
    }

    #[test]
    fn credentials_by_scheme() {
        assert_eq!(read("Apikey tt_abc"), Some(Credential::ApiKey("tt_abc")));
        assert_eq!(read("apikey  tt_abc "), Some(Credential::ApiKey("tt_abc")));
        assert_eq!(read("Bearer tta_x"), Some(Credential::Token("tta_x")));
        assert_eq!(read("tta_x"), Some(Credential::Token("tta_x")));
        assert_eq!(read("Basic abc"), None);
        assert_eq!(read("Apikey "), None);
    }
}
