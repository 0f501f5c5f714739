use super::{Store, StoreError};
use crate::domain::Epoch;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: String,
    pub owner_id: String,
    pub name: String,
    pub description: String,
    pub token_validity: Option<i64>,
    pub created_at: Epoch,
    pub updated_at: Epoch,
    /// Grows by one with every change: the REST API's `ETag`.
    pub revision: i64,
}

const COLUMNS: &str =
    "id, owner_id, name, description, token_validity, created_at, updated_at, revision";
const INSERTED: &str = "id, owner_id, name, description, token_validity, created_at, updated_at";

impl Store {
    pub async fn insert_application(
        &self,
        owner_id: &str,
        name: &str,
        description: &str,
        token_validity: Option<i64>,
        now: Epoch,
    ) -> Result<ApplicationRow, StoreError> {
        let sql = format!(
            "INSERT INTO applications ({INSERTED}) VALUES ($1, $2, $3, $4, $5, $6, $6) \
             RETURNING {COLUMNS}"
        );
        Ok(sqlx::query_as(&sql)
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(owner_id)
            .bind(name)
            .bind(description)
            .bind(token_validity)
            .bind(now)
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn application(&self, id: &str) -> Result<ApplicationRow, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM applications WHERE id = $1");
        Ok(sqlx::query_as(&sql).bind(id).fetch_one(&self.pool).await?)
    }

    pub async fn applications_of(&self, owner_id: &str) -> Result<Vec<ApplicationRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM applications WHERE owner_id = $1 ORDER BY name");
        Ok(sqlx::query_as(&sql)
            .bind(owner_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Saves the application if it is still at `revision`; `NotFound` if it is not (it
    /// changed or went since it was read), so no change is lost to a concurrent one.
    pub async fn update_application(
        &self,
        id: &str,
        name: &str,
        description: &str,
        token_validity: Option<i64>,
        now: Epoch,
        revision: i64,
    ) -> Result<ApplicationRow, StoreError> {
        let sql = format!(
            "UPDATE applications SET name = $1, description = $2, token_validity = $3, \
             updated_at = $4, revision = revision + 1 WHERE id = $5 AND revision = $6 \
             RETURNING {COLUMNS}"
        );
        Ok(sqlx::query_as(&sql)
            .bind(name)
            .bind(description)
            .bind(token_validity)
            .bind(now)
            .bind(id)
            .bind(revision)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Deletes the application and its keys, and revokes every token issued to it, in one
    /// transaction so no token outlives its application.
    pub async fn delete_application(&self, id: &str, now: Epoch) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let revoked = super::tokens::revoke_in(&mut tx, "app_id = $2", id, now).await?;
        let done = sqlx::query("DELETE FROM applications WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        self.revoked(revoked);
        Ok(())
    }
}

/// An application with its owner's name, for the admin overview.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApplicationWithOwner {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub created_at: Epoch,
}

impl Store {
    pub async fn all_applications(
        &self,
        limit: i64,
    ) -> Result<Vec<ApplicationWithOwner>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.name, u.username AS owner, a.created_at FROM applications a \
             JOIN users u ON u.id = a.owner_id ORDER BY u.username, a.name LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
