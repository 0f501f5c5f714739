use super::{OAuthError, Services};
use crate::crypto;
use crate::service::ttl_cache::TtlCache;
use crate::store::{KeyRow, StoreError};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use std::time::Duration;

/// Client credentials as presented, and whether they came in a Basic header (which
/// decides the `WWW-Authenticate` challenge on failure).
#[derive(Debug)]
pub struct ClientAuth {
    pub client_id: String,
    pub client_secret: SecretString,
    pub via_basic: bool,
    /// Only `client_id` in the body: a public client (RFC 6749 §2.1), which must be
    /// registered as one and may only use the grants that need no secret.
    pub public: bool,
}

/// A digest no secret produces; compared against when the key is unknown so both paths
/// do the same work.
const NO_DIGEST: &str = "-";

/// Consumer keys recently read, so a busy client does not cost a query per request. A
/// cached key is used only when the presented secret matches its digest; otherwise the
/// key is read again, so a secret regenerated elsewhere works at once, and the old one
/// stops working on this server within the TTL.
pub struct KeyCache {
    keys: TtlCache<String, Arc<KeyRow>>,
}

impl KeyCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            keys: TtlCache::new(ttl, 10_000),
        }
    }

    /// Forgets a key whose secret, application or lifetime changed.
    pub fn forget(&self, consumer_key: &str) {
        self.keys.remove(consumer_key);
    }

    /// Forgets every key: a secret changed on another node, which one is not known.
    pub fn forget_all(&self) {
        self.keys.clear();
    }
}

impl Services {
    /// The consumer key if the secret matches its stored digest (constant-time compare).
    pub async fn authenticate_client(&self, client: &ClientAuth) -> Result<KeyRow, OAuthError> {
        if client.public {
            return self.public_client(&client.client_id).await;
        }
        let secret = client.client_secret.expose_secret();
        if let Some(key) = self.client_keys.keys.get(client.client_id.as_str()) {
            if crypto::digests_match(secret, &key.secret_digest) {
                return Ok(KeyRow::clone(&key));
            }
        }
        let key = match self.store.key_by_consumer_key(&client.client_id).await {
            Ok(k) => Some(k),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let stored = key.as_ref().map_or(NO_DIGEST, |k| k.secret_digest.as_str());
        match key {
            Some(key) if crypto::digests_match(secret, stored) => {
                let cached = Arc::new(key.clone());
                self.client_keys
                    .keys
                    .insert(key.consumer_key.clone(), cached);
                Ok(key)
            }
            _ => Err(OAuthError::bad_client()),
        }
    }

    /// A public client's key: registered as public, or it is no client at all. What it
    /// may do without a secret is the grant's to decide (`run_grant`).
    async fn public_client(&self, client_id: &str) -> Result<KeyRow, OAuthError> {
        match self.store.key_by_consumer_key(client_id).await {
            Ok(key) if key.public_client != 0 => Ok(key),
            Ok(_) | Err(StoreError::NotFound) => Err(OAuthError::bad_client()),
            Err(e) => Err(e.into()),
        }
    }
}
