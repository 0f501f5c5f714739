//! Composition root: configuration, storage, TLS, listeners and shutdown. The only place
//! that knows which concrete pieces make up a running Portico.

pub mod config;
mod conn_limit;
mod listeners;
pub mod otlp;
mod routers;
mod serving;
pub mod state;
pub mod telemetry;
pub mod tls;

pub use listeners::{shutdown_signal, start, Running, StartError};

use crate::service::gateway::GatewayCache;
use crate::service::oauth::KeyCache;
use crate::service::throttle::Throttle;
use crate::service::{Clock, Services, TokenLifetimes};
use crate::store::{DatabaseUrl, Store};
use config::Config;
use std::sync::Arc;
use std::time::Duration;

/// Connects to the database, runs migrations and assembles the services.
pub async fn services(config: &Config) -> Result<Services, StartError> {
    let url = DatabaseUrl::parse(&config.database.url).map_err(StartError::Config)?;
    let store = Store::connect(&url, config.database.max_connections)
        .await
        .map_err(|e| StartError::Database(e.to_string()))?;
    store
        .migrate()
        .await
        .map_err(|e| StartError::Database(e.to_string()))?;
    let calls = crate::service::CallRecorder::start(store.clone());
    let form_errors = crate::service::settings::form_error_signer(&store, Clock::default().now())
        .await
        .map_err(|e| StartError::Database(e.to_string()))?;
    let throttling = &config.oauth.throttling;
    let shared = throttling
        .shared
        .unwrap_or(store.backend() == crate::store::Backend::Postgres);
    let throttle_sync = (shared && throttling.enabled).then(|| {
        Arc::new(crate::service::throttle_sync::ThrottleSync::new(
            Clock::default().now(),
            throttling.window,
        ))
    });
    let target = config.key_manager().map_err(|e| StartError::Config(e.0))?;
    let key_manager = match target {
        Some(target) => crate::service::KeyManager::Remote(Arc::new(
            crate::http::internal::client::KmClient::new(&target).map_err(StartError::Config)?,
        )),
        None => crate::service::KeyManager::Local,
    };
    let signing = &config.oauth.signing;
    let kek = signing
        .key_encryption_key(&config.server.data_dir)
        .map_err(|e| {
            StartError::Config(format!(
                "cannot read or make {}: {e}",
                config.server.data_dir.join("signing.kek").display()
            ))
        })?;
    let signing = crate::service::signing::SigningKeys::new(
        signing.algorithm,
        secrecy::SecretString::from(kek),
        signing.rotation_overlap_seconds,
        config.portal_url(),
    );
    Ok(Services {
        store,
        hasher: crate::crypto::PasswordHasher::bounded(config.oauth.throttling.max_queued_hashes),
        clock: Clock::default(),
        lifetimes: TokenLifetimes {
            user_access: config.oauth.user_access_token_validity,
            app_access: config.oauth.app_access_token_validity,
            refresh: config.oauth.refresh_token_validity,
        },
        throttle: Arc::new(Throttle::new(config.oauth.throttling.clone())),
        client_keys: Arc::new(KeyCache::new(Duration::from_secs(
            config.oauth.client_cache_seconds,
        ))),
        self_signup_default: config.portal.self_signup,
        event_retention: config.statistics.event_retention_days * crate::domain::stats::DAY,
        audit_retention: config.audit.retention_days * crate::domain::stats::DAY,
        calls,
        gateway: Arc::new(GatewayCache::new(
            Duration::from_secs(config.gateway.cache_seconds),
            usize::try_from(config.gateway.cache_entries).unwrap_or(usize::MAX),
        )),
        backend_policy: config.backend_policy(),
        form_errors: Arc::new(form_errors),
        feed: Default::default(),
        throttle_sync,
        key_manager,
        key_manager_health: Default::default(),
        node_credentials_cache: Arc::new(crate::service::node_auth::NodeCredentialCache::new(
            Duration::from_secs(config.oauth.client_cache_seconds),
        )),
        signing: Arc::new(signing),
        jwt: Arc::new(crate::service::jwt::JwtState::new(
            config.oauth.default_token_type,
            config.oauth.jwt_audience.clone(),
            config.gateway.jwt_leeway_seconds,
            Duration::from_secs(config.gateway.cache_seconds),
            usize::try_from(config.gateway.cache_entries).unwrap_or(usize::MAX),
        )),
    })
}
