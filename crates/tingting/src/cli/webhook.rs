//! `tingting webhook`: operators' view of webhooks and deliveries, on the database directly.
//! A running server's worker picks up what these enqueue within a second.

use std::process::ExitCode;

use anyhow::{anyhow, Context};
use chrono::NaiveDate;
use clap::Subcommand;
use serde_json::json;

use super::admin::user_by_email;
use super::print_json;
use crate::delivery::replay::replay;
use crate::domain::time::{now_ms, render_vn};
use crate::domain::Delivery;
use crate::storage::{self, Store};

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// List a business's webhooks as JSON.
    List {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Show a webhook's deliveries, newest first, as JSON.
    Deliveries {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
        /// The webhook id.
        webhook_id: i64,
        /// How many to show.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Make a delivery due again now.
    Retry {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
        /// The delivery id.
        delivery_id: i64,
    },
    /// Send again every transaction booked in a range of days (Vietnam dates, inclusive).
    Replay {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
        /// The webhook id.
        webhook_id: i64,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: NaiveDate,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: NaiveDate,
    },
    /// Send Casso's test ping.
    Test {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
        /// The webhook id.
        webhook_id: i64,
    },
}

pub async fn run(database: &str, cmd: WebhookCommand) -> anyhow::Result<ExitCode> {
    let store = storage::connect(database).await?;
    let store = store.as_ref();
    match cmd {
        WebhookCommand::List { email } => {
            let user = user_by_email(store, &email).await?;
            let hooks: Vec<_> = store
                .list_webhooks(user.business_id)
                .await?
                .into_iter()
                .map(|w| {
                    json!({
                        "id": w.id,
                        "url": w.spec.url.as_str(),
                        "format": w.spec.format.as_str(),
                        "incomeOnly": w.spec.income_only,
                        "accountIds": w.spec.account_ids,
                        "enabled": w.enabled,
                        "disabledReason": w.disabled_reason,
                        "failingSince": w.failing_since.map(render_vn),
                    })
                })
                .collect();
            print_json(&json!(hooks));
        }
        WebhookCommand::Deliveries {
            email,
            webhook_id,
            limit,
        } => {
            let user = user_by_email(store, &email).await?;
            existing_webhook(store, user.business_id, webhook_id).await?;
            let list = store
                .list_deliveries(user.business_id, webhook_id, None, limit.clamp(1, 1000))
                .await?;
            print_json(&json!(list.iter().map(delivery_json).collect::<Vec<_>>()));
        }
        WebhookCommand::Retry { email, delivery_id } => {
            let user = user_by_email(store, &email).await?;
            let d = store
                .retry_delivery(user.business_id, delivery_id, now_ms())
                .await?
                .with_context(|| format!("{email} has no delivery {delivery_id}"))?;
            print_json(&delivery_json(&d));
        }
        WebhookCommand::Replay {
            email,
            webhook_id,
            from,
            to,
        } => {
            let user = user_by_email(store, &email).await?;
            let enqueued = replay(store, user.business_id, webhook_id, from, to).await?;
            print_json(&json!({"enqueued": enqueued}));
        }
        WebhookCommand::Test { email, webhook_id } => {
            let user = user_by_email(store, &email).await?;
            existing_webhook(store, user.business_id, webhook_id).await?;
            let d = store
                .enqueue_test_delivery(user.business_id, webhook_id, now_ms())
                .await?;
            print_json(&delivery_json(&d));
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn existing_webhook(store: &dyn Store, business_id: i64, id: i64) -> anyhow::Result<()> {
    store
        .get_webhook(business_id, id)
        .await?
        .map(|_| ())
        .ok_or_else(|| anyhow!("no webhook {id} in this business"))
}

fn delivery_json(d: &Delivery) -> serde_json::Value {
    json!({
        "id": d.id,
        "webhookId": d.webhook_id,
        "transactionId": d.transaction_id.unwrap_or(0),
        "status": d.status.as_str(),
        "attempts": d.attempts,
        "lastHttpStatus": d.last_http_status,
        "lastError": d.last_error,
        "createdAt": render_vn(d.created_at),
        "deliveredAt": d.delivered_at.map(render_vn),
    })
}
