//! The webhook API (`/v2/webhooks`, `/work/shared/spec/casso-api.md`) and the delivery outbox
//! that ingest fills: Casso shapes and key order, our extensions (`format`, `bank_accounts`,
//! `secret`), validation, delete by URL with Casso's `error: 12`, tenant isolation, and which
//! deliveries each webhook gets. Every test runs on SQLite and PostgreSQL.

mod common;

use common::raw::{item, keys_at, Resp};
use common::{Backend, Tenant, TestServer};
use reqwest::Method;
use serde_json::{json, Value};
use tingting::delivery::signing::StandardSecret;
use tingting::domain::{Delivery, DeliveryStatus};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Keys of a webhook object: Casso's five, then ours, in serialized order.
const WEBHOOK_KEYS: [&str; 10] = [
    "id",
    "channel",
    "param1",
    "param2",
    "send_only_income",
    "format",
    "bank_accounts",
    "enabled",
    "disabled_reason",
    "events",
];

/// The exact body of `DELETE /v2/webhooks?webhook=` when nothing matches.
const NOT_EXISTS: &str = r#"{"error":12,"message":"Webhook not exists","data":null}"#;

/// The exact body of a successful delete.
const DELETED: &str = r#"{"error":0,"message":"success","data":null}"#;

/// Sends a request with `Authorization: Apikey <key>` and, if given, a raw JSON body.
async fn send(
    srv: &TestServer,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Vec<u8>>,
) -> Resp {
    let mut rb = srv
        .client
        .request(method, format!("{}{path}", srv.base))
        .header("Authorization", format!("Apikey {key}"));
    if let Some(body) = body {
        rb = rb.header("Content-Type", "application/json").body(body);
    }
    Resp::read(rb.send().await.expect("request")).await
}

async fn get(srv: &TestServer, path: &str, key: &str) -> Resp {
    send(srv, Method::GET, path, key, None).await
}

async fn post(srv: &TestServer, path: &str, key: &str, body: &Value) -> Resp {
    send(
        srv,
        Method::POST,
        path,
        key,
        Some(body.to_string().into_bytes()),
    )
    .await
}

async fn put(srv: &TestServer, path: &str, key: &str, body: &Value) -> Resp {
    send(
        srv,
        Method::PUT,
        path,
        key,
        Some(body.to_string().into_bytes()),
    )
    .await
}

async fn delete(srv: &TestServer, path: &str, key: &str) -> Resp {
    send(srv, Method::DELETE, path, key, None).await
}

/// `POST /v2/webhooks` that must succeed; returns the raw response (for key order checks).
async fn create_raw(srv: &TestServer, t: &Tenant, body: &Value) -> Resp {
    let r = post(srv, "/v2/webhooks", &t.key, body).await;
    assert_eq!(r.status, 200, "create {body}: {}", r.text);
    r
}

/// `POST /v2/webhooks` that must succeed; returns `data`.
async fn create(srv: &TestServer, t: &Tenant, body: &Value) -> Value {
    create_raw(srv, t, body).await.ok()
}

/// A legacy webhook for all accounts; returns its id.
async fn create_simple(srv: &TestServer, t: &Tenant, url: &str, income_only: bool) -> i64 {
    create(
        srv,
        t,
        &json!({"webhook": url, "secure_token": "s", "income_only": income_only}),
    )
    .await["id"]
        .as_i64()
        .expect("numeric id")
}

/// `GET /v2/webhooks` that must succeed; returns the ids listed.
async fn list_ids(srv: &TestServer, t: &Tenant) -> Vec<i64> {
    get(srv, "/v2/webhooks", &t.key)
        .await
        .ok()
        .as_array()
        .expect("list data is an array")
        .iter()
        .map(|w| w["id"].as_i64().expect("numeric id"))
        .collect()
}

/// A webhook's stored signing secret (read through the store: the API never shows it again).
async fn stored_secret(srv: &TestServer, t: &Tenant, id: i64) -> String {
    srv.store
        .get_webhook(t.user.business_id, id)
        .await
        .expect("get webhook")
        .expect("webhook exists")
        .spec
        .secret
}

/// `?webhook=<url>`, URL-encoded.
fn by_url(url: &str) -> String {
    format!(
        "/v2/webhooks?webhook={}",
        url::form_urlencoded::byte_serialize(url.as_bytes()).collect::<String>()
    )
}

/// A webhook's deliveries, oldest first.
async fn deliveries(srv: &TestServer, t: &Tenant, webhook_id: i64) -> Vec<Delivery> {
    let mut list = srv
        .store
        .list_deliveries(t.user.business_id, webhook_id, None, 100)
        .await
        .expect("list deliveries");
    list.reverse();
    list
}

/// The transaction ids of a webhook's deliveries, oldest delivery first; asserts every one is
/// a fresh pending delivery of that webhook and business, ids increasing.
async fn pending_transactions(srv: &TestServer, t: &Tenant, webhook_id: i64) -> Vec<i64> {
    let list = deliveries(srv, t, webhook_id).await;
    for d in &list {
        assert_eq!(d.business_id, t.user.business_id, "{d:?}");
        assert_eq!(d.webhook_id, webhook_id, "{d:?}");
        assert_eq!(d.status, DeliveryStatus::Pending, "{d:?}");
        assert_eq!(d.attempts, 0, "{d:?}");
        assert!(d.next_attempt_at > 0, "{d:?}");
        assert_eq!(d.last_http_status, None, "{d:?}");
        assert_eq!(d.last_error, "", "{d:?}");
        assert_eq!(d.delivered_at, None, "{d:?}");
    }
    let ids: Vec<i64> = list.iter().map(|d| d.id).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "delivery ids not increasing: {ids:?}"
    );
    list.iter()
        .map(|d| d.transaction_id.expect("transaction id set"))
        .collect()
}

/// Ingests and returns the ids and statuses answered.
async fn ingest(
    srv: &TestServer,
    t: &Tenant,
    account: &str,
    items: Vec<Value>,
) -> Vec<(i64, String)> {
    srv.ingest(t, account, items).await["data"]
        .as_array()
        .expect("ingest data is an array")
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().expect("numeric id"),
                r["status"].as_str().expect("status").to_string(),
            )
        })
        .collect()
}

/// The webhook keys, optionally followed by `secret`.
fn webhook_keys(with_secret: bool) -> Vec<&'static str> {
    let mut keys = WEBHOOK_KEYS.to_vec();
    if with_secret {
        keys.push("secret");
    }
    keys
}

