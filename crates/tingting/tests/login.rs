//! People logging in through the server-rendered pages, against the real server: passwords
//! set by `tingting user set-password` and by the one-time setup link `tingting serve`
//! prints, the session cookie and its attributes, CSRF checks, open-redirect attempts, login
//! throttling and logout. Both backends.

mod common;

use common::{cli_with_stdin, set_password, Backend, ServeProcess, TestDb, TestServer};
use reqwest::header::{HeaderMap, COOKIE, LOCATION, RETRY_AFTER, SET_COOKIE};
use reqwest::Response;
use tingting::domain::Email;
use tingting::storage;

both_backends!(
    login_account_and_logout,
    wrong_credentials_get_one_answer,
    forms_need_their_csrf_token,
    next_stays_on_this_site,
    failed_logins_are_throttled,
    cookies_are_secure_behind_tls,
    the_setup_link_works_once,
);

const EMAIL: &str = "owner@hoasen.vn";
const PASSWORD: &str = "hoa sen nở rộ 2026";

/// A browser: keeps cookies, does not follow redirects (the tests look at them).
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A client without cookies or redirects: every header is the test's.
fn bare() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A server with a user who has a password.
async fn with_user(backend: Backend) -> Option<TestServer> {
    let srv = TestServer::start(backend).await?;
    srv.tenant(EMAIL, "Cửa hàng Hoa Sen").await;
    set_password(&srv.db.url, EMAIL, PASSWORD);
    Some(srv)
}

/// The value of the hidden `csrf` field of a page.
fn csrf_field(html: &str) -> String {
    let at = html.find(r#"name="csrf" value=""#).expect("a csrf field") + 19;
    html[at..].split('"').next().unwrap().to_string()
}

/// The text of the page's error paragraph.
fn error_text(html: &str) -> Option<String> {
    let at = html.find(r#"id="error""#)?;
    let start = html[at..].find('>')? + at + 1;
    Some(html[start..].split('<').next()?.trim().to_string())
}

/// The `Set-Cookie` header that sets `name`.
fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

/// The value a `Set-Cookie` header sets.
fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|p| p.split_once('='))
        .map(|(_, v)| v.to_string())
        .unwrap()
}

fn location(resp: &Response) -> &str {
    resp.headers()[LOCATION].to_str().unwrap()
}

/// Opens the login page (`query` appended to `/login`); returns its CSRF token.
async fn open_login(client: &reqwest::Client, srv: &TestServer, query: &str) -> String {
    let resp = client
        .get(format!("{}/login{query}", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    csrf_field(&resp.text().await.unwrap())
}

/// Submits the login form.
async fn submit_login(
    client: &reqwest::Client,
    srv: &TestServer,
    email: &str,
    password: &str,
    csrf: &str,
    next: &str,
) -> Response {
    client
        .post(format!("{}/login?lang=en", srv.base))
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf", csrf),
            ("next", next),
        ])
        .send()
        .await
        .unwrap()
}

