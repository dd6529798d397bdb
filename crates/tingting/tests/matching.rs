//! Payment matching end to end: transfers ingested through the API and through a notification
//! feed pay the payment requests whose codes they carry (leniently), partial transfers add up,
//! overpayment and late payment are flagged, ambiguous transfers pay nothing, and every change
//! reaches a webhook subscribed to payment events as a signed Standard Webhooks message. Two
//! reports of one transfer arriving at once through two paths pay once. Both backends.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use common::{eventually, Backend, Receiver, ServeProcess, Tenant, TestServer};
use serde_json::{json, Value};
use tingting::delivery::policy::Policy;
use tingting::delivery::signing::StandardSecret;

both_backends!(
    transfers_settle_requests,
    two_paths_pay_once,
    subscriptions_are_checked,
    prefix_and_tolerance_are_configured
);

const WAIT: Duration = Duration::from_secs(10);

/// Creates a payment request through the API; its view.
async fn request(srv: &TestServer, t: &Tenant, body: Value) -> Value {
    let (status, answer) = srv.post("/v2/payment-requests", &t.key, &body).await;
    assert_eq!(status, 200, "{answer}");
    answer["data"].clone()
}

/// A payment request's view, with its linked transfers.
async fn view(srv: &TestServer, t: &Tenant, id: &Value) -> Value {
    let (status, answer) = srv.get(&format!("/v2/payment-requests/{id}"), &t.key).await;
    assert_eq!(status, 200, "{answer}");
    answer["data"].clone()
}

/// A credit booked now.
fn credit(amount: i64, description: &str) -> Value {
    json!({"bookedAt": Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
           "amount": amount, "description": description})
}

