//! The HTTP API against the Casso contract (`/work/shared/spec/casso-api.md`): exact shapes and
//! key order, errors in the envelope, pagination, sloppy clients, deduplication and tenant
//! isolation. Every test runs on SQLite and PostgreSQL.

mod common;

use chrono::{SecondsFormat, TimeDelta, Utc};
use common::raw::{item, keys_at, Resp};
use common::{vn_today, Backend, Tenant, TestServer};
use reqwest::Method;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The exact 401 body Casso clients expect.
const UNAUTHORIZED: &str = r#"{"error":401,"message":"Unauthorized Access","data":null}"#;

/// Keys of a Casso transaction record, in the contract's order.
const RECORD_KEYS: [&str; 16] = [
    "id",
    "tid",
    "description",
    "amount",
    "cusum_balance",
    "when",
    "bankSubAccId",
    "paymentChannel",
    "virtualAccount",
    "virtualAccountName",
    "corresponsiveName",
    "corresponsiveAccount",
    "corresponsiveBankId",
    "corresponsiveBankName",
    "accountId",
    "bankCodeName",
];

/// Keys of a transaction listing page, in the contract's order.
const PAGE_KEYS: [&str; 7] = [
    "page",
    "pageSize",
    "nextPage",
    "prevPage",
    "totalPages",
    "totalRecords",
    "records",
];

/// Keys of an account object, in the contract's order.
const ACCOUNT_KEYS: [&str; 25] = [
    "id",
    "accountNumber",
    "accountName",
    "accountType",
    "balance",
    "currency",
    "swift",
    "citad",
    "serviceType",
    "bankName",
    "BIN",
    "bankCodeName",
    "memo",
    "connectStatus",
    "connectReason",
    "beginningSettingDate",
    "beginningTxnDate",
    "beginningBalance",
    "creditTxnTotal",
    "creditTxnAmount",
    "debitTxnTotal",
    "debitTxnAmount",
    "lockSyncDate",
    "endingBalance",
    "endingTxnDate",
];

/// The record keys of the list form.
fn record_keys() -> Vec<&'static str> {
    RECORD_KEYS.to_vec()
}

async fn call(rb: reqwest::RequestBuilder) -> Resp {
    Resp::read(rb.send().await.expect("request")).await
}

fn url(srv: &TestServer, path: &str) -> String {
    format!("{}{path}", srv.base)
}

/// GET with `Authorization: Apikey <key>`, raw.
async fn get_raw(srv: &TestServer, path: &str, key: &str) -> Resp {
    call(
        srv.client
            .get(url(srv, path))
            .header("Authorization", format!("Apikey {key}")),
    )
    .await
}

/// GET with an arbitrary `Authorization` header (or none).
async fn get_with_auth(srv: &TestServer, path: &str, authorization: Option<&str>) -> Resp {
    let mut rb = srv.client.get(url(srv, path));
    if let Some(a) = authorization {
        rb = rb.header("Authorization", a);
    }
    call(rb).await
}

/// POST raw bytes with an API key.
async fn post_raw(srv: &TestServer, path: &str, key: &str, body: Vec<u8>) -> Resp {
    call(
        srv.client
            .post(url(srv, path))
            .header("Authorization", format!("Apikey {key}"))
            .header("Content-Type", "application/json")
            .body(body),
    )
    .await
}

/// An ingest item with a bank reference.
fn item_ref(booked_at: &str, amount: i64, description: &str, reference: &str) -> Value {
    json!({"bookedAt": booked_at, "amount": amount, "description": description, "reference": reference})
}

/// The ids and statuses an ingest answered.
fn results(body: &Value) -> Vec<(i64, String)> {
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("ingest data is not an array: {body}"))
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().expect("numeric id"),
                r["status"].as_str().expect("status").to_string(),
            )
        })
        .collect()
}

fn ids(body: &Value) -> Vec<i64> {
    body["data"]["records"]
        .as_array()
        .unwrap_or_else(|| panic!("no records: {body}"))
        .iter()
        .map(|r| r["id"].as_i64().expect("numeric id"))
        .collect()
}

/// GET that must answer 200; returns the body.
async fn ok(srv: &TestServer, path: &str, key: &str) -> Value {
    let (status, body) = srv.get(path, key).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    assert_eq!(body["error"], 0, "GET {path}: {body}");
    body
}

/// A transaction `days` days before now, RFC 3339 UTC.
fn days_ago(days: i64) -> String {
    (Utc::now() - TimeDelta::days(days)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn tenant_with_account(srv: &TestServer, email: &str, number: &str) -> (Tenant, i64) {
    let t = srv.tenant(email, "Cửa hàng Hoa Sen").await;
    let a = srv.account(&t, "ACB", number).await;
    (t, a.id)
}

// ---------------------------------------------------------------------------------------------
// 1. Happy paths, exact shapes
// ---------------------------------------------------------------------------------------------

async fn user_info_shape(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Cửa hàng Hoa Sen").await;
    let acb = srv.account(&t, "ACB", "12345678").await;
    let vcb = srv.account(&t, "VCB", "0071000123456").await;

    let r = get_raw(&srv, "/v2/userInfo", &t.key).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"error": 0, "message": "success", "data": {
        "user": {"id": t.user.id, "email": "owner@example.vn"},
        "business": {"id": t.user.business_id, "name": "Cửa hàng Hoa Sen"},
        "bankAccs": [
            {"id": acb.id, "bank": {"bin": 970416, "codeName": "acb_digi"},
             "bankAccountName": "NGUYEN VAN A", "bankSubAccId": "12345678",
             "connectStatus": 1, "connectReason": "", "planStatus": 0},
            {"id": vcb.id, "bank": {"bin": 970436, "codeName": "vietcombank"},
             "bankAccountName": "NGUYEN VAN A", "bankSubAccId": "0071000123456",
             "connectStatus": 1, "connectReason": "", "planStatus": 0},
        ]}})
    );
    assert!(r.json()["data"]["bankAccs"][0]["bank"]["bin"].is_u64());
    assert_eq!(keys_at(&r.text, ""), ["error", "message", "data"]);
    assert_eq!(keys_at(&r.text, "/data"), ["user", "business", "bankAccs"]);
    assert_eq!(keys_at(&r.text, "/data/user"), ["id", "email"]);
    assert_eq!(keys_at(&r.text, "/data/business"), ["id", "name"]);
    assert_eq!(
        keys_at(&r.text, "/data/bankAccs/0"),
        [
            "id",
            "bank",
            "bankAccountName",
            "bankSubAccId",
            "connectStatus",
            "connectReason",
            "planStatus"
        ]
    );
    assert_eq!(
        keys_at(&r.text, "/data/bankAccs/0/bank"),
        ["bin", "codeName"]
    );
}

/// Three transactions on 2024-04-15 (Vietnam): a Casso-like credit, a debit with every optional
/// field, and one with no reference and no balance. Returns their ids in booking order.
async fn seed_three(srv: &TestServer, t: &Tenant, number: &str) -> [i64; 3] {
    let body = srv
        .ingest(
            t,
            number,
            vec![
                json!({"bookedAt": "2024-04-15T02:12:44Z", "amount": 250000,
                       "description": "DH1042 chuyen tien", "reference": "FT24123456789",
                       "runningBalance": 1070904}),
                // Casso's local form: Vietnam time without offset.
                json!({"bookedAt": "2024-04-15 10:00:00", "amount": -50000,
                       "description": "Chuyen tien di", "reference": "FT24123456790",
                       "runningBalance": 1020904, "counterpartyName": "TRAN THI B",
                       "counterpartyAccount": "0011223344", "counterpartyBankId": "970436",
                       "counterpartyBankName": "Vietcombank", "virtualAccount": "VA001",
                       "virtualAccountName": "HOA SEN", "paymentChannel": "NAPAS"}),
                json!({"bookedAt": "2024-04-15T11:00:00+07:00", "amount": 1000,
                       "description": "  padded  "}),
            ],
        )
        .await;
    let r = results(&body);
    assert!(r.iter().all(|(_, s)| s == "created"), "{body}");
    [r[0].0, r[1].0, r[2].0]
}

