use super::{Store, StoreError};
use crate::domain::Epoch;

impl Store {
    /// A stored setting, or `None` while nobody has changed it from the configured default.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(v,)| v))
    }

    pub async fn put_setting(&self, key: &str, value: &str, now: Epoch) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(value)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The stored value of `key`, storing `value` first if there is none. Several nodes
    /// starting at once on one database all end up with the first value stored.
    pub async fn setting_or_insert(
        &self,
        key: &str,
        value: &str,
        now: Epoch,
    ) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(value)
        .bind(now)
        .execute(&self.pool)
        .await?;
        self.setting(key).await?.ok_or(StoreError::NotFound)
    }
}
