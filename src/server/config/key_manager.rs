//! `[server] profile` and `[apim.key_manager]`: which part of Portico a process runs, and
//! where the key manager is when it is not this process. WSO2's two spellings of the key
//! manager's address and credentials are both accepted; they must agree.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Which part of Portico a process runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Portal, gateway and key manager in one process.
    #[default]
    All,
    /// The token endpoints, password hashing, throttling and the internal API (9443).
    KeyManager,
    /// The gateway listeners (8243, 8280); tokens are issued and checked by the key manager.
    Gateway,
    /// The portal (9443); keys and tokens are made by the key manager.
    Portal,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::All => "all",
            Profile::KeyManager => "key-manager",
            Profile::Gateway => "gateway",
            Profile::Portal => "portal",
        }
    }

    pub fn serves_portal(self) -> bool {
        matches!(self, Profile::All | Profile::Portal | Profile::KeyManager)
    }

    pub fn serves_gateway(self) -> bool {
        matches!(self, Profile::All | Profile::Gateway)
    }

    /// Whether the portal listener carries the pages (the key manager's carries none).
    pub fn serves_pages(self) -> bool {
        matches!(self, Profile::All | Profile::Portal)
    }
}

/// A secret read from the configuration: never printed, not even in `Debug`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConfigSecret(pub String);

impl std::fmt::Debug for ConfigSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"***\"")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeyManagerConfig {
    /// WSO2's spelling for gateways; the same setting as `configuration.ServerURL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_url: Option<String>,
    /// A machine credential made on the key manager (`portico key-manager credential create`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<ConfigSecret>,
    /// The key manager's certificate (or its CA), PEM; unset trusts Mozilla's roots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_cert_path: Option<PathBuf>,
    pub connect_timeout_seconds: u64,
    /// The longest a call to the key manager may take, retries included.
    pub timeout_seconds: u64,
    /// Calls in flight to the key manager at once; more wait for a free slot.
    pub max_connections: usize,
    pub configuration: KeyManagerConnection,
}

impl Default for KeyManagerConfig {
    fn default() -> Self {
        Self {
            service_url: None,
            username: None,
            password: None,
            ca_cert_path: None,
            connect_timeout_seconds: 3,
            timeout_seconds: 10,
            max_connections: 256,
            configuration: KeyManagerConnection::default(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeyManagerConnection {
    /// A remote key manager (`https://km.example.com:9443/services/`); unset means this
    /// server is its own key manager.
    #[serde(rename = "ServerURL", alias = "serverurl")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
    #[serde(rename = "Username", alias = "username")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(rename = "Password", alias = "password")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<ConfigSecret>,
}

/// A remote key manager as the calling node uses it.
#[derive(Debug, Clone)]
pub struct KeyManagerTarget {
    /// Scheme, host and port only: a WSO2 path such as `/services/` is not used.
    pub origin: String,
    pub username: String,
    pub password: ConfigSecret,
    pub ca_cert_path: Option<PathBuf>,
    pub connect_timeout: std::time::Duration,
    pub timeout: std::time::Duration,
    pub max_connections: usize,
}

/// A problem with one setting: its key and what is wrong.
type Problem = (&'static str, String);

/// One setting given under two names: both must say the same.
fn one_of<T: PartialEq + Clone>(
    a: (&'static str, &Option<T>),
    b: (&'static str, &Option<T>),
    show: impl Fn(&T) -> String,
) -> Result<Option<T>, Problem> {
    match (a.1, b.1) {
        (Some(x), Some(y)) if x != y => Err((
            a.0,
            format!(
                "`{}` says {} but `{}` says {}; they are one setting, set one of them",
                a.0,
                show(x),
                b.0,
                show(y)
            ),
        )),
        (x, y) => Ok(x.clone().or_else(|| y.clone())),
    }
}

fn origin(key: &'static str, url: &str) -> Result<String, Problem> {
    let parsed = url::Url::parse(url).map_err(|e| (key, format!("`{url}` is not a URL: {e}")))?;
    if parsed.scheme() != "https" || parsed.host().is_none() {
        return Err((
            key,
            format!(
                "`{url}` must be an https URL with a host: the internal API carries \
                 credentials and token checks, so it is never spoken in plain HTTP"
            ),
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err((
            key,
            "must not hold credentials; set `username` and `password`".into(),
        ));
    }
    Ok(parsed.origin().ascii_serialization())
}

impl KeyManagerConfig {
    /// The remote key manager this node uses, if any, with every rule checked.
    pub fn target(&self, profile: Profile) -> Result<Option<KeyManagerTarget>, Problem> {
        const SERVICE_URL: &str = "apim.key_manager.service_url";
        const SERVER_URL: &str = "apim.key_manager.configuration.ServerURL";
        let c = &self.configuration;
        let given = (
            self.service_url.as_deref().map(|u| origin(SERVICE_URL, u)),
            c.server_url.as_deref().map(|u| origin(SERVER_URL, u)),
        );
        let (a, b) = (given.0.transpose()?, given.1.transpose()?);
        let url = one_of((SERVICE_URL, &a), (SERVER_URL, &b), |u| format!("`{u}`"))?;
        let Some(origin) = url else {
            return match profile {
                Profile::Gateway | Profile::Portal => Err((
                    "apim.key_manager.service_url",
                    format!(
                        "a {} node needs the key manager's address (`service_url` or \
                         `configuration.ServerURL`)",
                        profile.as_str()
                    ),
                )),
                _ => Ok(None),
            };
        };
        if profile == Profile::KeyManager {
            return Err((
                SERVICE_URL,
                "a key-manager node is the key manager; remove the remote address".into(),
            ));
        }
        let username = one_of(
            ("apim.key_manager.username", &self.username),
            ("apim.key_manager.configuration.Username", &c.username),
            |u| format!("`{u}`"),
        )?;
        let password = one_of(
            ("apim.key_manager.password", &self.password),
            ("apim.key_manager.configuration.Password", &c.password),
            |_| "another password".into(),
        )?;
        let (Some(username), Some(password)) = (username, password) else {
            return Err((
                "apim.key_manager.username",
                "a remote key manager needs `username` and `password`: make them on the key \
                 manager with `portico key-manager credential create NAME`"
                    .into(),
            ));
        };
        let secs = |key, v: u64| match v {
            1..=300 => Ok(std::time::Duration::from_secs(v)),
            _ => Err((key, format!("{v} is outside 1..=300 seconds"))),
        };
        if !(1..=10_000).contains(&self.max_connections) {
            return Err((
                "apim.key_manager.max_connections",
                "must be between 1 and 10000".into(),
            ));
        }
        Ok(Some(KeyManagerTarget {
            origin,
            username,
            password,
            ca_cert_path: self.ca_cert_path.clone(),
            connect_timeout: secs(
                "apim.key_manager.connect_timeout_seconds",
                self.connect_timeout_seconds,
            )?,
            timeout: secs("apim.key_manager.timeout_seconds", self.timeout_seconds)?,
            max_connections: self.max_connections,
        }))
    }
}
