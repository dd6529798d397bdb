//! `GET /metrics`: ingested transactions by feed and result, delivery attempts by outcome and
//! their latency, the outbox's depth and oldest due delivery, feeds by health, HTTP requests
//! by route pattern; also on a worker-only instance. Both backends.

mod common;

use std::time::Duration;

use common::{eventually, Backend, Receiver, ServeProcess, TestServer};
use serde_json::json;
use tingting::delivery::policy::Policy;

both_backends!(metrics_tell_what_happened);

/// The value of the sample `name{labels}` (labels as exposed, in order), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

async fn metrics_tell_what_happened(backend: Backend) {
    let Some(srv) = TestServer::start_with_worker(backend, Policy::default()).await else {
        return;
    };
    let rx = Receiver::start().await;
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "ACB", "12345678").await;
    srv.webhook(&t, &rx.url).await;
    let item = |reference: &str| {
        json!({"bookedAt": "2026-11-30T03:00:00Z", "amount": 50_000,
               "description": "chuyen tien", "reference": reference})
    };
    srv.ingest(
        &t,
        "12345678",
        vec![item("FTM1"), item("FTM2"), item("FTM3")],
    )
    .await;
    srv.ingest(&t, "12345678", vec![item("FTM1")]).await;
    // A notification feed that never failed.
    srv.notify_feed(&t, account.id).await;
    eventually(Duration::from_secs(10), async || {
        (rx.bodies().len() == 3).then_some(())
    })
    .await;
    let scrape = async || {
        let resp = srv
            .client
            .get(format!("{}/metrics", srv.base))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"));
        resp.text().await.unwrap()
    };
    // Attempts are counted when they are made; the outbox gauge is read from the database,
    // where the worker records attempts a moment later (in batches): wait for both.
    let text = eventually(Duration::from_secs(10), async || {
        let text = scrape().await;
        (sample(
            &text,
            r#"tingting_delivery_attempts_total{outcome="succeeded"}"#,
        ) == Some(3.0)
            && sample(&text, "tingting_outbox_pending") == Some(0.0))
        .then_some(text)
    })
    .await;
    let ingested = |result: &str| {
        sample(
            &text,
            &format!(r#"tingting_ingested_transactions_total{{feed="api",result="{result}"}}"#),
        )
    };
    assert_eq!(ingested("created"), Some(3.0), "{text}");
    assert_eq!(ingested("duplicate"), Some(1.0), "{text}");
    assert_eq!(
        sample(&text, "tingting_delivery_latency_seconds_count"),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "tingting_delivery_attempt_seconds_count"),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "tingting_outbox_pending"),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "tingting_outbox_oldest_due_seconds"),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, r#"tingting_feeds{kind="notify",state="ok"}"#),
        Some(1.0),
        "{text}"
    );
    // Requests by route pattern, never by raw path.
    assert_eq!(
        sample(
            &text,
            r#"tingting_http_request_seconds_count{method="POST",route="/v2/ingest",status="2xx"}"#
        ),
        Some(2.0),
        "{text}"
    );
    let (status, _) = srv.get("/v2/transactions/999999", &t.key).await;
    assert_eq!(status, 404);
    let text = scrape().await;
    assert_eq!(
        sample(
            &text,
            r#"tingting_http_request_seconds_count{method="GET",route="/v2/transactions/{id}",status="4xx"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert!(!text.contains("/v2/transactions/999999"), "{text}");

    // A worker-only instance over the same database serves the same figures from it.
    let worker = ServeProcess::spawn(&srv.db.url, &["--role", "worker"]);
    let text = srv
        .client
        .get(format!("{}/metrics", worker.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        sample(&text, "tingting_outbox_pending"),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, r#"tingting_feeds{kind="notify",state="ok"}"#),
        Some(1.0),
        "{text}"
    );
    assert!(text.ends_with("# EOF\n"), "{text}");
}
