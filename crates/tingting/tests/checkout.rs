//! The hosted checkout page in headless Chromium: it shows the request (bank, account, amount,
//! order code, QR code, countdown), copies the code, turns to paid without reloading when the
//! paying transfer is ingested (server-sent events), then follows the return URL; in
//! Vietnamese and English. Screenshots are kept in `target/test-artifacts/`. Both backends.

#[path = "support/browser.rs"]
mod browser;
mod common;

use std::time::{Duration, Instant};

use browser::{artifacts_dir, Browser};
use chrono::{SecondsFormat, Utc};
use common::{eventually, Backend, TestServer};
use serde_json::json;
use tingting::delivery::policy::Policy;

both_backends!(checkout_turns_paid_live, unknown_checkout_is_404);

/// A shop's "thank you" page on loopback; its URL.
async fn shop() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/thanks", listener.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/thanks",
        axum::routing::get(|| async {
            axum::response::Html("<!doctype html><title>shop</title><h1 id=thanks>Cảm ơn</h1>")
        }),
    );
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, task)
}

async fn checkout_turns_paid_live(backend: Backend) {
    let Some(srv) = TestServer::start_with_worker(backend, Policy::default()).await else {
        return;
    };
    let Some(browser) = Browser::start("vi").await else {
        return;
    };
    let (return_url, _shop) = shop().await;
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "VCB", "0071001234567").await;
    let (status, body) = srv
        .post(
            "/v2/payment-requests",
            &t.key,
            &json!({"accountId": account.id, "amount": 150000, "description": "Đơn hàng 42",
                    "returnUrl": return_url}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let code = body["data"]["code"].as_str().unwrap().to_string();
    let page = format!(
        "{}{}",
        srv.base,
        body["data"]["checkoutUrl"].as_str().unwrap()
    );
    let shots = artifacts_dir().join(format!("checkout-{backend:?}").to_lowercase());

    browser.goto(&page).await;
    assert_eq!(
        browser.attribute("#status", "data-status").await.as_deref(),
        Some("pending")
    );
    assert_eq!(
        browser.text("#status").await.as_deref(),
        Some("Đang chờ thanh toán")
    );
    assert_eq!(browser.text("#memo").await.as_deref(), Some(code.as_str()));
    assert_eq!(
        browser.text("#account-number").await.as_deref(),
        Some("0071001234567")
    );
    assert_eq!(
        browser.text("#bank-name").await.as_deref(),
        Some("Vietcombank")
    );
    assert_eq!(
        browser.text("#shop-name").await.as_deref(),
        Some("Cửa hàng Hoa Sen")
    );
    let countdown = browser.text("#countdown").await.unwrap();
    assert!(
        ["29:", "30:00"].iter().any(|p| countdown.starts_with(p)),
        "{countdown}"
    );
    assert!(
        browser
            .eval("return !!document.querySelector('#qr svg');", vec![])
            .await
            == true
    );
    // The copy button puts the order code on the clipboard.
    browser.click("#copy-memo").await;
    let copied = browser
        .eval("return navigator.clipboard.readText();", vec![])
        .await;
    assert_eq!(copied, json!(code));
    browser.eval("window.scrollTo(0, 0);", vec![]).await;
    browser.screenshot(&shots.join("pending.png")).await;

    // The transfer arrives; the open page turns to paid by itself.
    let sent = Instant::now();
    srv.ingest(
        &t,
        "0071001234567",
        vec![
            json!({"bookedAt": Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
                    "amount": 150000, "description": format!("MBVCB.123.{code}.CT tu 0123")}),
        ],
    )
    .await;
    let browser = &browser;
    eventually(Duration::from_secs(10), async || {
        let status = browser.attribute("#status", "data-status").await;
        (status.as_deref() == Some("paid")).then_some(())
    })
    .await;
    eprintln!(
        "checkout page turned paid {:?} after the transfer",
        sent.elapsed()
    );
    assert_eq!(
        browser.text("#status").await.as_deref(),
        Some("Đã thanh toán")
    );
    assert!(browser
        .text("#paid-panel")
        .await
        .is_some_and(|t| !t.is_empty()));
    // The check mark is drawn in half a second.
    eventually(Duration::from_secs(5), async || {
        let drawn = browser
            .eval(
                "return getComputedStyle(document.querySelector('#paid-panel .icon path'))\
                 .strokeDashoffset;",
                vec![],
            )
            .await;
        (drawn == json!("0px") || drawn == json!("0")).then_some(())
    })
    .await;
    browser.screenshot(&shots.join("paid.png")).await;
    // Then it follows the return URL.
    eventually(Duration::from_secs(10), async || {
        (browser.url().await == return_url).then_some(())
    })
    .await;
    assert_eq!(browser.text("#thanks").await.as_deref(), Some("Cảm ơn"));

    // In English, paid from the start.
    browser.goto(&format!("{page}?lang=en")).await;
    assert_eq!(browser.text("#status").await.as_deref(), Some("Paid"));
    browser.screenshot(&shots.join("paid-en.png")).await;
}

async fn unknown_checkout_is_404(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    for path in ["/pay/0123456789abcdef", "/pay/0123456789abcdef/events"] {
        let resp = srv
            .client
            .get(format!("{}{path}", srv.base))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 404);
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(resp.text().await.unwrap().contains("không tồn tại"));
    }
}