fn expected_three(ids: [i64; 3], account_id: i64) -> [Value; 3] {
    [
        json!({"id": ids[0], "tid": "FT24123456789", "description": "DH1042 chuyen tien",
               "amount": 250000, "cusum_balance": 1070904, "when": "2024-04-15 09:12:44",
               "bankSubAccId": "12345678", "paymentChannel": "", "virtualAccount": "",
               "virtualAccountName": "", "corresponsiveName": "", "corresponsiveAccount": "",
               "corresponsiveBankId": "", "corresponsiveBankName": "", "accountId": account_id,
               "bankCodeName": "acb_digi"}),
        json!({"id": ids[1], "tid": "FT24123456790", "description": "Chuyen tien di",
               "amount": -50000, "cusum_balance": 1020904, "when": "2024-04-15 10:00:00",
               "bankSubAccId": "12345678", "paymentChannel": "NAPAS", "virtualAccount": "VA001",
               "virtualAccountName": "HOA SEN", "corresponsiveName": "TRAN THI B",
               "corresponsiveAccount": "0011223344", "corresponsiveBankId": "970436",
               "corresponsiveBankName": "Vietcombank", "accountId": account_id,
               "bankCodeName": "acb_digi"}),
        json!({"id": ids[2], "tid": "", "description": "padded", "amount": 1000,
               "cusum_balance": null, "when": "2024-04-15 11:00:00",
               "bankSubAccId": "12345678", "paymentChannel": "", "virtualAccount": "",
               "virtualAccountName": "", "corresponsiveName": "", "corresponsiveAccount": "",
               "corresponsiveBankId": "", "corresponsiveBankName": "", "accountId": account_id,
               "bankCodeName": "acb_digi"}),
    ]
}

async fn transactions_list_shape(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, account_id) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let ids = seed_three(&srv, &t, "12345678").await;
    let [a, b, c] = expected_three(ids, account_id);

    let r = get_raw(
        &srv,
        "/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15",
        &t.key,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"error": 0, "message": "success", "data": {
            "page": 1, "pageSize": 10, "nextPage": null, "prevPage": null,
            "totalPages": 1, "totalRecords": 3, "records": [a, b, c]}})
    );
    assert_eq!(keys_at(&r.text, ""), ["error", "message", "data"]);
    assert_eq!(keys_at(&r.text, "/data"), PAGE_KEYS);
    for i in 0..3 {
        assert_eq!(
            keys_at(&r.text, &format!("/data/records/{i}")),
            record_keys(),
            "record {i}"
        );
    }
    // Ids are distinct.
    assert!(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2]);
}

async fn transaction_detail_shape(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, account_id) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let ids = seed_three(&srv, &t, "12345678").await;
    let expected = expected_three(ids, account_id);

    let mut detail_keys = record_keys();
    detail_keys.insert(5, "cusumBalance");
    for (id, mut want) in ids.into_iter().zip(expected) {
        let r = get_raw(&srv, &format!("/v2/transactions/{id}"), &t.key).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let body = r.json();
        assert_eq!(body["data"]["cusumBalance"], body["data"]["cusum_balance"]);
        want["cusumBalance"] = want["cusum_balance"].clone();
        assert_eq!(
            body,
            json!({"error": 0, "message": "success", "data": want})
        );
        assert_eq!(keys_at(&r.text, "/data"), detail_keys);
    }
    // The Casso example's balance, in both spellings.
    let body = ok(&srv, &format!("/v2/transactions/{}", ids[0]), &t.key).await;
    assert_eq!(body["data"]["cusumBalance"], json!(1070904));
    assert_eq!(body["data"]["cusum_balance"], json!(1070904));
}

async fn accounts_shape(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Cửa hàng Hoa Sen").await;
    let acb = srv.account(&t, "ACB", "12345678").await;
    let vcb = srv.account(&t, "970436", "0071000123456").await;
    srv.ingest(
        &t,
        "12345678",
        vec![
            json!({"bookedAt": "2024-04-15T02:12:44Z", "amount": 250000,
                   "description": "DH1042", "reference": "FT1", "runningBalance": 1070904}),
            json!({"bookedAt": "2024-04-16T03:00:00Z", "amount": -70904,
                   "description": "rut tien", "reference": "FT2", "runningBalance": 1000000}),
            // Older than the others and ingested last: its balance is not the latest.
            json!({"bookedAt": "2024-04-14T01:00:00Z", "amount": 820904,
                   "description": "nap tien", "reference": "FT0", "runningBalance": 820904}),
        ],
    )
    .await;
    let today = vn_today();
    let acb_view = json!({"id": acb.id, "accountNumber": "12345678",
        "accountName": "NGUYEN VAN A", "accountType": "", "balance": 1000000, "currency": "VND",
        "swift": "", "citad": "", "serviceType": "personal",
        "bankName": "Ngân hàng TMCP Á Châu", "BIN": 970416, "bankCodeName": "acb_digi",
        "memo": "", "connectStatus": 1, "connectReason": "", "beginningSettingDate": today,
        "beginningTxnDate": "2024-04-14", "beginningBalance": 0, "creditTxnTotal": 2,
        "creditTxnAmount": 1070904, "debitTxnTotal": 1, "debitTxnAmount": 70904,
        "lockSyncDate": null, "endingBalance": 1000000, "endingTxnDate": "2024-04-16"});
    let vcb_view = json!({"id": vcb.id, "accountNumber": "0071000123456",
        "accountName": "NGUYEN VAN A", "accountType": "", "balance": 0, "currency": "VND",
        "swift": "", "citad": "", "serviceType": "personal",
        "bankName": "Ngân hàng TMCP Ngoại thương Việt Nam", "BIN": 970436,
        "bankCodeName": "vietcombank", "memo": "", "connectStatus": 1, "connectReason": "",
        "beginningSettingDate": today, "beginningTxnDate": null, "beginningBalance": 0,
        "creditTxnTotal": 0, "creditTxnAmount": 0, "debitTxnTotal": 0, "debitTxnAmount": 0,
        "lockSyncDate": null, "endingBalance": 0, "endingTxnDate": null});

    let r = get_raw(&srv, "/v2/accounts", &t.key).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    assert_eq!(
        body,
        json!({"error": 0, "message": "Successful", "data": [acb_view, vcb_view]})
    );
    assert!(body["data"][0]["BIN"].is_u64());
    assert!(body["data"][0].get("bin").is_none());
    assert_eq!(keys_at(&r.text, ""), ["error", "message", "data"]);
    assert_eq!(keys_at(&r.text, "/data/0"), ACCOUNT_KEYS);
    assert_eq!(keys_at(&r.text, "/data/1"), ACCOUNT_KEYS);

    let r = get_raw(&srv, &format!("/v2/accounts/{}", acb.id), &t.key).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"error": 0, "message": "Successful", "data": acb_view})
    );
    assert_eq!(keys_at(&r.text, "/data"), ACCOUNT_KEYS);
}

