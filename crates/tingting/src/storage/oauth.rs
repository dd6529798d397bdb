//! OAuth2 clients, authorization codes and tokens (also Casso v1 tokens), shared by both
//! backends through [`impl_oauth_store!`]. Lookups by a credential's digest are operator-level,
//! like API keys; everything they return carries the business it belongs to.

use async_trait::async_trait;

use super::StoreResult;
use crate::domain::oauth::{
    Authorization, Client, CodeTaken, NewClient, NewCode, NewTokens, RefreshTaken,
};
use crate::domain::Principal;

/// Columns of `oauth_clients` in the order [`ClientRow`] reads them.
pub(super) const CLIENT_COLUMNS: &str =
    "id, client_id, name, secret_hash, redirect_uris, scopes, business_id, created_at";

/// A client as [`CLIENT_COLUMNS`] reads it.
pub(super) type ClientRow = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<i64>,
    i64,
);

/// The client of a row (scopes and URIs were written by [`OAuthStore::create_client`]).
pub(super) fn client(row: ClientRow) -> Client {
    let (id, client_id, name, secret_hash, uris, scopes, business_id, created_at) = row;
    Client {
        id,
        client_id,
        name,
        secret_hash,
        redirect_uris: serde_json::from_str(&uris).unwrap_or_default(),
        scopes: stored_scopes(&scopes),
        business_id,
        created_at,
    }
}

/// Scopes as stored (written by this program; anything unreadable grants nothing).
pub(super) fn stored_scopes(text: &str) -> crate::domain::Scopes {
    crate::domain::Scopes::parse(text).unwrap_or_default()
}

/// A token's or code's grantee columns: business, user, scopes.
pub(super) fn grantee(
    business_id: i64,
    user_id: i64,
    scopes: &str,
) -> crate::domain::oauth::Grantee {
    crate::domain::oauth::Grantee {
        business_id,
        user_id,
        scopes: stored_scopes(scopes),
    }
}

/// Access tokens that still act: not revoked, not expired, their client not deleted and the
/// API key of a v1 token not revoked. `$1` is the digest, `$2` now.
pub(super) const LIVE_ACCESS_TOKEN: &str = "SELECT t.business_id, t.user_id, t.scopes \
    FROM oauth_tokens t WHERE t.token_hash = $1 AND t.kind = 'access' \
    AND t.revoked_at IS NULL AND t.expires_at > $2 \
    AND (t.client_id IS NULL OR EXISTS (SELECT 1 FROM oauth_clients c \
         WHERE c.id = t.client_id AND c.deleted_at IS NULL)) \
    AND (t.api_key_id IS NULL OR EXISTS (SELECT 1 FROM api_keys k \
         WHERE k.id = t.api_key_id AND k.revoked_at IS NULL))";

/// Marks an unused, live refresh token used; `$1` digest, `$2` now, `$3` the client's row id
/// (NULL for v1 tokens).
pub(super) const TAKE_REFRESH_TOKEN: &str = "UPDATE oauth_tokens SET used_at = $2 \
    WHERE token_hash = $1 AND kind = 'refresh' AND used_at IS NULL AND revoked_at IS NULL \
    AND expires_at > $2 AND (client_id = $3 OR ($3 IS NULL AND client_id IS NULL)) \
    AND (client_id IS NULL OR EXISTS (SELECT 1 FROM oauth_clients c \
         WHERE c.id = oauth_tokens.client_id AND c.deleted_at IS NULL)) \
    AND (api_key_id IS NULL OR EXISTS (SELECT 1 FROM api_keys k \
         WHERE k.id = oauth_tokens.api_key_id AND k.revoked_at IS NULL)) \
    RETURNING business_id, user_id, client_id, api_key_id, family, scopes";

/// OAuth2 and v1 token storage.
#[async_trait]
pub trait OAuthStore {
    /// Registers a client with its public id and the digest of its secret (None: public).
    async fn create_client(
        &self,
        client_id: &str,
        secret_hash: Option<&str>,
        new: &NewClient,
    ) -> StoreResult<Client>;

