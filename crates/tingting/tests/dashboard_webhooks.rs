//! The dashboard's webhooks pages against the real server. In headless Chromium an owner
//! creates a Standard Webhooks webhook for one account, reveals its secret and sends a test:
//! the ping reaches a real receiver on loopback (signed with that secret) through the server's
//! delivery worker, and the page's delivery log shows it succeed with its request and response.
//! Plain HTTP tests cover the form's validation (the API's own, with its words), editing,
//! disabling, rotating the secret and deleting; CSRF (403, nothing changes); another
//! business's webhooks and deliveries (404, nothing changes); the log's pages, retrying a
//! failed delivery and replaying a range of days. Screenshots are kept in
//! `target/test-artifacts/dashboard-{sqlite,postgres}/`. Both backends.

#[path = "support/browser.rs"]
mod browser;
mod common;
#[path = "support/dashboard.rs"]
mod dashboard;

use std::time::Duration;

use browser::{artifacts_dir, Browser};
use chrono::{SecondsFormat, Utc};
use common::{cli_with_stdin, eventually, vn_today, Backend, Receiver, Tenant, TestServer};
use dashboard::{
    arrive, client, csrf_of, decoded, get, owner, post_form, sign_in, sign_in_browser,
};
use serde_json::{json, Value};
use tingting::delivery::policy::Policy;
use tingting::delivery::signing::StandardSecret;
use tingting::storage::{AttemptRecord, NextStep};

both_backends!(
    create_and_test_in_the_browser,
    forms_validate_edit_rotate_and_delete,
    csrf_and_other_businesses,
    log_pages_retry_and_replay,
);