/// The whole webhook object expected for these settings (without `secret`).
fn expected(id: i64, url: &str, income_only: bool, format: &str, accounts: Value) -> Value {
    json!({
        "id": id,
        "channel": "webhook",
        "param1": url,
        "param2": "",
        "send_only_income": i64::from(income_only),
        "format": format,
        "bank_accounts": accounts,
        "enabled": true,
        "disabled_reason": "",
        "events": ["transaction"],
    })
}

/// `data` without its `secret`, and the secret.
fn split_secret(mut data: Value) -> (Value, Option<String>) {
    let secret = data
        .as_object_mut()
        .expect("data is an object")
        .remove("secret")
        .map(|s| s.as_str().expect("secret is a string").to_string());
    (data, secret)
}

// ---------------------------------------------------------------------------------------------
// 1. Create: Casso's shape, our extensions
// ---------------------------------------------------------------------------------------------

async fn create_legacy_shape(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let r = create_raw(
        &srv,
        &t,
        &json!({"webhook": "https://shop.vn/casso/hook", "secure_token": "s", "income_only": true}),
    )
    .await;
    let data = r.ok();
    assert_eq!(keys_at(&r.text, "/data"), webhook_keys(false), "{}", r.text);
    let id = data["id"].as_i64().expect("numeric id");
    assert!(id > 0);
    assert_eq!(
        data,
        expected(
            id,
            "https://shop.vn/casso/hook",
            true,
            "legacy",
            Value::Null
        )
    );

    // GET answers the same object, without a secret, in the same order.
    let r = get(&srv, &format!("/v2/webhooks/{id}"), &t.key).await;
    assert_eq!(r.ok(), data);
    assert_eq!(keys_at(&r.text, "/data"), webhook_keys(false));

    // The secure token is stored as given (it is never shown by the API).
    let stored = srv
        .store
        .get_webhook(t.user.business_id, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.spec.secure_token, "s");
    assert_eq!(stored.spec.secret, "");

    // Casso's minimal body: only the URL.
    let data = create(&srv, &t, &json!({"webhook": "http://127.0.0.1:8080/h"})).await;
    let id2 = data["id"].as_i64().unwrap();
    assert!(id2 > id);
    assert_eq!(
        data,
        expected(id2, "http://127.0.0.1:8080/h", false, "legacy", Value::Null)
    );
    // An explicit empty format is the default; null extensions are accepted.
    let data = create(
        &srv,
        &t,
        &json!({"webhook": "https://shop.vn/x", "format": "", "bank_accounts": null, "secret": null, "secure_token": null}),
    )
    .await;
    assert_eq!(data["format"], "legacy");
    assert_eq!(data["bank_accounts"], Value::Null);
    assert!(data.get("secret").is_none(), "{data}");
}

async fn income_only_forms(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    for (given, want) in [
        (json!(true), 1),
        (json!(false), 0),
        (json!(1), 1),
        (json!(0), 0),
        (json!("true"), 1),
        (json!("0"), 0),
        (json!("1"), 1),
        (json!("false"), 0),
        (Value::Null, 0),
    ] {
        let data = create(
            &srv,
            &t,
            &json!({"webhook": "https://shop.vn/h", "secure_token": "s", "income_only": given}),
        )
        .await;
        assert_eq!(data["send_only_income"], want, "income_only {given}");
    }
    let data = create(
        &srv,
        &t,
        &json!({"webhook": "https://shop.vn/h", "secure_token": "s"}),
    )
    .await;
    assert_eq!(data["send_only_income"], 0, "absent income_only");

    let before = list_ids(&srv, &t).await.len();
    for bad in [json!(2), json!(-1), json!("yes"), json!([true]), json!(1.5)] {
        let r = post(
            &srv,
            "/v2/webhooks",
            &t.key,
            &json!({"webhook": "https://shop.vn/h", "income_only": bad}),
        )
        .await;
        r.assert_error(400, &["income_only"]);
    }
    assert_eq!(list_ids(&srv, &t).await.len(), before, "nothing stored");
}

async fn signed_formats(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;

    // casso_v2 without a secret: one is generated and shown once.
    let r = create_raw(
        &srv,
        &t,
        &json!({"webhook": "https://shop.vn/v2", "secure_token": "s", "format": "casso_v2"}),
    )
    .await;
    assert_eq!(keys_at(&r.text, "/data"), webhook_keys(true), "{}", r.text);
    let (data, secret) = split_secret(r.ok());
    let v2 = data["id"].as_i64().unwrap();
    assert_eq!(
        data,
        expected(v2, "https://shop.vn/v2", false, "casso_v2", Value::Null)
    );
    let secret = secret.expect("generated secret");
    assert_eq!(secret.len(), 64, "{secret}");
    assert!(
        secret.chars().all(|c| c.is_ascii_alphanumeric()),
        "{secret}"
    );
    assert_eq!(stored_secret(&srv, &t, v2).await, secret);
    let r = get(&srv, &format!("/v2/webhooks/{v2}"), &t.key).await;
    assert_eq!(r.ok(), data, "GET shows no secret");
    assert_eq!(keys_at(&r.text, "/data"), webhook_keys(false));

    // Two generated secrets differ.
    let (_, other) = split_secret(
        create(
            &srv,
            &t,
            &json!({"webhook": "https://shop.vn/v2b", "format": "casso_v2"}),
        )
        .await,
    );
    assert_ne!(other.expect("generated secret"), secret);

    // standard: a Standard Webhooks secret.
    let (data, secret) = split_secret(
        create(
            &srv,
            &t,
            &json!({"webhook": "https://shop.vn/std", "format": "standard", "income_only": 1}),
        )
        .await,
    );
    let std_id = data["id"].as_i64().unwrap();
    assert_eq!(
        data,
        expected(std_id, "https://shop.vn/std", true, "standard", Value::Null)
    );
    let secret = secret.expect("generated secret");
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert!(StandardSecret::parse(&secret).is_ok(), "{secret}");
    assert_eq!(stored_secret(&srv, &t, std_id).await, secret);

    // A given secret is kept and not echoed.
    let given = "0123456789abcdefGHIJ";
    let data = create(
        &srv,
        &t,
        &json!({"webhook": "https://shop.vn/v2c", "format": "casso_v2", "secret": given}),
    )
    .await;
    assert!(data.get("secret").is_none(), "{data}");
    assert_eq!(
        stored_secret(&srv, &t, data["id"].as_i64().unwrap()).await,
        given
    );
    let given_std = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let data = create(
        &srv,
        &t,
        &json!({"webhook": "https://shop.vn/std2", "format": "standard", "secret": given_std}),
    )
    .await;
    assert!(data.get("secret").is_none(), "{data}");
    assert_eq!(
        stored_secret(&srv, &t, data["id"].as_i64().unwrap()).await,
        given_std
    );

    // Format names: case-insensitive, `v2` an alias of casso_v2.
    for (given, want) in [
        ("CASSO_V2", "casso_v2"),
        ("v2", "casso_v2"),
        ("Standard", "standard"),
        ("LEGACY", "legacy"),
    ] {
        let data = create(
            &srv,
            &t,
            &json!({"webhook": "https://shop.vn/f", "format": given}),
        )
        .await;
        assert_eq!(data["format"], want, "format {given}");
        assert_eq!(data.get("secret").is_some(), want != "legacy", "{data}");
    }

    // The list never shows secrets.
    let r = get(&srv, "/v2/webhooks", &t.key).await;
    for w in r.ok().as_array().unwrap() {
        assert!(w.get("secret").is_none(), "{w}");
    }
}

