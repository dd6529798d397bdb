//! One bank account's page, `GET /dashboard/accounts/{id}`: its feeds with their health, a
//! form to add a notification or demo-bank feed (`POST .../feeds`; a notification feed's
//! ingest URL is shown once, with a QR code and the phone forwarder's setup), turning a feed
//! off (`POST .../feeds/{feed_id}/disable`) and on again (`.../enable`), changing a
//! notification feed's signing key or a demo feed's rate and interval (`.../settings`), giving
//! a notification feed a new ingest URL (`.../token`, shown once like a new feed's), the texts
//! its feeds could not read with a re-parse button (`POST .../reparse`) and a statement upload
//! (`POST .../statements`, multipart, sent with upload progress by `/dashboard/accounts.js`
//! when scripts run). Every form carries the session's CSRF token; another business's account
//! is a 404.

use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::Response;
use serde::Serialize;

use super::accounts::{self, AccountRow};
use super::{Form, Posted, View, Viewer};
use crate::domain::{
    BankAccount, DemoError, FeedChangeError, FeedChangeRequest, FeedToken, NewFeed,
};
use crate::http::routes::feeds::UnparsedView;
use crate::http::routes::statements;
use crate::http::session::{self, SessionUser};
use crate::http::{page, AppState};
use crate::ingest::feeds::{self, ChangeRefusal, TokenRefusal};
use crate::ingest::notify::{self, ReparseReport};
use crate::ingest::statement::{import_statement, ImportError, ImportReport};
use crate::payments::qr;

/// Unparsed texts listed on the page, newest first.
const UNPARSED_SHOWN: i64 = 50;

/// Longest CSRF part read from an upload (tokens are far shorter).
const MAX_CSRF_LEN: usize = 256;

/// What an action on the page did, shown above the rest.
#[derive(Debug, Default)]
struct Outcome {
    /// The add-feed form's error (a text key).
    feed_error: Option<&'static str>,
    /// What the refused add-feed form held, shown again.
    feed_typed: FeedTyped,
    /// A notification feed's ingest URL, just created (shown this once).
    ingest_url: Option<String>,
    /// The feed whose ingest URL was just replaced (`ingest_url` is its new one).
    renewed: Option<i64>,
    /// Why an action on a listed feed was refused (a text key).
    feeds_error: Option<&'static str>,
    /// What a re-parse did.
    reparse: Option<ReparseReport>,
    /// What a statement import did.
    import: Option<ImportReport>,
    /// Why a statement upload failed.
    import_error: Option<String>,
}

impl Outcome {
    /// An action on a listed feed refused, for the reason of text key `key`.
    fn feeds_refused(key: &'static str) -> Self {
        Self {
            feeds_error: Some(key),
            ..Self::default()
        }
    }
}

/// The add-feed form's fields as typed.
#[derive(Debug, Default, Serialize)]
struct FeedTyped {
    kind: String,
    secret: String,
    per_minute: String,
    interval: String,
}

impl FeedTyped {
    fn of(form: &Form) -> Self {
        Self {
            kind: form.get("kind").to_string(),
            secret: form.get("secret").to_string(),
            per_minute: form.get("per_minute").to_string(),
            interval: form.get("interval").to_string(),
        }
    }
}

/// An optional number of a form field: None when blank, `Err` when not a `T`.
fn optional<T: std::str::FromStr>(text: &str) -> Result<Option<T>, ()> {
    match text.trim() {
        "" => Ok(None),
        text => text.parse().map(Some).map_err(|_| ()),
    }
}

/// The signed-in business's account `id` (None when the id is not a number or not one of its
/// accounts); Err with the page to answer when the database fails.
async fn find(
    state: &AppState,
    user: &SessionUser,
    id: &str,
) -> Result<Option<BankAccount>, Response> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    state
        .store
        .get_account(user.business_id, id)
        .await
        .map_err(page::unavailable)
}

/// The request's page context: who, in which language, for which URI.
struct Request<'a> {
    state: &'a AppState,
    user: &'a SessionUser,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    lang: &'static str,
}

impl<'a> Request<'a> {
    /// The context of a page.
    fn viewing(state: &'a AppState, viewer: &'a Viewer) -> Self {
        Self {
            state,
            user: &viewer.user,
            uri: &viewer.uri,
            headers: &viewer.headers,
            lang: viewer.lang,
        }
    }

