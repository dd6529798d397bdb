//! The notification feed end to end: forwarded bank messages posted to an account's ingest URL
//! (`POST /ingest/notify/{token}`) become transactions and webhooks; repeats are stored once;
//! unreadable texts are kept, not guessed; signatures and tokens are checked. Both backends.

mod common;

use std::time::Duration;

use common::{eventually, Backend, Receiver, Tenant, TestServer};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use tingting::delivery::policy::Policy;
use tingting::domain::{BankAccount, Feed, FeedToken, NewFeed};

/// The spec's Vietcombank SMS (account 0123456789012).
const VCB_SMS: &str = "SD TK 0123456789012 +2,500,000VND luc 03-05-2025 10:15:22. SD 12,345,678VND. Ref MBVCB.9876543210.DH1042.Thanh toan";
const VCB_ACCOUNT: &str = "0123456789012";

struct Env {
    srv: TestServer,
    t: Tenant,
    account: BankAccount,
    feed: Feed,
    path: String,
}

/// A server with its worker, a tenant with a Vietcombank account and a notification feed.
async fn setup(backend: Backend, secret: &str) -> Option<Env> {
    let policy = Policy {
        timeout: Duration::from_secs(2),
        ..Policy::default()
    };
    let srv = TestServer::start_with_worker(backend, policy).await?;
    let t = srv.tenant("owner@hoasen.vn", "Cửa hàng Hoa Sen").await;
    let account = srv.account(&t, "VCB", VCB_ACCOUNT).await;
    let token = FeedToken::generate();
    let new = NewFeed::notify(&token, secret).expect("a valid secret");
    let feed = srv
        .store
        .create_feed(t.user.business_id, account.id, &new)
        .await
        .expect("create feed");
    let path = format!("/ingest/notify/{}", token.expose());
    Some(Env {
        srv,
        t,
        account,
        feed,
        path,
    })
}

/// POSTs a body to a path (no API key); returns status and JSON.
async fn post(
    srv: &TestServer,
    path: &str,
    content_type: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Value) {
    let mut rb = srv
        .client
        .post(format!("{}{path}", srv.base))
        .header("content-type", content_type)
        .body(body.to_string());
    for (name, value) in headers {
        rb = rb.header(*name, *value);
    }
    let resp = rb.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("JSON body"))
}

/// A forwarded SMS becomes one transaction and one webhook; the same SMS again is a
/// duplicate that sends nothing.
async fn sms_to_transaction_and_webhook(backend: Backend) {
    let Some(Env { srv, t, path, .. }) = setup(backend, "").await else {
        return;
    };
    let rx = Receiver::start().await;
    let webhook = srv.webhook(&t, &rx.url).await;

    let (status, body) = post(&srv, &path, "text/plain", &[], VCB_SMS).await;
    assert_eq!(status, 200, "{body}");
    let data = &body["data"];
    assert_eq!(
        (data["received"].clone(), data["created"].clone()),
        (json!(1), json!(1)),
        "{body}"
    );
    assert_eq!(data["results"][0]["status"], "created", "{body}");
    let id = data["results"][0]["id"].as_i64().unwrap();

    let (status, got) = srv.get(&format!("/v2/transactions/{id}"), &t.key).await;
    assert_eq!(status, 200, "{got}");
    let record = &got["data"];
    assert_eq!(record["amount"], 2_500_000, "{record}");
    assert_eq!(record["description"], "DH1042.Thanh toan", "{record}");
    assert_eq!(record["tid"], "MBVCB.9876543210", "{record}");
    assert_eq!(record["cusumBalance"], 12_345_678, "{record}");
    assert_eq!(record["when"], "2025-05-03 10:15:22", "{record}");

    let hits = eventually(Duration::from_secs(5), async || {
        let b = rx.bodies();
        (!b.is_empty()).then_some(b)
    })
    .await;
    assert_eq!(hits[0]["data"][0]["id"], id, "{:?}", hits[0]);
    assert_eq!(hits[0]["data"][0]["amount"], 2_500_000);

    // The forwarder retries: the same text is recognised and delivers nothing new.
    let (status, again) = post(&srv, &path, "text/plain", &[], VCB_SMS).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["data"]["duplicates"], 1, "{again}");
    assert_eq!(again["data"]["results"][0]["status"], "duplicate");
    assert_eq!(again["data"]["results"][0]["id"], id);
    let (_, log) = srv
        .get(&format!("/v2/webhooks/{webhook}/deliveries"), &t.key)
        .await;
    assert_eq!(log["data"].as_array().unwrap().len(), 1, "{log}");
}

