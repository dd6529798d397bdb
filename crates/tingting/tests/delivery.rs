//! Webhook delivery end to end: the real server and its delivery worker POST to a real receiver
//! (an axum server on loopback that records every request and answers as told), in the three
//! formats of `/work/shared/spec/casso-api.md` ("Webhooks as delivered"), with retries,
//! `Retry-After`, 410 Gone, redirects, timeouts, an unreachable receiver, the test ping, replay,
//! the retry endpoint and the SSRF guard. Signatures are verified here with our own code, not the
//! product's. Outcomes are polled with deadlines; the only fixed sleeps wait for quiet before
//! asserting that nothing more arrived. Every test runs on SQLite and PostgreSQL.

mod common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use common::{eventually, Backend, Tenant, TestServer};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Sha256, Sha512};
use tingting::delivery::policy::Policy;

// ---------------------------------------------------------------------------------------------
// The receiver
// ---------------------------------------------------------------------------------------------

/// Where webhooks are pointed by default.
const HOOK: &str = "/hook";
/// Where the receiver's redirects point; it must never be called.
const ELSEWHERE: &str = "/elsewhere";

/// How the receiver answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// 200 OK.
    Ok,
    /// This status, no special headers.
    Status(u16),
    /// This status with `Retry-After: <seconds>`.
    RetryAfter(u16, u64),
    /// 301 to `<receiver>/elsewhere`.
    Redirect,
    /// Answers 200 only after this long (longer than the policy timeout).
    Stall(Duration),
}

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
struct Hit {
    method: Method,
    path: String,
    headers: HeaderMap,
    body: String,
    at: Instant,
}

impl Hit {
    /// A header's value ("" when absent).
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ASCII header"))
            .unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("webhook body is not JSON ({e}): {}", self.body))
    }

    /// The transaction record: `data[0]` of a legacy body, `data` of the others.
    fn record(&self) -> Value {
        let body = self.json();
        match &body["data"] {
            Value::Array(items) => {
                assert_eq!(items.len(), 1, "one record per POST: {}", self.body);
                items[0].clone()
            }
            Value::Object(_) => body["data"].clone(),
            other => panic!("data is neither an array nor an object: {other}"),
        }
    }

    /// The transaction id delivered.
    fn id(&self) -> i64 {
        self.record()["id"].as_i64().expect("numeric id")
    }
}

struct Shared {
    base: String,
    mode: Mode,
    /// Answers for the next requests, before falling back to `mode`.
    script: VecDeque<Mode>,
    hits: Vec<Hit>,
}

/// A webhook receiver on 127.0.0.1; stops when dropped.
struct Receiver {
    base: String,
    shared: Arc<Mutex<Shared>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(
    State(shared): State<Arc<Mutex<Shared>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (mode, base) = {
        let mut s = shared.lock().unwrap();
        s.hits.push(Hit {
            method,
            path: uri.path().to_string(),
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            at: Instant::now(),
        });
        let mode = if uri.path() == ELSEWHERE {
            Mode::Ok
        } else {
            let fallback = s.mode;
            s.script.pop_front().unwrap_or(fallback)
        };
        (mode, s.base.clone())
    };
    let status = |code: u16| StatusCode::from_u16(code).expect("valid status");
    match mode {
        Mode::Ok => "ok".into_response(),
        Mode::Status(code) => (status(code), "no").into_response(),
        Mode::RetryAfter(code, seconds) => (
            status(code),
            [(header::RETRY_AFTER, seconds.to_string())],
            "busy",
        )
            .into_response(),
        Mode::Redirect => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, format!("{base}{ELSEWHERE}"))],
            "moved",
        )
            .into_response(),
        Mode::Stall(d) => {
            tokio::time::sleep(d).await;
            "late".into_response()
        }
    }
}

impl Receiver {
    /// A receiver answering 200.
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let base = format!("http://{}", listener.local_addr().expect("local addr"));
        let shared = Arc::new(Mutex::new(Shared {
            base: base.clone(),
            mode: Mode::Ok,
            script: VecDeque::new(),
            hits: Vec::new(),
        }));
        let app = axum::Router::new()
            .fallback(receive)
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("receiver runs");
        });
        Self { base, shared, task }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Answers every later request this way (after any script).
    fn set_mode(&self, mode: Mode) {
        self.shared.lock().unwrap().mode = mode;
    }

    /// Answers the next requests these ways, in order, then by the mode.
    fn script(&self, modes: &[Mode]) {
        self.shared.lock().unwrap().script.extend(modes);
    }

    /// Requests received on `path` so far.
    fn hits(&self, path: &str) -> Vec<Hit> {
        self.shared
            .lock()
            .unwrap()
            .hits
            .iter()
            .filter(|h| h.path == path)
            .cloned()
            .collect()
    }

    fn total_hits(&self) -> usize {
        self.shared.lock().unwrap().hits.len()
    }

    /// Waits until `path` received at least `n` requests; returns them.
    async fn wait_hits(&self, path: &str, n: usize) -> Vec<Hit> {
        eventually(DEADLINE, async || {
            let hits = self.hits(path);
            (hits.len() >= n).then_some(hits)
        })
        .await
    }

    /// Ids delivered on `path`, sorted.
    fn ids(&self, path: &str) -> Vec<i64> {
        let mut ids: Vec<i64> = self.hits(path).iter().map(Hit::id).collect();
        ids.sort_unstable();
        ids
    }
}

/// A loopback URL nothing listens on.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("local addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}{HOOK}")
}

// ---------------------------------------------------------------------------------------------
// Signatures, verified independently of the product
// ---------------------------------------------------------------------------------------------

/// Casso's canonical form: compact JSON, object keys sorted ascending at every level.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::from(k.as_str()), canonical(&map[k])))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(canonical).collect();
            format!("[{}]", items.join(","))
        }
        scalar => scalar.to_string(),
    }
}

