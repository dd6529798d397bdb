//! `/healthz`: 200 while the database answers, 503 in the envelope once it does not.

mod common;

use std::time::Duration;

use common::{eventually, Backend, TestServer};
use sqlx::postgres::PgPoolOptions;
use sqlx::Executor;

async fn healthz_answers(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let resp = srv
        .client
        .get(format!("{}/healthz", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"], 0);
    assert_eq!(body["data"]["database"], "ok");
}

/// Only PostgreSQL can be taken away from under a running server (an open SQLite file cannot),
/// so this test has no SQLite leg.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_reports_a_lost_postgres_database() {
    let Some(srv) = TestServer::start(Backend::Postgres).await else {
        return;
    };
    let (admin_url, name) = srv.db.url.rsplit_once('/').unwrap();
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&format!("{admin_url}/postgres"))
        .await
        .unwrap();
    admin
        .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    let body = eventually(Duration::from_secs(20), async || {
        let resp = srv
            .client
            .get(format!("{}/healthz", srv.base))
            .send()
            .await
            .ok()?;
        (resp.status().as_u16() == 503).then_some(())?;
        resp.json::<serde_json::Value>().await.ok()
    })
    .await;
    assert_eq!(
        body,
        serde_json::json!({"error": 503, "message": "Database unavailable", "data": null})
    );
}

both_backends!(healthz_answers);