/// A server with its delivery worker (loopback receivers allowed) and the dashboard's owner.
async fn owner_with_worker(backend: Backend) -> Option<(TestServer, Tenant)> {
    let srv = TestServer::start_with_worker(backend, Policy::default()).await?;
    let t = srv.tenant(dashboard::EMAIL, "Cửa hàng Hoa Sen").await;
    let set = cli_with_stdin(
        &srv.db.url,
        &["user", "set-password", "--email", dashboard::EMAIL],
        &format!("{}\n", dashboard::PASSWORD),
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    Some((srv, t))
}

/// The CSRF token of the signed-in client's session (from the list page).
async fn csrf(client: &reqwest::Client, srv: &TestServer) -> String {
    let (status, html) = get(client, srv, "/dashboard/webhooks").await;
    assert_eq!(status, 200, "{html}");
    csrf_of(&html)
}

/// A webhook of the API, by id, with the tenant's key.
async fn api_webhook(srv: &TestServer, t: &Tenant, id: i64) -> (u16, Value) {
    srv.get(&format!("/v2/webhooks/{id}"), &t.key).await
}

/// A webhook's deliveries, as the API lists them.
async fn api_deliveries(srv: &TestServer, t: &Tenant, id: i64) -> Vec<Value> {
    let (status, body) = srv
        .get(&format!("/v2/webhooks/{id}/deliveries?limit=200"), &t.key)
        .await;
    assert_eq!(status, 200, "{body}");
    body["data"].as_array().unwrap().clone()
}

fn ago(seconds: i64) -> String {
    (Utc::now() - chrono::Duration::seconds(seconds)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn create_and_test_in_the_browser(backend: Backend) {
    let Some((srv, t)) = owner_with_worker(backend).await else {
        return;
    };
    let acb = srv.account(&t, "ACB", "12345678").await;
    srv.account(&t, "VCB", "0123456789012").await;
    let rx = Receiver::start().await;
    let Some(browser) = Browser::start("vi").await else {
        return;
    };
    let shots = artifacts_dir().join(format!("dashboard-{backend:?}").to_lowercase());
    sign_in_browser(&browser, &srv).await;

    browser
        .goto(&format!("{}/dashboard/webhooks", srv.base))
        .await;
    assert_eq!(
        browser.text("#no-webhooks").await.as_deref(),
        Some("Chưa có webhook nào.")
    );
    browser.fill("#wh-url", &rx.url).await;
    browser.click("#wh-format option[value=standard]").await;
    browser
        .click(&format!("input[name=account][value='{}']", acb.id))
        .await;
    browser.screenshot(&shots.join("webhooks-create.png")).await;
    browser.click("#create").await;
    arrive(&browser, "done=created").await;
    assert_eq!(
        browser.text("#done").await.as_deref(),
        Some("Đã tạo webhook.")
    );
    let url = browser.url().await;
    let id: i64 = url
        .split("/dashboard/webhooks/")
        .nth(1)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let stored = srv
        .store
        .get_webhook(t.user.business_id, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.spec.url.as_str(), rx.url);
    assert_eq!(stored.spec.account_ids, Some(vec![acb.id]));

    // The secret: masked until revealed, and the one that signs.
    let secret = stored.spec.secret.clone();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let masked = browser.text("#secret-masked").await.unwrap();
    assert!(masked.ends_with(&secret[secret.len() - 4..]) && !masked.contains("whsec_"));
    assert_eq!(
        browser.text("#secret-value").await.as_deref(),
        Some(""),
        "hidden"
    );
    browser.click("#secret-reveal summary").await;
    assert_eq!(browser.text("#secret-value").await, Some(secret.clone()));
    browser.eval("window.scrollTo(0, 0);", vec![]).await;
    browser.screenshot(&shots.join("webhook-secret.png")).await;

    browser.click("#send-test").await;
    arrive(&browser, "done=test").await;
    // The log follows the pending ping (webhooks.js) until the receiver has it.
    let row = "#deliveries li[data-kind=test]";
    browser
        .wait_for_text(&format!("{row} .status"), "Thành công")
        .await;
    let (headers, body) = eventually(Duration::from_secs(10), async || {
        rx.requests().into_iter().next()
    })
    .await;
    assert!(body.contains("MA_GIAO_DICH_THU_NGHIEM"), "{body}");
    let header = |name: &str| headers[name].to_str().unwrap().to_string();
    let signature = StandardSecret::parse(&secret).unwrap().sign(
        &header("webhook-id"),
        header("webhook-timestamp").parse().unwrap(),
        &body,
    );
    assert_eq!(
        header("webhook-signature"),
        signature,
        "signed with the shown secret"
    );
    assert!(browser
        .text(&format!("{row} .http"))
        .await
        .unwrap()
        .starts_with("200"));
    assert_eq!(
        browser.text(&format!("{row} .attempts")).await.as_deref(),
        Some("1")
    );
    browser
        .click(&format!("{row} details.response summary"))
        .await;
    assert_eq!(
        browser
            .text(&format!("{row} details.response pre"))
            .await
            .as_deref(),
        Some("ok")
    );
    browser
        .click(&format!("{row} details.request summary"))
        .await;
    let request = browser
        .text(&format!("{row} details.request pre"))
        .await
        .unwrap();
    assert!(request.contains("MA_GIAO_DICH_THU_NGHIEM"), "{request}");
    assert!(
        body.starts_with(&request),
        "the excerpt is the start of what was sent"
    );
    assert_eq!(rx.requests().len(), 1, "one ping, sent once");
    browser
        .eval(
            "document.getElementById('deliveries').scrollIntoView();",
            vec![],
        )
        .await;
    browser.screenshot(&shots.join("webhook.png")).await;

    // The list: its account, its last delivery.
    browser.click("#nav-webhooks").await;
    arrive(&browser, "/dashboard/webhooks?lang=vi").await;
    let listed = browser.text(&format!("#webhook-{id}")).await.unwrap();
    assert!(
        listed.contains("ACB · 12345678") && listed.contains("Thành công"),
        "{listed}"
    );
    assert!(
        listed.contains("Đang bật") && listed.contains("standard"),
        "{listed}"
    );
    browser.screenshot(&shots.join("webhooks.png")).await;

    // English, on a phone.
    browser
        .goto(&format!("{}/dashboard/webhooks/{id}?lang=en", srv.base))
        .await;
    assert_eq!(
        browser.text("#send-test").await.as_deref(),
        Some("Send test")
    );
    assert_eq!(
        browser.text(&format!("{row} .status")).await.as_deref(),
        Some("Succeeded")
    );
    let overflow = browser
        .eval(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await;
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "no sideways scrolling: {overflow}"
    );
    browser.screenshot(&shots.join("webhook-en.png")).await;
    browser.quit().await;
}

async fn forms_validate_edit_rotate_and_delete(backend: Backend) {
    let Some((srv, t)) = owner(backend).await else {
        return;
    };
    let acb = srv.account(&t, "ACB", "12345678").await;
    let other = srv.tenant("other@example.vn", "Công ty Khác").await;
    let foreign = srv.account(&other, "ACB", "99990000").await;
    let c = client();
    sign_in(&c, &srv).await;
    let token = csrf(&c, &srv).await;
    let foreign_id = foreign.id.to_string();
    let acb_id = acb.id.to_string();
    let base = |url: &'static str| {
        vec![
            ("csrf", token.clone()),
            ("url", url.to_string()),
            ("format", "legacy".to_string()),
            ("event", "transaction".to_string()),
            ("enabled", "1".to_string()),
        ]
    };
    let send = async |fields: Vec<(&str, String)>, path: &str| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body, location) = post_form(&c, &srv, path, &fields).await;
        (status, body, location.unwrap_or_default())
    };

    // Refused: each with its reason, nothing created.
    let (status, html, _) = send(base("shop.vn/hook"), "/dashboard/webhooks").await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"data-error="url""#), "{html}");
    assert!(
        decoded(&html).contains(r#"value="shop.vn/hook""#),
        "the form keeps what was typed"
    );
    let mut fields = base("https://shop.example.vn/hook");
    fields.push(("account", foreign_id.clone()));
    let (status, html, _) = send(fields, "/dashboard/webhooks").await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"data-error="account""#), "{html}");
    // The API refuses the same, in the same words.
    let (api_status, api) = srv
        .post(
            "/v2/webhooks",
            &t.key,
            &json!({"webhook": "https://shop.example.vn/hook", "bank_accounts": [foreign.id]}),
        )
        .await;
    assert_eq!(api_status, 400);
    let message = api["message"].as_str().unwrap();
    assert!(
        decoded(&html).contains(message),
        "{message} not in the page"
    );
    let mut fields = base("https://shop.example.vn/hook");
    fields.push(("event", "payment_request".to_string()));
    let (status, html, _) = send(fields, "/dashboard/webhooks").await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"data-error="payments_standard""#), "{html}");
    let fields: Vec<_> = base("https://shop.example.vn/hook")
        .into_iter()
        .filter(|(k, _)| *k != "event")
        .collect();
    let (status, html, _) = send(fields, "/dashboard/webhooks").await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"data-error="events""#), "{html}");
    let (status, html) = get(&c, &srv, "/dashboard/webhooks").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="no-webhooks""#), "nothing was created");

    // Created: Casso V2, one account, money in only, disabled.
    let fields = vec![
        ("csrf", token.clone()),
        ("url", "https://shop.example.vn/hook".to_string()),
        ("format", "casso_v2".to_string()),
        ("event", "transaction".to_string()),
        ("account", acb_id.clone()),
        ("income_only", "1".to_string()),
    ];
    let (status, _, location) = send(fields, "/dashboard/webhooks").await;
    assert_eq!(status, 303);
    let id: i64 = location
        .strip_prefix("/dashboard/webhooks/")
        .and_then(|l| l.strip_suffix("?lang=vi&done=created"))
        .unwrap_or_else(|| panic!("{location}"))
        .parse()
        .unwrap();
    let (_, view) = api_webhook(&srv, &t, id).await;
    let w = &view["data"];
    assert_eq!(w["format"], "casso_v2");
    assert_eq!(w["bank_accounts"], json!(["12345678"]));
    assert_eq!(w["send_only_income"], 1);
    assert_eq!(w["enabled"], false);
    assert_eq!(w["disabled_reason"], "turned off on the dashboard");
    let secret = |srv: &TestServer| {
        let store = srv.store.clone();
        let business = t.user.business_id;
        async move {
            store
                .get_webhook(business, id)
                .await
                .unwrap()
                .unwrap()
                .spec
                .secret
        }
    };
    let first = secret(&srv).await;
    assert_eq!(first.len(), 64, "a Casso V2 secret was generated");
    let page = format!("/dashboard/webhooks/{id}");
    let (status, html) = get(&c, &srv, &page).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"id="secret-value">{first}<"#)));
    assert!(html.contains(&format!("••••••••{}", &first[60..])));
    assert!(html.contains(r#"id="state">Đã tắt<"#), "{html}");

    // Edited: enabled, every account; the secret stays with the format.
    let mut fields = base("https://shop.example.vn/v2");
    fields[2].1 = "casso_v2".into();
    let (status, _, location) = send(fields, &page).await;
    assert_eq!(status, 303);
    assert_eq!(location, format!("{page}?lang=vi&done=saved"));
    let (_, view) = api_webhook(&srv, &t, id).await;
    assert_eq!(view["data"]["enabled"], true);
    assert_eq!(view["data"]["bank_accounts"], Value::Null);
    assert_eq!(view["data"]["param1"], "https://shop.example.vn/v2");
    let second = secret(&srv).await;
    assert_eq!(second, first, "the secret stays while the format does");
    // An invalid edit changes nothing.
    let (status, html, _) = send(base("ftp://shop.example.vn/"), &page).await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"data-error="url""#));
    let (_, view) = api_webhook(&srv, &t, id).await;
    assert_eq!(view["data"]["param1"], "https://shop.example.vn/v2");

    // Rotated: a new secret, shown with the warning.
    let rotate = format!("{page}/rotate");
    let (status, _, location) = send(vec![("csrf", token.clone())], &rotate).await;
    assert_eq!(
        (status, location.as_str()),
        (303, &*format!("{page}?lang=vi&done=rotated"))
    );
    let third = secret(&srv).await;
    assert!(third != second && third.len() == 64);
    let (_, html) = get(&c, &srv, &format!("{page}?done=rotated&lang=en")).await;
    assert!(html.contains(r#"<details id="secret-reveal" open>"#));
    assert!(html.contains(&format!(r#"id="secret-value">{third}<"#)));
    assert!(html.contains(r#"id="rotated""#) && html.contains("update it at the receiver"));
    let (_, view) = api_webhook(&srv, &t, id).await;
    assert_eq!(view["data"]["enabled"], true, "rotating keeps it enabled");
    // Saved with "enabled" unticked: off, for the owner's reason; rotating keeps it off.
    let mut fields = base("https://shop.example.vn/v2");
    fields[2].1 = "casso_v2".into();
    fields.retain(|(name, _)| *name != "enabled");
    let (status, _, _) = send(fields, &page).await;
    assert_eq!(status, 303);
    let (status, _, _) = send(vec![("csrf", token.clone())], &rotate).await;
    assert_eq!(status, 303);
    let (_, view) = api_webhook(&srv, &t, id).await;
    assert_eq!(view["data"]["enabled"], false, "{view}");
    assert_eq!(
        view["data"]["disabled_reason"],
        "turned off on the dashboard"
    );
    assert!(secret(&srv).await != third, "rotated while off");

    // Deleted.
    let (status, _, location) =
        send(vec![("csrf", token.clone())], &format!("{page}/delete")).await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/dashboard/webhooks?lang=vi&done=deleted")
    );
    assert_eq!(api_webhook(&srv, &t, id).await.0, 404);
    let (status, html) = get(&c, &srv, "/dashboard/webhooks?done=deleted").await;
    assert_eq!(status, 200);
    assert!(html.contains("Đã xoá webhook.") && html.contains(r#"id="no-webhooks""#));
}

async fn csrf_and_other_businesses(backend: Backend) {
    let Some((srv, t)) = owner(backend).await else {
        return;
    };
    let mine = srv.webhook(&t, "https://shop.example.vn/mine").await;
    let other = srv.tenant("other@example.vn", "Công ty Khác").await;
    let theirs = srv.webhook(&other, "https://other.example.vn/theirs").await;
    let (status, ping) = srv
        .post(
            &format!("/v2/webhooks/{theirs}/test"),
            &other.key,
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{ping}");
    let their_delivery = ping["data"]["id"].as_i64().unwrap();
    let c = client();
    sign_in(&c, &srv).await;
    let token = csrf(&c, &srv).await;

    // Without the session's token: 403, nothing changes.
    for token in ["", "not-the-token"] {
        let create = [
            ("csrf", token),
            ("url", "https://x.example.vn/h"),
            ("format", "legacy"),
            ("event", "transaction"),
            ("enabled", "1"),
        ];
        let (status, _, _) = post_form(&c, &srv, "/dashboard/webhooks", &create).await;
        assert_eq!(status, 403);
        for action in ["", "/test", "/delete", "/rotate", "/replay"] {
            let path = format!("/dashboard/webhooks/{mine}{action}");
            let fields = [
                ("csrf", token),
                ("url", "https://x.example.vn/h"),
                ("from", "2026-01-01"),
                ("to", "2026-01-02"),
            ];
            let (status, _, _) = post_form(&c, &srv, &path, &fields).await;
            assert_eq!(status, 403, "{path}");
        }
    }
    let (_, list) = srv.get("/v2/webhooks", &t.key).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["data"][0]["param1"], "https://shop.example.vn/mine");
    assert!(
        api_deliveries(&srv, &t, mine).await.is_empty(),
        "no test was sent"
    );

    // Another business's webhook: 404 to look at, and to every action.
    let stored = srv
        .store
        .get_webhook(other.user.business_id, theirs)
        .await
        .unwrap();
    for path in [
        format!("/dashboard/webhooks/{theirs}"),
        "/dashboard/webhooks/abc".into(),
    ] {
        let (status, html) = get(&c, &srv, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains(r#"id="missing""#) && !html.contains("other.example.vn"));
    }
    for action in ["", "/test", "/delete", "/rotate", "/replay"] {
        let path = format!("/dashboard/webhooks/{theirs}{action}");
        let fields = [
            ("csrf", token.as_str()),
            ("url", "https://x.example.vn/h"),
            ("format", "casso_v2"),
            ("event", "transaction"),
            ("enabled", "1"),
            ("from", "2026-01-01"),
            ("to", "2026-01-02"),
        ];
        let (status, html, _) = post_form(&c, &srv, &path, &fields).await;
        assert_eq!(status, 404, "{path}");
        assert!(!html.contains("other.example.vn"));
    }
    for path in [
        format!("/dashboard/webhooks/{mine}/deliveries/{their_delivery}/retry"),
        format!("/dashboard/webhooks/{theirs}/deliveries/{their_delivery}/retry"),
    ] {
        let (status, _, _) = post_form(&c, &srv, &path, &[("csrf", &token)]).await;
        assert_eq!(status, 404, "{path}");
    }
    assert_eq!(
        srv.store
            .get_webhook(other.user.business_id, theirs)
            .await
            .unwrap(),
        stored,
        "their webhook is as it was"
    );
    assert_eq!(
        api_deliveries(&srv, &other, theirs).await.len(),
        1,
        "no ping added"
    );
    assert!(api_deliveries(&srv, &t, mine).await.is_empty());
}

async fn log_pages_retry_and_replay(backend: Backend) {
    let Some((srv, t)) = owner(backend).await else {
        return;
    };
    srv.account(&t, "ACB", "12345678").await;
    let id = srv.webhook(&t, "https://shop.example.vn/hook").await;
    let items = (0..23)
        .map(|i| json!({"bookedAt": ago(5 + i), "amount": 10_000 + i, "description": format!("DH{i}")}))
        .collect();
    srv.ingest(&t, "12345678", items).await;
    let c = client();
    sign_in(&c, &srv).await;
    let token = csrf(&c, &srv).await;
    let page = format!("/dashboard/webhooks/{id}");

    // Pages of 20, newest first (no worker runs: all pending).
    let (status, html) = get(&c, &srv, &page).await;
    assert_eq!(status, 200);
    assert_eq!(html.matches(r#"<li id="delivery-"#).count(), 20);
    assert!(html.contains(r#"data-pending="1""#));
    let html = decoded(&html);
    let older = html
        .split(r#"id="older" href=""#)
        .nth(1)
        .expect("an older page");
    let older = older.split('"').next().unwrap().to_string();
    let (status, html) = get(&c, &srv, &older).await;
    assert_eq!(status, 200);
    assert_eq!(html.matches(r#"<li id="delivery-"#).count(), 3);
    assert!(html.contains(r#"id="newest""#) && !html.contains(r#"id="older""#));

    // A failed delivery: its excerpts and a retry.
    let deliveries = api_deliveries(&srv, &t, id).await;
    let failed = deliveries[5]["id"].as_i64().unwrap();
    srv.store
        .finish_attempts(&[AttemptRecord {
            business_id: t.user.business_id,
            delivery_id: failed,
            webhook_id: id,
            now: tingting::domain::time::now_ms(),
            next: NextStep::Failed,
            http_status: Some(500),
            error: "HTTP 500".into(),
            latency_ms: 12,
            response_excerpt: "<h1>boom</h1>".into(),
            request_excerpt: r#"{"error":0,"data":[{"id":1}]}"#.into(),
            disable: None,
            disable_if_failing_since: 0,
        }])
        .await
        .unwrap();
    let (_, html) = get(&c, &srv, &page).await;
    let row = html
        .split(&format!(r#"<li id="delivery-{failed}""#))
        .nth(1)
        .unwrap()
        .split("</li>")
        .next()
        .unwrap();
    assert!(
        row.contains(r#"data-status="failed""#) && row.contains("HTTP 500"),
        "{row}"
    );
    assert!(
        row.contains("&lt;h1&gt;boom&lt;&#x2f;h1&gt;"),
        "escaped: {row}"
    );
    assert!(row.contains("{&quot;error&quot;:0"), "{row}");
    assert!(
        row.contains(&format!("/deliveries/{failed}/retry")),
        "{row}"
    );
    assert_eq!(
        html.matches("btn secondary small retry").count(),
        1,
        "only failed ones"
    );
    let retry = format!("{page}/deliveries/{failed}/retry");
    let (status, _, location) = post_form(&c, &srv, &retry, &[("csrf", &token)]).await;
    assert_eq!(
        (status, location),
        (303, Some(format!("{page}?lang=vi&done=retried")))
    );
    let again = api_deliveries(&srv, &t, id).await;
    let d = again.iter().find(|d| d["id"] == failed).unwrap();
    assert_eq!(d["status"], "pending", "{d}");
    assert_eq!(
        d["requestExcerpt"], r#"{"error":0,"data":[{"id":1}]}"#,
        "the API shows it too"
    );
    assert_eq!(d["responseExcerpt"], "<h1>boom</h1>");

    // Replays: yesterday and today (the transactions were booked seconds ago).
    let today = vn_today();
    let yesterday = (chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").unwrap()
        - chrono::Duration::days(1))
    .to_string();
    let replay = format!("{page}/replay");
    let fields = [
        ("csrf", token.as_str()),
        ("from", &yesterday),
        ("to", &today),
    ];
    let (status, _, location) = post_form(&c, &srv, &replay, &fields).await;
    assert_eq!(status, 303);
    assert_eq!(
        location,
        Some(format!("{page}?lang=vi&done=replayed&count=23"))
    );
    assert_eq!(api_deliveries(&srv, &t, id).await.len(), 46);
    let (_, html) = get(&c, &srv, &format!("{page}?done=replayed&count=23")).await;
    assert!(html.contains(r#"id="replayed">23<"#));
    for (from, to, status, error) in [
        (today.as_str(), yesterday.as_str(), 400, "range"),
        ("30/11/2026", today.as_str(), 400, "date"),
    ] {
        let fields = [("csrf", token.as_str()), ("from", from), ("to", to)];
        let (got, html, _) = post_form(&c, &srv, &replay, &fields).await;
        assert_eq!(got, status, "{from}..{to}");
        assert!(html.contains(&format!(r#"data-error="{error}""#)), "{html}");
        assert!(
            decoded(&html).contains(&format!(r#"value="{from}""#)),
            "keeps the dates"
        );
    }
    let webhook = srv
        .store
        .get_webhook(t.user.business_id, id)
        .await
        .unwrap()
        .unwrap();
    srv.store
        .update_webhook(
            t.user.business_id,
            id,
            &webhook.spec,
            Some("receiver answered 410 Gone"),
        )
        .await
        .unwrap();
    let fields = [("csrf", token.as_str()), ("from", &today), ("to", &today)];
    let (status, html, _) = post_form(&c, &srv, &replay, &fields).await;
    assert_eq!(status, 409);
    assert!(html.contains(r#"data-error="disabled""#));
    assert_eq!(
        api_deliveries(&srv, &t, id).await.len(),
        46,
        "nothing more queued"
    );
}