async fn secret_and_format_errors(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let cases: [(Value, &[&str]); 9] = [
        (
            json!({"webhook": "https://shop.vn/h", "secret": "0123456789abcdefGHIJ"}),
            &["secret"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "format": "legacy", "secret": "0123456789abcdefGHIJ"}),
            &["secret"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "format": "casso_v2", "secret": "short"}),
            &["secret"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "format": "casso_v2", "secret": ""}),
            &["secret"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "format": "casso_v2", "secret": "x".repeat(513)}),
            &["secret"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "format": "standard", "secret": "whsec_!!!"}),
            &["secret"],
        ),
        (
            // Valid base64 of a key too short (5 bytes).
            json!({"webhook": "https://shop.vn/h", "format": "standard", "secret": "whsec_c2hvcnQ="}),
            &["secret"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "format": "xml"}),
            &["format", "xml"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "format": 2}),
            &["format"],
        ),
    ];
    for (body, needles) in cases {
        let r = post(&srv, "/v2/webhooks", &t.key, &body).await;
        let message = r.assert_error(400, needles);
        assert!(
            !message.contains("0123456789abcdefGHIJ"),
            "secret echoed: {message}"
        );
    }
    assert!(list_ids(&srv, &t).await.is_empty(), "nothing stored");

    // Boundaries that are accepted: 16 and 512 characters.
    for len in [16, 512] {
        let data = create(
            &srv,
            &t,
            &json!({"webhook": "https://shop.vn/h", "format": "casso_v2", "secret": "k".repeat(len)}),
        )
        .await;
        assert!(data.get("secret").is_none(), "{data}");
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Validation
// ---------------------------------------------------------------------------------------------

async fn create_validation(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let long_url = format!(
        "https://shop.vn/{}",
        "a".repeat(2049 - "https://shop.vn/".len())
    );
    assert_eq!(long_url.len(), 2049);
    let cases: Vec<(Value, &[&str])> = vec![
        (
            json!({"secure_token": "s", "income_only": true}),
            &["webhook"],
        ),
        (json!({"webhook": null}), &["webhook"]),
        (json!({"webhook": 42}), &["webhook"]),
        (json!({"webhook": ""}), &["webhook"]),
        (json!({"webhook": "   "}), &["webhook"]),
        (json!({"webhook": "shop.vn/hook"}), &["webhook"]),
        (json!({"webhook": "/casso/hook"}), &["webhook"]),
        (json!({"webhook": "ftp://shop.vn/x"}), &["webhook", "ftp"]),
        (json!({"webhook": "javascript:alert(1)"}), &["webhook"]),
        (
            json!({"webhook": "https://user:pw@shop.vn/"}),
            &["webhook", "credentials"],
        ),
        (
            json!({"webhook": "https://user@shop.vn/"}),
            &["webhook", "credentials"],
        ),
        (json!({"webhook": long_url}), &["webhook", "2048"]),
        (
            json!({"webhook": "https://shop.vn/h", "secure_token": "t".repeat(513)}),
            &["secure_token", "512"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "secure_token": 5}),
            &["secure_token"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "bank_accounts": "12345678"}),
            &["bank_accounts"],
        ),
    ];
    for (body, needles) in cases {
        let r = post(&srv, "/v2/webhooks", &t.key, &body).await;
        r.assert_error(400, needles);
    }
    for raw in [
        &b"{\"webhook\": "[..],
        b"not json",
        b"",
        b"[]",
        b"\"https://shop.vn/h\"",
    ] {
        let r = send(
            &srv,
            Method::POST,
            "/v2/webhooks",
            &t.key,
            Some(raw.to_vec()),
        )
        .await;
        r.assert_error(400, &["JSON"]);
    }
    assert!(list_ids(&srv, &t).await.is_empty(), "nothing stored");

    // The limits themselves are accepted: a 2048-character URL, a 512-character token (counted
    // in characters, not bytes).
    let max_url = format!(
        "https://shop.vn/{}",
        "a".repeat(2048 - "https://shop.vn/".len())
    );
    let data = create(
        &srv,
        &t,
        &json!({"webhook": max_url, "secure_token": "ệ".repeat(512)}),
    )
    .await;
    assert_eq!(data["param1"], max_url);
    let id = data["id"].as_i64().unwrap();
    let stored = srv
        .store
        .get_webhook(t.user.business_id, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.spec.secure_token, "ệ".repeat(512));

    // Unknown fields are ignored (sloppy clients); surrounding spaces are trimmed.
    let data = create(
        &srv,
        &t,
        &json!({"webhook": "  https://shop.vn/trim  ", "extra": [1, 2], "channel": "webhook"}),
    )
    .await;
    assert_eq!(data["param1"], "https://shop.vn/trim");
}

// ---------------------------------------------------------------------------------------------
// 3. Account selection
// ---------------------------------------------------------------------------------------------

