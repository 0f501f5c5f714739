//! The keys that sign ID tokens and JWT access tokens: made on first use, kept in the
//! database so every key-manager node signs with the same one, the private half sealed
//! under a key the database never holds. `portico signing-key rotate` publishes a new key
//! `overlap` seconds ahead of use; an old key stays published until every token it
//! signed expired.

use super::{ServiceError, Services};
use crate::crypto::jws::{self, JwsSigner, SigningAlgorithm};
use crate::domain::Epoch;
use crate::store::SigningKeyRow;
use secrecy::{ExposeSecret, SecretString};
use std::sync::{Arc, RwLock};

const SEAL_PURPOSE: &str = "signing key";
/// How long a node signs with the key it read before it looks for a newer one.
const RECHECK: Epoch = 60;

/// The signing setup, and the key in use.
pub struct SigningKeys {
    pub algorithm: SigningAlgorithm,
    /// Seals the private keys in the database.
    kek: SecretString,
    /// Seconds a new key is published before it signs.
    pub overlap: Epoch,
    /// The `iss` of every ID token: the portal's public address, as the listeners
    /// serve it (set again by `server::start`, which knows the final ports).
    issuer: RwLock<String>,
    current: RwLock<Option<(Epoch, Arc<JwsSigner>)>>,
    loading: tokio::sync::Mutex<()>,
    /// RSA signatures (about half a millisecond each) run on blocking threads, at most
    /// one per core at a time, so a burst of grants cannot stall the async workers or
    /// spawn a thread per request.
    rsa_slots: Arc<tokio::sync::Semaphore>,
}

impl SigningKeys {
    pub fn new(
        algorithm: SigningAlgorithm,
        kek: SecretString,
        overlap: Epoch,
        issuer: String,
    ) -> Self {
        Self {
            algorithm,
            kek,
            overlap,
            issuer: RwLock::new(issuer),
            current: RwLock::new(None),
            loading: tokio::sync::Mutex::new(()),
            rsa_slots: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
        }
    }

    pub fn issuer(&self) -> String {
        self.issuer.read().map(|i| i.clone()).unwrap_or_default()
    }

    pub fn set_issuer(&self, issuer: String) {
        if let Ok(mut slot) = self.issuer.write() {
            *slot = issuer;
        }
    }
}

fn internal(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(e.to_string())
}

impl Services {
    async fn new_signing_key(&self, activates_at: Epoch) -> Result<SigningKeyRow, ServiceError> {
        let keys = &self.signing;
        // An RSA key takes a tenth of a second or more: off the async workers.
        let alg = keys.algorithm;
        let pair = tokio::task::spawn_blocking(move || jws::generate(alg))
            .await
            .map_err(internal)?
            .map_err(internal)?;
        Ok(SigningKeyRow {
            kid: pair.kid,
            algorithm: keys.algorithm.as_str().into(),
            public_jwk: pair.public_jwk.to_string(),
            private_sealed: crate::crypto::seal::seal(
                keys.kek.expose_secret(),
                SEAL_PURPOSE,
                &pair.private_der,
            ),
            created_at: self.clock.now(),
            activates_at,
            published_until: None,
        })
    }

    /// The key that signs now; the first one is made here if there is none.
    pub async fn current_signer(&self) -> Result<Arc<JwsSigner>, ServiceError> {
        if let Some(signer) = self.cached_signer() {
            return Ok(signer);
        }
        // One reader per node: a burst of first grants makes one key, not one each.
        let _one = self.signing.loading.lock().await;
        if let Some(signer) = self.cached_signer() {
            return Ok(signer);
        }
        let now = self.clock.now();
        let mut keys = self.store.published_signing_keys(now).await?;
        if keys.is_empty() {
            // Two nodes starting at once may both make one; each signs with the newest.
            let row = self.new_signing_key(now).await?;
            self.store.insert_signing_key(&row).await?;
            keys = self.store.published_signing_keys(now).await?;
        }
        let next = keys
            .iter()
            .filter(|k| k.activates_at > now)
            .map(|k| k.activates_at)
            .min();
        let row = keys
            .into_iter()
            .find(|k| k.activates_at <= now)
            .ok_or_else(|| internal("no signing key is active yet"))?;
        let der = crate::crypto::seal::open(
            self.signing.kek.expose_secret(),
            SEAL_PURPOSE,
            &row.private_sealed,
        )
        .ok_or_else(|| {
            internal(format!(
                "signing key {} cannot be opened: `[oauth.signing] key_encryption_key` \
                     differs from the one that sealed it",
                row.kid
            ))
        })?;
        let alg = SigningAlgorithm::parse(&row.algorithm)
            .ok_or_else(|| internal(format!("unknown algorithm {}", row.algorithm)))?;
        let signer = Arc::new(JwsSigner::new(row.kid, alg, &der));
        let until = next.unwrap_or(Epoch::MAX).min(now + RECHECK);
        if let Ok(mut slot) = self.signing.current.write() {
            *slot = Some((until, signer.clone()));
        }
        Ok(signer)
    }

    fn cached_signer(&self) -> Option<Arc<JwsSigner>> {
        let now = self.clock.now();
        let slot = self.signing.current.read().ok()?;
        slot.as_ref()
            .filter(|(until, _)| *until > now)
            .map(|(_, signer)| signer.clone())
    }

    /// The compact JWS of `claims` by `signer`: ECDSA and EdDSA (tens of microseconds)
    /// here, RSA off the async workers (see `rsa_slots`).
    pub async fn sign<T: serde::Serialize + Send + 'static>(
        &self,
        signer: Arc<JwsSigner>,
        typ: &'static str,
        claims: T,
    ) -> Result<String, ServiceError> {
        if signer.alg != SigningAlgorithm::RS256 {
            return signer.sign(typ, &claims).map_err(internal);
        }
        let _slot = self
            .signing
            .rsa_slots
            .clone()
            .acquire_owned()
            .await
            .map_err(internal)?;
        tokio::task::spawn_blocking(move || signer.sign(typ, &claims))
            .await
            .map_err(internal)?
            .map_err(internal)
    }

    /// The public keys to verify tokens with (RFC 7517 JWK set).
    pub async fn jwks(&self) -> Result<serde_json::Value, ServiceError> {
        // A key manager makes its first key before answering, so a client never sees an
        // empty set; another node only reads (it may not hold the sealing key, and a key
        // no token was signed with yet verifies nothing).
        if let super::KeyManager::Local = self.key_manager {
            self.current_signer().await?;
        }
        let keys = self.store.published_signing_keys(self.clock.now()).await?;
        let keys: Vec<serde_json::Value> = keys
            .iter()
            .filter_map(|k| serde_json::from_str(&k.public_jwk).ok())
            .collect();
        Ok(serde_json::json!({ "keys": keys }))
    }

    /// Publishes a new key that signs from `overlap` seconds on; the keys before it stay
    /// published until the last token they can have signed expired.
    pub async fn rotate_signing_key(&self) -> Result<SigningKeyRow, ServiceError> {
        self.current_signer().await?;
        let activates_at = self.clock.now() + self.signing.overlap;
        let row = self.new_signing_key(activates_at).await?;
        self.store.insert_signing_key(&row).await?;
        let longest = self.lifetimes.user_access.max(self.lifetimes.app_access);
        self.store
            .retire_signing_keys(activates_at, activates_at + longest + RECHECK)
            .await?;
        Ok(row)
    }

    /// The published keys, for `portico signing-key list`.
    pub async fn signing_keys(&self) -> Result<Vec<SigningKeyRow>, ServiceError> {
        Ok(self.store.published_signing_keys(self.clock.now()).await?)
    }
}
