//! Machine credentials for the key manager's internal API (`service::node_auth`).

use super::{Store, StoreError};
use crate::domain::Epoch;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NodeCredentialRow {
    pub username: String,
    pub secret_digest: String,
    pub created_at: Epoch,
    pub last_used_at: Option<Epoch>,
}

impl Store {
    /// Adds a credential; `Conflict` when the name is taken.
    pub async fn insert_node_credential(&self, row: &NodeCredentialRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO node_credentials (username, secret_digest, created_at) \
             VALUES ($1, $2, $3)",
        )
        .bind(&row.username)
        .bind(&row.secret_digest)
        .bind(row.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn node_credential(&self, username: &str) -> Result<NodeCredentialRow, StoreError> {
        sqlx::query_as(
            "SELECT username, secret_digest, created_at, last_used_at \
             FROM node_credentials WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    pub async fn node_credentials(&self) -> Result<Vec<NodeCredentialRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT username, secret_digest, created_at, last_used_at \
             FROM node_credentials ORDER BY username",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Notes a use, at most once a minute per credential so busy gateways do not write
    /// on every call.
    pub async fn touch_node_credential(
        &self,
        username: &str,
        now: Epoch,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE node_credentials SET last_used_at = $2 WHERE username = $1 \
             AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(username)
        .bind(now)
        .bind(now - 60)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn delete_node_credential(&self, username: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM node_credentials WHERE username = $1")
            .bind(username)
            .execute(&self.pool)
            .await?;
        match done.rows_affected() {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }
}
