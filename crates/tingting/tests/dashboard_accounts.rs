//! The dashboard's "Bank accounts and feeds" pages against the real server. In headless
//! Chromium, an owner adds an account (after a refused number), gives it a notification feed
//! and sees its ingest URL with a QR code and the forwarder's steps, posts a bank SMS that
//! cannot be read to that URL, sees it listed and re-parses it (report), uploads a statement
//! with the progress script (imported count, then duplicates), adds a demo feed that becomes
//! healthy, gives the notification feed a new ingest URL (the old one stops working) and turns
//! it off. Plain HTTP tests cover validation errors, CSRF (refused, nothing changed), a new URL
//! for a feed turned off (refused), another business's accounts and feeds (404, unchanged), an
//! upload over the 1 MiB limit of other forms, and the signed-out redirect. Screenshots are
//! kept in `target/test-artifacts/dashboard-{sqlite,postgres}/`. Both backends.

#[path = "support/browser.rs"]
mod browser;
mod common;
#[path = "support/dashboard.rs"]
mod dashboard;

use std::time::Duration;

use browser::{artifacts_dir, Browser};
use common::{eventually, multipart, vn_today, Backend, TestServer};
use dashboard::{
    arrive, client, csrf_of, decoded, get, owner, post_form, sign_in, sign_in_browser,
};
use reqwest::header::CONTENT_TYPE;
use serde_json::{json, Value};
use tingting::domain::{DemoSettings, FeedSettings};

both_backends!(
    accounts_in_the_browser,
    accounts_over_http,
    other_businesses_accounts_stay_hidden,
);

/// A Vietcombank balance text for account 0123456789012 that no parser can read with
/// confidence (as in tests/notify.rs).
const GARBLED: &str = "SD TK 0123456789012 +2,5OO,OOOVND luc ??. SD";

/// A canonical CSV statement with two entries.
const STATEMENT: &str = "time,description,amount,reference\n\
                         2026-11-20 09:30:00,CK DH2001 thanh toan,\"1,200,000\",FT26001\n\
                         2026-11-21 14:05:00,Phi SMS,-11000,FT26002\n";

/// The boundary of `common::multipart` bodies.
const MULTIPART: &str = "multipart/form-data; boundary=tingting-test-boundary";

