use super::error::changed;
use super::{Store, StoreError};
use crate::domain::Epoch;

/// One consumer key. Only a SHA-256 digest of the consumer secret is kept.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KeyRow {
    pub consumer_key: String,
    pub app_id: String,
    pub key_type: String,
    pub secret_digest: String,
    pub grant_types: String,
    pub access_token_validity: Option<i64>,
    pub created_at: Epoch,
    pub secret_rotated_at: Epoch,
    /// `opaque` or `jwt` (`domain::TokenType`).
    pub token_type: String,
    /// Callback URLs of the authorization code grant, one per line.
    pub callback_urls: String,
    /// 1: a public client (no usable secret; PKCE always).
    pub public_client: i64,
    /// 1: PKCE's `plain` method is accepted besides S256.
    pub allow_plain_pkce: i64,
    /// The owning application's token validity, read with the key so a grant needs no
    /// second query; not stored on the key.
    #[sqlx(default)]
    pub app_token_validity: Option<i64>,
}

impl KeyRow {
    /// The key's access-token type; anything unreadable is opaque, the type that needs
    /// no signing key.
    pub fn access_token_type(&self) -> crate::domain::TokenType {
        crate::domain::TokenType::parse(&self.token_type).unwrap_or_default()
    }
}

const COLUMNS: &str = "consumer_key, app_id, key_type, secret_digest, grant_types, \
                       access_token_validity, created_at, secret_rotated_at, token_type, \
                       callback_urls, public_client, allow_plain_pkce";
const SELECT: &str =
    "SELECT k.consumer_key, k.app_id, k.key_type, k.secret_digest, k.grant_types, \
                      k.access_token_validity, k.created_at, k.secret_rotated_at, \
                      k.token_type, k.callback_urls, k.public_client, k.allow_plain_pkce, \
                      a.token_validity AS app_token_validity \
                      FROM app_keys k JOIN applications a ON a.id = k.app_id";

impl Store {
    pub async fn insert_key(&self, key: &KeyRow) -> Result<(), StoreError> {
        let sql =
            format!("INSERT INTO app_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
        sqlx::query(&sql)
            .bind(&key.consumer_key)
            .bind(&key.app_id)
            .bind(&key.key_type)
            .bind(&key.secret_digest)
            .bind(&key.grant_types)
            .bind(key.access_token_validity)
            .bind(key.created_at)
            .bind(key.secret_rotated_at)
            .bind(&key.token_type)
            .bind(&key.callback_urls)
            .bind(key.public_client)
            .bind(key.allow_plain_pkce)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn key_by_consumer_key(&self, consumer_key: &str) -> Result<KeyRow, StoreError> {
        let sql = format!("{SELECT} WHERE k.consumer_key = $1");
        Ok(sqlx::query_as(&sql)
            .bind(consumer_key)
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn keys_of_application(&self, app_id: &str) -> Result<Vec<KeyRow>, StoreError> {
        let sql = format!("{SELECT} WHERE k.app_id = $1 ORDER BY k.key_type");
        Ok(sqlx::query_as(&sql)
            .bind(app_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Replaces the secret digest; the old secret stops working with this commit. Tokens
    /// already issued stay valid (as in WSO2); revoke them separately if compromised.
    pub async fn replace_key_secret(
        &self,
        consumer_key: &str,
        secret_digest: &str,
        now: Epoch,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE app_keys SET secret_digest = $1, secret_rotated_at = $2 WHERE consumer_key = $3",
        )
        .bind(secret_digest)
        .bind(now)
        .bind(consumer_key)
        .execute(&mut *tx)
        .await?;
        // Other nodes must stop accepting the old secret within the feed's bound.
        super::feed::announce(&mut tx, now).await?;
        changed(done)?;
        tx.commit().await?;
        Ok(())
    }
}
