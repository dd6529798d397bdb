//! The whole authorization-code flow as a partner app and a shop owner's browser live it,
//! against the real server on both backends: the app sends the browser to
//! `/auth/authorize`; the browser (an HTTP client that keeps cookies and follows redirects)
//! is sent to log in, posts the login form, sees the consent page, posts it, and lands on the
//! app's redirect URI (a receiver on loopback) with a code and the state; the app exchanges
//! the code with its PKCE verifier and acts for the business within the granted scopes.
//! Also: denial, a wrong redirect URI (an error page, no redirect), PKCE required for public
//! clients, a consent post without its CSRF token.

mod common;

use std::sync::{Arc, Mutex};

use base64::Engine;
use common::{cli, set_password, Backend, TestServer};
use serde_json::Value;
use sha2::Digest;

both_backends!(partner_app_is_authorized, authorization_is_refused_safely);

const EMAIL: &str = "owner@hoasen.vn";
const PASSWORD: &str = "hoa sen nở rộ 2026";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// A query string's pairs.
type Query = Vec<(String, String)>;

/// The partner app's redirect URI: a receiver on loopback keeping each query it gets.
struct Callback {
    url: String,
    queries: Arc<Mutex<Vec<Query>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Callback {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Callback {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/oauth/callback", listener.local_addr().unwrap());
        let queries = Arc::new(Mutex::new(Vec::new()));
        let kept = queries.clone();
        let app = axum::Router::new().route(
            "/oauth/callback",
            axum::routing::get(move |uri: axum::http::Uri| {
                let kept = kept.clone();
                async move {
                    let query = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
                        .into_owned()
                        .collect();
                    kept.lock().unwrap().push(query);
                    "connected"
                }
            }),
        );
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { url, queries, task }
    }

    /// The last query received, as a map lookup.
    fn last(&self, name: &str) -> Option<String> {
        let queries = self.queries.lock().unwrap();
        queries
            .last()?
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

/// A browser: keeps cookies and follows redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

/// HTML entities minijinja writes in attribute values.
fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every hidden field of a page's forms, as (name, value).
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    html.split(r#"<input type="hidden" name=""#)
        .skip(1)
        .map(|rest| {
            let name = rest.split('"').next().unwrap().to_string();
            let value = rest
                .split(r#"value=""#)
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            (name, unescape(value))
        })
        .collect()
}

/// A server with an owner who has a password, and a partner app registered for `callback`.
async fn setup(
    backend: Backend,
    callback: &str,
    public: bool,
) -> Option<(TestServer, String, Value)> {
    let srv = TestServer::start(backend).await?;
    srv.tenant(EMAIL, "Cửa hàng Hoa Sen").await;
    set_password(&srv.db.url, EMAIL, PASSWORD);
    let mut args = vec![
        "oauth",
        "client",
        "create",
        "--name",
        "Shop plugin",
        "--redirect-uri",
        callback,
        "--scope",
        "transaction webhook",
    ];
    if public {
        args.push("--public");
    }
    let out = cli(&srv.db.url, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let client: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = client["clientId"].as_str().unwrap().to_string();
    Some((srv, id, client["clientSecret"].clone()))
}

/// The authorization URL the app sends the browser to.
fn authorize_url(
    srv: &TestServer,
    client_id: &str,
    redirect: &str,
    extra: &[(&str, &str)],
) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect)
        .append_pair("state", "xyz 123");
    query.extend_pairs(extra);
    format!("{}/auth/authorize?{}", srv.base, query.finish())
}

/// Follows the authorization URL to the login form, logs in, and returns the consent page.
async fn log_in_to_consent(srv: &TestServer, browser: &reqwest::Client, url: &str) -> String {
    let login = browser.get(url).send().await.unwrap();
    assert_eq!(login.status(), 200);
    assert_eq!(
        login.url().path(),
        "/login",
        "not logged in: sent to log in first"
    );
    let html = login.text().await.unwrap();
    let mut form = hidden_fields(&html);
    form.push(("email".into(), EMAIL.into()));
    form.push(("password".into(), PASSWORD.into()));
    let consent = browser
        .post(format!("{}/login", srv.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(consent.status(), 200);
    assert_eq!(
        consent.url().path(),
        "/auth/authorize",
        "back at the authorization"
    );
    consent.text().await.unwrap()
}

async fn partner_app_is_authorized(backend: Backend) {
    let callback = Callback::start().await;
    let Some((srv, client_id, secret)) = setup(backend, &callback.url, false).await else {
        return;
    };
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(VERIFIER));
    let url = authorize_url(
        &srv,
        &client_id,
        &callback.url,
        &[
            ("scope", "transaction"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("lang", "en"),
        ],
    );
    let browser = browser();
    let page = log_in_to_consent(&srv, &browser, &url).await;
    assert!(page.contains("Shop plugin"), "{page}");
    assert!(
        page.contains("Read your bank accounts and transactions"),
        "{page}"
    );
    assert!(
        !page.contains("Manage the webhooks"),
        "only the scope asked for"
    );
    assert!(page.contains("Cửa hàng Hoa Sen"), "{page}");

    // Allow: the browser lands on the app's redirect URI with a code and the state.
    let mut form = hidden_fields(&page);
    form.push(("decision".into(), "allow".into()));
    let landed = browser
        .post(format!("{}/auth/authorize", srv.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(landed.status(), 200);
    assert_eq!(landed.text().await.unwrap(), "connected");
    assert_eq!(callback.last("state").as_deref(), Some("xyz 123"));
    let code = callback.last("code").expect("a code");

    // The app exchanges it (with the verifier) and acts for the business.
    let app = reqwest::Client::new();
    let exchange = |verifier: &'static str| {
        app.post(format!("{}/auth/token", srv.base))
            .basic_auth(&client_id, secret.as_str())
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &callback.url),
                ("code_verifier", verifier),
            ])
            .send()
    };
    let tokens: Value = exchange(VERIFIER).await.unwrap().json().await.unwrap();
    assert_eq!(tokens["scope"], "transaction", "{tokens}");
    let bearer = format!("Bearer {}", tokens["access_token"].as_str().unwrap());
    let call = |path: &str| {
        app.get(format!("{}{path}", srv.base))
            .header("Authorization", &bearer)
            .send()
    };
    let info: Value = call("/v2/userInfo").await.unwrap().json().await.unwrap();
    assert_eq!(info["data"]["user"]["email"], EMAIL, "{info}");
    assert_eq!(call("/v2/transactions").await.unwrap().status(), 200);
    assert_eq!(call("/v2/webhooks").await.unwrap().status(), 403);
    // The code was single-use.
    let again = exchange(VERIFIER).await.unwrap();
    assert_eq!(again.status(), 400);

    // Already logged in: straight to the consent page; denying sends access_denied.
    let consent = browser.get(&url).send().await.unwrap();
    assert_eq!(consent.url().path(), "/auth/authorize");
    let mut form = hidden_fields(&consent.text().await.unwrap());
    form.push(("decision".into(), "deny".into()));
    browser
        .post(format!("{}/auth/authorize", srv.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(callback.last("error").as_deref(), Some("access_denied"));
    assert_eq!(callback.last("state").as_deref(), Some("xyz 123"));
}

async fn authorization_is_refused_safely(backend: Backend) {
    let callback = Callback::start().await;
    let Some((srv, client_id, _)) = setup(backend, &callback.url, true).await else {
        return;
    };
    let browser = browser();
    // A redirect URI the client did not register: an error page, never a redirect there.
    let evil = "http://127.0.0.1:9/steal";
    let refused = browser
        .get(authorize_url(&srv, &client_id, evil, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(refused.url().path(), "/auth/authorize");
    let unknown = browser
        .get(authorize_url(&srv, "ttc_nobody", &callback.url, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    assert!(callback.queries.lock().unwrap().is_empty());

    // A public client without PKCE: the error goes back to the client, with the state.
    browser
        .get(authorize_url(&srv, &client_id, &callback.url, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(callback.last("error").as_deref(), Some("invalid_request"));
    assert_eq!(callback.last("state").as_deref(), Some("xyz 123"));
    // A scope the client may not ask for.
    browser
        .get(authorize_url(
            &srv,
            &client_id,
            &callback.url,
            &[("scope", "sync")],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(callback.last("error").as_deref(), Some("invalid_scope"));

    // The consent form without its CSRF token is refused; no code is issued.
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(VERIFIER));
    let url = authorize_url(
        &srv,
        &client_id,
        &callback.url,
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let page = log_in_to_consent(&srv, &browser, &url).await;
    let before = callback.queries.lock().unwrap().len();
    let mut form: Vec<(String, String)> = hidden_fields(&page)
        .into_iter()
        .filter(|(name, _)| name != "csrf")
        .collect();
    form.push(("csrf".into(), "forged".into()));
    form.push(("decision".into(), "allow".into()));
    let forged = browser
        .post(format!("{}/auth/authorize", srv.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(callback.queries.lock().unwrap().len(), before);
}
