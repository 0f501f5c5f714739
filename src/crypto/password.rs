//! Argon2id for user passwords, with memory that stays bounded under any load.
//!
//! Each hash needs 19 MiB of working memory. Allocating it per call lets the C allocator
//! keep freed blocks in per-thread arenas, and the process grows far beyond the few
//! hashes that actually run at once. Instead, hashes run on at most one worker per core
//! (see `hash_pool`), each with a workspace allocated up front: peak memory is
//! `cores × 19 MiB`, fixed.

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version, ARGON2ID_IDENT};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use subtle::ConstantTimeEq;

use super::hash_pool::{workspace, HashPool, Unanswered};
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("password hashing task failed")]
    Join,
    /// Too many password checks are waiting already; nothing was hashed.
    #[error("too many password checks are waiting")]
    Busy,
}

/// OWASP's baseline for Argon2id: m = 19456 KiB, t = 2, p = 1, 32-byte output.
fn params() -> Params {
    Params::new(19_456, 2, 1, Some(32)).expect("static Argon2 parameters are valid")
}

/// Argon2id run on the blocking pool by at most one worker per core.
#[derive(Clone)]
pub struct PasswordHasher {
    pool: Arc<HashPool>,
    /// Verified against when the user does not exist, so both paths cost the same.
    dummy_hash: Arc<str>,
    /// Hashes actually computed (not refused, not skipped), for tests and operators.
    hashed: Arc<AtomicU64>,
}

fn hash_with(password: &[u8], memory: &mut [Block]) -> Result<String, PasswordError> {
    let fail = |e: &dyn std::fmt::Display| PasswordError::Hash(e.to_string());
    let salt = SaltString::generate(&mut rand_core::OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt.decode_b64(&mut salt_bytes).map_err(|e| fail(&e))?;
    let params = params();
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, salt_raw, &mut out, memory)
        .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Recomputes the stored hash's parameters over `password` and compares in constant time.
fn verify_with(password: &[u8], stored: &str, memory: &mut [Block]) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    if parsed.algorithm != ARGON2ID_IDENT {
        return false;
    }
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(stored_params) = Params::try_from(&parsed) else {
        return false;
    };
    let version = parsed
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or(Version::V0x13);
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_raw) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(Algorithm::Argon2id, version, stored_params.clone());
    // A hash made with larger parameters than today's gets memory of its own.
    let mut bigger;
    let memory = if memory.len() >= stored_params.block_count() {
        memory
    } else {
        bigger = workspace(stored_params.block_count());
        &mut bigger[..]
    };
    argon
        .hash_password_into_with_memory(password, salt_raw, &mut out, memory)
        .is_ok()
        && bool::from(out.ct_eq(expected.as_bytes()))
}

impl PasswordHasher {
    pub fn new() -> Self {
        Self::bounded(256)
    }

    /// A hasher whose queue holds at most `max_queued` waiting hashes; more are refused
    /// with [`PasswordError::Busy`] before any hashing.
    pub fn bounded(max_queued: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let blocks = params().block_count();
        let mut first = workspace(blocks);
        let dummy = hash_with(crate::crypto::random_token().as_bytes(), &mut first)
            .expect("hashing a random token");
        Self {
            pool: HashPool::new(cores, blocks, first, max_queued),
            dummy_hash: dummy.into(),
            hashed: Arc::default(),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, PasswordError> {
        let hashed = self.hashed.clone();
        let counted = move |memory: &mut [Block]| {
            hashed.fetch_add(1, Ordering::Relaxed);
            work(memory)
        };
        self.pool.run(counted).await.map_err(|e| match e {
            Unanswered::Full => PasswordError::Busy,
            Unanswered::Abandoned => PasswordError::Join,
        })
    }

    /// How many hashes this hasher has computed.
    pub fn hashes_computed(&self) -> u64 {
        self.hashed.load(Ordering::Relaxed)
    }

    pub async fn hash(&self, password: &SecretString) -> Result<String, PasswordError> {
        let password = password.clone();
        self.run(move |memory| hash_with(password.expose_secret().as_bytes(), memory))
            .await?
    }

    /// Checks `password` against `stored`, or against the dummy hash when `stored` is
    /// `None` (unknown user) so the answer takes the same time either way.
    pub async fn verify(
        &self,
        password: &SecretString,
        stored: Option<&str>,
    ) -> Result<bool, PasswordError> {
        let known = stored.is_some();
        let hash: String = stored.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.clone();
        let ok = self
            .run(move |memory| verify_with(password.expose_secret().as_bytes(), &hash, memory))
            .await?;
        Ok(ok && known)
    }
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn argon2id_hashes_verify_only_their_password() {
        let h = PasswordHasher::new();
        let pw = SecretString::from("correct horse");
        let stored = h.hash(&pw).await.unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(h.verify(&pw, Some(&stored)).await.unwrap());
        assert!(!h
            .verify(&SecretString::from("wrong"), Some(&stored))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn hashes_from_the_reference_implementation_verify() {
        use argon2::PasswordHasher as _;
        let salt = SaltString::generate(&mut rand_core::OsRng);
        let reference = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8192, 1, 1, None).unwrap(),
        )
        .hash_password(b"pw-from-elsewhere", &salt)
        .unwrap()
        .to_string();
        let h = PasswordHasher::new();
        assert!(h
            .verify(&SecretString::from("pw-from-elsewhere"), Some(&reference))
            .await
            .unwrap());
        assert!(!h
            .verify(&SecretString::from("nope"), Some(&reference))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn unknown_users_and_garbage_hashes_never_verify() {
        let h = PasswordHasher::new();
        assert!(!h.verify(&SecretString::from("x"), None).await.unwrap());
        assert!(!h
            .verify(&SecretString::from("x"), Some("not a hash"))
            .await
            .unwrap());
    }
}
