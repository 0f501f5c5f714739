//! Use cases. Knows the domain, the store and crypto; knows nothing of HTTP or HTML.

mod accounts;
pub mod api_access;
mod api_import;
mod api_import_drafts;
mod apis;
mod applications;
pub mod audit;
pub mod authorize;
mod calls;
mod clock;
mod error;
mod flash;
pub mod gateway;
mod housekeeping;
pub mod jwt;
mod key_manager;
mod keys;
pub mod markdown;
pub mod node_auth;
pub mod oauth;
mod portal;
pub mod revocation_watch;
mod scopes;
pub mod sessions;
pub mod settings;
pub mod signing;
mod stats;
mod subscriptions;
pub mod throttle;
mod throttle_state;
pub mod throttle_sync;
pub mod try_it;
mod ttl_cache;

pub use accounts::{Bootstrap, PasswordPolicy};
pub use api_import::{ImportPlan, ImportRequest, MAX_DOCUMENT_BYTES};
pub use api_import_drafts::IMPORT_DRAFT_TTL;
pub use apis::{ApiDetail, ApiInput};
pub use applications::ApplicationInput;
pub use calls::CallRecorder;
pub use clock::Clock;
pub use error::ServiceError;
pub use flash::Flash;
pub use key_manager::{
    KeyManager, KeyManagerHealth, PortalTokenCall, RemoteError, RemoteKeyManager, Reply,
};
pub use keys::{GeneratedKeys, KeyRequest};
pub use oauth::TokenLifetimes;
pub use portal::{OwnToken, PortalTokenKind};
pub use scopes::ScopeInput;

use crate::crypto::PasswordHasher;
use crate::store::Store;
use std::sync::Arc;
use throttle::Throttle;

/// Everything the use cases share; cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub hasher: PasswordHasher,
    pub clock: Clock,
    pub lifetimes: TokenLifetimes,
    pub throttle: Arc<Throttle>,
    /// Consumer keys recently read for client authentication.
    pub client_keys: Arc<oauth::KeyCache>,
    /// `[portal] self_signup` from the configuration: the default until an admin decides.
    pub self_signup_default: bool,
    /// Seconds raw token events are kept (`[statistics] event_retention_days`).
    pub event_retention: i64,
    /// Seconds audit events are kept (`[audit] retention_days`); 0 keeps them.
    pub audit_retention: i64,
    /// The gateway's route table and token and subscription caches.
    pub gateway: Arc<gateway::GatewayCache>,
    /// Queues gateway calls for the statistics, written in batches.
    pub calls: CallRecorder,
    /// Signs the errors plain form posts pass back to their page in the redirect URL.
    pub form_errors: Arc<crate::crypto::Signer>,
    /// Which backend addresses an API may name (`[gateway] allow_*_backends`).
    pub backend_policy: crate::domain::backend::BackendPolicy,
    /// Shares password-check outcomes with other nodes; `None` when not shared.
    pub throttle_sync: Option<Arc<throttle_sync::ThrottleSync>>,
    /// When the revocation feed was last read (`revocation_watch`).
    pub feed: Arc<revocation_watch::FeedHealth>,
    /// Where keys and tokens are made and checked: here, or on another server.
    pub key_manager: KeyManager,
    pub key_manager_health: Arc<KeyManagerHealth>,
    /// Machine credentials of other nodes, recently checked (`node_auth`).
    pub node_credentials_cache: Arc<node_auth::NodeCredentialCache>,
    /// The keys that sign ID tokens (`signing`).
    pub signing: Arc<signing::SigningKeys>,
    /// JWT access tokens: settings, key set, revocation list (`jwt`).
    pub jwt: Arc<jwt::JwtState>,
}
