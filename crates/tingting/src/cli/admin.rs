//! Admin commands working on the database directly: users, API keys, bank accounts.

use std::process::ExitCode;

use anyhow::{anyhow, Context};
use clap::Subcommand;
use serde_json::json;

use super::print_json;
use crate::domain::password;
use crate::domain::time::render_vn;
use crate::domain::{BankDirectory, Email, NewBankAccount, Scopes, User};
use crate::keys;
use crate::storage::{self, Store};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user and the business they own; prints {"userId", "businessId"}.
    Create {
        /// Login e-mail (unique).
        #[arg(long)]
        email: String,
        /// Business name.
        #[arg(long)]
        business: String,
    },
    /// Set a user's password: the first line of standard input, or asked for twice without
    /// echo on a terminal. Ends the user's browser sessions.
    SetPassword {
        /// The user's login e-mail.
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create an API key; prints the key alone (it is shown once, stored hashed).
    Create {
        /// The user the key acts for.
        #[arg(long)]
        email: String,
        /// A label to recognise the key by.
        #[arg(long, default_value = "")]
        label: String,
        /// Limit the key to these scopes (space- or comma-separated: transaction, webhook,
        /// sync, payment, ingest, feed) [default: every scope].
        #[arg(long)]
        scope: Option<String>,
    },
    /// List a user's keys as JSON (ids, labels, prefixes; never the keys).
    List {
        /// The user whose keys to list.
        #[arg(long)]
        email: String,
    },
    /// Revoke a key by id.
    Revoke {
        /// The key id, as `apikey list` shows.
        key_id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add a bank account to the user's business; prints {"accountId"}.
    Add {
        /// The owner's e-mail.
        #[arg(long)]
        email: String,
        /// The bank: BIN (970416), code (ACB) or Casso code name (acb_digi).
        #[arg(long)]
        bank: String,
        /// The account number.
        #[arg(long)]
        number: String,
        /// The account holder's name.
        #[arg(long)]
        name: Option<String>,
    },
}

/// Longest business name or key label accepted.
const MAX_NAME: usize = 200;

pub async fn user(database: &str, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UserCommand::Create { email, business } => create_user(database, &email, &business).await,
        UserCommand::SetPassword { email } => set_password(database, &email).await,
    }
}

async fn create_user(database: &str, email: &str, business: &str) -> anyhow::Result<ExitCode> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    let business = business.trim();
    if business.is_empty() || business.chars().count() > MAX_NAME {
        return Err(anyhow!("business name must be 1 to {MAX_NAME} characters"));
    }
    let store = storage::connect(database).await?;
    let user = store.create_user(&email, business).await?;
    print_json(&json!({"userId": user.id, "businessId": user.business_id}));
    Ok(ExitCode::SUCCESS)
}

async fn set_password(database: &str, email: &str) -> anyhow::Result<ExitCode> {
    let store = storage::connect(database).await?;
    let user = user_by_email(store.as_ref(), email).await?;
    let password = read_password()?;
    let hash = tokio::task::spawn_blocking(move || password::hash(&password)).await??;
    if !store.set_password(user.business_id, user.id, &hash).await? {
        return Err(anyhow!("no user with email {}", user.email));
    }
    eprintln!(
        "Password set for {}; their browser sessions have ended.",
        user.email
    );
    Ok(ExitCode::SUCCESS)
}

/// The new password: asked twice without echo on a terminal, else the first line of standard
/// input (without its line ending).
fn read_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ")?;
        let again = rpassword::prompt_password("Repeat it: ")?;
        if first != again {
            return Err(anyhow!("the two passwords differ"));
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn apikey(database: &str, cmd: ApiKeyCommand) -> anyhow::Result<ExitCode> {
    let store = storage::connect(database).await?;
    match cmd {
        ApiKeyCommand::Create {
            email,
            label,
            scope,
        } => {
            if label.chars().count() > MAX_NAME {
                return Err(anyhow!("label must be at most {MAX_NAME} characters"));
            }
            let scopes = scope
                .map(|s| Scopes::parse(&s))
                .transpose()
                .map_err(anyhow::Error::msg)?;
            if scopes.is_some_and(Scopes::is_empty) {
                return Err(anyhow!("--scope names no scope"));
            }
            let user = user_by_email(store.as_ref(), &email).await?;
            let key = keys::issue(store.as_ref(), &user, label.trim(), scopes).await?;
            println!("{}", key.expose());
        }
        ApiKeyCommand::List { email } => {
            let user = user_by_email(store.as_ref(), &email).await?;
            let keys = store.list_api_keys(user.business_id, user.id).await?;
            let keys: Vec<_> = keys
                .iter()
                .map(|k| {
                    json!({
                        "id": k.id,
                        "label": k.label,
                        "prefix": k.prefix,
                        "createdAt": render_vn(k.created_at),
                        "revokedAt": k.revoked_at.map(render_vn),
                        "scopes": k.scopes.unwrap_or_else(Scopes::all).to_string(),
                    })
                })
                .collect();
            print_json(&json!(keys));
        }
        ApiKeyCommand::Revoke { key_id } => {
            if !store.revoke_api_key(key_id).await? {
                return Err(anyhow!("no active API key with id {key_id}"));
            }
            print_json(&json!({"revoked": key_id}));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn account(database: &str, cmd: AccountCommand) -> anyhow::Result<ExitCode> {
    let AccountCommand::Add {
        email,
        bank,
        number,
        name,
    } = cmd;
    let (new, bank) =
        NewBankAccount::parse(BankDirectory::builtin(), &bank, &number, name.as_deref())?;
    let store = storage::connect(database).await?;
    let user = user_by_email(store.as_ref(), &email).await?;
    let account = store.add_account(user.business_id, &new).await?;
    print_json(
        &json!({"accountId": account.id, "businessId": account.business_id, "bank": bank.code, "accountNumber": account.account_number}),
    );
    Ok(ExitCode::SUCCESS)
}

/// Looks a user up by e-mail, with a clear error when there is none.
pub async fn user_by_email(store: &dyn Store, email: &str) -> anyhow::Result<User> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    store
        .find_user_by_email(&email)
        .await?
        .with_context(|| format!("no user with email {email}"))
}
