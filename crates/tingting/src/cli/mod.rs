//! The `tingting` command line: `serve`, admin commands and `import`.

mod admin;
mod backup;
mod feed;
mod import;
mod migrate;
mod oauth;
mod serve;
mod webhook;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE: &str = "sqlite:tingting.db";

/// tingting: a self-hosted, Casso-compatible bank-transaction hub.
#[derive(Debug, Parser)]
#[command(name = "tingting", version, about)]
pub struct Cli {
    /// Database URL: sqlite:PATH, sqlite://PATH or postgres://...
    #[arg(long, global = true, env = "DATABASE_URL", default_value = DEFAULT_DATABASE)]
    pub database: String,

    /// Log lines on stderr: `text` for people, `json` (one object per line) for collectors.
    #[arg(
        long,
        global = true,
        env = "TINGTING_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,

    #[command(subcommand)]
    command: Command,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP API.
    Serve(serve::ServeArgs),
    /// Manage users (each user owns a business).
    #[command(subcommand)]
    User(admin::UserCommand),
    /// Manage API keys.
    #[command(subcommand)]
    Apikey(admin::ApiKeyCommand),
    /// Manage bank accounts.
    #[command(subcommand)]
    Account(admin::AccountCommand),
    /// OAuth2 clients: partner apps and a business's own servers.
    #[command(subcommand)]
    Oauth(oauth::OAuthCommand),
    /// Bank feeds: notification ingest URLs, feed health, unread texts.
    #[command(subcommand)]
    Feed(feed::FeedCommand),
    /// Import a statement file (tingting's canonical CSV) into an account.
    Import(import::ImportArgs),
    /// Inspect webhooks and their deliveries; retry, replay, test.
    #[command(subcommand)]
    Webhook(webhook::WebhookCommand),
    /// Copy a SQLite database consistently while the server runs.
    Backup(backup::BackupArgs),
    /// Move a SQLite installation to PostgreSQL (verified; safe to re-run).
    MigrateDb(migrate::MigrateArgs),
}

/// Parses the command line, runs the command and turns failures into one clear line on stderr.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let database = cli.database;
    match cli.command {
        Command::Serve(args) => serve::run(&database, args).await,
        Command::User(cmd) => admin::user(&database, cmd).await,
        Command::Apikey(cmd) => admin::apikey(&database, cmd).await,
        Command::Account(cmd) => admin::account(&database, cmd).await,
        Command::Oauth(cmd) => oauth::run(&database, cmd).await,
        Command::Feed(cmd) => feed::run(&database, cmd).await,
        Command::Import(args) => import::run(&database, args).await,
        Command::Webhook(cmd) => webhook::run(&database, cmd).await,
        Command::Backup(args) => backup::run(&database, args).await,
        Command::MigrateDb(args) => migrate::run(&database, args).await,
    }
}

/// Logs to stderr in `format`; `RUST_LOG` overrides the default level.
fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
}

/// Prints a JSON value on stdout (the admin commands' machine-readable output).
fn print_json(value: &serde_json::Value) {
    println!("{value}");
}
