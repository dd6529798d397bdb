//! `tingting serve`: the HTTP API, the delivery worker and the feed scheduler.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::delivery::policy::{parse_duration, parse_schedule, Policy, DEFAULT_SCHEDULE};
use crate::delivery::sender::Sender;
use crate::delivery::worker::{Wakeup, Worker};
use crate::domain::api_key::digest;
use crate::domain::session::{new_token, SETUP_LINK_MS};
use crate::domain::time::now_ms;
use crate::domain::BankDirectory;
use crate::http::limit::{Limits, RateLimit};
use crate::http::session::LoginSettings;
use crate::http::{self, AppState, PaymentSettings};
use crate::storage::Store;
use crate::{delivery, demo, housekeeping, payments, storage};

/// What an instance runs; any number share one PostgreSQL database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    /// The API, the delivery worker, the feed scheduler, payment expiry and housekeeping.
    All,
    /// The API only: what it stores is delivered by the workers of other instances.
    Api,
    /// The delivery worker, the feed scheduler, payment expiry and housekeeping; HTTP serves
    /// `/healthz` and `/metrics` only.
    Worker,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// What this instance runs.
    #[arg(long, env = "TINGTING_ROLE", value_enum, default_value = "all")]
    role: Role,
    /// Longest the delivery worker goes without looking at the outbox when nothing wakes it
    /// (new deliveries wake it at once: its own process's, and on PostgreSQL every
    /// instance's).
    #[arg(long, env = "TINGTING_OUTBOX_POLL", default_value = "1s", value_parser = parse_duration)]
    outbox_poll: std::time::Duration,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "TINGTING_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Seed a demo business with two accounts, 30 days of transactions and a demo bank feed
    /// adding new ones live (reused if present), and print an API key to try the API with.
    /// Implies --allow-private-webhooks.
    #[arg(long)]
    demo: bool,
    /// Allow webhooks to loopback, private and link-local addresses (tests, local development).
    #[arg(long, env = "TINGTING_ALLOW_PRIVATE_WEBHOOKS", value_parser = clap::builder::BoolishValueParser::new(), default_value = "false")]
    allow_private_webhooks: bool,
    /// How long a webhook receiver has to answer.
    #[arg(long, env = "TINGTING_WEBHOOK_TIMEOUT", default_value = "15s", value_parser = parse_duration)]
    webhook_timeout: std::time::Duration,
    /// Delays before each retry of a failed delivery (comma-separated; about 3 days by default).
    #[arg(long, env = "TINGTING_WEBHOOK_RETRIES", default_value = DEFAULT_SCHEDULE)]
    webhook_retries: String,
    /// Longest `POST /v2/sync` waits for the account's polls and first deliveries (under 30 s).
    #[arg(long, env = "TINGTING_SYNC_WAIT", default_value = "10s", value_parser = parse_duration)]
    sync_wait: std::time::Duration,
    /// A webhook whose every delivery has failed for this long is disabled.
    #[arg(long, env = "TINGTING_WEBHOOK_DISABLE_AFTER", default_value = "5d", value_parser = parse_duration)]
    webhook_disable_after: std::time::Duration,
    /// The prefix of generated order codes (1 to 8 ASCII letters, upper-cased).
    #[arg(long, env = "TINGTING_ORDER_PREFIX", default_value = "DH", value_parser = parse_prefix)]
    order_prefix: paymatch::Prefix,
    /// How far below its amount (VND) a transfer still pays a payment request, unless the
    /// request sets its own `tolerance`.
    #[arg(long, env = "TINGTING_PAYMENT_TOLERANCE", default_value = "0", value_parser = clap::value_parser!(i64).range(0..))]
    payment_tolerance: i64,
    /// The public origin people reach this service at (`https://pay.example.vn`), behind a
    /// reverse proxy: checkout URLs and first-run links start with it [default: paths, and
    /// links to the listening address].
    #[arg(long, env = "TINGTING_PUBLIC_URL", value_parser = parse_public_url)]
    public_url: Option<String>,
    /// Requests per API key: `N/s`, `N/min` or `N/h` across all instances, or `off`.
    #[arg(long, env = "TINGTING_RATE_LIMIT_API", default_value = "off", value_parser = RateLimit::parse)]
    rate_limit_api: std::option::Option<RateLimit>,
    /// Posts per notification ingest URL: `N/s`, `N/min` or `N/h` across all instances, or
    /// `off`.
    #[arg(long, env = "TINGTING_RATE_LIMIT_INGEST", default_value = "off", value_parser = RateLimit::parse)]
    rate_limit_ingest: std::option::Option<RateLimit>,
    /// Mark session cookies Secure on every request (HTTPS terminated elsewhere without
    /// `X-Forwarded-Proto`); without it they are Secure when `X-Forwarded-Proto: https`.
    #[arg(long, env = "TINGTING_SECURE_COOKIES", value_parser = clap::builder::BoolishValueParser::new(), default_value = "false")]
    secure_cookies: bool,
    /// Behind a reverse proxy: count failed logins by the last `X-Forwarded-For` address
    /// instead of the connection's (which is the proxy's).
    #[arg(long, env = "TINGTING_TRUST_PROXY", value_parser = clap::builder::BoolishValueParser::new(), default_value = "false")]
    trust_proxy: bool,
}

