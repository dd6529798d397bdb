//! Pull feeds end to end: the demo bank and command feeds polled by the scheduler,
//! `POST /v2/sync` storing and delivering before it answers, feed health turning
//! `connectStatus` to 0 and back, re-reading unparsed texts, and managing feeds. Both backends.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{cli, eventually, Backend, Receiver, ServeProcess, Tenant, TestServer};
use serde_json::{json, Value};
use tingting::delivery::policy::Policy;
use tingting::domain::{BankAccount, FeedToken, NewFeed};

both_backends!(
    demo_bank_sync_delivers_before_answering,
    sync_errors,
    failing_command_feed_turns_connect_status_to_zero_and_recovers,
    concurrent_syncs_share_polls_and_commands_time_out,
    the_documented_example_script_works,
    two_instances_never_poll_a_feed_at_once,
    unparsed_texts_are_read_again,
    managing_feeds,
    changing_feeds,
    feed_commands,
);

/// A server with its worker, a tenant, an ACB account and a webhook to a receiver.
async fn setup(backend: Backend) -> Option<(TestServer, Tenant, BankAccount, Receiver)> {
    let policy = Policy {
        timeout: Duration::from_secs(2),
        ..Policy::default()
    };
    let srv = TestServer::start_with_worker(backend, policy).await?;
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "ACB", "12345678").await;
    let rx = Receiver::start().await;
    srv.webhook(&t, &rx.url).await;
    Some((srv, t, account, rx))
}

/// Syncs an account; the sync must have completed within its wait.
async fn sync(srv: &TestServer, t: &Tenant, number: &str) -> Value {
    let resp = sync_request(srv, t, number).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-tingting-sync"], "complete");
    resp.json().await.unwrap()
}

fn sync_request(srv: &TestServer, t: &Tenant, number: &str) -> reqwest::RequestBuilder {
    srv.client
        .post(format!("{}/v2/sync", srv.base))
        .header("Authorization", format!("Apikey {}", t.key))
        .json(&json!({"bank_acc_id": number}))
}

