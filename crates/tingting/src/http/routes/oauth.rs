//! The token side of OAuth2 (RFC 6749 §3.2 and §5, RFC 7009 revocation, RFC 7636 PKCE) at
//! Casso's paths, and Casso's v1 token exchange.
//!
//! `POST /auth/token` takes form-encoded bodies, and JSON ones (some Casso clients send
//! JSON). Clients authenticate with HTTP Basic (also `Basic<base64>` without the space) or
//! with `client_id`/`client_secret` fields; with Basic the body need not repeat the secret.
//! Errors are RFC 6749 §5.2's `{"error", "error_description"}`, not Casso's envelope.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{json, Value};

use crate::domain::api_key::digest;
use crate::domain::oauth::{
    pkce_matches, verifier_is_valid, Client, CodeTaken, Grantee, NewTokens, RefreshTaken,
    SecretKind, ACCESS_TOKEN_SECS,
};
use crate::domain::time::now_ms;
use crate::domain::Scopes;
use crate::http::error::ApiError;
use crate::http::AppState;
use crate::storage::StoreError;

/// An RFC 6749 §5.2 error.
#[derive(Debug)]
pub struct OAuthError {
    status: StatusCode,
    code: &'static str,
    description: String,
    /// Answer `WWW-Authenticate: Basic` (the client tried Basic and failed).
    challenge: bool,
}

impl OAuthError {
    fn new(code: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            description: description.into(),
            challenge: false,
        }
    }

    /// `invalid_request`: a parameter missing, repeated or malformed.
    fn request(description: impl Into<String>) -> Self {
        Self::new("invalid_request", description)
    }

    /// `invalid_grant`: the code, refresh token or verifier is wrong, expired or used.
    fn grant(description: impl Into<String>) -> Self {
        Self::new("invalid_grant", description)
    }

    /// `invalid_client` (401): the client is unknown or its secret wrong.
    fn client(basic: bool) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: "invalid_client",
            description: "client authentication failed".into(),
            challenge: basic,
        }
    }
}

impl From<StoreError> for OAuthError {
    fn from(e: StoreError) -> Self {
        let status = ApiError::from(e).status();
        Self {
            status,
            code: if status == StatusCode::SERVICE_UNAVAILABLE {
                "temporarily_unavailable"
            } else {
                "server_error"
            },
            description: "try again later".into(),
            challenge: false,
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            no_store(),
            axum::Json(json!({"error": self.code, "error_description": self.description})),
        )
            .into_response();
        if self.challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"tingting\""),
            );
        }
        response
    }
}

/// `Cache-Control: no-store` and `Pragma: no-cache`, required on token responses.
fn no_store() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::PRAGMA, HeaderValue::from_static("no-cache")),
    ]
}

/// A token request's parameters, from a form or a JSON object; a repeated parameter is an
/// error (RFC 6749 §3.2).
fn parameters(headers: &HeaderMap, body: &Bytes) -> Result<HashMap<String, String>, OAuthError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let pairs: Vec<(String, String)> = if json {
        let object: serde_json::Map<String, Value> = serde_json::from_slice(body)
            .map_err(|_| OAuthError::request("the body is not a JSON object"))?;
        object
            .into_iter()
            .filter_map(|(k, v)| match v {
                Value::String(s) => Some((k, s)),
                Value::Number(n) => Some((k, n.to_string())),
                _ => None,
            })
            .collect()
    } else {
        url::form_urlencoded::parse(body).into_owned().collect()
    };
    let mut params = HashMap::new();
    for (name, value) in pairs {
        if value.is_empty() {
            continue; // RFC 6749 §3.1: empty parameters are as if omitted.
        }
        if params.insert(name.clone(), value).is_some() {
            return Err(OAuthError::request(format!("{name} is repeated")));
        }
    }
    Ok(params)
}

/// The client id and secret of HTTP Basic (`Basic <base64>`, also without the space), each
/// form-urlencoded as RFC 6749 §2.3.1 says.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let scheme = value.get(..5)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(value[5..].trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| -> String {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}

