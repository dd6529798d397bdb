//! `tingting migrate-db`: a populated SQLite installation (transactions, feeds, webhooks and
//! their deliveries, a paid payment request with its events) moves to PostgreSQL verified,
//! a re-run copies nothing and still verifies, and a server on PostgreSQL answers the API
//! exactly as the one on SQLite, then goes on with new ids. The SQLite leg checks what is
//! refused (the target must be PostgreSQL).

mod common;

use common::{cli, Backend, ServeProcess, TestDb, TestServer};
use serde_json::{json, Value};

both_backends!(sqlite_moves_to_postgres_unchanged);

async fn sqlite_moves_to_postgres_unchanged(backend: Backend) {
    let Some(mut setup) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let t = setup.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = setup.account(&t, "ACB", "12345678").await;
    if backend == Backend::Sqlite {
        let out = cli(&setup.db.url, &["migrate-db", "--to", "sqlite:other.db"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("postgres://"));
        return;
    }
    let Some(target) = TestDb::fresh(Backend::Postgres).await else {
        return;
    };
    setup.notify_feed(&t, account.id).await;
    setup.webhook(&t, "https://shop.example/hook").await;
    let (status, request) = setup
        .post(
            "/v2/payment-requests",
            &t.key,
            &json!({"accountId": account.id, "amount": 90_000, "orderCode": "DH4242",
                    "metadata": {"orderId": 4242}}),
        )
        .await;
    assert_eq!(status, 200, "{request}");
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    setup
        .ingest(
            &t,
            "12345678",
            (0..40)
                .map(|n| {
                    json!({"bookedAt": now, "amount": if n == 0 { 90_000 } else { 1_000 + n },
                           "description": if n == 0 { "thanh toan DH4242".to_string() } else { format!("Đơn số {n}") },
                           "reference": format!("FTMG{n:03}")})
                })
                .collect(),
        )
        .await;
    setup.stop();

    let migrate = || {
        let out = cli(&setup.db.url, &["migrate-db", "--to", &target.url]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let first = migrate();
    assert_eq!(first["verified"], true, "{first}");
    let rows = |report: &Value, table: &str| {
        report["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["table"] == table)
            .map(|t| (t["rows"].as_i64().unwrap(), t["copied"].as_i64().unwrap()))
            .unwrap()
    };
    assert_eq!(rows(&first, "transactions"), (40, 40), "{first}");
    assert_eq!(rows(&first, "deliveries").0, 40, "{first}");
    assert_eq!(rows(&first, "payment_events"), (1, 1), "{first}");
    // Safe to re-run: nothing copied, everything verified.
    let again = migrate();
    assert_eq!(again["copied"], 0, "{again}");
    assert_eq!(rows(&again, "transactions"), (40, 0), "{again}");

    // The same answers from both.
    let on_sqlite = ServeProcess::spawn(&setup.db.url, &[]);
    let on_pg = ServeProcess::spawn(&target.url, &[]);
    let paths = [
        "/v2/userInfo".to_string(),
        "/v2/accounts".to_string(),
        format!(
            "/v2/transactions?fromDate={0}&toDate={0}&pageSize=100",
            tingting::domain::time::vn_today()
        ),
        "/v2/webhooks".to_string(),
        format!("/v2/payment-requests/{}", request["data"]["id"]),
        format!("/v2/accounts/{}/feeds", account.id),
    ];
    let client = reqwest::Client::new();
    let get = |base: &str, path: &str| {
        client
            .get(format!("{base}{path}"))
            .header("Authorization", format!("Apikey {}", t.key))
            .send()
    };
    for path in &paths {
        let a: Value = get(&on_sqlite.base, path)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let b: Value = get(&on_pg.base, path).await.unwrap().json().await.unwrap();
        assert_eq!(a["error"], 0, "{path}: {a}");
        assert_eq!(a, b, "{path}");
    }
    // New rows continue after the copied ids.
    let pg = setup.with_base(&on_pg.base);
    let (status, next) = pg
        .post(
            "/v2/payment-requests",
            &t.key,
            &json!({"accountId": account.id, "amount": 10_000}),
        )
        .await;
    assert_eq!(status, 200, "{next}");
    assert!(next["data"]["id"].as_i64().unwrap() > request["data"]["id"].as_i64().unwrap());
}
