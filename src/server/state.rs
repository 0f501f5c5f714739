use super::config::Config;
use crate::service::Services;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// What every handler and server function can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub services: Services,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
    /// The gateway's backend client.
    pub proxy: crate::http::gateway::Proxy,
}