async fn account_transactions_only_that_account(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Cửa hàng Hoa Sen").await;
    let acb = srv.account(&t, "ACB", "12345678").await;
    let vcb = srv.account(&t, "VCB", "0071000123456").await;
    let on_acb = results(
        &srv.ingest(
            &t,
            "12345678",
            vec![
                item("2024-04-15T01:00:00Z", 100, "acb one"),
                item("2024-04-15T02:00:00Z", 200, "acb two"),
            ],
        )
        .await,
    );
    let on_vcb = results(
        &srv.ingest(
            &t,
            "0071000123456",
            vec![item("2024-04-15T01:30:00Z", 300, "vcb one")],
        )
        .await,
    );
    let q = "fromDate=2024-04-15&toDate=2024-04-15";

    let r = get_raw(
        &srv,
        &format!("/v2/accounts/{}/transactions?{q}", acb.id),
        &t.key,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    assert_eq!(body["message"], "success");
    assert_eq!(keys_at(&r.text, "/data"), PAGE_KEYS);
    assert_eq!(keys_at(&r.text, "/data/records/0"), record_keys());
    assert_eq!(body["data"]["totalRecords"], 2);
    assert_eq!(body["data"]["totalPages"], 1);
    assert_eq!(ids(&body), vec![on_acb[0].0, on_acb[1].0]);
    for rec in body["data"]["records"].as_array().unwrap() {
        assert_eq!(rec["accountId"], json!(acb.id));
        assert_eq!(rec["bankSubAccId"], "12345678");
        assert_eq!(rec["bankCodeName"], "acb_digi");
    }

    let body = ok(
        &srv,
        &format!("/v2/accounts/{}/transactions?{q}", vcb.id),
        &t.key,
    )
    .await;
    assert_eq!(body["data"]["totalRecords"], 1);
    assert_eq!(ids(&body), vec![on_vcb[0].0]);
    assert_eq!(body["data"]["records"][0]["bankSubAccId"], "0071000123456");
    assert_eq!(body["data"]["records"][0]["bankCodeName"], "vietcombank");

    // The business-wide listing has all three, in time order.
    let body = ok(&srv, &format!("/v2/transactions?{q}"), &t.key).await;
    assert_eq!(ids(&body), vec![on_acb[0].0, on_vcb[0].0, on_acb[1].0]);
}

async fn ingest_results_in_order(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, _) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let first = srv
        .ingest(
            &t,
            "12345678",
            vec![item_ref("2024-04-15T01:00:00Z", 100, "one", "R1")],
        )
        .await;
    let first_id = results(&first)[0].0;

    let r = post_raw(
        &srv,
        "/v2/ingest",
        &t.key,
        serde_json::to_vec(&json!({"account": "12345678", "transactions": [
            item_ref("2024-04-15T02:00:00Z", 200, "two", "R2"),
            item_ref("2024-04-15T01:00:00Z", 100, "one", "R1"),
            item_ref("2024-04-15T03:00:00Z", 300, "three", "R3"),
        ]}))
        .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    let res = results(&body);
    assert_eq!(res.len(), 3);
    assert_eq!(
        body,
        json!({"error": 0, "message": "success", "data": [
            {"id": res[0].0, "status": "created"},
            {"id": first_id, "status": "duplicate"},
            {"id": res[2].0, "status": "created"},
        ]})
    );
    assert_eq!(keys_at(&r.text, "/data/0"), ["id", "status"]);
    assert!(res[0].0 != first_id && res[2].0 != first_id && res[0].0 != res[2].0);

    // The listing's ids are the ones the ingest answered.
    let body = ok(
        &srv,
        "/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15",
        &t.key,
    )
    .await;
    assert_eq!(ids(&body), vec![first_id, res[0].0, res[2].0]);

    // An empty batch is fine and stores nothing.
    let empty = srv.ingest(&t, "12345678", vec![]).await;
    assert_eq!(empty["data"], json!([]));
}

async fn healthz_and_openapi(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let r = call(srv.client.get(url(&srv, "/healthz"))).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({"error": 0, "message": "success", "data": {"database": "ok"}})
    );

    let r = call(srv.client.get(url(&srv, "/openapi.json"))).await;
    assert_eq!(r.status, 200);
    let doc = r.json();
    let paths = doc["paths"].as_object().expect("paths object");
    for p in [
        "/v2/transactions",
        "/v2/transactions/{id}",
        "/v2/userInfo",
        "/v2/accounts",
        "/v2/accounts/{id}",
        "/v2/accounts/{id}/transactions",
        "/v2/ingest",
    ] {
        assert!(paths.contains_key(p), "openapi lacks {p}");
    }
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')));
}

// ---------------------------------------------------------------------------------------------
// 2. Errors
// ---------------------------------------------------------------------------------------------

async fn unauthorized_variants(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let wrong = format!("{}x", t.key);
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("wrong key", Some(format!("Apikey {wrong}"))),
        ("made-up key", Some("Apikey AK_CS.0123".to_string())),
        ("bearer scheme", Some("Bearer x".to_string())),
        ("bearer with the key", Some(format!("Bearer {}", t.key))),
        ("no scheme", Some(t.key.clone())),
        ("scheme only", Some("Apikey".to_string())),
        ("empty", Some(String::new())),
    ];
    for path in [
        "/v2/userInfo",
        "/v2/transactions",
        "/v2/transactions/1",
        "/v2/accounts",
        "/v2/accounts/1",
        "/v2/accounts/1/transactions",
    ] {
        for (what, auth) in &cases {
            let r = get_with_auth(&srv, path, auth.as_deref()).await;
            assert_eq!(r.status, 401, "{what} on {path}: {}", r.text);
            assert_eq!(r.text, UNAUTHORIZED, "{what} on {path}");
        }
    }
    // POST too, with a valid body.
    let r = call(
        srv.client
            .post(url(&srv, "/v2/ingest"))
            .header("Authorization", "Bearer x")
            .json(&json!({"account": "1234", "transactions": []})),
    )
    .await;
    assert_eq!((r.status, r.text.as_str()), (401, UNAUTHORIZED));

    // The scheme is case-insensitive.
    for scheme in ["Apikey", "apikey", "APIKEY", "ApiKey"] {
        let r = get_with_auth(&srv, "/v2/userInfo", Some(&format!("{scheme} {}", t.key))).await;
        assert_eq!(r.status, 200, "{scheme}: {}", r.text);
        assert_eq!(r.json()["data"]["user"]["id"], json!(t.user.id));
    }

    // A revoked key stops working at once; another key of the same user keeps working.
    let second = tingting::keys::issue(srv.store.as_ref(), &t.user, "second", None)
        .await
        .unwrap();
    let keys = srv
        .store
        .list_api_keys(t.user.business_id, t.user.id)
        .await
        .unwrap();
    assert_eq!(keys.len(), 2);
    // Newest first: the first key issued is the last one listed.
    let first_id = keys[1].id;
    assert!(srv.store.revoke_api_key(first_id).await.unwrap());
    let r = get_raw(&srv, "/v2/userInfo", &t.key).await;
    assert_eq!((r.status, r.text.as_str()), (401, UNAUTHORIZED));
    let r = get_raw(&srv, "/v2/transactions", &t.key).await;
    assert_eq!((r.status, r.text.as_str()), (401, UNAUTHORIZED));
    let r = get_raw(&srv, "/v2/userInfo", second.expose()).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

async fn invalid_query_params(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, account_id) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    for base in [
        "/v2/transactions".to_string(),
        format!("/v2/accounts/{account_id}/transactions"),
    ] {
        for (query, needle) in [
            ("fromDate=15/04/2024", "fromDate"),
            ("fromDate=2024-13-01", "fromDate"),
            ("fromDate=yesterday", "fromDate"),
            ("toDate=2024-02-30", "toDate"),
            ("toDate=20240415", "toDate"),
            ("fromDate=2024-04-16&toDate=2024-04-15", "fromDate"),
            ("sort=newest", "sort"),
            ("page=two", "page"),
            ("pageSize=1.5", "pageSize"),
        ] {
            let r = get_raw(&srv, &format!("{base}?{query}"), &t.key).await;
            r.assert_error(400, &[needle]);
        }
    }
    // fromDate after toDate names fromDate (and not only toDate).
    let r = get_raw(
        &srv,
        "/v2/transactions?fromDate=2024-04-16&toDate=2024-04-15",
        &t.key,
    )
    .await;
    let message = r.assert_error(400, &["fromDate", "2024-04-16"]);
    assert!(message.starts_with("fromDate"), "{message}");
}

async fn bad_and_unknown_ids(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, _) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    for path in [
        "/v2/transactions/abc",
        "/v2/transactions/1.5",
        "/v2/transactions/-3",
        "/v2/transactions/0",
        "/v2/accounts/x",
        "/v2/accounts/x/transactions",
        "/v2/accounts/99999999999999999999999",
    ] {
        let r = get_raw(&srv, path, &t.key).await;
        r.assert_error(400, &["id"]);
    }
    let r = get_raw(&srv, "/v2/transactions/abc", &t.key).await;
    assert_eq!(
        r.json()["message"],
        "id must be a positive integer, got \"abc\""
    );

    let r = get_raw(&srv, "/v2/transactions/987654", &t.key).await;
    r.assert_error(404, &["987654"]);
    let r = get_raw(&srv, "/v2/accounts/987654", &t.key).await;
    r.assert_error(404, &["987654"]);
    let r = get_raw(&srv, "/v2/accounts/987654/transactions", &t.key).await;
    r.assert_error(404, &["987654"]);
}

