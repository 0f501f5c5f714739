//! From a presented token value to its row (the layout is in `crypto::token`).

use crate::crypto::{self, TokenLocator};
use crate::store::{Store, StoreError, TokenPart, TokenRow};

/// Where a presented value's row is: named by the id the value carries, or, for a token
/// from before row ids, already read by the digest of the value.
enum Located {
    Id(String),
    Row(Box<TokenRow>),
}

async fn locate(store: &Store, part: TokenPart, presented: &str) -> Result<Located, StoreError> {
    match crypto::locate(presented) {
        TokenLocator::Row(id) => Ok(Located::Id(id)),
        TokenLocator::Legacy => store
            .legacy_token_by_digest(part, &crypto::digest(presented))
            .await
            .map(|row| Located::Row(Box::new(row))),
    }
}

/// The row whose `part` secret is `presented`, or `NotFound`. A row found by the id in
/// the value must also hold the digest of the whole value, compared in constant time: the
/// id is public, the random part is what proves possession.
pub(crate) async fn token_by_value(
    store: &Store,
    part: TokenPart,
    presented: &str,
) -> Result<TokenRow, StoreError> {
    let row = match locate(store, part, presented).await? {
        Located::Row(row) => return Ok(*row),
        Located::Id(id) => store.token_by_id(&id).await?,
    };
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

/// The id of the row `presented` names, read only for a token from before row ids. The
/// value is not checked against the row: the caller does that where it reads the row.
pub(crate) async fn row_id_by_value(
    store: &Store,
    part: TokenPart,
    presented: &str,
) -> Result<String, StoreError> {
    Ok(match locate(store, part, presented).await? {
        Located::Id(id) => id,
        Located::Row(row) => row.id,
    })
}