/// Checks an `X-Casso-Signature` header against `body`; returns its `t` (ms).
fn verify_casso(secret: &str, header: &str, body: &str) -> i64 {
    let (t, v1) = header
        .split_once(',')
        .and_then(|(t, v1)| Some((t.strip_prefix("t=")?, v1.strip_prefix("v1=")?)))
        .unwrap_or_else(|| panic!("malformed X-Casso-Signature {header:?}"));
    assert!(
        v1.len() == 128 && v1.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')),
        "v1 must be lowercase hex of 64 bytes: {v1}"
    );
    let value: Value = serde_json::from_str(body).expect("JSON body");
    let mut mac = Hmac::<Sha512>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", canonical(&value)).as_bytes());
    assert_eq!(
        hex::encode(mac.finalize().into_bytes()),
        v1,
        "X-Casso-Signature does not verify for body {body}"
    );
    t.parse().expect("numeric t")
}

/// Checks a Standard Webhooks request; returns its timestamp (s).
fn verify_standard(secret: &str, hit: &Hit) -> i64 {
    let key = BASE64
        .decode(secret.strip_prefix("whsec_").expect("whsec_ prefix"))
        .expect("base64 secret");
    let id = hit.header("webhook-id");
    let timestamp = hit.header("webhook-timestamp");
    assert!(!id.is_empty(), "webhook-id missing");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.{}", hit.body).as_bytes());
    let expected = format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()));
    let signatures = hit.header("webhook-signature");
    assert!(
        signatures.split(' ').any(|s| s == expected),
        "webhook-signature {signatures:?} does not verify (expected {expected})"
    );
    timestamp.parse().expect("numeric webhook-timestamp")
}

/// Fails on any `null` in a JSON value.
fn assert_no_null(v: &Value, at: &str) {
    match v {
        Value::Null => panic!("null at {at}"),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| assert_no_null(v, &format!("{at}.{k}"))),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| assert_no_null(v, &format!("{at}[{i}]"))),
        _ => {}
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Asserts a Vietnam-time `YYYY-MM-DD HH:MM:SS` is within two minutes of now.
fn assert_vn_now(rendered: &Value) {
    let text = rendered.as_str().expect("time is a string");
    let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .unwrap_or_else(|e| panic!("{text:?} is not YYYY-MM-DD HH:MM:SS: {e}"));
    let now = chrono::Utc::now().naive_utc() + chrono::TimeDelta::hours(7);
    assert!(
        (now - local).num_seconds().abs() < 120,
        "{text} is not now in Vietnam ({now})"
    );
}

// ---------------------------------------------------------------------------------------------
// API helpers
// ---------------------------------------------------------------------------------------------

/// How long any outcome may take to show.
const DEADLINE: Duration = Duration::from_secs(5);
/// The tenant's ACB account.
const ACCOUNT: &str = "12345678";
/// The legacy webhooks' secure token.
const TOKEN: &str = "tok-Hoa Sen/123";

/// A fast policy: 2 s timeout, these retry delays (ms), no jitter.
fn fast(schedule_ms: &[u64]) -> Policy {
    Policy {
        timeout: Duration::from_secs(2),
        schedule: schedule_ms
            .iter()
            .copied()
            .map(Duration::from_millis)
            .collect(),
        jitter: 0.0,
        ..Policy::default()
    }
}

struct Env {
    srv: TestServer,
    t: Tenant,
    rx: Receiver,
}

/// A server with its worker (private targets allowed), a tenant with an ACB account, and a
/// receiver; None when the backend is unavailable.
async fn setup(backend: Backend, policy: Policy) -> Option<Env> {
    let srv = TestServer::start_with_worker(backend, policy).await?;
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    srv.account(&t, "ACB", ACCOUNT).await;
    let rx = Receiver::start().await;
    Some(Env { srv, t, rx })
}

/// Any request with an API key; returns status and JSON body.
async fn call(
    srv: &TestServer,
    method: Method,
    path: &str,
    key: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut rb = srv
        .client
        .request(method, format!("{}{path}", srv.base))
        .header("Authorization", format!("Apikey {key}"));
    if let Some(body) = body {
        rb = rb.json(body);
    }
    let resp = rb.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{path}: body is not JSON ({e}): {text}"));
    (status, json)
}

/// Asserts a success envelope; returns `data`.
fn ok((status, body): (u16, Value)) -> Value {
    assert_eq!(status, 200, "unexpected status: {body}");
    assert_eq!(body["error"], 0, "{body}");
    body["data"].clone()
}

/// Asserts an error envelope with this status.
fn assert_error((status, body): (u16, Value), expected: u16) {
    assert_eq!(status, expected, "unexpected status: {body}");
    assert_eq!(body["error"], json!(expected), "{body}");
    assert_eq!(body["data"], Value::Null, "{body}");
}

/// `POST /v2/webhooks`; returns `data`.
async fn create_webhook(srv: &TestServer, t: &Tenant, body: Value) -> Value {
    ok(call(srv, Method::POST, "/v2/webhooks", &t.key, Some(&body)).await)
}

/// `POST /v2/webhooks` for a legacy webhook; returns its id.
async fn legacy_webhook(srv: &TestServer, t: &Tenant, url: &str) -> i64 {
    create_webhook(
        srv,
        t,
        json!({"webhook": url, "secure_token": TOKEN, "income_only": false}),
    )
    .await["id"]
        .as_i64()
        .expect("numeric id")
}

/// Ingests items that must all be new; returns their ids.
async fn ingest(srv: &TestServer, t: &Tenant, account: &str, items: Vec<Value>) -> Vec<i64> {
    let n = items.len();
    let results = srv.ingest(t, account, items).await["data"].clone();
    let results = results.as_array().expect("results");
    assert_eq!(results.len(), n);
    results
        .iter()
        .map(|r| {
            assert_eq!(r["status"], "created", "{r}");
            r["id"].as_i64().expect("numeric id")
        })
        .collect()
}

/// A minimal ingest item.
fn item(reference: &str, amount: i64, booked_at: &str) -> Value {
    json!({"reference": reference, "amount": amount, "bookedAt": booked_at,
           "description": format!("giao dich {reference}")})
}

