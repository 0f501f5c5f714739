//! Authorization codes (RFC 6749 §4.1.2): stored as digests, each usable once.

use super::{Store, StoreError};
use crate::domain::Epoch;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CodeRow {
    pub id: String,
    pub code_digest: String,
    pub consumer_key: String,
    pub user_id: String,
    pub username: String,
    pub redirect_uri: String,
    pub scopes: String,
    pub code_challenge: String,
    pub challenge_method: String,
    /// OpenID Connect's `nonce`, repeated in the ID token.
    pub nonce: Option<String>,
    pub created_at: Epoch,
    pub expires_at: Epoch,
    pub used_at: Option<Epoch>,
    pub family_id: Option<String>,
}

const COLUMNS: &str = "id, code_digest, consumer_key, user_id, username, redirect_uri, scopes, \
                       code_challenge, challenge_method, nonce, created_at, expires_at, used_at, \
                       family_id";

/// What spending a code came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Spent {
    /// Spent now: its tokens are the family named when it was spent.
    Now,
    /// Spent before, exchanged for the tokens of this family (if any were stored).
    Before(Option<String>),
}

impl Store {
    pub async fn insert_code(&self, code: &CodeRow) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO authorization_codes ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        );
        sqlx::query(&sql)
            .bind(&code.id)
            .bind(&code.code_digest)
            .bind(&code.consumer_key)
            .bind(&code.user_id)
            .bind(&code.username)
            .bind(&code.redirect_uri)
            .bind(&code.scopes)
            .bind(&code.code_challenge)
            .bind(&code.challenge_method)
            .bind(&code.nonce)
            .bind(code.created_at)
            .bind(code.expires_at)
            .bind(code.used_at)
            .bind(&code.family_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn code_by_id(&self, id: &str) -> Result<CodeRow, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM authorization_codes WHERE id = $1");
        Ok(sqlx::query_as(&sql).bind(id).fetch_one(&self.pool).await?)
    }

    /// Marks code `id` used at `at`, for the token family `family`, unless it was used
    /// already: one statement, so two concurrent exchanges cannot both spend it.
    pub async fn spend_code(&self, id: &str, at: Epoch, family: &str) -> Result<Spent, StoreError> {
        let done = sqlx::query(
            "UPDATE authorization_codes SET used_at = $1, family_id = $2 \
             WHERE id = $3 AND used_at IS NULL",
        )
        .bind(at)
        .bind(family)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(Spent::Now);
        }
        Ok(Spent::Before(self.code_by_id(id).await?.family_id))
    }

    /// Deletes codes that expired before `cutoff`; a replay after that finds nothing,
    /// and the tokens it was exchanged for stay until their own revocation or expiry.
    pub async fn purge_expired_codes(&self, cutoff: Epoch) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM authorization_codes WHERE expires_at < $1")
            .bind(cutoff)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
