//! Machine credentials for the key manager's internal API: made, listed and revoked with
//! `portico key-manager credential`, presented by gateway and portal nodes on every call.
//! A credential is 256 random bits, so it is checked by digest (constant time), not by
//! Argon2: a gateway's token check costs no password hash. Failures are throttled per
//! name and address like password checks, and a revoked credential stops working within
//! `[oauth] client_cache_seconds`.

use super::ttl_cache::TtlCache;
use super::{ServiceError, Services};
use crate::crypto;
use crate::domain::ValidationError;
use crate::store::{NodeCredentialRow, StoreError};
use secrecy::{ExposeSecret, SecretString};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// A credential just made; the password exists only here.
pub struct NewNodeCredential {
    pub username: String,
    pub password: SecretString,
}

/// Why an internal call was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum NodeAuthError {
    Denied,
    Throttled(i64),
    Internal,
}

/// Credentials recently checked, by name; used only when the presented password matches.
pub struct NodeCredentialCache(TtlCache<String, Arc<str>>);

impl NodeCredentialCache {
    pub fn new(ttl: Duration) -> Self {
        Self(TtlCache::new(ttl, 1_000))
    }
}

/// Never a digest of anything: compared against when the name is unknown.
const NO_DIGEST: &str = "-";

/// The throttle's name for a credential: usernames cannot hold `:`, so no user's
/// failures and no node's can be counted together.
fn throttle_name(username: &str) -> String {
    format!("node:{username}")
}

fn check_name(name: &str) -> Result<(), ValidationError> {
    let ok = (3..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            "name",
            "3-64 lowercase letters, digits, `-`, `_` or `.`",
        ))
    }
}

impl Services {
    pub async fn create_node_credential(
        &self,
        name: &str,
    ) -> Result<NewNodeCredential, ServiceError> {
        check_name(name)?;
        let password = crypto::random_token();
        let row = NodeCredentialRow {
            username: name.to_owned(),
            secret_digest: crypto::digest(&password),
            created_at: self.clock.now(),
            last_used_at: None,
        };
        self.store
            .insert_node_credential(&row)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    ServiceError::Conflict(format!("a credential named `{name}` exists already"))
                }
                other => other.into(),
            })?;
        Ok(NewNodeCredential {
            username: row.username,
            password: SecretString::from(password),
        })
    }

    pub async fn node_credentials(&self) -> Result<Vec<NodeCredentialRow>, ServiceError> {
        Ok(self.store.node_credentials().await?)
    }

    pub async fn revoke_node_credential(&self, name: &str) -> Result<(), ServiceError> {
        self.store
            .delete_node_credential(name)
            .await
            .map_err(super::error::not_found("credential"))?;
        self.node_credentials_cache.0.remove(name);
        Ok(())
    }

    /// Checks a node's credential, throttled per name and address.
    pub async fn authenticate_node(
        &self,
        username: &str,
        password: &SecretString,
        addr: IpAddr,
    ) -> Result<(), NodeAuthError> {
        let presented = password.expose_secret();
        if let Some(digest) = self.node_credentials_cache.0.get(username) {
            if crypto::digests_match(presented, &digest) {
                return Ok(());
            }
        }
        let check = async {
            let row = match self.store.node_credential(username).await {
                Ok(row) => Some(row),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e),
            };
            // Compared against a digest nothing has when the name is unknown, so both
            // paths do the same work.
            let stored = row.as_ref().map_or(NO_DIGEST, |r| r.secret_digest.as_str());
            let right = row.is_some() && crypto::digests_match(presented, stored);
            Ok(right.then(|| stored.to_owned()))
        };
        let checked = self
            .throttled(&throttle_name(username), addr, check, Option::is_some)
            .await
            .map_err(|r| NodeAuthError::Throttled(r.0))?;
        let stored = match checked {
            Ok(Some(digest)) => digest,
            Ok(None) => {
                tracing::warn!(node = ?username, %addr, "internal API: wrong node credential");
                return Err(NodeAuthError::Denied);
            }
            Err(e) => {
                tracing::error!(error = %e, "reading a node credential failed");
                return Err(NodeAuthError::Internal);
            }
        };
        let now = self.clock.now();
        self.node_credentials_cache
            .0
            .insert(username.to_owned(), stored.into());
        if let Err(e) = self.store.touch_node_credential(username, now).await {
            tracing::warn!(error = %e, "noting a node credential's use failed");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names_are_plain() {
        assert!(check_name("gateway-1").is_ok());
        assert!(check_name("portal.eu_2").is_ok());
        for bad in ["gw", "Gateway", "a:b", "x y", &"n".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