/// `GET /v2/webhooks/{id}/deliveries` (newest first).
async fn delivery_log(srv: &TestServer, t: &Tenant, webhook: i64) -> Vec<Value> {
    ok(call(
        srv,
        Method::GET,
        &format!("/v2/webhooks/{webhook}/deliveries"),
        &t.key,
        None,
    )
    .await)
    .as_array()
    .expect("log is an array")
    .clone()
}

/// Waits until the webhook's log has `n` deliveries and none is pending; returns it.
async fn settled(srv: &TestServer, t: &Tenant, webhook: i64, n: usize) -> Vec<Value> {
    eventually(DEADLINE, async || {
        let log = delivery_log(srv, t, webhook).await;
        (log.len() == n && log.iter().all(|d| d["status"] != "pending")).then_some(log)
    })
    .await
}

/// `GET /v2/webhooks/{id}`.
async fn get_webhook(srv: &TestServer, t: &Tenant, webhook: i64) -> Value {
    ok(call(
        srv,
        Method::GET,
        &format!("/v2/webhooks/{webhook}"),
        &t.key,
        None,
    )
    .await)
}

/// Asserts that consecutive requests are at least `min` apart.
fn assert_spaced(hits: &[Hit], min: Duration) {
    for pair in hits.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(gap >= min, "requests only {gap:?} apart, expected {min:?}");
    }
}

/// The Casso V2 record expected for a transaction of the ACB account.
fn v2_record(id: i64, reference: &str, description: &str, amount: i64, balance: Value) -> Value {
    json!({"id": id, "reference": reference, "description": description, "amount": amount,
           "runningBalance": balance, "transactionDateTime": "2024-04-15 09:12:44",
           "accountNumber": ACCOUNT, "bankName": "ACB", "bankAbbreviation": "ACB",
           "virtualAccountNumber": "", "virtualAccountName": "", "counterAccountName": "",
           "counterAccountNumber": "", "counterAccountBankId": "", "counterAccountBankName": ""})
}

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

/// Legacy: one POST per new transaction, with Casso's headers and record fields; the log shows
/// one successful attempt each; duplicates are not delivered again.
async fn legacy_format(backend: Backend) {
    let Some(Env { srv, t, rx }) = setup(backend, fast(&[200, 200, 200])).await else {
        return;
    };
    let wid = legacy_webhook(&srv, &t, &rx.url(HOOK)).await;
    let full = json!({"bookedAt": "2024-04-15 09:12:44", "amount": 250000,
        "description": "DH1042 chuyen tien", "reference": "FT24123456789", "runningBalance": 1070904,
        "counterpartyName": "TRAN THI B", "counterpartyAccount": "0011223344",
        "counterpartyBankId": "970436", "counterpartyBankName": "Vietcombank",
        "virtualAccount": "VA001", "virtualAccountName": "HOA SEN"});
    let ids = ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![
            full.clone(),
            // RFC 3339 in UTC: rendered in Vietnam time, on the next day.
            json!({"bookedAt": "2024-04-15T17:30:00Z", "amount": -45000,
                   "description": "Phí SMS tháng 4/2024", "reference": "FT24123456790",
                   "runningBalance": 1025904}),
        ],
    )
    .await;
    let log = settled(&srv, &t, wid, 2).await;
    for d in &log {
        assert_eq!(d["status"], "succeeded", "{d}");
        assert_eq!(d["attempts"], 1, "{d}");
        assert_eq!(d["lastHttpStatus"], 200, "{d}");
        assert_eq!(d["lastError"], "", "{d}");
        assert_eq!(d["webhookId"], wid, "{d}");
        assert!(d["deliveredAt"].is_string(), "{d}");
    }
    let mut logged: Vec<i64> = log
        .iter()
        .map(|d| d["transactionId"].as_i64().unwrap())
        .collect();
    logged.sort_unstable();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(logged, sorted);

    let hits = rx.hits(HOOK);
    assert_eq!(hits.len(), 2, "one POST per transaction");
    assert_eq!(rx.total_hits(), 2);
    for hit in &hits {
        assert_eq!(hit.method, Method::POST);
        assert_eq!(hit.header("content-type"), "application/json");
        assert_eq!(hit.header("secure-token"), TOKEN);
        assert!(
            hit.header("user-agent").starts_with("tingting/"),
            "user-agent {:?}",
            hit.header("user-agent")
        );
        assert!(
            hit.body.starts_with(r#"{"error":0,"data":[{"id":"#),
            "{}",
            hit.body
        );
        assert_eq!(hit.json()["error"], 0);
    }
    let record = |id: i64| {
        hits.iter()
            .find(|h| h.id() == id)
            .unwrap_or_else(|| panic!("transaction {id} not delivered"))
            .record()
    };
    assert_eq!(
        record(ids[0]),
        json!({"id": ids[0], "tid": "FT24123456789", "description": "DH1042 chuyen tien",
               "amount": 250000, "cusum_balance": 1070904, "when": "2024-04-15 09:12:44",
               "bank_sub_acc_id": ACCOUNT, "subAccId": ACCOUNT, "bankName": "ACB",
               "bankAbbreviation": "ACB", "virtualAccount": "VA001", "virtualAccountName": "HOA SEN",
               "corresponsiveName": "TRAN THI B", "corresponsiveAccount": "0011223344",
               "corresponsiveBankId": "970436", "corresponsiveBankName": "Vietcombank"})
    );
    assert_eq!(
        record(ids[1]),
        json!({"id": ids[1], "tid": "FT24123456790", "description": "Phí SMS tháng 4/2024",
               "amount": -45000, "cusum_balance": 1025904, "when": "2024-04-16 00:30:00",
               "bank_sub_acc_id": ACCOUNT, "subAccId": ACCOUNT, "bankName": "ACB",
               "bankAbbreviation": "ACB", "virtualAccount": "", "virtualAccountName": "",
               "corresponsiveName": "", "corresponsiveAccount": "", "corresponsiveBankId": "",
               "corresponsiveBankName": ""})
    );

    // A duplicate is not a new transaction: nothing is enqueued (the outbox is written in the
    // ingest's own database transaction, so the log shows it at once).
    let again = srv.ingest(&t, ACCOUNT, vec![full]).await;
    assert_eq!(again["data"][0]["status"], "duplicate");
    assert_eq!(again["data"][0]["id"], ids[0]);
    assert_eq!(delivery_log(&srv, &t, wid).await.len(), 2);
}

