//! Plain axum routes: OAuth endpoints, discovery, health, and the embedded stylesheet.

mod backend_guard;
pub mod body;
pub mod bundle;
pub mod client_addr;
mod client_auth;
pub mod cookies;
pub mod deadline;
pub(crate) mod error;
pub mod form;
pub mod form_errors;
pub mod gateway;
mod health;
pub mod internal;
pub mod metrics;
mod oauth;
mod openid;
pub mod page_headers;
mod proxy;
pub mod request_id;
pub mod rest;
mod stats;
mod well_known;

pub use oauth::MAX_FORM_BYTES;

use crate::server::state::AppState;
use axum::routing::{get, post};
use axum::Router;

/// How a node answers the OAuth endpoints: as the key manager, or by passing each
/// request to the key manager on another server.
#[derive(Clone)]
pub enum OAuthEndpoints {
    Here,
    Forward(std::sync::Arc<internal::client::KmClient>),
}

fn oauth_route(name: &'static str, how: &OAuthEndpoints) -> axum::routing::MethodRouter<AppState> {
    use axum::extract::{ConnectInfo, Request};
    match how {
        OAuthEndpoints::Here => match name {
            "token" => post(oauth::token),
            "revoke" => post(oauth::revoke),
            _ => post(oauth::introspect),
        },
        OAuthEndpoints::Forward(km) => {
            let km = km.clone();
            post(
                move |ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>, req: Request| async move {
                    km.forward(name, req, peer.ip()).await
                },
            )
        }
    }
    .fallback(oauth::post_only)
}

fn oauth_routes(prefix: &str, how: &OAuthEndpoints) -> Router<AppState> {
    let mut router = Router::new();
    for name in ["token", "revoke", "introspect"] {
        router = router.route(&format!("{prefix}/{name}"), oauth_route(name, how));
    }
    router
}
fn common_routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route(
            "/.well-known/oauth-authorization-server",
            get(well_known::metadata),
        )
        .route(
            "/.well-known/openid-configuration",
            get(openid::configuration),
        )
        .route("/oauth2/jwks", get(openid::jwks))
        .route(
            "/oauth2/userinfo",
            get(openid::userinfo).post(openid::userinfo),
        )
}

/// Routes of the gateway listeners (8243 HTTPS, 8280 HTTP): WSO2's `/token`, `/revoke`,
/// `/introspect`, and the `/oauth2/...` names as on the portal port. Every route but the
/// proxy (which streams) must finish within `request_timeout`.
pub fn gateway_routes(
    request_timeout: std::time::Duration,
    oauth: &OAuthEndpoints,
) -> Router<AppState> {
    common_routes()
        .merge(oauth_routes("", oauth))
        .merge(oauth_routes("/oauth2", oauth))
        .route_layer(axum::middleware::from_fn_with_state(
            request_timeout,
            deadline::deadline,
        ))
        .fallback(gateway::proxy)
}

/// The key manager's listener (9443) on a `key-manager` node: the OAuth endpoints and
/// the internal API, no pages.
pub fn key_manager_routes(services: crate::service::Services) -> Router<AppState> {
    common_routes()
        .merge(oauth_routes("/oauth2", &OAuthEndpoints::Here))
        .merge(internal::api::routes(services))
}

/// Plain routes of the portal listener (9443); the Leptos pages are added beside them.
/// A node that is its own key manager serves the internal API here too, for others.
pub fn portal_routes(
    oauth: &OAuthEndpoints,
    services: crate::service::Services,
) -> Router<AppState> {
    let router = match oauth {
        OAuthEndpoints::Here => internal::api::routes(services),
        OAuthEndpoints::Forward(_) => Router::new(),
    };
    router
        .merge(common_routes())
        .merge(oauth_routes("/oauth2", oauth))
        .merge(rest::routes())
        .route("/api/stats/applications/{id}", get(stats::application))
        .route(
            "/api/stats/applications/{id}/users.csv",
            get(stats::users_csv),
        )
        .route("/portico.css", get(health::stylesheet))
        .route("/favicon.svg", get(health::favicon))
}
