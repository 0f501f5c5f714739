//! Loading and validating the configuration: file, environment, then checks that name
//! the offending key and where its value came from.

use super::{
    Config, ConfigError, KeyManagerTarget, Ports, Profile, GATEWAY_HTTPS_PORT, GATEWAY_HTTP_PORT,
    PORTAL_HTTPS_PORT,
};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use std::path::{Path, PathBuf};

const ENV_PREFIX: &str = "PORTICO_";

impl Config {
    /// Loads `explicit`, else `./deployment.toml` if present, else the defaults; then the
    /// environment overrides; then validates.
    pub fn load(explicit: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_as(explicit, None)
    }

    /// As [`Config::load`], with `portico serve --profile` over the file and environment.
    pub fn load_as(explicit: Option<&Path>, profile: Option<Profile>) -> Result<Self, ConfigError> {
        let file = match explicit {
            Some(p) if !p.is_file() => {
                return Err(ConfigError(format!(
                    "config file {} does not exist or is not a file",
                    p.display()
                )))
            }
            Some(p) => Some(p.to_path_buf()),
            None => Some(PathBuf::from("deployment.toml")).filter(|p| p.is_file()),
        };
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = &file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment = figment.merge(
            Env::prefixed(ENV_PREFIX)
                .filter(|k| {
                    // `*_FILE` variables name files; `secret_files_from_env` reads them.
                    let k = k.as_str().to_ascii_lowercase();
                    k.contains("__") && !k.ends_with("_file")
                })
                .split("__"),
        );
        for (key, value) in secret_files_from_env()? {
            figment = figment.merge(Serialized::default(&key, value));
        }
        if let Some(profile) = profile {
            figment = figment.merge(Serialized::default("server.profile", profile));
        }
        let config: Config = figment.extract().map_err(|e| describe(&e, &file))?;
        config.validate(&figment)?;
        Ok(config)
    }

