//! What the server-rendered pages for people share (checkout, login, setup, account): their
//! templates, the page language, and HTML responses with the headers such pages need.
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

/// An HTML page for people: never cached, no referrer (setup links carry a secret), never
/// framed (clickjacking), no external resources.
pub fn html(status: StatusCode, body: String) -> Response {
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
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
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
