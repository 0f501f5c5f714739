//! Sealed one-time values by session digest (`service::flash`).

use super::{Store, StoreError};
use crate::domain::Epoch;

impl Store {
    /// Keeps `sealed` for the session, replacing an older value.
    pub async fn put_flash(
        &self,
        session_digest: &str,
        sealed: &str,
        now: Epoch,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO flashes (session_digest, sealed, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (session_digest) DO UPDATE SET sealed = $2, created_at = $3",
        )
        .bind(session_digest)
        .bind(sealed)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session's value if it was stored after `since`.
    pub async fn flash(
        &self,
        session_digest: &str,
        since: Epoch,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT sealed FROM flashes WHERE session_digest = $1 AND created_at > $2",
        )
        .bind(session_digest)
        .bind(since)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(s,)| s))
    }

    /// Deletes exactly this value; false when another request took it first, so two
    /// nodes serving the same page at once show it only once between them.
    pub async fn take_flash(&self, session_digest: &str, sealed: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM flashes WHERE session_digest = $1 AND sealed = $2")
            .bind(session_digest)
            .bind(sealed)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn purge_flashes(&self, before: Epoch) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM flashes WHERE created_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