async fn bank_accounts_selection(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let acb = srv.account(&t, "ACB", "12345678").await;
    let vcb = srv.account(&t, "VCB", "0071000123456").await;
    let other = srv.tenant("other@example.vn", "Khac").await;
    let foreign = srv.account(&other, "ACB", "99990000").await;

    for (given, want) in [
        (json!(["12345678"]), json!(["12345678"])),
        (json!([vcb.id]), json!(["0071000123456"])),
        (
            json!([acb.id, "0071000123456"]),
            json!(["12345678", "0071000123456"]),
        ),
        (json!([" 12345678 "]), json!(["12345678"])),
        (Value::Null, Value::Null),
    ] {
        let r = create_raw(
            &srv,
            &t,
            &json!({"webhook": "https://shop.vn/h", "bank_accounts": given}),
        )
        .await;
        let data = r.ok();
        assert_eq!(keys_at(&r.text, "/data"), webhook_keys(false));
        assert_eq!(data["bank_accounts"], want, "bank_accounts {given}");
        let id = data["id"].as_i64().unwrap();
        let got = get(&srv, &format!("/v2/webhooks/{id}"), &t.key).await.ok();
        assert_eq!(
            got["bank_accounts"], want,
            "GET after bank_accounts {given}"
        );
        let stored = srv
            .store
            .get_webhook(t.user.business_id, id)
            .await
            .unwrap()
            .unwrap();
        let mut stored_ids = stored.spec.account_ids.clone().unwrap_or_default();
        stored_ids.sort_unstable();
        let mut want_ids: Vec<i64> = want
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|n| if n == "12345678" { acb.id } else { vcb.id })
                    .collect()
            })
            .unwrap_or_default();
        want_ids.sort_unstable();
        assert_eq!(stored_ids, want_ids);
        assert_eq!(stored.spec.account_ids.is_none(), given.is_null());
    }
    // The list shows the selections too.
    let listed = get(&srv, "/v2/webhooks", &t.key).await.ok();
    assert_eq!(
        listed[2]["bank_accounts"],
        json!(["12345678", "0071000123456"])
    );

    let before = list_ids(&srv, &t).await;
    for bad in [
        json!(["99990000"]),
        json!([foreign.id]),
        json!(["12345678", foreign.id]),
        json!(["00000000"]),
        json!([987654]),
        json!([true]),
    ] {
        let r = post(
            &srv,
            "/v2/webhooks",
            &t.key,
            &json!({"webhook": "https://shop.vn/h", "bank_accounts": bad}),
        )
        .await;
        r.assert_error(400, &["bank_accounts"]);
    }
    assert_eq!(list_ids(&srv, &t).await, before, "nothing stored");
    let r = post(
        &srv,
        "/v2/webhooks",
        &t.key,
        &json!({"webhook": "https://shop.vn/h", "bank_accounts": ["99990000"]}),
    )
    .await;
    r.assert_error(400, &["bank_accounts", "99990000"]);
}

// ---------------------------------------------------------------------------------------------
// 4. Read, list, update
// ---------------------------------------------------------------------------------------------

