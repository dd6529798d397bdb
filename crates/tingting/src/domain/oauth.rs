//! OAuth2 for partner apps, and Casso's v1 tokens: clients, authorization codes, access and
//! refresh tokens. Every secret is a prefixed random string stored only as its SHA-256 digest
//! (see [`super::api_key::digest`]).

use base64::Engine;
use rand::distr::Alphanumeric;
use rand::Rng;
use sha2::{Digest, Sha256};

use super::scope::Scopes;
use super::BusinessId;

/// How long an access token lives: 6 hours, as Casso's (`expires_in: 21600`).
pub const ACCESS_TOKEN_SECS: i64 = 21_600;
/// How long a refresh token lives unused: 30 days.
pub const REFRESH_TOKEN_SECS: i64 = 30 * 24 * 3600;
/// How long an authorization code lives: 1 minute (RFC 6749 §4.1.2 recommends at most 10).
pub const CODE_SECS: i64 = 60;
/// Most redirect URIs of one client.
const MAX_REDIRECT_URIS: usize = 10;

/// What kind of secret a string is, by its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A client's public id (`ttc_`).
    ClientId,
    /// A client's secret (`ttcs_`).
    ClientSecret,
    /// An authorization code (`ttcode_`).
    Code,
    /// An access token (`tta_`).
    Access,
    /// A refresh token (`ttr_`).
    Refresh,
    /// A grant's family id, tying a code to the tokens descending from it (`ttf_`).
    Family,
}

impl SecretKind {
    fn prefix(self) -> &'static str {
        match self {
            SecretKind::ClientId => "ttc_",
            SecretKind::ClientSecret => "ttcs_",
            SecretKind::Code => "ttcode_",
            SecretKind::Access => "tta_",
            SecretKind::Refresh => "ttr_",
            SecretKind::Family => "ttf_",
        }
    }

    /// A new random value: the prefix and 40 alphanumerics (about 238 bits; 24 for client
    /// ids, which are public).
    pub fn generate(self) -> String {
        let len = if self == SecretKind::ClientId { 24 } else { 40 };
        let random: String = rand::rng()
            .sample_iter(&Alphanumeric)
            .take(len)
            .map(char::from)
            .collect();
        format!("{}{random}", self.prefix())
    }
}

/// Checks a PKCE `code_verifier` against the `S256` `code_challenge` it must hash to
/// (RFC 7636 §4.6).
pub fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let hashed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    super::api_key::same_secret(&hashed, challenge)
}

/// Checks a PKCE verifier's form: 43 to 128 characters of `[A-Za-z0-9-._~]` (RFC 7636 §4.1).
pub fn verifier_is_valid(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// A redirect URI a client may register: absolute, without a fragment, `https`, or `http`
/// only to a loopback host (native apps and development, RFC 8252 §7.3), or a private-use
/// scheme with a dot (`com.example.app:/cb`, RFC 8252 §7.1).
pub fn check_redirect_uri(uri: &str) -> Result<String, String> {
    let parsed = url::Url::parse(uri).map_err(|e| format!("redirect URI {uri:?}: {e}"))?;
    if parsed.fragment().is_some() {
        return Err(format!("redirect URI {uri:?} must not have a fragment"));
    }
    let loopback = match parsed.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" => Ok(uri.to_string()),
        "http" if loopback => Ok(uri.to_string()),
        "http" => Err(format!(
            "redirect URI {uri:?} must use https (http only for localhost)"
        )),
        scheme if scheme.contains('.') => Ok(uri.to_string()),
        scheme => Err(format!(
            "redirect URI {uri:?}: scheme {scheme:?} not allowed"
        )),
    }
}

/// A client to register.
#[derive(Debug, Clone)]
pub struct NewClient {
    /// Display name, shown on the consent page.
    pub name: String,
    /// Exact redirect URIs (at least one for partner apps).
    pub redirect_uris: Vec<String>,
    /// The scopes it may ask for.
    pub scopes: Scopes,
    /// Public clients (no secret) must use PKCE.
    pub public: bool,
    /// A business's own client: may use `client_credentials`, acting for that business.
    pub business_id: Option<BusinessId>,
}

impl NewClient {
    /// Checks the registration: a name, valid redirect URIs (some, unless the client belongs
    /// to a business and only uses `client_credentials`), at least one scope.
    pub fn new(
        name: &str,
        redirect_uris: &[String],
        scopes: Scopes,
        public: bool,
        business_id: Option<BusinessId>,
    ) -> Result<Self, String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err("the client needs a name of 1 to 100 characters".into());
        }
        if redirect_uris.len() > MAX_REDIRECT_URIS {
            return Err(format!("at most {MAX_REDIRECT_URIS} redirect URIs"));
        }
        let redirect_uris = redirect_uris
            .iter()
            .map(|u| check_redirect_uri(u))
            .collect::<Result<Vec<_>, _>>()?;
        if redirect_uris.is_empty() && business_id.is_none() {
            return Err(
                "a partner app needs at least one --redirect-uri (or --email for a business's own client)"
                    .into(),
            );
        }
        if public && redirect_uris.is_empty() {
            return Err("a public client needs a redirect URI".into());
        }
        if scopes.is_empty() {
            return Err("the client needs at least one scope".into());
        }
        Ok(Self {
            name: name.to_string(),
            redirect_uris,
            scopes,
            public,
            business_id,
        })
    }
}

/// A registered client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// Row id.
    pub id: i64,
    /// Public identifier (`ttc_…`).
    pub client_id: String,
    /// Display name.
    pub name: String,
    /// Digest of its secret; None for a public client.
    pub secret_hash: Option<String>,
    /// Exact redirect URIs.
    pub redirect_uris: Vec<String>,
    /// The scopes it may ask for.
    pub scopes: Scopes,
    /// The business it belongs to, for `client_credentials`.
    pub business_id: Option<BusinessId>,
    /// Registration instant (ms).
    pub created_at: i64,
}

