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

    /// Withdraws a consent; `false` when there was none.
    pub async fn revoke_consent(&self, user_id: &str, app_id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM consents WHERE user_id = $1 AND app_id = $2")
            .bind(user_id)
            .bind(app_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
