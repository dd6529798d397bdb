//! The HTTP API: Casso's v2 routes and ours, with the middleware every request passes.

pub mod auth;
pub mod error;
pub mod extract;
pub mod limit;
pub mod openapi;
pub mod page;
pub mod params;
pub mod routes;
pub mod session;
pub mod views;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::delivery::worker::Wakeup;
use crate::domain::{BankDirectory, Scope};
use crate::ingest::notify::Services;
use crate::ingest::pull::scheduler::Scheduler;
use crate::ingest::pull::Polls;
use crate::metrics::Metrics;
use crate::storage::{IngestQueue, Store};
use error::ApiError;

/// Largest request body accepted: 1 MiB (413 beyond).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Longest `/v2/sync` waits by default.
pub const DEFAULT_SYNC_WAIT: Duration = Duration::from_secs(10);
/// Longest a request may take before it is answered with a timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<dyn Store>,
    /// The bank directory.
    pub banks: &'static BankDirectory,
    /// Wakes the delivery worker when deliveries are enqueued, and hands it new ones.
    pub wakeup: Wakeup,
    /// Group commit of ingested batches.
    pub ingest: IngestQueue,
    /// Signals to and from this process's feed scheduler.
    pub polls: Polls,
    /// Longest `/v2/sync` waits for polls and first deliveries before answering.
    pub sync_wait: Duration,
    /// How payment requests are made.
    pub payments: PaymentSettings,
    /// This server's metrics (`GET /metrics`).
    pub metrics: Arc<Metrics>,
    /// Rate limits per credential.
    pub limits: limit::Limits,
    /// How browser sessions treat the connection.
    pub login: session::LoginSettings,
}

/// How payment requests are made (`tingting serve --order-prefix --payment-tolerance
/// --public-url`).
#[derive(Debug, Clone, Default)]
pub struct PaymentSettings {
    /// The prefix of generated order codes (`DH` by default).
    pub prefix: paymatch::Prefix,
    /// How far below its amount a payment still pays a request, unless the request says (VND).
    pub tolerance: i64,
    /// The public origin checkout URLs start with (`https://pay.example.vn`, no trailing `/`);
    /// "" makes them paths.
    pub public_url: String,
}

impl AppState {
    /// The state over `store`; starts its ingest queue on the current runtime.
    pub fn new(store: Arc<dyn Store>, banks: &'static BankDirectory, wakeup: Wakeup) -> Self {
        let metrics = Arc::new(Metrics::new());
        Self {
            ingest: IngestQueue::start(store.clone(), metrics.clone()),
            metrics,
            store,
            banks,
            wakeup,
            polls: Polls::default(),
            sync_wait: DEFAULT_SYNC_WAIT,
            payments: PaymentSettings::default(),
            limits: limit::Limits::default(),
            login: session::LoginSettings::default(),
        }
    }

    /// The same state with rate limits.
    pub fn with_limits(mut self, limits: limit::Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The same state with other session settings.
    pub fn with_login(mut self, login: session::LoginSettings) -> Self {
        self.login = login;
        self
    }

    /// The same state with other payment request settings.
    pub fn with_payments(mut self, payments: PaymentSettings) -> Self {
        self.payments = payments;
        self
    }

    /// The same state with another bound on `/v2/sync`'s wait.
    pub fn with_sync_wait(mut self, wait: Duration) -> Self {
        self.sync_wait = wait;
        self
    }

    /// The scheduler that polls pull feeds for this state (run it beside the server).
    pub fn scheduler(&self) -> Scheduler {
        Scheduler::new(
            self.store.clone(),
            self.ingest.clone(),
            self.wakeup.clone(),
            self.banks,
            self.polls.clone(),
        )
    }

    /// What the notification feed needs.
    pub fn notify_services(&self) -> Services<'_> {
        Services {
            store: self.store.as_ref(),
            queue: &self.ingest,
            handoff: &self.wakeup,
            banks: self.banks,
        }
    }
}

/// The application: routes plus middleware (request ids, tracing, body limit, timeout, panic
/// catching, envelope for every error).
pub fn router(state: AppState) -> Router {
    // Casso's v1 routes mirror v2's (with v1 tokens, or any other credential).
    let api = casso_api(&state);
    let open = Router::new()
        .route("/ingest/notify/{token}", post(routes::notify::notify))
        .route("/pay/{public_id}", get(routes::checkout::page))
        .route(
            "/login",
            get(routes::login::login_page).post(routes::login::login_submit),
        )
        .route("/logout", post(routes::login::logout))
        .route("/account", get(routes::login::account))
        .route(
            "/setup/{token}",
            get(routes::login::setup_page).post(routes::login::setup_submit),
        )
        .route("/pay/{public_id}/events", get(routes::checkout::events))
        .route(
            "/auth/authorize",
            get(routes::authorize::authorize).post(routes::authorize::consent),
        )
        .route("/auth/token", post(routes::oauth::token))
        .route("/auth/revoke", post(routes::oauth::revoke))
        .route("/v1/token", post(routes::oauth::v1_token))
        .route("/healthz", get(routes::health::healthz))
        .route("/metrics", get(routes::health::metrics))
        .route("/openapi.json", get(openapi::serve))
        .merge(routes::dashboard::routes())
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    let app = open
        .merge(routes::dashboard::uploads())
        .nest("/v2", api.clone())
        .nest("/v1", api)
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), timed))
        .fallback(|| async { ApiError::not_found("Not found") })
        .with_state(state);
    with_middleware(app)
}