/// A template JSON from an SMS forwarder, and an alert e-mail, are read the same way.
async fn json_and_email_payloads(backend: Backend) {
    let Some(Env { srv, path, .. }) = setup(backend, "").await else {
        return;
    };
    let template = json!({"from": "Vietcombank", "text": VCB_SMS.replace("2,500,000", "150,000"),
                          "sentStamp": 1_746_242_122_000_i64});
    let (status, body) = post(&srv, &path, "application/json", &[], &template.to_string()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["created"], 1, "{body}");

    let email = format!(
        "From: Vietcombank <VCBDigibank@info.vietcombank.com.vn>\r\n\
         To: owner@hoasen.vn\r\nSubject: Bien dong so du\r\n\
         Date: Sat, 03 May 2025 10:16:00 +0700\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
        VCB_SMS.replace("2,500,000", "75,000")
    );
    let (status, body) = post(&srv, &path, "message/rfc822", &[], &email).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["created"], 1, "{body}");
}

/// Texts that are not transactions are ignored; texts that cannot be read with confidence,
/// or that name another account, are kept as unparsed (and listed by the CLI).
async fn ignored_and_unparsed(backend: Backend) {
    let Some(Env {
        srv, t, feed, path, ..
    }) = setup(backend, "").await
    else {
        return;
    };
    let otp = "Ma OTP cua Quy khach la 123456. Khong chia se ma nay voi bat ky ai.";
    let (status, body) = post(&srv, &path, "text/plain", &[], otp).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["ignored"], 1, "{body}");

    let other_account = VCB_SMS.replace(VCB_ACCOUNT, "9999999999999");
    let garbled = "SD TK 0123456789012 +2,5OO,OOOVND luc ??. SD";
    for text in [other_account.as_str(), garbled] {
        let (status, body) = post(&srv, &path, "text/plain", &[], text).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["unparsed"], 1, "{text}: {body}");
        assert!(
            body["data"]["results"][0]["reason"]
                .as_str()
                .is_some_and(|r| !r.is_empty()),
            "{body}"
        );
    }
    let (_, list) = srv
        .get(
            "/v2/transactions?fromDate=2025-05-01&toDate=2025-05-05",
            &t.key,
        )
        .await;
    assert_eq!(list["data"]["totalRecords"], 0, "{list}");

    let out = common::cli(
        &srv.db.url,
        &["feed", "unparsed", "--email", "owner@hoasen.vn"],
    );
    assert!(out.status.success(), "{out:?}");
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let texts: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, [garbled, other_account.as_str()], "{listed}");
    assert!(
        listed[1]["reason"].as_str().unwrap().contains("9999"),
        "{listed}"
    );

    let out = common::cli(&srv.db.url, &["feed", "list", "--email", "owner@hoasen.vn"]);
    let feeds: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(feeds[0]["id"], feed.id, "{feeds}");
    assert_eq!(feeds[0]["consecutiveFailures"], 2, "{feeds}");
    assert!(feeds[0]["lastError"]
        .as_str()
        .unwrap()
        .starts_with("unparsed text"));
}

