//! What the dashboard's tests share: an owner with a password, a cookie-keeping HTTP client
//! signed in through the login form, and small readers of the pages' HTML.

#![allow(dead_code)] // each test binary uses only part of this module

use std::time::{Duration, Instant};

use reqwest::header::LOCATION;

use crate::browser::Browser;
use crate::common::{set_password, Backend, Tenant, TestServer};

pub const EMAIL: &str = "owner@hoasen.vn";
pub const PASSWORD: &str = "hoa sen nở rộ 2026";
/// A fresh server with one business, "Cửa hàng Hoa Sen", whose owner [`EMAIL`] has the
/// password [`PASSWORD`] (`None` when the backend is not available).
pub async fn owner(backend: Backend) -> Option<(TestServer, Tenant)> {
    let srv = TestServer::start(backend).await?;
    let t = srv.tenant(EMAIL, "Cửa hàng Hoa Sen").await;
    set_password(&srv.db.url, EMAIL, PASSWORD);
    Some((srv, t))
}

/// POSTs a form as the signed-in `client`: status, body and the Location it answers with.
pub async fn post_form(
    client: &reqwest::Client,
    srv: &TestServer,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String, Option<String>) {
    let resp = client
        .post(format!("{}{path}", srv.base))
        .form(fields)
        .send()
        .await
        .unwrap();
    let location = resp
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_string());
    (resp.status().as_u16(), resp.text().await.unwrap(), location)
}

/// The CSRF token of the first form of a page.
pub fn csrf_of(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).expect("a csrf field") + 19;
    html[at..].split('"').next().unwrap().to_string()
}

/// Signs `browser` in through the login form, landing on the overview.
pub async fn sign_in_browser(browser: &Browser, srv: &TestServer) {
    browser
        .goto(&format!("{}/login?next=%2Fdashboard", srv.base))
        .await;
    browser.fill("#email", EMAIL).await;
    browser.fill("#password", PASSWORD).await;
    browser.click("button[type=submit]").await;
    arrive(browser, "/dashboard").await;
}

/// A browser for plain HTTP: keeps cookies, does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs `client` in through the login form.
pub async fn sign_in(client: &reqwest::Client, srv: &TestServer) {
    let html = client
        .get(format!("{}/login", srv.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let resp = client
        .post(format!("{}/login", srv.base))
        .form(&[
            ("email", EMAIL),
            ("password", PASSWORD),
            ("csrf", &csrf),
            ("next", "/dashboard"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()[LOCATION], "/dashboard");
}

/// GET a page of the signed-in client: status and body.
pub async fn get(client: &reqwest::Client, srv: &TestServer, path: &str) -> (u16, String) {
    let resp = client
        .get(format!("{}{path}", srv.base))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// Waits, for at most 20 seconds, until the browser's URL contains `part` (a
/// click that navigates can come back before the new page is there).
pub async fn arrive(browser: &Browser, part: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let url = browser.url().await;
        if url.contains(part) {
            return;
        }
        if Instant::now() > deadline {
            let text = browser.text("body").await.unwrap_or_default();
            panic!("still on {url} after 20 s, not {part:?}: {text}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// HTML with the escapes minijinja writes in attribute values and text (`/`, `&`) undone.
pub fn decoded(html: &str) -> String {
    html.replace("&#x2f;", "/").replace("&amp;", "&")
}