    /// The context of a posted form.
    fn posted(state: &'a AppState, posted: &'a Posted) -> Self {
        Self {
            state,
            user: &posted.user,
            uri: &posted.uri,
            headers: &posted.headers,
            lang: posted.lang,
        }
    }

    /// The account of path segment `id`, or the response to give (404, 503).
    async fn account(&self, id: &str) -> Result<BankAccount, Response> {
        match find(self.state, self.user, id).await? {
            Some(account) => Ok(account),
            None => Err(self.not_found().await),
        }
    }

    /// The account of path segment `id` and the feed id of path segment `feed_id` (a feed of
    /// that account or not is for the action's query to check), or the response to give (404,
    /// 503).
    async fn feed_target(&self, id: &str, feed_id: &str) -> Result<(BankAccount, i64), Response> {
        let account = self.account(id).await?;
        match feed_id.parse::<i64>() {
            Ok(feed_id) => Ok((account, feed_id)),
            Err(_) => Err(self.not_found().await),
        }
    }

    /// The account's page, where an action goes back to.
    fn page_of(&self, account: &BankAccount) -> String {
        format!("/dashboard/accounts/{}?lang={}", account.id, self.lang)
    }

    /// The full ingest URL of a notification feed's `token` (see [`origin`]).
    fn ingest_url(&self, token: &FeedToken) -> String {
        format!("{}/ingest/notify/{}", self.origin(), token.expose())
    }

    /// The accounts page answering 404.
    async fn not_found(&self) -> Response {
        accounts::not_found(self.state, self.user, self.uri, self.lang).await
    }

    /// Where forwarders reach this server (see [`origin`]).
    fn origin(&self) -> String {
        origin(
            &self.state.payments.public_url,
            self.headers,
            session::is_secure(self.state, self.headers),
        )
    }

    /// The account's page with `outcome`.
    async fn render(
        &self,
        account: &BankAccount,
        status: StatusCode,
        outcome: Outcome,
    ) -> Response {
        let (state, business) = (self.state, self.user.business_id);
        let read = async {
            let feeds = state.store.list_feeds(business, Some(account.id)).await?;
            let row = AccountRow::read(state, account, &feeds, self.lang).await?;
            let unparsed = state
                .store
                .list_unparsed(business, Some(account.id), UNPARSED_SHOWN)
                .await?;
            crate::storage::StoreResult::Ok((row, unparsed))
        };
        let (row, unparsed) = match read.await {
            Ok(found) => found,
            Err(e) => return page::unavailable(e),
        };
        let unparsed: Vec<UnparsedView> = unparsed.into_iter().map(Into::into).collect();
        let qr_svg = outcome
            .ingest_url
            .as_deref()
            .and_then(|url| qr::inline_svg(url).ok());
        let view = View {
            user: self.user,
            lang: self.lang,
            uri: self.uri,
            active: "accounts",
        };
        view.render(
            state,
            status,
            "dashboard/account.html",
            minijinja::context! {
                account => row,
                unparsed,
                email => &self.user.email,
                feed_error => outcome.feed_error,
                typed => outcome.feed_typed,
                ingest_url => outcome.ingest_url,
                renewed => outcome.renewed,
                feeds_error => outcome.feeds_error,
                qr_svg,
                reparse => outcome.reparse,
                import => outcome.import,
                import_error => outcome.import_error,
            },
        )
        .await
    }
}

