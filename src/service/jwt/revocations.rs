//! The revocation list of JWT access tokens: the `jti`s of those revoked before their
//! `exp`, read from the database whenever a revocation happened (here, or on another
//! node as the revocation feed tells) and kept in memory between. A JWT is checked
//! against it on every use, so revoking one takes effect within the same bound as an
//! opaque token (`revocation_watch`): at once here, within a feed poll elsewhere.
//!
//! The list holds only tokens that have not expired, so it is as long as the
//! revocations of one token lifetime. While the feed is out of reach the list cannot be
//! trusted, and it is read again for each check (failing closed if that fails too).

use super::super::{ServiceError, Services};
use crate::domain::Epoch;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Revoked `jti`s with when they were revoked, as read after revocation number `read_at`.
struct Listed {
    read_at: u64,
    revoked: Arc<HashMap<String, Epoch>>,
}

#[derive(Default)]
pub struct RevocationList {
    listed: RwLock<Option<Listed>>,
    reading: tokio::sync::Mutex<()>,
}

impl RevocationList {
    /// The list if nothing was revoked since it was read.
    fn current(&self, revocations: u64) -> Option<Arc<HashMap<String, Epoch>>> {
        let listed = self.listed.read().ok()?;
        let listed = listed.as_ref()?;
        (listed.read_at >= revocations).then(|| listed.revoked.clone())
    }

    pub fn len(&self) -> usize {
        self.listed
            .read()
            .ok()
            .and_then(|l| l.as_ref().map(|l| l.revoked.len()))
            .unwrap_or(0)
    }
}

impl Services {
    /// When the JWT with this `jti` was revoked, if it was.
    pub(super) async fn jwt_revoked_at(&self, jti: &str) -> Result<Option<Epoch>, ServiceError> {
        let list = &self.jwt.revoked;
        // Read the count first: a revocation committed after it outdates what is read.
        let seen = self.store.revocations();
        let trusted = self.feed.trusted();
        if let Some(revoked) = list.current(seen).filter(|_| trusted) {
            return Ok(revoked.get(jti).copied());
        }
        let _one_reader = list.reading.lock().await;
        let seen = self.store.revocations();
        if let Some(revoked) = list.current(seen).filter(|_| self.feed.trusted()) {
            return Ok(revoked.get(jti).copied());
        }
        let rows = self.store.revoked_jwts(self.clock.now()).await?;
        let revoked: Arc<HashMap<String, Epoch>> = Arc::new(rows.into_iter().collect());
        if let Ok(mut slot) = list.listed.write() {
            *slot = Some(Listed {
                read_at: seen,
                revoked: revoked.clone(),
            });
        }
        Ok(revoked.get(jti).copied())
    }
}
