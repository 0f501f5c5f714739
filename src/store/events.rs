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

/// Rows per INSERT, so a batch of rotations is a statement or two.
const EVENTS_PER_STATEMENT: usize = 64;

/// Records events, several rows per statement, and counts password grants towards their
/// application's registered users.
pub(super) async fn insert_events(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    events: &[&TokenEvent],
) -> Result<(), StoreError> {
    for chunk in events.chunks(EVENTS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO token_events (id, app_id, key_type, grant_type, user_id, username, outcome, at) \
             VALUES {}",
            super::placeholders(tx, chunk.len(), 8)
        );
        let mut q =
            sqlx::query(&sql).persistent(super::keep_prepared(chunk.len(), EVENTS_PER_STATEMENT));
        for e in chunk {
            q = q
                .bind(uuid::Uuid::now_v7().to_string())
                .bind(&e.app_id)
                .bind(&e.key_type)
                .bind(&e.grant_type)
                .bind(&e.user_id)
                .bind(&e.username)
                .bind(e.outcome)
                .bind(e.at);
        }
        q.execute(&mut **tx).await?;
    }
    for e in events {
        let registers = matches!(e.grant_type.as_str(), "password" | "authorization_code");
        if let (Some(user_id), Some(username), "issued", true) =
            (&e.user_id, &e.username, e.outcome, registers)
        {
            register_user(tx, e, user_id, username).await?;
        }
    }
    Ok(())
}

/// Counts a password-grant or authorization-code token towards the application's
/// registered users, naming the grant. Both run at human speed (Argon2id, or a person
/// at a consent page), so this row is never a point of contention.
async fn register_user(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    e: &TokenEvent,
    user_id: &str,
    username: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO app_users (app_id, user_id, username, first_at, last_at, tokens, grants) \
         VALUES ($1, $2, $3, $4, $4, 1, $5) \
         ON CONFLICT (app_id, user_id) DO UPDATE SET \
           username = excluded.username, \
           grants = CASE WHEN (' ' || app_users.grants || ' ') LIKE ('% ' || excluded.grants || ' %') \
                    THEN app_users.grants ELSE app_users.grants || ' ' || excluded.grants END, \
           first_at = CASE WHEN excluded.first_at < app_users.first_at \
                      THEN excluded.first_at ELSE app_users.first_at END, \
           last_at = CASE WHEN excluded.last_at > app_users.last_at \
                     THEN excluded.last_at ELSE app_users.last_at END, \
           tokens = app_users.tokens + 1",
    )
    .bind(&e.app_id)
    .bind(user_id)
    .bind(username)
    .bind(e.at)
    .bind(&e.grant_type)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Records an event that has no token of its own (a failed grant, a revocation).
    pub async fn record_event(&self, event: &TokenEvent) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_events(&mut tx, &[event]).await?;
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