fn parse_prefix(s: &str) -> Result<paymatch::Prefix, String> {
    paymatch::Prefix::parse(s).map_err(|e| e.to_string())
}

/// An `http(s)://host[:port]` origin, with an optional path prefix; kept without the
/// trailing `/`.
fn parse_public_url(s: &str) -> Result<String, String> {
    let url = url::Url::parse(s).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err("give an http:// or https:// URL with a host".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("give the origin (and path prefix) only, without ? or #".into());
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

pub async fn run(database: &str, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let schedule = parse_schedule(&args.webhook_retries)
        .map_err(|e| anyhow::anyhow!("--webhook-retries: {e}"))?;
    let policy = Policy {
        timeout: args.webhook_timeout,
        schedule,
        disable_after: args.webhook_disable_after,
        poll: args.outbox_poll,
        ..Policy::default()
    };
    if args.outbox_poll.is_zero() {
        anyhow::bail!("--outbox-poll must be positive");
    }
    if args.sync_wait >= http::REQUEST_TIMEOUT {
        anyhow::bail!(
            "--sync-wait must be shorter than the {} s request timeout",
            http::REQUEST_TIMEOUT.as_secs()
        );
    }
    let store = storage::connect(database)
        .await
        .with_context(|| format!("cannot open database {database}"))?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    if args.demo {
        let seeded = demo::seed(store.as_ref()).await?;
        print!("{}", demo::instructions(&seeded, database, addr));
    }
    if args.role != Role::Worker {
        let base = args
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        print_setup_links(store.as_ref(), &base).await?;
    }
    let allow_private = args.allow_private_webhooks || args.demo;
    let sender =
        Sender::new(policy.timeout, allow_private).context("cannot build the HTTP client")?;
    let banks = BankDirectory::builtin();
    let wakeup = Wakeup::default();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let state = AppState::new(store.clone(), banks, wakeup.clone())
        .with_sync_wait(args.sync_wait)
        .with_payments(PaymentSettings {
            prefix: args.order_prefix,
            tolerance: args.payment_tolerance,
            public_url: args.public_url.clone().unwrap_or_default(),
        })
        .with_limits(Limits {
            api_key: args.rate_limit_api,
            ingest_token: args.rate_limit_ingest,
        })
        .with_login(LoginSettings {
            secure_cookies: args.secure_cookies,
            trust_proxy: args.trust_proxy,
        });
    let mut background = Vec::new();
    if args.role != Role::Api {
        let worker = Worker::new(
            store.clone(),
            sender,
            policy,
            banks,
            wakeup.clone(),
            state.metrics.clone(),
        );
        background.push(tokio::spawn(worker.run(until(stopped.clone()))));
        background.push(tokio::spawn(delivery::listen::run(
            store.clone(),
            wakeup.clone(),
            until(stopped.clone()),
        )));
        background.push(tokio::spawn(housekeeping::run(
            store.clone(),
            until(stopped.clone()),
        )));
        background.push(tokio::spawn(payments::expiry::run(
            store,
            wakeup,
            until(stopped.clone()),
        )));
        background.push(tokio::spawn(state.scheduler().run(until(stopped.clone()))));
    }
    let app = match args.role {
        Role::Worker => http::health_router(state),
        Role::All | Role::Api => http::router(state),
    };
    tracing::info!(role = ?args.role, "serving");
    println!("tingting listening on http://{addr}");
    std::io::stdout().flush()?;
    let served = http::serve_app(listener, app, async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    })
    .await;
    for task in background {
        let _ = task.await;
    }
    served?;
    tracing::info!("shut down cleanly");
    Ok(ExitCode::SUCCESS)
}

/// The first-run path: prints a one-time link, valid for an hour, for each user who has no
/// password yet, where they set one in the browser. Each start replaces the earlier links.
async fn print_setup_links(store: &dyn Store, base: &str) -> anyhow::Result<()> {
    let users = store.users_without_password().await?;
    for user in &users {
        let token = new_token();
        store
            .set_setup_token(
                user.business_id,
                user.id,
                &digest(&token),
                now_ms() + SETUP_LINK_MS,
            )
            .await?;
        println!(
            "{} has no password yet: set it at {base}/setup/{token} (valid for 1 hour, once)",
            user.email
        );
    }
    Ok(())
}

/// Completes when `stopped` turns true.
async fn until(mut stopped: tokio::sync::watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received; draining requests");
}
