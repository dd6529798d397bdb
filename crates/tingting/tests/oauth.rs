//! OAuth2's token side and Casso v1 against the real server, on both backends: clients
//! registered with the CLI; `client_credentials`, `authorization_code` (codes stored as the
//! consent step stores them) with PKCE, `refresh_token` rotation with reuse detection;
//! revocation; scopes on `/v2` routes for tokens and API keys; the quirks of real clients;
//! `POST /v1/token` and `/v1` routes.

mod common;

use base64::Engine;
use common::{cli, Backend, Tenant, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Digest;
use tingting::domain::api_key::digest;
use tingting::domain::oauth::{Grantee, NewCode, NewTokens, SecretKind};
use tingting::domain::session::{NewSession, SESSION_IDLE_MS};
use tingting::domain::time::now_ms;
use tingting::domain::Scopes;

both_backends!(
    client_credentials_and_scopes,
    authorization_codes,
    refresh_rotation_and_reuse,
    api_key_scopes,
    casso_v1,
    ended_credentials_are_pruned
);

const REDIRECT: &str = "https://shop.example/oauth/callback";

/// Registers a client with the CLI; returns (client id, secret or null).
fn register(srv: &TestServer, args: &[&str]) -> (String, Value) {
    let mut argv = vec!["oauth", "client", "create"];
    argv.extend_from_slice(args);
    let out = cli(&srv.db.url, &argv);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let client: Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        client["clientId"].as_str().unwrap().to_string(),
        client["clientSecret"].clone(),
    )
}

/// `POST /auth/token` with a form body and optional `Authorization`.
async fn token(
    srv: &TestServer,
    authorization: Option<&str>,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut request = srv
        .client
        .post(format!("{}/auth/token", srv.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form)
                .finish(),
        );
    if let Some(authorization) = authorization {
        request = request.header("Authorization", authorization);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    assert_eq!(response.headers()["cache-control"], "no-store");
    (status, response.json().await.unwrap())
}

fn basic(id: &str, secret: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    format!("Basic {encoded}")
}

/// GET `path` with `Authorization: <authorization>`; the status and body.
async fn get(srv: &TestServer, path: &str, authorization: &str) -> (StatusCode, Value) {
    let response = srv
        .client
        .get(format!("{}{path}", srv.base))
        .header("Authorization", authorization)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// Stores an authorization code for `client` as the consent step does; returns the code.
async fn code(
    srv: &TestServer,
    t: &Tenant,
    client_id: &str,
    challenge: Option<&str>,
    expires_at: i64,
) -> String {
    let client = srv.store.find_client(client_id).await.unwrap().unwrap();
    let code = SecretKind::Code.generate();
    srv.store
        .create_code(&NewCode {
            grantee: Grantee {
                business_id: t.user.business_id,
                user_id: t.user.id,
                scopes: Scopes::parse("transaction webhook").unwrap(),
            },
            client: client.id,
            code_hash: &digest(&code),
            redirect_uri: REDIRECT,
            code_challenge: challenge,
            family: &SecretKind::Family.generate(),
            expires_at,
        })
        .await
        .unwrap();
    code
}

fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier))
}