/// Ids of the transactions the receiver got (legacy format: `data` is an array).
fn delivered_ids(rx: &Receiver) -> Vec<i64> {
    rx.bodies()
        .iter()
        .flat_map(|b| b["data"].as_array().cloned().unwrap_or_default())
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

/// All of the business's transactions, oldest first.
async fn transactions(srv: &TestServer, t: &Tenant) -> Vec<Value> {
    let (status, body) = srv
        .get("/v2/transactions?pageSize=1000&fromDate=2020-01-01", &t.key)
        .await;
    assert_eq!(status, 200, "{body}");
    body["data"]["records"].as_array().unwrap().clone()
}

async fn account_view(srv: &TestServer, t: &Tenant, id: i64) -> Value {
    let (status, body) = srv.get(&format!("/v2/accounts/{id}"), &t.key).await;
    assert_eq!(status, 200, "{body}");
    body["data"].clone()
}

async fn feeds(srv: &TestServer, t: &Tenant, account: i64) -> Vec<Value> {
    let (status, body) = srv
        .get(&format!("/v2/accounts/{account}/feeds"), &t.key)
        .await;
    assert_eq!(status, 200, "{body}");
    body["data"].as_array().unwrap().clone()
}

/// A demo bank feed brings transfers with balances that add up; every transfer a sync
/// brings has been delivered to the webhook by the time the sync answers.
async fn demo_bank_sync_delivers_before_answering(backend: Backend) {
    let Some((srv, t, account, rx)) = setup(backend).await else {
        return;
    };
    let (status, body) = srv
        .post(
            &format!("/v2/accounts/{}/feeds", account.id),
            &t.key,
            &json!({"kind": "demo", "perMinute": 60000, "intervalSeconds": 3600}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let feed = &body["data"];
    assert_eq!(feed["kind"], "demo");
    assert_eq!(feed["settings"]["perMinute"], 60000.0);
    assert_eq!(feed["intervalSeconds"], 3600);
    assert!(feed.get("ingestPath").is_none());

    // At 1,000 a second, a sync a few milliseconds later finds new transfers.
    let stored = eventually(Duration::from_secs(20), async || {
        let body = sync(&srv, &t, "12345678").await;
        assert_eq!(
            body,
            json!({"error": 0, "message": "success", "data": null})
        );
        let stored = transactions(&srv, &t).await;
        let delivered = delivered_ids(&rx);
        for txn in &stored {
            let id = txn["id"].as_i64().unwrap();
            assert!(
                delivered.contains(&id),
                "transaction {id} not delivered before the sync answered"
            );
        }
        // Two at least, to check that their balances add up.
        (stored.len() >= 2).then_some(stored)
    })
    .await;
    for pair in stored.windows(2) {
        let (prev, cur) = (&pair[0], &pair[1]);
        assert_eq!(
            cur["cusum_balance"].as_i64().unwrap(),
            prev["cusum_balance"].as_i64().unwrap() + cur["amount"].as_i64().unwrap(),
            "balances add up: {prev} then {cur}"
        );
    }
    assert!(stored
        .iter()
        .all(|t| t["tid"].as_str().unwrap().starts_with("FT")));
    let listed = feeds(&srv, &t, account.id).await;
    assert_eq!(listed.len(), 1);
    assert!(listed[0]["lastPolledAt"].is_string(), "{}", listed[0]);
    assert_eq!(listed[0]["consecutiveFailures"], 0);
    assert_eq!(account_view(&srv, &t, account.id).await["connectStatus"], 1);
}

/// `/v2/sync` answers 404 in the envelope for an account of no business of the caller's, 400
/// without an account number, and at once for an account without pull feeds.
async fn sync_errors(backend: Backend) {
    let Some((srv, t, _account, _rx)) = setup(backend).await else {
        return;
    };
    let other = srv.tenant("other@shop.vn", "Other shop").await;
    srv.account(&other, "VCB", "99990000").await;
    let (status, body) = srv
        .post("/v2/sync", &t.key, &json!({"bank_acc_id": "99990000"}))
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"], 404);
    assert_eq!(body["data"], Value::Null);
    assert_eq!(body["message"], "Bank account 99990000 not found");
    let (status, body) = srv.post("/v2/sync", &t.key, &json!({})).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = srv
        .post("/v2/sync", &t.key, &json!({"bank_acc_id": 12345678}))
        .await;
    assert_eq!((status, &body["error"]), (200, &json!(0)), "{body}");
    let (status, _) = srv
        .post("/v2/sync", "tt_wrong", &json!({"bank_acc_id": "12345678"}))
        .await;
    assert_eq!(status, 401);
}

/// Writes an executable shell script and returns its path.
fn script(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path.to_string_lossy().into_owned()
}

/// Adds a command feed to the ACB account with the CLI (the API refuses command feeds).
fn add_command(srv: &TestServer, program: &str, args: &[&str], timeout: &str) -> Value {
    let mut argv = vec![
        "feed",
        "add-command",
        "--email",
        "owner@hoasen.vn",
        "--account",
        "12345678",
        "--every",
        "1h",
        "--timeout",
        timeout,
        "--",
        program,
    ];
    argv.extend_from_slice(args);
    let out = cli(&srv.db.url, &argv);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON feed")
}

/// A command feed whose program fails turns the account's `connectStatus` to 0 with the
/// program's error; once it works again the status is back to 1, its transactions are stored
/// and delivered, and the cursor it printed is handed back on the next run.
async fn failing_command_feed_turns_connect_status_to_zero_and_recovers(backend: Backend) {
    let Some((srv, t, account, rx)) = setup(backend).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_string_lossy().into_owned();
    let program = script(
        dir.path(),
        "bank.sh",
        r#"if [ -f "$1/fail" ]; then echo "bank login failed: wrong password" >&2; exit 3; fi
echo "account $TINGTING_ACCOUNT_NUMBER at $TINGTING_BANK_CODE, cursor [$TINGTING_CURSOR]" >&2
echo '{"amount":150000,"bookedAt":"2025-04-22 09:30:00","description":"DH4410 chuyen tien","reference":"CMD1","runningBalance":1150000}'
echo '{"cursor":"after-CMD1"}'"#,
    );
    std::fs::write(dir.path().join("fail"), "").unwrap();
    let feed = add_command(&srv, &program, &[&d], "10s");
    assert_eq!(feed["kind"], "command");
    assert_eq!(feed["settings"]["timeoutMs"], 10_000);

    sync(&srv, &t, "12345678").await;
    let view = account_view(&srv, &t, account.id).await;
    assert_eq!(view["connectStatus"], 0, "{view}");
    let reason = view["connectReason"].as_str().unwrap();
    assert!(reason.contains("exited with status 3"), "{reason}");
    assert!(reason.contains("bank login failed"), "{reason}");
    let (_, info) = srv.get("/v2/userInfo", &t.key).await;
    assert_eq!(info["data"]["bankAccs"][0]["connectStatus"], 0);
    let listed = feeds(&srv, &t, account.id).await;
    assert!(listed[0]["consecutiveFailures"].as_i64().unwrap() >= 1);
    assert!(listed[0]["lastLog"]
        .as_str()
        .unwrap()
        .contains("wrong password"));
    assert!(transactions(&srv, &t).await.is_empty());

    std::fs::remove_file(dir.path().join("fail")).unwrap();
    sync(&srv, &t, "12345678").await;
    let view = account_view(&srv, &t, account.id).await;
    assert_eq!(view["connectStatus"], 1, "{view}");
    assert_eq!(view["connectReason"], "");
    let stored = transactions(&srv, &t).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["tid"], "CMD1");
    assert_eq!(stored[0]["amount"], 150_000);
    assert_eq!(delivered_ids(&rx), vec![stored[0]["id"].as_i64().unwrap()]);
    // (A poll that starts within the millisecond of the sync request may be followed by
    // another, so the cursor may already have been handed back here.)
    let log = feeds(&srv, &t, account.id).await[0]["lastLog"].clone();
    assert!(
        log.as_str()
            .unwrap()
            .contains("account 12345678 at ACB, cursor ["),
        "{log}"
    );

    // The next run gets the cursor back; the transaction it prints again is a duplicate.
    sync(&srv, &t, "12345678").await;
    let log = feeds(&srv, &t, account.id).await[0]["lastLog"].clone();
    assert!(
        log.as_str().unwrap().contains("cursor [after-CMD1]"),
        "{log}"
    );
    assert_eq!(transactions(&srv, &t).await.len(), 1);
    assert_eq!(delivered_ids(&rx).len(), 1);
}

/// Syncs sent together share polls (never two polls of a feed at once), and a command that
/// overruns its timeout is killed and reported.
async fn concurrent_syncs_share_polls_and_commands_time_out(backend: Backend) {
    let Some((srv, t, account, _rx)) = setup(backend).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    let program = script(
        dir.path(),
        "slow.sh",
        r#"echo run >> "$1"; sleep 0.3; echo '{"cursor":"x"}'"#,
    );
    add_command(&srv, &program, &[&runs.to_string_lossy()], "10s");
    // The feed's first poll happens on its own.
    eventually(Duration::from_secs(10), async || {
        feeds(&srv, &t, account.id).await[0]["lastPolledAt"]
            .is_string()
            .then_some(())
    })
    .await;
    let count = || std::fs::read_to_string(&runs).unwrap().lines().count();
    assert_eq!(count(), 1);
    let mut syncs = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let request = sync_request(&srv, &t, "12345678");
        syncs.spawn(async move {
            let resp = request.send().await.unwrap();
            (
                resp.status().as_u16(),
                resp.headers()["x-tingting-sync"].clone(),
            )
        });
    }
    for (status, outcome) in syncs.join_all().await {
        assert_eq!((status, outcome.to_str().unwrap()), (200, "complete"));
    }
    // One poll serves the syncs that arrived before it started; a second those that came
    // during it; a third only if the machine delayed some requests by a whole poll.
    let after = count();
    assert!(
        (2..=4).contains(&after),
        "5 concurrent syncs ran the program {} time(s)",
        after - 1
    );

    let hanging = script(dir.path(), "hang.sh", "echo starting >&2; sleep 30");
    let other = srv.account(&t, "VCB", "0123456789").await;
    let out = cli(
        &srv.db.url,
        &[
            "feed",
            "add-command",
            "--email",
            "owner@hoasen.vn",
            "--account",
            "0123456789",
            "--every",
            "1h",
            "--timeout",
            "1s",
            "--",
            &hanging,
        ],
    );
    assert!(out.status.success());
    let started = std::time::Instant::now();
    sync(&srv, &t, "0123456789").await;
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "the sync waited for the killed program"
    );
    let feed = feeds(&srv, &t, other.id).await[0].clone();
    assert_eq!(feed["lastError"], "timed out after 1 s: starting", "{feed}");
    assert_eq!(account_view(&srv, &t, other.id).await["connectStatus"], 0);
}