/// The account id at the end of a `/dashboard/accounts/{id}?...` URL or path.
fn account_id_in(url: &str) -> i64 {
    let at = url.find("/dashboard/accounts/").expect("an account page") + 20;
    url[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn accounts_in_the_browser(backend: Backend) {
    let Some((srv, t)) = owner(backend).await else {
        return;
    };
    let Some(browser) = Browser::start("vi").await else {
        return;
    };
    let shots = artifacts_dir().join(format!("dashboard-{backend:?}").to_lowercase());
    sign_in_browser(&browser, &srv).await;

    // No accounts yet; the nav entry leads here.
    browser.click("#nav-accounts").await;
    arrive(&browser, "/dashboard/accounts").await;
    assert!(browser.text("#no-accounts").await.is_some());
    assert_eq!(
        browser
            .attribute("#nav-accounts", "aria-current")
            .await
            .as_deref(),
        Some("page")
    );

    // A number that is not one is refused with a clear message, the typed values kept.
    browser
        .eval("document.getElementById('bank').value = '970436';", vec![])
        .await;
    browser.fill("#number", "12").await;
    browser.fill("#name", "NGUYEN VAN A").await;
    browser.click("#add-account-button").await;
    browser
        .wait_for_text(
            "#error",
            "Số tài khoản phải có từ 3 đến 32 chữ số hoặc chữ cái.",
        )
        .await;
    assert_eq!(
        browser
            .eval("return document.getElementById('bank').value;", vec![])
            .await,
        json!("970436")
    );
    assert_eq!(
        browser.attribute("#name", "value").await.as_deref(),
        Some("NGUYEN VAN A")
    );
    browser.fill("#number", "0123 4567 89012").await;
    browser.click("#add-account-button").await;
    arrive(&browser, "/dashboard/accounts/").await;
    let url = browser.url().await;
    let account_id = account_id_in(&url);
    browser
        .wait_for_text("#account-title", "Vietcombank · 0123456789012")
        .await;
    assert!(browser.text("#no-feeds").await.is_some());

    // A notification feed: its full URL once, a QR code of it, the forwarder's steps.
    browser.click("#add-feed-button").await;
    let ingest_url = eventually(Duration::from_secs(10), async || {
        browser.text("#ingest-url").await.filter(|u| !u.is_empty())
    })
    .await;
    assert!(
        ingest_url.starts_with(&format!("{}/ingest/notify/ttn_", srv.base)),
        "{ingest_url}"
    );
    let qr = browser
        .eval(
            "var s = document.querySelector('#ingest-qr svg'); \
             return s ? s.getBoundingClientRect().width : 0;",
            vec![],
        )
        .await;
    assert!(qr.as_f64().unwrap() > 100.0, "a visible QR code: {qr}");
    let steps = browser
        .eval(
            "return document.querySelectorAll('#forwarder-steps li').length;",
            vec![],
        )
        .await;
    assert_eq!(steps, json!(5));
    let text = browser.text("#forwarder-steps").await.unwrap();
    assert!(text.contains("POST") && text.contains("SMS"), "{text}");
    browser.screenshot(&shots.join("account-notify.png")).await;

    // The phone posts a text that cannot be read: listed, the feed failing; a re-parse
    // reports it still unread.
    let answer: Value = reqwest::Client::new()
        .post(&ingest_url)
        .header(CONTENT_TYPE, "text/plain")
        .body(GARBLED)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["data"]["unparsed"], 1, "{answer}");
    browser
        .goto(&format!("{}/dashboard/accounts/{account_id}", srv.base))
        .await;
    let unparsed = browser.text("#unparsed").await.expect("the unparsed list");
    assert!(unparsed.contains(GARBLED), "{unparsed}");
    let feed = browser.text("#feeds-card .feed").await.unwrap();
    assert!(feed.contains("Đang lỗi"), "{feed}");
    assert!(
        browser.text("#feeds-card .feed .error").await.is_some(),
        "the last error is shown"
    );
    browser
        .eval(
            "document.getElementById('unparsed-card').scrollIntoView();",
            vec![],
        )
        .await;
    browser
        .screenshot(&shots.join("account-unparsed.png"))
        .await;
    browser.click("#reparse").await;
    browser.wait_for_text("#reparse-examined", "1").await;
    browser.wait_for_text("#reparse-unparsed", "1").await;
    assert_eq!(browser.text("#reparse-created").await.as_deref(), Some("0"));
    browser.screenshot(&shots.join("account-reparse.png")).await;

    // A statement, sent by the script with progress: the report replaces the placeholder on
    // the same page.
    let dir = tempfile::tempdir().unwrap();
    let file = common::temp_file(&dir, "sao-ke.csv", STATEMENT);
    browser
        .goto(&format!("{}/dashboard/accounts/{account_id}", srv.base))
        .await;
    browser.fill("#file", file.to_str().unwrap()).await;
    browser.click("#upload-button").await;
    browser.wait_for_text("#import-created", "2").await;
    assert_eq!(
        browser.text("#import-duplicates").await.as_deref(),
        Some("0")
    );
    assert!(
        browser
            .url()
            .await
            .ends_with(&format!("/dashboard/accounts/{account_id}")),
        "sent by the script, not by a navigation"
    );
    assert_eq!(
        browser
            .eval(
                "return document.getElementById('upload-progress').value;",
                vec![]
            )
            .await,
        json!(100)
    );
    browser
        .eval(
            "document.getElementById('statement').scrollIntoView();",
            vec![],
        )
        .await;
    browser.screenshot(&shots.join("account-import.png")).await;
    browser.fill("#file", file.to_str().unwrap()).await;
    browser.click("#upload-button").await;
    browser.wait_for_text("#import-duplicates", "2").await;
    assert_eq!(browser.text("#import-created").await.as_deref(), Some("0"));
    let stored = srv
        .store
        .account_totals(t.user.business_id, account_id)
        .await
        .unwrap();
    assert_eq!((stored.credit_count, stored.debit_count), (1, 1));

    // A demo feed: polled at once, healthy.
    browser
        .eval("document.getElementById('kind').value = 'demo';", vec![])
        .await;
    browser.fill("#per_minute", "1").await;
    browser.fill("#interval", "1").await;
    browser.click("#add-feed-button").await;
    arrive(
        &browser,
        &format!("/dashboard/accounts/{account_id}?lang=vi"),
    )
    .await;
    let feeds = srv
        .store
        .list_feeds(t.user.business_id, Some(account_id))
        .await
        .unwrap();
    let (notify, demo) = (feeds[0].id, feeds[1].id);
    assert_eq!(feeds[1].interval_ms, 1000);
    eventually(Duration::from_secs(20), async || {
        browser
            .goto(&format!("{}/dashboard/accounts/{account_id}", srv.base))
            .await;
        let status = browser
            .attribute(&format!("#feed-{demo}"), "data-status")
            .await;
        (status.as_deref() == Some("ok")).then_some(())
    })
    .await;

    // The demo feed's rate changed from its settings.
    browser.click(&format!("#settings-{demo} summary")).await;
    browser.fill(&format!("#per-minute-{demo}"), "4").await;
    browser.click(&format!("#save-{demo}")).await;
    eventually(Duration::from_secs(10), async || {
        let feeds = srv
            .store
            .list_feeds(t.user.business_id, Some(account_id))
            .await
            .unwrap();
        (feeds[1].settings == FeedSettings::Demo(DemoSettings::new(4.0).unwrap())).then_some(())
    })
    .await;
    arrive(&browser, &format!("#feed-{demo}")).await;
    assert_eq!(
        browser
            .attribute(&format!("#per-minute-{demo}"), "value")
            .await
            .as_deref(),
        Some("4")
    );
    assert!(
        browser
            .text(&format!("#feed-{demo}"))
            .await
            .is_some_and(|text| text.contains("4 giao dịch/phút")),
        "the rate as typed"
    );

    // A new URL for the notification feed (a lost phone): shown once with its QR code; the
    // old URL stops working, the new one is the feed's.
    assert!(
        browser.text(&format!("#new-url-{demo}")).await.is_none(),
        "a demo feed has no URL"
    );
    browser.click(&format!("#new-url-{notify}")).await;
    browser
        .wait_for_text(
            "#renewed-hint",
            "Địa chỉ cũ đã ngừng hoạt động: hãy cập nhật địa chỉ này trên điện thoại (bước 3 bên dưới).",
        )
        .await;
    let renewed = browser.text("#ingest-url").await.unwrap();
    assert!(
        renewed.starts_with(&format!("{}/ingest/notify/ttn_", srv.base)) && renewed != ingest_url,
        "{renewed}"
    );
    assert!(browser.text("#ingest-qr").await.is_some());
    browser.screenshot(&shots.join("account-new-url.png")).await;

    assert_eq!(forward(&ingest_url, GARBLED).await, 404);
    assert_eq!(forward(&renewed, GARBLED).await, 200);
    let ingest_url = renewed;

    // The notification feed turned off: its URL no longer works.
    browser.click(&format!("#disable-{notify}")).await;
    arrive(
        &browser,
        &format!("/dashboard/accounts/{account_id}?lang=vi"),
    )
    .await;
    assert_eq!(
        browser
            .attribute(&format!("#feed-{notify}"), "data-status")
            .await
            .as_deref(),
        Some("off")
    );
    assert_eq!(forward(&ingest_url, GARBLED).await, 404);
    browser.screenshot(&shots.join("account.png")).await;

    // The list, in English: the account with its feeds' health.
    browser
        .goto(&format!("{}/dashboard/accounts?lang=en", srv.base))
        .await;
    let item = browser
        .text(&format!("#account-{account_id}"))
        .await
        .unwrap();
    assert!(
        item.contains("Vietcombank · 0123456789012") && item.contains("NGUYEN VAN A"),
        "{item}"
    );
    assert!(item.contains("Off") && item.contains("Working"), "{item}");
    let year = &vn_today()[..4];
    assert!(
        item.contains(&format!("Latest transaction: {year}-")),
        "{item}"
    );
    browser.screenshot(&shots.join("accounts.png")).await;
    browser.quit().await;
}

/// POSTs a statement upload (multipart `parts`) to an account's dashboard route.
async fn post_upload(
    c: &reqwest::Client,
    srv: &TestServer,
    account: i64,
    parts: &[(&str, &[u8])],
) -> (u16, String) {
    let resp = c
        .post(format!(
            "{}/dashboard/accounts/{account}/statements?lang=en",
            srv.base
        ))
        .header(CONTENT_TYPE, MULTIPART)
        .body(multipart(parts))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// What a phone's forwarder gets when it posts `body` to `url`: the status.
async fn forward(url: &str, body: &str) -> u16 {
    reqwest::Client::new()
        .post(url)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The ingest URL a page shows once (`#ingest-url`).
fn url_in(html: &str) -> String {
    let needle = r#"id="ingest-url">"#;
    let at = html.find(needle).expect("an ingest URL") + needle.len();
    decoded(html[at..].split('<').next().unwrap())
}

/// The text key of a page's error (`data-error`).
fn error_of(html: &str) -> &str {
    let at = html.find("data-error=\"").expect("an error") + 12;
    html[at..].split('"').next().unwrap()
}

async fn accounts_over_http(backend: Backend) {
    let Some((srv, t)) = owner(backend).await else {
        return;
    };
    let business = t.user.business_id;
    // Signed out: to the login form.
    let (status, _) = get(&client(), &srv, "/dashboard/accounts").await;
    assert_eq!(status, 303);

    let c = client();
    sign_in(&c, &srv).await;
    let (status, html) = get(&c, &srv, "/dashboard/accounts?lang=en").await;
    assert_eq!(status, 200);
    assert!(html.contains("No bank accounts yet."), "{html}");
    assert!(html.contains(r#"<option value="970416">ACB (ACB)</option>"#));
    let csrf = csrf_of(&html);

    // Without the token: 403, nothing added.
    let add = [("bank", "970416"), ("number", "12345678"), ("name", "")];
    let (status, _, _) = post_form(&c, &srv, "/dashboard/accounts", &add).await;
    assert_eq!(status, 403);
    assert!(srv.store.list_accounts(business).await.unwrap().is_empty());

    // Validation errors, each with its message, nothing added.
    let long = "A".repeat(201);
    for (form, key) in [
        (
            [("bank", ""), ("number", "12345678"), ("name", "")],
            "acc_err_bank",
        ),
        (
            [("bank", "123"), ("number", "12345678"), ("name", "")],
            "acc_err_bank",
        ),
        (
            [("bank", "970416"), ("number", "1"), ("name", "")],
            "acc_err_number",
        ),
        (
            [
                ("bank", "970416"),
                ("number", "12345678"),
                ("name", long.as_str()),
            ],
            "acc_err_name",
        ),
    ] {
        let mut form = form.to_vec();
        form.push(("csrf", csrf.as_str()));
        let (status, html, _) = post_form(&c, &srv, "/dashboard/accounts?lang=en", &form).await;
        assert_eq!((status, error_of(&html)), (400, key), "{form:?}");
    }
    assert!(srv.store.list_accounts(business).await.unwrap().is_empty());

    // Added, then the same number again is a duplicate.
    let mut form = add.to_vec();
    form.push(("csrf", csrf.as_str()));
    let (status, _, location) = post_form(&c, &srv, "/dashboard/accounts?lang=en", &form).await;
    assert_eq!(status, 303);
    let location = location.unwrap();
    let id = account_id_in(&location);
    assert_eq!(location, format!("/dashboard/accounts/{id}?lang=en"));
    let (status, html, _) = post_form(&c, &srv, "/dashboard/accounts?lang=en", &form).await;
    assert_eq!((status, error_of(&html)), (400, "acc_err_duplicate"));
    let accounts = srv.store.list_accounts(business).await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(
        (accounts[0].bank_bin, accounts[0].account_name.clone()),
        (970416, None)
    );

    // Feeds: refused kinds and settings; command and mailbox feeds are shown as CLI commands.
    let feeds_path = format!("/dashboard/accounts/{id}/feeds?lang=en");
    for (form, key) in [
        (vec![("kind", "command")], "acc_err_kind"),
        (
            vec![("kind", "demo"), ("per_minute", "abc")],
            "acc_err_rate",
        ),
        (vec![("kind", "demo"), ("per_minute", "0")], "acc_err_rate"),
        (
            vec![("kind", "demo"), ("interval", "0")],
            "acc_err_interval",
        ),
        (
            vec![("kind", "demo"), ("interval", "1.9")],
            "acc_err_interval",
        ),
        (
            vec![("kind", "notify"), ("secret", " padded")],
            "acc_err_secret",
        ),
        (
            vec![("kind", "notify"), ("per_minute", "5")],
            "acc_err_demo_only",
        ),
    ] {
        let mut form = form.clone();
        form.push(("csrf", csrf.as_str()));
        let (status, html, _) = post_form(&c, &srv, &feeds_path, &form).await;
        assert_eq!((status, error_of(&html)), (400, key), "{form:?}");
        assert!(
            html.contains("tingting feed add-command --email owner@hoasen.vn --account 12345678")
        );
        // What was typed is kept.
        for (name, value) in form.iter().filter(|(n, _)| *n != "kind" && *n != "csrf") {
            assert!(
                html.contains(&format!(r#"name="{name}""#))
                    && html.contains(&format!(r#"value="{value}""#)),
                "{name}={value:?} kept: {form:?}"
            );
        }
        assert_eq!(
            html.contains(r#"<option value="demo" selected>"#),
            form.contains(&("kind", "demo")),
            "the kind kept: {form:?}"
        );
    }
    // Without the token: 403, no feed.
    let (status, _, _) = post_form(&c, &srv, &feeds_path, &[("kind", "notify")]).await;
    assert_eq!(status, 403);
    assert!(srv
        .store
        .list_feeds(business, Some(id))
        .await
        .unwrap()
        .is_empty());
    // A signed notification feed: the URL starts with the request's host; shown once.
    let (status, html, _) = post_form(
        &c,
        &srv,
        &feeds_path,
        &[
            ("kind", "notify"),
            ("secret", "k3y"),
            ("csrf", csrf.as_str()),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let prefix = format!("{}/ingest/notify/ttn_", srv.base);
    assert!(decoded(&html).contains(&prefix), "{html}");
    assert!(html.contains("<svg") && html.contains(r#"id="forwarder-steps""#));
    assert!(!html.contains(r#"id="renewed-hint""#));
    let html_first = html;
    let (_, html) = get(&c, &srv, &format!("/dashboard/accounts/{id}?lang=en")).await;
    assert!(
        !decoded(&html).contains(&prefix) && html.contains("signed posts"),
        "{html}"
    );
    let feed = srv.store.list_feeds(business, Some(id)).await.unwrap()[0].clone();
    assert!(feed.enabled && feed.secret == "k3y");
    let first_url = url_in(&html_first);

    // A new ingest URL: needs the token; shown once like a new feed's; the old one stops.
    let new_url = format!("/dashboard/accounts/{id}/feeds/{}/token?lang=en", feed.id);
    assert!(
        html.contains(&format!(r#"id="new-url-{}""#, feed.id)),
        "{html}"
    );
    let (status, _, _) = post_form(&c, &srv, &new_url, &[]).await;
    assert_eq!(status, 403);
    let (status, html, _) = post_form(&c, &srv, &new_url, &[("csrf", csrf.as_str())]).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"id="renewed-hint""#) && html.contains("<svg"),
        "{html}"
    );
    let second_url = url_in(&html);
    assert!(
        second_url.starts_with(&prefix) && second_url != first_url,
        "{first_url} then {second_url}"
    );
    let renewed = srv.store.list_feeds(business, Some(id)).await.unwrap()[0].clone();
    assert_eq!((renewed.id, renewed.secret.as_str()), (feed.id, "k3y"));
    assert_ne!(renewed.token_prefix, feed.token_prefix);

    // The old URL is unknown; the new one is the feed's (which wants a signature).
    assert_eq!(forward(&first_url, "hello").await, 404);
    assert_eq!(forward(&second_url, "hello").await, 401);

    // The signing key changed from the feed's settings: refused values change nothing.
    let settings = format!(
        "/dashboard/accounts/{id}/feeds/{}/settings?lang=en",
        feed.id
    );
    let (status, _, _) = post_form(&c, &srv, &settings, &[("secret", "n3w")]).await;
    assert_eq!(status, 403);
    for (form, key) in [
        (vec![("secret", " n3w")], "acc_err_secret"),
        (
            vec![("secret", "n3w"), ("per_minute", "3")],
            "acc_err_not_demo",
        ),
        (vec![("interval", "soon")], "acc_err_interval"),
    ] {
        let mut form = form.clone();
        form.push(("csrf", csrf.as_str()));
        let (status, html, _) = post_form(&c, &srv, &settings, &form).await;
        assert_eq!((status, error_of(&html)), (400, key), "{form:?}");
    }
    assert_eq!(
        srv.store.list_feeds(business, Some(id)).await.unwrap()[0].secret,
        "k3y"
    );
    let (status, _, location) = post_form(
        &c,
        &srv,
        &settings,
        &[("secret", "n3w"), ("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(
        (status, location),
        (
            303,
            Some(format!("/dashboard/accounts/{id}?lang=en#feed-{}", feed.id))
        )
    );
    assert_eq!(
        srv.store.list_feeds(business, Some(id)).await.unwrap()[0].secret,
        "n3w"
    );

    // Disabling and re-parsing need the token too.
    let disable = format!("/dashboard/accounts/{id}/feeds/{}/disable", feed.id);
    let (status, _, _) = post_form(&c, &srv, &disable, &[]).await;
    assert_eq!(status, 403);
    assert!(srv.store.list_feeds(business, Some(id)).await.unwrap()[0].enabled);
    let reparse = format!("/dashboard/accounts/{id}/reparse?lang=en");
    let (status, _, _) = post_form(&c, &srv, &reparse, &[]).await;
    assert_eq!(status, 403);
    let (status, html, _) = post_form(&c, &srv, &reparse, &[("csrf", csrf.as_str())]).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="reparse-examined">0<"#), "{html}");
    let (status, _, location) = post_form(&c, &srv, &disable, &[("csrf", csrf.as_str())]).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(&*format!("/dashboard/accounts/{id}?lang=vi")))
    );
    assert!(!srv.store.list_feeds(business, Some(id)).await.unwrap()[0].enabled);
    // A feed turned off gets no new URL (a page left open from before).
    let (status, html, _) = post_form(&c, &srv, &new_url, &[("csrf", csrf.as_str())]).await;
    assert_eq!((status, error_of(&html)), (409, "acc_err_feed_off"));
    assert!(!html.contains(r#"id="ingest-url""#));
    // Turned on again (with the token only): its URL is known again (401: it wants the
    // signature).
    let enable = format!("/dashboard/accounts/{id}/feeds/{}/enable?lang=en", feed.id);
    let (status, _, _) = post_form(&c, &srv, &enable, &[]).await;
    assert_eq!(status, 403);
    assert!(!srv.store.list_feeds(business, Some(id)).await.unwrap()[0].enabled);
    let (status, _, _) = post_form(&c, &srv, &enable, &[("csrf", csrf.as_str())]).await;
    assert_eq!(status, 303);
    assert!(srv.store.list_feeds(business, Some(id)).await.unwrap()[0].enabled);
    assert_eq!(forward(&second_url, "hello").await, 401);

    // Uploads: without the token (or with it not first) 403 and nothing imported; a file
    // that is not a statement is a readable error; a file over 1 MiB is imported.
    let csv = STATEMENT.as_bytes();
    let (status, _) = post_upload(&c, &srv, id, &[("file", csv)]).await;
    assert_eq!(status, 403);
    let (status, _) = post_upload(&c, &srv, id, &[("file", csv), ("csrf", csrf.as_bytes())]).await;
    assert_eq!(status, 403);
    let (status, _) = post_upload(&c, &srv, id, &[("csrf", b"forged"), ("file", csv)]).await;
    assert_eq!(status, 403);
    let totals = srv.store.account_totals(business, id).await.unwrap();
    assert_eq!(totals.credit_count + totals.debit_count, 0);
    let (status, html) = post_upload(
        &c,
        &srv,
        id,
        &[
            ("csrf", csrf.as_bytes()),
            ("file", b"hello, this is not a statement\n"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"id="import-error""#), "{html}");
    let (status, _) = post_upload(
        &c,
        &srv,
        id,
        &[("csrf", csrf.as_bytes()), ("format", b"pdf"), ("file", csv)],
    )
    .await;
    assert_eq!(status, 400);
    let mut big = String::from("time,description,amount,note\n");
    for i in 0..3 {
        big.push_str(&format!(
            "2026-11-2{i} 10:00:00,CK DH30{i},100000,{}\n",
            "x".repeat(500_000)
        ));
    }
    assert!(big.len() > 1024 * 1024);
    let (status, html) = post_upload(
        &c,
        &srv,
        id,
        &[("csrf", csrf.as_bytes()), ("file", big.as_bytes())],
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(r#"id="import-created">3<"#), "{html}");
    let totals = srv.store.account_totals(business, id).await.unwrap();
    assert_eq!(totals.credit_count, 3);

    // A bank export without a header it recognises: refused with a translated lead and the
    // hint; imported once the columns are given (a blank worksheet field means the first).
    let headerless = b"22/11/2026,CK DH9001 thanh toan,250000\n23/11/2026,CK DH9002,300000\n";
    let (status, html) = post_upload(
        &c,
        &srv,
        id,
        &[
            ("csrf", csrf.as_bytes()),
            ("file", headerless),
            ("columns", b" "),
        ],
    )
    .await;
    assert_eq!(status, 400, "{html}");
    let error = html.split(r#"id="import-error""#).nth(1).unwrap();
    assert!(
        error.contains("This file could not be imported")
            && error.contains("say where the columns are"),
        "{error}"
    );
    let (status, html) = post_upload(
        &c,
        &srv,
        id,
        &[
            ("csrf", csrf.as_bytes()),
            ("file", headerless),
            ("columns", b"date=A;description=B;amount=C"),
            ("sheet", b""),
        ],
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(r#"id="import-created">2<"#), "{html}");
    assert!(html.contains(r#"id="columns""#) && html.contains(r#"id="sheet""#));

    // The script is served.
    let (status, js) = get(&c, &srv, "/dashboard/accounts.js").await;
    assert_eq!(status, 200);
    assert!(js.contains("upload-progress"));
}

async fn other_businesses_accounts_stay_hidden(backend: Backend) {
    let Some((srv, t)) = owner(backend).await else {
        return;
    };
    let mine = srv.account(&t, "ACB", "12345678").await;
    let other = srv.tenant("other@example.vn", "Công ty Khác").await;
    let theirs = srv.account(&other, "VCB", "99990000").await;
    let their_path = srv.notify_feed(&other, theirs.id).await;
    let theirs_feed = srv
        .store
        .list_feeds(other.user.business_id, Some(theirs.id))
        .await
        .unwrap()[0]
        .id;
    reqwest::Client::new()
        .post(format!("{}{their_path}", srv.base))
        .body(GARBLED.replace("0123456789012", "99990000"))
        .send()
        .await
        .unwrap();

    let c = client();
    sign_in(&c, &srv).await;
    let (status, html) = get(&c, &srv, "/dashboard/accounts?lang=en").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("12345678") && !html.contains("99990000"),
        "{html}"
    );
    let csrf = csrf_of(&html);

    for path in [
        format!("/dashboard/accounts/{}?lang=en", theirs.id),
        "/dashboard/accounts/abc?lang=en".to_string(),
        "/dashboard/accounts/999999?lang=en".to_string(),
    ] {
        let (status, html) = get(&c, &srv, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("does not belong to your business"), "{html}");
        assert!(!html.contains("99990000"), "{html}");
    }
    let theirs_path = |rest: &str| format!("/dashboard/accounts/{}{rest}?lang=en", theirs.id);
    let (status, _, _) = post_form(
        &c,
        &srv,
        &theirs_path("/feeds"),
        &[("kind", "notify"), ("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(status, 404);
    let (status, html, _) = post_form(
        &c,
        &srv,
        &theirs_path("/reparse"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(status, 404);
    assert!(!html.contains("reparse-report"));
    let (status, _, _) = post_form(
        &c,
        &srv,
        &theirs_path(&format!("/feeds/{theirs_feed}/disable")),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(status, 404);
    // Their feed through my account's path: 404 as well; no new URL for it either way.
    for path in [
        format!(
            "/dashboard/accounts/{}/feeds/{theirs_feed}/disable",
            mine.id
        ),
        format!("/dashboard/accounts/{}/feeds/{theirs_feed}/token", mine.id),
        theirs_path(&format!("/feeds/{theirs_feed}/token")),
        theirs_path(&format!("/feeds/{theirs_feed}/enable")),
        format!(
            "/dashboard/accounts/{}/feeds/{theirs_feed}/settings",
            mine.id
        ),
        theirs_path(&format!("/feeds/{theirs_feed}/settings")),
    ] {
        let form = [("csrf", csrf.as_str()), ("secret", "mine now")];
        let (status, html, _) = post_form(&c, &srv, &path, &form).await;
        assert_eq!(status, 404, "{path}");
        assert!(!html.contains("ingest-url"), "{path}");
    }
    let (status, _) = post_upload(
        &c,
        &srv,
        theirs.id,
        &[("csrf", csrf.as_bytes()), ("file", STATEMENT.as_bytes())],
    )
    .await;
    assert_eq!(status, 404);

    // Nothing of theirs changed.
    let feeds = srv
        .store
        .list_feeds(other.user.business_id, Some(theirs.id))
        .await
        .unwrap();
    assert_eq!(feeds.len(), 1);
    assert!(feeds[0].enabled);
    assert!(
        their_path.contains(&feeds[0].token_prefix),
        "their URL unchanged"
    );
    assert_eq!(feeds[0].secret, "", "their signing key unchanged");
    let unparsed = srv
        .store
        .list_unparsed(other.user.business_id, Some(theirs.id), 10)
        .await
        .unwrap();
    assert_eq!(unparsed.len(), 1);
    let totals = srv
        .store
        .account_totals(other.user.business_id, theirs.id)
        .await
        .unwrap();
    assert_eq!(totals.credit_count + totals.debit_count, 0);
}