async fn unknown_path_and_wrong_method(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    for path in [
        "/v2/nope",
        "/v3/transactions",
        "/",
        "/v2/transactions/1/extra",
    ] {
        let r = get_raw(&srv, path, &t.key).await;
        r.assert_error(404, &[]);
        assert_eq!(r.text, r#"{"error":404,"message":"Not found","data":null}"#);
        // Also without credentials.
        let r = get_with_auth(&srv, path, None).await;
        r.assert_error(404, &[]);
    }

    for (method, path) in [
        (Method::DELETE, "/v2/transactions"),
        (Method::POST, "/v2/userInfo"),
        (Method::PUT, "/v2/accounts/1"),
        (Method::GET, "/v2/ingest"),
        (Method::POST, "/healthz"),
    ] {
        let r = call(
            srv.client
                .request(method.clone(), url(&srv, path))
                .header("Authorization", format!("Apikey {}", t.key)),
        )
        .await;
        r.assert_error(405, &[]);
        assert_eq!(
            r.text, r#"{"error":405,"message":"Method Not Allowed","data":null}"#,
            "{method} {path}"
        );
        assert!(r.headers.contains_key("allow"), "{method} {path}: no Allow");
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{method} {path}"
        );
    }
}

async fn body_too_large(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, _) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    // A syntactically valid batch just over 1 MiB.
    let description = "x".repeat(900);
    let items: Vec<Value> = (0..1200)
        .map(|i| {
            item(
                &format!("2024-04-15T01:{:02}:{:02}Z", i / 60 % 60, i % 60),
                1,
                &description,
            )
        })
        .collect();
    let body = serde_json::to_vec(&json!({"account": "12345678", "transactions": items})).unwrap();
    assert!(body.len() > 1024 * 1024);
    // The server answers 413 as soon as it sees the Content-Length, without reading the body,
    // and closes the connection; a client still writing may get a broken pipe instead of the
    // answer (a transport race, not a different answer). Retry those; any answer must be 413.
    // A client of its own: the connection the server closes must not go back to the pool the
    // later requests use.
    let client = reqwest::Client::new();
    let mut attempt = 0;
    let r = loop {
        attempt += 1;
        let sent = client
            .post(url(&srv, "/v2/ingest"))
            .header("Authorization", format!("Apikey {}", t.key))
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(resp) => break Resp::read(resp).await,
            Err(e) if attempt < 20 => eprintln!("attempt {attempt}: {e:?}"),
            Err(e) => panic!("no answer in {attempt} attempts: {e:?}"),
        }
    };
    r.assert_error(413, &["1 MiB"]);
    assert_eq!(
        r.text,
        r#"{"error":413,"message":"Request body too large (limit 1 MiB)","data":null}"#
    );
    assert!(r.headers.contains_key("x-request-id"));

    // Nothing was stored.
    let body = ok(
        &srv,
        "/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15",
        &t.key,
    )
    .await;
    assert_eq!(body["data"]["totalRecords"], 0);

    // Just under the limit is accepted by the size check (and then by ingest).
    let small: Vec<Value> = (0..3)
        .map(|i| item(&format!("2024-04-15T01:00:0{i}Z"), 1, "ok"))
        .collect();
    srv.ingest(&t, "12345678", small).await;
}

async fn ingest_body_errors(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, _) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let good = item("2024-04-15T01:00:00Z", 100, "ok");

    // Malformed JSON.
    for raw in [
        &b"{"[..],
        b"not json",
        b"",
        b"{\"account\": \"12345678\", \"transactions\": [}",
    ] {
        let r = post_raw(&srv, "/v2/ingest", &t.key, raw.to_vec()).await;
        r.assert_error(400, &["invalid JSON body"]);
    }

    // Missing required fields.
    let r = post_raw(
        &srv,
        "/v2/ingest",
        &t.key,
        serde_json::to_vec(&json!({"transactions": [good]})).unwrap(),
    )
    .await;
    r.assert_error(400, &["account"]);
    let r = post_raw(
        &srv,
        "/v2/ingest",
        &t.key,
        serde_json::to_vec(&json!({"account": "12345678"})).unwrap(),
    )
    .await;
    r.assert_error(400, &["transactions"]);
    let r = post_raw(
        &srv,
        "/v2/ingest",
        &t.key,
        serde_json::to_vec(&json!({"account": "12345678", "transactions": [
            good,
            {"bookedAt": "2024-04-15T02:00:00Z", "amount": 5},
        ]}))
        .unwrap(),
    )
    .await;
    r.assert_error(400, &["transactions[1]", "description"]);

    // Wrong types name the full path.
    for (bad, path) in [
        (
            json!({"bookedAt": "2024-04-15T02:00:00Z", "amount": "100", "description": "d"}),
            "transactions[1].amount",
        ),
        (
            json!({"bookedAt": "2024-04-15T02:00:00Z", "amount": 1.5, "description": "d"}),
            "transactions[1].amount",
        ),
        (
            json!({"bookedAt": 20240415, "amount": 1, "description": "d"}),
            "transactions[1].bookedAt",
        ),
        (
            json!({"bookedAt": "2024-04-15T02:00:00Z", "amount": 1, "description": "d",
                   "runningBalance": "lots"}),
            "transactions[1].runningBalance",
        ),
    ] {
        let r = post_raw(
            &srv,
            "/v2/ingest",
            &t.key,
            serde_json::to_vec(&json!({"account": "12345678", "transactions": [good, bad]}))
                .unwrap(),
        )
        .await;
        r.assert_error(400, &[path]);
    }
    let r = post_raw(
        &srv,
        "/v2/ingest",
        &t.key,
        serde_json::to_vec(&json!({"account": 12345678, "transactions": []})).unwrap(),
    )
    .await;
    r.assert_error(400, &["account"]);

    // More than 1000 items in one request.
    let many: Vec<Value> = (0..1001)
        .map(|i| {
            item(
                &format!("2024-04-15T01:{:02}:{:02}Z", i / 60 % 60, i % 60),
                1,
                "d",
            )
        })
        .collect();
    let r = post_raw(
        &srv,
        "/v2/ingest",
        &t.key,
        serde_json::to_vec(&json!({"account": "12345678", "transactions": many})).unwrap(),
    )
    .await;
    r.assert_error(400, &["transactions", "1000"]);

    // None of the rejected requests stored anything.
    let body = ok(
        &srv,
        "/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15",
        &t.key,
    )
    .await;
    assert_eq!(body["data"]["totalRecords"], 0);
    assert_eq!(body["data"]["records"], json!([]));
}

async fn ingest_invalid_item_stores_nothing(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, account_id) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let cases = [
        (
            item("2024-04-15T02:00:00Z", 0, "zero"),
            "transactions[1].amount",
        ),
        (
            item("not a time", 100, "bad time"),
            "transactions[1].bookedAt",
        ),
        (
            item("2024-04-31T02:00:00Z", 100, "no such day"),
            "transactions[1].bookedAt",
        ),
        (item("", 100, "empty time"), "transactions[1].bookedAt"),
        (
            item("2024-04-15T02:00:00Z", 100, &"d".repeat(1001)),
            "transactions[1].description",
        ),
        (
            item_ref("2024-04-15T02:00:00Z", 100, "long ref", &"R".repeat(256)),
            "transactions[1].reference",
        ),
    ];
    for (bad, needle) in cases {
        let r = post_raw(
            &srv,
            "/v2/ingest",
            &t.key,
            serde_json::to_vec(&json!({"account": "12345678", "transactions": [
                item("2024-04-15T01:00:00Z", 100, "valid first"),
                bad,
                item("2024-04-15T03:00:00Z", 300, "valid last"),
            ]}))
            .unwrap(),
        )
        .await;
        r.assert_error(400, &[needle]);
    }
    // Nothing of any rejected batch was stored, anywhere.
    let body = ok(
        &srv,
        "/v2/transactions?fromDate=2024-04-01&toDate=2024-04-30",
        &t.key,
    )
    .await;
    assert_eq!(body["data"]["totalRecords"], 0);
    assert_eq!(body["data"]["records"], json!([]));
    let body = ok(&srv, &format!("/v2/accounts/{account_id}"), &t.key).await;
    assert_eq!(body["data"]["creditTxnTotal"], 0);
    assert_eq!(body["data"]["balance"], 0);

    // The same valid items then go in as new.
    let res = results(
        &srv.ingest(
            &t,
            "12345678",
            vec![
                item("2024-04-15T01:00:00Z", 100, "valid first"),
                item("2024-04-15T03:00:00Z", 300, "valid last"),
            ],
        )
        .await,
    );
    assert!(res.iter().all(|(_, s)| s == "created"));
}