/// `contrib/command-feed-example.sh`, the README's example, reports a file's new lines and
/// its cursor.
async fn the_documented_example_script_works(backend: Backend) {
    let Some((srv, t, account, rx)) = setup(backend).await else {
        return;
    };
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../contrib/command-feed-example.sh"
    );
    let dir = tempfile::tempdir().unwrap();
    let bank = dir.path().join("bank.txt");
    std::fs::write(
        &bank,
        "2025-04-22 09:30:00;250000;DH1042 chuyen \"tien\";FT25112001\n\
         2025-04-22 10:05:00;-11000;Phi SMS Banking;FT25112002\n",
    )
    .unwrap();
    add_command(&srv, "sh", &[example, &bank.to_string_lossy()], "10s");
    sync(&srv, &t, "12345678").await;
    let stored = transactions(&srv, &t).await;
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert_eq!(stored[0]["description"], "DH1042 chuyen \"tien\"");
    assert_eq!(stored[0]["when"], "2025-04-22 09:30:00");
    assert_eq!(stored[1]["amount"], -11_000);
    let feed = feeds(&srv, &t, account.id).await[0].clone();
    assert_eq!(feed["consecutiveFailures"], 0, "{feed}");
    assert!(
        feed["lastLog"]
            .as_str()
            .unwrap()
            .contains("account 12345678 (ACB)"),
        "{feed}"
    );

    let mut more = std::fs::read_to_string(&bank).unwrap();
    more.push_str("2025-04-22 11:00:00;99000;DH1043 ck;FT25112003\n");
    std::fs::write(&bank, more).unwrap();
    sync(&srv, &t, "12345678").await;
    assert_eq!(transactions(&srv, &t).await.len(), 3);
    assert_eq!(delivered_ids(&rx).len(), 3);
}