/// Authenticates the client of a token or revocation request: Basic, or the body's
/// `client_id` (and `client_secret` for confidential clients).
async fn authenticate_client(
    state: &AppState,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<Client, OAuthError> {
    let basic = basic_credentials(headers);
    let (id, secret) = match &basic {
        Some((id, secret)) => {
            if params.get("client_id").is_some_and(|body_id| body_id != id) {
                return Err(OAuthError::request(
                    "client_id differs from the client authenticated",
                ));
            }
            (id.clone(), Some(secret.clone()))
        }
        None => {
            let id = params
                .get("client_id")
                .ok_or_else(|| OAuthError::client(false))?;
            (id.clone(), params.get("client_secret").cloned())
        }
    };
    let client = state
        .store
        .find_client(&id)
        .await?
        .ok_or_else(|| OAuthError::client(basic.is_some()))?;
    let authenticated = match (&secret, client.is_confidential()) {
        (Some(secret), true) => client.secret_matches(secret),
        // A public client presents its id only (an empty Basic password included).
        (None, false) => true,
        (Some(secret), false) => secret.is_empty(),
        (None, true) => false,
    };
    if !authenticated {
        return Err(OAuthError::client(basic.is_some()));
    }
    Ok(client)
}

/// The scopes a request asks for (`scope`), which must be among `allowed`; all of `allowed`
/// when it asks for none.
fn requested_scopes(
    params: &HashMap<String, String>,
    allowed: Scopes,
) -> Result<Scopes, OAuthError> {
    let Some(text) = params.get("scope") else {
        return Ok(allowed);
    };
    let asked = Scopes::parse(text).map_err(|e| OAuthError::new("invalid_scope", e))?;
    if !allowed.covers(asked) {
        return Err(OAuthError::new(
            "invalid_scope",
            format!("the grant does not cover {asked}"),
        ));
    }
    Ok(asked)
}

/// Issues and stores a new access token (and refresh token, if `refresh`); answers them in
/// RFC 6749 §5.1's form.
async fn issue(
    state: &AppState,
    grantee: Grantee,
    client: Option<i64>,
    api_key: Option<i64>,
    family: &str,
    refresh: bool,
) -> Result<Value, StoreError> {
    let access = SecretKind::Access.generate();
    let refresh_token = refresh.then(|| SecretKind::Refresh.generate());
    let refresh_hash = refresh_token.as_deref().map(digest);
    state
        .store
        .issue_tokens(&NewTokens {
            grantee,
            client,
            api_key,
            family,
            access_hash: &digest(&access),
            refresh_hash: refresh_hash.as_deref(),
            now: now_ms(),
        })
        .await?;
    let mut body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECS,
        "scope": grantee.scopes.to_string(),
    });
    if let Some(refresh_token) = refresh_token {
        body["refresh_token"] = json!(refresh_token);
    }
    Ok(body)
}

