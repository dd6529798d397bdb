//! `tingting oauth client ...`: registering the partner apps that act for businesses through
//! OAuth2, and a business's own clients (`client_credentials`).

use std::process::ExitCode;

use anyhow::anyhow;
use clap::Subcommand;
use serde_json::json;

use super::admin::user_by_email;
use super::print_json;
use crate::domain::api_key::digest;
use crate::domain::oauth::{Client, NewClient, SecretKind};
use crate::domain::time::{now_ms, render_vn};
use crate::domain::Scopes;
use crate::storage;

#[derive(Debug, Subcommand)]
pub enum OAuthCommand {
    /// Manage OAuth2 clients.
    #[command(subcommand)]
    Client(ClientCommand),
    /// The partner apps a business has authorized (holding a live token), as JSON.
    Authorizations {
        /// The business owner's e-mail.
        #[arg(long)]
        email: String,
    },
    /// Take an app's access away from a business: every token it holds is revoked.
    Revoke {
        /// The business owner's e-mail.
        #[arg(long)]
        email: String,
        /// The client id (`ttc_...`).
        client_id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register a client; prints its id and secret as JSON (the secret is shown once, stored
    /// hashed).
    Create {
        /// The name the consent page shows.
        #[arg(long)]
        name: String,
        /// An exact redirect URI (repeat for several): https, or http on localhost.
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
        /// The scopes it may ask for (space- or comma-separated) [default: transaction webhook].
        #[arg(long, default_value = "transaction webhook")]
        scope: String,
        /// A public client (a browser or mobile app that cannot keep a secret): no secret,
        /// PKCE required.
        #[arg(long)]
        public: bool,
        /// A business's own client: its servers may use `client_credentials` to act for the
        /// business of this owner.
        #[arg(long)]
        email: Option<String>,
    },
    /// List clients as JSON (never their secrets).
    List,
    /// Replace a confidential client's secret; prints the new one. The old one stops working.
    RotateSecret {
        /// The client id (`ttc_...`).
        client_id: String,
    },
    /// Delete a client; every token issued to it stops working.
    Delete {
        /// The client id (`ttc_...`).
        client_id: String,
    },
}

/// A client as the CLI prints it.
fn view(client: &Client) -> serde_json::Value {
    json!({
        "clientId": client.client_id,
        "name": client.name,
        "public": !client.is_confidential(),
        "redirectUris": client.redirect_uris,
        "scope": client.scopes.to_string(),
        "businessId": client.business_id,
        "createdAt": render_vn(client.created_at),
    })
}

pub async fn run(database: &str, cmd: OAuthCommand) -> anyhow::Result<ExitCode> {
    let store = storage::connect(database).await?;
    let cmd = match cmd {
        OAuthCommand::Client(cmd) => cmd,
        OAuthCommand::Authorizations { email } => {
            let user = user_by_email(store.as_ref(), &email).await?;
            let apps = store
                .list_authorizations(user.business_id, now_ms())
                .await?;
            let apps: Vec<_> = apps
                .iter()
                .map(|a| {
                    json!({
                        "clientId": a.client.client_id,
                        "name": a.client.name,
                        "scope": a.scopes.to_string(),
                        "lastIssuedAt": render_vn(a.last_issued_at),
                    })
                })
                .collect();
            print_json(&json!(apps));
            return Ok(ExitCode::SUCCESS);
        }
        OAuthCommand::Revoke { email, client_id } => {
            let user = user_by_email(store.as_ref(), &email).await?;
            let client = store
                .find_client(&client_id)
                .await?
                .ok_or_else(|| anyhow!("no client {client_id:?}"))?;
            let revoked = store
                .revoke_authorization(user.business_id, client.id, now_ms())
                .await?;
            print_json(&json!({"clientId": client_id, "revokedTokens": revoked}));
            return Ok(ExitCode::SUCCESS);
        }
    };
    match cmd {
        ClientCommand::Create {
            name,
            redirect_uris,
            scope,
            public,
            email,
        } => {
            let scopes = Scopes::parse(&scope).map_err(anyhow::Error::msg)?;
            let business_id = match email {
                Some(email) => Some(user_by_email(store.as_ref(), &email).await?.business_id),
                None => None,
            };
            if public && business_id.is_some() {
                return Err(anyhow!(
                    "a business's own client keeps a secret: drop --public or --email"
                ));
            }
            let new = NewClient::new(&name, &redirect_uris, scopes, public, business_id)
                .map_err(anyhow::Error::msg)?;
            let secret = (!public).then(|| SecretKind::ClientSecret.generate());
            let client = store
                .create_client(
                    &SecretKind::ClientId.generate(),
                    secret.as_deref().map(digest).as_deref(),
                    &new,
                )
                .await?;
            let mut out = view(&client);
            out["clientSecret"] = json!(secret);
            print_json(&out);
        }
        ClientCommand::List => {
            let clients = store.list_clients().await?;
            print_json(&json!(clients.iter().map(view).collect::<Vec<_>>()));
        }
        ClientCommand::RotateSecret { client_id } => {
            let secret = SecretKind::ClientSecret.generate();
            if !store
                .set_client_secret(&client_id, &digest(&secret))
                .await?
            {
                return Err(anyhow!(
                    "no confidential client {client_id:?} (public clients have no secret)"
                ));
            }
            print_json(&json!({"clientId": client_id, "clientSecret": secret}));
        }
        ClientCommand::Delete { client_id } => {
            if !store.delete_client(&client_id).await? {
                return Err(anyhow!("no client {client_id:?}"));
            }
            print_json(&json!({"deleted": client_id}));
        }
    }
    Ok(ExitCode::SUCCESS)
}
