//! The dashboard against the real server: an owner signs in through the login form in headless
//! Chromium, sees the overview's totals, chart and feeds, watches a forwarded SMS arrive in the
//! latest list and today's totals without reloading, searches and filters the transactions,
//! opens one (raw text, deliveries) and never sees another business's. Plain HTTP tests cover the CSV export (all
//! rows, in chunks), the filters' edge cases (`%` and `_` taken literally, Vietnamese text,
//! parameters that make no sense), tenant isolation and the signed-out redirect.
//! Screenshots are kept in `target/test-artifacts/dashboard-{sqlite,postgres}/`. Both backends.

#[path = "support/browser.rs"]
mod browser;
mod common;
#[path = "support/dashboard.rs"]
mod dashboard;

use std::time::{Duration, Instant};

use browser::{artifacts_dir, Browser, Screen};
use chrono::{SecondsFormat, Utc};
use common::{eventually, vn_today, Backend, Tenant, TestServer};
use dashboard::{arrive, client, csrf_of, decoded, get, owner, sign_in, EMAIL, PASSWORD};
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION};
use serde_json::{json, Value};
use tingting::domain::BankAccount;

both_backends!(
    dashboard_in_the_browser,
    filters_search_and_pages,
    csv_exports_the_filtered_set,
    export_streams_every_row,
    other_businesses_stay_hidden,
    signed_out_goes_to_login,
    keys_and_apps,
    every_page_fits_phones_and_desktops,
);

/// A forwarded Vietcombank SMS for account 0123456789012 (as in tests/notify.rs), booked now.
fn vcb_sms() -> String {
    let now = (Utc::now() + chrono::Duration::hours(7) - chrono::Duration::seconds(1))
        .format("%d-%m-%Y %H:%M:%S");
    format!(
        "SD TK 0123456789012 +2,500,000VND luc {now}. SD 12,345,678VND. \
         Ref MBVCB.9876543210.DH1042.Thanh toan"
    )
}

/// A shop with two accounts, a notification feed and a few transactions; a second business
/// with a transaction of its own. Today's transactions are booked seconds ago, so that the
/// totals' checks can only go wrong right at Vietnam midnight.
struct Shop {
    srv: TestServer,
    t: Tenant,
    acb: BankAccount,
    /// The VCB account's notification ingest path.
    notify_path: String,
    /// The other business's transaction.
    foreign_id: i64,
    /// Ids of the shop's seeded transactions: DH1001 (in), an old one, NCC_A (out).
    ids: Vec<i64>,
    /// The shop's webhook.
    webhook_id: i64,
}