/// Casso V2: a verifiable `X-Casso-Signature`, one object in `data` with V2 field names, and no
/// null anywhere (an unknown balance is "").
async fn casso_v2_format(backend: Backend) {
    let Some(Env { srv, t, rx }) = setup(backend, fast(&[200, 200, 200])).await else {
        return;
    };
    let created = create_webhook(
        &srv,
        &t,
        json!({"webhook": rx.url(HOOK), "format": "casso_v2"}),
    )
    .await;
    assert_eq!(created["format"], "casso_v2");
    let wid = created["id"].as_i64().unwrap();
    let secret = created["secret"]
        .as_str()
        .expect("secret returned at creation")
        .to_string();
    assert!(secret.len() >= 16, "{secret}");
    let ids = ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![
            json!({"bookedAt": "2024-04-15 09:12:44", "amount": 599000,
                   "description": "Thanh toán đơn hàng DH1042/Hoà Sen", "reference": "FT1",
                   "runningBalance": 25000000, "counterpartyName": "NGUYEN VAN A",
                   "counterpartyAccount": "8888888888", "counterpartyBankId": "970415",
                   "counterpartyBankName": "VietinBank", "virtualAccount": "VA9",
                   "virtualAccountName": "SHOP"}),
            // No balance, no counterparty.
            json!({"bookedAt": "2024-04-15 09:12:44", "amount": -1000,
                   "description": "phi", "reference": "FT2"}),
        ],
    )
    .await;
    let log = settled(&srv, &t, wid, 2).await;
    assert!(log.iter().all(|d| d["status"] == "succeeded"), "{log:?}");
    let hits = rx.hits(HOOK);
    assert_eq!(hits.len(), 2);
    for hit in &hits {
        assert_eq!(hit.header("content-type"), "application/json");
        let t_ms = verify_casso(&secret, hit.header("x-casso-signature"), &hit.body);
        assert!((now_ms() - t_ms).abs() < 300_000, "t={t_ms} is not now");
        assert!(!hit.body.contains("null"), "{}", hit.body);
        assert_no_null(&hit.json(), "body");
        assert_eq!(hit.json()["error"], 0);
        assert!(hit.json()["data"].is_object(), "{}", hit.body);
        assert_eq!(hit.header("secure-token"), "");
    }
    let record = |id: i64| hits.iter().find(|h| h.id() == id).unwrap().record();
    let mut first = v2_record(
        ids[0],
        "FT1",
        "Thanh toán đơn hàng DH1042/Hoà Sen",
        599000,
        json!(25000000),
    );
    for (k, v) in [
        ("counterAccountName", "NGUYEN VAN A"),
        ("counterAccountNumber", "8888888888"),
        ("counterAccountBankId", "970415"),
        ("counterAccountBankName", "VietinBank"),
        ("virtualAccountNumber", "VA9"),
        ("virtualAccountName", "SHOP"),
    ] {
        first[k] = json!(v);
    }
    assert_eq!(record(ids[0]), first);
    assert_eq!(
        record(ids[1]),
        v2_record(ids[1], "FT2", "phi", -1000, json!(""))
    );
}

/// Standard Webhooks: webhook-id/timestamp/signature headers that verify with the `whsec_`
/// secret, `type`/`timestamp`/`data`; a retry keeps the same webhook-id.
async fn standard_format(backend: Backend) {
    let Some(Env { srv, t, rx }) = setup(backend, fast(&[200])).await else {
        return;
    };
    let created = create_webhook(
        &srv,
        &t,
        json!({"webhook": rx.url(HOOK), "format": "standard"}),
    )
    .await;
    assert_eq!(created["format"], "standard");
    let wid = created["id"].as_i64().unwrap();
    let secret = created["secret"].as_str().expect("secret").to_string();
    assert!(secret.starts_with("whsec_"), "{secret}");
    rx.script(&[Mode::Status(500)]);
    let ids = ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![json!({"bookedAt": "2024-04-15 09:12:44", "amount": 120000,
                    "description": "DH7 chuyen khoan", "reference": "FT7", "runningBalance": 5})],
    )
    .await;
    let log = settled(&srv, &t, wid, 1).await;
    assert_eq!(log[0]["status"], "succeeded", "{:?}", log[0]);
    assert_eq!(log[0]["attempts"], 2, "{:?}", log[0]);
    let hits = rx.hits(HOOK);
    assert_eq!(hits.len(), 2);
    for hit in &hits {
        assert_eq!(hit.header("content-type"), "application/json");
        let ts = verify_standard(&secret, hit);
        assert!(
            (now_ms() / 1000 - ts).abs() < 300,
            "timestamp {ts} is not now"
        );
        let body = hit.json();
        assert_eq!(body["type"], "transaction.created");
        let rendered = chrono::DateTime::from_timestamp(ts, 0)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        assert_eq!(body["timestamp"], rendered, "{}", hit.body);
        assert_eq!(
            body["data"],
            v2_record(ids[0], "FT7", "DH7 chuyen khoan", 120000, json!(5))
        );
    }
    assert_eq!(
        hits[0].header("webhook-id"),
        hits[1].header("webhook-id"),
        "a retry is the same message"
    );
}

// ---------------------------------------------------------------------------------------------
// Selection
// ---------------------------------------------------------------------------------------------

