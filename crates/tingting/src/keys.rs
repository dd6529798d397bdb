//! Issuing API keys: generate, store the digest, hand the secret back once.

use crate::domain::{ApiKeySecret, Scopes, User};
use crate::storage::{Store, StoreResult};

/// Generates a key for `user` (limited to `scopes`, or of every scope), stores its digest and
/// returns the secret (to show once).
pub async fn issue(
    store: &dyn Store,
    user: &User,
    label: &str,
    scopes: Option<Scopes>,
) -> StoreResult<ApiKeySecret> {
    let key = ApiKeySecret::generate();
    store
        .create_api_key(
            user.business_id,
            user.id,
            label,
            &key.display_prefix(),
            &key.digest(),
            scopes,
        )
        .await?;
    Ok(key)
}