fn ago(seconds: i64) -> String {
    (Utc::now() - chrono::Duration::seconds(seconds)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The id the ingest answer gave the item at `i`.
fn id_at(answer: &Value, i: usize) -> i64 {
    answer["data"][i]["id"].as_i64().expect("an id")
}

async fn shop(backend: Backend) -> Option<Shop> {
    let (srv, t) = owner(backend).await?;
    let acb = srv.account(&t, "ACB", "12345678").await;
    let vcb = srv.account(&t, "VCB", "0123456789012").await;
    let notify_path = srv.notify_feed(&t, vcb.id).await;
    // A webhook: every new transaction gets a (pending: no worker runs) delivery.
    let webhook_id = srv.webhook(&t, "https://shop.example.vn/hook").await;
    let acb_answer = srv
        .ingest(
            &t,
            "12345678",
            vec![
                json!({"bookedAt": ago(3), "amount": 1_500_000,
                       "description": "THANH TOÁN ĐƠN HÀNG DH1001 50% OFF",
                       "counterpartyName": "TRAN THI B", "reference": "FT0001"}),
                json!({"bookedAt": ago(40 * 86_400), "amount": 4_000_000,
                       "description": "Tien hang thang truoc"}),
                json!({"bookedAt": ago(1), "amount": -300_000,
                       "description": "Tra tien hang NCC_A"}),
            ],
        )
        .await;
    srv.ingest(
        &t,
        "0123456789012",
        vec![json!({"bookedAt": ago(2), "amount": 250_000,
                    "description": "Chuyen tien an trua 500 OFF NCCXA"})],
    )
    .await;
    let other: Tenant = srv.tenant("other@example.vn", "Công ty Khác").await;
    srv.account(&other, "ACB", "99990000").await;
    let foreign = srv
        .ingest(
            &other,
            "99990000",
            vec![json!({"bookedAt": ago(30), "amount": 9_999_000,
                        "description": "BI MAT CUA DOANH NGHIEP KHAC"})],
        )
        .await;
    Some(Shop {
        ids: (0..3).map(|i| id_at(&acb_answer, i)).collect(),
        foreign_id: id_at(&foreign, 0),
        webhook_id,
        srv,
        t,
        acb,
        notify_path,
    })
}

/// The number the list page shows as its total.
fn total(html: &str) -> i64 {
    let at = html.find(r#"id="total">"#).expect("a total") + 11;
    html[at..].split('<').next().unwrap().parse().unwrap()
}

async fn dashboard_in_the_browser(backend: Backend) {
    let Some(shop) = shop(backend).await else {
        return;
    };
    let Some(browser) = Browser::start("vi").await else {
        return;
    };
    let srv = &shop.srv;
    let shots = artifacts_dir().join(format!("dashboard-{backend:?}").to_lowercase());

    // Signed out: the dashboard sends to the login form, which comes back.
    browser.goto(&format!("{}/dashboard", srv.base)).await;
    assert!(browser.url().await.contains("/login?next=%2Fdashboard"));
    browser.fill("#email", EMAIL).await;
    browser.fill("#password", PASSWORD).await;
    browser.screenshot(&shots.join("login.png")).await;
    browser.click("button[type=submit]").await;
    arrive(&browser, "/dashboard").await;
    assert_eq!(browser.url().await, format!("{}/dashboard", srv.base));

    // The overview: today's and this month's money, the chart, the latest list, the feeds.
    assert_eq!(
        browser.text("#today-in").await.as_deref(),
        Some("1.750.000 ₫")
    );
    assert_eq!(
        browser.text("#today-out").await.as_deref(),
        Some("300.000 ₫")
    );
    assert_eq!(
        browser.text("#month-in").await.as_deref(),
        Some("1.750.000 ₫"),
        "the 40-day-old transfer is in another month"
    );
    assert_eq!(
        browser
            .eval(
                "return document.querySelector('#chart rect.in[data-amount=\"1750000\"]') !== null \
                 && document.querySelectorAll('#chart g.day').length;",
                vec![]
            )
            .await,
        json!(30),
        "today's bar, 30 days"
    );
    assert_eq!(
        browser
            .eval(
                "return document.querySelectorAll('#latest li').length;",
                vec![]
            )
            .await,
        json!(4)
    );
    assert_eq!(
        browser
            .attribute("#feeds .badge", "data-status")
            .await
            .as_deref(),
        Some("waiting"),
        "the SMS feed has read nothing yet"
    );
    let page_text = browser.text("body").await.unwrap();
    assert!(
        !page_text.contains("CUA DOANH NGHIEP KHAC"),
        "another business's transfer"
    );
    browser.screenshot(&shots.join("overview.png")).await;

    // A forwarded SMS arrives: the open page shows it without reloading.
    let browser = &browser;
    eventually(Duration::from_secs(10), async || {
        let state = browser.attribute("#live-status", "data-state").await;
        (state.as_deref() == Some("live")).then_some(())
    })
    .await;
    browser.eval("window.notReloaded = true;", vec![]).await;
    let sms = vcb_sms();
    let sent = Instant::now();
    let resp = srv
        .client
        .post(format!("{}{}", srv.base, shop.notify_path))
        .header("content-type", "text/plain")
        .body(sms.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    eventually(Duration::from_secs(10), async || {
        let first = browser.text("#latest li:first-child").await?;
        first.contains("DH1042").then_some(())
    })
    .await;
    eprintln!(
        "the SMS showed on the overview {:?} after it was posted",
        sent.elapsed()
    );
    let first = browser.text("#latest li:first-child").await.unwrap();
    assert!(first.contains("+2.500.000 ₫"), "{first}");
    assert!(first.contains("Vietcombank · 0123456789012"), "{first}");
    // Today's totals follow.
    browser.wait_for_text("#today-in", "4.250.000 ₫").await;
    assert_eq!(browser.text("#today-in-count").await.as_deref(), Some("3"));
    assert_eq!(
        browser.text("#month-in").await.as_deref(),
        Some("4.250.000 ₫")
    );
    assert_eq!(
        browser
            .eval("return window.notReloaded === true;", vec![])
            .await,
        json!(true)
    );
    assert_eq!(
        browser
            .eval(
                "return document.querySelectorAll('#latest li').length;",
                vec![]
            )
            .await,
        json!(5)
    );
    // The chart's bar for today and the SMS feed's health follow too.
    eventually(Duration::from_secs(10), async || {
        let bar = browser
            .eval(
                "return document.querySelector('#chart rect.in[data-amount=\"4250000\"]') !== null;",
                vec![],
            )
            .await;
        let badge = browser.attribute("#feeds .badge", "data-status").await;
        (bar == json!(true) && badge.as_deref() == Some("ok")).then_some(())
    })
    .await;
    assert_eq!(
        browser
            .eval("return window.notReloaded === true;", vec![])
            .await,
        json!(true)
    );
    browser.screenshot(&shots.join("overview-live.png")).await;

    // Its detail page: the fields and the raw SMS.
    browser.click("#latest li:first-child a").await;
    arrive(browser, "/dashboard/transactions/").await;
    assert_eq!(
        browser.text("#amount").await.as_deref(),
        Some("+2.500.000 ₫")
    );
    assert_eq!(browser.text("#raw").await, Some(sms));
    assert_eq!(
        browser
            .attribute("#deliveries tr[data-status]", "data-status")
            .await
            .as_deref(),
        Some("pending"),
        "the webhook's delivery"
    );
    browser.screenshot(&shots.join("transaction.png")).await;

    // The list: a search (any case), then a filter.
    browser.click("#nav-transactions").await;
    arrive(browser, "/dashboard/transactions?").await;
    assert_eq!(browser.text("#total").await.as_deref(), Some("5"));
    browser.fill("#q", "dh1001").await;
    browser.click("#apply").await;
    arrive(browser, "q=dh1001").await;
    assert_eq!(browser.text("#total").await.as_deref(), Some("1"));
    let row = browser.text("#rows li").await.unwrap();
    assert!(
        row.contains("DH1001") && row.contains("+1.500.000 ₫"),
        "{row}"
    );
    browser
        .screenshot(&shots.join("transactions-search.png"))
        .await;
    browser
        .eval(
            "document.getElementById('q').value = ''; \
             document.getElementById('direction').value = 'out';",
            vec![],
        )
        .await;
    browser.click("#apply").await;
    arrive(browser, "direction=out").await;
    assert_eq!(browser.text("#total").await.as_deref(), Some("1"));
    assert!(browser
        .text("#rows li")
        .await
        .unwrap()
        .contains("-300.000 ₫"));
    browser
        .screenshot(&shots.join("transactions-out.png"))
        .await;
    // The export link of this selection, fetched by the page with its session: the CSV of
    // the one outgoing transfer.
    let csv = browser
        .eval(
            "return fetch(document.getElementById('export').href).then(r => r.text());",
            vec![],
        )
        .await;
    let csv = csv.as_str().expect("the CSV text");
    // (`text()` drops the byte-order mark; the HTTP tests check it.)
    assert!(csv.starts_with("Mã giao dịch,"), "{csv}");
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains(",-300000,Tra tien hang NCC_A"), "{csv}");

    // API keys: create one (shown once), use it, revoke it with a click.
    browser.click("#nav-keys").await;
    arrive(browser, "/dashboard/keys").await;
    browser.fill("#label", "máy POS").await;
    browser.click("#create-key").await;
    let key = eventually(Duration::from_secs(10), async || {
        browser.text("#new-key-value").await
    })
    .await;
    assert!(key.starts_with("tt_"), "{key}");
    browser.screenshot(&shots.join("keys-created.png")).await;
    let accounts = || {
        reqwest::Client::new()
            .get(format!("{}/v2/accounts", srv.base))
            .header("Authorization", format!("Apikey {key}"))
            .send()
    };
    assert_eq!(accounts().await.unwrap().status(), 200);
    browser.goto(&format!("{}/dashboard/keys", srv.base)).await;
    assert!(
        !browser.text("body").await.unwrap().contains(&key),
        "shown once"
    );
    let row = browser
        .eval(
            "return [...document.querySelectorAll('#keys tr[id]')] \
             .find(r => r.textContent.includes('máy POS')).id;",
            vec![],
        )
        .await;
    let row = row.as_str().expect("the key's row");
    // Renamed in place, then revoked.
    browser.click(&format!("#{row} .relabel summary")).await;
    browser
        .fill(&format!("#{row} input[name=label]"), "máy POS quầy 2")
        .await;
    browser.click(&format!("#{row} .relabel button")).await;
    browser
        .wait_for_text(&format!("#{row}-label"), "máy POS quầy 2")
        .await;
    browser
        .click(&format!("#{row} button[id^='revoke-']"))
        .await;
    eventually(Duration::from_secs(10), async || {
        let text = browser.text(&format!("#{row}")).await?;
        text.contains("Đã thu hồi").then_some(())
    })
    .await;
    assert_eq!(accounts().await.unwrap().status(), 401);
    browser.screenshot(&shots.join("keys.png")).await;

    // Another business's transaction does not exist here.
    browser
        .goto(&format!(
            "{}/dashboard/transactions/{}",
            srv.base, shop.foreign_id
        ))
        .await;
    assert!(browser
        .text("#message")
        .await
        .unwrap()
        .contains("không tồn tại"));
    assert!(!browser
        .text("body")
        .await
        .unwrap()
        .contains("CUA DOANH NGHIEP KHAC"));
    browser.screenshot(&shots.join("not-found.png")).await;

    // In English.
    browser
        .goto(&format!("{}/dashboard?lang=en", srv.base))
        .await;
    assert_eq!(
        browser.text("#nav-overview").await.as_deref(),
        Some("Overview")
    );
    assert_eq!(
        browser.text("#lang-switch").await.as_deref(),
        Some("Tiếng Việt")
    );
    browser.screenshot(&shots.join("overview-en.png")).await;

    // Signing out ends the session.
    browser.click("#logout").await;
    arrive(browser, "/login").await;
    browser.goto(&format!("{}/dashboard", srv.base)).await;
    assert!(browser.url().await.contains("/login?next="));
}

async fn filters_search_and_pages(backend: Backend) {
    let Some(shop) = shop(backend).await else {
        return;
    };
    let srv = &shop.srv;
    let c = client();
    sign_in(&c, srv).await;
    let today = vn_today();
    let acb = shop.acb.id;
    for (query, expected) in [
        ("", 4),
        ("?q=ncc", 2),
        ("?q=NCC_A", 1), // `_` is not a wildcard: NCCXA is not found
        ("?q=50%25", 1), // nor `%`: "500 OFF" is not found
        ("?q=%25", 1),
        ("?q=%C4%91%C6%A1n+h%C3%A0ng", 1), // "đơn hàng" finds "ĐƠN HÀNG"
        ("?q=FT0001", 1),                  // the reference
        ("?q=tran+thi", 1),                // the counterparty
        ("?direction=in", 3),
        ("?direction=out", 1),
        ("?direction=all", 4),
        (&format!("?account={acb}"), 3),
        (&format!("?account={acb}&direction=in&q=dh"), 1),
        (&format!("?from={today}"), 3),
        (&format!("?from={today}&to={today}&direction=in"), 2),
        ("?to=2000-01-01", 0),
        ("?page=abc", 4),
        ("?page=7", 4),
    ] {
        let (status, html) = get(&c, srv, &format!("/dashboard/transactions{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(total(&html), expected, "{query}");
        assert!(!html.contains("CUA DOANH NGHIEP KHAC"), "{query}");
    }
    // Past the last page: no rows, a way back.
    let (_, html) = get(&c, srv, "/dashboard/transactions?page=7").await;
    assert!(html.contains(r#"id="no-results""#) && html.contains(r#"id="prev""#));

    // Parameters that make no sense: the form with a message, never an error page.
    for (query, error) in [
        ("?from=2026-13-01", "bad_from"),
        ("?to=30%2F11%2F2026", "bad_to"),
        ("?from=2026-11-30&to=2026-11-01", "range"),
        ("?account=abc", "bad_account"),
        (&format!("?account={}", acb + 100), "bad_account"),
        ("?direction=sideways", "bad_direction"),
    ] {
        let (status, html) = get(&c, srv, &format!("/dashboard/transactions{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert!(
            html.contains(&format!(r#"data-error="{error}""#)),
            "{query}"
        );
        assert!(html.contains(r#"<form class="filters""#));
    }

    // Paging: 50 a page, newest first.
    let items: Vec<Value> = (0..52)
        .map(|i| json!({"bookedAt": ago(3600 + i), "amount": 1000 + i, "description": format!("LO {i}")}))
        .collect();
    srv.ingest(&shop.t, "12345678", items).await;
    let (_, first) = get(&c, srv, "/dashboard/transactions?q=LO").await;
    assert_eq!(total(&first), 52);
    assert_eq!(first.matches("<li id=\"txn-").count(), 50);
    assert!(first.contains(">LO 0<") && !first.contains(">LO 51<"));
    assert!(
        decoded(&first).contains(r#"id="next" href="/dashboard/transactions?q=LO&page=2&lang=vi""#)
    );
    let (_, second) = get(&c, srv, "/dashboard/transactions?q=LO&page=2").await;
    assert_eq!(second.matches("<li id=\"txn-").count(), 2);
    assert!(second.contains(">LO 51<") && !second.contains(r#"id="next""#));
}

async fn csv_exports_the_filtered_set(backend: Backend) {
    let Some(shop) = shop(backend).await else {
        return;
    };
    let srv = &shop.srv;
    let c = client();
    sign_in(&c, srv).await;
    let resp = c
        .get(format!("{}/dashboard/transactions.csv?q=ncc", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()[CONTENT_TYPE], "text/csv; charset=utf-8");
    let disposition = resp.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"tingting-giao-dich-"),
        "{disposition}"
    );
    let body = resp.text().await.unwrap();
    assert!(body.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let lines: Vec<&str> = body.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        lines[0],
        "Mã giao dịch,Thời gian,Ngân hàng,Tài khoản,Số tiền,Nội dung,Mã tham chiếu,Tên đối tác,\
         Tài khoản đối tác,Ngân hàng đối tác,Số dư sau giao dịch,Nguồn"
    );
    assert_eq!(
        lines.len(),
        4,
        "header, two rows, and the last line's end: {body}"
    );
    assert!(
        lines[1].starts_with(&format!("{},", shop.ids[2])),
        "newest first: {body}"
    );
    assert!(
        lines[1].contains(",ACB,12345678,-300000,Tra tien hang NCC_A,"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains(",Vietcombank,0123456789012,250000,"));
    assert_eq!(lines[3], "");

    // In English, with a date filter; and the whole set.
    let (status, body) = get(
        &c,
        srv,
        &format!("/dashboard/transactions.csv?lang=en&from={}", vn_today()),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body
        .trim_start_matches('\u{feff}')
        .starts_with("Transaction id,Time,Bank,"));
    assert_eq!(body.matches("\r\n").count(), 1 + 3);
    assert!(body.contains("THANH TOÁN ĐƠN HÀNG DH1001 50% OFF"));
    let (_, all) = get(&c, srv, "/dashboard/transactions.csv").await;
    assert_eq!(all.matches("\r\n").count(), 1 + 4);
    assert!(
        !all.contains("CUA DOANH NGHIEP KHAC"),
        "only this business's rows"
    );
    // Bad filters: the list page with its message, not a file.
    let (status, html) = get(&c, srv, "/dashboard/transactions.csv?from=nope").await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"data-error="bad_from""#));
}

async fn export_streams_every_row(backend: Backend) {
    let Some((srv, t)) = owner(backend).await else {
        return;
    };
    srv.account(&t, "ACB", "12345678").await;
    // More rows than one chunk, many booked in the same second (paging must not skip or
    // repeat ties).
    let at = ago(600);
    for batch in 0..3 {
        let items: Vec<Value> = (0..800)
            .map(|i| {
                let n = batch * 800 + i;
                let booked = if n % 2 == 0 { at.clone() } else { ago(700 + n) };
                json!({"bookedAt": booked, "amount": 1000 + n, "description": format!("ROW {n}")})
            })
            .collect();
        srv.ingest(&t, "12345678", items).await;
    }
    let c = client();
    sign_in(&c, &srv).await;
    let started = Instant::now();
    let (status, body) = get(&c, &srv, "/dashboard/transactions.csv").await;
    eprintln!(
        "exported 2400 rows ({} bytes) in {:?}",
        body.len(),
        started.elapsed()
    );
    assert_eq!(status, 200);
    let mut ids: Vec<i64> = body
        .split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids.len(), 2400);
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 2400, "every row once");
    let started = Instant::now();
    let (status, html) = get(&c, &srv, "/dashboard").await;
    assert_eq!(status, 200);
    eprintln!(
        "overview of 2400 transactions rendered in {:?}",
        started.elapsed()
    );
    assert!(html.contains("<svg class=\"chart\""));
}

async fn other_businesses_stay_hidden(backend: Backend) {
    let Some(shop) = shop(backend).await else {
        return;
    };
    let srv = &shop.srv;
    let c = client();
    sign_in(&c, srv).await;
    let (status, html) = get(&c, srv, &format!("/dashboard/transactions/{}", shop.ids[0])).await;
    assert_eq!(status, 200);
    assert!(html.contains("THANH TOÁN ĐƠN HÀNG DH1001 50% OFF"));
    assert!(html.contains(r#"id="raw""#) && html.contains("FT0001"));
    assert!(
        html.contains(r#"data-status="pending""#),
        "the webhook's delivery"
    );
    assert!(decoded(&html).contains("https://shop.example.vn/hook"));
    for path in [
        format!("/dashboard/transactions/{}", shop.foreign_id),
        "/dashboard/transactions/999999999".to_string(),
        "/dashboard/transactions/abc".to_string(),
        "/dashboard/transactions/-1".to_string(),
    ] {
        let (status, html) = get(&c, srv, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!html.contains("CUA DOANH NGHIEP KHAC"), "{path}");
        assert!(html.contains(r#"id="message""#), "{path}");
    }
    for path in [
        "/dashboard",
        "/dashboard/transactions?q=BI+MAT",
        "/dashboard/transactions.csv",
    ] {
        let (status, body) = get(&c, srv, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains("CUA DOANH NGHIEP KHAC"), "{path}");
    }
    let (_, html) = get(&c, srv, "/dashboard/transactions?q=BI+MAT").await;
    assert_eq!(total(&html), 0);
    // The live stream starts after the given id and sends only this business's rows.
    let resp = c
        .get(format!("{}/dashboard/live?after=0", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut resp = resp;
    let mut seen = String::new();
    while seen.matches("event: transaction").count() < 4 {
        let chunk = tokio::time::timeout(Duration::from_secs(5), resp.chunk())
            .await
            .expect("events in time")
            .unwrap()
            .expect("more events");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(!seen.contains("CUA DOANH NGHIEP KHAC"));
    assert!(seen.contains(&format!("id: {}", shop.ids[0])));
}

async fn signed_out_goes_to_login(backend: Backend) {
    let Some(shop) = shop(backend).await else {
        return;
    };
    let srv = &shop.srv;
    let c = client();
    for path in [
        "/dashboard",
        "/dashboard/transactions?q=a&page=2",
        "/dashboard/transactions.csv",
        "/dashboard/transactions/1",
        "/dashboard/live",
    ] {
        let resp = c.get(format!("{}{path}", srv.base)).send().await.unwrap();
        assert_eq!(resp.status(), 303, "{path}");
        let next: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
        assert_eq!(
            resp.headers()[LOCATION].to_str().unwrap(),
            format!("/login?next={next}"),
            "{path}"
        );
    }
    // The script has no secrets; the pages say which scripts may run.
    let resp = c
        .get(format!("{}/dashboard/dashboard.js", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    sign_in(&c, srv).await;
    let resp = c
        .get(format!("{}/dashboard", srv.base))
        .send()
        .await
        .unwrap();
    let csp = resp.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    let html = resp.text().await.unwrap();
    assert!(html.contains(r#"<script src="/dashboard/dashboard.js" defer></script>"#));
    assert!(!html.contains("<script>"), "no inline script");
    // The account page links here.
    let (_, account) = get(&c, srv, "/account").await;
    assert!(account.contains(r#"href="/dashboard?lang=vi""#));
}

/// The keys page: a key created with a label and scopes is shown once and works within its
/// scopes; revoking it ends it; an authorized partner app is listed and its access taken
/// away; forms without the session's CSRF token are refused; another business's key cannot
/// be revoked from here.
async fn keys_and_apps(backend: Backend) {
    let Some(shop) = shop(backend).await else {
        return;
    };
    let srv = &shop.srv;
    let c = client();
    sign_in(&c, srv).await;
    let (status, html) = get(&c, srv, "/dashboard/keys?lang=en").await;
    assert_eq!(status, 200);
    assert!(html.contains("No app has been authorized."), "{html}");
    let csrf = csrf_of(&html);
    let post = |path: &str, form: Vec<(&str, &str)>| {
        c.post(format!("{}{path}", srv.base)).form(&form).send()
    };
    // Without the token: refused, nothing created.
    let refused = post("/dashboard/keys", vec![("label", "pos")])
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let made = post(
        "/dashboard/keys?lang=en",
        vec![("csrf", &csrf), ("label", "pos"), ("scope", "transaction")],
    )
    .await
    .unwrap();
    assert_eq!(made.status(), 200);
    let html = made.text().await.unwrap();
    let at = html.find(r#"id="new-key-value""#).expect("the new key");
    let key = html[at..]
        .split('>')
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(key.starts_with("tt_"), "{key}");
    let api = |path: &'static str, key: String| {
        reqwest::Client::new()
            .get(format!("{}{path}", srv.base))
            .header("Authorization", format!("Apikey {key}"))
            .send()
    };
    assert_eq!(
        api("/v2/accounts", key.clone()).await.unwrap().status(),
        200
    );
    assert_eq!(
        api("/v2/webhooks", key.clone()).await.unwrap().status(),
        403
    );
    // Listed (not the key itself), then revoked.
    let (_, html) = get(&c, srv, "/dashboard/keys").await;
    assert!(html.contains(">pos<") && !html.contains(&key), "{html}");
    let keys = srv
        .store
        .list_api_keys(shop.t.user.business_id, shop.t.user.id)
        .await
        .unwrap();
    let id = keys.iter().find(|k| k.label == "pos").unwrap().id;
    // Renamed (the token needed; the label trimmed), still working.
    let relabel = format!("/dashboard/keys/{id}/label");
    let refused = post(&relabel, vec![("label", "quầy")]).await.unwrap();
    assert_eq!(refused.status(), 403);
    let renamed = post(
        &relabel,
        vec![("csrf", &csrf), ("label", "  quầy thu ngân ")],
    )
    .await
    .unwrap();
    assert_eq!(renamed.status(), 303);
    let (_, html) = get(&c, srv, "/dashboard/keys").await;
    assert!(
        html.contains(&format!(r#"id="key-{id}-label">quầy thu ngân<"#)),
        "{html}"
    );
    assert_eq!(
        api("/v2/accounts", key.clone()).await.unwrap().status(),
        200
    );
    let revoked = post(
        &format!("/dashboard/keys/{id}/revoke"),
        vec![("csrf", &csrf)],
    )
    .await
    .unwrap();
    assert_eq!(revoked.status(), 303);
    assert_eq!(api("/v2/accounts", key).await.unwrap().status(), 401);
    // Another business's key is out of reach.
    let theirs = srv.tenant("third@example.vn", "Công ty Ba").await;
    let their_id = srv
        .store
        .list_api_keys(theirs.user.business_id, theirs.user.id)
        .await
        .unwrap()[0]
        .id;
    let answer = post(
        &format!("/dashboard/keys/{their_id}/revoke"),
        vec![("csrf", &csrf)],
    )
    .await
    .unwrap();
    assert_eq!(
        answer.status(),
        303,
        "back to the keys page, nothing revoked"
    );
    let answer = post(
        &format!("/dashboard/keys/{their_id}/label"),
        vec![("csrf", &csrf), ("label", "mine now")],
    )
    .await
    .unwrap();
    assert_eq!(
        answer.status(),
        303,
        "back to the keys page, nothing renamed"
    );
    let their_label = srv
        .store
        .list_api_keys(theirs.user.business_id, theirs.user.id)
        .await
        .unwrap()[0]
        .label
        .clone();
    assert_ne!(their_label, "mine now");
    assert_eq!(
        api("/v2/accounts", theirs.key.clone())
            .await
            .unwrap()
            .status(),
        200
    );

    // A partner app holding a token (client credentials of the business's own client).
    let out = common::cli(
        &srv.db.url,
        &[
            "oauth",
            "client",
            "create",
            "--name",
            "Kế toán",
            "--email",
            EMAIL,
        ],
    );
    let client: Value = serde_json::from_slice(&out.stdout).unwrap();
    let client_id = client["clientId"].as_str().unwrap().to_string();
    let tokens: Value = reqwest::Client::new()
        .post(format!("{}/auth/token", srv.base))
        .basic_auth(&client_id, client["clientSecret"].as_str())
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = tokens["access_token"].as_str().unwrap().to_string();
    let (_, html) = get(&c, srv, "/dashboard/keys").await;
    assert!(html.contains("Kế toán"), "{html}");
    let gone = post(
        &format!("/dashboard/apps/{client_id}/revoke"),
        vec![("csrf", &csrf)],
    )
    .await
    .unwrap();
    assert_eq!(gone.status(), 303);
    let call = reqwest::Client::new()
        .get(format!("{}/v2/accounts", srv.base))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(call.status(), 401);
    let (_, html) = get(&c, srv, "/dashboard/keys").await;
    assert!(!html.contains("Kế toán"), "{html}");
}

/// Every page, on a phone and on a desktop screen: nothing wider than the screen (no sideways
/// scrolling of the page), and on the desktop the navigation on one line beside the brand.
/// Desktop screenshots are kept as `desktop-<page>.png`.
async fn every_page_fits_phones_and_desktops(backend: Backend) {
    let Some(shop) = shop(backend).await else {
        return;
    };
    let srv = &shop.srv;
    let (status, made) = srv
        .post(
            "/v2/payment-requests",
            &shop.t.key,
            &json!({"accountId": shop.acb.id, "amount": 150_000, "description": "Đơn hàng 1042"}),
        )
        .await;
    assert_eq!(status, 200, "{made}");
    let payment = made["data"]["id"].as_i64().unwrap();
    let pages = [
        ("overview", "/dashboard".to_string()),
        ("transactions", "/dashboard/transactions".to_string()),
        (
            "transaction",
            format!("/dashboard/transactions/{}", shop.ids[0]),
        ),
        ("accounts", "/dashboard/accounts".to_string()),
        ("account", format!("/dashboard/accounts/{}", shop.acb.id)),
        ("payments", "/dashboard/payments".to_string()),
        ("payment", format!("/dashboard/payments/{payment}")),
        ("webhooks", "/dashboard/webhooks".to_string()),
        (
            "webhook",
            format!("/dashboard/webhooks/{}", shop.webhook_id),
        ),
        ("keys", "/dashboard/keys".to_string()),
    ];
    let shots = artifacts_dir().join(format!("dashboard-{backend:?}").to_lowercase());
    for screen in [Screen::Phone, Screen::Desktop] {
        let Some(browser) = Browser::start_on("vi", screen).await else {
            return;
        };
        dashboard::sign_in_browser(&browser, srv).await;
        for (name, path) in &pages {
            browser.goto(&format!("{}{path}", srv.base)).await;
            assert!(
                browser.text("main h1").await.is_some(),
                "{screen:?} {name}: {}",
                browser.text("body").await.unwrap_or_default()
            );
            let widths = browser
                .eval(
                    "return [document.documentElement.scrollWidth, window.innerWidth];",
                    vec![],
                )
                .await;
            let (page, screen_width) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
            assert!(
                page <= screen_width,
                "{screen:?} {name}: the page is wider than the screen {widths}"
            );
            if screen == Screen::Desktop {
                let rows = browser
                    .eval(
                        "const brand = document.querySelector('.brand').getBoundingClientRect(); \
                         const tops = new Set([...document.querySelectorAll('nav a')] \
                           .map(a => Math.round(a.getBoundingClientRect().top))); \
                         return tops.size === 1 && [...tops][0] < brand.bottom;",
                        vec![],
                    )
                    .await;
                assert_eq!(
                    rows,
                    json!(true),
                    "{name}: the navigation is on one line, beside the brand"
                );
                browser
                    .screenshot(&shots.join(format!("desktop-{name}.png")))
                    .await;
            }
        }
        browser.quit().await;
    }
}
