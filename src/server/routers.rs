//! The router of each listener: the portal's pages, the key manager's endpoints, the
//! gateway's; each with the layers that listener needs.

use super::config::Config;
use super::state::AppState;
use super::telemetry;
use crate::http::client_addr::TrustedProxies;
use crate::http::metrics::MetricsEndpoint;
use crate::http::request_id::request_id;
use crate::http::OAuthEndpoints;
use crate::service::Services;
use axum::http::{header, HeaderValue};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;

/// Where `cargo leptos build` leaves the client bundle (overridable as cargo-leptos does).
pub(super) fn site_root() -> String {
    std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into())
}

/// The portal's routes, listed once per process. Leptos lists them by rendering the app
/// with every resource load suppressed process-wide (a global flag), so listing them
/// again while another server in this process renders a page left that page's data
/// loading forever, and its request hanging.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES
        .get_or_init(|| generate_route_list(crate::ui::App))
        .clone()
}

/// Where the portal's client bundle comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bundle {
    /// `target/site` beside the binary (or `LEPTOS_SITE_ROOT`).
    OnDisk,
    /// Built into the binary (`http::bundle`).
    Embedded,
    /// None: the pages work as plain forms.
    None,
}

impl Bundle {
    pub fn as_str(self) -> &'static str {
        match self {
            Bundle::OnDisk => "on disk",
            Bundle::Embedded => "embedded",
            Bundle::None => "none (pages work without JavaScript)",
        }
    }
}

pub(super) fn portal_router(
    state: AppState,
    bundle: Bundle,
    request_timeout: Duration,
    oauth: &OAuthEndpoints,
) -> Router {
    let trusted = trusted_proxies(&state);
    let routes = routes();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.services.clone());
            provide_context(state.config.clone());
        }
    };
    let hydrate = bundle != Bundle::None;
    let shell = move |options: LeptosOptions| crate::ui::shell(options, hydrate);
    let options = state.leptos_options.clone();
    let mut plain = crate::http::portal_routes(oauth, state.services.clone());
    if bundle == Bundle::Embedded {
        plain = plain.route("/pkg/{file}", axum::routing::get(crate::http::bundle::file));
    }
    let router = plain
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.services.clone(),
            crate::server_fns::context::attach_session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.services.clone(),
            crate::http::form_errors::sign_form_errors,
        ))
        .layer(axum::middleware::from_fn(
            crate::http::body::limit_form_posts,
        ))
        .layer(axum::middleware::from_fn(
            crate::http::page_headers::page_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            request_timeout,
            crate::http::deadline::deadline,
        ))
        .layer(axum::middleware::from_fn(telemetry::log_request))
        .layer(axum::middleware::from_fn(request_id))
        .with_state(state);
    behind(router, trusted)
}

/// The metrics listener: `/metrics` alone.
pub(super) fn metrics_router(services: Services, config: &Config) -> Router {
    let endpoint = MetricsEndpoint {
        services,
        bearer_digest: config
            .metrics
            .bearer_token
            .as_ref()
            .map(|t| crate::crypto::digest(&t.0).into()),
    };
    Router::new()
        .route("/metrics", axum::routing::get(crate::http::metrics::render))
        .with_state(endpoint)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(axum::middleware::from_fn(request_id))
}

/// The layers of every listener without pages: `nosniff`, the request log, and the
/// client's address from trusted proxies.
fn plain_listener(routes: axum::Router<AppState>, state: AppState) -> Router {
    let trusted = trusted_proxies(&state);
    let router = routes
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(axum::middleware::from_fn(telemetry::log_request))
        .layer(axum::middleware::from_fn(request_id))
        .with_state(state);
    behind(router, trusted)
}

/// A `key-manager` node's one listener: OAuth endpoints and the internal API.
pub(super) fn key_manager_router(state: AppState, request_timeout: Duration) -> Router {
    let routes = crate::http::key_manager_routes(state.services.clone()).layer(
        axum::middleware::from_fn_with_state(request_timeout, crate::http::deadline::deadline),
    );
    plain_listener(routes, state)
}

pub(super) fn gateway_router(
    state: AppState,
    scheme: &'static str,
    request_timeout: Duration,
    oauth: &OAuthEndpoints,
) -> Router {
    let routes = crate::http::gateway_routes(request_timeout, oauth)
        .layer(axum::Extension(crate::http::gateway::Scheme(scheme)));
    plain_listener(routes, state)
}

fn trusted_proxies(state: &AppState) -> TrustedProxies {
    // Validated when the configuration was loaded.
    TrustedProxies::parse(&state.config.server.trusted_proxies).unwrap_or_default()
}

/// The router, reading the client's address from trusted proxies' headers when any are
/// configured (and at no cost per request when none are).
fn behind(router: Router, trusted: TrustedProxies) -> Router {
    if trusted.is_empty() {
        return router;
    }
    router.layer(axum::middleware::from_fn_with_state(
        trusted,
        crate::http::client_addr::resolve,
    ))
}
