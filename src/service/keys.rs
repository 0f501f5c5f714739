use super::error::not_found;
use super::{KeyManager, ServiceError, Services};
use crate::crypto;
use crate::domain::redirect_uri::CallbackUrls;
use crate::domain::{GrantType, GrantTypes, KeyType, TokenType, ValidationError};
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
    /// Where the authorization code grant may send its codes.
    pub callback_urls: CallbackUrls,
    /// A browser or mobile app that cannot keep a secret: no secret, PKCE always.
    pub public_client: bool,
    /// PKCE's `plain` method besides S256, for clients that cannot hash.
    pub allow_plain_pkce: bool,
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
        check_grant_setup(&request)?;
        // A public client gets no secret: none is shown, and none can ever match.
        let secret = crypto::random_token();
        let secret_digest = match request.public_client {
            true => String::new(),
            false => crypto::digest(&secret),
        };
        let now = self.clock.now();
        let key = KeyRow {
            consumer_key: crypto::consumer_key(),
            app_id: app.id.clone(),
            key_type: request.key_type.as_str().into(),
            secret_digest,
            grant_types: request.grant_types.to_list(),
            access_token_validity: request.access_token_validity,
            created_at: now,
            secret_rotated_at: now,
            token_type: request
                .token_type
                .unwrap_or(self.jwt.default_token_type)
                .as_str()
                .into(),
            callback_urls: request.callback_urls.to_lines(),
            public_client: i64::from(request.public_client),
            allow_plain_pkce: i64::from(request.allow_plain_pkce),
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
            consumer_secret: SecretString::from(match request.public_client {
                true => String::new(),
                false => secret,
            }),
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
        if key.public_client != 0 {
            return Err(ValidationError::new(
                "key_type",
                "a public client has no secret to regenerate",
            )
            .into());
        }
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

/// The grants and callback URLs of a new key fit together: the authorization code grant
/// needs somewhere to send codes, and a public client (which holds no secret) may only
/// use the grants that work without one.
fn check_grant_setup(request: &KeyRequest) -> Result<(), ValidationError> {
    let grants = &request.grant_types;
    if grants.allows(GrantType::AuthorizationCode) && request.callback_urls.is_empty() {
        return Err(ValidationError::new(
            "callback_urls",
            "add at least one callback URL for the authorization code grant",
        ));
    }
    if request.public_client {
        let needs_secret = [GrantType::Password, GrantType::ClientCredentials];
        if !grants.allows(GrantType::AuthorizationCode)
            || needs_secret.iter().any(|g| grants.allows(*g))
        {
            return Err(ValidationError::new(
                "public_client",
                "a public client uses the authorization code grant (and refresh tokens) only",
            ));
        }
    }
    Ok(())
}