async fn ingest_unknown_account(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, _) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let r = post_raw(
        &srv,
        "/v2/ingest",
        &t.key,
        serde_json::to_vec(&json!({"account": "99999999",
            "transactions": [item("2024-04-15T01:00:00Z", 100, "x")]}))
        .unwrap(),
    )
    .await;
    r.assert_error(404, &["99999999"]);
    assert_eq!(
        r.text,
        r#"{"error":404,"message":"Bank account 99999999 not found","data":null}"#
    );
    let body = ok(
        &srv,
        "/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15",
        &t.key,
    )
    .await;
    assert_eq!(body["data"]["totalRecords"], 0);
}

// ---------------------------------------------------------------------------------------------
// 3. Pagination
// ---------------------------------------------------------------------------------------------

/// 25 credits on 2024-04-15 (Vietnam), one a minute from 08:00, amounts 1..=25. Returns the
/// ids in time order.
async fn seed_25(srv: &TestServer, t: &Tenant) -> Vec<i64> {
    let items = (1..=25)
        .map(|i| {
            item(
                &format!("2024-04-15 08:{:02}:00", i),
                i,
                &format!("item {i}"),
            )
        })
        .collect();
    let res = results(&srv.ingest(t, "12345678", items).await);
    assert!(res.iter().all(|(_, s)| s == "created"));
    res.into_iter().map(|(id, _)| id).collect()
}

fn paging(body: &Value) -> Value {
    let d = &body["data"];
    json!([
        d["page"],
        d["pageSize"],
        d["nextPage"],
        d["prevPage"],
        d["totalPages"],
        d["totalRecords"]
    ])
}

async fn pagination_edges(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, _) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let all = seed_25(&srv, &t).await;
    let q = "/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15";

    let body = ok(&srv, &format!("{q}&page=1&pageSize=10"), &t.key).await;
    assert_eq!(paging(&body), json!([1, 10, 2, null, 3, 25]));
    assert_eq!(ids(&body), all[0..10]);

    let body = ok(&srv, &format!("{q}&page=2&pageSize=10"), &t.key).await;
    assert_eq!(paging(&body), json!([2, 10, 3, 1, 3, 25]));
    assert_eq!(ids(&body), all[10..20]);

    // The last, partial page.
    let body = ok(&srv, &format!("{q}&page=3&pageSize=10"), &t.key).await;
    assert_eq!(paging(&body), json!([3, 10, null, 2, 3, 25]));
    assert_eq!(ids(&body), all[20..25]);

    // Exactly the last page, full.
    let body = ok(&srv, &format!("{q}&page=5&pageSize=5"), &t.key).await;
    assert_eq!(paging(&body), json!([5, 5, null, 4, 5, 25]));
    assert_eq!(ids(&body), all[20..25]);
    let body = ok(&srv, &format!("{q}&page=1&pageSize=25"), &t.key).await;
    assert_eq!(paging(&body), json!([1, 25, null, null, 1, 25]));
    assert_eq!(ids(&body), all);

    // Past the end: no records, the total still reported.
    let body = ok(&srv, &format!("{q}&page=4&pageSize=10"), &t.key).await;
    assert_eq!(paging(&body), json!([4, 10, null, 3, 3, 25]));
    assert_eq!(body["data"]["records"], json!([]));
    let body = ok(&srv, &format!("{q}&page=1000&pageSize=10"), &t.key).await;
    assert_eq!(paging(&body), json!([1000, 10, null, 999, 3, 25]));
    assert_eq!(body["data"]["records"], json!([]));

    // Pages tile the listing in DESC too.
    let mut seen = Vec::new();
    for page in 1..=3 {
        let body = ok(&srv, &format!("{q}&sort=DESC&page={page}"), &t.key).await;
        seen.extend(ids(&body));
    }
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(seen, reversed);
}

async fn pagination_empty_range(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, account_id) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    seed_25(&srv, &t).await;
    for path in [
        "/v2/transactions?fromDate=2024-05-01&toDate=2024-05-02".to_string(),
        "/v2/transactions?fromDate=2024-04-14&toDate=2024-04-14".to_string(),
        format!("/v2/accounts/{account_id}/transactions?fromDate=2024-04-16&toDate=2024-04-20"),
    ] {
        let r = get_raw(&srv, &path, &t.key).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(
            r.json(),
            json!({"error": 0, "message": "success", "data": {
                "page": 1, "pageSize": 10, "nextPage": null, "prevPage": null,
                "totalPages": 0, "totalRecords": 0, "records": []}}),
            "{path}"
        );
        assert_eq!(keys_at(&r.text, "/data"), PAGE_KEYS);
    }
}

async fn page_size_clamped(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, account_id) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let all = seed_25(&srv, &t).await;
    for path in [
        "/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15&pageSize=5000".to_string(),
        format!(
            "/v2/accounts/{account_id}/transactions?fromDate=2024-04-15&toDate=2024-04-15&pageSize=99999999999"
        ),
    ] {
        let body = ok(&srv, &path, &t.key).await;
        assert_eq!(paging(&body), json!([1, 1000, null, null, 1, 25]), "{path}");
        assert_eq!(ids(&body), all);
    }
    let body = ok(
        &srv,
        "/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15&pageSize=1000",
        &t.key,
    )
    .await;
    assert_eq!(body["data"]["pageSize"], 1000);
    // Zero or negative sizes fall back to the default.
    for size in ["0", "-5"] {
        let body = ok(
            &srv,
            &format!("/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15&pageSize={size}"),
            &t.key,
        )
        .await;
        assert_eq!(paging(&body), json!([1, 10, 2, null, 3, 25]), "{size}");
    }
}

async fn listing_defaults(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, account_id) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let res = results(
        &srv.ingest(
            &t,
            "12345678",
            vec![
                item(&days_ago(10), 10, "ten days ago"),
                item(&days_ago(8), 8, "eight days ago"),
                item(&days_ago(7), 7, "seven days ago"),
                item(&days_ago(2), 2, "two days ago"),
                item(&days_ago(0), 1, "now"),
            ],
        )
        .await,
    );
    let listed = [res[2].0, res[3].0, res[4].0];
    for path in [
        "/v2/transactions".to_string(),
        format!("/v2/accounts/{account_id}/transactions"),
    ] {
        let body = ok(&srv, &path, &t.key).await;
        assert_eq!(paging(&body), json!([1, 10, null, null, 1, 3]), "{path}");
        // ASC by default.
        assert_eq!(ids(&body), listed, "{path}");
    }
    // The default toDate is today: naming it explicitly changes nothing.
    let body = ok(
        &srv,
        &format!("/v2/transactions?toDate={}", vn_today()),
        &t.key,
    )
    .await;
    assert_eq!(ids(&body), listed);
    // Widening fromDate brings back the old ones.
    let body = ok(&srv, "/v2/transactions?fromDate=2000-01-01", &t.key).await;
    assert_eq!(
        ids(&body),
        res.iter().map(|(id, _)| *id).collect::<Vec<_>>()
    );
    // Default page size is 10.
    let many = (0..11)
        .map(|i| item(&days_ago(1), 100 + i, &format!("yesterday {i}")))
        .collect();
    srv.ingest(&t, "12345678", many).await;
    let body = ok(&srv, "/v2/transactions", &t.key).await;
    assert_eq!(paging(&body), json!([1, 10, 2, null, 2, 14]));
    assert_eq!(body["data"]["records"].as_array().unwrap().len(), 10);
}

