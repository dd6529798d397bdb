//! Issuing API keys: generate, store the digest, hand the secret back once.

use crate::domain::{ApiKeySecret, User};
use crate::storage::{Store, StoreResult};

/// Generates a key for `user`, stores its digest and returns the secret (to show once).
pub async fn issue(store: &dyn Store, user: &User, label: &str) -> StoreResult<ApiKeySecret> {
    let key = ApiKeySecret::generate();
    store
        .create_api_key(
            user.business_id,
            user.id,
            label,
            &key.display_prefix(),
            &key.digest(),
        )
        .await?;
    Ok(key)
}