/// `income_only` and `bank_accounts`: each webhook gets exactly the transactions it matches.
async fn filters(backend: Backend) {
    let Some(Env { srv, t, rx }) = setup(backend, fast(&[200, 200, 200])).await else {
        return;
    };
    let other = "0071000123456";
    srv.account(&t, "VCB", other).await;
    let a = create_webhook(
        &srv,
        &t,
        json!({"webhook": rx.url("/a"), "secure_token": TOKEN, "income_only": true}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let b = create_webhook(
        &srv,
        &t,
        json!({"webhook": rx.url("/b"), "secure_token": TOKEN, "bank_accounts": [other]}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let acb = ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![
            item("R1", 100_000, "2024-04-15 08:00:00"),
            item("R2", -50_000, "2024-04-15 08:01:00"),
        ],
    )
    .await;
    let vcb = ingest(
        &srv,
        &t,
        other,
        vec![
            item("R3", 200_000, "2024-04-15 08:02:00"),
            item("R4", -70_000, "2024-04-15 08:03:00"),
        ],
    )
    .await;
    let mut want_a = vec![acb[0], vcb[0]];
    let mut want_b = vec![vcb[0], vcb[1]];
    want_a.sort_unstable();
    want_b.sort_unstable();
    rx.wait_hits("/a", 2).await;
    rx.wait_hits("/b", 2).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(rx.ids("/a"), want_a, "income_only webhook");
    assert_eq!(rx.ids("/b"), want_b, "webhook of {other}");
    assert_eq!(rx.total_hits(), 4);
    assert_eq!(delivery_log(&srv, &t, a).await.len(), 2);
    assert_eq!(delivery_log(&srv, &t, b).await.len(), 2);
    let r3 = rx
        .hits("/b")
        .into_iter()
        .find(|h| h.id() == vcb[0])
        .unwrap()
        .record();
    assert_eq!(r3["subAccId"], other);
    assert_eq!(r3["bank_sub_acc_id"], other);
    assert_eq!(r3["bankName"], "Vietcombank");
    assert_eq!(r3["bankAbbreviation"], "VCB");
}

// ---------------------------------------------------------------------------------------------
// Retries and failures
// ---------------------------------------------------------------------------------------------

/// 500 twice, then 200: delivered at the third attempt, the same body each time.
async fn retries_until_success(backend: Backend) {
    let Some(Env { srv, t, rx }) = setup(backend, fast(&[200, 200, 200])).await else {
        return;
    };
    let wid = legacy_webhook(&srv, &t, &rx.url(HOOK)).await;
    rx.script(&[Mode::Status(500), Mode::Status(500)]);
    let ids = ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![item("FT500", 10_000, "2024-04-15 08:00:00")],
    )
    .await;
    let log = settled(&srv, &t, wid, 1).await;
    let d = &log[0];
    assert_eq!(d["status"], "succeeded", "{d}");
    assert_eq!(d["attempts"], 3, "{d}");
    assert_eq!(d["lastHttpStatus"], 200, "{d}");
    assert_eq!(d["lastError"], "", "{d}");
    let hits = rx.hits(HOOK);
    assert_eq!(hits.len(), 3);
    assert!(hits.iter().all(|h| h.id() == ids[0]));
    assert!(hits.iter().all(|h| h.body == hits[0].body));
    assert_spaced(&hits, Duration::from_millis(190));
}

/// 503 with `Retry-After: 1` outweighs a 100 ms scheduled delay.
async fn honours_retry_after(backend: Backend) {
    let Some(Env { srv, t, rx }) = setup(backend, fast(&[100])).await else {
        return;
    };
    let wid = legacy_webhook(&srv, &t, &rx.url(HOOK)).await;
    rx.script(&[Mode::RetryAfter(503, 1)]);
    ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![item("FT503", 10_000, "2024-04-15 08:00:00")],
    )
    .await;
    let log = settled(&srv, &t, wid, 1).await;
    assert_eq!(log[0]["status"], "succeeded", "{}", log[0]);
    assert_eq!(log[0]["attempts"], 2, "{}", log[0]);
    let hits = rx.hits(HOOK);
    assert_eq!(hits.len(), 2);
    assert_spaced(&hits, Duration::from_millis(900));
}

/// 410 Gone disables the webhook at once; later transactions are not enqueued.
async fn gone_disables(backend: Backend) {
    let Some(Env { srv, t, rx }) = setup(backend, fast(&[200, 200, 200])).await else {
        return;
    };
    let wid = legacy_webhook(&srv, &t, &rx.url(HOOK)).await;
    rx.set_mode(Mode::Status(410));
    ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![item("FT410", 10_000, "2024-04-15 08:00:00")],
    )
    .await;
    let log = settled(&srv, &t, wid, 1).await;
    let d = &log[0];
    assert_eq!(d["status"], "failed", "{d}");
    assert_eq!(d["attempts"], 1, "no retry after 410: {d}");
    assert_eq!(d["lastHttpStatus"], 410, "{d}");
    let w = get_webhook(&srv, &t, wid).await;
    assert_eq!(w["enabled"], false, "{w}");
    assert!(
        w["disabled_reason"].as_str().unwrap().contains("410"),
        "{w}"
    );

    ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![item("FT411", 20_000, "2024-04-15 08:01:00")],
    )
    .await;
    assert_eq!(
        delivery_log(&srv, &t, wid).await.len(),
        1,
        "no delivery enqueued"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(rx.total_hits(), 1);
    assert_eq!(delivery_log(&srv, &t, wid).await.len(), 1);
    // A disabled webhook is not replayed into; the answer says how to re-enable it.
    let (status, body) = srv
        .post(
            &format!("/v2/webhooks/{wid}/replay"),
            &t.key,
            &serde_json::json!({"fromDate": "2024-04-15", "toDate": "2024-04-15"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("disabled"),
        "{body}"
    );
}

/// A 301 is a failure, not followed, retried on the schedule until the attempts run out.
async fn redirects_not_followed(backend: Backend) {
    let Some(Env { srv, t, rx }) = setup(backend, fast(&[200, 200])).await else {
        return;
    };
    let wid = legacy_webhook(&srv, &t, &rx.url(HOOK)).await;
    rx.set_mode(Mode::Redirect);
    ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![item("FT301", 10_000, "2024-04-15 08:00:00")],
    )
    .await;
    let log = settled(&srv, &t, wid, 1).await;
    let d = &log[0];
    assert_eq!(d["status"], "failed", "{d}");
    assert_eq!(d["attempts"], 3, "{d}");
    assert_eq!(d["lastHttpStatus"], 301, "{d}");
    assert!(
        d["lastError"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("redirect"),
        "{d}"
    );
    let hits = rx.hits(HOOK);
    assert_eq!(hits.len(), 3);
    assert_spaced(&hits, Duration::from_millis(190));
    assert!(rx.hits(ELSEWHERE).is_empty(), "the redirect was followed");
    assert_eq!(get_webhook(&srv, &t, wid).await["enabled"], true);
}

/// Nobody listening: connect errors until the attempts run out; after the webhook moves to a
/// live receiver, the retry endpoint delivers it.
async fn receiver_down_then_retry(backend: Backend) {
    let Some(Env { srv, t, rx }) = setup(backend, fast(&[200, 200])).await else {
        return;
    };
    let wid = legacy_webhook(&srv, &t, &dead_url()).await;
    let ids = ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![item("FTDOWN", 10_000, "2024-04-15 08:00:00")],
    )
    .await;
    let log1 = settled(&srv, &t, wid, 1).await;
    let d = &log1[0];
    assert_eq!(d["status"], "failed", "{d}");
    assert_eq!(d["attempts"], 3, "{d}");
    assert_eq!(d["lastHttpStatus"], Value::Null, "{d}");
    assert!(d["lastError"].as_str().unwrap().contains("connect"), "{d}");
    let did = d["id"].as_i64().unwrap();

    ok(call(
        &srv,
        Method::PUT,
        &format!("/v2/webhooks/{wid}"),
        &t.key,
        Some(&json!({"webhook": rx.url(HOOK), "secure_token": TOKEN})),
    )
    .await);
    let retried = ok(call(
        &srv,
        Method::POST,
        &format!("/v2/deliveries/{did}/retry"),
        &t.key,
        None,
    )
    .await);
    assert_eq!(retried["id"], did);
    assert_eq!(retried["status"], "pending");
    let hits = rx.wait_hits(HOOK, 1).await;
    assert_eq!(hits[0].id(), ids[0]);
    let log2 = eventually(DEADLINE, async || {
        let log = delivery_log(&srv, &t, wid).await;
        (log[0]["status"] == "succeeded").then_some(log)
    })
    .await;
    assert_eq!(log2.len(), 1, "the retry reuses the delivery");
    assert_eq!(log2[0]["attempts"], 4, "{}", log2[0]);
    assert_eq!(log2[0]["lastHttpStatus"], 200, "{}", log2[0]);
    assert_eq!(rx.hits(HOOK).len(), 1);
}

/// A receiver that never answers in time fails the attempt with "timed out".
async fn stalled_receiver_times_out(backend: Backend) {
    let policy = Policy {
        timeout: Duration::from_secs(1),
        ..fast(&[])
    };
    let Some(Env { srv, t, rx }) = setup(backend, policy).await else {
        return;
    };
    let wid = legacy_webhook(&srv, &t, &rx.url(HOOK)).await;
    rx.set_mode(Mode::Stall(Duration::from_secs(4)));
    let started = Instant::now();
    ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![item("FTSLOW", 10_000, "2024-04-15 08:00:00")],
    )
    .await;
    let log = settled(&srv, &t, wid, 1).await;
    let elapsed = started.elapsed();
    let d = &log[0];
    assert_eq!(d["status"], "failed", "{d}");
    assert_eq!(d["attempts"], 1, "{d}");
    assert_eq!(d["lastHttpStatus"], Value::Null, "{d}");
    assert!(
        d["lastError"].as_str().unwrap().contains("timed out"),
        "{d}"
    );
    let latency = d["latencyMs"].as_i64().unwrap();
    assert!((900..3500).contains(&latency), "latency {latency} ms: {d}");
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");
    assert_eq!(rx.hits(HOOK).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Test ping, replay, retry endpoint
// ---------------------------------------------------------------------------------------------

/// The test ping carries Casso's fixed values in each format, and signs like a real delivery.
async fn test_ping(backend: Backend) {
    // Our verifier agrees with Casso's published vector (so it can judge the product's).
    let official = r#"{"error":0,"data":{"id":0,"reference":"MA_GIAO_DICH_THU_NGHIEM","description":"giao dich thu nghiem","amount":599000,"runningBalance":25000000,"transactionDateTime":"2024-10-03 15:06:37","accountNumber":"88888888","bankName":"VPBank","bankAbbreviation":"VPB","virtualAccountNumber":"","virtualAccountName":"","counterAccountName":"NGUYEN VAN A","counterAccountNumber":"8888888888","counterAccountBankId":"970415","counterAccountBankName":"VietinBank"}}"#;
    verify_casso(
        "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs",
        "t=1727948258788,v1=ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3",
        official,
    );

    let Some(Env { srv, t, rx }) = setup(backend, fast(&[200, 200, 200])).await else {
        return;
    };
    let legacy = legacy_webhook(&srv, &t, &rx.url("/legacy")).await;
    let v2 = create_webhook(
        &srv,
        &t,
        json!({"webhook": rx.url("/v2"), "format": "casso_v2"}),
    )
    .await;
    let standard = create_webhook(
        &srv,
        &t,
        json!({"webhook": rx.url("/std"), "format": "standard"}),
    )
    .await;
    let ping = async |id: i64| {
        let d = ok(call(
            &srv,
            Method::POST,
            &format!("/v2/webhooks/{id}/test"),
            &t.key,
            None,
        )
        .await);
        assert_eq!(d["transactionId"], 0, "{d}");
        assert_eq!(d["webhookId"], id, "{d}");
        assert_eq!(d["status"], "pending", "{d}");
    };
    let v2_id = v2["id"].as_i64().unwrap();
    let std_id = standard["id"].as_i64().unwrap();
    ping(legacy).await;
    ping(v2_id).await;
    ping(std_id).await;

    let hit = &rx.wait_hits("/legacy", 1).await[0];
    assert_eq!(hit.header("secure-token"), TOKEN);
    let r = hit.record();
    assert_vn_now(&r["when"]);
    assert_eq!(
        r,
        json!({"id": 0, "tid": "MA_GIAO_DICH_THU_NGHIEM", "description": "giao dich thu nghiem",
               "amount": 599000, "cusum_balance": 25000000, "when": r["when"],
               "bank_sub_acc_id": "88888888", "subAccId": "88888888", "bankName": "VPBank",
               "bankAbbreviation": "VPB", "virtualAccount": "", "virtualAccountName": "",
               "corresponsiveName": "NGUYEN VAN A", "corresponsiveAccount": "8888888888",
               "corresponsiveBankId": "970415", "corresponsiveBankName": "VietinBank"})
    );

    let expected_v2 = |time: &Value| {
        json!({"id": 0, "reference": "MA_GIAO_DICH_THU_NGHIEM",
               "description": "giao dich thu nghiem", "amount": 599000, "runningBalance": 25000000,
               "transactionDateTime": time, "accountNumber": "88888888", "bankName": "VPBank",
               "bankAbbreviation": "VPB", "virtualAccountNumber": "", "virtualAccountName": "",
               "counterAccountName": "NGUYEN VAN A", "counterAccountNumber": "8888888888",
               "counterAccountBankId": "970415", "counterAccountBankName": "VietinBank"})
    };
    let hit = &rx.wait_hits("/v2", 1).await[0];
    verify_casso(
        v2["secret"].as_str().unwrap(),
        hit.header("x-casso-signature"),
        &hit.body,
    );
    assert_no_null(&hit.json(), "body");
    let r = hit.record();
    assert_vn_now(&r["transactionDateTime"]);
    assert_eq!(r, expected_v2(&r["transactionDateTime"]));

    let hit = &rx.wait_hits("/std", 1).await[0];
    verify_standard(standard["secret"].as_str().unwrap(), hit);
    let body = hit.json();
    assert_eq!(body["type"], "transaction.test");
    let r = hit.record();
    assert_eq!(r, expected_v2(&r["transactionDateTime"]));

    for id in [legacy, v2_id, std_id] {
        let log = settled(&srv, &t, id, 1).await;
        assert_eq!(log[0]["status"], "succeeded", "{}", log[0]);
        assert_eq!(log[0]["transactionId"], 0, "{}", log[0]);
    }
    assert_eq!(rx.total_hits(), 3);
}

/// Replay sends every transaction booked on the Vietnam days given, again; bad dates are 400.
async fn replay(backend: Backend) {
    let Some(Env { srv, t, rx }) = setup(backend, fast(&[200, 200, 200])).await else {
        return;
    };
    let wid = legacy_webhook(&srv, &t, &rx.url(HOOK)).await;
    let ids = ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![
            item("A", 10_000, "2024-04-15 09:00:00"),
            item("B", 20_000, "2024-04-15 23:30:00"),
            // 2024-04-15 17:15 UTC: the 16th in Vietnam.
            item("C", -30_000, "2024-04-16 00:15:00"),
        ],
    )
    .await;
    settled(&srv, &t, wid, 3).await;
    assert_eq!(rx.hits(HOOK).len(), 3);

    let path = format!("/v2/webhooks/{wid}/replay");
    let replay = async |from: &str, to: &str| {
        ok(call(
            &srv,
            Method::POST,
            &path,
            &t.key,
            Some(&json!({"fromDate": from, "toDate": to})),
        )
        .await)["enqueued"]
            .as_i64()
            .expect("enqueued")
    };
    assert_eq!(replay("2024-04-16", "2024-04-16").await, 1);
    rx.wait_hits(HOOK, 4).await;
    assert_eq!(replay("2024-04-15", "2024-04-16").await, 3);
    assert_eq!(replay("2024-04-17", "2024-04-20").await, 0);
    let log = settled(&srv, &t, wid, 7).await;
    assert!(log.iter().all(|d| d["status"] == "succeeded"), "{log:?}");
    let got = rx.ids(HOOK);
    let count = |id: i64| got.iter().filter(|g| **g == id).count();
    assert_eq!(
        (count(ids[0]), count(ids[1]), count(ids[2])),
        (2, 2, 3),
        "{got:?}"
    );
    assert_eq!(rx.total_hits(), 7);

    for bad in [
        json!({"fromDate": "2024-02-30", "toDate": "2024-04-16"}),
        json!({"fromDate": "15/04/2024", "toDate": "2024-04-16"}),
        json!({"fromDate": "2024-04-16", "toDate": "2024-04-15"}),
        json!({"fromDate": "2024-04-15", "toDate": ""}),
        json!({"fromDate": "2024-04-15"}),
    ] {
        assert_error(
            call(&srv, Method::POST, &path, &t.key, Some(&bad)).await,
            400,
        );
    }
    assert_eq!(delivery_log(&srv, &t, wid).await.len(), 7);
}

/// Another business's deliveries and webhooks are not found.
async fn retry_unknown_or_foreign(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let mine = srv.tenant("owner@hoasen.vn", "Hoa Sen").await;
    let theirs = srv.tenant("owner@hoahong.vn", "Hoa Hong").await;
    let their_webhook = legacy_webhook(&srv, &theirs, "https://hoahong.vn/hook").await;
    let their_delivery = ok(call(
        &srv,
        Method::POST,
        &format!("/v2/webhooks/{their_webhook}/test"),
        &theirs.key,
        None,
    )
    .await)["id"]
        .as_i64()
        .unwrap();
    for path in [
        format!("/v2/deliveries/{their_delivery}/retry"),
        format!("/v2/deliveries/{}/retry", their_delivery + 1000),
        format!("/v2/webhooks/{their_webhook}/test"),
    ] {
        assert_error(call(&srv, Method::POST, &path, &mine.key, None).await, 404);
    }
    assert_error(
        call(
            &srv,
            Method::GET,
            &format!("/v2/webhooks/{their_webhook}/deliveries"),
            &mine.key,
            None,
        )
        .await,
        404,
    );
    assert_error(
        call(
            &srv,
            Method::POST,
            &format!("/v2/webhooks/{their_webhook}/replay"),
            &mine.key,
            Some(&json!({"fromDate": "2024-04-15", "toDate": "2024-04-16"})),
        )
        .await,
        404,
    );
    // Theirs is untouched, and retrying it is theirs to do.
    assert_eq!(delivery_log(&srv, &theirs, their_webhook).await.len(), 1);
    let retried = ok(call(
        &srv,
        Method::POST,
        &format!("/v2/deliveries/{their_delivery}/retry"),
        &theirs.key,
        None,
    )
    .await);
    assert_eq!(retried["id"], their_delivery);
}

// ---------------------------------------------------------------------------------------------
// SSRF guard, latency
// ---------------------------------------------------------------------------------------------

/// With the guard on, loopback receivers (literal or by name) are never called; without it the
/// same webhook is delivered.
async fn ssrf_guard(backend: Backend) {
    let rx = Receiver::start().await;
    let port = rx.base.rsplit(':').next().unwrap().to_string();
    {
        let Some(srv) = TestServer::start_guarded(backend, fast(&[])).await else {
            return;
        };
        let t = srv.tenant("owner@hoasen.vn", "Hoa Sen").await;
        srv.account(&t, "ACB", ACCOUNT).await;
        let literal = legacy_webhook(&srv, &t, &rx.url(HOOK)).await;
        let named = legacy_webhook(&srv, &t, &format!("http://localhost:{port}/named")).await;
        ingest(
            &srv,
            &t,
            ACCOUNT,
            vec![item("FTSSRF", 10_000, "2024-04-15 08:00:00")],
        )
        .await;
        for wid in [literal, named] {
            let log = settled(&srv, &t, wid, 1).await;
            let d = &log[0];
            assert_eq!(d["status"], "failed", "{d}");
            assert_eq!(d["lastHttpStatus"], Value::Null, "{d}");
            let error = d["lastError"].as_str().unwrap();
            assert!(error.contains("refused") || error.contains("public"), "{d}");
        }
        assert_eq!(rx.total_hits(), 0, "a private receiver was called");
    }
    let Some(srv) = TestServer::start_with_worker(backend, fast(&[])).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Hoa Sen").await;
    srv.account(&t, "ACB", ACCOUNT).await;
    let wid = legacy_webhook(&srv, &t, &rx.url(HOOK)).await;
    let ids = ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![item("FTSSRF", 10_000, "2024-04-15 08:00:00")],
    )
    .await;
    assert_eq!(rx.wait_hits(HOOK, 1).await[0].id(), ids[0]);
    assert_eq!(settled(&srv, &t, wid, 1).await[0]["status"], "succeeded");
}