async fn sort_orders(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, _) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    // Ingested out of time order.
    let res = results(
        &srv.ingest(
            &t,
            "12345678",
            vec![
                item("2024-04-15 12:00:00", 2, "noon"),
                item("2024-04-15 08:00:00", 1, "morning"),
                item("2024-04-15 18:00:00", 3, "evening"),
            ],
        )
        .await,
    );
    let asc = vec![res[1].0, res[0].0, res[2].0];
    let desc = vec![res[2].0, res[0].0, res[1].0];
    let q = "/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15";
    for (sort, want) in [
        ("", &asc),
        ("&sort=", &asc),
        ("&sort=ASC", &asc),
        ("&sort=asc", &asc),
        ("&sort=DESC", &desc),
        ("&sort=desc", &desc),
        ("&sort=Desc", &desc),
        ("&sort=%20desc%20", &desc),
    ] {
        let body = ok(&srv, &format!("{q}{sort}"), &t.key).await;
        assert_eq!(&ids(&body), want, "{sort}");
    }
    let body = ok(&srv, &format!("{q}&sort=desc"), &t.key).await;
    let whens: Vec<&str> = body["data"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["when"].as_str().unwrap())
        .collect();
    assert_eq!(
        whens,
        [
            "2024-04-15 18:00:00",
            "2024-04-15 12:00:00",
            "2024-04-15 08:00:00"
        ]
    );
}

async fn date_filters_whole_vn_days(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, _) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let res = results(
        &srv.ingest(
            &t,
            "12345678",
            vec![
                item("2024-04-14T23:59:59+07:00", 1, "last second of the 14th"),
                item("2024-04-15T00:00:00+07:00", 2, "first second of the 15th"),
                item("2024-04-15T23:59:59+07:00", 3, "last second of the 15th"),
                item("2024-04-16T00:00:00+07:00", 4, "first second of the 16th"),
                // 2024-04-15 20:00 UTC is already the 16th in Vietnam.
                item("2024-04-15T20:00:00Z", 5, "16th in Vietnam"),
            ],
        )
        .await,
    );
    let id = |i: usize| res[i].0;
    for (query, want) in [
        ("fromDate=2024-04-15&toDate=2024-04-15", vec![id(1), id(2)]),
        ("fromDate=2024-04-16&toDate=2024-04-16", vec![id(3), id(4)]),
        ("fromDate=2024-04-14&toDate=2024-04-14", vec![id(0)]),
        (
            "fromDate=2024-04-14&toDate=2024-04-15",
            vec![id(0), id(1), id(2)],
        ),
        (
            "fromDate=2024-04-15&toDate=2024-04-16",
            vec![id(1), id(2), id(3), id(4)],
        ),
        // A time part on a date parameter is ignored.
        (
            "fromDate=2024-04-15%2012:00:00&toDate=2024-04-15T01:00:00",
            vec![id(1), id(2)],
        ),
    ] {
        let body = ok(&srv, &format!("/v2/transactions?{query}"), &t.key).await;
        assert_eq!(ids(&body), want, "{query}");
        assert_eq!(body["data"]["totalRecords"], json!(want.len()), "{query}");
    }
    let body = ok(
        &srv,
        "/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15",
        &t.key,
    )
    .await;
    assert_eq!(body["data"]["records"][1]["when"], "2024-04-15 23:59:59");
    let body = ok(
        &srv,
        "/v2/transactions?fromDate=2024-04-16&toDate=2024-04-16",
        &t.key,
    )
    .await;
    assert_eq!(body["data"]["records"][0]["when"], "2024-04-16 00:00:00");
    assert_eq!(body["data"]["records"][1]["when"], "2024-04-16 03:00:00");
    // Account totals count Vietnam days too.
    let body = ok(&srv, "/v2/accounts", &t.key).await;
    assert_eq!(body["data"][0]["beginningTxnDate"], "2024-04-14");
    assert_eq!(body["data"][0]["endingTxnDate"], "2024-04-16");
}

// ---------------------------------------------------------------------------------------------
// 4. Sloppy clients
// ---------------------------------------------------------------------------------------------

async fn sloppy_params(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, _) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let all = seed_25(&srv, &t).await;
    let q = "/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15";

    // page=0, page= and negative pages are page 1.
    for page in ["&page=0", "&page=", "&page=-2", "&page=%20"] {
        let body = ok(&srv, &format!("{q}{page}"), &t.key).await;
        assert_eq!(paging(&body), json!([1, 10, 2, null, 3, 25]), "{page}");
        assert_eq!(ids(&body), all[0..10], "{page}");
    }
    // Unknown parameters are ignored.
    let body = ok(
        &srv,
        &format!("{q}&foo=bar&limit=1&offset=5&bank_acc_id=999&&"),
        &t.key,
    )
    .await;
    assert_eq!(paging(&body), json!([1, 10, 2, null, 3, 25]));
    // Repeated parameters: the last wins.
    let body = ok(
        &srv,
        &format!("{q}&pageSize=2&pageSize=5&page=9&page=2&sort=desc&sort=asc"),
        &t.key,
    )
    .await;
    assert_eq!(paging(&body), json!([2, 5, 3, 1, 5, 25]));
    assert_eq!(ids(&body), all[5..10]);
    let body = ok(
        &srv,
        "/v2/transactions?fromDate=2024-01-01&fromDate=2024-04-16&toDate=2024-04-16",
        &t.key,
    )
    .await;
    assert_eq!(body["data"]["totalRecords"], 0);

    // Content-Type: application/json on a GET is fine; lower-case scheme works.
    for scheme in ["apikey", "APIKEY", "Apikey"] {
        let r = call(
            srv.client
                .get(url(&srv, &format!("{q}&pageSize=3")))
                .header("Content-Type", "application/json")
                .header("Authorization", format!("{scheme} {}", t.key)),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(ids(&r.json()), all[0..3]);
    }
    // Extra whitespace around the key.
    let r = get_with_auth(&srv, "/v2/userInfo", Some(&format!("apikey   {}  ", t.key))).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

// ---------------------------------------------------------------------------------------------
// 5. Duplicates
// ---------------------------------------------------------------------------------------------

async fn duplicate_batch(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, account_id) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let batch = vec![
        json!({"bookedAt": "2024-04-15T01:00:00Z", "amount": 100000, "description": "DH1",
               "reference": "FT1", "runningBalance": 100000}),
        json!({"bookedAt": "2024-04-15T02:00:00Z", "amount": 50000, "description": "DH2",
               "runningBalance": 150000}),
        item("2024-04-15T03:00:00Z", -20000, "rut"),
    ];
    let first = results(&srv.ingest(&t, "12345678", batch.clone()).await);
    assert_eq!(
        first.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>(),
        ["created"; 3]
    );
    let before = ok(&srv, &format!("/v2/accounts/{account_id}"), &t.key).await;

    let second = results(&srv.ingest(&t, "12345678", batch).await);
    assert_eq!(
        second,
        first
            .iter()
            .map(|(id, _)| (*id, "duplicate".to_string()))
            .collect::<Vec<_>>()
    );
    let body = ok(
        &srv,
        "/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15",
        &t.key,
    )
    .await;
    assert_eq!(body["data"]["totalRecords"], 3);
    assert_eq!(
        ids(&body),
        first.iter().map(|(id, _)| *id).collect::<Vec<_>>()
    );
    // Totals and balance did not double.
    let after = ok(&srv, &format!("/v2/accounts/{account_id}"), &t.key).await;
    assert_eq!(before, after);
    assert_eq!(after["data"]["creditTxnTotal"], 2);
    assert_eq!(after["data"]["creditTxnAmount"], 150000);
    assert_eq!(after["data"]["debitTxnTotal"], 1);
    assert_eq!(after["data"]["debitTxnAmount"], 20000);
    assert_eq!(after["data"]["balance"], 150000);

    // A duplicate inside one batch gets the id of its twin.
    let res = results(
        &srv.ingest(
            &t,
            "12345678",
            vec![
                item_ref("2024-04-15T04:00:00Z", 7, "twin", "FT7"),
                item_ref("2024-04-15T04:00:00Z", 7, "twin", "FT7"),
            ],
        )
        .await,
    );
    assert_eq!(
        res,
        vec![(res[0].0, "created".into()), (res[0].0, "duplicate".into())]
    );
}

