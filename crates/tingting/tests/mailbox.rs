//! The mailbox feed end to end against a real dovecot (skipped when dovecot is not
//! installed, unless `TINGTING_TEST_REQUIRE_DOVECOT=1`): added with the CLI, alert e-mails
//! fetched over TLS become transactions and webhooks on `/v2/sync`, mail from other senders
//! is left alone, unreadable alerts are kept; after a restart of both the mail server and
//! tingting, only the new mail is read. Both backends.

mod common;
#[path = "../../mailbox/tests/support/dovecot.rs"]
#[allow(dead_code)]
mod dovecot;

use std::time::Duration;

use base64::Engine;
use common::{cli, eventually, Backend, Receiver, ServeProcess, Tenant, TestServer};
use dovecot::Dovecot;
use serde_json::{json, Value};
use tingting::delivery::policy::Policy;

both_backends!(alert_mail_becomes_transactions_across_restarts);

const ACCOUNT: &str = "0123456789012";
const VCB: &str = "Vietcombank <VCBDigibank@info.vietcombank.com.vn>";

/// A Vietcombank alert e-mail whose body is the balance-change text.
fn alert(from: &str, id: u32, text: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: owner@hoasen.vn\r\nSubject: Thong bao bien dong so du\r\n\
         Date: Sat, 03 May 2025 10:16:{id:02} +0700\r\nMessage-ID: <alert-{id}@vcb.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
    )
    .into_bytes()
}

/// A balance-change text for `amount` (written `2,500,000`) with reference `MBVCB.{serial}`.
fn text(amount: &str, balance: &str, time: &str, serial: u32) -> String {
    format!(
        "SD TK {ACCOUNT} +{amount}VND luc 03-05-2025 {time}. SD {balance}VND. Ref MBVCB.{serial}.DH{serial}.Thanh toan"
    )
}

/// Syncs the account; it must complete within the wait.
async fn sync(srv: &TestServer, t: &Tenant) {
    let resp = srv
        .client
        .post(format!("{}/v2/sync", srv.base))
        .header("Authorization", format!("Apikey {}", t.key))
        .json(&json!({"bank_acc_id": ACCOUNT}))
        .send()
        .await
        .expect("sync");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-tingting-sync"], "complete");
}