async fn login_account_and_logout(backend: Backend) {
    let Some(srv) = with_user(backend).await else {
        return;
    };
    // Too short a password is refused with a clear error.
    let out = cli_with_stdin(
        &srv.db.url,
        &["user", "set-password", "--email", EMAIL],
        "short\n",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10 characters"));

    let client = browser();
    // Not signed in: the account page sends to the login page and back.
    let resp = client
        .get(format!("{}/account", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/login?next=%2Faccount");

    let csrf = open_login(&client, &srv, "?next=/account").await;
    let resp = submit_login(&client, &srv, EMAIL, PASSWORD, &csrf, "/account").await;
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/account");
    let session = set_cookie(resp.headers(), "tt_session").expect("a session cookie");
    let token = cookie_value(&session);
    assert!(token.len() >= 32, "{session}");

    let resp = client
        .get(format!("{}/account", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let page = resp.text().await.unwrap();
    assert!(page.contains(EMAIL), "{page}");
    assert!(page.contains("Đăng xuất"), "Vietnamese by default");
    let csrf = csrf_field(&page);

    // Signed in, the login page moves on.
    let resp = client
        .get(format!("{}/login?next=/account", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/account");
    let resp = client
        .get(format!("{}/login", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&resp), "/account", "no next: the account page");

    // Logout needs the session's CSRF token.
    for wrong in ["", "not-the-token"] {
        let resp = client
            .post(format!("{}/logout", srv.base))
            .form(&[("csrf", wrong)])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403);
    }
    let resp = client
        .post(format!("{}/logout", srv.base))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert!(location(&resp).starts_with("/login"));
    let cleared = set_cookie(resp.headers(), "tt_session").expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // The old cookie no longer works.
    let resp = bare()
        .get(format!("{}/account", srv.base))
        .header(COOKIE, format!("tt_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/login?next=%2Faccount");
}

async fn wrong_credentials_get_one_answer(backend: Backend) {
    let Some(srv) = with_user(backend).await else {
        return;
    };
    let client = browser();
    let csrf = open_login(&client, &srv, "?lang=en").await;
    let mut errors = Vec::new();
    for (email, password) in [
        (EMAIL, "wrong password here"),
        ("nobody@hoasen.vn", PASSWORD),
        ("not an e-mail", PASSWORD),
    ] {
        let resp = submit_login(&client, &srv, email, password, &csrf, "/").await;
        assert_eq!(resp.status(), 401, "{email}");
        assert!(set_cookie(resp.headers(), "tt_session").is_none());
        let page = resp.text().await.unwrap();
        assert!(!page.contains(password), "the password is not echoed");
        errors.push(error_text(&page).expect("an error"));
    }
    assert_eq!(errors[0], "Wrong e-mail or password.");
    assert!(errors.iter().all(|e| *e == errors[0]), "{errors:?}");
}

async fn forms_need_their_csrf_token(backend: Backend) {
    let Some(srv) = with_user(backend).await else {
        return;
    };
    // No cookie at all (a cross-site form), a wrong field, a missing field: all 403, even
    // with the right password.
    let stranger = bare();
    let resp = submit_login(&stranger, &srv, EMAIL, PASSWORD, "guessed", "/").await;
    assert_eq!(resp.status(), 403);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(set_cookie(resp.headers(), "tt_session").is_none());

    let client = browser();
    let csrf = open_login(&client, &srv, "").await;
    let resp = submit_login(&client, &srv, EMAIL, PASSWORD, "wrong", "/").await;
    assert_eq!(resp.status(), 403);
    let resp = client
        .post(format!("{}/login", srv.base))
        .form(&[("email", EMAIL), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert!(resp.text().await.unwrap().contains("Yêu cầu bị từ chối"));
    // The right token passes.
    let resp = submit_login(&client, &srv, EMAIL, PASSWORD, &csrf, "/").await;
    assert_eq!(resp.status(), 303);
}

async fn next_stays_on_this_site(backend: Backend) {
    let Some(srv) = with_user(backend).await else {
        return;
    };
    for (next, expected) in [
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/account?lang=en", "/account?lang=en"),
    ] {
        let client = browser();
        let csrf = open_login(&client, &srv, "").await;
        let resp = submit_login(&client, &srv, EMAIL, PASSWORD, &csrf, next).await;
        assert_eq!(resp.status(), 303, "{next}");
        assert_eq!(location(&resp), expected, "{next}");
        // Already signed in, the login page's own `next` is checked the same way.
        let resp = client
            .get(format!("{}/login", srv.base))
            .query(&[("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&resp), expected, "{next}");
    }
}

async fn failed_logins_are_throttled(backend: Backend) {
    let Some(srv) = with_user(backend).await else {
        return;
    };
    let client = browser();
    let csrf = open_login(&client, &srv, "").await;
    for attempt in 1..=5 {
        let resp = submit_login(&client, &srv, EMAIL, "not the password", &csrf, "/").await;
        assert_eq!(resp.status(), 401, "attempt {attempt}");
    }
    let resp = submit_login(&client, &srv, EMAIL, "not the password", &csrf, "/").await;
    assert_eq!(resp.status(), 429);
    let wait: u64 = resp.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    let page = resp.text().await.unwrap();
    assert!(
        error_text(&page)
            .unwrap()
            .contains("Too many failed sign-ins"),
        "{page}"
    );
    // The right password is refused too while throttled.
    let resp = submit_login(&client, &srv, EMAIL, PASSWORD, &csrf, "/").await;
    assert_eq!(resp.status(), 429);
    assert!(set_cookie(resp.headers(), "tt_session").is_none());
    // Another person from the same address is not locked out by that.
    srv.tenant("other@hoasen.vn", "Tiệm Sen").await;
    set_password(&srv.db.url, "other@hoasen.vn", PASSWORD);
    let resp = submit_login(&client, &srv, "other@hoasen.vn", PASSWORD, &csrf, "/").await;
    assert_eq!(resp.status(), 303);
}

async fn cookies_are_secure_behind_tls(backend: Backend) {
    let Some(srv) = with_user(backend).await else {
        return;
    };
    let client = bare();
    for (proto, secure) in [(None, false), (Some("https"), true)] {
        let mut get = client.get(format!("{}/login", srv.base));
        if let Some(proto) = proto {
            get = get.header("X-Forwarded-Proto", proto);
        }
        let resp = get.send().await.unwrap();
        let csrf_cookie = set_cookie(resp.headers(), "tt_csrf").expect("a CSRF cookie");
        let csrf = csrf_field(&resp.text().await.unwrap());
        assert_eq!(cookie_value(&csrf_cookie), csrf);
        let mut post = client
            .post(format!("{}/login", srv.base))
            .header(COOKIE, format!("tt_csrf={csrf}"))
            .form(&[
                ("email", EMAIL),
                ("password", PASSWORD),
                ("csrf", csrf.as_str()),
            ]);
        if let Some(proto) = proto {
            post = post.header("X-Forwarded-Proto", proto);
        }
        let resp = post.send().await.unwrap();
        assert_eq!(resp.status(), 303);
        let session = set_cookie(resp.headers(), "tt_session").unwrap();
        for cookie in [&csrf_cookie, &session] {
            let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
            assert!(attributes.contains(&"HttpOnly"), "{cookie}");
            assert!(attributes.contains(&"SameSite=Lax"), "{cookie}");
            assert!(attributes.contains(&"Path=/"), "{cookie}");
            assert_eq!(attributes.contains(&"Secure"), secure, "{cookie}");
        }
    }
}

async fn the_setup_link_works_once(backend: Backend) {
    let Some(db) = TestDb::fresh(backend).await else {
        return;
    };
    let store = storage::connect(&db.url).await.unwrap();
    store
        .create_user(&Email::parse(EMAIL).unwrap(), "Cửa hàng Hoa Sen")
        .await
        .unwrap();
    let serve = ServeProcess::spawn(&db.url, &[]);
    let line = serve
        .printed
        .iter()
        .find(|l| l.starts_with(EMAIL))
        .unwrap_or_else(|| panic!("no setup link in {:?}", serve.printed));
    let link = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("a link");
    assert!(
        link.starts_with(&format!("{}/setup/", serve.base)),
        "{line}"
    );

    let client = browser();
    let resp = client.get(link).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["referrer-policy"], "no-referrer");
    let page = resp.text().await.unwrap();
    assert!(page.contains(EMAIL));
    let csrf = csrf_field(&page);
    let submit = |password: &'static str, confirm: &'static str| {
        client
            .post(link)
            .form(&[
                ("csrf", csrf.as_str()),
                ("password", password),
                ("confirm", confirm),
            ])
            .send()
    };
    let resp = submit("hoa sen nở rộ 2026", "something else entirely")
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(
        error_text(&resp.text().await.unwrap()).unwrap(),
        "Hai mật khẩu không giống nhau."
    );
    let resp = submit("short", "short").await.unwrap();
    assert_eq!(resp.status(), 400);
    let resp = submit(PASSWORD, PASSWORD).await.unwrap();
    assert_eq!(resp.status(), 303);
    assert!(location(&resp).starts_with("/account"));
    let resp = client
        .get(format!("{}/account", serve.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains(EMAIL));

    // Used once: the link is dead.
    let resp = client.get(link).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    assert!(resp.text().await.unwrap().contains("không còn hiệu lực"));
    let resp = submit("another password 123", "another password 123")
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);

    // The password works from a fresh browser, and the next start prints no link for them.
    let fresh = browser();
    let csrf = {
        let resp = fresh
            .get(format!("{}/login", serve.base))
            .send()
            .await
            .unwrap();
        csrf_field(&resp.text().await.unwrap())
    };
    let resp = fresh
        .post(format!("{}/login", serve.base))
        .form(&[("email", EMAIL), ("password", PASSWORD), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    serve.kill();
    let again = ServeProcess::spawn(&db.url, &[]);
    assert!(
        !again.printed.iter().any(|l| l.contains("/setup/")),
        "{:?}",
        again.printed
    );
}