/// Two servers on one database, both syncing one command feed over and over: the program
/// never runs twice at once (it would find its lock taken).
async fn two_instances_never_poll_a_feed_at_once(backend: Backend) {
    let Some((srv, t, _account, _rx)) = setup(backend).await else {
        return;
    };
    let other = ServeProcess::spawn(&srv.db.url, &[]);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_string_lossy().into_owned();
    let program = script(
        dir.path(),
        "locked.sh",
        r#"mkdir "$1/lock" 2>/dev/null || { echo overlap >> "$1/overlaps"; exit 1; }
echo run >> "$1/runs"; sleep 0.1; rmdir "$1/lock""#,
    );
    add_command(&srv, &program, &[&d], "10s");
    let mut syncs = tokio::task::JoinSet::new();
    for i in 0..12 {
        let base = if i % 2 == 0 { &srv.base } else { &other.base };
        let request = srv
            .client
            .post(format!("{base}/v2/sync"))
            .header("Authorization", format!("Apikey {}", t.key))
            .json(&json!({"bank_acc_id": "12345678"}));
        syncs.spawn(async move {
            tokio::time::sleep(Duration::from_millis(30 * i)).await;
            let resp = request.send().await.unwrap();
            (
                resp.status().as_u16(),
                resp.headers()["x-tingting-sync"].clone(),
            )
        });
    }
    for (status, outcome) in syncs.join_all().await {
        assert_eq!((status, outcome.to_str().unwrap()), (200, "complete"));
    }
    let runs = std::fs::read_to_string(dir.path().join("runs")).unwrap();
    assert!(runs.lines().count() >= 2, "{runs}");
    assert!(
        !dir.path().join("overlaps").exists(),
        "two polls of one feed ran at once"
    );
}

