use super::{OAuthError, Services};
use crate::crypto;
use crate::store::{KeyRow, StoreError};
use secrecy::{ExposeSecret, SecretString};

/// Client credentials as presented, and whether they came in a Basic header (which
/// decides the `WWW-Authenticate` challenge on failure).
#[derive(Debug)]
pub struct ClientAuth {
    pub client_id: String,
    pub client_secret: SecretString,
    pub via_basic: bool,
}

/// A digest no secret produces; compared against when the key is unknown so both paths
/// do the same work.
const NO_DIGEST: &str = "-";

impl Services {
    /// The consumer key if the secret matches its stored digest (constant-time compare).
    pub async fn authenticate_client(&self, client: &ClientAuth) -> Result<KeyRow, OAuthError> {
        let key = match self.store.key_by_consumer_key(&client.client_id).await {
            Ok(k) => Some(k),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let stored = key.as_ref().map_or(NO_DIGEST, |k| k.secret_digest.as_str());
        if crypto::digests_match(client.client_secret.expose_secret(), stored) {
            key.ok_or_else(OAuthError::bad_client)
        } else {
            Err(OAuthError::bad_client())
        }
    }
}