/// Casso's API (mounted at `/v2` and `/v1`): every route behind [`auth::require`] with the
/// scope it needs.
fn casso_api(state: &AppState) -> Router<AppState> {
    let guard = |scope: Option<Scope>, routes: Router<AppState>| {
        routes.route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            move |st: axum::extract::State<AppState>,
                  request: axum::extract::Request,
                  next: axum::middleware::Next| auth::require(st, scope, request, next),
        ))
    };
    let any = Router::new().route("/userInfo", get(routes::user_info::user_info));
    let transactions = Router::new()
        .route("/transactions", get(routes::transactions::list))
        .route("/transactions/{id}", get(routes::transactions::get))
        .route("/accounts", get(routes::accounts::list))
        .route("/accounts/{id}", get(routes::accounts::get))
        .route(
            "/accounts/{id}/transactions",
            get(routes::accounts::transactions),
        );
    let feeds = Router::new()
        .route(
            "/accounts/{id}/feeds",
            get(routes::feeds::list).post(routes::feeds::create),
        )
        .route(
            "/accounts/{id}/feeds/{feed_id}",
            axum::routing::delete(routes::feeds::disable).patch(routes::feeds::update),
        )
        .route(
            "/accounts/{id}/feeds/{feed_id}/token",
            post(routes::feeds::new_token),
        )
        .route("/accounts/{id}/unparsed", get(routes::feeds::unparsed))
        .route(
            "/accounts/{id}/unparsed/reparse",
            post(routes::feeds::reparse),
        );
    let payments = Router::new()
        .route("/accounts/{id}/qr", get(routes::qr::qr))
        .route(
            "/payment-requests",
            get(routes::payments::list).post(routes::payments::create),
        )
        .route("/payment-requests/{id}", get(routes::payments::get))
        .route(
            "/payment-requests/{id}/cancel",
            post(routes::payments::cancel),
        );
    let sync = Router::new().route("/sync", post(routes::sync::sync));
    let ingest = Router::new().route("/ingest", post(routes::ingest::ingest));
    let webhooks = Router::new()
        .route(
            "/webhooks",
            get(routes::webhooks::list)
                .post(routes::webhooks::create)
                .delete(routes::webhooks::delete_by_url),
        )
        .route(
            "/webhooks/{id}",
            get(routes::webhooks::get)
                .put(routes::webhooks::update)
                .delete(routes::webhooks::delete),
        )
        .route("/webhooks/{id}/deliveries", get(routes::deliveries::list))
        .route("/webhooks/{id}/test", post(routes::deliveries::test))
        .route("/webhooks/{id}/replay", post(routes::deliveries::replay))
        .route("/deliveries/{id}/retry", post(routes::deliveries::retry));
    let limited = guard(None, any)
        .merge(guard(Some(Scope::Transaction), transactions))
        .merge(guard(Some(Scope::Feed), feeds))
        .merge(guard(Some(Scope::Payment), payments))
        .merge(guard(Some(Scope::Sync), sync))
        .merge(guard(Some(Scope::Ingest), ingest))
        .merge(guard(Some(Scope::Webhook), webhooks))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    // Statement uploads stream to disk and count their own size (a larger limit).
    let uploads = Router::new()
        .route(
            "/accounts/{id}/statements",
            post(routes::statements::upload),
        )
        .layer(DefaultBodyLimit::disable());
    limited.merge(guard(Some(Scope::Ingest), uploads))
}

/// Times a routed request into the metrics, by its route pattern.
async fn timed(
    axum::extract::State(state): axum::extract::State<AppState>,
    route: axum::extract::MatchedPath,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().clone();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    state.metrics.http(
        method.as_str(),
        route.as_str(),
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// The application of an instance that serves no API (`serve --role worker`): `/healthz` and
/// `/metrics` only.
pub fn health_router(state: AppState) -> Router {
    let app = Router::new()
        .route("/healthz", get(routes::health::healthz))
        .route("/metrics", get(routes::health::metrics))
        .fallback(|| async { ApiError::not_found("Not found: this instance serves no API") })
        .with_state(state);
    with_middleware(app)
}

/// Request ids, tracing, the error envelope, panic catching and the request timeout.
fn with_middleware(app: Router) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    app.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
                }),
            )
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(axum::middleware::map_response(error::envelope_errors))
            .layer(CatchPanicLayer::new())
            .layer(TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                REQUEST_TIMEOUT,
            )),
    )
}

/// Serves the application on `listener` until `shutdown` completes, then drains requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_app(listener, router(state), shutdown).await
}

/// Serves `app` (see [`router`], [`health_router`]) as [`serve`] does.
pub async fn serve_app(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer address reaches handlers (login throttling per client address).
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
