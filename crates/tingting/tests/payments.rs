//! Payment requests through the API: creation with generated or given order codes and their
//! VietQR payload, idempotent retries, listing with status filters, cancelling, expiry and
//! errors; tenant isolation. Both backends.

mod common;

use common::{Backend, Tenant, TestServer};
use serde_json::{json, Value};

both_backends!(
    create_get_and_cancel,
    idempotent_creation,
    listing_and_expiry,
    errors
);

/// POSTs JSON with the API key and optional extra headers; status and body.
async fn post(
    srv: &TestServer,
    t: &Tenant,
    path: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> (u16, Value) {
    let mut rb = srv
        .client
        .post(format!("{}{path}", srv.base))
        .header("Authorization", format!("Apikey {}", t.key))
        .json(body);
    for (name, value) in headers {
        rb = rb.header(*name, *value);
    }
    let resp = rb.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("JSON"))
}

async fn create_get_and_cancel(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "VCB", "0071001234567").await;
    // A generated code.
    let (status, body) = post(
        &srv,
        &t,
        "/v2/payment-requests",
        &[],
        &json!({"accountId": account.id, "amount": 180000, "description": "Đơn hàng 42",
                "returnUrl": "https://shop.example/thanks", "metadata": {"orderId": 42}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let p = &body["data"];
    let code = p["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("DH") && code.len() == 10, "{code}");
    assert_eq!(paymatch::OrderCode::parse(&code).unwrap().as_str(), code);
    assert_eq!(p["status"], "pending");
    assert_eq!(p["paidAmount"], 0);
    assert_eq!(p["overpaid"], false);
    assert_eq!(p["metadata"], json!({"orderId": 42}));
    assert_eq!(p["returnUrl"], "https://shop.example/thanks");
    let qr = vietqr::parse(p["vietqr"].as_str().unwrap()).unwrap();
    assert_eq!(qr.amount().map(|a| a.get()), Some(180_000));
    assert_eq!(qr.purpose(), Some(code.as_str()));
    assert_eq!(qr.account().as_str(), "0071001234567");
    assert_eq!(
        p["qrUrl"],
        format!("/v2/accounts/{}/qr?amount=180000&memo={code}", account.id)
    );
    let id = p["id"].as_i64().unwrap();

    // A given code is normalized; it cannot be used twice.
    let (status, body) = post(
        &srv,
        &t,
        "/v2/payment-requests",
        &[],
        &json!({"accountId": account.id, "amount": 50000, "orderCode": "dh-1042"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["code"], "DH1042");
    let (status, body) = post(
        &srv,
        &t,
        "/v2/payment-requests",
        &[],
        &json!({"accountId": account.id, "amount": 50000, "orderCode": "DH 1042"}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("DH1042"),
        "{body}"
    );

    let (status, got) = srv.get(&format!("/v2/payment-requests/{id}"), &t.key).await;
    assert_eq!(status, 200);
    assert_eq!(got["data"]["code"], code.as_str());

    // Cancelling is idempotent; another business sees nothing.
    for _ in 0..2 {
        let (status, body) = post(
            &srv,
            &t,
            &format!("/v2/payment-requests/{id}/cancel"),
            &[],
            &json!({}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["status"], "cancelled");
        assert!(body["data"]["cancelledAt"].is_string());
    }
    let other = srv.tenant("other@shop.vn", "Other shop").await;
    let (status, _) = srv
        .get(&format!("/v2/payment-requests/{id}"), &other.key)
        .await;
    assert_eq!(status, 404);
    let (status, _) = post(
        &srv,
        &other,
        &format!("/v2/payment-requests/{id}/cancel"),
        &[],
        &json!({}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = post(
        &srv,
        &other,
        "/v2/payment-requests",
        &[],
        &json!({"accountId": account.id, "amount": 1000}),
    )
    .await;
    assert_eq!(status, 404, "another business's account");
}

async fn idempotent_creation(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "VCB", "0071001234567").await;
    let body = json!({"accountId": account.id, "amount": 99000});
    let key = [("Idempotency-Key", "order-42-attempt")];
    let (s1, first) = post(&srv, &t, "/v2/payment-requests", &key, &body).await;
    let (s2, again) = post(&srv, &t, "/v2/payment-requests", &key, &body).await;
    assert_eq!((s1, s2), (200, 200), "{first} {again}");
    assert_eq!(first["data"]["id"], again["data"]["id"]);
    assert_eq!(first["data"]["code"], again["data"]["code"]);
    // The same key for another request is refused; without a key, a new request is made.
    let (status, other) = post(
        &srv,
        &t,
        "/v2/payment-requests",
        &key,
        &json!({"accountId": account.id, "amount": 100000}),
    )
    .await;
    assert_eq!(status, 409, "{other}");
    let (_, fresh) = post(&srv, &t, "/v2/payment-requests", &[], &body).await;
    assert_ne!(fresh["data"]["id"], first["data"]["id"]);
}

async fn listing_and_expiry(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "VCB", "0071001234567").await;
    let mut ids = Vec::new();
    for amount in [10_000, 20_000, 30_000] {
        let (_, body) = post(
            &srv,
            &t,
            "/v2/payment-requests",
            &[],
            &json!({"accountId": account.id, "amount": amount}),
        )
        .await;
        ids.push(body["data"]["id"].as_i64().unwrap());
    }
    post(
        &srv,
        &t,
        &format!("/v2/payment-requests/{}/cancel", ids[0]),
        &[],
        &json!({}),
    )
    .await;
    // One that expired a second ago.
    let expired = srv
        .expired_request(&t, account.id, "DH9999", 5_000, 1_000)
        .await;
    let list = |query: &'static str| {
        let srv = &srv;
        let key = t.key.clone();
        async move {
            let (status, body) = srv.get(&format!("/v2/payment-requests{query}"), &key).await;
            assert_eq!(status, 200, "{body}");
            let ids: Vec<i64> = body["data"]["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect();
            (ids, body["data"]["totalRecords"].as_i64().unwrap())
        }
    };
    assert_eq!(
        list("").await,
        (vec![ids[2], ids[1], ids[0], expired.id], 4),
        "newest first"
    );
    assert_eq!(list("?status=pending").await, (vec![ids[2], ids[1]], 2));
    assert_eq!(list("?status=cancelled").await, (vec![ids[0]], 1));
    assert_eq!(list("?status=expired").await, (vec![expired.id], 1));
    assert_eq!(list("?status=paid").await, (vec![], 0));
    assert_eq!(
        list("?pageSize=2&page=2").await,
        (vec![ids[0], expired.id], 4)
    );
    let (_, shown) = srv
        .get(&format!("/v2/payment-requests/{}", expired.id), &t.key)
        .await;
    assert_eq!(shown["data"]["status"], "expired");
    // An expired request was never paid: it can still be cancelled.
    let (status, _) = post(
        &srv,
        &t,
        &format!("/v2/payment-requests/{}/cancel", expired.id),
        &[],
        &json!({}),
    )
    .await;
    assert_eq!(status, 200);
}

async fn errors(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "VCB", "0071001234567").await;
    let a = account.id;
    for (body, start) in [
        (json!({"accountId": a, "amount": 0}), "amount: "),
        (
            json!({"accountId": a, "amount": 10_000_000_000_000i64}),
            "amount: ",
        ),
        (
            json!({"accountId": a, "amount": 1000, "orderCode": "Đơn#1"}),
            "orderCode: ",
        ),
        (
            json!({"accountId": a, "amount": 1000, "returnUrl": "javascript:alert(1)"}),
            "returnUrl: ",
        ),
        (
            json!({"accountId": a, "amount": 1000, "metadata": [1, 2]}),
            "metadata: ",
        ),
        (
            json!({"accountId": a, "amount": 1000, "expiresInSeconds": 5}),
            "expiresInSeconds: ",
        ),
    ] {
        let (status, answer) = post(&srv, &t, "/v2/payment-requests", &[], &body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(
            answer["message"].as_str().unwrap().starts_with(start),
            "{body}: {answer}"
        );
    }
    let (status, _) = post(
        &srv,
        &t,
        "/v2/payment-requests",
        &[],
        &json!({"accountId": a + 1000, "amount": 1000}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = srv.get("/v2/payment-requests?status=lost", &t.key).await;
    assert_eq!(status, 400);
    let (status, _) = srv.get("/v2/payment-requests/424242", &t.key).await;
    assert_eq!(status, 404);
}