impl Client {
    /// Whether it authenticates with a secret (a confidential client).
    pub fn is_confidential(&self) -> bool {
        self.secret_hash.is_some()
    }

    /// Whether `secret` is its secret.
    pub fn secret_matches(&self, secret: &str) -> bool {
        self.secret_hash
            .as_deref()
            .is_some_and(|hash| super::api_key::same_secret(hash, &super::api_key::digest(secret)))
    }
}

/// Who a grant acts for, and with what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grantee {
    /// The business.
    pub business_id: BusinessId,
    /// The user who consented (or the owner, for `client_credentials` and v1).
    pub user_id: i64,
    /// The scopes granted.
    pub scopes: Scopes,
}

/// An authorization code to store.
#[derive(Debug, Clone)]
pub struct NewCode<'a> {
    /// Who consented.
    pub grantee: Grantee,
    /// The client's row id.
    pub client: i64,
    /// Digest of the code.
    pub code_hash: &'a str,
    /// The redirect URI the request named (the token request must repeat it); "" when it
    /// named none (the client's only URI was used).
    pub redirect_uri: &'a str,
    /// The PKCE S256 challenge, if any.
    pub code_challenge: Option<&'a str>,
    /// The family the tokens it yields belong to.
    pub family: &'a str,
    /// Expiry (ms).
    pub expires_at: i64,
}

/// A stored authorization code, once taken.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    /// Who consented.
    pub grantee: Grantee,
    /// The client's row id.
    pub client: i64,
    /// The redirect URI the code was sent to.
    pub redirect_uri: String,
    /// The PKCE S256 challenge, if any.
    pub code_challenge: Option<String>,
    /// The family of the tokens it yields.
    pub family: String,
    /// Expiry (ms).
    pub expires_at: i64,
}

/// A partner app a business has authorized: the client and what its live tokens hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The client.
    pub client: Client,
    /// The scopes its live tokens hold together.
    pub scopes: Scopes,
    /// When its latest token was issued (ms).
    pub last_issued_at: i64,
}

/// What taking a code found.
#[derive(Debug, Clone)]
pub enum CodeTaken {
    /// The code, unused until now (now used).
    Fresh(CodeGrant),
    /// The code was used before: every token issued from it has been revoked.
    Reused,
    /// No such code.
    Unknown,
}

/// A pair of tokens to store (the refresh token is optional: `client_credentials` and
/// nothing else gets none).
#[derive(Debug, Clone)]
pub struct NewTokens<'a> {
    /// Who they act for.
    pub grantee: Grantee,
    /// The client's row id (None for v1 tokens).
    pub client: Option<i64>,
    /// The API key a v1 token was exchanged for (revoking the key ends the token).
    pub api_key: Option<i64>,
    /// The grant's family.
    pub family: &'a str,
    /// Digest of the access token.
    pub access_hash: &'a str,
    /// Digest of the refresh token.
    pub refresh_hash: Option<&'a str>,
    /// When they are issued (ms).
    pub now: i64,
}

/// A refresh token presented for rotation, as stored.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    /// Who it acts for.
    pub grantee: Grantee,
    /// The client's row id (None for v1 tokens).
    pub client: Option<i64>,
    /// The API key of a v1 token.
    pub api_key: Option<i64>,
    /// Its family.
    pub family: String,
}

/// What presenting a refresh token found.
#[derive(Debug, Clone)]
pub enum RefreshTaken {
    /// Valid and unused until now (now used): issue the next pair in its family.
    Fresh(RefreshGrant),
    /// Used before (or its family revoked): the whole family is now revoked.
    Reused,
    /// Unknown, expired or revoked.
    Invalid,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_and_random() {
        let a = SecretKind::Access.generate();
        assert!(a.starts_with("tta_") && a.len() == 44);
        assert_ne!(a, SecretKind::Access.generate());
        assert!(SecretKind::ClientId.generate().starts_with("ttc_"));
        assert!(SecretKind::Refresh.generate().starts_with("ttr_"));
    }

    #[test]
    fn pkce_s256() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(verifier_is_valid(verifier));
        assert!(pkce_matches(
            verifier,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!pkce_matches(
            verifier,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"
        ));
        assert!(!verifier_is_valid("short"));
        assert!(!verifier_is_valid(&"a b".repeat(20)));
    }

    #[test]
    fn redirect_uris() {
        assert!(check_redirect_uri("https://shop.example/cb?x=1").is_ok());
        assert!(check_redirect_uri("http://localhost:8080/cb").is_ok());
        assert!(check_redirect_uri("http://127.0.0.1:9/cb").is_ok());
        assert!(check_redirect_uri("http://[::1]:9/cb").is_ok());
        assert!(check_redirect_uri("com.example.app:/cb").is_ok());
        assert!(check_redirect_uri("http://shop.example/cb").is_err());
        assert!(check_redirect_uri("https://shop.example/cb#frag").is_err());
        assert!(check_redirect_uri("javascript:alert(1)").is_err());
        assert!(check_redirect_uri("/relative").is_err());
    }

    #[test]
    fn registrations() {
        let uris = vec!["https://shop.example/cb".to_string()];
        let all = Scopes::all();
        assert!(NewClient::new("Shop", &uris, all, false, None).is_ok());
        assert!(NewClient::new(" ", &uris, all, false, None).is_err());
        assert!(NewClient::new("Shop", &[], all, false, None).is_err());
        assert!(NewClient::new("Own server", &[], all, false, Some(1)).is_ok());
        assert!(NewClient::new("Shop", &uris, Scopes::NONE, false, None).is_err());
    }
}
