//! From a presented token value to its row (the layout is in `crypto::token`).

use crate::crypto::{self, TokenLocator};
use crate::store::{Store, StoreError, TokenPart, TokenRow};

/// The row whose `part` secret is `presented`, or `NotFound`. A row found by the id in
/// the value must also hold the digest of the whole value, compared in constant time: the
/// id is public, the random part is what proves possession.
pub(crate) async fn token_by_value(
    store: &Store,
    part: TokenPart,
    presented: &str,
) -> Result<TokenRow, StoreError> {
    let id = match crypto::locate(presented) {
        TokenLocator::Row(id) => id,
        TokenLocator::Legacy => {
            let digest = crypto::digest(presented);
            return store.legacy_token_by_digest(part, &digest).await;
        }
    };
    let row = store.token_by_id(&id).await?;
    let stored = match part {
        TokenPart::Access => Some(row.access_digest.as_str()),
        TokenPart::Refresh => row.refresh_digest.as_deref(),
    };
    if stored.is_some_and(|s| crypto::digests_match(presented, s)) {
        Ok(row)
    } else {
        Err(StoreError::NotFound)
    }
}