async fn dedup_rules(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, _) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let count = || async {
        ok(
            &srv,
            "/v2/transactions?fromDate=2024-04-15&toDate=2024-04-15&pageSize=100",
            &t.key,
        )
        .await["data"]["totalRecords"]
            .as_i64()
            .unwrap()
    };

    // Same reference (and amount), different description and time: a duplicate.
    let a = results(
        &srv.ingest(
            &t,
            "12345678",
            vec![item_ref(
                "2024-04-15T01:00:00Z",
                250000,
                "DH1042 chuyen tien",
                "FT9",
            )],
        )
        .await,
    );
    let b = results(
        &srv.ingest(
            &t,
            "12345678",
            vec![item_ref(
                "2024-04-15T01:05:00Z",
                250000,
                "DH1042 CT tu ACB",
                "FT9",
            )],
        )
        .await,
    );
    assert_eq!(b, vec![(a[0].0, "duplicate".to_string())]);
    // The stored description is the first one.
    let body = ok(&srv, &format!("/v2/transactions/{}", a[0].0), &t.key).await;
    assert_eq!(body["data"]["description"], "DH1042 chuyen tien");
    assert_eq!(count().await, 1);

    // No reference, identical time, amount and description: a duplicate.
    let c = results(
        &srv.ingest(
            &t,
            "12345678",
            vec![item("2024-04-15T02:00:00Z", 99000, "thanh toan DH77")],
        )
        .await,
    );
    let d = results(
        &srv.ingest(
            &t,
            "12345678",
            vec![item("2024-04-15T02:00:00Z", 99000, "thanh toan DH77")],
        )
        .await,
    );
    assert_eq!(c[0].1, "created");
    assert_eq!(d, vec![(c[0].0, "duplicate".to_string())]);
    assert_eq!(count().await, 2);

    // Same time and amount, different description: two transactions.
    let e = results(
        &srv.ingest(
            &t,
            "12345678",
            vec![item("2024-04-15T02:00:00Z", 99000, "thanh toan DH78")],
        )
        .await,
    );
    assert_eq!(e[0].1, "created");
    assert_ne!(e[0].0, c[0].0);
    assert_eq!(count().await, 3);

    // Same description and time, different amount: two transactions.
    let f = results(
        &srv.ingest(
            &t,
            "12345678",
            vec![item("2024-04-15T02:00:00Z", 99001, "thanh toan DH77")],
        )
        .await,
    );
    assert_eq!(f[0].1, "created");
    assert_eq!(count().await, 4);
}

/// Concurrent ingests into one account (overlapping batches in opposite orders, and disjoint
/// batches spanning the same days in opposite orders) all succeed and agree on the ids. On
/// PostgreSQL these used to deadlock and answer 500.
async fn concurrent_ingest(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (t, account_id) = tenant_with_account(&srv, "owner@example.vn", "12345678").await;
    let srv = std::sync::Arc::new(srv);
    let mut expected_total = 0;
    for round in 0..8 {
        let batch = |prefix: &str| -> Vec<Value> {
            (0..12)
                .map(|i| {
                    item_ref(
                        &format!("2024-04-{:02}T01:{round:02}:{i:02}Z", 10 + i % 4),
                        1 + i,
                        "x",
                        &format!("{prefix}{round}-{i}"),
                    )
                })
                .collect()
        };
        let shared = batch("S");
        let mut shared_rev = shared.clone();
        shared_rev.reverse();
        let other = batch("O");
        let mut other_rev = batch("P");
        other_rev.reverse();
        let mut handles = Vec::new();
        for b in [shared.clone(), shared_rev, other, other_rev, shared] {
            let srv = srv.clone();
            let key = t.key.clone();
            handles.push(tokio::spawn(async move {
                srv.post(
                    "/v2/ingest",
                    &key,
                    &json!({"account": "12345678", "transactions": b}),
                )
                .await
            }));
        }
        let mut answers = Vec::new();
        for h in handles {
            let (status, body) = h.await.unwrap();
            assert_eq!(status, 200, "round {round}: {body}");
            answers.push(results(&body));
        }
        // The three deliveries of the shared batch agree on every id; exactly one created it.
        let mut reversed = answers[1].clone();
        reversed.reverse();
        for i in 0..12 {
            let copies = [&answers[0][i], &reversed[i], &answers[4][i]];
            assert!(
                copies.iter().all(|c| c.0 == copies[0].0),
                "round {round}: {copies:?}"
            );
            let created = copies.iter().filter(|c| c.1 == "created").count();
            assert_eq!(created, 1, "round {round}: {copies:?}");
        }
        for a in &answers[2..4] {
            assert!(
                a.iter().all(|(_, s)| s == "created"),
                "round {round}: {a:?}"
            );
        }
        expected_total += 36;
    }
    let body = ok(
        &srv,
        &format!("/v2/accounts/{account_id}/transactions?fromDate=2024-04-10&toDate=2024-04-13"),
        &t.key,
    )
    .await;
    assert_eq!(body["data"]["totalRecords"], json!(expected_total));
    let body = ok(&srv, &format!("/v2/accounts/{account_id}"), &t.key).await;
    assert_eq!(body["data"]["creditTxnTotal"], json!(expected_total));
    // 8 rounds x 3 distinct batches x (1 + 2 + ... + 12).
    assert_eq!(body["data"]["creditTxnAmount"], json!(8 * 3 * 78));
}

