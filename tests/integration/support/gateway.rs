//! A published API in front of a real backend, with a subscribed application: the
//! starting point of the gateway tests.

use super::app::{spawn_with, Client, TestApp};
use super::backend::Backend;
use super::Backend as Db;
use portico::server::config::Config;
use portico::service::{ApiInput, ScopeInput};

pub struct Fixture {
    /// The node that is its own key manager (and, unless `edge` is set, the gateway).
    pub app: TestApp,
    /// A gateway-profile node using `app` as its key manager (`Backend::Split`).
    pub edge: Option<TestApp>,
    pub api_id: String,
    /// An application of `dev` subscribed to the API.
    pub client: Client,
}

pub const CONTEXT: &str = "/pizzashack/1.0.0";

pub async fn fixture(b: Db, tweak: impl Fn(&mut Config) + Clone) -> Option<Fixture> {
    let split = b == Db::Split;
    let app = match split {
        true => {
            let tweak = tweak.clone();
            spawn_with(b, move |c| {
                tweak(c);
                c.server.profile = portico::server::config::Profile::KeyManager;
            })
            .await?
        }
        false => spawn_with(b, tweak.clone()).await?,
    };
    let backend = Backend::start().await;
    let s = &app.services;
    for name in ["read", "update", "audit"] {
        let input = ScopeInput {
            name: name.into(),
            ..Default::default()
        };
        s.create_scope(input).await.unwrap();
    }
    let api = s
        .create_api(ApiInput {
            name: "PizzaShack".into(),
            version: "1.0.0".into(),
            context: CONTEXT.into(),
            backend_url: backend.url.clone(),
            description: "Pizza orders".into(),
        })
        .await
        .unwrap();
    for (method, path, scopes) in [
        ("GET", "/order/{orderId}", "read,audit"),
        ("PUT", "/order/{orderId}", "update"),
        ("GET", "/menu", ""),
        ("POST", "/upload", ""),
        ("GET", "/big/{n}", ""),
        ("GET", "/slow", ""),
        ("GET", "/fail", ""),
    ] {
        s.add_resource(&api.id, method, path, scopes).await.unwrap();
    }
    s.set_published(&api.id, true, None).await.unwrap();
    app.user("dev", "dev-password-1").await;
    let client = app
        .client("dev", "password,refresh_token,client_credentials")
        .await;
    let dev = s.user("dev").await.unwrap();
    s.subscribe(&dev, &client.app_id, &api.id).await.unwrap();
    let edge = match split {
        true => Some(
            super::split::remote_node(&app, portico::server::config::Profile::Gateway, tweak).await,
        ),
        false => None,
    };
    Some(Fixture {
        app,
        edge,
        api_id: api.id,
        client,
    })
}

impl Fixture {
    /// The node serving the gateway.
    pub fn gw(&self) -> &TestApp {
        self.edge.as_ref().unwrap_or(&self.app)
    }

    /// Moves every node's clock forward.
    pub fn advance(&self, secs: i64) {
        self.app.services.clock.advance(secs);
        if let Some(edge) = &self.edge {
            edge.services.clock.advance(secs);
        }
    }

    /// A user token for `dev` asking for `scope`.
    pub async fn token(&self, scope: &str) -> String {
        self.token_for(&self.client, scope).await
    }

    pub async fn token_for(&self, client: &Client, scope: &str) -> String {
        let body = self.grant(client, scope).await;
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// The scope `dev` is granted when asking for `scope`.
    pub async fn granted(&self, scope: &str) -> String {
        let body = self.grant(&self.client, scope).await;
        body["scope"].as_str().unwrap().to_owned()
    }

    async fn grant(&self, client: &Client, scope: &str) -> serde_json::Value {
        let res = self
            .gw()
            .token(
                client,
                &[
                    ("grant_type", "password"),
                    ("username", "dev"),
                    ("password", "dev-password-1"),
                    ("scope", scope),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// Publishes another API in front of `backend_url`, open on `GET /*`, and subscribes
    /// `dev`'s application to it.
    pub async fn open_api(&self, name: &str, context: &str, backend_url: String) {
        let s = &self.app.services;
        let api = s
            .create_api(ApiInput {
                name: name.into(),
                version: "1".into(),
                context: context.into(),
                backend_url,
                description: String::new(),
            })
            .await
            .unwrap();
        s.add_resource(&api.id, "GET", "/*", "").await.unwrap();
        s.set_published(&api.id, true, None).await.unwrap();
        let dev = s.user("dev").await.unwrap();
        s.subscribe(&dev, &self.client.app_id, &api.id)
            .await
            .unwrap();
    }

    /// Revokes `dev`'s tokens from another server sharing the database, as a lock there
    /// would; this node hears of it only through the revocation feed.
    pub async fn revoke_elsewhere(&self) {
        let url = portico::store::DatabaseUrl::parse(self.app.database_url()).unwrap();
        let elsewhere = portico::store::Store::connect(&url, 1).await.unwrap();
        let user = self
            .app
            .services
            .store
            .user_by_username("dev")
            .await
            .unwrap();
        let revoked = elsewhere.revoke_tokens_of_user(&user.id, 1).await.unwrap();
        assert_eq!(revoked, 1);
        elsewhere.close().await;
    }

    /// `POST /revoke` of `token` with the fixture's client.
    pub async fn revoke(&self, token: &str) -> reqwest::Response {
        self.gw()
            .http
            .post(self.gw().gateway("/revoke"))
            .basic_auth(&self.client.id, Some(&self.client.secret))
            .form(&[("token", token)])
            .send()
            .await
            .unwrap()
    }

    /// A call to the fixture's API over HTTPS with an optional Bearer token.
    pub async fn call(&self, method: &str, path: &str, token: Option<&str>) -> reqwest::Response {
        self.call_path(method, &format!("{CONTEXT}{path}"), token)
            .await
    }

    /// A gateway call to any path over HTTPS with an optional Bearer token.
    pub async fn call_path(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
    ) -> reqwest::Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.gw().http.request(method, self.gw().gateway(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }
}
