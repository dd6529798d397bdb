//! Rate limits hold across instances: two `tingting serve` processes over one database share
//! the per-key and per-ingest-URL budgets; over them, 429 in the envelope with Retry-After;
//! another key is not affected. Both backends.

mod common;

use common::{Backend, ServeProcess, TestServer};
use serde_json::Value;

both_backends!(limits_hold_across_instances);

async fn limits_hold_across_instances(backend: Backend) {
    let Some(mut setup) = TestServer::start(backend).await else {
        return;
    };
    let t = setup.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let other = setup.tenant("owner@lan.vn", "Cửa hàng Lan").await;
    let account = setup.account(&t, "ACB", "12345678").await;
    let ingest_path = setup.notify_feed(&t, account.id).await;
    setup.stop();
    let args = ["--rate-limit-api", "4/h", "--rate-limit-ingest", "3/h"];
    let a = ServeProcess::spawn(&setup.db.url, &args);
    let b = ServeProcess::spawn(&setup.db.url, &args);
    let client = reqwest::Client::new();
    let call = |base: &str, key: &str| {
        client
            .get(format!("{base}/v2/userInfo"))
            .header("Authorization", format!("Apikey {key}"))
            .send()
    };
    // Four calls in all, on either instance, then the fifth is refused on both.
    for base in [&a.base, &b.base, &a.base, &b.base] {
        assert_eq!(call(base, &t.key).await.unwrap().status(), 200);
    }
    for base in [&a.base, &b.base] {
        let refused = call(base, &t.key).await.unwrap();
        assert_eq!(refused.status(), 429);
        let retry: u64 = refused.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=3600).contains(&retry), "{retry}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["error"], 429, "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("4 per hour"),
            "{body}"
        );
        assert!(body["data"].is_null(), "{body}");
    }
    // Another business's key has its own budget.
    assert_eq!(call(&a.base, &other.key).await.unwrap().status(), 200);

    // The ingest URL: three posts, then 429 (nothing stored from the refused one).
    let post = |base: &str, n: u32| {
        client
            .post(format!("{base}{ingest_path}"))
            .header("content-type", "text/plain")
            .body(format!(
                "ACB: TK 12345678(VND) + 1{n},000 luc 09:3{n} 22/04/2025. So du 5,000,000.GD: DH{n}"
            ))
            .send()
    };
    for (n, base) in [&a.base, &b.base, &a.base].into_iter().enumerate() {
        assert_eq!(post(base, n as u32).await.unwrap().status(), 200);
    }
    let refused = post(&b.base, 7).await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let counted = setup
        .store
        .list_transactions(
            t.user.business_id,
            &tingting::storage::TransactionQuery {
                account_id: None,
                from_day: 0,
                to_day: 1_000_000,
                sort: tingting::storage::SortOrder::Asc,
                offset: 0,
                limit: 100,
            },
        )
        .await
        .unwrap();
    assert_eq!(counted.total, 3);
}