async fn client_credentials_and_scopes(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let (id, secret) = register(
        &srv,
        &[
            "--name",
            "Máy chủ cửa hàng",
            "--email",
            "owner@hoasen.vn",
            "--scope",
            "transaction",
        ],
    );
    let secret = secret.as_str().unwrap();
    assert!(id.starts_with("ttc_") && secret.starts_with("ttcs_"));

    // Basic without the space, as some Casso clients send it.
    let no_space = basic(&id, secret).replacen("Basic ", "Basic", 1);
    let (status, issued) = token(
        &srv,
        Some(&no_space),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(status, 200, "{issued}");
    assert_eq!(issued["token_type"], "Bearer");
    assert_eq!(issued["expires_in"], 21_600);
    assert_eq!(issued["scope"], "transaction");
    assert!(issued.get("refresh_token").is_none(), "{issued}");
    let bearer = format!("Bearer {}", issued["access_token"].as_str().unwrap());
    let (status, info) = get(&srv, "/v2/userInfo", &bearer).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["data"]["user"]["id"], t.user.id, "{info}");
    // Exactly its business: another business's account and transaction stay invisible.
    let other = srv.tenant("owner@lan.vn", "Cửa hàng Lan").await;
    srv.account(&other, "ACB", "99990000").await;
    let stored = srv
        .ingest(
            &other,
            "99990000",
            vec![json!({"bookedAt": "2026-11-30T03:00:00Z", "amount": 50_000,
                        "description": "tien hang", "reference": "FTLAN1"})],
        )
        .await;
    let theirs = stored["data"][0]["id"].as_i64().unwrap();
    let (status, accounts) = get(&srv, "/v2/accounts", &bearer).await;
    assert_eq!(status, 200);
    assert_eq!(accounts["data"], json!([]), "{accounts}");
    let (status, _) = get(&srv, &format!("/v2/transactions/{theirs}"), &bearer).await;
    assert_eq!(status, 404);
    // Outside its scopes: 403 in the envelope.
    let (status, denied) = get(&srv, "/v2/webhooks", &bearer).await;
    assert_eq!(status, 403);
    assert_eq!(denied["error"], 403);
    assert!(
        denied["message"].as_str().unwrap().contains("webhook"),
        "{denied}"
    );
    // Asking for more than the client may have.
    let (status, err) = token(
        &srv,
        Some(&basic(&id, secret)),
        &[("grant_type", "client_credentials"), ("scope", "webhook")],
    )
    .await;
    assert_eq!(
        (status.as_u16(), err["error"].as_str()),
        (400, Some("invalid_scope"))
    );

    // Form-field authentication, and a JSON body.
    let (status, _) = token(
        &srv,
        None,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", secret),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let json_body = srv
        .client
        .post(format!("{}/auth/token", srv.base))
        .json(
            &json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(json_body.status(), 200);

    // A wrong secret: 401 invalid_client, with a Basic challenge when Basic was used.
    let wrong = srv
        .client
        .post(format!("{}/auth/token", srv.base))
        .header("Authorization", basic(&id, "ttcs_wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Basic"));
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    let (status, err) = token(
        &srv,
        None,
        &[
            ("grant_type", "password"),
            ("client_id", &id),
            ("client_secret", secret),
        ],
    )
    .await;
    assert_eq!(
        (status.as_u16(), err["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );

    // Revocation (RFC 7009): the token stops working; unknown tokens are answered 200 too.
    let revoke = |token: String| {
        srv.client
            .post(format!("{}/auth/revoke", srv.base))
            .header("Authorization", basic(&id, secret))
            .form(&[("token", token)])
            .send()
    };
    let access = issued["access_token"].as_str().unwrap().to_string();
    assert_eq!(revoke(access).await.unwrap().status(), 200);
    assert_eq!(get(&srv, "/v2/accounts", &bearer).await.0, 401);
    assert_eq!(revoke("tta_unknown".into()).await.unwrap().status(), 200);

    // A rotated secret replaces the old one.
    let out = cli(&srv.db.url, &["oauth", "client", "rotate-secret", &id]);
    assert!(out.status.success());
    let rotated: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fresh = rotated["clientSecret"].as_str().unwrap();
    let grant = [("grant_type", "client_credentials")];
    assert_eq!(token(&srv, Some(&basic(&id, secret)), &grant).await.0, 401);
    let (status, issued) = token(&srv, Some(&basic(&id, fresh)), &grant).await;
    assert_eq!(status, 200);
    // Deleting the client ends its tokens.
    let bearer = format!("Bearer {}", issued["access_token"].as_str().unwrap());
    assert_eq!(get(&srv, "/v2/accounts", &bearer).await.0, 200);
    assert!(cli(&srv.db.url, &["oauth", "client", "delete", &id])
        .status
        .success());
    assert_eq!(get(&srv, "/v2/accounts", &bearer).await.0, 401);
    let list = cli(&srv.db.url, &["oauth", "client", "list"]);
    assert_eq!(
        serde_json::from_slice::<Value>(&list.stdout).unwrap(),
        json!([])
    );
}

async fn authorization_codes(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let (id, secret) = register(&srv, &["--name", "Shop plugin", "--redirect-uri", REDIRECT]);
    let auth = basic(&id, secret.as_str().unwrap());
    let (public_id, none) = register(
        &srv,
        &[
            "--name",
            "Mobile app",
            "--redirect-uri",
            REDIRECT,
            "--public",
        ],
    );
    assert!(none.is_null());
    let later = now_ms() + 60_000;
    let exchange = |code: String, redirect: &'static str, verifier: Option<&'static str>| {
        let mut form = vec![
            ("grant_type".to_string(), "authorization_code".to_string()),
            ("code".to_string(), code),
            ("redirect_uri".to_string(), redirect.to_string()),
        ];
        if let Some(v) = verifier {
            form.push(("code_verifier".to_string(), v.to_string()));
        }
        form
    };
    let send = async |authorization: Option<&str>, form: Vec<(String, String)>| {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        token(&srv, authorization, &pairs).await
    };

    // A confidential client's code, exchanged once.
    let c = code(&srv, &t, &id, None, later).await;
    let (status, issued) = send(Some(&auth), exchange(c.clone(), REDIRECT, None)).await;
    assert_eq!(status, 200, "{issued}");
    assert_eq!(issued["scope"], "transaction webhook");
    assert!(issued["refresh_token"]
        .as_str()
        .unwrap()
        .starts_with("ttr_"));
    let bearer = format!("Bearer {}", issued["access_token"].as_str().unwrap());
    assert_eq!(get(&srv, "/v2/webhooks", &bearer).await.0, 200);
    // The owner sees the app among the authorized ones.
    let apps = cli(
        &srv.db.url,
        &["oauth", "authorizations", "--email", "owner@hoasen.vn"],
    );
    let apps: Value = serde_json::from_slice(&apps.stdout).unwrap();
    assert_eq!(apps[0]["clientId"], id.as_str(), "{apps}");
    assert_eq!(apps[0]["scope"], "transaction webhook", "{apps}");
    // Reused: refused, and what it issued is revoked.
    let (status, err) = send(Some(&auth), exchange(c, REDIRECT, None)).await;
    assert_eq!(
        (status.as_u16(), err["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert_eq!(get(&srv, "/v2/webhooks", &bearer).await.0, 401);

    // Wrong redirect URI, expired code, another client's code.
    let c = code(&srv, &t, &id, None, later).await;
    let (status, err) = send(Some(&auth), exchange(c, "https://shop.example/other", None)).await;
    assert_eq!(
        (status.as_u16(), err["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let c = code(&srv, &t, &id, None, now_ms() - 1).await;
    let (_, err) = send(Some(&auth), exchange(c, REDIRECT, None)).await;
    assert_eq!(err["error_description"], "the code has expired");
    let c = code(&srv, &t, &id, None, later).await;
    let mut form = exchange(c, REDIRECT, None);
    form.push(("client_id".into(), public_id.clone()));
    let (_, err) = send(None, form).await;
    assert_eq!(
        err["error_description"],
        "the code was issued to another client"
    );

    // PKCE for the public client: no secret, the verifier decides.
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let with_id = |mut form: Vec<(String, String)>| {
        form.push(("client_id".into(), public_id.clone()));
        form
    };
    let c = code(&srv, &t, &public_id, Some(&challenge(verifier)), later).await;
    let wrong = "eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let (status, err) = send(None, with_id(exchange(c, REDIRECT, Some(wrong)))).await;
    assert_eq!(
        (status.as_u16(), err["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let c = code(&srv, &t, &public_id, Some(&challenge(verifier)), later).await;
    let (status, _) = send(None, with_id(exchange(c, REDIRECT, None))).await;
    assert_eq!(status, 400);
    let c = code(&srv, &t, &public_id, Some(&challenge(verifier)), later).await;
    let (status, issued) = send(None, with_id(exchange(c, REDIRECT, Some(verifier)))).await;
    assert_eq!(status, 200, "{issued}");
    // The owner takes the app's access away: its tokens stop working.
    let bearer = format!("Bearer {}", issued["access_token"].as_str().unwrap());
    assert_eq!(get(&srv, "/v2/accounts", &bearer).await.0, 200);
    let out = cli(
        &srv.db.url,
        &["oauth", "revoke", "--email", "owner@hoasen.vn", &public_id],
    );
    let revoked: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(revoked["revokedTokens"], 2, "{revoked}");
    assert_eq!(get(&srv, "/v2/accounts", &bearer).await.0, 401);
    let apps = cli(
        &srv.db.url,
        &["oauth", "authorizations", "--email", "owner@hoasen.vn"],
    );
    let apps: Value = serde_json::from_slice(&apps.stdout).unwrap();
    assert!(
        apps.as_array()
            .unwrap()
            .iter()
            .all(|a| a["clientId"] != public_id.as_str()),
        "{apps}"
    );
    // An unknown client id.
    let (status, err) = token(
        &srv,
        None,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "ttc_nobody"),
            ("code", "x"),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(
        (status.as_u16(), err["error"].as_str()),
        (401, Some("invalid_client"))
    );
}

async fn refresh_rotation_and_reuse(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let (id, secret) = register(&srv, &["--name", "Shop plugin", "--redirect-uri", REDIRECT]);
    let auth = basic(&id, secret.as_str().unwrap());
    let c = code(&srv, &t, &id, None, now_ms() + 60_000).await;
    let (_, first) = token(
        &srv,
        Some(&auth),
        &[
            ("grant_type", "authorization_code"),
            ("code", &c),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    let refresh = |token: String, scope: Option<&'static str>| {
        let auth = auth.clone();
        let srv = &srv;
        async move {
            let mut form = vec![
                ("grant_type", "refresh_token".to_string()),
                ("refresh_token", token),
            ];
            if let Some(scope) = scope {
                form.push(("scope", scope.to_string()));
            }
            let pairs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (*a, b.as_str())).collect();
            self::token(srv, Some(&auth), &pairs).await
        }
    };
    let r1 = first["refresh_token"].as_str().unwrap().to_string();
    // Rotation, narrowing the scope.
    let (status, second) = refresh(r1.clone(), Some("transaction")).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["scope"], "transaction");
    let r2 = second["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(r1, r2);
    let a2 = format!("Bearer {}", second["access_token"].as_str().unwrap());
    assert_eq!(get(&srv, "/v2/accounts", &a2).await.0, 200);
    assert_eq!(get(&srv, "/v2/webhooks", &a2).await.0, 403);
    // Widening is refused.
    let (status, err) = refresh(r2.clone(), Some("transaction sync")).await;
    assert_eq!(
        (status.as_u16(), err["error"].as_str()),
        (400, Some("invalid_scope"))
    );
    // r2 was taken by that refused request: presenting it again is reuse, so is r1; the
    // family is revoked, its access tokens with it.
    let (status, err) = refresh(r1, None).await;
    assert_eq!(
        (status.as_u16(), err["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert_eq!(get(&srv, "/v2/accounts", &a2).await.0, 401);
    let (status, _) = refresh(r2, None).await;
    assert_eq!(status, 400);
    // Expired access tokens are refused.
    let c = code(&srv, &t, &id, None, now_ms() + 60_000).await;
    let (_, issued) = token(
        &srv,
        Some(&auth),
        &[
            ("grant_type", "authorization_code"),
            ("code", &c),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    let access = issued["access_token"].as_str().unwrap();
    let principal = srv
        .store
        .authenticate_token(&digest(access), now_ms() + 21_600_001)
        .await
        .unwrap();
    assert!(principal.is_none(), "an access token lives 6 hours");
    assert!(srv
        .store
        .authenticate_token(&digest(access), now_ms())
        .await
        .unwrap()
        .is_some());
}

async fn api_key_scopes(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let out = cli(
        &srv.db.url,
        &[
            "apikey",
            "create",
            "--email",
            "owner@hoasen.vn",
            "--label",
            "hooks only",
            "--scope",
            "webhook",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = format!("Apikey {}", String::from_utf8(out.stdout).unwrap().trim());
    assert_eq!(get(&srv, "/v2/webhooks", &key).await.0, 200);
    assert_eq!(get(&srv, "/v2/userInfo", &key).await.0, 200);
    let (status, body) = get(&srv, "/v2/transactions", &key).await;
    assert_eq!(status, 403, "{body}");
    let list = cli(
        &srv.db.url,
        &["apikey", "list", "--email", "owner@hoasen.vn"],
    );
    let keys: Value = serde_json::from_slice(&list.stdout).unwrap();
    let scopes: Vec<&str> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["scopes"].as_str().unwrap())
        .collect();
    assert_eq!(
        scopes,
        ["webhook", "transaction webhook sync payment ingest feed"]
    );
    let bad = cli(
        &srv.db.url,
        &[
            "apikey",
            "create",
            "--email",
            "owner@hoasen.vn",
            "--scope",
            "admin",
        ],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown scope"));
}

async fn casso_v1(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    srv.account(&t, "ACB", "12345678").await;
    let exchange = async |body: Value| {
        let response = srv
            .client
            .post(format!("{}/v1/token", srv.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        (response.status(), response.json::<Value>().await.unwrap())
    };
    let (status, tokens) = exchange(json!({"code": t.key})).await;
    assert_eq!(status, 200, "{tokens}");
    // Not enveloped: exactly Casso's three fields.
    let mut fields: Vec<&str> = tokens
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["access_token", "expires_in", "refresh_token"]);
    assert_eq!(tokens["expires_in"], 21_600);
    let access = tokens["access_token"].as_str().unwrap();
    // No scheme on v1 calls; v1 routes mirror v2's.
    let (status, info) = get(&srv, "/v1/userInfo", access).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["error"], 0);
    let (status, accounts) = get(&srv, "/v1/accounts", access).await;
    assert_eq!(status, 200);
    assert_eq!(
        accounts["data"][0]["accountNumber"], "12345678",
        "{accounts}"
    );
    assert_eq!(
        get(&srv, "/v1/accounts", &format!("Apikey {}", t.key))
            .await
            .0,
        200
    );
    // A refresh token rotates.
    let (status, rotated) = exchange(json!({"refresh_token": tokens["refresh_token"]})).await;
    assert_eq!(status, 200, "{rotated}");
    assert_eq!(
        exchange(json!({"refresh_token": tokens["refresh_token"]}))
            .await
            .0,
        401
    );
    // A wrong code, and the key revoked: the token ends with it.
    let (status, err) = exchange(json!({"code": "tt_wrong"})).await;
    assert_eq!(status, 401);
    assert_eq!(err["error"], 401, "{err}");
    let key_id = srv
        .store
        .list_api_keys(t.user.business_id, t.user.id)
        .await
        .unwrap()[0]
        .id;
    srv.store.revoke_api_key(key_id).await.unwrap();
    let rotated_access = rotated["access_token"].as_str().unwrap();
    assert_eq!(get(&srv, "/v1/accounts", rotated_access).await.0, 401);
}

/// Housekeeping deletes ended sessions and long-expired tokens, and nothing still alive.
async fn ended_credentials_are_pruned(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let now = now_ms();
    let grantee = Grantee {
        business_id: t.user.business_id,
        user_id: t.user.id,
        scopes: Scopes::all(),
    };
    // A pair issued 40 days ago (both expired over a day ago) and a pair issued now.
    let (old, fresh) = (SecretKind::Access.generate(), SecretKind::Access.generate());
    for (access, issued) in [(&old, now - 40 * 86_400_000), (&fresh, now)] {
        let refresh = digest(&SecretKind::Refresh.generate());
        srv.store
            .issue_tokens(&NewTokens {
                grantee,
                client: None,
                api_key: None,
                family: &SecretKind::Family.generate(),
                access_hash: &digest(access),
                refresh_hash: Some(&refresh),
                now: issued,
            })
            .await
            .unwrap();
    }
    // A session in use, and one idle for longer than allowed (created last: a new session
    // deletes its user's ended ones).
    for (token, seen) in [("live", now), ("idle", now - SESSION_IDLE_MS - 1)] {
        srv.store
            .create_session(&NewSession {
                business_id: t.user.business_id,
                user_id: t.user.id,
                token_hash: &digest(token),
                csrf_token: "c",
                now: seen,
            })
            .await
            .unwrap();
    }
    let deleted = srv
        .store
        .prune_credentials(now, SESSION_IDLE_MS)
        .await
        .unwrap();
    assert_eq!(deleted, 3, "the old pair and the idle session");
    assert!(srv
        .store
        .find_session(&digest("live"), now)
        .await
        .unwrap()
        .is_some());
    assert!(srv
        .store
        .authenticate_token(&digest(&fresh), now)
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        srv.store
            .prune_credentials(now, SESSION_IDLE_MS)
            .await
            .unwrap(),
        0
    );
}
