//! Shared password-check outcomes (`service::throttle_sync`).

use super::{Store, StoreError};
use crate::domain::Epoch;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ThrottleEvent {
    pub seq: i64,
    pub name: String,
    pub net: String,
    /// 1 for a correct password, 0 for a wrong one.
    pub ok: i64,
    pub at: Epoch,
}

impl Store {
    pub async fn add_throttle_event(
        &self,
        node: &str,
        name: &str,
        net: &str,
        ok: bool,
        at: Epoch,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO throttle_events (node, name, net, ok, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(node)
        .bind(name)
        .bind(net)
        .bind(i64::from(ok))
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Other nodes' events at or after `since`, oldest first, at most `limit`.
    pub async fn throttle_events_since(
        &self,
        node: &str,
        since: Epoch,
        limit: i64,
    ) -> Result<Vec<ThrottleEvent>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT seq, name, net, ok, at FROM throttle_events \
             WHERE at >= $1 AND node <> $2 ORDER BY at, seq LIMIT $3",
        )
        .bind(since)
        .bind(node)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Deletes failures older than `failures_before` and successes older than
    /// `successes_before`: past the throttle's window and trust, they decide nothing.
    pub async fn purge_throttle_events(
        &self,
        failures_before: Epoch,
        successes_before: Epoch,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM throttle_events WHERE (ok = 0 AND at < $1) OR (ok = 1 AND at < $2)",
        )
        .bind(failures_before)
        .bind(successes_before)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
