//! Binding the listeners of this node's profile, serving them, and shutting down.

use super::config::{Config, Ports};
use super::conn_limit::ConnectionLimit;
use super::routers::{
    gateway_router, key_manager_router, metrics_router, portal_router, site_root, Bundle,
};
use super::serving::{Serving, Settings};
use super::state::{AppState, Shared};
use super::tls;
use crate::http::internal::client::KmClient;
use crate::http::OAuthEndpoints;
use crate::service::Services;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(String),
    #[error("database: {0}")]
    Database(String),
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A started server: its listeners run until [`Running::shutdown`].
pub struct Running {
    pub ports: Ports,
    pub tls: tls::TlsFiles,
    pub services: Services,
    handles: Vec<axum_server::Handle<SocketAddr>>,
    tasks: Vec<JoinHandle<std::io::Result<()>>>,
    /// Housekeeping, the revocation watch and the key-manager probe.
    background: Vec<JoinHandle<()>>,
    grace: Duration,
}

fn bind(ip: std::net::IpAddr, port: u16) -> Result<std::net::TcpListener, StartError> {
    let addr = SocketAddr::new(ip, port);
    let listener =
        std::net::TcpListener::bind(addr).map_err(|source| StartError::Bind { addr, source })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| StartError::Bind { addr, source })?;
    Ok(listener)
}

/// Binds every listener (failing fast if a port is taken), then serves in the background.
pub async fn start(config: Arc<Config>, services: Services) -> Result<Running, StartError> {
    let configured = config
        .tls
        .cert_path
        .as_deref()
        .zip(config.tls.key_path.as_deref());
    let tls = tls::ensure_identity(configured, &config.server.data_dir, &config.server.hostname)?;
    let rustls = tls::rustls_config(&tls).await?;
    let profile = config.server.profile;
    services.signing.set_issuer(config.portal_url());
    let target = config.key_manager().map_err(|e| StartError::Config(e.0))?;
    let oauth = match target {
        // Its own pool: clients asking for tokens never hold up the gateway's token checks.
        Some(target) => OAuthEndpoints::Forward(Arc::new(
            KmClient::new(&target).map_err(StartError::Config)?,
        )),
        None => OAuthEndpoints::Here,
    };
    let ports = config.ports();
    let ip = config.server.bind_address;
    let portal = profile
        .serves_portal()
        .then(|| bind(ip, ports.portal_https))
        .transpose()?;
    let gateway_tls = profile
        .serves_gateway()
        .then(|| bind(ip, ports.gateway_https))
        .transpose()?;
    let gateway_http = (profile.serves_gateway() && config.gateway.http_enabled)
        .then(|| bind(ip, ports.gateway_http))
        .transpose()?;
    let metrics = config
        .metrics
        .enabled
        .then(|| bind(config.metrics.bind_address, ports.metrics))
        .transpose()?;

    let site_root = site_root();
    let on_disk = std::path::Path::new(&site_root)
        .join("pkg/portico.wasm")
        .is_file();
    // A bundle on disk wins (a developer's fresh build); else the one built in, if any.
    let bundle = match (on_disk, crate::http::bundle::EMBEDDED) {
        (true, _) => Bundle::OnDisk,
        (false, true) => Bundle::Embedded,
        (false, false) => Bundle::None,
    };
    let leptos_options = LeptosOptions::builder()
        .output_name("portico")
        .site_root(site_root.as_str())
        .site_pkg_dir("pkg")
        .build();
    let mut background = vec![
        services.spawn_housekeeping(Duration::from_secs(3600)),
        services.spawn_revocation_watch(),
    ];
    background.extend(services.spawn_key_manager_probe());
    if metrics.is_some() {
        // Installed before the first request, so nothing is counted into the void.
        crate::http::metrics::handle();
        background.push(crate::http::metrics::spawn_upkeep());
    }
    let shared = |proxy| Shared {
        services: services.clone(),
        config: config.clone(),
        leptos_options: leptos_options.clone(),
        proxy,
    };
    let new_proxy = || {
        crate::http::gateway::Proxy::new(
            Duration::from_secs(config.gateway.backend_timeout_seconds),
            config.backend_policy(),
        )
    };
    let s = &config.server;
    let request_timeout = Duration::from_secs(s.request_timeout_seconds);
    let settings = |tls: Option<&axum_server::tls_rustls::RustlsConfig>| Settings {
        header_timeout: Duration::from_secs(s.header_timeout_seconds),
        limit: ConnectionLimit::new(s.max_connections),
        tls: tls.cloned(),
    };
    let mut serving = Serving::default();
    if let Some(portal) = portal {
        let state = AppState::new(shared(new_proxy()));
        let app = if profile.serves_pages() {
            portal_router(state, bundle, request_timeout, &oauth)
        } else {
            key_manager_router(state, request_timeout)
        };
        serving.on_this_runtime(portal, app, settings(Some(&rustls)));
    }
    // The gateway: one runtime per core, each with its own backend pool (`serving`).
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let gateway_app = |scheme| {
        let oauth = oauth.clone();
        let shared = &shared;
        move || {
            gateway_router(
                AppState::new(shared(new_proxy())),
                scheme,
                request_timeout,
                &oauth,
            )
        }
    };
    let bind_err = |addr| move |source| StartError::Bind { addr, source };
    if let Some(listener) = gateway_tls {
        serving
            .per_core(
                listener,
                cores,
                gateway_app("https"),
                settings(Some(&rustls)),
            )
            .map_err(bind_err(SocketAddr::new(ip, ports.gateway_https)))?;
    }
    if let Some(listener) = gateway_http {
        serving
            .per_core(listener, cores, gateway_app("http"), settings(None))
            .map_err(bind_err(SocketAddr::new(ip, ports.gateway_http)))?;
    }
    if let Some(listener) = metrics {
        let app = metrics_router(services.clone(), &config);
        serving.on_this_runtime(listener, app, settings(None));
    }
    tracing::info!(
        profile = profile.as_str(),
        portal = ports.portal_https,
        gateway_https = ports.gateway_https,
        gateway_http = gateway_http_port(&config, ports),
        metrics = config.metrics.enabled.then_some(ports.metrics),
        bundle = bundle.as_str(),
        "Portico is listening"
    );
    Ok(Running {
        ports,
        tls,
        services,
        handles: serving.handles,
        tasks: serving.tasks,
        background,
        grace: Duration::from_secs(config.server.shutdown_timeout),
    })
}

fn gateway_http_port(config: &Config, ports: Ports) -> String {
    if config.gateway.http_enabled {
        ports.gateway_http.to_string()
    } else {
        "off".into()
    }
}

impl Running {
    /// Stops accepting, lets in-flight requests finish (up to the configured grace
    /// period), then closes the database pool.
    pub async fn shutdown(self) {
        for task in &self.background {
            task.abort();
        }
        for handle in &self.handles {
            handle.graceful_shutdown(Some(self.grace));
        }
        for task in self.tasks {
            if let Ok(Err(e)) = task.await {
                tracing::warn!(error = %e, "listener ended with an error");
            }
        }
        self.services.store.close().await;
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
