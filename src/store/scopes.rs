use super::{Store, StoreError};
use crate::domain::Epoch;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScopeRow {
    pub name: String,
    pub description: String,
    pub created_at: Epoch,
}

impl Store {
    pub async fn insert_scope(
        &self,
        name: &str,
        description: &str,
        now: Epoch,
    ) -> Result<ScopeRow, StoreError> {
        Ok(sqlx::query_as(
            "INSERT INTO scopes (name, description, created_at) VALUES ($1, $2, $3) \
             RETURNING name, description, created_at",
        )
        .bind(name)
        .bind(description)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn list_scopes(&self) -> Result<Vec<ScopeRow>, StoreError> {
        Ok(
            sqlx::query_as("SELECT name, description, created_at FROM scopes ORDER BY name")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Which of `names` exist; the caller compares to find the unknown ones.
    pub async fn existing_scopes(&self, names: &[&str]) -> Result<Vec<String>, StoreError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT name FROM scopes WHERE name IN ({})",
            placeholders.join(", ")
        );
        let mut q = sqlx::query_as::<_, (String,)>(&sql);
        for n in names {
            q = q.bind(*n);
        }
        Ok(q.fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|(n,)| n)
            .collect())
    }
}