/// `POST /auth/token`: `authorization_code`, `refresh_token` and `client_credentials`.
pub async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    match token_grant(&state, &headers, &body).await {
        Ok(body) => (no_store(), axum::Json(body)).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn token_grant(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Value, OAuthError> {
    let params = parameters(headers, body)?;
    let grant_type = params
        .get("grant_type")
        .ok_or_else(|| OAuthError::request("grant_type is missing"))?
        .clone();
    let client = authenticate_client(state, headers, &params).await?;
    let required = |name: &str| {
        params
            .get(name)
            .ok_or_else(|| OAuthError::request(format!("{name} is missing")))
    };
    match grant_type.as_str() {
        "authorization_code" => {
            let code = required("code")?;
            let grant = match state.store.take_code(&digest(code), now_ms()).await? {
                CodeTaken::Fresh(grant) => grant,
                CodeTaken::Reused => {
                    return Err(OAuthError::grant(
                        "the code was already used; the tokens issued for it are revoked",
                    ))
                }
                CodeTaken::Unknown => return Err(OAuthError::grant("unknown code")),
            };
            if grant.client != client.id {
                return Err(OAuthError::grant("the code was issued to another client"));
            }
            if grant.expires_at <= now_ms() {
                return Err(OAuthError::grant("the code has expired"));
            }
            // Required and equal when the authorization request named it (§4.1.3).
            let redirect_uri = params.get("redirect_uri").map_or("", String::as_str);
            if grant.redirect_uri != redirect_uri && !grant.redirect_uri.is_empty() {
                return Err(OAuthError::grant(
                    "redirect_uri differs from the authorization request's",
                ));
            }
            match (&grant.code_challenge, params.get("code_verifier")) {
                (Some(challenge), Some(verifier)) => {
                    if !verifier_is_valid(verifier) || !pkce_matches(verifier, challenge) {
                        return Err(OAuthError::grant("code_verifier does not match"));
                    }
                }
                (Some(_), None) => return Err(OAuthError::grant("code_verifier is missing")),
                (None, Some(_)) => {
                    return Err(OAuthError::grant(
                        "code_verifier given, but the authorization request had no code_challenge",
                    ))
                }
                (None, None) => {}
            }
            Ok(issue(
                state,
                grant.grantee,
                Some(client.id),
                None,
                &grant.family,
                true,
            )
            .await?)
        }
        "refresh_token" => {
            let token = required("refresh_token")?;
            let grant =
                match state
                    .store
                    .take_refresh_token(Some(client.id), &digest(token), now_ms())
                    .await?
                {
                    RefreshTaken::Fresh(grant) => grant,
                    RefreshTaken::Reused => return Err(OAuthError::grant(
                        "the refresh token was already used; every token of its grant is revoked",
                    )),
                    RefreshTaken::Invalid => {
                        return Err(OAuthError::grant(
                            "the refresh token is unknown, expired or revoked",
                        ))
                    }
                };
            let grantee = Grantee {
                scopes: requested_scopes(&params, grant.grantee.scopes)?,
                ..grant.grantee
            };
            Ok(issue(state, grantee, Some(client.id), None, &grant.family, true).await?)
        }
        "client_credentials" => {
            let (Some(business_id), true) = (client.business_id, client.is_confidential()) else {
                return Err(OAuthError::new(
                    "unauthorized_client",
                    "client_credentials is for a business's own confidential clients",
                ));
            };
            let user_id = state
                .store
                .business_owner(business_id)
                .await?
                .ok_or_else(|| {
                    OAuthError::new("unauthorized_client", "the business has no owner")
                })?;
            let grantee = Grantee {
                business_id,
                user_id,
                scopes: requested_scopes(&params, client.scopes)?,
            };
            let family = SecretKind::Family.generate();
            Ok(issue(state, grantee, Some(client.id), None, &family, false).await?)
        }
        other => Err(OAuthError::new(
            "unsupported_grant_type",
            format!("grant_type {other:?} is not supported"),
        )),
    }
}

/// `POST /auth/revoke` (RFC 7009): the client revokes one of its tokens. A refresh token takes
/// its whole grant with it. Unknown tokens are answered 200 too.
pub async fn revoke(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let outcome: Result<(), OAuthError> = async {
        let params = parameters(&headers, &body)?;
        let client = authenticate_client(&state, &headers, &params).await?;
        let token = params
            .get("token")
            .ok_or_else(|| OAuthError::request("token is missing"))?;
        state
            .store
            .revoke_token(client.id, &digest(token), now_ms())
            .await?;
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => (StatusCode::OK, no_store()).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST /v1/token`: Casso's v1 exchange. `{"code": "<API key>"}` answers a new pair, and
/// `{"refresh_token": "..."}` rotates one; both un-enveloped as
/// `{access_token, refresh_token, expires_in}`. The token acts with the key's scopes until
/// it expires or the key is revoked.
pub async fn v1_token(State(state): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    #[derive(serde::Deserialize)]
    struct Exchange {
        code: Option<String>,
        refresh_token: Option<String>,
    }
    let exchange: Exchange = serde_json::from_slice(&body).map_err(|_| {
        ApiError::bad_request(
            "the body must be {\"code\": \"<API key>\"} or {\"refresh_token\": \"...\"}",
        )
    })?;
    let (grantee, api_key, family) = match (exchange.code, exchange.refresh_token) {
        (Some(code), _) => {
            let (key_id, principal) = state
                .store
                .api_key_grant(&digest(code.trim()))
                .await?
                .ok_or_else(ApiError::unauthorized)?;
            let grantee = Grantee {
                business_id: principal.business_id,
                user_id: principal.user_id,
                scopes: principal.scopes,
            };
            (grantee, key_id, SecretKind::Family.generate())
        }
        (None, Some(token)) => {
            match state
                .store
                .take_refresh_token(None, &digest(token.trim()), now_ms())
                .await?
            {
                RefreshTaken::Fresh(grant) => {
                    let key = grant.api_key.ok_or_else(ApiError::unauthorized)?;
                    (grant.grantee, key, grant.family)
                }
                RefreshTaken::Reused | RefreshTaken::Invalid => {
                    return Err(ApiError::unauthorized())
                }
            }
        }
        (None, None) => return Err(ApiError::bad_request("code is missing")),
    };
    let mut body = issue(&state, grantee, None, Some(api_key), &family, true).await?;
    // Casso's v1 answer has these three fields only.
    let body = json!({
        "access_token": body["access_token"].take(),
        "refresh_token": body["refresh_token"].take(),
        "expires_in": ACCESS_TOKEN_SECS,
    });
    Ok((no_store(), axum::Json(body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(authorization: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, authorization.parse().unwrap());
        h
    }

    #[test]
    fn basic_with_and_without_the_space() {
        let b64 = base64::engine::general_purpose::STANDARD.encode("ttc_a:s%3Acret");
        let expected = Some(("ttc_a".to_string(), "s:cret".to_string()));
        assert_eq!(
            basic_credentials(&headers(&format!("Basic {b64}"))),
            expected
        );
        assert_eq!(
            basic_credentials(&headers(&format!("Basic{b64}"))),
            expected
        );
        assert_eq!(
            basic_credentials(&headers(&format!("basic {b64}"))),
            expected
        );
        assert_eq!(basic_credentials(&headers("Bearer x")), None);
        assert_eq!(basic_credentials(&headers("Basic !!!")), None);
    }

    #[test]
    fn parameters_from_forms_and_json() {
        let form = parameters(
            &HeaderMap::new(),
            &Bytes::from("grant_type=refresh_token&refresh_token=a%2Bb&scope="),
        )
        .unwrap();
        assert_eq!(form["refresh_token"], "a+b");
        assert!(!form.contains_key("scope"));
        let mut json_headers = HeaderMap::new();
        json_headers.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        let json = parameters(
            &json_headers,
            &Bytes::from(r#"{"grant_type":"authorization_code","code":"c"}"#),
        )
        .unwrap();
        assert_eq!(json["code"], "c");
        let repeated = parameters(&HeaderMap::new(), &Bytes::from("code=a&code=b")).unwrap_err();
        assert_eq!(repeated.code, "invalid_request");
    }
}