/// Where forwarders reach this server: `public_url` (`--public-url`) when set, else the host
/// the page was asked from, over HTTPS when the request came `secure`ly.
fn origin(public_url: &str, headers: &HeaderMap, secure: bool) -> String {
    if !public_url.is_empty() {
        return public_url.to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if secure { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// `GET /dashboard/accounts/{id}`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let req = Request::viewing(&state, &viewer);
    match req.account(&id).await {
        Ok(account) => {
            req.render(&account, StatusCode::OK, Outcome::default())
                .await
        }
        Err(response) => response,
    }
}

/// `POST /dashboard/accounts/{id}/feeds`: adds a notification feed (`kind=notify`, optional
/// `secret`), shown with its ingest URL this once, or a demo-bank feed (`kind=demo`,
/// `per_minute`, `interval`), then back to the page.
pub async fn add_feed(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let req = Request::posted(&state, &posted);
    let user = &posted.user;
    let form = &posted.form;
    let account = match req.account(&id).await {
        Ok(account) => account,
        Err(response) => return response,
    };
    let refused = |key| Outcome {
        feed_error: Some(key),
        feed_typed: FeedTyped::of(form),
        ..Outcome::default()
    };
    let token = FeedToken::generate();
    let new = match form.get("kind") {
        // As the API: a rate or an interval belongs to a demo feed.
        "notify"
            if !form.get("per_minute").trim().is_empty()
                || !form.get("interval").trim().is_empty() =>
        {
            return req
                .render(
                    &account,
                    StatusCode::BAD_REQUEST,
                    refused("acc_err_demo_only"),
                )
                .await
        }
        "notify" => match NewFeed::notify(&token, form.get("secret")) {
            Ok(new) => new,
            Err(_) => {
                return req
                    .render(&account, StatusCode::BAD_REQUEST, refused("acc_err_secret"))
                    .await
            }
        },
        "demo" => {
            let rate = optional::<f64>(form.get("per_minute"));
            let interval = optional::<i64>(form.get("interval"));
            let settings = match (rate, interval) {
                (Ok(rate), Ok(interval)) => NewFeed::demo(rate, interval).map_err(|e| match e {
                    DemoError::Rate(_) => "acc_err_rate",
                    DemoError::Interval(_) => "acc_err_interval",
                }),
                (Err(()), _) => Err("acc_err_rate"),
                (_, Err(())) => Err("acc_err_interval"),
            };
            match settings {
                Ok(new) => new,
                Err(key) => {
                    return req
                        .render(&account, StatusCode::BAD_REQUEST, refused(key))
                        .await
                }
            }
        }
        _ => {
            return req
                .render(&account, StatusCode::BAD_REQUEST, refused("acc_err_kind"))
                .await
        }
    };
    let pull = new.settings.is_pull();
    match feeds::add(
        state.store.as_ref(),
        &state.polls,
        user.business_id,
        account.id,
        &new,
    )
    .await
    {
        Ok(_) if pull => session::redirect(&req.page_of(&account)),
        Ok(_) => {
            let outcome = Outcome {
                ingest_url: Some(req.ingest_url(&token)),
                ..Outcome::default()
            };
            req.render(&account, StatusCode::OK, outcome).await
        }
        Err(e) => page::unavailable(e),
    }
}

/// `POST /dashboard/accounts/{id}/feeds/{feed_id}/disable`: turns a feed off.
pub async fn disable_feed(
    State(state): State<AppState>,
    Path((id, feed_id)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let req = Request::posted(&state, &posted);
    let (account, feed_id) = match req.feed_target(&id, &feed_id).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    match state
        .store
        .disable_feed(posted.user.business_id, Some(account.id), feed_id)
        .await
    {
        Ok(Some(_)) => session::redirect(&req.page_of(&account)),
        Ok(None) => req.not_found().await,
        Err(e) => page::unavailable(e),
    }
}

/// `POST /dashboard/accounts/{id}/feeds/{feed_id}/settings`: changes a notification feed's
/// signing key (`secret`, blank for unsigned posts) or a demo feed's rate and interval
/// (`per_minute`, `interval`; blank keeps them), then back to the page.
pub async fn settings(
    State(state): State<AppState>,
    Path((id, feed_id)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let form = &posted.form;
    let request = match (
        optional::<f64>(form.get("per_minute")),
        optional::<i64>(form.get("interval")),
    ) {
        (Ok(per_minute), Ok(interval_seconds)) => Ok(FeedChangeRequest {
            secret: form.all("secret").first().map(|s| s.to_string()),
            per_minute,
            interval_seconds,
            enabled: None,
        }),
        (Err(()), _) => Err("acc_err_rate"),
        (_, Err(())) => Err("acc_err_interval"),
    };
    change_feed(&state, &posted, &id, &feed_id, request).await
}

/// `POST /dashboard/accounts/{id}/feeds/{feed_id}/enable`: turns a feed back on (a
/// notification feed's URL works again; a pull feed is polled at once).
pub async fn enable_feed(
    State(state): State<AppState>,
    Path((id, feed_id)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let request = Ok(FeedChangeRequest {
        enabled: Some(true),
        ..FeedChangeRequest::default()
    });
    change_feed(&state, &posted, &id, &feed_id, request).await
}

/// Applies a change to a feed of the account (or shows why not: `request` may already be a
/// refusal's text key), then back to the page.
async fn change_feed(
    state: &AppState,
    posted: &Posted,
    id: &str,
    feed_id: &str,
    request: Result<FeedChangeRequest, &'static str>,
) -> Response {
    let req = Request::posted(state, posted);
    let (account, feed_id) = match req.feed_target(id, feed_id).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let request = match request {
        Ok(request) => request,
        Err(key) => {
            return req
                .render(
                    &account,
                    StatusCode::BAD_REQUEST,
                    Outcome::feeds_refused(key),
                )
                .await
        }
    };
    match feeds::change(
        state.store.as_ref(),
        &state.polls,
        posted.user.business_id,
        account.id,
        feed_id,
        request,
    )
    .await
    {
        Ok(_) => session::redirect(&format!("{}#feed-{feed_id}", req.page_of(&account))),
        Err(ChangeRefusal::NotFound) => req.not_found().await,
        Err(ChangeRefusal::Invalid(e)) => {
            let key = match e {
                FeedChangeError::SecretOfPull => "acc_err_not_notify",
                FeedChangeError::NotDemo => "acc_err_not_demo",
                FeedChangeError::Secret(_) => "acc_err_secret",
                FeedChangeError::Demo(DemoError::Rate(_)) => "acc_err_rate",
                FeedChangeError::Demo(DemoError::Interval(_)) => "acc_err_interval",
            };
            req.render(
                &account,
                StatusCode::BAD_REQUEST,
                Outcome::feeds_refused(key),
            )
            .await
        }
        Err(ChangeRefusal::Store(e)) => page::unavailable(e),
    }
}

/// `POST /dashboard/accounts/{id}/feeds/{feed_id}/token`: gives a notification feed a new
/// ingest URL, shown this once with its QR code and setup steps; the old URL stops working.
pub async fn new_url(
    State(state): State<AppState>,
    Path((id, feed_id)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let req = Request::posted(&state, &posted);
    let (account, feed_id) = match req.feed_target(&id, &feed_id).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let (status, outcome) = match feeds::replace_token(
        state.store.as_ref(),
        posted.user.business_id,
        account.id,
        feed_id,
    )
    .await
    {
        Ok((feed, token)) => (
            StatusCode::OK,
            Outcome {
                ingest_url: Some(req.ingest_url(&token)),
                renewed: Some(feed.id),
                ..Outcome::default()
            },
        ),
        Err(TokenRefusal::NotFound) => return req.not_found().await,
        Err(TokenRefusal::NotNotify) => (
            StatusCode::BAD_REQUEST,
            Outcome::feeds_refused("acc_err_not_notify"),
        ),
        Err(TokenRefusal::Disabled) => (
            StatusCode::CONFLICT,
            Outcome::feeds_refused("acc_err_feed_off"),
        ),
        Err(TokenRefusal::Store(e)) => return page::unavailable(e),
    };
    req.render(&account, status, outcome).await
}

/// `POST /dashboard/accounts/{id}/reparse`: reads the account's unparsed texts again, like
/// `POST /v2/accounts/{id}/unparsed/reparse`, and shows the report.
pub async fn reparse(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let req = Request::posted(&state, &posted);
    let user = &posted.user;
    let account = match req.account(&id).await {
        Ok(account) => account,
        Err(response) => return response,
    };
    match notify::reparse(&state.notify_services(), user.business_id, Some(account.id)).await {
        Ok(report) => {
            let outcome = Outcome {
                reparse: Some(report),
                ..Outcome::default()
            };
            req.render(&account, StatusCode::OK, outcome).await
        }
        Err(e) => page::unavailable(e),
    }
}

/// `POST /dashboard/accounts/{id}/statements`: imports a statement file like
/// `POST /v2/accounts/{id}/statements` (same parts, same limit) and shows the report. The
/// CSRF token must be the first part, so that nothing is read before it is checked.
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let req = Request::viewing(&state, &viewer);
    if !viewer.user.check_csrf(&first_csrf(&mut multipart).await) {
        return page::forbidden(req.lang);
    }
    let account = match req.account(&id).await {
        Ok(account) => account,
        Err(response) => return response,
    };
    let failed = |status, message: String| {
        let outcome = Outcome {
            import_error: Some(message),
            ..Outcome::default()
        };
        (status, outcome)
    };
    let (status, outcome) = match statements::read_parts(&mut multipart).await {
        Err(e) => failed(e.status(), e.message().to_string()),
        Ok((file, options)) => {
            match import_statement(state.store.as_ref(), &account, options, file, |_| {}).await {
                Ok(report) => (
                    StatusCode::OK,
                    Outcome {
                        import: Some(report),
                        ..Outcome::default()
                    },
                ),
                Err(ImportError::Header(message)) => failed(StatusCode::BAD_REQUEST, message),
                Err(ImportError::Ingest(e)) => return page::unavailable(e),
            }
        }
    };
    req.render(&account, status, outcome).await
}

/// The value of the body's first part when it is `csrf` and short ("" otherwise).
async fn first_csrf(multipart: &mut Multipart) -> String {
    let Ok(Some(mut field)) = multipart.next_field().await else {
        return String::new();
    };
    if field.name() != Some("csrf") {
        return String::new();
    }
    let mut value = Vec::new();
    while let Ok(Some(chunk)) = field.chunk().await {
        value.extend_from_slice(&chunk);
        if value.len() > MAX_CSRF_LEN {
            return String::new();
        }
    }
    String::from_utf8(value).unwrap_or_default()
}

/// `GET /dashboard/accounts.js`: sends the statement form with upload progress.
pub async fn script() -> Response {
    super::javascript(include_str!("../../../../templates/dashboard/accounts.js"))
}

#[cfg(test)]
mod tests {
    use super::super::texts;
    use super::{origin, FeedTyped};
    use crate::http::page;
    use axum::http::{header, HeaderMap};

    #[test]
    fn the_ingest_url_starts_with_the_public_url_else_the_host() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "tingting.lan:8080".parse().unwrap());
        assert_eq!(origin("", &headers, false), "http://tingting.lan:8080");
        assert_eq!(origin("", &headers, true), "https://tingting.lan:8080");
        assert_eq!(
            origin("https://tt.example.vn", &headers, false),
            "https://tt.example.vn"
        );
        assert_eq!(origin("", &HeaderMap::new(), false), "http://localhost");
    }

    #[test]
    fn the_account_page_escapes_texts_and_inlines_the_qr_code() {
        let html = page::templates()
            .get_template("dashboard/account.html")
            .unwrap()
            .render(minijinja::context! {
                lang => "en",
                t => minijinja::Value::from_serialize(texts("en")),
                active => "accounts",
                switch_url => "/dashboard/accounts/1?lang=vi",
                business_name => "Hoa Sen",
                email => "owner@hoasen.vn",
                csrf => "tok",
                account => minijinja::context! {
                    id => 1, bank => "ACB", number => "12345678", name => "", feeds => Vec::<()>::new(),
                },
                unparsed => vec![minijinja::context! {
                    id => 3, receivedAt => "2026-11-30 10:00:00", sender => "ACB",
                    text => "<script>alert(1)</script>", reason => "no amount",
                }],
                ingest_url => "https://tt.example.vn/ingest/notify/ttn_x",
                qr_svg => "<svg class=\"qr\"></svg>",
                typed => FeedTyped::default(),
            })
            .unwrap();
        assert!(html.contains("&lt;script&gt;alert(1)") && !html.contains("<script>alert"));
        assert!(
            html.contains("<svg class=\"qr\"></svg>"),
            "the QR code is inline"
        );
        assert!(html.contains(r#"{"from":"%from%","text":"%text%","sentStamp":%sentStamp%}"#));
        // Sign-out, add feed, re-parse, upload (no feed to turn off).
        assert_eq!(html.matches(r#"name="csrf" value="tok""#).count(), 4);
        assert!(html.contains(r#"<script src="/dashboard/accounts.js" defer></script>"#));
    }
}