/// Registers a Standard Webhooks receiver of payment events only; its id and secret.
async fn payment_webhook(srv: &TestServer, t: &Tenant, url: &str) -> (i64, String) {
    let (status, body) = srv
        .post(
            "/v2/webhooks",
            &t.key,
            &json!({"webhook": url, "format": "standard", "events": ["payment_request"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["events"], json!(["payment_request"]));
    let secret = body["data"]["secret"].as_str().expect("secret").to_string();
    (body["data"]["id"].as_i64().unwrap(), secret)
}

/// The (type, code) of every payment event received.
fn events(rx: &Receiver) -> BTreeSet<(String, String)> {
    rx.bodies()
        .iter()
        .map(|b| {
            (
                b["type"].as_str().unwrap_or("").to_string(),
                b["data"]["paymentRequest"]["code"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

async fn transfers_settle_requests(backend: Backend) {
    let Some(srv) = TestServer::start_with_worker(backend, Policy::default()).await else {
        return;
    };
    let payments_rx = Receiver::start().await;
    let transactions_rx = Receiver::start().await;
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "ACB", "12345678").await;
    let (_, secret) = payment_webhook(&srv, &t, &payments_rx.url).await;
    srv.webhook(&t, &transactions_rx.url).await;
    let new = |amount: i64, code: Option<&str>| {
        let mut body = json!({"accountId": account.id, "amount": amount});
        if let Some(code) = code {
            body["orderCode"] = json!(code);
        }
        body
    };
    let generated = request(&srv, &t, new(150_000, None)).await;
    let dh12 = request(&srv, &t, new(100_000, Some("DH12"))).await;
    let dh123 = request(&srv, &t, new(200_000, Some("DH123"))).await;
    let split = request(&srv, &t, new(300_000, Some("DH5001"))).await;
    let over = request(&srv, &t, new(50_000, Some("DH5002"))).await;
    let truncated = request(&srv, &t, new(120_000, None)).await;
    let dh10 = request(&srv, &t, new(10_000, Some("DH10"))).await;
    let dh1042 = request(&srv, &t, new(10_000, Some("DH1042"))).await;
    let cancelled = request(&srv, &t, new(80_000, Some("DH5003"))).await;
    // One that expired a minute ago.
    let expired = srv
        .expired_request(&t, account.id, "DH9998", 40_000, 60_000)
        .await;
    let code = |v: &Value| v["code"].as_str().unwrap().to_string();
    let (status, _) = srv
        .post(
            &format!("/v2/payment-requests/{}/cancel", cancelled["id"]),
            &t.key,
            &json!({}),
        )
        .await;
    assert_eq!(status, 200);
    // Bank-mangled memos: lower-case, spaces inside the code, bank prefixes, glued words.
    let spaced = {
        let c = code(&generated).to_lowercase();
        format!("MBVCB.1234.5678.{} {}.CT tu 0123456789", &c[..4], &c[4..])
    };
    let cut = format!("NGUYEN VAN A chuyen tien {}", &code(&truncated)[..8]);
    srv.ingest(
        &t,
        "12345678",
        vec![
            credit(150_000, &spaced),
            credit(200_000, "IBFT DH123 cam on"),
            credit(100_000, "thanh toan dh12"),
            credit(100_000, "DH5001 dot 1"),
            credit(70_000, "THANHTOANDH5002CAMON"),
            credit(120_000, &cut),
            credit(10_000, "CK DH 10 42"),
            credit(40_000, "DH9998 tra muon"),
            credit(80_000, "DH5003 sau khi huy"),
            credit(5_000, "no code at all"),
        ],
    )
    .await;
    // The rest of the split payment, later.
    srv.ingest(&t, "12345678", vec![credit(200_000, "DH5001 dot 2")])
        .await;
    let pair = |kind: &str, v: &Value| (format!("payment_request.{kind}"), code(v));
    let expected: BTreeSet<(String, String)> = [
        pair("paid", &generated),
        pair("paid", &dh123),
        pair("paid", &dh12),
        pair("underpaid", &split),
        pair("paid", &split),
        pair("paid", &over),
        pair("paid", &truncated),
        pair("cancelled", &cancelled),
        pair("late_payment", &cancelled),
        ("payment_request.late_payment".into(), "DH9998".into()),
        ("payment_request.expired".into(), "DH9998".into()),
    ]
    .into();
    let got = eventually(WAIT, async || {
        let got = events(&payments_rx);
        (got == expected).then_some(got)
    })
    .await;
    assert_eq!(got.len(), 11);
    // Every message is signed as Standard Webhooks says.
    let secret = StandardSecret::parse(&secret).unwrap();
    for (headers, body) in payments_rx.requests() {
        let header = |n: &str| headers[n].to_str().unwrap().to_string();
        let timestamp: i64 = header("webhook-timestamp").parse().unwrap();
        assert_eq!(
            header("webhook-signature"),
            secret.sign(&header("webhook-id"), timestamp, &body)
        );
    }
    // The transaction webhook got transactions only; the payment webhook none.
    let bodies = transactions_rx.bodies();
    assert!(bodies
        .iter()
        .all(|b| b["error"] == 0 && b.get("type").is_none()));
    assert!(payments_rx
        .bodies()
        .iter()
        .all(|b| b["type"].as_str().unwrap().starts_with("payment_request.")));
    // The requests' state.
    let paid = view(&srv, &t, &generated["id"]).await;
    assert_eq!(
        (paid["status"].as_str(), paid["paidAmount"].as_i64()),
        (Some("paid"), Some(150_000))
    );
    assert_eq!(paid["transactions"].as_array().unwrap().len(), 1);
    let split = view(&srv, &t, &split["id"]).await;
    assert_eq!(split["status"], "paid");
    assert_eq!(split["paidAmount"], 300_000);
    assert_eq!(split["transactions"].as_array().unwrap().len(), 2);
    let over = view(&srv, &t, &over["id"]).await;
    assert_eq!(
        (over["status"].as_str(), over["overpaid"].as_bool()),
        (Some("paid"), Some(true))
    );
    let late = view(&srv, &t, &json!(expired.id)).await;
    assert_eq!(late["status"], "expired");
    assert_eq!(
        (late["paidAmount"].as_i64(), late["lateAmount"].as_i64()),
        (Some(0), Some(40_000))
    );
    assert_eq!(late["transactions"][0]["late"], true);
    let cancelled = view(&srv, &t, &cancelled["id"]).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["lateAmount"], 80_000);
    for ambiguous in [&dh10, &dh1042] {
        let v = view(&srv, &t, &ambiguous["id"]).await;
        assert_eq!(
            (v["status"].as_str(), v["paidAmount"].as_i64()),
            (Some("pending"), Some(0)),
            "{v}"
        );
    }
    // The paid event carries the request as it stands and the paying transfer.
    let paid_event = payments_rx
        .bodies()
        .into_iter()
        .find(|b| {
            b["type"] == "payment_request.paid" && b["data"]["paymentRequest"]["code"] == "DH5002"
        })
        .unwrap();
    let data = &paid_event["data"];
    assert_eq!(data["paymentRequest"]["overpaid"], true);
    assert_eq!(data["paymentRequest"]["paidAmount"], 70_000);
    assert_eq!(data["transaction"]["amount"], 70_000);
    assert_eq!(data["transaction"]["description"], "THANHTOANDH5002CAMON");
}

/// An ACB balance-change text for `amount` now, with `memo`.
fn acb_text(account: &str, amount: &str, memo: &str) -> String {
    let vn = Utc::now().with_timezone(&tingting::domain::time::vn_offset());
    format!(
        "ACB: TK {account}(VND) + {amount} luc {} {}. So du 9,000,000.GD: {memo}",
        vn.format("%H:%M"),
        vn.format("%d/%m/%Y")
    )
}

async fn two_paths_pay_once(backend: Backend) {
    let Some(srv) = TestServer::start_with_worker(backend, Policy::default()).await else {
        return;
    };
    let rx = Receiver::start().await;
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let (hook, _) = payment_webhook(&srv, &t, &rx.url).await;
    let number = "12345678";
    let account = srv.account(&t, "ACB", number).await;
    let path = format!("{}{}", srv.base, srv.notify_feed(&t, account.id).await);
    let mut codes = Vec::new();
    for round in 0..5 {
        let amount = 100_000 + round * 1_000;
        let r = request(&srv, &t, json!({"accountId": account.id, "amount": amount})).await;
        let code = r["code"].as_str().unwrap().to_string();
        // The forwarded SMS and the bank's alert e-mail of one transfer, at the same moment.
        let grouped = format!("{},{:03}", amount / 1000, amount % 1000);
        let text = acb_text(number, &grouped, &code);
        let email = format!(
            "From: ACB <mailalert@acb.com.vn>\r\nTo: owner@hoasen.vn\r\n\
             Subject: ACB thong bao bien dong so du\r\n\
             MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
        );
        let send = |content_type: &'static str, body: String| {
            let request = srv
                .client
                .post(&path)
                .header("content-type", content_type)
                .body(body);
            async move {
                let resp = request.send().await.expect("notify");
                assert_eq!(resp.status(), 200);
                let answer: Value = resp.json().await.unwrap();
                assert_eq!(answer["data"]["unparsed"], 0, "{answer}");
            }
        };
        tokio::join!(
            send("text/plain", text.clone()),
            send("message/rfc822", email)
        );
        let v = view(&srv, &t, &r["id"]).await;
        assert_eq!(v["status"], "paid", "{v}");
        assert_eq!(v["transactions"].as_array().unwrap().len(), 1, "{v}");
        codes.push(code);
    }
    // One event each, enqueued once each: the outbox holds exactly five.
    let (status, deliveries) = srv
        .get(&format!("/v2/webhooks/{hook}/deliveries"), &t.key)
        .await;
    assert_eq!(status, 200, "{deliveries}");
    let records = deliveries["data"].as_array().unwrap();
    assert_eq!(records.len(), 5, "{deliveries}");
    assert!(
        records.iter().all(|d| d["eventId"].is_i64()),
        "{deliveries}"
    );
    let expected: BTreeSet<(String, String)> = codes
        .into_iter()
        .map(|c| ("payment_request.paid".to_string(), c))
        .collect();
    eventually(WAIT, async || (events(&rx) == expected).then_some(())).await;
    assert_eq!(rx.bodies().len(), 5);
}

async fn subscriptions_are_checked(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let url = "https://shop.example/hook";
    for (body, message) in [
        (
            json!({"webhook": url, "events": ["payment_request"]}),
            "standard",
        ),
        (
            json!({"webhook": url, "format": "standard", "events": ["payments"]}),
            "\"payments\"",
        ),
        (
            json!({"webhook": url, "format": "standard", "events": []}),
            "at least one",
        ),
    ] {
        let (status, answer) = srv.post("/v2/webhooks", &t.key, &body).await;
        assert_eq!(status, 400, "{answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(message),
            "{answer}"
        );
    }
    let (status, answer) = srv
        .post(
            "/v2/webhooks",
            &t.key,
            &json!({"webhook": url, "format": "standard",
                    "events": ["transaction", "payment_request"]}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["data"]["events"],
        json!(["transaction", "payment_request"])
    );
    let (_, plain) = srv
        .post("/v2/webhooks", &t.key, &json!({"webhook": url}))
        .await;
    assert_eq!(plain["data"]["events"], json!(["transaction"]));
}

/// `serve --order-prefix`, `--payment-tolerance` and `--public-url` shape new requests; a
/// request's own tolerance wins; a transfer within the tolerance pays.
async fn prefix_and_tolerance_are_configured(backend: Backend) {
    let Some(setup) = TestServer::start(backend).await else {
        return;
    };
    let t = setup.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = setup.account(&t, "ACB", "12345678").await;
    let child = ServeProcess::spawn(
        &setup.db.url,
        &[
            "--order-prefix",
            "shop",
            "--payment-tolerance",
            "2000",
            "--public-url",
            "https://pay.hoasen.vn/",
        ],
    );
    let srv = setup.with_base(&child.base);
    let configured = request(
        &srv,
        &t,
        json!({"accountId": account.id, "amount": 100_000}),
    )
    .await;
    let code = configured["code"].as_str().unwrap();
    assert!(code.starts_with("SHOP") && code.len() == 12, "{code}");
    assert_eq!(configured["tolerance"], 2_000);
    let checkout = configured["checkoutUrl"].as_str().unwrap();
    assert!(
        checkout.starts_with("https://pay.hoasen.vn/pay/") && checkout.len() > 30,
        "{checkout}"
    );
    let own = request(
        &srv,
        &t,
        json!({"accountId": account.id, "amount": 100_000, "tolerance": 0}),
    )
    .await;
    assert_eq!(own["tolerance"], 0);
    let (status, answer) = srv
        .post(
            "/v2/payment-requests",
            &t.key,
            &json!({"accountId": account.id, "amount": 100_000, "tolerance": 100_000}),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["message"].as_str().unwrap().starts_with("tolerance"));
    // 98,500 pays the first (tolerance 2,000), not the second (its own 0).
    let own_code = own["code"].as_str().unwrap();
    srv.ingest(
        &t,
        "12345678",
        vec![
            credit(98_500, &format!("thanh toan {code}")),
            credit(98_500, &format!("thanh toan {own_code}")),
        ],
    )
    .await;
    let paid = view(&srv, &t, &configured["id"]).await;
    assert_eq!(
        (paid["status"].as_str(), paid["overpaid"].as_bool()),
        (Some("paid"), Some(false))
    );
    let short = view(&srv, &t, &own["id"]).await;
    assert_eq!(short["status"], "underpaid");
    assert_eq!(short["paidAmount"], 98_500);
    drop(child);
    // A prefix that cannot start a code is refused at start.
    let out = common::cli(&srv.db.url, &["serve", "--order-prefix", "1X"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--order-prefix"));
    let out = common::cli(&srv.db.url, &["serve", "--public-url", "pay.hoasen.vn"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--public-url"));
}
