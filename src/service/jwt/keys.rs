//! The key set JWT access tokens are checked against, with the issuer and audience they
//! must name: read from the database on the key manager, fetched from the key manager
//! everywhere else. Fetched again every [`REFRESH_EVERY`], and when a token names a `kid`
//! the set lacks: at most once per [`UNKNOWN_KID_EVERY`], so a flood of made-up `kid`s
//! cannot turn into a flood of fetches. A token with an unknown `kid` waits for the next
//! allowed fetch rather than failing (a key made a moment ago is found), and every token
//! that arrived before a fetch began is answered from that fetch, so the waits never
//! queue up one behind another.

use super::super::{KeyManager, ServiceError, Services};
use crate::crypto::jws_verify::VerifyingKeys;
use jsonwebtoken::jwk::JwkSet;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Under a signing key's publication ahead of use (60 s at least), so every node knows a
/// key before the key manager signs with it.
pub const REFRESH_EVERY: Duration = Duration::from_secs(30);
pub const UNKNOWN_KID_EVERY: Duration = Duration::from_secs(1);

/// What the key manager publishes for checking its access tokens.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishedKeys {
    pub issuer: String,
    pub audience: String,
    pub jwks: JwkSet,
}

/// A fetched [`PublishedKeys`], ready to verify with.
pub struct KeySet {
    pub issuer: String,
    pub audience: String,
    pub keys: VerifyingKeys,
    /// When the fetch that read it began.
    fetched: Instant,
}

#[derive(Default)]
pub struct KeySetCache {
    current: RwLock<Option<Arc<KeySet>>>,
    /// Held while fetching; holds when the last fetch began.
    fetching: tokio::sync::Mutex<Option<Instant>>,
}

impl KeySetCache {
    fn current(&self) -> Option<Arc<KeySet>> {
        self.current.read().ok()?.clone()
    }

    fn keep(&self, published: PublishedKeys, began: Instant) -> Arc<KeySet> {
        let set = Arc::new(KeySet {
            keys: VerifyingKeys::from_jwks(&published.jwks),
            issuer: published.issuer,
            audience: published.audience,
            fetched: began,
        });
        if let Ok(mut slot) = self.current.write() {
            *slot = Some(set.clone());
        }
        set
    }
}

impl Services {
    /// The published keys, issuer and audience of this node's key manager.
    pub async fn published_keys(&self) -> Result<PublishedKeys, ServiceError> {
        match &self.key_manager {
            KeyManager::Local => {
                let jwks = serde_json::from_value(self.jwks().await?)
                    .map_err(|e| ServiceError::Internal(format!("unreadable key set: {e}")))?;
                Ok(PublishedKeys {
                    issuer: self.signing.issuer(),
                    audience: self.jwt.audience.clone(),
                    jwks,
                })
            }
            KeyManager::Remote(km) => Ok(self.remote(km.published_keys()).await?),
        }
    }

    /// A key set holding `kid` if one can be had, else the newest set (which the token
    /// will fail against). Errors only when no set can be had at all.
    pub(super) async fn key_set_for(&self, kid: &str) -> Result<Arc<KeySet>, ServiceError> {
        let cache = &self.jwt.key_set;
        if let Some(set) = cache.current().filter(|s| s.keys.contains(kid)) {
            if set.fetched.elapsed() < REFRESH_EVERY {
                return Ok(set);
            }
            // Due for its periodic fetch: one caller fetches, the rest go on with what
            // they have, and a failed fetch keeps the old set (the keys did verify).
            if let Ok(mut last) = cache.fetching.try_lock() {
                let began = Instant::now();
                *last = Some(began);
                match self.published_keys().await {
                    Ok(published) => return Ok(cache.keep(published, began)),
                    Err(e) => tracing::warn!(error = %e, "cannot refresh the JWT key set"),
                }
            }
            return Ok(set);
        }
        let arrived = Instant::now();
        let mut last = cache.fetching.lock().await;
        let current = cache.current();
        // A fetch that began after this token arrived is as fresh as any can be for it.
        if let Some(set) = current.filter(|s| s.keys.contains(kid) || s.fetched >= arrived) {
            return Ok(set);
        }
        if let Some(wait) = last.and_then(|t| UNKNOWN_KID_EVERY.checked_sub(t.elapsed())) {
            tokio::time::sleep(wait).await;
        }
        let began = Instant::now();
        *last = Some(began);
        Ok(cache.keep(self.published_keys().await?, began))
    }
}
