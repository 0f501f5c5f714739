use super::{Store, StoreError};
use crate::domain::Epoch;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub id_digest: String,
    pub user_id: String,
    pub created_at: Epoch,
    pub expires_at: Epoch,
    pub last_seen_at: Epoch,
}

impl Store {
    pub async fn insert_session(&self, s: &SessionRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id_digest, user_id, created_at, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&s.id_digest)
        .bind(&s.user_id)
        .bind(s.created_at)
        .bind(s.expires_at)
        .bind(s.last_seen_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn session(&self, id_digest: &str) -> Result<SessionRow, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id_digest, user_id, created_at, expires_at, last_seen_at \
             FROM sessions WHERE id_digest = $1",
        )
        .bind(id_digest)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn touch_session(&self, id_digest: &str, now: Epoch) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_digest = $2")
            .bind(now)
            .bind(id_digest)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, id_digest: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_digest = $1")
            .bind(id_digest)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends every session of a user (lock, password change).
    pub async fn delete_sessions_of_user(&self, user_id: &str) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Removes sessions past their expiry; run now and then.
    pub async fn delete_expired_sessions(&self, now: Epoch) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
