use super::config::Config;
use crate::http::gateway::Proxy;
use crate::service::Services;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// What every handler and server function can reach. axum clones the state for every
/// request, so it is one reference count, not a copy of each part.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub services: Services,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
    /// The gateway's backend client.
    pub proxy: Proxy,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

macro_rules! part {
    ($field:ident: $ty:ty) => {
        impl FromRef<AppState> for $ty {
            fn from_ref(state: &AppState) -> Self {
                state.0.$field.clone()
            }
        }
    };
}

part!(services: Services);
part!(config: Arc<Config>);
part!(leptos_options: LeptosOptions);
part!(proxy: Proxy);