/// The account's transactions of 2025-05-03 as (amount, reference, source text).
async fn stored(srv: &TestServer, t: &Tenant) -> Vec<(i64, String)> {
    let (status, page) = srv
        .get(
            "/v2/transactions?fromDate=2025-05-03&toDate=2025-05-03&pageSize=100",
            &t.key,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    page["data"]["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| {
            (
                r["amount"].as_i64().unwrap(),
                r["tid"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// How many unread texts the account's feeds kept.
async fn unparsed(srv: &TestServer, t: &Tenant, account: i64) -> usize {
    let (status, texts) = srv
        .get(&format!("/v2/accounts/{account}/unparsed"), &t.key)
        .await;
    assert_eq!(status, 200, "{texts}");
    texts["data"].as_array().map_or(0, Vec::len)
}

/// The mailbox feed as `GET /v2/accounts/{id}/feeds` shows it.
async fn feed(srv: &TestServer, t: &Tenant, account: i64) -> Value {
    let (status, feeds) = srv
        .get(&format!("/v2/accounts/{account}/feeds"), &t.key)
        .await;
    assert_eq!(status, 200, "{feeds}");
    feeds["data"][0].clone()
}

async fn alert_mail_becomes_transactions_across_restarts(backend: Backend) {
    let Some(mut mail) = Dovecot::start() else {
        return;
    };
    let policy = Policy {
        timeout: Duration::from_secs(2),
        ..Policy::default()
    };
    let Some(mut srv) = TestServer::start_with_worker(backend, policy).await else {
        return;
    };
    let rx = Receiver::start().await;
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "VCB", ACCOUNT).await;
    srv.webhook(&t, &rx.url).await;

    // Two alerts, a newsletter from another sender, and an alert the parsers cannot read.
    mail.deliver(
        "INBOX",
        &alert(VCB, 1, &text("2,500,000", "12,345,678", "10:15:22", 1042)),
    );
    mail.deliver("INBOX", &alert("Shop news <news@shop.example>", 2, "Sale!"));
    mail.deliver(
        "INBOX",
        &alert(VCB, 3, &text("150,000", "12,495,678", "10:20:05", 1043)),
    );
    mail.deliver(
        "INBOX",
        &alert(
            VCB,
            4,
            &format!("SD TK {ACCOUNT} thay doi +??? VND luc 03-05-2025"),
        ),
    );

    // Added with the CLI, trusting the test server's certificate; the password comes from
    // the environment and is never shown.
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    let der = base64::engine::general_purpose::STANDARD.encode(mail.ca_cert().as_ref());
    let lines: Vec<&str> = der
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    );
    std::fs::write(&ca, pem).unwrap();
    let (username, password) = mail.user();
    let port = mail.imaps_port().to_string();
    let args = [
        "feed",
        "add-mailbox",
        "--email",
        "owner@hoasen.vn",
        "--account",
        ACCOUNT,
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--username",
        username,
        "--from",
        "vietcombank.com.vn",
        "--ca-file",
        ca.to_str().unwrap(),
        "--every",
        "1h",
    ];
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tingting"))
        .arg("--database")
        .arg(&srv.db.url)
        .args(args)
        .env("TINGTING_MAILBOX_PASSWORD", password)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("\"password\":\"********\""), "{shown}");
    assert!(!shown.contains(password), "{shown}");
    // Without a password the CLI refuses.
    let refused = cli(&srv.db.url, &args);
    assert!(!refused.status.success());

    sync(&srv, &t).await;
    let mut got = stored(&srv, &t).await;
    got.sort();
    assert_eq!(
        got,
        [
            (150_000, "MBVCB.1043".to_string()),
            (2_500_000, "MBVCB.1042".to_string())
        ]
    );
    let f = feed(&srv, &t, account.id).await;
    assert_eq!(f["kind"], "mailbox");
    assert_eq!(f["consecutiveFailures"], 0, "{f}");
    // The new feed may have been polled before the sync's poll, which then found nothing.
    let log = f["lastLog"].as_str().unwrap_or_default();
    assert!(
        log == "3 message(s) fetched from INBOX: 2 transaction(s), 0 ignored, 1 unread"
            || log == "0 message(s) fetched from INBOX: 0 transaction(s), 0 ignored, 0 unread",
        "{f}"
    );
    // The unreadable alert is kept once (a mail read twice would be kept twice).
    assert_eq!(unparsed(&srv, &t, account.id).await, 1);
    let delivered = eventually(Duration::from_secs(10), async || {
        let n = rx.bodies().len();
        (n >= 2).then_some(n)
    })
    .await;
    assert_eq!(delivered, 2);

    // Both restart; one more alert arrives meanwhile. The new instance reads only it.
    srv.stop();
    let old = srv.base.clone();
    eventually(Duration::from_secs(10), async || {
        let gone = srv
            .client
            .get(format!("{old}/healthz"))
            .send()
            .await
            .is_err();
        gone.then_some(())
    })
    .await;
    mail.restart();
    mail.deliver(
        "INBOX",
        &alert(VCB, 5, &text("99,000", "12,594,678", "10:30:00", 1044)),
    );
    let child = ServeProcess::spawn(&srv.db.url, &[]);
    let srv = srv.with_base(&child.base);
    sync(&srv, &t).await;
    let f = feed(&srv, &t, account.id).await;
    // The poll that read it may have been followed by one that found nothing (a second claim
    // racing the sync); either way the old mails were not read again: the unreadable one is
    // still kept once.
    let log = f["lastLog"].as_str().unwrap_or_default();
    assert!(
        log == "1 message(s) fetched from INBOX: 1 transaction(s), 0 ignored, 0 unread"
            || log == "0 message(s) fetched from INBOX: 0 transaction(s), 0 ignored, 0 unread",
        "{f}"
    );
    assert_eq!(stored(&srv, &t).await.len(), 3);
    assert_eq!(unparsed(&srv, &t, account.id).await, 1);
    // Nothing new: the next poll fetches nothing.
    sync(&srv, &t).await;
    let f = feed(&srv, &t, account.id).await;
    assert_eq!(
        f["lastLog"], "0 message(s) fetched from INBOX: 0 transaction(s), 0 ignored, 0 unread",
        "{f}"
    );
    child.kill();
}
