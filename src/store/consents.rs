//! What users allowed applications on the consent page.

use super::{Store, StoreError};
use crate::domain::Epoch;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConsentRow {
    pub user_id: String,
    pub app_id: String,
    /// Space-separated: every scope the user has allowed the application.
    pub scopes: String,
    pub granted_at: Epoch,
}

impl Store {
    /// Records that `user_id` allowed `app_id` these scopes (a scope set, space-separated),
    /// replacing what was allowed before.
    pub async fn grant_consent(&self, consent: &ConsentRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO consents (user_id, app_id, scopes, granted_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, app_id) DO UPDATE SET scopes = $3, granted_at = $4",
        )
        .bind(&consent.user_id)
        .bind(&consent.app_id)
        .bind(&consent.scopes)
        .bind(consent.granted_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn consent(
        &self,
        user_id: &str,
        app_id: &str,
    ) -> Result<Option<ConsentRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT user_id, app_id, scopes, granted_at FROM consents \
             WHERE user_id = $1 AND app_id = $2",
        )
        .bind(user_id)
        .bind(app_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn consents_of_user(&self, user_id: &str) -> Result<Vec<ConsentRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT user_id, app_id, scopes, granted_at FROM consents \
             WHERE user_id = $1 ORDER BY granted_at DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Withdraws a consent and revokes, in the same transaction, every token the user's
    /// authorizations of the application led to (each code's family, refreshes
    /// included); `false` when there was no consent.
    pub async fn revoke_consent(
        &self,
        user_id: &str,
        app_id: &str,
        now: Epoch,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("DELETE FROM consents WHERE user_id = $1 AND app_id = $2")
            .bind(user_id)
            .bind(app_id)
            .execute(&mut *tx)
            .await?;
        let revoked = sqlx::query(
            "UPDATE tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND user_id = $2 \
             AND family_id IN (SELECT family_id FROM tokens WHERE user_id = $2 AND app_id = $3 \
             AND grant_type = 'authorization_code')",
        )
        .bind(now)
        .bind(user_id)
        .bind(app_id)
        .execute(&mut *tx)
        .await?;
        if revoked.rows_affected() > 0 {
            super::feed::announce(&mut tx, now).await?;
        }
        tx.commit().await?;
        self.revoked(revoked.rows_affected());
        Ok(done.rows_affected() > 0)
    }
}
