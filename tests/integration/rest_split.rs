//! REST API v1 on a portal node whose key manager runs on another server: keys are made
//! there, its tokens are accepted here, and a revocation there is honoured here; while it is down, the portal says so.

use crate::multi_node::time_until;
use crate::on_both_backends;
use crate::support::app::Client;
use crate::support::rest::{Call, DEVELOPER};
use crate::support::split::{key_manager, remote_node, restart_key_manager};
use crate::support::Backend;
use portico::server::config::Profile;
use reqwest::Method;
use serde_json::json;

on_both_backends!(a_portal_nodes_rest_api_works_through_the_key_manager);

/// A call to the key manager's OAuth endpoint `path` (on its portal listener) with
/// `client`'s credentials.
async fn at_key_manager(
    km: &crate::support::TestApp,
    path: &str,
    client: &Client,
    form: &[(&str, &str)],
) -> reqwest::Response {
    km.http
        .post(km.portal(path))
        .basic_auth(&client.id, Some(&client.secret))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn a_portal_nodes_rest_api_works_through_the_key_manager(b: Backend) {
    let Some(mut f) = key_manager(b).await else {
        return;
    };
    let km = &f.app;
    let portal = remote_node(km, Profile::Portal, |_| {}).await;
    let form = [
        ("grant_type", "password"),
        ("username", "dev"),
        ("password", "dev-password-1"),
        ("scope", DEVELOPER),
    ];
    let issued = at_key_manager(km, "/oauth2/token", &f.client, &form).await;
    assert_eq!(issued.status(), 200);
    let issued: serde_json::Value = issued.json().await.unwrap();
    let token = issued["access_token"].as_str().unwrap().to_owned();
    let dev = Call {
        app: &portal,
        token: &token,
    };
    let (status, _, app) = dev
        .send(
            Method::POST,
            "/api/v1/applications",
            Some(json!({"name": "Split"})),
        )
        .await;
    assert_eq!(status, 201, "{app}");
    let id = app["id"].as_str().unwrap();
    let (status, made) = dev
        .post(
            &format!("/api/v1/applications/{id}/keys/production"),
            json!({"grant_types": ["password"]}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let client = Client {
        app_id: id.to_owned(),
        id: made["consumer_key"].as_str().unwrap().into(),
        secret: made["consumer_secret"].as_str().unwrap().into(),
    };
    let granted = at_key_manager(km, "/oauth2/token", &client, &form).await;
    assert_eq!(
        granted.status(),
        200,
        "the keys were made on the key manager"
    );

    let (status, catalogue) = dev.get("/api/v1/apis").await;
    assert_eq!(status, 200);
    assert_eq!(catalogue["items"][0]["id"], f.api_id.as_str());
    let subscribe = format!("/api/v1/applications/{id}/subscriptions");
    let (status, _) = dev.post(&subscribe, json!({"api_id": f.api_id})).await;
    assert_eq!(status, 201);

    // Revoked at the key manager: the portal node stops accepting it by itself.
    let revoked = at_key_manager(km, "/oauth2/revoke", &f.client, &[("token", &token)]).await;
    assert_eq!(revoked.status(), 200);
    time_until(|| async { dev.get("/api/v1/applications").await.0 == 401 }).await;

    // While the key manager is down the portal cannot vouch for any token: it says so
    // (503, never a guess or a 500) and recovers by itself once it is back.
    let fresh = at_key_manager(km, "/oauth2/token", &f.client, &form).await;
    let fresh: serde_json::Value = fresh.json().await.unwrap();
    let token = fresh["access_token"].as_str().unwrap().to_owned();
    f.app.stop().await;
    let again = Call {
        app: &portal,
        token: &token,
    };
    let (status, body) = again
        .post("/api/v1/applications", json!({"name": "Later"}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (503, Some("unavailable")),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("key manager"),
        "{body}"
    );
    let _back = restart_key_manager(&f.app).await;
    time_until(|| async { again.get("/api/v1/applications").await.0 == 200 }).await;
}