/// Unparsed texts are read again on request: a text today's parsers read becomes a
/// transaction (and a webhook) and leaves the list; one they still cannot read stays.
async fn unparsed_texts_are_read_again(backend: Backend) {
    let Some((srv, t, _acb, rx)) = setup(backend).await else {
        return;
    };
    let vcb = srv.account(&t, "VCB", "0123456789012").await;
    let token = FeedToken::generate();
    let new = NewFeed::notify(&token, "").unwrap();
    let feed = srv
        .store
        .create_feed(t.user.business_id, vcb.id, &new)
        .await
        .unwrap();
    // Kept by an older version whose parser could not read them.
    let readable = "SD TK 0123456789012 +2,500,000VND luc 03-05-2025 10:15:22. SD 12,345,678VND. Ref MBVCB.9876543210.DH1042.Thanh toan";
    let business = t.user.business_id;
    srv.store
        .add_unparsed(
            business,
            &feed,
            "VCB",
            readable,
            "no parser for this format",
        )
        .await
        .unwrap();
    // Not a transaction after all (an account notice), and a text still unreadable.
    let notice = "Quy khach vui long cap nhat thong tin";
    let broken = "SD TK 0123456789012 +2,500,000VND luc 03-05-2025 10:15:22. SD loi";
    for text in [notice, broken] {
        srv.store
            .add_unparsed(business, &feed, "VCB", text, "old reason")
            .await
            .unwrap();
    }
    let (status, body) = srv
        .post(
            &format!("/v2/accounts/{}/unparsed/reparse", vcb.id),
            &t.key,
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"],
        json!({"examined": 3, "created": 1, "duplicates": 0, "ignored": 1, "unparsed": 1})
    );
    let stored = transactions(&srv, &t).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["amount"], 2_500_000);
    assert_eq!(stored[0]["cusum_balance"], 12_345_678);
    let id = stored[0]["id"].as_i64().unwrap();
    eventually(Duration::from_secs(10), async || {
        delivered_ids(&rx).contains(&id).then_some(())
    })
    .await;
    let (_, left) = srv
        .get(&format!("/v2/accounts/{}/unparsed", vcb.id), &t.key)
        .await;
    let left = left["data"].as_array().unwrap().clone();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["text"], broken);
    assert_eq!(
        left[0]["reason"],
        "looks like a Vietcombank notification but matches none of its known layouts"
    );

    // The CLI does the same for the whole business; nothing new is readable now.
    let out = cli(
        &srv.db.url,
        &["feed", "reparse", "--email", "owner@hoasen.vn"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report,
        json!({"examined": 1, "created": 0, "duplicates": 0, "ignored": 0, "unparsed": 1})
    );
    assert_eq!(transactions(&srv, &t).await.len(), 1);
}

