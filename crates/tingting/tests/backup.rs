//! `tingting backup`: a copy of a SQLite database taken while transactions keep arriving is
//! one consistent moment (every transaction in it has its outbox row) and serves the same API
//! answers; an existing target is refused; PostgreSQL is refused with what to use instead.

mod common;

use common::{cli, Backend, ServeProcess, TestServer};
use serde_json::{json, Value};

both_backends!(backup_is_a_consistent_copy);

fn credit(n: usize) -> Value {
    json!({"bookedAt": "2026-11-30T03:00:00Z", "amount": 10_000 + n as i64,
           "description": format!("chuyen tien {n}"), "reference": format!("FTBK{n:05}")})
}

async fn backup_is_a_consistent_copy(backend: Backend) {
    let Some(srv) = TestServer::start(backend).await else {
        return;
    };
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    srv.account(&t, "ACB", "12345678").await;
    srv.webhook(&t, "https://shop.example/hook").await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("copy.db");
    let target_arg = target.to_string_lossy().into_owned();
    if backend == Backend::Postgres {
        let out = cli(&srv.db.url, &["backup", "--to", &target_arg]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        assert!(!target.exists());
        return;
    }
    srv.ingest(&t, "12345678", (0..50).map(credit).collect())
        .await;
    // Transactions keep arriving while the copy is taken.
    let writer = {
        let (srv_base, key, client) = (srv.base.clone(), t.key.clone(), srv.client.clone());
        tokio::spawn(async move {
            for n in 50..250 {
                let resp = client
                    .post(format!("{srv_base}/v2/ingest"))
                    .header("Authorization", format!("Apikey {key}"))
                    .json(&json!({"account": "12345678", "transactions": [credit(n)]}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 200);
            }
        })
    };
    let db = srv.db.url.clone();
    let out = tokio::task::spawn_blocking(move || cli(&db, &["backup", "--to", &target_arg]))
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    writer.await.unwrap();
    assert_eq!(report["integrity"], "ok", "{report}");
    let copied = report["transactions"].as_i64().unwrap();
    assert!((50..=250).contains(&copied), "{report}");
    // One moment: every transaction's delivery is in the copy with it.
    assert_eq!(report["deliveries"], copied, "{report}");
    assert!(report["bytes"].as_u64().unwrap() > 0);
    assert!(!dir.path().join(".copy.db.partial").exists());

    // The copy serves the API: the same first transactions, as many as it counted.
    let copy = ServeProcess::spawn(&format!("sqlite:{}", target.display()), &[]);
    let db_url = srv.db.url.clone();
    let from_copy = srv.with_base(&copy.base);
    let (status, page) = from_copy
        .get(
            "/v2/transactions?fromDate=2026-11-30&toDate=2026-11-30&pageSize=1000&sort=ASC",
            &t.key,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["data"]["totalRecords"], copied, "{page}");
    assert_eq!(page["data"]["records"][0]["tid"], "FTBK00000");

    // A second backup to the same file is refused.
    let again = cli(&db_url, &["backup", "--to", &target.to_string_lossy()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
    // So is one into a directory that does not exist, naming it.
    let nowhere = dir.path().join("missing").join("copy.db");
    let refused = cli(&db_url, &["backup", "--to", &nowhere.to_string_lossy()]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("missing") && said.contains("does not exist"),
        "{said}"
    );
}
