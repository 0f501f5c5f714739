//! The seam between the key manager and the nodes that use it. A node is its own key
//! manager (`Local`: the code in `oauth`, `keys` and `portal`), or calls one on another
//! server (`Remote`: an HTTP client of the internal API, in `http::km_client`). Gateway
//! and portal code call the `Services` methods below and never ask which.

use super::keys::{GeneratedKeys, KeyRequest};
use super::oauth::{OAuthError, TokenResponse};
use super::portal::PortalTokenKind;
use super::{ServiceError, Services};
use crate::domain::KeyType;
use crate::store::TokenRow;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

/// How often a node checks its remote key manager.
pub const PROBE_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// A remote call's answer.
pub type Reply<'a, T> = Pin<Box<dyn Future<Output = Result<T, RemoteError>> + Send + 'a>>;

/// Why a remote key manager gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteError {
    /// Unreachable, too slow, refused our credential, or failed: nothing was decided.
    #[error("the key manager is unavailable: {0}")]
    Unavailable(String),
    /// The key manager decided and said no, in OAuth terms.
    #[error(transparent)]
    OAuth(OAuthError),
    /// The key manager decided and said no to a portal action.
    #[error("{message}")]
    Refused { code: String, message: String },
}

/// A Generate Access Token request as the portal sends it to the key manager.
pub struct PortalTokenCall<'a> {
    pub user_id: &'a str,
    pub app_id: &'a str,
    pub key_type: KeyType,
    pub kind: &'a PortalTokenKind,
    pub scope: &'a str,
    pub validity: Option<i64>,
    pub client_ip: IpAddr,
}

/// What a node needs from a key manager on another server.
pub trait RemoteKeyManager: Send + Sync {
    /// The row of an access token, without its digests; `None` when it does not exist.
    fn validate<'a>(&'a self, token: &'a str) -> Reply<'a, Option<TokenRow>>;
    fn generate_keys<'a>(
        &'a self,
        app_id: &'a str,
        req: &'a KeyRequest,
    ) -> Reply<'a, GeneratedKeys>;
    fn regenerate_secret<'a>(
        &'a self,
        app_id: &'a str,
        key_type: KeyType,
    ) -> Reply<'a, GeneratedKeys>;
    fn portal_token<'a>(&'a self, call: PortalTokenCall<'a>) -> Reply<'a, TokenResponse>;
    /// The keys, issuer and audience JWT access tokens are checked against.
    fn published_keys(&self) -> Reply<'_, super::jwt::PublishedKeys>;
    /// Whether the key manager answers and accepts this node's credential.
    fn check(&self) -> Reply<'_, ()>;
}

/// Where this node's keys and tokens are made and checked.
#[derive(Clone, Default)]
pub enum KeyManager {
    #[default]
    Local,
    Remote(Arc<dyn RemoteKeyManager>),
}

/// What this node last learnt of its remote key manager, for `/ready` and the portal.
#[derive(Default)]
pub struct KeyManagerHealth {
    /// Why the last call or check failed; `None` after a success.
    problem: Mutex<Option<String>>,
}

impl KeyManagerHealth {
    pub fn problem(&self) -> Option<String> {
        self.problem.lock().map(|p| p.clone()).unwrap_or(None)
    }

    fn note<T>(&self, result: &Result<T, RemoteError>) {
        let problem = match result {
            Err(RemoteError::Unavailable(why)) => Some(why.clone()),
            _ => None,
        };
        if let Ok(mut slot) = self.problem.lock() {
            *slot = problem;
        }
    }
}

impl From<RemoteError> for ServiceError {
    fn from(e: RemoteError) -> Self {
        match e {
            RemoteError::Unavailable(why) => ServiceError::Unavailable(why),
            RemoteError::Refused { code, message } => match code.as_str() {
                "conflict" => ServiceError::Conflict(message),
                "not_found" => ServiceError::NotFound("keys"),
                "invalid" => {
                    ServiceError::Invalid(crate::domain::ValidationError::new("request", &message))
                }
                _ => ServiceError::Internal(message),
            },
            RemoteError::OAuth(e) => ServiceError::Internal(e.to_string()),
        }
    }
}

impl From<RemoteError> for OAuthError {
    fn from(e: RemoteError) -> Self {
        match e {
            RemoteError::OAuth(e) => e,
            RemoteError::Unavailable(_) => OAuthError::TemporarilyUnavailable,
            other => OAuthError::Server(other.to_string()),
        }
    }
}

impl Services {
    /// Runs `call` on the remote key manager and notes how it went.
    pub(super) async fn remote<T>(&self, call: Reply<'_, T>) -> Result<T, RemoteError> {
        let result = call.await;
        self.key_manager_health.note(&result);
        result
    }

    /// The remote key manager's problem, if this node has one and it is not answering.
    pub fn key_manager_problem(&self) -> Option<String> {
        match self.key_manager {
            KeyManager::Local => None,
            KeyManager::Remote(_) => self.key_manager_health.problem(),
        }
    }

    /// Asks the remote key manager whether it answers (for `/ready` and the portal's
    /// banner); `Ok` when this node is its own key manager.
    pub async fn check_key_manager(&self) -> Result<(), String> {
        match &self.key_manager {
            KeyManager::Local => Ok(()),
            KeyManager::Remote(km) => self.remote(km.check()).await.map_err(|e| e.to_string()),
        }
    }

    /// Checks the remote key manager every [`PROBE_EVERY`], so `/ready` and the portal's
    /// banner follow it and a return is noticed without a restart; `None` when local.
    pub fn spawn_key_manager_probe(&self) -> Option<tokio::task::JoinHandle<()>> {
        let KeyManager::Remote(_) = self.key_manager else {
            return None;
        };
        let services = self.clone();
        Some(tokio::spawn(async move {
            let mut tick = tokio::time::interval(PROBE_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(why) = services.check_key_manager().await {
                    tracing::warn!(reason = %why, "the key manager is not answering");
                }
            }
        }))
    }

    /// An opaque access token's row as the key manager has it now: read from the database
    /// here, or asked of the remote key manager. Never from a cache, so a node that has
    /// just seen a revocation in the feed cannot be handed the row from before it. (JWTs
    /// are checked where they are presented: `jwt`.)
    pub(crate) async fn load_token(&self, token: &str) -> Result<Option<TokenRow>, ServiceError> {
        match &self.key_manager {
            KeyManager::Local => {
                match super::oauth::token_by_value(
                    &self.store,
                    crate::store::TokenPart::Access,
                    token,
                )
                .await
                {
                    Ok(row) => Ok(Some(row)),
                    Err(crate::store::StoreError::NotFound) => Ok(None),
                    Err(e) => Err(e.into()),
                }
            }
            KeyManager::Remote(km) => Ok(self.remote(km.validate(token)).await?),
        }
    }
}
