//! ID-token signing keys (`service::signing`).

use super::{Store, StoreError};
use crate::domain::Epoch;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SigningKeyRow {
    pub kid: String,
    pub algorithm: String,
    pub public_jwk: String,
    pub private_sealed: String,
    pub created_at: Epoch,
    pub activates_at: Epoch,
    pub published_until: Option<Epoch>,
}

const COLUMNS: &str =
    "kid, algorithm, public_jwk, private_sealed, created_at, activates_at, published_until";

impl Store {
    pub async fn insert_signing_key(&self, row: &SigningKeyRow) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO signing_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(&row.kid)
        .bind(&row.algorithm)
        .bind(&row.public_jwk)
        .bind(&row.private_sealed)
        .bind(row.created_at)
        .bind(row.activates_at)
        .bind(row.published_until)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every key still published at `now`, newest activation first.
    pub async fn published_signing_keys(
        &self,
        now: Epoch,
    ) -> Result<Vec<SigningKeyRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM signing_keys \
             WHERE published_until IS NULL OR published_until > $1 \
             ORDER BY activates_at DESC, kid"
        ))
        .bind(now)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Ends the publication of every key activated before `before` and not ended yet:
    /// a newer key has taken over, and tokens they signed live at most until `until`.
    pub async fn retire_signing_keys(
        &self,
        before: Epoch,
        until: Epoch,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE signing_keys SET published_until = $2 \
             WHERE activates_at < $1 AND published_until IS NULL",
        )
        .bind(before)
        .bind(until)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