/// With a secret, posts must carry its HMAC; unknown and malformed tokens look the same.
async fn signatures_and_tokens(backend: Backend) {
    let Some(Env { srv, path, .. }) = setup(backend, "s3cret").await else {
        return;
    };
    let body = json!({"from": "VCB", "text": VCB_SMS}).to_string();
    let (status, answer) = post(&srv, &path, "application/json", &[], &body).await;
    assert_eq!(
        (status, answer["error"].clone()),
        (401, json!(401)),
        "{answer}"
    );
    let (status, _) = post(
        &srv,
        &path,
        "application/json",
        &[("x-signature", &"0".repeat(64))],
        &body,
    )
    .await;
    assert_eq!(status, 401);
    let signature = signature("s3cret", &body);
    let (status, answer) = post(
        &srv,
        &path,
        "application/json",
        &[("x-signature", &signature)],
        &body,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["data"]["created"], 1, "{answer}");

    let unknown = format!("/ingest/notify/{}", FeedToken::generate().expose());
    for p in [unknown.as_str(), "/ingest/notify/not-a-token"] {
        let (status, answer) = post(&srv, p, "text/plain", &[], VCB_SMS).await;
        assert_eq!(status, 404, "{answer}");
        assert_eq!(answer["message"], "Unknown ingest URL", "{answer}");
    }
    let (status, answer) = post(
        &srv,
        &path,
        "application/json",
        &[("x-signature", &signature)],
        "{\"nothing\": 1}",
    )
    .await;
    assert_eq!(status, 401, "a signature for another body: {answer}");
}

/// A body the decoder cannot read is a 400 naming the problem.
async fn undecodable_body(backend: Backend) {
    let Some(Env { srv, path, .. }) = setup(backend, "").await else {
        return;
    };
    let (status, answer) = post(&srv, &path, "application/json", &[], "{\"from\": \"VCB\"}").await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["message"].as_str().unwrap().contains("text"),
        "{answer}"
    );
}

/// The account's feeds and unread texts through the API: create a feed (its ingest path is
/// shown once), list feeds with their health, list unparsed texts; other tenants get 404.
async fn feeds_api(backend: Backend) {
    let Some(Env {
        srv, t, account, ..
    }) = setup(backend, "").await
    else {
        return;
    };
    let feeds_path = format!("/v2/accounts/{}/feeds", account.id);
    let (status, created) = srv
        .post(&feeds_path, &t.key, &json!({"kind": "notify"}))
        .await;
    assert_eq!(status, 200, "{created}");
    let ingest_path = created["data"]["ingestPath"].as_str().unwrap().to_string();
    assert!(ingest_path.starts_with("/ingest/notify/ttn_"), "{created}");
    let (status, body) = post(&srv, &ingest_path, "text/plain", &[], VCB_SMS).await;
    assert_eq!(
        (status, body["data"]["created"].clone()),
        (200, json!(1)),
        "{body}"
    );
    let garbled = "SD TK 0123456789012 +2,5OO,OOOVND luc ??. SD";
    post(&srv, &ingest_path, "text/plain", &[], garbled).await;

    let (status, listed) = srv.get(&feeds_path, &t.key).await;
    assert_eq!(status, 200, "{listed}");
    let feeds = listed["data"].as_array().unwrap();
    assert_eq!(feeds.len(), 2, "{listed}");
    assert!(
        feeds.iter().all(|f| f.get("ingestPath").is_none()),
        "{listed}"
    );
    assert_eq!(feeds[1]["consecutiveFailures"], 1, "{listed}");

    let (status, unparsed) = srv
        .get(&format!("/v2/accounts/{}/unparsed", account.id), &t.key)
        .await;
    assert_eq!(status, 200, "{unparsed}");
    assert_eq!(unparsed["data"][0]["text"], garbled, "{unparsed}");
    assert_eq!(unparsed["data"].as_array().unwrap().len(), 1, "{unparsed}");

    let (status, _) = srv
        .post(&feeds_path, &t.key, &json!({"kind": "imap"}))
        .await;
    assert_eq!(status, 400);
    let other = srv.tenant("other@example.vn", "Other").await;
    let (status, _) = srv.get(&feeds_path, &other.key).await;
    assert_eq!(status, 404);
    let (status, _) = srv
        .post(&feeds_path, &other.key, &json!({"kind": "notify"}))
        .await;
    assert_eq!(status, 404);
}

