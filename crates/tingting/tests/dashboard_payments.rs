//! The dashboard's payment requests against the real server. In headless Chromium an owner
//! creates a request through the page's form, sees its QR and order code, and watches it turn
//! paid without reloading when a matching transfer is ingested, the matched transfer linked
//! (also without reloading), the list shows it paid, another request is cancelled with its
//! button, and an open request turns paid in the list without a reload. Plain HTTP tests cover
//! the form's validation errors (refilled, nothing created), CSRF, the status filter and
//! paging, and tenant isolation (another business's requests are 404 and stay as they are).
//! Screenshots are kept in `target/test-artifacts/dashboard-{sqlite,postgres}/`. Both backends.

#[path = "support/browser.rs"]
mod browser;
mod common;
#[path = "support/dashboard.rs"]
mod dashboard;

use std::time::Duration;

use browser::{artifacts_dir, Browser};
use chrono::{SecondsFormat, Utc};
use common::{eventually, Backend, Tenant, TestServer};
use dashboard::{arrive, client, csrf_of, decoded, get, owner, sign_in, sign_in_browser};
use reqwest::header::LOCATION;
use serde_json::{json, Value};
use tingting::domain::BankAccount;
use tingting::storage::PaymentQuery;

both_backends!(
    payment_turns_paid_in_the_browser,
    forms_refuse_what_they_cannot_use,
    status_filter_and_pages,
    other_businesses_requests_stay_hidden,
);

/// The owner's shop with a Vietcombank account.
async fn shop(backend: Backend) -> Option<(TestServer, Tenant, BankAccount)> {
    let (srv, t) = owner(backend).await?;
    let vcb = srv.account(&t, "VCB", "0071001234567").await;
    Some((srv, t, vcb))
}

/// Ingests a transfer of `amount` to the VCB account whose content carries `code`; its id.
async fn pay(srv: &TestServer, t: &Tenant, amount: i64, code: &str) -> i64 {
    let answer = srv
        .ingest(
            t,
            "0071001234567",
            vec![
                json!({"bookedAt": Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
                        "amount": amount, "description": format!("MBVCB.123.{code}.CT tu 0123")}),
            ],
        )
        .await;
    answer["data"][0]["id"].as_i64().expect("a transaction id")
}

/// Creates a request through the API; its JSON.
async fn api_request(srv: &TestServer, t: &Tenant, body: Value) -> Value {
    let (status, body) = srv.post("/v2/payment-requests", &t.key, &body).await;
    assert_eq!(status, 200, "{body}");
    body["data"].clone()
}

/// How many payment requests the business has.
async fn count(srv: &TestServer, t: &Tenant) -> i64 {
    let query = PaymentQuery {
        status: None,
        from: 0,
        to: i64::MAX,
        now: tingting::domain::time::now_ms(),
        offset: 0,
        limit: 1,
    };
    srv.store
        .list_payment_requests(t.user.business_id, &query)
        .await
        .unwrap()
        .1
}

