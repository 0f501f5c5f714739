//! Plain axum routes: OAuth endpoints, discovery, health, and the embedded stylesheet.

mod backend_guard;
pub mod body;
pub mod client_addr;
mod client_auth;
pub mod cookies;
pub mod deadline;
mod error;
pub mod form;
pub mod form_errors;
pub mod gateway;
mod health;
mod oauth;
pub mod page_headers;
mod proxy;
mod stats;
mod well_known;

pub use oauth::MAX_FORM_BYTES;

use crate::server::state::AppState;
use axum::routing::{get, post};
use axum::Router;

fn oauth_routes(prefix: &str) -> Router<AppState> {
    let route = |name: &str| format!("{prefix}/{name}");
    Router::new()
        .route(
            &route("token"),
            post(oauth::token).fallback(oauth::post_only),
        )
        .route(
            &route("revoke"),
            post(oauth::revoke).fallback(oauth::post_only),
        )
        .route(
            &route("introspect"),
            post(oauth::introspect).fallback(oauth::post_only),
        )
}

fn common_routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route(
            "/.well-known/oauth-authorization-server",
            get(well_known::metadata),
        )
}

/// Routes of the gateway listeners (8243 HTTPS, 8280 HTTP): WSO2's `/token`, `/revoke`,
/// `/introspect`, and the `/oauth2/...` names as on the portal port. Every route but the
/// proxy (which streams) must finish within `request_timeout`.
pub fn gateway_routes(request_timeout: std::time::Duration) -> Router<AppState> {
    common_routes()
        .merge(oauth_routes(""))
        .merge(oauth_routes("/oauth2"))
        .route_layer(axum::middleware::from_fn_with_state(
            request_timeout,
            deadline::deadline,
        ))
        .fallback(gateway::proxy)
}

/// Plain routes of the portal listener (9443); the Leptos pages are added beside them.
pub fn portal_routes() -> Router<AppState> {
    common_routes()
        .merge(oauth_routes("/oauth2"))
        .route("/api/stats/applications/{id}", get(stats::application))
        .route(
            "/api/stats/applications/{id}/users.csv",
            get(stats::users_csv),
        )
        .route("/portico.css", get(health::stylesheet))
        .route("/favicon.svg", get(health::favicon))
}