async fn get_and_list(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let r = get(&srv, "/v2/webhooks", &t.key).await;
    assert_eq!(r.ok(), json!([]));

    let a = create(
        &srv,
        &t,
        &json!({"webhook": "https://a.vn/1", "income_only": true}),
    )
    .await;
    let (b, _) = split_secret(
        create(
            &srv,
            &t,
            &json!({"webhook": "https://b.vn/2", "format": "casso_v2"}),
        )
        .await,
    );
    let c = create(&srv, &t, &json!({"webhook": "https://c.vn/3"})).await;

    let r = get(&srv, "/v2/webhooks", &t.key).await;
    assert_eq!(
        r.ok(),
        json!([a.clone(), b.clone(), c.clone()]),
        "oldest first"
    );
    for i in 0..3 {
        assert_eq!(keys_at(&r.text, &format!("/data/{i}")), webhook_keys(false));
    }
    for w in [&a, &b, &c] {
        let r = get(&srv, &format!("/v2/webhooks/{}", w["id"]), &t.key).await;
        assert_eq!(&r.ok(), w);
    }
    // Clients send Content-Type: application/json on GET; sloppy `apikey` scheme.
    let r = srv
        .client
        .get(format!("{}/v2/webhooks/{}", srv.base, a["id"]))
        .header("Authorization", format!("apikey {}", t.key))
        .header("Content-Type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["data"], a);
}

async fn update_replaces(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let acb = srv.account(&t, "ACB", "12345678").await;
    let id = create_simple(&srv, &t, "https://shop.vn/old", true).await;
    let path = format!("/v2/webhooks/{id}");

    // URL, income_only and the account selection replaced; still legacy.
    let r = put(
        &srv,
        &path,
        &t.key,
        &json!({"webhook": "https://shop.vn/new", "secure_token": "t2", "income_only": false, "bank_accounts": [acb.id]}),
    )
    .await;
    let data = r.ok();
    assert_eq!(keys_at(&r.text, "/data"), webhook_keys(false));
    assert_eq!(
        data,
        expected(
            id,
            "https://shop.vn/new",
            false,
            "legacy",
            json!(["12345678"])
        )
    );
    assert_eq!(get(&srv, &path, &t.key).await.ok(), data);
    let stored = srv
        .store
        .get_webhook(t.user.business_id, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.spec.secure_token, "t2");

    // The same body as create: absent fields reset (income_only → 0, all accounts, no token).
    let data = put(
        &srv,
        &path,
        &t.key,
        &json!({"webhook": "https://shop.vn/new"}),
    )
    .await
    .ok();
    assert_eq!(
        data,
        expected(id, "https://shop.vn/new", false, "legacy", Value::Null)
    );
    let stored = srv
        .store
        .get_webhook(t.user.business_id, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.spec.secure_token, "");

    // legacy → standard generates a secret, shown once.
    let r = put(
        &srv,
        &path,
        &t.key,
        &json!({"webhook": "https://shop.vn/new", "income_only": "1", "format": "standard"}),
    )
    .await;
    assert_eq!(keys_at(&r.text, "/data"), webhook_keys(true));
    let (data, secret) = split_secret(r.ok());
    assert_eq!(
        data,
        expected(id, "https://shop.vn/new", true, "standard", Value::Null)
    );
    let std_secret = secret.expect("generated secret");
    assert!(std_secret.starts_with("whsec_"), "{std_secret}");
    assert_eq!(stored_secret(&srv, &t, id).await, std_secret);
    assert_eq!(
        get(&srv, &path, &t.key).await.ok(),
        data,
        "GET shows no secret"
    );

    // standard → standard without a secret keeps it.
    let data = put(
        &srv,
        &path,
        &t.key,
        &json!({"webhook": "https://shop.vn/again", "format": "standard"}),
    )
    .await
    .ok();
    assert!(data.get("secret").is_none(), "{data}");
    assert_eq!(stored_secret(&srv, &t, id).await, std_secret);

    // standard → casso_v2: a new secret in the V2 form.
    let (data, secret) = split_secret(
        put(
            &srv,
            &path,
            &t.key,
            &json!({"webhook": "https://shop.vn/again", "format": "casso_v2"}),
        )
        .await
        .ok(),
    );
    assert_eq!(data["format"], "casso_v2");
    let v2_secret = secret.expect("generated secret");
    assert_eq!(v2_secret.len(), 64);
    assert!(!v2_secret.starts_with("whsec_"));
    assert_eq!(stored_secret(&srv, &t, id).await, v2_secret);

    // casso_v2 → casso_v2 without a secret: no new secret, the stored one kept.
    for _ in 0..2 {
        let r = put(
            &srv,
            &path,
            &t.key,
            &json!({"webhook": "https://shop.vn/v2", "format": "casso_v2", "income_only": true}),
        )
        .await;
        assert_eq!(keys_at(&r.text, "/data"), webhook_keys(false), "{}", r.text);
        assert_eq!(
            r.ok(),
            expected(id, "https://shop.vn/v2", true, "casso_v2", Value::Null)
        );
        assert_eq!(stored_secret(&srv, &t, id).await, v2_secret);
    }

    // A given secret replaces it, not echoed.
    let given = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let data = put(
        &srv,
        &path,
        &t.key,
        &json!({"webhook": "https://shop.vn/v2", "format": "casso_v2", "secret": given}),
    )
    .await
    .ok();
    assert!(data.get("secret").is_none(), "{data}");
    assert_eq!(stored_secret(&srv, &t, id).await, given);

    // Back to legacy: no secret at all.
    let data = put(
        &srv,
        &path,
        &t.key,
        &json!({"webhook": "https://shop.vn/l"}),
    )
    .await
    .ok();
    assert_eq!(
        data,
        expected(id, "https://shop.vn/l", false, "legacy", Value::Null)
    );
    assert_eq!(stored_secret(&srv, &t, id).await, "");

    // Still one webhook, same id.
    assert_eq!(list_ids(&srv, &t).await, vec![id]);
}

async fn update_validation(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let other = srv.tenant("other@example.vn", "Khac").await;
    let foreign = srv.account(&other, "ACB", "99990000").await;
    let id = create_simple(&srv, &t, "https://shop.vn/keep", true).await;
    let path = format!("/v2/webhooks/{id}");
    let before = get(&srv, &path, &t.key).await.ok();

    let cases: Vec<(Value, &[&str])> = vec![
        (json!({"income_only": true}), &["webhook"]),
        (json!({"webhook": "ftp://shop.vn/x"}), &["webhook"]),
        (json!({"webhook": "https://u:p@shop.vn/"}), &["webhook"]),
        (
            json!({"webhook": "https://shop.vn/h", "secure_token": "t".repeat(513)}),
            &["secure_token"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "secret": "0123456789abcdefGHIJ"}),
            &["secret"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "format": "casso_v2", "secret": "short"}),
            &["secret"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "format": "json"}),
            &["format"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "bank_accounts": [foreign.id]}),
            &["bank_accounts"],
        ),
        (
            json!({"webhook": "https://shop.vn/h", "income_only": "maybe"}),
            &["income_only"],
        ),
    ];
    for (body, needles) in cases {
        let r = put(&srv, &path, &t.key, &body).await;
        r.assert_error(400, needles);
    }
    let r = send(&srv, Method::PUT, &path, &t.key, Some(b"{oops".to_vec())).await;
    r.assert_error(400, &["JSON"]);
    assert_eq!(get(&srv, &path, &t.key).await.ok(), before, "unchanged");
}

async fn unknown_and_bad_ids(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let id = create_simple(&srv, &t, "https://shop.vn/h", false).await;
    let body = json!({"webhook": "https://shop.vn/h"});

    let missing = "/v2/webhooks/987654";
    get(&srv, missing, &t.key)
        .await
        .assert_error(404, &["987654"]);
    put(&srv, missing, &t.key, &body)
        .await
        .assert_error(404, &["987654"]);
    delete(&srv, missing, &t.key)
        .await
        .assert_error(404, &["987654"]);

    for bad in ["abc", "0", "-3", "1.5", "99999999999999999999999"] {
        let path = format!("/v2/webhooks/{bad}");
        get(&srv, &path, &t.key).await.assert_error(400, &["id"]);
        put(&srv, &path, &t.key, &body)
            .await
            .assert_error(400, &["id"]);
        delete(&srv, &path, &t.key).await.assert_error(400, &["id"]);
    }
    let r = get(&srv, "/v2/webhooks/abc", &t.key).await;
    assert_eq!(
        r.json()["message"],
        "id must be a positive integer, got \"abc\""
    );

    // Without credentials: Casso's 401, on every route.
    for (method, path) in [
        (Method::GET, "/v2/webhooks".to_string()),
        (Method::POST, "/v2/webhooks".to_string()),
        (Method::DELETE, by_url("https://shop.vn/h")),
        (Method::GET, format!("/v2/webhooks/{id}")),
        (Method::PUT, format!("/v2/webhooks/{id}")),
        (Method::DELETE, format!("/v2/webhooks/{id}")),
    ] {
        let r = send(
            &srv,
            method.clone(),
            &path,
            "AK_nope",
            Some(body.to_string().into_bytes()),
        )
        .await;
        assert_eq!(r.status, 401, "{method} {path}");
        assert_eq!(
            r.text,
            r#"{"error":401,"message":"Unauthorized Access","data":null}"#
        );
    }
    assert_eq!(list_ids(&srv, &t).await, vec![id], "nothing changed");
}

// ---------------------------------------------------------------------------------------------
// 5. Delete
// ---------------------------------------------------------------------------------------------

async fn delete_by_id(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let a = create_simple(&srv, &t, "https://shop.vn/a", false).await;
    let b = create_simple(&srv, &t, "https://shop.vn/b", false).await;
    let path = format!("/v2/webhooks/{a}");

    let r = delete(&srv, &path, &t.key).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text, DELETED);
    get(&srv, &path, &t.key)
        .await
        .assert_error(404, &[&a.to_string()]);
    delete(&srv, &path, &t.key)
        .await
        .assert_error(404, &[&a.to_string()]);
    put(
        &srv,
        &path,
        &t.key,
        &json!({"webhook": "https://shop.vn/a"}),
    )
    .await
    .assert_error(404, &[&a.to_string()]);
    assert_eq!(list_ids(&srv, &t).await, vec![b]);
    assert!(srv
        .store
        .get_webhook(t.user.business_id, a)
        .await
        .unwrap()
        .is_none());
}