/// Many small ingests at once from two businesses (stored together by group commit): each
/// transaction is stored once, in its own business and account, with the right totals.
async fn concurrent_ingest_across_businesses(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let (a, a_account) = tenant_with_account(&srv, "a@example.vn", "11112222").await;
    let (b, b_account) = tenant_with_account(&srv, "b@example.vn", "33334444").await;
    let srv = std::sync::Arc::new(srv);
    let mut handles = Vec::new();
    for i in 0..40_i64 {
        let (t, number) = if i % 2 == 0 {
            (a.clone(), "11112222")
        } else {
            (b.clone(), "33334444")
        };
        // Each reference is sent twice, by requests that run at the same time.
        let item = item_ref(
            &format!("2024-04-10T02:00:{:02}Z", i / 4),
            1_000 + i / 4,
            "don hang",
            &format!("FT{}", i / 4),
        );
        let srv = srv.clone();
        handles.push(tokio::spawn(async move {
            let (status, body) = srv
                .post(
                    "/v2/ingest",
                    &t.key,
                    &json!({"account": number, "transactions": [item]}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            (i % 2, results(&body)[0].clone())
        }));
    }
    let mut answers = Vec::new();
    for h in handles {
        answers.push(h.await.unwrap());
    }
    for business in 0..2 {
        let mine: Vec<&(i64, String)> = answers
            .iter()
            .filter(|(b, _)| *b == business)
            .map(|(_, r)| r)
            .collect();
        let mut ids: Vec<i64> = mine.iter().map(|r| r.0).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 10, "10 distinct transactions: {mine:?}");
        let created = mine.iter().filter(|r| r.1 == "created").count();
        assert_eq!(created, 10, "each created exactly once: {mine:?}");
    }
    for (t, account_id) in [(&a, a_account), (&b, b_account)] {
        let body = ok(&srv, &format!("/v2/accounts/{account_id}"), &t.key).await;
        assert_eq!(body["data"]["creditTxnTotal"], json!(10), "{body}");
        let listed = ok(
            &srv,
            "/v2/transactions?fromDate=2024-04-10&toDate=2024-04-10&pageSize=100",
            &t.key,
        )
        .await;
        assert_eq!(listed["data"]["totalRecords"], json!(10), "{listed}");
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Isolation
// ---------------------------------------------------------------------------------------------

async fn isolation_reads(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let a = srv.tenant("a@example.vn", "Shop A").await;
    let b = srv.tenant("b@example.vn", "Shop B").await;
    let a_acc = srv.account(&a, "ACB", "12345678").await;
    // B's account has the same number at the same bank.
    let b_acc = srv.account(&b, "ACB", "12345678").await;
    let b_other = srv.account(&b, "VCB", "99887766").await;
    let a_ids = results(
        &srv.ingest(
            &a,
            "12345678",
            vec![item_ref("2024-04-15T01:00:00Z", 100, "A's", "FTA")],
        )
        .await,
    );
    let b_ids = results(
        &srv.ingest(
            &b,
            "12345678",
            vec![
                item_ref("2024-04-15T01:00:00Z", 100, "A's", "FTA"),
                json!({"bookedAt": "2024-04-15T02:00:00Z", "amount": 5000000,
                       "description": "B's", "runningBalance": 9000000}),
            ],
        )
        .await,
    );
    let b_other_ids = results(
        &srv.ingest(
            &b,
            "99887766",
            vec![item("2024-04-15T03:00:00Z", 700, "B's other")],
        )
        .await,
    );
    // Identical content in another business is not a duplicate.
    assert_eq!(b_ids[0].1, "created");
    assert_ne!(b_ids[0].0, a_ids[0].0);
    let all_b: Vec<i64> = b_ids
        .iter()
        .chain(&b_other_ids)
        .map(|(id, _)| *id)
        .collect();

    // By id: 404, exactly as for an id that does not exist.
    for id in &all_b {
        let r = get_raw(&srv, &format!("/v2/transactions/{id}"), &a.key).await;
        r.assert_error(404, &[]);
        assert_eq!(
            r.text,
            format!(r#"{{"error":404,"message":"Transaction {id} not found","data":null}}"#)
        );
    }
    for acc in [b_acc.id, b_other.id] {
        let r = get_raw(&srv, &format!("/v2/accounts/{acc}"), &a.key).await;
        r.assert_error(404, &[]);
        assert_eq!(
            r.text,
            format!(r#"{{"error":404,"message":"Bank account {acc} not found","data":null}}"#)
        );
        let r = get_raw(
            &srv,
            &format!("/v2/accounts/{acc}/transactions?fromDate=2024-04-15&toDate=2024-04-15"),
            &a.key,
        )
        .await;
        r.assert_error(404, &[]);
    }
    // And the other way round.
    let r = get_raw(&srv, &format!("/v2/transactions/{}", a_ids[0].0), &b.key).await;
    r.assert_error(404, &[]);
    let r = get_raw(&srv, &format!("/v2/accounts/{}", a_acc.id), &b.key).await;
    r.assert_error(404, &[]);

    // Listings show only the caller's rows.
    let q = "fromDate=2024-04-15&toDate=2024-04-15&pageSize=100";
    let body = ok(&srv, &format!("/v2/transactions?{q}"), &a.key).await;
    assert_eq!(ids(&body), vec![a_ids[0].0]);
    assert_eq!(body["data"]["totalRecords"], 1);
    let body = ok(&srv, &format!("/v2/transactions?{q}"), &b.key).await;
    assert_eq!(ids(&body), all_b);
    assert_eq!(body["data"]["totalRecords"], 3);
    let body = ok(
        &srv,
        &format!("/v2/accounts/{}/transactions?{q}", a_acc.id),
        &a.key,
    )
    .await;
    assert_eq!(ids(&body), vec![a_ids[0].0]);

    let body = ok(&srv, "/v2/accounts", &a.key).await;
    let accounts = body["data"].as_array().unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0]["id"], json!(a_acc.id));
    // A's totals are A's alone (B's same-number account has 5,000,100 in).
    assert_eq!(accounts[0]["creditTxnTotal"], 1);
    assert_eq!(accounts[0]["creditTxnAmount"], 100);
    assert_eq!(accounts[0]["balance"], 100);

    let body = ok(&srv, "/v2/userInfo", &a.key).await;
    assert_eq!(
        body["data"]["user"],
        json!({"id": a.user.id, "email": "a@example.vn"})
    );
    assert_eq!(
        body["data"]["business"],
        json!({"id": a.user.business_id, "name": "Shop A"})
    );
    let accs = body["data"]["bankAccs"].as_array().unwrap();
    assert_eq!(accs.len(), 1);
    assert_eq!(accs[0]["id"], json!(a_acc.id));
    let body = ok(&srv, "/v2/userInfo", &b.key).await;
    let accs: Vec<&Value> = body["data"]["bankAccs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["id"])
        .collect();
    assert_eq!(accs, [&json!(b_acc.id), &json!(b_other.id)]);
}

async fn isolation_ingest(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let a = srv.tenant("a@example.vn", "Shop A").await;
    let b = srv.tenant("b@example.vn", "Shop B").await;
    let a_acc = srv.account(&a, "ACB", "12345678").await;
    let b_acc = srv.account(&b, "ACB", "12345678").await;
    srv.account(&b, "VCB", "99887766").await;
    let b_first = results(
        &srv.ingest(
            &b,
            "12345678",
            vec![json!({"bookedAt": "2024-04-15T01:00:00Z", "amount": 100,
                        "description": "B", "reference": "FTB", "runningBalance": 100})],
        )
        .await,
    );
    let q = "fromDate=2024-04-15&toDate=2024-04-15&pageSize=100";
    let b_before = ok(&srv, &format!("/v2/transactions?{q}"), &b.key).await;
    let b_acc_before = ok(&srv, &format!("/v2/accounts/{}", b_acc.id), &b.key).await;

    // A has no account 99887766: 404, nothing lands in B's.
    let r = post_raw(
        &srv,
        "/v2/ingest",
        &a.key,
        serde_json::to_vec(&json!({"account": "99887766",
            "transactions": [item("2024-04-15T02:00:00Z", 5, "into B's?")]}))
        .unwrap(),
    )
    .await;
    r.assert_error(404, &["99887766"]);

    // A has its own 12345678: the same item goes into A's account, as new.
    let a_res = results(
        &srv.ingest(
            &a,
            "12345678",
            vec![json!({"bookedAt": "2024-04-15T01:00:00Z", "amount": 100,
                        "description": "B", "reference": "FTB", "runningBalance": 777})],
        )
        .await,
    );
    assert_eq!(a_res[0].1, "created");
    assert_ne!(a_res[0].0, b_first[0].0);
    let body = ok(&srv, &format!("/v2/transactions/{}", a_res[0].0), &a.key).await;
    assert_eq!(body["data"]["accountId"], json!(a_acc.id));
    let body = ok(&srv, &format!("/v2/transactions?{q}"), &a.key).await;
    assert_eq!(ids(&body), vec![a_res[0].0]);
    let body = ok(&srv, &format!("/v2/accounts/{}", a_acc.id), &a.key).await;
    assert_eq!(body["data"]["balance"], 777);

    // B's view is unchanged, balance included.
    assert_eq!(
        ok(&srv, &format!("/v2/transactions?{q}"), &b.key).await,
        b_before
    );
    assert_eq!(
        ok(&srv, &format!("/v2/accounts/{}", b_acc.id), &b.key).await,
        b_acc_before
    );
    assert_eq!(b_acc_before["data"]["balance"], 100);
}

// ---------------------------------------------------------------------------------------------
// 7. Request ids
// ---------------------------------------------------------------------------------------------

async fn request_id_header(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@example.vn", "Hoa Sen").await;
    let mut seen = Vec::new();
    for r in [
        get_raw(&srv, "/v2/userInfo", &t.key).await,
        get_raw(&srv, "/v2/userInfo", &t.key).await,
        get_with_auth(&srv, "/v2/userInfo", None).await,
        get_raw(&srv, "/v2/nope", &t.key).await,
        get_raw(&srv, "/v2/transactions/abc", &t.key).await,
        call(srv.client.get(url(&srv, "/healthz"))).await,
        call(srv.client.delete(url(&srv, "/healthz"))).await,
    ] {
        let id = r
            .headers
            .get("x-request-id")
            .unwrap_or_else(|| panic!("no x-request-id on {} {}", r.status, r.text))
            .to_str()
            .unwrap()
            .to_string();
        assert!(id.len() >= 16, "{id}");
        seen.push(id);
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "request ids repeat: {seen:?}");

    // A caller's own request id is echoed back.
    let r = call(
        srv.client
            .get(url(&srv, "/healthz"))
            .header("x-request-id", "caller-chosen-42"),
    )
    .await;
    assert_eq!(r.headers["x-request-id"], "caller-chosen-42");
}

both_backends!(
    user_info_shape,
    transactions_list_shape,
    transaction_detail_shape,
    accounts_shape,
    account_transactions_only_that_account,
    ingest_results_in_order,
    healthz_and_openapi,
    unauthorized_variants,
    invalid_query_params,
    bad_and_unknown_ids,
    unknown_path_and_wrong_method,
    body_too_large,
    ingest_body_errors,
    ingest_invalid_item_stores_nothing,
    ingest_unknown_account,
    pagination_edges,
    pagination_empty_range,
    page_size_clamped,
    listing_defaults,
    sort_orders,
    date_filters_whole_vn_days,
    sloppy_params,
    duplicate_batch,
    dedup_rules,
    concurrent_ingest,
    concurrent_ingest_across_businesses,
    isolation_reads,
    isolation_ingest,
    request_id_header,
);
