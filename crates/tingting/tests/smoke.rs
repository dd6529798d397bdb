//! Harness self-check: the server starts on both backends and answers /healthz.

mod common;

use common::{Backend, TestServer};

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
}

both_backends!(healthz_answers);
