//! Calling `/api/v1` as a user: tokens from Portico's own token endpoint, requests with
//! them, and the checks every REST error shares.

use super::app::Client;
use super::TestApp;
use secrecy::SecretString;
use serde_json::Value;

/// Every `apim:*` scope a developer may hold.
pub const DEVELOPER: &str = "apim:app_manage apim:subscribe";
/// Every `apim:*` scope.
pub const EVERYTHING: &str = "apim:app_manage apim:subscribe apim:api_manage apim:admin";

pub const PASSWORD: &str = "rest-password-1";

/// A user (an admin if `admin`) with a token carrying `scope`, from their own client.
pub async fn user_token(app: &TestApp, name: &str, admin: bool, scope: &str) -> String {
    app.services
        .create_user(name, None, &SecretString::from(PASSWORD), admin, false)
        .await
        .expect("create user");
    let client = app
        .client(name, "password,refresh_token,client_credentials")
        .await;
    token_of(app, &client, name, scope).await
}

/// A password grant's access token for `name` through `client`.
pub async fn token_of(app: &TestApp, client: &Client, name: &str, scope: &str) -> String {
    let res = app
        .token(
            client,
            &[
                ("grant_type", "password"),
                ("username", name),
                ("password", PASSWORD),
                ("scope", scope),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "password grant for {name}");
    let body: Value = res.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// A REST call: method, path, token, JSON body.
pub struct Call<'a> {
    pub app: &'a TestApp,
    pub token: &'a str,
}

impl Call<'_> {
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.app
            .http
            .request(method, self.app.portal(path))
            .bearer_auth(self.token)
    }

    /// Status, headers and JSON body (`Null` when there is none).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut req = self.request(method, path);
        if let Some(body) = body {
            req = req.json(&body);
        }
        answer(req.send().await.expect("REST call")).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let (status, _, body) = self.send(reqwest::Method::GET, path, None).await;
        (status, body)
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let (status, _, body) = self.send(reqwest::Method::POST, path, Some(body)).await;
        (status, body)
    }

    pub async fn delete(&self, path: &str) -> u16 {
        self.send(reqwest::Method::DELETE, path, None).await.0
    }
}

pub async fn answer(res: reqwest::Response) -> (u16, reqwest::header::HeaderMap, Value) {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, headers, body)
}

/// The shape of every REST error: a code, a message and this request's id.
pub fn assert_error(status: u16, body: &Value, want_status: u16, want_code: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["code"], want_code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(
        body["request_id"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}
