//! What the server-rendered pages for people share (checkout, login, setup, account, the
//! dashboard): their templates, the page language, money as people read it, and HTML
//! responses with the headers such pages need.
//! HTML error responses pass the JSON envelope middleware untouched (see
//! [`super::error::envelope_errors`]).

use std::sync::OnceLock;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

/// Every page template, parsed once.
pub fn templates() -> &'static minijinja::Environment<'static> {
    static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = minijinja::Environment::new();
        env.add_template(
            "checkout.html",
            include_str!("../../templates/checkout.html"),
        )
        .expect("the checkout template parses");
        env.add_template("login.html", include_str!("../../templates/login.html"))
            .expect("the login template parses");
        for (name, source) in [
            (
                "dashboard/layout.html",
                include_str!("../../templates/dashboard/layout.html"),
            ),
            (
                "dashboard/overview.html",
                include_str!("../../templates/dashboard/overview.html"),
            ),
            (
                "dashboard/transactions.html",
                include_str!("../../templates/dashboard/transactions.html"),
            ),
            (
                "dashboard/transaction.html",
                include_str!("../../templates/dashboard/transaction.html"),
            ),
            (
                "dashboard/keys.html",
                include_str!("../../templates/dashboard/keys.html"),
            ),
            (
                "dashboard/message.html",
                include_str!("../../templates/dashboard/message.html"),
            ),
            (
                "dashboard/payments.html",
                include_str!("../../templates/dashboard/payments.html"),
            ),
            (
                "dashboard/payment.html",
                include_str!("../../templates/dashboard/payment.html"),
            ),
            (
                "dashboard/payments_style.html",
                include_str!("../../templates/dashboard/payments_style.html"),
            ),
            (
                "dashboard/webhooks.html",
                include_str!("../../templates/dashboard/webhooks.html"),
            ),
            (
                "dashboard/webhook.html",
                include_str!("../../templates/dashboard/webhook.html"),
            ),
            (
                "dashboard/webhook_form.html",
                include_str!("../../templates/dashboard/webhook_form.html"),
            ),
            (
                "dashboard/webhook_style.html",
                include_str!("../../templates/dashboard/webhook_style.html"),
            ),
            (
                "dashboard/accounts.html",
                include_str!("../../templates/dashboard/accounts.html"),
            ),
            (
                "dashboard/account.html",
                include_str!("../../templates/dashboard/account.html"),
            ),
        ] {
            env.add_template(name, source)
                .expect("the dashboard templates parse");
        }
        env
    })
}

/// A page's language: `lang` (`?lang=`), else the first of Accept-Language that is `vi` or
/// `en`; Vietnamese by default.
pub fn language(lang: Option<&str>, headers: &HeaderMap) -> &'static str {
    let pick = |tag: &str| {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("en") {
            Some("en")
        } else if tag.starts_with("vi") {
            Some("vi")
        } else {
            None
        }
    };
    if let Some(lang) = lang.and_then(pick) {
        return lang;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').find_map(|t| pick(t.split(';').next()?)))
        .unwrap_or("vi")
}

/// The language of a request: its `?lang=` query parameter, else its Accept-Language.
pub fn request_language(uri: &Uri, headers: &HeaderMap) -> &'static str {
    let lang = uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| v.into_owned())
    });
    language(lang.as_deref(), headers)
}

/// Whole VND as people read it: `150.000 ₫`, `-1.234.567 ₫`.
pub fn money(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("{}{grouped} ₫", if amount < 0 { "-" } else { "" })
}

/// The Content-Security-Policy of pages without scripts.
const NO_SCRIPTS: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                          frame-ancestors 'none'; base-uri 'none'";

/// An HTML page for people: never cached, no referrer (setup links carry a secret), never
/// framed (clickjacking), no external resources, no scripts.
pub fn html(status: StatusCode, body: String) -> Response {
    html_with_csp(status, body, NO_SCRIPTS)
}

/// An HTML page as [`html`] makes it, under the Content-Security-Policy `csp` (a page that
/// runs scripts of this site says so).
pub fn html_with_csp(status: StatusCode, body: String, csp: &'static str) -> Response {
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    response
}

/// A page of `login.html` (`page` is `login`, `setup`, `account` or `notice`) with `context`
/// merged in; a plain 503 page if rendering fails.
pub fn render(status: StatusCode, context: minijinja::Value) -> Response {
    match templates()
        .get_template("login.html")
        .and_then(|t| t.render(context))
    {
        Ok(body) => html(status, body),
        Err(e) => unavailable(e),
    }
}

/// A page telling the person what happened (`notice` is a key of the template's texts:
/// `forbidden`, `link_invalid`, ...).
pub fn notice(status: StatusCode, lang: &str, notice: &str) -> Response {
    render(
        status,
        minijinja::context! { page => "notice", lang, notice },
    )
}

/// 403: a form arrived without the token it should carry (cross-site request forgery, or a
/// page kept open past its session).
pub fn forbidden(lang: &str) -> Response {
    notice(StatusCode::FORBIDDEN, lang, "forbidden")
}

/// 503 without internals (the cause is logged).
pub fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::warn!(error = %e, "page failed");
    let page = "<!doctype html><html><meta charset=\"utf-8\"><title>503</title>\
                <p style=\"font-family:system-ui,sans-serif;margin:2rem\">\
                Tạm thời không hiển thị được. Vui lòng thử lại. / Temporarily unavailable; \
                please retry.</p></html>";
    html(StatusCode::SERVICE_UNAVAILABLE, page.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(150_000), "150.000 ₫");
        assert_eq!(money(999), "999 ₫");
        assert_eq!(money(1_234_567), "1.234.567 ₫");
        assert_eq!(money(-1_234_567), "-1.234.567 ₫");
        assert_eq!(money(0), "0 ₫");
    }

    #[test]
    fn language_follows_the_query_then_the_browser() {
        let mut headers = HeaderMap::new();
        assert_eq!(language(None, &headers), "vi");
        headers.insert(
            header::ACCEPT_LANGUAGE,
            "fr;q=1, en-US;q=0.8, vi;q=0.5".parse().unwrap(),
        );
        assert_eq!(language(None, &headers), "en");
        assert_eq!(language(Some("vi"), &headers), "vi");
        let uri: Uri = "/login?next=%2Fa&lang=vi".parse().unwrap();
        assert_eq!(request_language(&uri, &headers), "vi");
        let uri: Uri = "/login".parse().unwrap();
        assert_eq!(request_language(&uri, &headers), "en");
    }
}
