use super::error::changed;
use super::{Store, StoreError};
use crate::domain::Epoch;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScopeRow {
    pub name: String,
    pub display_name: String,
    pub description: String,
    /// Space-separated role names; empty when anyone may have the scope.
    pub roles: String,
    pub created_at: Epoch,
}

const COLUMNS: &str = "name, display_name, description, roles, created_at";

impl Store {
    pub async fn insert_scope(&self, scope: &ScopeRow) -> Result<ScopeRow, StoreError> {
        let sql = format!(
            "INSERT INTO scopes ({COLUMNS}) VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
        );
        Ok(sqlx::query_as(&sql)
            .bind(&scope.name)
            .bind(&scope.display_name)
            .bind(&scope.description)
            .bind(&scope.roles)
            .bind(scope.created_at)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Changes everything but the name; `NotFound` when there is no such scope.
    pub async fn update_scope(&self, scope: &ScopeRow) -> Result<(), StoreError> {
        changed(
            sqlx::query(
                "UPDATE scopes SET display_name = $2, description = $3, roles = $4 WHERE name = $1",
            )
            .bind(&scope.name)
            .bind(&scope.display_name)
            .bind(&scope.description)
            .bind(&scope.roles)
            .execute(&self.pool)
            .await?,
        )
    }

    pub async fn list_scopes(&self) -> Result<Vec<ScopeRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM scopes ORDER BY name");
        Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
    }

    /// The scopes among `names` that exist; the caller compares to find unknown ones.
    pub async fn scopes_named(&self, names: &[&str]) -> Result<Vec<ScopeRow>, StoreError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {COLUMNS} FROM scopes WHERE name IN ({})",
            placeholders.join(", ")
        );
        let mut q = sqlx::query_as(&sql);
        for n in names {
            q = q.bind(*n);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }
}