/// Feeds are created with defaults and checked settings, command feeds only on the server,
/// turned off with DELETE, and never visible to another business.
async fn managing_feeds(backend: Backend) {
    let Some((srv, t, account, _rx)) = setup(backend).await else {
        return;
    };
    let path = format!("/v2/accounts/{}/feeds", account.id);
    let (status, body) = srv.post(&path, &t.key, &json!({"kind": "demo"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["settings"], json!({"perMinute": 2.0}));
    assert_eq!(body["data"]["intervalSeconds"], 15);
    assert_eq!(body["data"]["enabled"], true);
    let demo_id = body["data"]["id"].as_i64().unwrap();
    for (bad, status_expected) in [
        (json!({"kind": "demo", "perMinute": 0}), 400),
        (json!({"kind": "demo", "intervalSeconds": 0}), 400),
        (json!({"kind": "demo", "secret": "s"}), 400),
        (json!({"kind": "notify", "perMinute": 3}), 400),
        (json!({"kind": "command", "program": "/bin/sh"}), 400),
        (json!({"kind": "command"}), 403),
        (json!({"kind": "mailbox"}), 403),
        (json!({"kind": "ftp"}), 400),
    ] {
        let (status, body) = srv.post(&path, &t.key, &bad).await;
        assert_eq!(status, status_expected, "{bad} -> {body}");
        assert_eq!(body["data"], Value::Null);
    }
    let (status, body) = srv.post(&path, &t.key, &json!({"kind": "notify"})).await;
    assert_eq!(status, 200);
    let notify_id = body["data"]["id"].as_i64().unwrap();
    let ingest_path = body["data"]["ingestPath"].as_str().unwrap().to_string();

    // Another business sees none of it.
    let other = srv.tenant("other@shop.vn", "Other shop").await;
    let (status, _) = srv
        .client
        .delete(format!("{}{path}/{demo_id}", srv.base))
        .header("Authorization", format!("Apikey {}", other.key))
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(status, 404);

    for id in [demo_id, notify_id] {
        let resp = srv
            .client
            .delete(format!("{}{path}/{id}", srv.base))
            .header("Authorization", format!("Apikey {}", t.key))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["data"]["enabled"], false, "{body}");
        assert_eq!(body["data"]["nextPollAt"], Value::Null, "{body}");
    }
    let resp = srv
        .client
        .delete(format!("{}{path}/999999", srv.base))
        .header("Authorization", format!("Apikey {}", t.key))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    // A disabled notification feed's URL is unknown.
    let resp = srv
        .client
        .post(format!("{}{ingest_path}", srv.base))
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    assert_eq!(feeds(&srv, &t, account.id).await.len(), 2);
}

/// PATCHes `body` to `path` with `key`; status and JSON.
async fn patch(srv: &TestServer, key: &str, path: &str, body: &Value) -> (u16, Value) {
    let resp = srv
        .client
        .patch(format!("{}{path}", srv.base))
        .header("Authorization", format!("Apikey {key}"))
        .json(body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

/// PATCH changes a demo feed's rate and interval (due at once), a notification feed's signing
/// key, and turns feeds off and on again (a notification feed's URL works again); settings a
/// feed's kind does not have, bad values, unknown feeds and another business's feeds are
/// refused, and a refused change changes nothing.
async fn changing_feeds(backend: Backend) {
    let Some((srv, t, account, _rx)) = setup(backend).await else {
        return;
    };
    let path = format!("/v2/accounts/{}/feeds", account.id);
    let (_, demo) = srv
        .post(
            &path,
            &t.key,
            &json!({"kind": "demo", "intervalSeconds": 3600}),
        )
        .await;
    let demo_path = format!("{path}/{}", demo["data"]["id"]);
    let (_, notify) = srv.post(&path, &t.key, &json!({"kind": "notify"})).await;
    let notify_path = format!("{path}/{}", notify["data"]["id"]);
    let ingest = notify["data"]["ingestPath"].as_str().unwrap().to_string();
    let forward = |body: &'static str| {
        let request = srv.client.post(format!("{}{ingest}", srv.base)).body(body);
        async move { request.send().await.unwrap().status().as_u16() }
    };

    // A demo feed's rate and interval; the other one kept when only one is given.
    let (status, body) = patch(&srv, &t.key, &demo_path, &json!({"perMinute": 5})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["data"]["settings"], &body["data"]["intervalSeconds"]),
        (&json!({"perMinute": 5.0}), &json!(3600)),
        "{body}"
    );
    let (status, body) = patch(&srv, &t.key, &demo_path, &json!({"intervalSeconds": 30})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["data"]["settings"], &body["data"]["intervalSeconds"]),
        (&json!({"perMinute": 5.0}), &json!(30)),
        "{body}"
    );
    // Off: no longer due; on again: due.
    let (_, body) = patch(&srv, &t.key, &demo_path, &json!({"enabled": false})).await;
    assert_eq!(
        (&body["data"]["enabled"], &body["data"]["nextPollAt"]),
        (&json!(false), &Value::Null),
        "{body}"
    );
    let (_, body) = patch(&srv, &t.key, &demo_path, &json!({"enabled": true})).await;
    assert_eq!(body["data"]["enabled"], true, "{body}");
    assert!(body["data"]["nextPollAt"].is_string(), "{body}");

    // A notification feed's signing key: set, then removed.
    let (status, body) = patch(&srv, &t.key, &notify_path, &json!({"secret": "k3y"})).await;
    assert_eq!(
        (status, &body["data"]["signed"]),
        (200, &json!(true)),
        "{body}"
    );
    assert_eq!(forward("hello").await, 401, "posts must be signed now");
    let (_, body) = patch(&srv, &t.key, &notify_path, &json!({"secret": ""})).await;
    assert_eq!(body["data"]["signed"], false, "{body}");
    assert_eq!(forward("hello").await, 200);
    // Off, then on again: the same URL works again.
    let (_, body) = patch(&srv, &t.key, &notify_path, &json!({"enabled": false})).await;
    assert_eq!(body["data"]["enabled"], false, "{body}");
    assert_eq!(forward("hello").await, 404);
    let (_, body) = patch(&srv, &t.key, &notify_path, &json!({"enabled": true})).await;
    assert_eq!(
        (&body["data"]["enabled"], &body["data"]["nextPollAt"]),
        (&json!(true), &Value::Null),
        "{body}"
    );
    assert_eq!(forward("hello").await, 200);

    // Refused, each with a message naming the field; nothing changes.
    for (feed, change, message) in [
        (
            &demo_path,
            json!({"secret": "k"}),
            "secret: only notification feeds have one",
        ),
        (
            &notify_path,
            json!({"perMinute": 3}),
            "perMinute and intervalSeconds are settings of demo feeds",
        ),
        (
            &notify_path,
            json!({"secret": " padded"}),
            "secret: at most 200 characters, without surrounding spaces",
        ),
        (
            &demo_path,
            json!({"perMinute": 0}),
            "perMinute: the demo rate must be above 0 and at most 60000 transfers per minute",
        ),
        (
            &demo_path,
            json!({"intervalSeconds": 0, "perMinute": 9}),
            "intervalSeconds: the poll interval must be between 1 s and 24 h",
        ),
    ] {
        let (status, body) = patch(&srv, &t.key, feed, &change).await;
        assert_eq!(
            (status, body["message"].as_str()),
            (400, Some(message)),
            "{change}"
        );
    }
    let (status, _) = patch(&srv, &t.key, &demo_path, &json!({"colour": "red"})).await;
    assert_eq!(status, 400);
    let (_, listed) = srv.get(&path, &t.key).await;
    assert_eq!(
        (
            &listed["data"][0]["settings"],
            &listed["data"][0]["intervalSeconds"],
            &listed["data"][1]["signed"]
        ),
        (&json!({"perMinute": 5.0}), &json!(30), &json!(false)),
        "{listed}"
    );
    let (status, _) = patch(
        &srv,
        &t.key,
        &format!("{path}/999999"),
        &json!({"enabled": true}),
    )
    .await;
    assert_eq!(status, 404);
    let other = srv.tenant("other@shop.vn", "Other shop").await;
    let (status, _) = patch(&srv, &other.key, &notify_path, &json!({"enabled": false})).await;
    assert_eq!(status, 404);
    assert_eq!(forward("hello").await, 200, "still on");
}