async fn delete_by_url(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let url = "https://shop.vn/casso/hook?shop=1&token=a b";
    let first = create(&srv, &t, &json!({"webhook": url, "income_only": true})).await;
    let stored_url = first["param1"].as_str().unwrap().to_string();
    let a = first["id"].as_i64().unwrap();
    let b = create(&srv, &t, &json!({"webhook": url, "format": "casso_v2"})).await["id"]
        .as_i64()
        .unwrap();
    let keep = create_simple(&srv, &t, "https://shop.vn/casso/hook", false).await;
    assert_eq!(list_ids(&srv, &t).await, vec![a, b, keep]);

    let r = delete(&srv, &by_url(url), &t.key).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.text, DELETED);
    assert_eq!(
        list_ids(&srv, &t).await,
        vec![keep],
        "both with that URL gone"
    );

    // Again: Casso's error 12, exactly, as HTTP 404.
    let r = delete(&srv, &by_url(url), &t.key).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.text, NOT_EXISTS);
    // The stored (normalized) form of the URL matches nothing now either.
    let r = delete(&srv, &by_url(&stored_url), &t.key).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.text, NOT_EXISTS);
    let r = delete(&srv, &by_url("https://never.vn/registered"), &t.key).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.text, NOT_EXISTS);
    // Something that is not even a URL: nothing matches.
    let r = delete(&srv, &by_url("not a url"), &t.key).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.text, NOT_EXISTS);

    // The parameter is required.
    for path in [
        "/v2/webhooks",
        "/v2/webhooks?webhook=",
        "/v2/webhooks?webhook=%20",
        "/v2/webhooks?url=x",
    ] {
        delete(&srv, path, &t.key)
            .await
            .assert_error(400, &["webhook"]);
    }
    assert_eq!(list_ids(&srv, &t).await, vec![keep]);

    // URLs are compared in their normalized form: host case, default port, empty path.
    let n = create_simple(&srv, &t, "https://Shop.VN:443", false).await;
    assert_eq!(
        get(&srv, &format!("/v2/webhooks/{n}"), &t.key).await.ok()["param1"],
        "https://shop.vn/"
    );
    let r = delete(&srv, &by_url("https://shop.vn"), &t.key).await;
    assert_eq!(r.text, DELETED);
    assert_eq!(list_ids(&srv, &t).await, vec![keep]);

    let r = delete(&srv, &by_url("https://shop.vn/casso/hook"), &t.key).await;
    assert_eq!(r.text, DELETED);
    assert_eq!(list_ids(&srv, &t).await, Vec::<i64>::new());
}

// ---------------------------------------------------------------------------------------------
// 6. Tenant isolation
// ---------------------------------------------------------------------------------------------

async fn isolation(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let a = srv.tenant("a@example.vn", "A").await;
    let b = srv.tenant("b@example.vn", "B").await;
    let url = "https://a.vn/hook";
    let wa = create_simple(&srv, &a, url, true).await;
    let wa_view = get(&srv, &format!("/v2/webhooks/{wa}"), &a.key).await.ok();
    let wb = create_simple(&srv, &b, "https://b.vn/hook", false).await;

    let path = format!("/v2/webhooks/{wa}");
    get(&srv, &path, &b.key)
        .await
        .assert_error(404, &[&wa.to_string()]);
    put(&srv, &path, &b.key, &json!({"webhook": "https://evil.vn/"}))
        .await
        .assert_error(404, &[&wa.to_string()]);
    delete(&srv, &path, &b.key)
        .await
        .assert_error(404, &[&wa.to_string()]);
    let r = delete(&srv, &by_url(url), &b.key).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.text, NOT_EXISTS);

    assert_eq!(list_ids(&srv, &a).await, vec![wa]);
    assert_eq!(list_ids(&srv, &b).await, vec![wb]);
    assert_eq!(
        get(&srv, &path, &a.key).await.ok(),
        wa_view,
        "A's webhook untouched"
    );
    let stored = srv
        .store
        .get_webhook(a.user.business_id, wa)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.spec.url.as_str(), url);
    assert!(srv
        .store
        .get_webhook(b.user.business_id, wa)
        .await
        .unwrap()
        .is_none());

    // B creating the same URL does not make A's deletable from B, nor the reverse.
    let wb2 = create_simple(&srv, &b, url, false).await;
    let r = delete(&srv, &by_url(url), &b.key).await;
    assert_eq!(r.text, DELETED);
    assert_eq!(list_ids(&srv, &b).await, vec![wb]);
    assert_eq!(list_ids(&srv, &a).await, vec![wa]);
    assert!(srv
        .store
        .get_webhook(b.user.business_id, wb2)
        .await
        .unwrap()
        .is_none());
}

// ---------------------------------------------------------------------------------------------
// 7. The outbox
// ---------------------------------------------------------------------------------------------

