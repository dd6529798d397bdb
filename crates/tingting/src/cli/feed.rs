//! `tingting feed`: bank feeds of a business, and the texts they could not read.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Subcommand;
use serde_json::json;

use super::admin::user_by_email;
use super::print_json;
use crate::delivery::policy::parse_duration;
use crate::delivery::worker::Wakeup;
use crate::domain::time::render_vn;
use crate::domain::{
    BankAccount, BankDirectory, CommandSettings, DemoSettings, Feed, FeedChange, FeedSettings,
    FeedToken, MailSecurity, MailboxSettings, NewFeed,
};
use crate::http::routes::feeds::FeedView;
use crate::ingest::notify::{reparse, Services};
use crate::storage::{self, IngestQueue, Store};

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
    /// Give an account a demo bank feed: made-up transfers at a rate, polled on an interval.
    AddDemo {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
        /// The account number.
        #[arg(long)]
        account: String,
        /// Average transfers per minute.
        #[arg(long, default_value_t = 2.0)]
        per_minute: f64,
        /// Time between polls.
        #[arg(long, default_value = "15s", value_parser = parse_duration)]
        every: Duration,
    },
    /// Give an account a command feed: PROGRAM runs on every poll and prints the account's
    /// transactions as JSON lines (see README, "Command feeds").
    AddCommand {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
        /// The account number.
        #[arg(long)]
        account: String,
        /// Time between polls.
        #[arg(long, default_value = "5m", value_parser = parse_duration)]
        every: Duration,
        /// The program is killed after this long.
        #[arg(long, default_value = "60s", value_parser = parse_duration)]
        timeout: Duration,
        /// The program and its arguments (after `--`).
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<String>,
    },
    /// Give an account a mailbox feed: bank alert e-mails fetched from an IMAP folder
    /// (read-only) on an interval. The password comes from TINGTING_MAILBOX_PASSWORD.
    AddMailbox {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
        /// The account number.
        #[arg(long)]
        account: String,
        /// The IMAP server's host.
        #[arg(long)]
        host: String,
        /// Its port (993 with TLS, 143 with --plain, unless given).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Connect without TLS (only for a server on this machine: the password crosses the
        /// network in clear).
        #[arg(long)]
        plain: bool,
        /// The login name.
        #[arg(long)]
        username: String,
        /// The password (from the environment; not on the command line, where other users
        /// of the machine could see it).
        #[arg(
            long = "password-from-env",
            env = "TINGTING_MAILBOX_PASSWORD",
            hide_env_values = true
        )]
        password: String,
        /// The folder the alerts arrive in.
        #[arg(long, default_value = "INBOX")]
        folder: String,
        /// Only mail whose sender contains this, e.g. `vietcombank.com.vn`.
        #[arg(long)]
        from: Option<String>,
        /// A PEM file of a certificate to trust (a server with a private or self-signed one).
        #[arg(long)]
        ca_file: Option<std::path::PathBuf>,
        /// Time between polls.
        #[arg(long, default_value = "60s", value_parser = parse_duration)]
        every: Duration,
    },
    /// Turn a feed off: its ingest URL stops working and it is no longer polled.
    Disable {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
        /// The feed id (see `feed list`).
        #[arg(long)]
        id: i64,
    },
    /// Turn a feed back on: a notification feed's URL works again, a pull feed is polled at
    /// once.
    Enable {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
        /// The feed id (see `feed list`).
        #[arg(long)]
        id: i64,
    },
    /// Give a notification feed a new ingest URL (a lost or leaked one); prints its path with
    /// the new secret token (shown only once). The old URL stops working at once.
    NewUrl {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
        /// The feed id (see `feed list`).
        #[arg(long)]
        id: i64,
    },
    /// Read the business's unparsed texts again with this version's parsers; prints what
    /// became of them as JSON.
    Reparse {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
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
            let found = account_of(store.as_ref(), &email, &account).await?;
            let token = FeedToken::generate();
            let new =
                NewFeed::notify(&token, &secret).map_err(|e| anyhow::anyhow!("--secret: {e}"))?;
            let feed = store.create_feed(found.business_id, found.id, &new).await?;
            print_json(&json!({
                "feedId": feed.id,
                "accountNumber": found.account_number,
                "ingestPath": format!("/ingest/notify/{}", token.expose()),
                "signed": !secret.is_empty(),
            }));
        }
        FeedCommand::AddDemo {
            email,
            account,
            per_minute,
            every,
        } => {
            let settings = DemoSettings::new(per_minute).map_err(anyhow::Error::msg)?;
            let feed = add_pull(
                store.as_ref(),
                &email,
                &account,
                FeedSettings::Demo(settings),
                every,
            )
            .await?;
            print_json(&view(&feed));
        }
        FeedCommand::AddMailbox {
            email,
            account,
            host,
            port,
            plain,
            username,
            password,
            folder,
            from,
            ca_file,
            every,
        } => {
            let ca_pem = match &ca_file {
                Some(path) => Some(
                    std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))?,
                ),
                None => None,
            };
            let settings = MailboxSettings {
                host,
                port,
                security: if plain {
                    MailSecurity::Plain
                } else {
                    MailSecurity::Tls
                },
                username,
                password,
                folder,
                from,
                ca_pem,
            }
            .check()
            .map_err(anyhow::Error::msg)?;
            let feed = add_pull(
                store.as_ref(),
                &email,
                &account,
                FeedSettings::Mailbox(settings),
                every,
            )
            .await?;
            print_json(&view(&feed));
        }
        FeedCommand::AddCommand {
            email,
            account,
            every,
            timeout,
            command,
        } => {
            let (program, args) = command.split_first().context("no program given")?;
            let settings = CommandSettings::new(program, args.to_vec(), timeout.as_millis() as u64)
                .map_err(anyhow::Error::msg)?;
            let feed = add_pull(
                store.as_ref(),
                &email,
                &account,
                FeedSettings::Command(settings),
                every,
            )
            .await?;
            print_json(&view(&feed));
        }
        FeedCommand::Disable { email, id } => {
            let user = user_by_email(store.as_ref(), &email).await?;
            if store
                .disable_feed(user.business_id, None, id)
                .await?
                .is_none()
            {
                anyhow::bail!("no feed {id} in {email}'s business");
            }
            println!("feed {id} disabled");
        }
        FeedCommand::Enable { email, id } => {
            let user = user_by_email(store.as_ref(), &email).await?;
            let on = FeedChange {
                enabled: Some(true),
                ..FeedChange::default()
            };
            if store
                .update_feed(user.business_id, None, id, &on)
                .await?
                .is_none()
            {
                anyhow::bail!("no feed {id} in {email}'s business");
            }
            println!("feed {id} enabled");
        }
        FeedCommand::NewUrl { email, id } => {
            let user = user_by_email(store.as_ref(), &email).await?;
            let token = FeedToken::generate();
            let Some(feed) = store
                .replace_feed_token(user.business_id, None, id, &token)
                .await?
            else {
                anyhow::bail!("no enabled notification feed {id} in {email}'s business");
            };
            print_json(&json!({
                "feedId": feed.id,
                "accountId": feed.account_id,
                "ingestPath": format!("/ingest/notify/{}", token.expose()),
                "signed": !feed.secret.is_empty(),
            }));
        }
        FeedCommand::Reparse { email } => {
            let user = user_by_email(store.as_ref(), &email).await?;
            // Transactions found here are left to the outbox: a running server delivers them.
            let services = Services {
                store: store.as_ref(),
                queue: &IngestQueue::start(store.clone(), Default::default()),
                handoff: &Wakeup::default(),
                banks: BankDirectory::builtin(),
            };
            let report = reparse(&services, user.business_id, None).await?;
            print_json(&serde_json::to_value(report)?);
        }
        FeedCommand::List { email } => {
            let user = user_by_email(store.as_ref(), &email).await?;
            let feeds = store.list_feeds(user.business_id, None).await?;
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

/// Adds a pull feed to a business's account.
async fn add_pull(
    store: &dyn Store,
    email: &str,
    account: &str,
    settings: FeedSettings,
    every: Duration,
) -> anyhow::Result<Feed> {
    let found = account_of(store, email, account).await?;
    let new = NewFeed::pull(settings, every.as_millis() as i64)
        .map_err(|e| anyhow::anyhow!("--every: {e}"))?;
    Ok(store.create_feed(found.business_id, found.id, &new).await?)
}

/// The account with that number in the business `email` owns.
async fn account_of(store: &dyn Store, email: &str, account: &str) -> anyhow::Result<BankAccount> {
    let user = user_by_email(store, email).await?;
    store
        .find_account(user.business_id, account.trim())
        .await?
        .with_context(|| format!("no account {account} in {email}'s business"))
}

/// A feed as the CLI shows it: the API's view (never its token or secret).
fn view(f: &Feed) -> serde_json::Value {
    serde_json::to_value(FeedView::new(f, None)).unwrap_or_default()
}
