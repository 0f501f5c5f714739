//! `spawn_app`: the real server, in process, on free ports and a fresh database.

use super::{Backend, TestDb};
use portico::domain::{GrantTypes, KeyType};
use portico::server::config::{Config, Ports};
use portico::server::{self, Running, StartError};
use portico::service::{ApplicationInput, KeyRequest, Services};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

pub struct TestApp {
    pub services: Services,
    pub ports: Ports,
    pub http: reqwest::Client,
    /// This node's certificate and key (generated in its data folder).
    pub tls: portico::server::tls::TlsFiles,
    running: Option<Running>,
    db_url: String,
    /// The database (dropped with the first node) and this node's data folder.
    _db: Option<TestDb>,
    _dir: Option<tempfile::TempDir>,
}

/// Credentials of an application's production key.
#[derive(Clone, Debug)]
pub struct Client {
    pub app_id: String,
    pub id: String,
    pub secret: String,
}

pub use super::process::free_offset;

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_with(backend, |_| {}).await
}

pub async fn spawn_with(backend: Backend, tweak: impl Fn(&mut Config)) -> Option<TestApp> {
    Some(spawn_on(TestDb::new(backend).await?, tweak).await)
}

/// The server on an existing database, which it migrates as it starts.
pub async fn spawn_on(db: TestDb, tweak: impl Fn(&mut Config)) -> TestApp {
    let (url, data) = (db.url.clone(), db.dir.path().join("data"));
    node(url, data, Some(db), None, tweak).await
}

/// Another node on the database of `first`, with its own caches, throttle and ports, as
/// a second process behind a load balancer would be.
pub async fn second_node(first: &TestApp, tweak: impl Fn(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    node(first.db_url.clone(), data, None, Some(dir), tweak).await
}

/// Another node on the database of `first`, on the ports of `offset` (to stand in for a
/// node that was stopped there).
pub async fn node_at(first: &TestApp, offset: u16, tweak: impl Fn(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    node_on(
        first.db_url.clone(),
        data,
        None,
        Some(dir),
        Some(offset),
        tweak,
    )
    .await
}

async fn node(
    url: String,
    data: std::path::PathBuf,
    db: Option<TestDb>,
    dir: Option<tempfile::TempDir>,
    tweak: impl Fn(&mut Config),
) -> TestApp {
    node_on(url, data, db, dir, None, tweak).await
}

async fn node_on(
    url: String,
    data: std::path::PathBuf,
    db: Option<TestDb>,
    dir: Option<tempfile::TempDir>,
    offset: Option<u16>,
    tweak: impl Fn(&mut Config),
) -> TestApp {
    let mut config = Config::default();
    config.database.url = url.clone();
    config.server.data_dir = data;
    config.server.shutdown_timeout = 5;
    // A pair's first delay is one second by default; a loaded CI machine can spend that
    // between two sequential guesses and earn the extra guess the throttle allows by
    // design. Tests about the delay's length set their own.
    config.oauth.throttling.pair_base_delay = 600;
    // Nodes sharing a database share the key that seals its signing keys.
    config.oauth.signing.key_encryption_key = Some(portico::server::config::ConfigSecret(
        "test-key-encryption-key-0123456789abcdef".into(),
    ));
    tweak(&mut config);
    let services = server::services(&config).await.expect("services");
    for _ in 0..20 {
        config.server.offset = offset.unwrap_or_else(free_offset);
        let config = Arc::new(config.clone());
        match server::start(config.clone(), services.clone()).await {
            Ok(running) => {
                let http = reqwest::Client::builder()
                    .danger_accept_invalid_certs(true)
                    .timeout(crate::support::REQUEST_TIMEOUT)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap();
                return TestApp {
                    services,
                    ports: running.ports,
                    http,
                    tls: running.tls.clone(),
                    running: Some(running),
                    db_url: url,
                    _db: db,
                    _dir: dir,
                };
            }
            Err(StartError::Bind { .. }) => {
                if offset.is_some() {
                    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                }
            }
            Err(e) => panic!("start failed: {e}"),
        }
    }
    panic!("no free ports found")
}

impl TestApp {
    /// Stops serving (as a killed process would stop answering); the data stays.
    pub async fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().await;
        }
    }

    pub fn offset(&self) -> u16 {
        self.ports.portal_https - portico::server::config::PORTAL_HTTPS_PORT
    }

    /// The database this app runs on, for a second server sharing it.
    pub fn database_url(&self) -> &str {
        &self.db_url
    }

    pub fn portal(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.ports.portal_https)
    }

    pub fn gateway(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.ports.gateway_https)
    }

    /// A GET's JSON body.
    pub async fn get_json(&self, url: String) -> serde_json::Value {
        let res = self.http.get(url).send().await.expect("GET");
        res.json().await.expect("a JSON body")
    }

    pub fn gateway_http(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.ports.gateway_http)
    }

    pub async fn user(&self, name: &str, password: &str) {
        self.services
            .create_user(name, None, &SecretString::from(password), false, false)
            .await
            .expect("create user");
    }

    /// A user-owned application with production keys allowing `grants`.
    pub async fn client(&self, owner: &str, grants: &str) -> Client {
        let owner = self.services.user(owner).await.expect("owner");
        let input = ApplicationInput {
            name: format!("app-{}", uuid::Uuid::new_v4().simple()),
            description: String::new(),
            token_validity: None,
        };
        let app = self
            .services
            .create_application(&owner, input)
            .await
            .unwrap();
        let keys = self
            .services
            .generate_keys(
                &app,
                KeyRequest {
                    key_type: KeyType::Production,
                    grant_types: GrantTypes::parse_list(grants).unwrap(),
                    access_token_validity: None,
                    token_type: None,
                    callback_urls: Default::default(),
                    public_client: false,
                    allow_plain_pkce: false,
                },
            )
            .await
            .unwrap();
        Client {
            app_id: app.id,
            id: keys.consumer_key,
            secret: keys.consumer_secret.expose_secret().to_owned(),
        }
    }

    /// `POST /token` on the HTTPS gateway with Basic client authentication.
    pub async fn token(&self, client: &Client, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.gateway("/token"))
            .basic_auth(&client.id, Some(&client.secret))
            .form(form)
            .send()
            .await
            .expect("token request")
    }

    /// `POST /token` with the password grant.
    pub async fn password_grant(&self, client: &Client, user: &str, pw: &str) -> reqwest::Response {
        self.token(
            client,
            &[
                ("grant_type", "password"),
                ("username", user),
                ("password", pw),
            ],
        )
        .await
    }

    /// A successful password grant's JSON body.
    pub async fn password_tokens(
        &self,
        client: &Client,
        user: &str,
        pw: &str,
    ) -> serde_json::Value {
        let res = self
            .token(
                client,
                &[
                    ("grant_type", "password"),
                    ("username", user),
                    ("password", pw),
                ],
            )
            .await;
        assert_eq!(res.status(), 200, "password grant failed");
        res.json().await.unwrap()
    }
}
