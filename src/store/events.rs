use super::{Store, StoreError};
use crate::domain::Epoch;

/// One entry of token activity, for statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenEvent {
    pub app_id: String,
    pub key_type: String,
    pub grant_type: String,
    pub user_id: Option<String>,
    pub username: Option<String>,
    /// `issued`, `refreshed`, `revoked` or `failed`.
    pub outcome: &'static str,
    pub at: Epoch,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenEventRow {
    pub app_id: String,
    pub key_type: String,
    pub grant_type: String,
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub outcome: String,
    pub at: Epoch,
}

pub(super) async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    e: &TokenEvent,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO token_events (id, app_id, key_type, grant_type, user_id, username, outcome, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(&e.app_id)
    .bind(&e.key_type)
    .bind(&e.grant_type)
    .bind(&e.user_id)
    .bind(&e.username)
    .bind(e.outcome)
    .bind(e.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Records an event that has no token of its own (a failed grant, a revocation).
    pub async fn record_event(&self, event: &TokenEvent) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_event(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Events of one application at or after `since`, oldest first.
    pub async fn events_of_application(
        &self,
        app_id: &str,
        since: Epoch,
    ) -> Result<Vec<TokenEventRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT app_id, key_type, grant_type, user_id, username, outcome, at \
             FROM token_events WHERE app_id = $1 AND at >= $2 ORDER BY at, id",
        )
        .bind(app_id)
        .bind(since)
        .fetch_all(&self.pool)
        .await?)
    }
}
