//! PostgreSQL going away and coming back: a `tingting serve` reaches its database through a
//! TCP proxy the test cuts. While it is cut, the API and ingest answer 503 in the envelope
//! (refusing, so the sender keeps the transfer and retries) and `/healthz` says so; when it is
//! restored, the same process recovers by itself and nothing stored before is lost. The
//! embedded SQLite backend has no such outage: its leg only checks that the server is up.

mod common;

use std::time::Duration;

use common::proxy::Proxy;
use common::{eventually, Backend, ServeProcess, TestServer};
use serde_json::{json, Value};

both_backends!(database_outage_is_503_then_recovers);

fn credit(reference: &str) -> Value {
    json!({"bookedAt": "2026-11-30T03:00:00Z", "amount": 75_000,
           "description": "chuyen tien", "reference": reference})
}

async fn database_outage_is_503_then_recovers(backend: Backend) {
    let Some(mut setup) = TestServer::start(backend).await else {
        return;
    };
    let t = setup.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    setup.account(&t, "ACB", "12345678").await;
    setup.stop();
    let (proxy, url) = match backend {
        Backend::Sqlite => (None, setup.db.url.clone()),
        Backend::Postgres => {
            let (proxy, url) = Proxy::in_front_of(&setup.db.url).await;
            (Some(proxy), url)
        }
    };
    let child = ServeProcess::spawn(&url, &[]);
    let srv = setup.with_base(&child.base);
    srv.ingest(&t, "12345678", vec![credit("FTOUT1")]).await;
    let Some(proxy) = proxy else {
        let (status, _) = srv.get("/healthz", &t.key).await;
        assert_eq!(status, 200);
        return;
    };

    proxy.cut();
    let post = || {
        srv.client
            .post(format!("{}/v2/ingest", srv.base))
            .header("Authorization", format!("Apikey {}", t.key))
            .json(&json!({"account": "12345678", "transactions": [credit("FTOUT2")]}))
            .timeout(Duration::from_secs(25))
            .send()
    };
    let refused = post().await.unwrap();
    assert_eq!(refused.status(), 503);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], 503, "{body}");
    assert_eq!(body["message"], "Service temporarily unavailable", "{body}");
    let (status, health) = srv.get("/healthz", &t.key).await;
    assert_eq!(status, 503, "{health}");

    // Back: the same process serves again, with what it had and what is sent again.
    proxy.restore();
    eventually(Duration::from_secs(30), async || {
        let resp = post().await.ok()?;
        (resp.status() == 200).then_some(())
    })
    .await;
    let (status, page) = srv
        .get(
            "/v2/transactions?fromDate=2026-11-30&toDate=2026-11-30&sort=ASC",
            &t.key,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let refs: Vec<&str> = page["data"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["tid"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["FTOUT1", "FTOUT2"], "{page}");
}
