//! `tingting feed`: bank feeds of a business, and the texts they could not read.

use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use serde_json::json;

use super::admin::user_by_email;
use super::print_json;
use crate::domain::time::render_vn;
use crate::domain::{Feed, FeedToken};
use crate::storage;

#[derive(Debug, Subcommand)]
pub enum FeedCommand {
    /// Give an account a notification ingest URL for forwarded bank SMS, app notifications
    /// and alert e-mails; prints its path with the secret token (shown only once).
    AddNotify {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
        /// The account number.
        #[arg(long)]
        account: String,
        /// Require forwarders to sign posts with this key (HMAC-SHA256 in `X-Signature`).
        #[arg(long, default_value = "")]
        secret: String,
    },
    /// List a business's feeds and their health as JSON.
    List {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Show texts the business's feeds could not read, newest first, as JSON.
    Unparsed {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
        /// How many to show.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

/// Runs a `feed` subcommand.
pub async fn run(database: &str, cmd: FeedCommand) -> anyhow::Result<ExitCode> {
    let store = storage::connect(database).await?;
    match cmd {
        FeedCommand::AddNotify {
            email,
            account,
            secret,
        } => {
            let user = user_by_email(store.as_ref(), &email).await?;
            let found = store
                .find_account(user.business_id, account.trim())
                .await?
                .with_context(|| format!("no account {account} in {email}'s business"))?;
            let token = FeedToken::generate();
            let feed = store
                .create_notify_feed(user.business_id, found.id, &token, &secret)
                .await?;
            print_json(&json!({
                "feedId": feed.id,
                "accountNumber": found.account_number,
                "ingestPath": format!("/ingest/notify/{}", token.expose()),
                "signed": !secret.is_empty(),
            }));
        }
        FeedCommand::List { email } => {
            let user = user_by_email(store.as_ref(), &email).await?;
            let feeds = store.list_feeds(user.business_id).await?;
            print_json(&json!(feeds.iter().map(view).collect::<Vec<_>>()));
        }
        FeedCommand::Unparsed { email, limit } => {
            let user = user_by_email(store.as_ref(), &email).await?;
            let texts = store
                .list_unparsed(user.business_id, None, limit.max(1))
                .await?;
            print_json(&json!(texts
                .iter()
                .map(|t| json!({
                    "id": t.id,
                    "feedId": t.feed_id,
                    "accountId": t.account_id,
                    "sender": t.sender,
                    "text": t.body,
                    "reason": t.reason,
                    "receivedAt": render_vn(t.received_at),
                }))
                .collect::<Vec<_>>()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A feed as the CLI shows it (never its secret).
fn view(f: &Feed) -> serde_json::Value {
    json!({
        "id": f.id,
        "accountId": f.account_id,
        "kind": f.kind.as_str(),
        "token": format!("{}…", f.token_prefix),
        "signed": !f.secret.is_empty(),
        "enabled": f.enabled,
        "lastSuccessAt": f.last_success_at.map(render_vn),
        "lastError": f.last_error,
        "lastErrorAt": f.last_error_at.map(render_vn),
        "consecutiveFailures": f.consecutive_failures,
    })
}
