//! Instances with roles over one database: a `serve --role api` instance stores and a
//! `serve --role worker` instance delivers. On PostgreSQL a new delivery wakes the worker of the
//! other instance by `LISTEN`/`NOTIFY`: its polling is set to a minute, so only the notification
//! can deliver within the test's deadline. Both backends (SQLite polls).

mod common;

use std::time::Duration;

use common::{eventually, Backend, Receiver, ServeProcess, TestServer};
use serde_json::{json, Value};
use tingting::domain::time::now_ms;
use tingting::domain::{DemoSettings, FeedSettings, NewFeed};
use tingting::storage::PollRecord;

both_backends!(
    api_and_worker_instances_split_the_work,
    stale_polls_are_fenced
);

/// A credit of `amount` with bank reference `reference`, booked now.
fn credit(reference: &str) -> Value {
    json!({"bookedAt": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
           "amount": 120_000, "description": format!("{reference} chuyen tien"),
           "reference": reference})
}

/// Whether the receiver got the transaction with `reference`.
fn received(rx: &Receiver, reference: &str) -> bool {
    rx.bodies()
        .iter()
        .any(|b| b["data"][0]["tid"].as_str() == Some(reference))
}

async fn api_and_worker_instances_split_the_work(backend: Backend) {
    let Some(mut setup) = TestServer::start(backend).await else {
        return;
    };
    let t = setup.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    setup.account(&t, "ACB", "12345678").await;
    let rx = Receiver::start().await;
    // Only the role instances run.
    setup.stop();
    let api = ServeProcess::spawn(
        &setup.db.url,
        &["--role", "api", "--allow-private-webhooks"],
    );
    let srv = setup.with_base(&api.base);
    let hook = srv.webhook(&t, &rx.url).await;
    srv.ingest(&t, "12345678", vec![credit("FTROLE1")]).await;
    // No worker runs anywhere: the delivery waits in the outbox.
    let (status, log) = srv
        .get(&format!("/v2/webhooks/{hook}/deliveries"), &t.key)
        .await;
    assert_eq!(status, 200, "{log}");
    assert_eq!(log["data"][0]["status"], "pending", "{log}");
    assert_eq!(log["data"][0]["attempts"], 0, "{log}");

    let poll = match backend {
        Backend::Postgres => "60s",
        Backend::Sqlite => "200ms",
    };
    let worker = ServeProcess::spawn(
        &srv.db.url,
        &[
            "--role",
            "worker",
            "--allow-private-webhooks",
            "--outbox-poll",
            poll,
        ],
    );
    let deadline = Duration::from_secs(10);
    eventually(deadline, async || received(&rx, "FTROLE1").then_some(())).await;
    // Stored by the API instance after the worker started: delivered by the worker, woken by
    // the notification on PostgreSQL (its next poll is a minute away).
    srv.ingest(&t, "12345678", vec![credit("FTROLE2")]).await;
    eventually(deadline, async || received(&rx, "FTROLE2").then_some(())).await;

    // The worker instance serves its health, not the API.
    let client = reqwest::Client::new();
    let health = client
        .get(format!("{}/healthz", worker.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let api_call = client
        .get(format!("{}/v2/userInfo", worker.base))
        .header("Authorization", format!("Apikey {}", t.key))
        .send()
        .await
        .unwrap();
    assert_eq!(api_call.status(), 404);
    let body: Value = api_call.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("no API"),
        "{body}"
    );
    assert_eq!(rx.bodies().len(), 2);
}

/// A poller that outlived its claim cannot record over the instance that claimed the feed
/// after it: its cursor, health and lease extensions are refused (fencing tokens).
async fn stale_polls_are_fenced(backend: Backend) {
    let Some(mut srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "ACB", "12345678").await;
    // No scheduler of this process polls it: the test plays two instances.
    srv.stop();
    let settings = FeedSettings::Demo(DemoSettings::new(1.0).unwrap());
    srv.store
        .create_feed(
            t.user.business_id,
            account.id,
            &NewFeed::pull(settings, 60_000).unwrap(),
        )
        .await
        .unwrap();
    let now = now_ms() + 120_000; // the new feed is due
    let first = srv.store.claim_feeds(now, now + 1_000, 10).await.unwrap();
    assert_eq!(first.len(), 1);
    // The first claim's lease runs out; a second instance claims the feed.
    let second = srv
        .store
        .claim_feeds(now + 2_000, now + 10_000, 10)
        .await
        .unwrap();
    assert_eq!(second.len(), 1);
    let (stale, fresh) = (&first[0], &second[0]);
    assert!(fresh.lease_token > stale.lease_token);
    let record = |feed: &tingting::domain::Feed, cursor: &str| PollRecord {
        feed_id: feed.id,
        lease_token: feed.lease_token,
        started_at: now,
        finished_at: now + 3_000,
        next_poll_at: now + 60_000,
        cursor: Some(cursor.to_string()),
        log: String::new(),
        error: None,
    };
    let store = &srv.store;
    assert!(!store
        .extend_feed_lease(
            t.user.business_id,
            stale.id,
            stale.lease_token,
            now + 20_000
        )
        .await
        .unwrap());
    assert!(!store
        .finish_poll(t.user.business_id, &record(stale, "stale"))
        .await
        .unwrap());
    assert!(store
        .finish_poll(t.user.business_id, &record(fresh, "fresh"))
        .await
        .unwrap());
    let cursor = async || {
        let feeds = store
            .list_feeds(t.user.business_id, Some(account.id))
            .await
            .unwrap();
        feeds[0].cursor.clone()
    };
    assert_eq!(cursor().await, "fresh");
    // A late stale record after the fresh one changes nothing either.
    assert!(!store
        .finish_poll(t.user.business_id, &record(stale, "stale"))
        .await
        .unwrap());
    assert_eq!(cursor().await, "fresh");
}
