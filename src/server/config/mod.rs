//! `deployment.toml`, WSO2-style: a file, then `PORTICO_SECTION__KEY` environment overrides
//! (and `PORTICO_SECTION__KEY_FILE` to read a secret from a file), then validation that names
//! the offending key and where its value came from.

mod key_manager;
mod load;
mod signing;

pub use key_manager::{ConfigSecret, KeyManagerConfig, KeyManagerTarget, Profile};
pub use signing::SigningConfig;

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Base ports before `[server] offset`, as in WSO2 API Manager.
pub const PORTAL_HTTPS_PORT: u16 = 9443;
pub const GATEWAY_HTTPS_PORT: u16 = 8243;
pub const GATEWAY_HTTP_PORT: u16 = 8280;
/// Prometheus metrics (the port OpenTelemetry's Prometheus exporter uses by default).
pub const METRICS_PORT: u16 = 9464;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub tls: TlsConfig,
    pub gateway: GatewayConfig,
    pub oauth: OAuthConfig,
    pub apim: ApimConfig,
    pub portal: PortalConfig,
    pub statistics: StatisticsConfig,
    pub log: LogConfig,
    pub metrics: MetricsConfig,
    pub audit: AuditConfig,
    pub telemetry: TelemetryConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// The name clients use to reach this server; used in URLs Portico shows.
    pub hostname: String,
    /// Added to every port (9443, 8243, 8280), so several servers can share a host.
    pub offset: u16,
    pub bind_address: std::net::IpAddr,
    /// Where the generated certificate lives when `[tls]` names none.
    pub data_dir: PathBuf,
    /// Seconds in-flight requests get to finish after SIGINT/SIGTERM.
    pub shutdown_timeout: u64,
    /// Seconds a client has to send a request's headers (also the longest a kept-alive
    /// connection idles between requests); then the connection is closed.
    pub header_timeout_seconds: u64,
    /// Seconds a request may take in all on the routes that do not stream (the OAuth
    /// endpoints, the portal), body included; then 408.
    pub request_timeout_seconds: u64,
    /// Connections each listener holds open at once; more are closed on arrival.
    pub max_connections: usize,
    /// Load balancers (addresses or CIDR ranges) whose `Forwarded`/`X-Forwarded-For`
    /// give the client address used for throttling and logs; empty ignores those headers.
    pub trusted_proxies: Vec<String>,
    /// The portal's address as users reach it behind a load balancer
    /// (`https://portal.example.com`); links, the issuer in the metadata and the
    /// introspection URL shown use it. Unset: `https://hostname:9443+offset`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Which part of Portico this process runs (`portico serve --profile` overrides it).
    pub profile: Profile,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            hostname: "localhost".into(),
            offset: 0,
            bind_address: [0, 0, 0, 0].into(),
            data_dir: "data".into(),
            shutdown_timeout: 30,
            header_timeout_seconds: 20,
            request_timeout_seconds: 60,
            max_connections: 10_000,
            trusted_proxies: Vec::new(),
            public_url: None,
            profile: Profile::All,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://data/portico.db` (embedded) or `postgres://user@host/db`.
    pub url: String,
    /// Pool size; 0 picks one suited to the backend and the machine.
    pub max_connections: u32,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://data/portico.db".into(),
            max_connections: 0,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TlsConfig {
    /// PEM certificate chain; with `key_path`, replaces the generated self-signed pair.
    pub cert_path: Option<PathBuf>,
    pub key_path: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GatewayConfig {
    /// Serve the plain-HTTP gateway listener (8280 + offset).
    pub http_enabled: bool,
    /// How long token checks, subscription checks and the route table are cached: the
    /// bound on how late a revocation or an API change takes effect. 0 turns the token
    /// and subscription caches off.
    pub cache_seconds: u64,
    /// At most this many tokens (and as many subscriptions) are cached.
    pub cache_entries: u64,
    /// Seconds a backend has to start answering before the gateway answers 504.
    pub backend_timeout_seconds: u64,
    /// Backends on private networks, link-local addresses (such as the cloud metadata
    /// service at 169.254.169.254) and other reserved ranges are refused unless true.
    pub allow_private_backends: bool,
    /// Backends on this host's loopback addresses (except this server's own ports).
    /// True by default, for the single-node start in front of a local service.
    pub allow_loopback_backends: bool,
    /// The gateway's address as clients reach it behind a load balancer; the portal's
    /// cURL snippets, token URLs and API URLs use it. Unset: `https://hostname:8243+offset`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Seconds of clock difference forgiven on a JWT access token's `exp`, `nbf` and
    /// `iat` (0..=300).
    pub jwt_leeway_seconds: i64,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            http_enabled: true,
            cache_seconds: 5,
            cache_entries: 100_000,
            backend_timeout_seconds: 30,
            allow_private_backends: false,
            allow_loopback_backends: true,
            public_url: None,
            jwt_leeway_seconds: 30,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OAuthConfig {
    /// Seconds; WSO2's defaults.
    pub user_access_token_validity: i64,
    pub app_access_token_validity: i64,
    pub refresh_token_validity: i64,
    /// Seconds a consumer key read for client authentication is reused. A secret
    /// regenerated or an application deleted on another server is honoured within this
    /// bound (at once on this one). 0 reads the key for every request.
    pub client_cache_seconds: u64,
    pub throttling: crate::service::throttle::ThrottleConfig,
    pub signing: SigningConfig,
    /// The access tokens of keys generated without a choice: `opaque` (the default) or
    /// `jwt` (RFC 9068). Keys that exist keep theirs.
    pub default_token_type: crate::domain::TokenType,
    /// The `aud` of JWT access tokens, which gateways require. Set on the key manager;
    /// gateways on other servers learn it from there.
    pub jwt_audience: String,
}

impl Default for OAuthConfig {
    fn default() -> Self {
        Self {
            user_access_token_validity: 3600,
            app_access_token_validity: 3600,
            refresh_token_validity: 86400,
            client_cache_seconds: 5,
            throttling: Default::default(),
            signing: Default::default(),
            default_token_type: Default::default(),
            jwt_audience: "portico".into(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApimConfig {
    pub key_manager: KeyManagerConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PortalConfig {
    /// Initial value only: once an admin changes the setting, the stored one wins.
    pub self_signup: bool,
}

impl Default for PortalConfig {
    fn default() -> Self {
        Self { self_signup: true }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StatisticsConfig {
    /// Days raw token events are kept. Daily totals and registered users outlive them;
    /// the 24-hour chart needs at least two days.
    pub event_retention_days: i64,
}

impl Default for StatisticsConfig {
    fn default() -> Self {
        Self {
            event_retention_days: 90,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `portico=debug,info`.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Human,
            level: "info".into(),
        }
    }
}

/// `/metrics` on a listener of its own, on loopback unless told otherwise.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    pub enabled: bool,
    /// The metrics listener's address: loopback by default, so only this host (or a
    /// scraper given `bearer_token`) reads them.
    pub bind_address: std::net::IpAddr,
    /// Before `[server] offset`, like every other port.
    pub port: u16,
    /// When set, a scrape must send `Authorization: Bearer <token>`; needed to expose
    /// the listener beyond loopback. `PORTICO_METRICS__BEARER_TOKEN_FILE` reads a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bearer_token: Option<ConfigSecret>,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            bind_address: [127, 0, 0, 1].into(),
            port: METRICS_PORT,
            bearer_token: None,
        }
    }
}

/// OpenTelemetry trace export; off unless an endpoint is set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelemetryConfig {
    /// An OTLP/HTTP traces endpoint (`http://127.0.0.1:4318/v1/traces`); empty: no export.
    pub otlp_endpoint: String,
    /// `service.name` on every span.
    pub service_name: String,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self {
            otlp_endpoint: String::new(),
            service_name: "portico".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// Days audit events are kept; older ones are deleted by housekeeping. 0 keeps them.
    pub retention_days: i64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            retention_days: 365,
        }
    }
}

/// A configuration problem, worded for the operator who has to fix it.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    pub portal_https: u16,
    pub gateway_https: u16,
    pub gateway_http: u16,
    pub metrics: u16,
}