    /// Every registered client, oldest first.
    async fn list_clients(&self) -> StoreResult<Vec<Client>>;

    /// A registered (not deleted) client by its public id.
    async fn find_client(&self, client_id: &str) -> StoreResult<Option<Client>>;

    /// Replaces a confidential client's secret; false when there is no such client (or it is
    /// public).
    async fn set_client_secret(&self, client_id: &str, secret_hash: &str) -> StoreResult<bool>;

    /// Deletes a client and revokes every token issued to it.
    async fn delete_client(&self, client_id: &str) -> StoreResult<bool>;

    /// Stores an authorization code.
    async fn create_code(&self, code: &NewCode<'_>) -> StoreResult<()>;

    /// Takes a code for a token request: marks it used. A code used before revokes every
    /// token of its family.
    async fn take_code(&self, code_hash: &str, now: i64) -> StoreResult<CodeTaken>;

    /// Stores an access token and, when given, a refresh token (lifetimes from
    /// [`crate::domain::oauth`]).
    async fn issue_tokens(&self, tokens: &NewTokens<'_>) -> StoreResult<()>;

    /// Takes a refresh token of `client` (None: a v1 token) for rotation: marks it used. One
    /// used before revokes its whole family (a stolen token and its legitimate holder both
    /// lose access).
    async fn take_refresh_token(
        &self,
        client: Option<i64>,
        digest: &str,
        now: i64,
    ) -> StoreResult<RefreshTaken>;

    /// Who a live access token acts for.
    async fn authenticate_token(&self, digest: &str, now: i64) -> StoreResult<Option<Principal>>;

    /// The live API key with this digest, for a v1 token exchange: its id and who it acts for.
    async fn api_key_grant(&self, digest: &str) -> StoreResult<Option<(i64, Principal)>>;

    /// The business's owner (its first user), whom `client_credentials` tokens act for.
    async fn business_owner(&self, business_id: i64) -> StoreResult<Option<i64>>;

    /// The partner apps the business has authorized that still hold a live token (access or
    /// refresh), most recently issued first.
    async fn list_authorizations(
        &self,
        business_id: i64,
        now: i64,
    ) -> StoreResult<Vec<Authorization>>;

    /// Revokes every token of the business issued to the client (row id): the app loses
    /// access until the business authorizes it again. Returns the tokens revoked.
    async fn revoke_authorization(
        &self,
        business_id: i64,
        client: i64,
        now: i64,
    ) -> StoreResult<u64>;

    /// Deletes what can no longer act: sessions ended at `now` (past their lifetime, or idle for
    /// `idle_ms`), and codes and tokens expired a day or more before `now` (kept that long so
    /// that a late replay is still recognised as reuse). Returns the rows deleted.
    async fn prune_credentials(&self, now: i64, idle_ms: i64) -> StoreResult<u64>;

    /// Revokes a token issued to `client` (RFC 7009): a refresh token with its family, an
    /// access token alone. False when the client has no such token.
    async fn revoke_token(&self, client: i64, digest: &str, now: i64) -> StoreResult<bool>;
}

/// Implements [`OAuthStore`] for a backend type with field `pool` and method `begin_write`.
macro_rules! impl_oauth_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::storage::oauth::OAuthStore for $store {
            async fn create_client(
                &self,
                client_id: &str,
                secret_hash: Option<&str>,
                new: &$crate::domain::oauth::NewClient,
            ) -> StoreResult<$crate::domain::oauth::Client> {
                let mut tx = self.begin_write().await?;
                let row: oauth::ClientRow = sqlx::query_as(&format!(
                    "INSERT INTO oauth_clients (client_id, name, secret_hash, redirect_uris, scopes, \
                     business_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {}",
                    oauth::CLIENT_COLUMNS
                ))
                .bind(client_id)
                .bind(&new.name)
                .bind(secret_hash)
                .bind(serde_json::to_string(&new.redirect_uris).unwrap_or_default())
                .bind(new.scopes.to_string())
                .bind(new.business_id)
                .bind(now_ms())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| sql::conflict_or(e, || "client id collision; try again".to_string()))?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(oauth::client(row))
            }

            async fn list_clients(&self) -> StoreResult<Vec<$crate::domain::oauth::Client>> {
                let rows: Vec<oauth::ClientRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM oauth_clients WHERE deleted_at IS NULL ORDER BY id",
                    oauth::CLIENT_COLUMNS
                ))
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(rows.into_iter().map(oauth::client).collect())
            }

            async fn find_client(
                &self,
                client_id: &str,
            ) -> StoreResult<Option<$crate::domain::oauth::Client>> {
                let row: Option<oauth::ClientRow> = sqlx::query_as(&format!(
                    "SELECT {} FROM oauth_clients WHERE client_id = $1 AND deleted_at IS NULL",
                    oauth::CLIENT_COLUMNS
                ))
                .bind(client_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(row.map(oauth::client))
            }

            async fn set_client_secret(&self, client_id: &str, secret_hash: &str) -> StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE oauth_clients SET secret_hash = $2 WHERE client_id = $1 \
                     AND deleted_at IS NULL AND secret_hash IS NOT NULL",
                )
                .bind(client_id)
                .bind(secret_hash)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(done.rows_affected() > 0)
            }

            async fn delete_client(&self, client_id: &str) -> StoreResult<bool> {
                let now = now_ms();
                let mut tx = self.begin_write().await?;
                let id: Option<i64> = sqlx::query_scalar(
                    "UPDATE oauth_clients SET deleted_at = $2 WHERE client_id = $1 \
                     AND deleted_at IS NULL RETURNING id",
                )
                .bind(client_id)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                if let Some(id) = id {
                    sqlx::query(
                        "UPDATE oauth_tokens SET revoked_at = $2 WHERE client_id = $1 AND revoked_at IS NULL",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                }
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(id.is_some())
            }

            async fn create_code(&self, code: &$crate::domain::oauth::NewCode<'_>) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO oauth_codes (business_id, user_id, client_id, code_hash, redirect_uri, \
                     scopes, code_challenge, family, expires_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(code.grantee.business_id)
                .bind(code.grantee.user_id)
                .bind(code.client)
                .bind(code.code_hash)
                .bind(code.redirect_uri)
                .bind(code.grantee.scopes.to_string())
                .bind(code.code_challenge)
                .bind(code.family)
                .bind(code.expires_at)
                .bind(now_ms())
                .execute(&mut *tx)
                .await
                .map_err(|e| sql::conflict_or(e, || "code collision; try again".to_string()))?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(())
            }

            async fn take_code(
                &self,
                code_hash: &str,
                now: i64,
            ) -> StoreResult<$crate::domain::oauth::CodeTaken> {
                use $crate::domain::oauth::{CodeGrant, CodeTaken};
                type Row = (i64, i64, i64, String, String, Option<String>, String, i64);
                let mut tx = self.begin_write().await?;
                let fresh: Option<Row> = sqlx::query_as(
                    "UPDATE oauth_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL \
                     RETURNING business_id, user_id, client_id, redirect_uri, scopes, code_challenge, \
                     family, expires_at",
                )
                .bind(code_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                let taken = match fresh {
                    Some((business_id, user_id, client, redirect_uri, scopes, code_challenge, family, expires_at)) => {
                        CodeTaken::Fresh(CodeGrant {
                            grantee: oauth::grantee(business_id, user_id, &scopes),
                            client,
                            redirect_uri,
                            code_challenge,
                            family,
                            expires_at,
                        })
                    }
                    None => {
                        let used = "SELECT business_id, family FROM oauth_codes WHERE code_hash = $1";
                        if revoke_reused(&mut tx, used, code_hash, now).await? {
                            CodeTaken::Reused
                        } else {
                            CodeTaken::Unknown
                        }
                    }
                };
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(taken)
            }

            async fn issue_tokens(&self, tokens: &$crate::domain::oauth::NewTokens<'_>) -> StoreResult<()> {
                use $crate::domain::oauth::{ACCESS_TOKEN_SECS, REFRESH_TOKEN_SECS};
                let mut tx = self.begin_write().await?;
                let pairs = [
                    ("access", Some(tokens.access_hash), ACCESS_TOKEN_SECS),
                    ("refresh", tokens.refresh_hash, REFRESH_TOKEN_SECS),
                ];
                for (kind, hash, secs) in pairs {
                    let Some(hash) = hash else { continue };
                    sqlx::query(
                        "INSERT INTO oauth_tokens (business_id, user_id, client_id, api_key_id, family, \
                         kind, token_hash, scopes, expires_at, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(tokens.grantee.business_id)
                    .bind(tokens.grantee.user_id)
                    .bind(tokens.client)
                    .bind(tokens.api_key)
                    .bind(tokens.family)
                    .bind(kind)
                    .bind(hash)
                    .bind(tokens.grantee.scopes.to_string())
                    .bind(tokens.now + secs * 1000)
                    .bind(tokens.now)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| sql::conflict_or(e, || "token collision; try again".to_string()))?;
                }
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(())
            }

            async fn take_refresh_token(
                &self,
                client: Option<i64>,
                digest: &str,
                now: i64,
            ) -> StoreResult<$crate::domain::oauth::RefreshTaken> {
                use $crate::domain::oauth::{RefreshGrant, RefreshTaken};
                type Row = (i64, i64, Option<i64>, Option<i64>, String, String);
                let mut tx = self.begin_write().await?;
                let fresh: Option<Row> = sqlx::query_as(oauth::TAKE_REFRESH_TOKEN)
                    .bind(digest)
                    .bind(now)
                    .bind(client)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                let taken = match fresh {
                    Some((business_id, user_id, client, api_key, family, scopes)) => {
                        RefreshTaken::Fresh(RefreshGrant {
                            grantee: oauth::grantee(business_id, user_id, &scopes),
                            client,
                            api_key,
                            family,
                        })
                    }
                    None => {
                        let used = "SELECT business_id, family FROM oauth_tokens WHERE token_hash = $1 \
                                    AND kind = 'refresh' AND used_at IS NOT NULL";
                        if revoke_reused(&mut tx, used, digest, now).await? {
                            RefreshTaken::Reused
                        } else {
                            RefreshTaken::Invalid
                        }
                    }
                };
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(taken)
            }

            async fn authenticate_token(&self, digest: &str, now: i64) -> StoreResult<Option<Principal>> {
                let row: Option<(i64, i64, String)> = sqlx::query_as(oauth::LIVE_ACCESS_TOKEN)
                    .bind(digest)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                Ok(row.map(|(business_id, user_id, scopes)| Principal {
                    business_id,
                    user_id,
                    scopes: oauth::stored_scopes(&scopes),
                }))
            }

            async fn api_key_grant(&self, digest: &str) -> StoreResult<Option<(i64, Principal)>> {
                let row: Option<(i64, i64, i64, Option<String>)> = sqlx::query_as(
                    "SELECT id, business_id, user_id, scopes FROM api_keys \
                     WHERE token_hash = $1 AND revoked_at IS NULL",
                )
                .bind(digest)
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                Ok(row.map(|(id, business_id, user_id, scopes)| {
                    let scopes = $crate::domain::Scopes::of_key(scopes.as_deref());
                    (id, Principal { business_id, user_id, scopes })
                }))
            }

            async fn business_owner(&self, business_id: i64) -> StoreResult<Option<i64>> {
                sqlx::query_scalar("SELECT MIN(id) FROM users WHERE business_id = $1")
                    .bind(business_id)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)
            }

            async fn list_authorizations(
                &self,
                business_id: i64,
                now: i64,
            ) -> StoreResult<Vec<$crate::domain::oauth::Authorization>> {
                type Row = (i64, String, i64);
                let live: Vec<Row> = sqlx::query_as(
                    "SELECT client_id, scopes, created_at FROM oauth_tokens \
                     WHERE business_id = $1 AND client_id IS NOT NULL AND revoked_at IS NULL \
                     AND used_at IS NULL AND expires_at > $2 ORDER BY created_at DESC",
                )
                .bind(business_id)
                .bind(now)
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::from_sqlx)?;
                let mut found: Vec<$crate::domain::oauth::Authorization> = Vec::new();
                for (client, scopes, issued) in live {
                    let scopes = oauth::stored_scopes(&scopes);
                    if let Some(a) = found.iter_mut().find(|a| a.client.id == client) {
                        a.scopes = a.scopes.union(scopes);
                        continue;
                    }
                    let row: Option<oauth::ClientRow> = sqlx::query_as(&format!(
                        "SELECT {} FROM oauth_clients WHERE id = $1 AND deleted_at IS NULL",
                        oauth::CLIENT_COLUMNS
                    ))
                    .bind(client)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                    if let Some(row) = row {
                        found.push($crate::domain::oauth::Authorization {
                            client: oauth::client(row),
                            scopes,
                            last_issued_at: issued,
                        });
                    }
                }
                Ok(found)
            }

            async fn revoke_authorization(&self, business_id: i64, client: i64, now: i64) -> StoreResult<u64> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE oauth_tokens SET revoked_at = $3 WHERE business_id = $1 AND client_id = $2 \
                     AND revoked_at IS NULL",
                )
                .bind(business_id)
                .bind(client)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(done.rows_affected())
            }

            async fn prune_credentials(&self, now: i64, idle_ms: i64) -> StoreResult<u64> {
                const DAY_MS: i64 = 86_400_000;
                let mut tx = self.begin_write().await?;
                let mut deleted = sqlx::query(
                    "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
                )
                .bind(now)
                .bind(now - idle_ms)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?
                .rows_affected();
                for table in ["oauth_codes", "oauth_tokens"] {
                    deleted += sqlx::query(&format!("DELETE FROM {table} WHERE expires_at <= $1"))
                        .bind(now - DAY_MS)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?
                        .rows_affected();
                }
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(deleted)
            }

            async fn revoke_token(&self, client: i64, digest: &str, now: i64) -> StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let found: Option<(i64, i64, String, String)> = sqlx::query_as(
                    "SELECT id, business_id, kind, family FROM oauth_tokens \
                     WHERE token_hash = $1 AND client_id = $2",
                )
                .bind(digest)
                .bind(client)
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                if let Some((id, business_id, kind, family)) = &found {
                    if kind == "refresh" {
                        revoke_family(&mut tx, *business_id, family, now).await?;
                    } else {
                        sqlx::query(
                            "UPDATE oauth_tokens SET revoked_at = $3 WHERE business_id = $1 AND id = $2 \
                             AND revoked_at IS NULL",
                        )
                        .bind(business_id)
                        .bind(id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::from_sqlx)?;
                    }
                }
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(found.is_some())
            }
        }

        /// Looks a spent code or refresh token up with `used` (its digest as `$1`, answering
        /// business and family) and revokes the family it finds; whether it found one.
        async fn revoke_reused(
            tx: &mut sqlx::Transaction<'static, $db>,
            used: &str,
            digest: &str,
            now: i64,
        ) -> StoreResult<bool> {
            let found: Option<(i64, String)> = sqlx::query_as(used)
                .bind(digest)
                .fetch_optional(&mut **tx)
                .await
                .map_err(StoreError::from_sqlx)?;
            if let Some((business_id, family)) = &found {
                revoke_family(tx, *business_id, family, now).await?;
            }
            Ok(found.is_some())
        }

        /// Revokes every token of a grant's family.
        async fn revoke_family(
            tx: &mut sqlx::Transaction<'static, $db>,
            business_id: i64,
            family: &str,
            now: i64,
        ) -> StoreResult<()> {
            sqlx::query(
                "UPDATE oauth_tokens SET revoked_at = $3 WHERE business_id = $1 AND family = $2 \
                 AND revoked_at IS NULL",
            )
            .bind(business_id)
            .bind(family)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(StoreError::from_sqlx)?;
            Ok(())
        }
    };
}

pub(super) use impl_oauth_store;