/// The ids of the list's rows, in order.
fn row_ids(html: &str) -> Vec<i64> {
    html.split(r#"<li id="payment-"#)
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect()
}

async fn payment_turns_paid_in_the_browser(backend: Backend) {
    let Some((srv, t, vcb)) = shop(backend).await else {
        return;
    };
    let Some(browser) = Browser::start("vi").await else {
        return;
    };
    let acb = srv.account(&t, "ACB", "12345678").await;
    let shots = artifacts_dir().join(format!("dashboard-{backend:?}").to_lowercase());
    sign_in_browser(&browser, &srv).await;

    browser.click("#nav-payments").await;
    arrive(&browser, "/dashboard/payments?lang=vi").await;
    assert_eq!(
        browser.text("#no-results").await.as_deref(),
        Some("Không có yêu cầu thanh toán nào.")
    );
    // An amount that is not one: the form comes back with the reason and what was typed.
    browser.fill("#amount", "12,5k").await;
    browser.click("#create-payment").await;
    browser
        .wait_for_text(
            "[data-error=amount]",
            "Số tiền phải là số nguyên VND từ 1 đến 9.999.999.999.999, ví dụ 150000.",
        )
        .await;
    assert_eq!(
        browser
            .eval("return document.querySelector('#amount').value;", vec![])
            .await,
        json!("12,5k")
    );
    browser.screenshot(&shots.join("payments-error.png")).await;
    assert_eq!(count(&srv, &t).await, 0);
    // The form: the VCB account (not the first offered), an amount as people type it, no
    // order code (generated), a description.
    browser
        .click(&format!("#account option[value='{}']", vcb.id))
        .await;
    browser.fill("#amount", "150.000").await;
    browser.fill("#description", "Đơn hàng 42").await;
    browser.screenshot(&shots.join("payments-form.png")).await;
    browser.click("#create-payment").await;
    arrive(&browser, "/dashboard/payments/").await;
    let url = browser.url().await;
    let id: i64 = url
        .split("/dashboard/payments/")
        .nth(1)
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a request's page: {url}"));

    // Its page: pending, the amount, a generated code, the QR code, the checkout link.
    assert_eq!(
        browser.attribute("#status", "data-status").await.as_deref(),
        Some("pending")
    );
    assert_eq!(
        browser.text("#status").await.as_deref(),
        Some("Chờ thanh toán")
    );
    assert_eq!(browser.text("#amount").await.as_deref(), Some("150.000 ₫"));
    let code = browser.text("#code").await.unwrap();
    assert!(
        code.starts_with("DH") && code.len() == 10,
        "a generated code: {code}"
    );
    let stored = srv
        .store
        .get_payment_request(t.user.business_id, id)
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(
        (stored.code.as_str(), stored.amount, stored.account_id),
        (code.as_str(), 150_000, vcb.id)
    );
    assert_eq!(stored.description, "Đơn hàng 42");
    assert_eq!(
        browser
            .eval(
                "return document.querySelectorAll('#qr svg').length;",
                vec![]
            )
            .await,
        json!(1)
    );
    let checkout = browser.attribute("#checkout", "href").await.unwrap();
    assert!(
        checkout.ends_with(&format!("/pay/{}", stored.public_id)),
        "{checkout}"
    );
    assert_eq!(
        browser.text("#no-links").await.as_deref(),
        Some("Chưa có giao dịch nào khớp.")
    );
    assert!(browser.text("#cancel").await.is_some());
    browser.screenshot(&shots.join("payment-pending.png")).await;

    // The transfer arrives: the open page turns paid by itself (no reload).
    browser
        .eval("window.notReloaded = true; return true;", vec![])
        .await;
    let txn = pay(&srv, &t, 150_000, &code).await;
    let b = &browser;
    eventually(Duration::from_secs(10), async || {
        let status = b.attribute("#status", "data-status").await;
        (status.as_deref() == Some("paid")).then_some(())
    })
    .await;
    assert_eq!(
        browser
            .eval("return window.notReloaded === true;", vec![])
            .await,
        json!(true),
        "the same page, not a reload"
    );
    assert_eq!(
        browser.text("#status").await.as_deref(),
        Some("Đã thanh toán")
    );
    assert_eq!(
        browser.text("#paid-amount").await.as_deref(),
        Some("150.000 ₫")
    );
    assert_eq!(
        browser.text("#cancel").await.as_deref(),
        Some(""),
        "no cancelling a paid request"
    );
    // The matched transfer and the paid time appear too, still without a reload.
    let link = format!("#link-{txn} a");
    eventually(Duration::from_secs(10), async || {
        b.attribute(&link, "href").await
    })
    .await;
    assert!(browser.text("#paid-at").await.is_some());
    assert!(
        browser.text("#qr").await.is_none(),
        "no QR code for a paid request"
    );
    assert_eq!(
        browser
            .eval("return window.notReloaded === true;", vec![])
            .await,
        json!(true)
    );
    browser.screenshot(&shots.join("payment-paid.png")).await;

    // Reloaded: the matched transfer links to its page.
    browser
        .goto(&format!("{}/dashboard/payments/{id}?lang=vi", srv.base))
        .await;
    let href = browser
        .attribute(&format!("#link-{txn} a"), "href")
        .await
        .expect("the matched transfer");
    assert!(
        href.ends_with(&format!("/dashboard/transactions/{txn}?lang=vi")),
        "{href}"
    );
    assert!(browser.text("#paid-at").await.is_some());
    assert!(browser.text("#cancel").await.is_none());
    browser.click(&format!("#link-{txn} a")).await;
    arrive(&browser, &format!("/dashboard/transactions/{txn}")).await;

    // The hosted checkout page says paid too.
    browser.goto(&format!("{}{checkout}", srv.base)).await;
    assert_eq!(
        browser.attribute("#status", "data-status").await.as_deref(),
        Some("paid")
    );

    // Another request, on the ACB account, cancelled with its button.
    browser
        .goto(&format!("{}/dashboard/payments?lang=vi", srv.base))
        .await;
    // With requests listed, the form is folded away until asked for.
    assert_eq!(
        browser
            .eval("return document.querySelector('#create').open;", vec![])
            .await,
        json!(false)
    );
    browser.click("#create summary").await;
    browser
        .click(&format!("#account option[value='{}']", acb.id))
        .await;
    browser.fill("#amount", "20000").await;
    browser.fill("#code", "dh-1042").await;
    browser.click("#create-payment").await;
    eventually(Duration::from_secs(10), async || {
        (b.text("#code").await.as_deref() == Some("DH1042")).then_some(())
    })
    .await;
    browser.click("#cancel").await;
    eventually(Duration::from_secs(10), async || {
        let status = b.attribute("#status", "data-status").await;
        (status.as_deref() == Some("cancelled")).then_some(())
    })
    .await;
    assert_eq!(browser.text("#status").await.as_deref(), Some("Đã huỷ"));
    assert!(browser.text("#cancelled-at").await.is_some());

    // The list, newest first, with their statuses; in English too.
    browser.click("#back").await;
    arrive(&browser, "/dashboard/payments?lang=vi").await;
    assert_eq!(browser.text("#total").await.as_deref(), Some("2"));
    assert_eq!(
        browser
            .attribute(&format!("#payment-{id}"), "data-status")
            .await
            .as_deref(),
        Some("paid")
    );
    let first = browser.attribute("#rows li", "id").await.unwrap();
    assert_ne!(first, format!("payment-{id}"), "the newest first");
    assert!(browser
        .text(&format!("#payment-{id}"))
        .await
        .is_some_and(|text| text.contains(&code) && text.contains("Đã thanh toán")));
    browser.screenshot(&shots.join("payments.png")).await;
    browser.click("#lang-switch").await;
    arrive(&browser, "lang=en").await;
    assert!(browser
        .text(&format!("#payment-{id} .badge"))
        .await
        .is_some_and(|text| text == "Paid"));
    assert_eq!(
        browser.text("h1").await.as_deref(),
        Some("Payment requests")
    );
    browser.screenshot(&shots.join("payments-en.png")).await;

    // While the list shows a request that can still change, it follows it: paid by a
    // transfer, the row turns paid without a reload.
    let open = api_request(
        &srv,
        &t,
        json!({"accountId": vcb.id, "amount": 50_000, "orderCode": "DH7001"}),
    )
    .await;
    let open_id = open["id"].as_i64().unwrap();
    browser
        .goto(&format!("{}/dashboard/payments?lang=en", srv.base))
        .await;
    assert_eq!(
        browser
            .attribute(&format!("#payment-{open_id}"), "data-status")
            .await
            .as_deref(),
        Some("pending")
    );
    browser.eval("window.stayed = true;", vec![]).await;
    pay(&srv, &t, 50_000, "DH7001").await;
    eventually(Duration::from_secs(15), async || {
        let status = b
            .attribute(&format!("#payment-{open_id}"), "data-status")
            .await;
        (status.as_deref() == Some("paid")).then_some(())
    })
    .await;
    assert_eq!(
        browser.eval("return window.stayed === true;", vec![]).await,
        json!(true),
        "the same page, not a reload"
    );
    assert_eq!(browser.text("#total").await.as_deref(), Some("3"));
    browser.quit().await;
}

async fn forms_refuse_what_they_cannot_use(backend: Backend) {
    let Some((srv, t, vcb)) = shop(backend).await else {
        return;
    };
    let other = srv.tenant("other@example.vn", "Công ty Khác").await;
    let foreign = srv.account(&other, "ACB", "99990000").await;
    let c = client();
    sign_in(&c, &srv).await;
    let (status, html) = get(&c, &srv, "/dashboard/payments?lang=en").await;
    assert_eq!(status, 200);
    assert!(html.contains("No payment requests."), "{html}");
    let csrf = csrf_of(&html);
    let vcb_id = vcb.id.to_string();
    let post = |form: Vec<(&'static str, String)>| {
        c.post(format!("{}/dashboard/payments?lang=en", srv.base))
            .form(&form)
            .send()
    };
    let form = |account: &str, amount: &str, code: &str, expires: &str, description: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("account", account.to_string()),
            ("amount", amount.to_string()),
            ("code", code.to_string()),
            ("expires", expires.to_string()),
            ("description", description.to_string()),
        ]
    };

    // Without the CSRF token: refused, nothing created.
    let mut no_token = form(&vcb_id, "150000", "", "30", "");
    no_token.remove(0);
    assert_eq!(post(no_token).await.unwrap().status(), 403);
    let mut wrong_token = form(&vcb_id, "150000", "", "30", "");
    wrong_token[0].1 = "forged".into();
    assert_eq!(post(wrong_token).await.unwrap().status(), 403);
    assert_eq!(count(&srv, &t).await, 0);

    // Each field that cannot be used: 400, the form refilled, the reason named.
    let long = "x".repeat(256);
    let foreign_id = foreign.id.to_string();
    for (fields, error, refilled) in [
        (
            form(&vcb_id, "abc", "", "30", ""),
            "amount",
            r#"value="abc""#,
        ),
        (form(&vcb_id, "0", "", "30", ""), "amount", r#"value="0""#),
        (
            form(&vcb_id, "99999999999999", "", "30", ""),
            "amount",
            r#"value="99999999999999""#,
        ),
        (
            form(&foreign_id, "1000", "", "30", "Đơn 7"),
            "account",
            r#"value="Đơn 7""#,
        ),
        (
            form(&vcb_id, "1000", "!!", "30", ""),
            "code",
            r#"value="!!""#,
        ),
        (
            form(&vcb_id, "1000", "", "0", ""),
            "expires",
            r#"id="expires" name="expires" value="0""#,
        ),
        (
            form(&vcb_id, "1000", "", "43201", ""),
            "expires",
            r#"value="43201""#,
        ),
        (
            form(&vcb_id, "1000", "", "", ""),
            "expires",
            r#"name="expires" value="""#,
        ),
        (
            form(&vcb_id, "1000", "", "30", &long),
            "description",
            "xxxxxxxxxx",
        ),
    ] {
        let resp = post(fields).await.unwrap();
        assert_eq!(resp.status(), 400, "{error}");
        let html = resp.text().await.unwrap();
        assert!(
            html.contains(&format!(r#"data-error="{error}""#)),
            "{error}: {html}"
        );
        assert!(html.contains(refilled), "{error}: {refilled} in {html}");
    }
    let resp = post(form(&vcb_id, "1000", "", "30", "")).await.unwrap();
    assert_eq!(count(&srv, &t).await, 1, "only the good one was created");
    assert_eq!(resp.status(), 303);

    // An order code used twice: the second is refused.
    let made = post(form(&vcb_id, "50,000 ₫", "dh 1042", "60", ""))
        .await
        .unwrap();
    assert_eq!(made.status(), 303);
    let location = made.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(location.starts_with("/dashboard/payments/"), "{location}");
    let (status, html) = get(&c, &srv, &location).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="code">DH1042<"#), "{html}");
    assert!(html.contains(r#"id="amount">50.000 ₫<"#), "{html}");
    let taken = post(form(&vcb_id, "1000", "DH1042", "30", ""))
        .await
        .unwrap();
    assert_eq!(taken.status(), 400);
    let html = taken.text().await.unwrap();
    assert!(html.contains(r#"data-error="code_taken""#), "{html}");
    assert!(html.contains("This order code is already used"), "{html}");
    assert_eq!(count(&srv, &t).await, 2);

    // The page's form sent twice (a double tap): one request, the same page both times.
    let (_, html) = get(&c, &srv, "/dashboard/payments?lang=en").await;
    let once = {
        let at = html.find(r#"name="once" value=""#).expect("a once field") + 19;
        html[at..].split('"').next().unwrap().to_string()
    };
    assert_eq!(once.len(), 32, "{once}");
    let mut twice = form(&vcb_id, "75000", "", "30", "");
    twice.push(("once", once.clone()));
    let first = post(twice.clone()).await.unwrap();
    let second = post(twice).await.unwrap();
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (303, 303)
    );
    assert_eq!(first.headers()[LOCATION], second.headers()[LOCATION]);
    assert_eq!(count(&srv, &t).await, 3);
    // The same form sent back with other values: refused, with a fresh form.
    let mut changed = form(&vcb_id, "80000", "", "30", "");
    changed.push(("once", once.clone()));
    let resp = post(changed).await.unwrap();
    assert_eq!(resp.status(), 400);
    let html = resp.text().await.unwrap();
    assert!(html.contains(r#"data-error="resubmitted""#), "{html}");
    assert!(!html.contains(&once), "a fresh one-time value");
    assert_eq!(count(&srv, &t).await, 3);
}

async fn status_filter_and_pages(backend: Backend) {
    let Some((srv, t, vcb)) = shop(backend).await else {
        return;
    };
    let mut ids = Vec::new();
    for i in 0..23 {
        let r = api_request(
            &srv,
            &t,
            json!({"accountId": vcb.id, "amount": 10_000 + i, "orderCode": format!("DH{i:04}")}),
        )
        .await;
        ids.push(r["id"].as_i64().unwrap());
    }
    pay(&srv, &t, 10_003, "DH0003").await;
    let expired = srv
        .expired_request(&t, vcb.id, "DH9999", 5_000, 1_000)
        .await;
    let (status, _) = srv
        .post(
            &format!("/v2/payment-requests/{}/cancel", ids[5]),
            &t.key,
            &json!({}),
        )
        .await;
    assert_eq!(status, 200);

    let c = client();
    sign_in(&c, &srv).await;
    let (status, html) = get(&c, &srv, "/dashboard/payments?lang=en").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="total">24<"#), "{html}");
    let first = row_ids(&html);
    assert_eq!(first.len(), 20);
    let mut newest: Vec<i64> = ids.iter().rev().copied().collect();
    // The expired one was stored two minutes back: the oldest.
    newest.push(expired.id);
    assert_eq!(first, newest[..20], "newest first");
    let (_, next) = get(&c, &srv, "/dashboard/payments?page=2&lang=en").await;
    assert!(
        decoded(&html).contains(r#"id="next" href="/dashboard/payments?page=2&lang=en""#),
        "{html}"
    );
    assert_eq!(row_ids(&next), newest[20..]);
    assert!(next.contains(r#"id="prev""#) && !next.contains(r#"id="next""#));

    for (status, expected, text) in [
        ("paid", vec![ids[3]], "Paid"),
        ("cancelled", vec![ids[5]], "Cancelled"),
        ("expired", vec![expired.id], "Expired"),
    ] {
        let (code, html) = get(
            &c,
            &srv,
            &format!("/dashboard/payments?status={status}&lang=en"),
        )
        .await;
        assert_eq!(code, 200);
        assert_eq!(row_ids(&html), expected, "{status}");
        assert!(
            html.contains(&format!(r#"data-status="{status}">{text}<"#)),
            "{status}: {html}"
        );
        assert!(
            html.contains(&format!(r#"<option value="{status}" selected>"#)),
            "the filter stays chosen"
        );
    }
    let (_, pending) = get(&c, &srv, "/dashboard/payments?status=pending&page=2").await;
    assert!(pending.contains(r#"id="total">21<"#), "{pending}");
    assert_eq!(row_ids(&pending).len(), 1);
    let (code, html) = get(&c, &srv, "/dashboard/payments?status=lost&lang=en").await;
    assert_eq!(code, 400);
    assert!(
        html.contains(r#"data-error="status""#) && row_ids(&html).is_empty(),
        "{html}"
    );
    // A page past the end is empty, not an error.
    let (code, html) = get(&c, &srv, "/dashboard/payments?page=99").await;
    assert_eq!(code, 200);
    assert!(row_ids(&html).is_empty() && html.contains(r#"id="prev""#));
}

async fn other_businesses_requests_stay_hidden(backend: Backend) {
    let Some((srv, t, vcb)) = shop(backend).await else {
        return;
    };
    let mine = api_request(&srv, &t, json!({"accountId": vcb.id, "amount": 70_000})).await;
    let mine_id = mine["id"].as_i64().unwrap();
    let other = srv.tenant("other@example.vn", "Công ty Khác").await;
    let their_account = srv.account(&other, "ACB", "99990000").await;
    let theirs = api_request(
        &srv,
        &other,
        json!({"accountId": their_account.id, "amount": 9_999_000, "orderCode": "BIMAT77"}),
    )
    .await;
    let their_id = theirs["id"].as_i64().unwrap();

    // Signed out: the login form.
    let c = client();
    let (status, _) = get(&c, &srv, "/dashboard/payments").await;
    assert_eq!(status, 303);
    let resp = c
        .get(format!("{}/dashboard/payments/{mine_id}", srv.base))
        .send()
        .await
        .unwrap();
    assert!(resp.headers()[LOCATION]
        .to_str()
        .unwrap()
        .starts_with("/login"));

    sign_in(&c, &srv).await;
    let (status, html) = get(&c, &srv, "/dashboard/payments").await;
    assert_eq!(status, 200);
    assert!(!html.contains("BIMAT77") && row_ids(&html) == vec![mine_id]);
    for path in [
        format!("/dashboard/payments/{their_id}?lang=en"),
        "/dashboard/payments/abc?lang=en".to_string(),
        "/dashboard/payments/99999999999999999999?lang=en".to_string(),
    ] {
        let (status, html) = get(&c, &srv, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            html.contains("does not belong to your business") && !html.contains("BIMAT77"),
            "{path}: {html}"
        );
    }
    let (_, html) = get(&c, &srv, &format!("/dashboard/payments/{mine_id}")).await;
    let csrf = csrf_of(&html);
    let cancel = |id: i64, csrf: Option<&str>| {
        let form: Vec<(&str, &str)> = csrf.map(|c| vec![("csrf", c)]).unwrap_or_default();
        c.post(format!("{}/dashboard/payments/{id}/cancel", srv.base))
            .form(&form)
            .send()
    };
    let status_of = |business: i64, id: i64| {
        let store = srv.store.clone();
        async move {
            store
                .get_payment_request(business, id)
                .await
                .unwrap()
                .unwrap()
                .status
                .as_str()
        }
    };
    // Another business's request cannot be cancelled.
    let resp = cancel(their_id, Some(&csrf)).await.unwrap();
    assert_eq!(resp.status(), 404);
    assert_eq!(status_of(other.user.business_id, their_id).await, "pending");
    // Without the token nothing happens to ours either.
    assert_eq!(cancel(mine_id, None).await.unwrap().status(), 403);
    assert_eq!(cancel(mine_id, Some("forged")).await.unwrap().status(), 403);
    assert_eq!(status_of(t.user.business_id, mine_id).await, "pending");
    // With it, ours is cancelled; again, it stays so.
    for _ in 0..2 {
        let resp = cancel(mine_id, Some(&csrf)).await.unwrap();
        assert_eq!(resp.status(), 303);
        assert_eq!(
            resp.headers()[LOCATION],
            format!("/dashboard/payments/{mine_id}?lang=vi").as_str()
        );
    }
    assert_eq!(status_of(t.user.business_id, mine_id).await, "cancelled");
    let (_, html) = get(&c, &srv, &format!("/dashboard/payments/{mine_id}")).await;
    assert!(
        html.contains(r#"id="status" data-status="cancelled""#),
        "{html}"
    );
    assert!(!html.contains(r#"id="cancel""#), "{html}");
    // A paid request is not cancelled: the page says what it is.
    let paid = api_request(
        &srv,
        &t,
        json!({"accountId": vcb.id, "amount": 30_000, "orderCode": "DH3030"}),
    )
    .await;
    let paid_id = paid["id"].as_i64().unwrap();
    pay(&srv, &t, 30_000, "DH3030").await;
    let resp = cancel(paid_id, Some(&csrf)).await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(status_of(t.user.business_id, paid_id).await, "paid");
    let (_, js) = get(&c, &srv, "/dashboard/payments.js").await;
    assert!(js.contains("EventSource"));
}