    fn validate(&self, figment: &Figment) -> Result<(), ConfigError> {
        let fail = |key: &str, msg: String| {
            let source = figment
                .find_metadata(key)
                .map(|m| match &m.source {
                    Some(s) => format!(" (set in {s})"),
                    None => format!(" (set by {})", m.name),
                })
                .unwrap_or_default();
            Err(ConfigError(format!("`{key}`{source}: {msg}")))
        };
        let max_offset = u16::MAX - PORTAL_HTTPS_PORT;
        if self.server.offset > max_offset {
            return fail(
                "server.offset",
                format!("{} is too large: every port plus the offset must stay below 65536, so at most {max_offset}", self.server.offset),
            );
        }
        for (key, v) in [
            (
                "server.header_timeout_seconds",
                self.server.header_timeout_seconds,
            ),
            (
                "server.request_timeout_seconds",
                self.server.request_timeout_seconds,
            ),
            ("server.max_connections", self.server.max_connections as u64),
        ] {
            if v == 0 {
                return fail(key, "must be at least 1".into());
            }
        }
        for (key, value) in [
            ("server.public_url", &self.server.public_url),
            ("gateway.public_url", &self.gateway.public_url),
        ] {
            if let Some(msg) = value.as_deref().and_then(public_url_problem) {
                return fail(key, msg);
            }
        }
        if let Err(msg) =
            crate::http::client_addr::TrustedProxies::parse(&self.server.trusted_proxies)
        {
            return fail("server.trusted_proxies", msg);
        }
        if let Err(msg) = crate::store::DatabaseUrl::parse(&self.database.url) {
            return fail("database.url", msg);
        }
        if let Some((key, msg)) = self.oauth.signing.problem() {
            return fail(key, msg);
        }
        if let Err((key, msg)) = self.apim.key_manager.target(self.server.profile) {
            return fail(key, msg);
        }
        if self.tls.cert_path.is_some() != self.tls.key_path.is_some() {
            return fail(
                "tls",
                "set both `cert_path` and `key_path`, or neither".into(),
            );
        }
        for (key, v) in [
            (
                "oauth.user_access_token_validity",
                self.oauth.user_access_token_validity,
            ),
            (
                "oauth.app_access_token_validity",
                self.oauth.app_access_token_validity,
            ),
            (
                "oauth.refresh_token_validity",
                self.oauth.refresh_token_validity,
            ),
        ] {
            if !(1..=31_536_000).contains(&v) {
                return fail(
                    key,
                    format!("{v} seconds is outside 1..=31536000 (one year)"),
                );
            }
        }
        if self.oauth.client_cache_seconds > 300 {
            return fail(
                "oauth.client_cache_seconds",
                format!(
                    "{} is more than five minutes",
                    self.oauth.client_cache_seconds
                ),
            );
        }
        if !(0..=300).contains(&self.gateway.jwt_leeway_seconds) {
            return fail(
                "gateway.jwt_leeway_seconds",
                format!("{} is outside 0..=300", self.gateway.jwt_leeway_seconds),
            );
        }
        let audience = &self.oauth.jwt_audience;
        if audience.trim().is_empty() || audience.len() > 256 || audience.trim() != audience {
            return fail(
                "oauth.jwt_audience",
                "must be 1 to 256 characters without leading or trailing spaces".into(),
            );
        }
        if self.gateway.cache_seconds > 3600 {
            return fail(
                "gateway.cache_seconds",
                format!("{} is more than an hour", self.gateway.cache_seconds),
            );
        }
        if !(1..=10_000_000).contains(&self.gateway.cache_entries) {
            return fail(
                "gateway.cache_entries",
                "must be between 1 and 10000000".into(),
            );
        }
        if !(1..=3600).contains(&self.gateway.backend_timeout_seconds) {
            return fail(
                "gateway.backend_timeout_seconds",
                "must be between 1 and 3600".into(),
            );
        }
        let retention = self.statistics.event_retention_days;
        if !(2..=36_500).contains(&retention) {
            return fail(
                "statistics.event_retention_days",
                format!("{retention} is outside 2..=36500 days"),
            );
        }
        if let Some((key, msg)) = self.metrics_problem() {
            return fail(key, msg);
        }
        let otlp = self.telemetry.otlp_endpoint.trim();
        let otlp_ok = url::Url::parse(otlp)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !otlp.is_empty() && !otlp_ok {
            return fail(
                "telemetry.otlp_endpoint",
                "must be an http(s) URL such as http://127.0.0.1:4318/v1/traces".into(),
            );
        }
        let audit = self.audit.retention_days;
        if !(0..=36_500).contains(&audit) {
            return fail(
                "audit.retention_days",
                format!("{audit} is outside 0..=36500 days (0 keeps every event)"),
            );
        }
        if self.server.hostname.trim().is_empty() {
            return fail("server.hostname", "must not be empty".into());
        }
        self.oauth
            .throttling
            .validate()
            .or_else(|(k, m)| fail(&format!("oauth.throttling.{k}"), m))?;
        tracing_subscriber::EnvFilter::try_new(&self.log.level)
            .map(|_| ())
            .or_else(|e| fail("log.level", e.to_string()))
    }

    fn metrics_problem(&self) -> Option<(&'static str, String)> {
        let m = &self.metrics;
        if !m.enabled {
            return None;
        }
        if m.port == 0 || u32::from(m.port) + u32::from(self.server.offset) > u32::from(u16::MAX) {
            return Some((
                "metrics.port",
                format!("{} plus the offset must be a port (1..=65535)", m.port),
            ));
        }
        match &m.bearer_token {
            Some(t) if t.0.len() < 16 => Some((
                "metrics.bearer_token",
                "must be at least 16 characters".into(),
            )),
            None if !m.bind_address.is_loopback() => Some((
                "metrics.bind_address",
                format!(
                    "{} is reachable from other hosts: set `metrics.bearer_token` too, or bind \
                     to 127.0.0.1",
                    m.bind_address
                ),
            )),
            _ => None,
        }
    }