async fn outbox_per_matching_webhook(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let a = srv.tenant("a@example.vn", "A").await;
    let x = srv.account(&a, "ACB", "12345678").await;
    srv.account(&a, "VCB", "0071000123456").await;
    let b = srv.tenant("b@example.vn", "B").await;
    srv.account(&b, "ACB", "12345678").await;

    let all = create_simple(&srv, &a, "https://a.vn/all", false).await;
    let income = create_simple(&srv, &a, "https://a.vn/income", true).await;
    let only_x = create(
        &srv,
        &a,
        &json!({"webhook": "https://a.vn/x", "bank_accounts": [x.id], "format": "casso_v2"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let only_y_income = create(
        &srv,
        &a,
        &json!({"webhook": "https://a.vn/y", "bank_accounts": ["0071000123456"], "income_only": true, "format": "standard"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let theirs = create_simple(&srv, &b, "https://b.vn/all", false).await;

    // Three transactions into X: in, out, in.
    let first = ingest(
        &srv,
        &a,
        "12345678",
        vec![
            item("2024-04-15T01:00:00Z", 250000, "DH1 chuyen tien"),
            item("2024-04-15T02:00:00Z", -50000, "rut tien"),
            item("2024-04-15T03:00:00Z", 100000, "DH2 chuyen tien"),
        ],
    )
    .await;
    assert!(first.iter().all(|(_, s)| s == "created"), "{first:?}");
    let [t1, t2, t3] = [first[0].0, first[1].0, first[2].0];
    assert!(t1 < t2 && t2 < t3);

    assert_eq!(pending_transactions(&srv, &a, all).await, vec![t1, t2, t3]);
    assert_eq!(pending_transactions(&srv, &a, income).await, vec![t1, t3]);
    assert_eq!(
        pending_transactions(&srv, &a, only_x).await,
        vec![t1, t2, t3]
    );
    assert_eq!(
        pending_transactions(&srv, &a, only_y_income).await,
        Vec::<i64>::new()
    );
    assert_eq!(
        pending_transactions(&srv, &b, theirs).await,
        Vec::<i64>::new()
    );

    // Deliveries of one transaction to several webhooks are enqueued together, in transaction
    // order: every delivery of t1 has a smaller id than any of t2, and so on.
    let mut all_deliveries = Vec::new();
    for w in [all, income, only_x] {
        all_deliveries.extend(deliveries(&srv, &a, w).await);
    }
    all_deliveries.sort_by_key(|d| d.id);
    let order: Vec<i64> = all_deliveries
        .iter()
        .map(|d| d.transaction_id.unwrap())
        .collect();
    assert_eq!(order, vec![t1, t1, t1, t2, t2, t3, t3, t3]);

    // The same batch again: all duplicates, nothing more enqueued.
    let again = ingest(
        &srv,
        &a,
        "12345678",
        vec![
            item("2024-04-15T01:00:00Z", 250000, "DH1 chuyen tien"),
            item("2024-04-15T02:00:00Z", -50000, "rut tien"),
            item("2024-04-15T03:00:00Z", 100000, "DH2 chuyen tien"),
        ],
    )
    .await;
    assert_eq!(
        again,
        vec![
            (t1, "duplicate".to_string()),
            (t2, "duplicate".to_string()),
            (t3, "duplicate".to_string())
        ]
    );
    assert_eq!(pending_transactions(&srv, &a, all).await, vec![t1, t2, t3]);
    assert_eq!(pending_transactions(&srv, &a, income).await, vec![t1, t3]);
    assert_eq!(
        pending_transactions(&srv, &a, only_x).await,
        vec![t1, t2, t3]
    );

    // Into Y: money out then in. The Y webhook (income only) gets the money in; X's gets none.
    let y = ingest(
        &srv,
        &a,
        "0071000123456",
        vec![
            item("2024-04-15T04:00:00Z", -7000, "phi"),
            item("2024-04-15T05:00:00Z", 9000, "DH3"),
        ],
    )
    .await;
    let [t4, t5] = [y[0].0, y[1].0];
    assert_eq!(
        pending_transactions(&srv, &a, all).await,
        vec![t1, t2, t3, t4, t5]
    );
    assert_eq!(
        pending_transactions(&srv, &a, income).await,
        vec![t1, t3, t5]
    );
    assert_eq!(
        pending_transactions(&srv, &a, only_x).await,
        vec![t1, t2, t3]
    );
    assert_eq!(
        pending_transactions(&srv, &a, only_y_income).await,
        vec![t5]
    );

    // A mixed batch of duplicates and new ones: only the new one is enqueued.
    let mixed = ingest(
        &srv,
        &a,
        "12345678",
        vec![
            item("2024-04-15T01:00:00Z", 250000, "DH1 chuyen tien"),
            item("2024-04-15T06:00:00Z", 300000, "DH4"),
        ],
    )
    .await;
    assert_eq!(mixed[0], (t1, "duplicate".to_string()));
    let t6 = mixed[1].0;
    assert_eq!(mixed[1].1, "created");
    assert_eq!(
        pending_transactions(&srv, &a, all).await,
        vec![t1, t2, t3, t4, t5, t6]
    );
    assert_eq!(
        pending_transactions(&srv, &a, income).await,
        vec![t1, t3, t5, t6]
    );
    assert_eq!(
        pending_transactions(&srv, &a, only_x).await,
        vec![t1, t2, t3, t6]
    );
    assert_eq!(
        pending_transactions(&srv, &a, only_y_income).await,
        vec![t5]
    );

    // The other business's webhook got none of it; its own account (same number) feeds it only.
    assert_eq!(
        pending_transactions(&srv, &b, theirs).await,
        Vec::<i64>::new()
    );
    let theirs_tx = ingest(
        &srv,
        &b,
        "12345678",
        vec![item("2024-04-15T01:00:00Z", 250000, "DH1 chuyen tien")],
    )
    .await;
    assert_eq!(theirs_tx[0].1, "created");
    assert_eq!(
        pending_transactions(&srv, &b, theirs).await,
        vec![theirs_tx[0].0]
    );
    assert_eq!(pending_transactions(&srv, &a, all).await.len(), 6);
    // Reading another business's deliveries through the store finds nothing.
    assert!(srv
        .store
        .list_deliveries(b.user.business_id, all, None, 100)
        .await
        .unwrap()
        .is_empty());
}

async fn outbox_follows_webhook_changes(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let x = srv.account(&t, "ACB", "12345678").await;
    srv.account(&t, "VCB", "0071000123456").await;
    let early = create_simple(&srv, &t, "https://shop.vn/early", false).await;

    let first = ingest(
        &srv,
        &t,
        "12345678",
        vec![
            item("2024-04-15T01:00:00Z", 250000, "DH1"),
            item("2024-04-15T02:00:00Z", 1000, "DH2"),
        ],
    )
    .await;
    let [t1, t2] = [first[0].0, first[1].0];
    assert_eq!(pending_transactions(&srv, &t, early).await, vec![t1, t2]);

    // A webhook created after an ingest gets nothing for earlier transactions.
    let late = create_simple(&srv, &t, "https://shop.vn/late", false).await;
    assert_eq!(
        pending_transactions(&srv, &t, late).await,
        Vec::<i64>::new()
    );
    let t3 = ingest(
        &srv,
        &t,
        "12345678",
        vec![item("2024-04-15T03:00:00Z", 2000, "DH3")],
    )
    .await[0]
        .0;
    assert_eq!(pending_transactions(&srv, &t, late).await, vec![t3]);
    assert_eq!(
        pending_transactions(&srv, &t, early).await,
        vec![t1, t2, t3]
    );

    // Updating settings applies to later transactions only; existing deliveries stay.
    let r = put(
        &srv,
        &format!("/v2/webhooks/{late}"),
        &t.key,
        &json!({"webhook": "https://shop.vn/late", "income_only": true, "bank_accounts": ["0071000123456"]}),
    )
    .await;
    r.ok();
    let in_x = ingest(
        &srv,
        &t,
        "12345678",
        vec![item("2024-04-15T04:00:00Z", 3000, "DH4")],
    )
    .await[0]
        .0;
    let in_y = ingest(
        &srv,
        &t,
        "0071000123456",
        vec![
            item("2024-04-15T05:00:00Z", -4000, "phi"),
            item("2024-04-15T06:00:00Z", 5000, "DH5"),
        ],
    )
    .await;
    assert_eq!(
        pending_transactions(&srv, &t, late).await,
        vec![t3, in_y[1].0]
    );
    assert_eq!(
        pending_transactions(&srv, &t, early).await,
        vec![t1, t2, t3, in_x, in_y[0].0, in_y[1].0]
    );
    // Restricted to X again, all amounts: money out of X is delivered now.
    put(
        &srv,
        &format!("/v2/webhooks/{late}"),
        &t.key,
        &json!({"webhook": "https://shop.vn/late", "bank_accounts": [x.id]}),
    )
    .await
    .ok();
    let t7 = ingest(
        &srv,
        &t,
        "12345678",
        vec![item("2024-04-15T07:00:00Z", -1, "phi")],
    )
    .await[0]
        .0;
    assert_eq!(
        pending_transactions(&srv, &t, late).await,
        vec![t3, in_y[1].0, t7]
    );

    // Deleting a webhook removes its deliveries; the others keep theirs.
    let r = delete(&srv, &format!("/v2/webhooks/{early}"), &t.key).await;
    assert_eq!(r.text, DELETED);
    assert!(deliveries(&srv, &t, early).await.is_empty());
    assert_eq!(
        pending_transactions(&srv, &t, late).await,
        vec![t3, in_y[1].0, t7]
    );
    // Deleting by URL too.
    let r = delete(&srv, &by_url("https://shop.vn/late"), &t.key).await;
    assert_eq!(r.text, DELETED);
    assert!(deliveries(&srv, &t, late).await.is_empty());

    // With no webhooks left, ingest enqueues nothing (and still stores).
    let after = ingest(
        &srv,
        &t,
        "12345678",
        vec![item("2024-04-15T08:00:00Z", 8000, "DH8")],
    )
    .await;
    assert_eq!(after[0].1, "created");
    assert!(deliveries(&srv, &t, early).await.is_empty());
    assert!(deliveries(&srv, &t, late).await.is_empty());
}

async fn outbox_paging(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    srv.account(&t, "ACB", "12345678").await;
    let w = create_simple(&srv, &t, "https://shop.vn/h", false).await;
    let items: Vec<Value> = (0..5)
        .map(|i| {
            item(
                &format!("2024-04-15T0{i}:00:00Z"),
                1000 + i,
                &format!("DH{i}"),
            )
        })
        .collect();
    let tx: Vec<i64> = ingest(&srv, &t, "12345678", items)
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(pending_transactions(&srv, &t, w).await, tx);

    // Newest first, `limit` and `before` page backwards.
    let page = srv
        .store
        .list_deliveries(t.user.business_id, w, None, 2)
        .await
        .unwrap();
    let got: Vec<i64> = page.iter().map(|d| d.transaction_id.unwrap()).collect();
    assert_eq!(got, vec![tx[4], tx[3]]);
    let next = srv
        .store
        .list_deliveries(t.user.business_id, w, Some(page[1].id), 10)
        .await
        .unwrap();
    let got: Vec<i64> = next.iter().map(|d| d.transaction_id.unwrap()).collect();
    assert_eq!(got, vec![tx[2], tx[1], tx[0]]);
}

// ---------------------------------------------------------------------------------------------
// 8. OpenAPI
// ---------------------------------------------------------------------------------------------

async fn openapi_lists_webhooks(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let resp = srv
        .client
        .get(format!("{}/openapi.json", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let doc: Value = resp.json().await.unwrap();
    let paths = doc["paths"].as_object().expect("paths object");
    let list = paths
        .get("/v2/webhooks")
        .expect("openapi lacks /v2/webhooks");
    for method in ["get", "post", "delete"] {
        assert!(list.get(method).is_some(), "/v2/webhooks lacks {method}");
    }
    let one = paths
        .get("/v2/webhooks/{id}")
        .expect("openapi lacks /v2/webhooks/{id}");
    for method in ["get", "put", "delete"] {
        assert!(
            one.get(method).is_some(),
            "/v2/webhooks/{{id}} lacks {method}"
        );
    }
}

/// Naming an account twice is one restriction, listed in account order; naming none is an error.
async fn bank_accounts_duplicates_and_empty(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let acb = srv.account(&t, "ACB", "12345678").await;
    let vcb = srv.account(&t, "VCB", "0071000123456").await;
    let body =
        json!({"webhook": "https://shop.vn/h", "bank_accounts": [vcb.id, "12345678", acb.id]});
    let (status, created) = srv.post("/v2/webhooks", &t.key, &body).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(
        created["data"]["bank_accounts"],
        json!(["12345678", "0071000123456"])
    );
    let id = created["data"]["id"].as_i64().unwrap();
    let (_, got) = srv.get(&format!("/v2/webhooks/{id}"), &t.key).await;
    assert_eq!(
        got["data"]["bank_accounts"],
        json!(["12345678", "0071000123456"])
    );
    let (status, empty) = srv
        .post(
            "/v2/webhooks",
            &t.key,
            &json!({"webhook": "https://shop.vn/h", "bank_accounts": []}),
        )
        .await;
    assert_eq!(status, 400, "{empty}");
    assert!(
        empty["message"].as_str().unwrap().contains("bank_accounts"),
        "{empty}"
    );
}

both_backends!(
    bank_accounts_duplicates_and_empty,
    create_legacy_shape,
    income_only_forms,
    signed_formats,
    secret_and_format_errors,
    create_validation,
    bank_accounts_selection,
    get_and_list,
    update_replaces,
    update_validation,
    unknown_and_bad_ids,
    delete_by_id,
    delete_by_url,
    isolation,
    outbox_per_matching_webhook,
    outbox_follows_webhook_changes,
    outbox_paging,
    openapi_lists_webhooks,
);
