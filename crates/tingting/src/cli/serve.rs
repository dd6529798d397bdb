//! `tingting serve`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::domain::BankDirectory;
use crate::http::{self, AppState};
use crate::{demo, storage};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "TINGTING_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Seed a demo business with two accounts and 30 days of transactions (reused if present),
    /// and print an API key to try the API with.
    #[arg(long)]
    demo: bool,
}

pub async fn run(database: &str, args: ServeArgs) -> anyhow::Result<ExitCode> {
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
    println!("tingting listening on http://{addr}");
    std::io::stdout().flush()?;
    let state = AppState {
        store,
        banks: BankDirectory::builtin(),
    };
    http::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("shut down cleanly");
    Ok(ExitCode::SUCCESS)
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
