use super::error::not_found;
use super::{KeyManager, ServiceError, Services};
use crate::crypto;
use crate::domain::{GrantTypes, KeyType, TokenType, ValidationError};
use crate::store::{ApplicationRow, KeyRow, StoreError};
use secrecy::SecretString;

/// Options for Generate Keys.
#[derive(Debug, Clone)]
pub struct KeyRequest {
    pub key_type: KeyType,
    pub grant_types: GrantTypes,
    /// Access-token lifetime for tokens of this key; `None` uses the application's.
    pub access_token_validity: Option<i64>,
    /// Opaque or JWT access tokens; `None` takes `[oauth] default_token_type`.
    pub token_type: Option<TokenType>,
}

/// A freshly generated key pair. The secret exists only here: it is stored as a digest.
pub struct GeneratedKeys {
    pub consumer_key: String,
    pub consumer_secret: SecretString,
    pub key: KeyRow,
}

impl Services {
    /// Generates the application's key pair of one type, on the key manager; a second
    /// call for the same type is refused (regenerate the secret instead).
    pub async fn generate_keys(
        &self,
        app: &ApplicationRow,
        request: KeyRequest,
    ) -> Result<GeneratedKeys, ServiceError> {
        match &self.key_manager {
            KeyManager::Local => self.generate_keys_here(app, request).await,
            KeyManager::Remote(km) => Ok(self.remote(km.generate_keys(&app.id, &request)).await?),
        }
    }

    async fn generate_keys_here(
        &self,
        app: &ApplicationRow,
        request: KeyRequest,
    ) -> Result<GeneratedKeys, ServiceError> {
        if let Some(v) = request.access_token_validity {
            if !(60..=31_536_000).contains(&v) {
                return Err(ValidationError::new(
                    "access_token_validity",
                    "must be between 60 seconds and one year",
                )
                .into());
            }
        }
        let secret = crypto::random_token();
        let now = self.clock.now();
        let key = KeyRow {
            consumer_key: crypto::consumer_key(),
            app_id: app.id.clone(),
            key_type: request.key_type.as_str().into(),
            secret_digest: crypto::digest(&secret),
            grant_types: request.grant_types.to_list(),
            access_token_validity: request.access_token_validity,
            created_at: now,
            secret_rotated_at: now,
            token_type: request
                .token_type
                .unwrap_or(self.jwt.default_token_type)
                .as_str()
                .into(),
            app_token_validity: app.token_validity,
        };
        self.store.insert_key(&key).await.map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict(format!(
                "{} keys already exist for this application; regenerate the secret instead",
                request.key_type
            )),
            other => other.into(),
        })?;
        Ok(GeneratedKeys {
            consumer_key: key.consumer_key.clone(),
            consumer_secret: SecretString::from(secret),
            key,
        })
    }

    pub async fn key_of(
        &self,
        app: &ApplicationRow,
        key_type: KeyType,
    ) -> Result<KeyRow, ServiceError> {
        self.store
            .keys_of_application(&app.id)
            .await?
            .into_iter()
            .find(|k| k.key_type == key_type.as_str())
            .ok_or(ServiceError::NotFound("keys"))
    }

    /// Replaces the consumer secret, on the key manager; the old one stops working at once.
    pub async fn regenerate_secret(
        &self,
        app: &ApplicationRow,
        key_type: KeyType,
    ) -> Result<GeneratedKeys, ServiceError> {
        match &self.key_manager {
            KeyManager::Local => self.regenerate_secret_here(app, key_type).await,
            KeyManager::Remote(km) => {
                Ok(self.remote(km.regenerate_secret(&app.id, key_type)).await?)
            }
        }
    }

    async fn regenerate_secret_here(
        &self,
        app: &ApplicationRow,
        key_type: KeyType,
    ) -> Result<GeneratedKeys, ServiceError> {
        let mut key = self.key_of(app, key_type).await?;
        let secret = crypto::random_token();
        key.secret_digest = crypto::digest(&secret);
        key.secret_rotated_at = self.clock.now();
        self.store
            .replace_key_secret(&key.consumer_key, &key.secret_digest, key.secret_rotated_at)
            .await
            .map_err(not_found("keys"))?;
        self.client_keys.forget(&key.consumer_key);
        Ok(GeneratedKeys {
            consumer_key: key.consumer_key.clone(),
            consumer_secret: SecretString::from(secret),
            key,
        })
    }
}