    /// The HTTPS gateway's base URL as clients reach it: `[gateway] public_url`, else
    /// `[server] hostname` and the gateway's port.
    pub fn gateway_url(&self) -> String {
        self.base_url(&self.gateway.public_url, self.ports().gateway_https)
    }

    /// The portal's base URL as clients reach it: `[server] public_url`, else
    /// `[server] hostname` and the portal's port.
    pub fn portal_url(&self) -> String {
        self.base_url(&self.server.public_url, self.ports().portal_https)
    }

    fn base_url(&self, public: &Option<String>, port: u16) -> String {
        match public {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("https://{}:{port}", self.server.hostname),
        }
    }

    /// The remote key manager this node uses; `None` when it is its own. Asked again
    /// where it is used, so a configuration built in code cannot slip past the rules.
    pub fn key_manager(&self) -> Result<Option<KeyManagerTarget>, ConfigError> {
        self.apim
            .key_manager
            .target(self.server.profile)
            .map_err(|(key, msg)| ConfigError(format!("`{key}`: {msg}")))
    }

    pub fn ports(&self) -> Ports {
        let o = self.server.offset;
        Ports {
            portal_https: PORTAL_HTTPS_PORT + o,
            gateway_https: GATEWAY_HTTPS_PORT + o,
            gateway_http: GATEWAY_HTTP_PORT + o,
            metrics: self.metrics.port.saturating_add(o),
        }
    }

    /// Which backends APIs may name: `[gateway] allow_*_backends`, and never this
    /// server's own listeners.
    pub fn backend_policy(&self) -> crate::domain::backend::BackendPolicy {
        let p = self.ports();
        crate::domain::backend::BackendPolicy {
            allow_private: self.gateway.allow_private_backends,
            allow_loopback: self.gateway.allow_loopback_backends,
            own_ports: vec![p.portal_https, p.gateway_https, p.gateway_http],
        }
    }
}

/// `PORTICO_DATABASE__URL_FILE=/run/secrets/db` sets `database.url` to that file's content,
/// so secrets need not sit in the environment.
fn secret_files_from_env() -> Result<Vec<(String, String)>, ConfigError> {
    let mut out = Vec::new();
    for (name, path) in std::env::vars() {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let Some(key) = rest.strip_suffix("_FILE") else {
            continue;
        };
        if !key.contains("__") {
            continue;
        }
        let value = std::fs::read_to_string(&path)
            .map_err(|e| ConfigError(format!("{name}: cannot read {path}: {e}")))?;
        let key = key.to_ascii_lowercase().replace("__", ".");
        out.push((key, value.trim_end_matches(['\r', '\n']).to_owned()));
    }
    Ok(out)
}

fn describe(err: &figment::Error, file: &Option<PathBuf>) -> ConfigError {
    let mut lines = Vec::new();
    for e in err.clone() {
        let key = e.path.join(".");
        let source = e
            .metadata
            .as_ref()
            .map(|m| match &m.source {
                Some(s) => format!(" (in {s})"),
                None => format!(" (from {})", m.name),
            })
            .or_else(|| file.as_ref().map(|f| format!(" (in {})", f.display())))
            .unwrap_or_default();
        let key = if key.is_empty() {
            String::from("<top level>")
        } else {
            key
        };
        lines.push(format!("`{key}`{source}: {}", e.kind));
    }
    ConfigError(lines.join("; "))
}

/// Why `url` cannot be a public base URL: users are sent to it, so it must be an
/// absolute http(s) URL with a host and nothing after the path.
fn public_url_problem(url: &str) -> Option<String> {
    match url::Url::parse(url) {
        Ok(u) if !matches!(u.scheme(), "http" | "https") || u.host().is_none() => {
            Some(format!("`{url}` is not an http(s) URL with a host"))
        }
        Ok(u) if u.query().is_some() || u.fragment().is_some() || !u.username().is_empty() => Some(
            format!("`{url}` must not have credentials, a query or a fragment"),
        ),
        Ok(_) => None,
        Err(e) => Some(format!("`{url}` is not a URL: {e}")),
    }
}
