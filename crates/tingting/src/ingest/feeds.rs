//! Managing a business's feeds, as the API and the dashboard do it: adding one, changing its
//! settings, giving a notification feed a new ingest token. A pull feed that becomes due is
//! polled at once ([`Polls::nudge`]).

use super::pull::Polls;
use crate::domain::{
    BusinessId, Feed, FeedChange, FeedChangeError, FeedChangeRequest, FeedToken, NewFeed,
};
use crate::storage::{Store, StoreError, StoreResult};

/// Adds a feed to account `account_id` of the business; a pull feed is polled at once.
pub async fn add(
    store: &dyn Store,
    polls: &Polls,
    business_id: BusinessId,
    account_id: i64,
    new: &NewFeed<'_>,
) -> StoreResult<Feed> {
    let feed = store.create_feed(business_id, account_id, new).await?;
    if feed.settings.is_pull() {
        polls.nudge();
    }
    Ok(feed)
}

/// Why a feed was not changed.
#[derive(Debug)]
pub enum ChangeRefusal {
    /// The account has no such feed.
    NotFound,
    /// The change does not suit the feed.
    Invalid(FeedChangeError),
    /// The database failed.
    Store(StoreError),
}

/// Changes feed `feed_id` of account `account_id` as `request` asks; a pull feed that is due
/// at once is polled.
pub async fn change(
    store: &dyn Store,
    polls: &Polls,
    business_id: BusinessId,
    account_id: i64,
    feed_id: i64,
    request: FeedChangeRequest,
) -> Result<Feed, ChangeRefusal> {
    let feed = account_feed(store, business_id, account_id, feed_id)
        .await
        .map_err(ChangeRefusal::Store)?
        .ok_or(ChangeRefusal::NotFound)?;
    let change = FeedChange::of(&feed, request).map_err(ChangeRefusal::Invalid)?;
    let changed = store
        .update_feed(business_id, Some(account_id), feed_id, &change)
        .await
        .map_err(ChangeRefusal::Store)?
        .ok_or(ChangeRefusal::NotFound)?;
    if changed.settings.is_pull() && changed.enabled && change.repolls() {
        polls.nudge();
    }
    Ok(changed)
}

/// Why a feed got no new ingest token.
#[derive(Debug)]
pub enum TokenRefusal {
    /// The account has no such feed.
    NotFound,
    /// A pull feed: it has no ingest URL.
    NotNotify,
    /// The feed is turned off.
    Disabled,
    /// The database failed.
    Store(StoreError),
}

/// Gives notification feed `feed_id` of account `account_id` a new ingest token: the feed and
/// its token, in clear this once.
pub async fn replace_token(
    store: &dyn Store,
    business_id: BusinessId,
    account_id: i64,
    feed_id: i64,
) -> Result<(Feed, FeedToken), TokenRefusal> {
    let token = FeedToken::generate();
    let replaced = store
        .replace_feed_token(business_id, Some(account_id), feed_id, &token)
        .await
        .map_err(TokenRefusal::Store)?;
    if let Some(feed) = replaced {
        return Ok((feed, token));
    }
    // Only refusals read the feed again, to say why.
    let feed = account_feed(store, business_id, account_id, feed_id)
        .await
        .map_err(TokenRefusal::Store)?;
    Err(match feed {
        None => TokenRefusal::NotFound,
        Some(f) if f.settings.is_pull() => TokenRefusal::NotNotify,
        Some(_) => TokenRefusal::Disabled,
    })
}

/// Feed `feed_id` of account `account_id` of the business, if there is one.
async fn account_feed(
    store: &dyn Store,
    business_id: BusinessId,
    account_id: i64,
    feed_id: i64,
) -> StoreResult<Option<Feed>> {
    let feeds = store.list_feeds(business_id, Some(account_id)).await?;
    Ok(feeds.into_iter().find(|f| f.id == feed_id))
}