/// The `feed` commands add, list and turn off feeds, and refuse bad input with a clear line.
async fn feed_commands(backend: Backend) {
    let Some((srv, _t, _account, _rx)) = setup(backend).await else {
        return;
    };
    let url = srv.db.url.as_str();
    let run = |args: &[&str]| {
        let out = cli(url, args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (out.status.code(), stdout, stderr)
    };
    let owner = ["--email", "owner@hoasen.vn", "--account", "12345678"];
    let with = |command: &'static str, more: &[&'static str]| {
        let mut args = vec!["feed", command];
        args.extend_from_slice(&owner);
        args.extend_from_slice(more);
        args
    };

    let (code, out, err) = run(&with("add-notify", &[]));
    assert_eq!(code, Some(0), "{err}");
    let notify: Value = serde_json::from_str(&out).unwrap();
    assert!(
        notify["ingestPath"]
            .as_str()
            .unwrap()
            .starts_with("/ingest/notify/ttn_"),
        "{notify}"
    );
    assert_eq!(notify["signed"], false);
    let (code, out, err) = run(&with("add-demo", &["--per-minute", "3"]));
    assert_eq!(code, Some(0), "{err}");
    let demo: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&demo["kind"], &demo["intervalSeconds"]),
        (&json!("demo"), &json!(15))
    );

    for (args, message) in [
        (
            with("add-notify", &["--secret", " key"]),
            "error: --secret: at most 200 characters, without surrounding spaces\n",
        ),
        (
            with("add-demo", &["--per-minute", "0"]),
            "error: the demo rate must be above 0 and at most 60000 transfers per minute\n",
        ),
        (
            with("add-demo", &["--every", "0s"]),
            "error: --every: the poll interval must be between 1 s and 24 h\n",
        ),
        (
            vec![
                "feed",
                "add-demo",
                "--email",
                "owner@hoasen.vn",
                "--account",
                "999",
            ],
            "error: no account 999 in owner@hoasen.vn's business\n",
        ),
        (
            vec![
                "feed",
                "disable",
                "--email",
                "owner@hoasen.vn",
                "--id",
                "999",
            ],
            "error: no feed 999 in owner@hoasen.vn's business\n",
        ),
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (Some(1), "", message),
            "{args:?}"
        );
    }

    let id = demo["id"].as_i64().unwrap().to_string();
    let (code, out, _) = run(&["feed", "disable", "--email", "owner@hoasen.vn", "--id", &id]);
    assert_eq!((code, out), (Some(0), format!("feed {id} disabled\n")));
    let (_, out, _) = run(&["feed", "list", "--email", "owner@hoasen.vn"]);
    let listed: Value = serde_json::from_str(&out).unwrap();
    let summary: Vec<(&str, bool)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["kind"].as_str().unwrap(), f["enabled"].as_bool().unwrap()))
        .collect();
    assert_eq!(summary, [("notify", true), ("demo", false)]);

    // A new URL for the notification feed: printed once; the old path is gone from the server.
    let notify_id = notify["feedId"].as_i64().unwrap().to_string();
    let (code, out, err) = run(&[
        "feed",
        "new-url",
        "--email",
        "owner@hoasen.vn",
        "--id",
        &notify_id,
    ]);
    assert_eq!(code, Some(0), "{err}");
    let renewed: Value = serde_json::from_str(&out).unwrap();
    let path = renewed["ingestPath"].as_str().unwrap();
    assert!(
        path.starts_with("/ingest/notify/ttn_") && renewed["ingestPath"] != notify["ingestPath"],
        "{renewed}"
    );
    assert_eq!(renewed["feedId"], notify["feedId"]);
    let status_of = |path: &str| {
        let client = srv.client.post(format!("{}{path}", srv.base)).body("hello");
        async move { client.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status_of(notify["ingestPath"].as_str().unwrap()).await, 404);
    assert_eq!(status_of(path).await, 200);
    // The demo feed has no URL to renew.
    let (code, out, err) = run(&["feed", "new-url", "--email", "owner@hoasen.vn", "--id", &id]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            Some(1),
            "",
            &*format!("error: no enabled notification feed {id} in owner@hoasen.vn's business\n")
        )
    );

    // The demo feed turned back on; an unknown feed is an error.
    let (code, out, _) = run(&["feed", "enable", "--email", "owner@hoasen.vn", "--id", &id]);
    assert_eq!((code, out), (Some(0), format!("feed {id} enabled\n")));
    let (_, out, _) = run(&["feed", "list", "--email", "owner@hoasen.vn"]);
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed[1]["enabled"], true, "{listed}");
    let (code, _, err) = run(&[
        "feed",
        "enable",
        "--email",
        "owner@hoasen.vn",
        "--id",
        "999",
    ]);
    assert_eq!(
        (code, err.as_str()),
        (
            Some(1),
            "error: no feed 999 in owner@hoasen.vn's business\n"
        )
    );
}
