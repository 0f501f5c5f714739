//! The revocation feed: a row per committed revocation or secret change, so nodes that
//! share this database learn that what they cached about tokens and consumer keys may be
//! stale (`service::revocation_watch`). Rows carry no token or key: only a sequence
//! number and a time.

use super::{Store, StoreError};
use crate::domain::Epoch;
use std::sync::atomic::Ordering;

/// Records one revocation in the feed, on the connection (or transaction) that made it.
pub(super) async fn announce(conn: &mut sqlx::AnyConnection, at: Epoch) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO revocation_feed (at) VALUES ($1)")
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// The newest sequence number in the feed (0 while it is empty).
    pub async fn revocation_feed_head(&self) -> Result<i64, StoreError> {
        let (head,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(seq), 0) FROM revocation_feed")
            .fetch_one(&self.pool)
            .await?;
        Ok(head)
    }

    /// Tells this process's caches that a revocation was made elsewhere.
    pub fn note_remote_revocation(&self) {
        self.revocations.fetch_add(1, Ordering::AcqRel);
    }

    /// Deletes feed rows older than `before`, always keeping the newest, so the head
    /// never moves backwards.
    pub async fn purge_revocation_feed(&self, before: Epoch) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM revocation_feed WHERE at < $1 \
             AND seq < (SELECT MAX(seq) FROM revocation_feed)",
        )
        .bind(before)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