/// HMAC-SHA256 of `body` with `secret`, as forwarders send it in `X-Signature`.
fn signature(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A new ingest URL (`POST .../feeds/{id}/token`) replaces the old one at once; the feed keeps
/// its id and signing key; pull feeds, turned-off feeds and other businesses' feeds get none.
async fn a_new_ingest_url_replaces_the_old(backend: Backend) {
    let Some(Env {
        srv,
        t,
        account,
        feed,
        path: old_path,
    }) = setup(backend, "s3cret").await
    else {
        return;
    };
    let token_path = |feed_id: i64| format!("/v2/accounts/{}/feeds/{feed_id}/token", account.id);
    let (status, answer) = srv.post(&token_path(feed.id), &t.key, &json!({})).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        (&answer["data"]["id"], &answer["data"]["signed"]),
        (&json!(feed.id), &json!(true)),
        "{answer}"
    );
    let new_path = answer["data"]["ingestPath"].as_str().unwrap().to_string();
    assert!(new_path.starts_with("/ingest/notify/ttn_") && new_path != old_path);
    let prefix = answer["data"]["tokenPrefix"].as_str().unwrap();
    assert!(
        new_path.contains(prefix) && !old_path.contains(prefix),
        "{answer}"
    );

    let body = json!({"from": "VCB", "text": VCB_SMS}).to_string();
    let signed = signature("s3cret", &body);
    let headers = [("x-signature", signed.as_str())];
    let (status, answer) = post(&srv, &old_path, "application/json", &headers, &body).await;
    assert_eq!(status, 404, "the old URL: {answer}");
    let (status, answer) = post(&srv, &new_path, "application/json", &headers, &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["data"]["created"], 1, "{answer}");
    let (status, answer) = post(&srv, &new_path, "text/plain", &[], VCB_SMS).await;
    assert_eq!(status, 401, "the signing key stays: {answer}");
    // The listing shows the new prefix, never the path.
    let (_, listed) = srv
        .get(&format!("/v2/accounts/{}/feeds", account.id), &t.key)
        .await;
    assert_eq!(listed["data"][0]["tokenPrefix"], json!(prefix), "{listed}");
    assert!(listed["data"][0].get("ingestPath").is_none(), "{listed}");

    // Refused: another business, an unknown feed, a demo feed, a feed turned off.
    let other = srv.tenant("other@example.vn", "Other").await;
    let (status, _) = srv.post(&token_path(feed.id), &other.key, &json!({})).await;
    assert_eq!(status, 404);
    let (status, _) = srv.post(&token_path(999_999), &t.key, &json!({})).await;
    assert_eq!(status, 404);
    let (_, demo) = srv
        .post(
            &format!("/v2/accounts/{}/feeds", account.id),
            &t.key,
            &json!({"kind": "demo"}),
        )
        .await;
    let demo_id = demo["data"]["id"].as_i64().unwrap();
    let (status, answer) = srv.post(&token_path(demo_id), &t.key, &json!({})).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["message"]
        .as_str()
        .unwrap()
        .contains("not a notification feed"));
    srv.store
        .disable_feed(t.user.business_id, None, feed.id)
        .await
        .unwrap();
    let (status, answer) = srv.post(&token_path(feed.id), &t.key, &json!({})).await;
    assert_eq!(status, 409, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("turned off"));
    let (status, _) = post(&srv, &new_path, "application/json", &headers, &body).await;
    assert_eq!(status, 404, "a feed turned off takes nothing");
}

both_backends!(
    feeds_api,
    a_new_ingest_url_replaces_the_old,
    sms_to_transaction_and_webhook,
    json_and_email_payloads,
    ignored_and_unparsed,
    signatures_and_tokens,
    undecodable_body,
);