/// With the worker idle, a new transaction arrives promptly (generous bound; not a benchmark).
async fn idle_worker_delivers_promptly(backend: Backend) {
    let Some(Env { srv, t, rx }) = setup(backend, fast(&[200, 200, 200])).await else {
        return;
    };
    legacy_webhook(&srv, &t, &rx.url(HOOK)).await;
    let started = Instant::now();
    let ids = ingest(
        &srv,
        &t,
        ACCOUNT,
        vec![item("FTFAST", 10_000, "2024-04-15 08:00:00")],
    )
    .await;
    let hits = rx.wait_hits(HOOK, 1).await;
    assert_eq!(hits[0].id(), ids[0]);
    assert!(started.elapsed() < Duration::from_secs(5));
}

// ---------------------------------------------------------------------------------------------
// Crash safety
// ---------------------------------------------------------------------------------------------

/// `tingting serve` (the real binary) is killed with SIGKILL while its deliveries stall at the
/// receiver; restarted, it delivers every transaction, the stalled ones once their leases
/// expire, and leaves nothing pending.
async fn crash_safety(backend: Backend) {
    const BATCH: usize = 100;
    // The in-process server only sets up the tenant; it runs no worker.
    let Some(setup) = TestServer::start(backend).await else {
        return;
    };
    let t = setup.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    setup.account(&t, "ACB", ACCOUNT).await;
    let rx = Receiver::start().await;
    rx.set_mode(Mode::Stall(Duration::from_secs(600)));
    let args = [
        "--allow-private-webhooks",
        "--webhook-timeout",
        "3s",
        "--webhook-retries",
        "200ms,200ms,200ms,200ms,200ms",
    ];
    let serve = |db: &str| common::ServeProcess::spawn(db, &args);
    let first = serve(&setup.db.url);
    let srv = setup.with_base(&first.base);
    let wid = legacy_webhook(&srv, &t, &rx.url(HOOK)).await;
    let items = (0..BATCH)
        .map(|i| {
            item(
                &format!("FTCRASH{i:03}"),
                10_000 + i as i64,
                "2024-04-15 08:00:00",
            )
        })
        .collect();
    let mut ids = ingest(&srv, &t, ACCOUNT, items).await;
    // The deliveries the worker took at once are now stalled at the receiver.
    rx.wait_hits(HOOK, 2).await;
    first.kill();
    let before_restart = rx.total_hits();
    assert!(
        before_restart < BATCH,
        "the batch must outnumber the deliveries in flight"
    );
    rx.set_mode(Mode::Ok);

    let second = serve(&srv.db.url);
    let srv = srv.with_base(&second.base);
    let delivered = eventually(Duration::from_secs(30), async || {
        let mut seen: Vec<i64> = rx.hits(HOOK)[before_restart..]
            .iter()
            .map(Hit::id)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        (seen.len() >= BATCH).then_some(seen)
    })
    .await;
    ids.sort_unstable();
    assert_eq!(
        delivered, ids,
        "every transaction reaches the receiver after the restart"
    );
    // Nothing is left pending: every delivery is recorded as succeeded.
    let path = format!("/v2/webhooks/{wid}/deliveries?limit={}", 2 * BATCH);
    eventually(DEADLINE, async || {
        let log = ok(call(&srv, Method::GET, &path, &t.key, None).await);
        let log = log.as_array().expect("deliveries").clone();
        (log.len() == BATCH && log.iter().all(|d| d["status"] == "succeeded")).then_some(())
    })
    .await; // Stopped before its database is dropped.
    second.kill();
}

both_backends!(
    crash_safety,
    legacy_format,
    casso_v2_format,
    standard_format,
    filters,
    retries_until_success,
    honours_retry_after,
    gone_disables,
    redirects_not_followed,
    receiver_down_then_retry,
    stalled_receiver_times_out,
    test_ping,
    replay,
    retry_unknown_or_foreign,
    ssrf_guard,
    idle_worker_delivers_promptly,
);
