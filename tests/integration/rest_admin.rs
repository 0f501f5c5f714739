//! REST API v1, the publisher's and administrator's areas, and the catalogue and
//! subscriptions that depend on them.

use crate::on_both_backends;
use crate::support::backend::Backend as Upstream;
use crate::support::rest::{assert_error, user_token, Call, DEVELOPER, EVERYTHING};
use crate::support::{spawn_app, Backend};
use reqwest::Method;
use serde_json::json;

on_both_backends!(
    a_published_api_is_subscribed_to_and_called_through_the_gateway,
    api_changes_move_the_etag_and_are_audited,
);

async fn a_published_api_is_subscribed_to_and_called_through_the_gateway(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let upstream = Upstream::start().await;
    let root = user_token(&app, "root", true, EVERYTHING).await;
    let admin = Call {
        app: &app,
        token: &root,
    };
    let (status, api) = admin
        .post(
            "/api/v1/publisher/apis",
            json!({"name": "Orders", "version": "v1", "context": "/orders", "backend_url": upstream.url}),
        )
        .await;
    assert_eq!(status, 201, "{api}");
    let id = api["id"].as_str().unwrap().to_owned();
    let (status, _) = admin
        .post(
            &format!("/api/v1/publisher/apis/{id}/resources"),
            json!({"method": "GET", "path": "/list", "scopes": ["orders:read"]}),
        )
        .await;
    assert_eq!(status, 400, "the scope must exist first");
    let (status, _) = admin
        .post(
            "/api/v1/admin/scopes",
            json!({"name": "orders:read", "description": "Read orders"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, resource) = admin
        .post(
            &format!("/api/v1/publisher/apis/{id}/resources"),
            json!({"method": "GET", "path": "/list", "scopes": ["orders:read"]}),
        )
        .await;
    assert_eq!(
        (status, resource["scopes"].clone()),
        (201, json!(["orders:read"])),
        "{resource}"
    );
    // Not in the catalogue until published.
    let dev_token = user_token(&app, "dev", false, DEVELOPER).await;
    let dev = Call {
        app: &app,
        token: &dev_token,
    };
    assert_eq!(dev.get(&format!("/api/v1/apis/{id}")).await.0, 404);
    assert_eq!(dev.get("/api/v1/apis").await.1["items"], json!([]));
    assert_eq!(
        admin
            .post(&format!("/api/v1/publisher/apis/{id}/publish"), json!({}))
            .await
            .0,
        200
    );
    let (status, listed) = dev.get("/api/v1/apis").await;
    assert_eq!(status, 200);
    let entry = &listed["items"][0];
    assert_eq!(
        (entry["name"].as_str(), entry["context"].as_str()),
        (Some("Orders"), Some("/orders"))
    );
    assert!(
        entry.get("backend_url").is_none(),
        "developers do not see backends"
    );
    assert!(entry["url"].as_str().unwrap().ends_with("/orders"));
    // Subscribe an application, get a token with the resource's scope, call the API.
    let (_, created) = dev
        .post("/api/v1/applications", json!({"name": "Shop"}))
        .await;
    let app_id = created["id"].as_str().unwrap().to_owned();
    let (status, headers, _) = dev
        .send(
            Method::POST,
            &format!("/api/v1/applications/{app_id}/subscriptions"),
            Some(json!({"api_id": id})),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        headers["location"],
        format!("/api/v1/applications/{app_id}/subscriptions/{id}").as_str()
    );
    let (_, subs) = dev
        .get(&format!("/api/v1/applications/{app_id}/subscriptions"))
        .await;
    assert_eq!(subs["items"][0]["id"], id.as_str());
    let (_, keys) = dev
        .post(
            &format!("/api/v1/applications/{app_id}/keys/production"),
            json!({"grant_types": ["client_credentials"]}),
        )
        .await;
    let (_, issued) = dev
        .post(
            &format!("/api/v1/applications/{app_id}/keys/production/token"),
            json!({"kind": "application", "scope": "orders:read"}),
        )
        .await;
    assert_eq!(issued["scope"], "orders:read", "{issued} {keys}");
    let call = || {
        app.http
            .get(app.gateway("/orders/list"))
            .bearer_auth(issued["access_token"].as_str().unwrap())
            .send()
    };
    assert_eq!(call().await.unwrap().status(), 200);
    assert_eq!(
        dev.delete(&format!("/api/v1/applications/{app_id}/subscriptions/{id}"))
            .await,
        204
    );
    assert_eq!(call().await.unwrap().status(), 403, "unsubscribed");
    // Unpublished: gone from the catalogue, and subscribing is "not found".
    assert_eq!(
        admin
            .post(&format!("/api/v1/publisher/apis/{id}/unpublish"), json!({}))
            .await
            .0,
        200
    );
    let (status, body) = dev
        .post(
            &format!("/api/v1/applications/{app_id}/subscriptions"),
            json!({"api_id": id}),
        )
        .await;
    assert_error(status, &body, 404, "not_found");
}

async fn api_changes_move_the_etag_and_are_audited(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let root = user_token(&app, "root", true, EVERYTHING).await;
    let admin = Call {
        app: &app,
        token: &root,
    };
    let body = json!({"name": "Stock", "version": "1.0", "context": "/stock", "backend_url": "http://127.0.0.1:9"});
    let (status, headers, api) = admin
        .send(Method::POST, "/api/v1/publisher/apis", Some(body.clone()))
        .await;
    assert_eq!(
        (status, &headers["etag"]),
        (201, &"\"r1\"".parse().unwrap()),
        "{api}"
    );
    let path = format!("/api/v1/publisher/apis/{}", api["id"].as_str().unwrap());
    let (status, bad) = admin
        .post("/api/v1/publisher/apis", json!({"name": "Other", "version": "1", "context": "/stock", "backend_url": "http://127.0.0.1:9"}))
        .await;
    assert_error(status, &bad, 400, "invalid_request");
    assert_eq!(bad["field"], "context");
    let (status, bad) = admin
        .post(
            "/api/v1/publisher/apis",
            json!({"name": "Other", "version": "1", "context": "/other", "backend_url": "ftp://x"}),
        )
        .await;
    assert_error(status, &bad, 400, "invalid_request");
    assert_eq!(bad["field"], "backend_url");
    // Adding a resource is a change of the API: its ETag moves.
    let (status, res) = admin
        .post(
            &format!("{path}/resources"),
            json!({"method": "GET", "path": "/items"}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, headers, read) = admin.send(Method::GET, &path, None).await;
    assert_eq!(headers["etag"], "\"r2\"");
    assert_eq!(read["resources"][0]["path"], "/items");
    let stale = admin
        .request(Method::PUT, &path)
        .header("if-match", "\"r1\"")
        .json(&json!({"name": "Stock", "version": "1.1", "context": "/stock", "backend_url": "http://127.0.0.1:9"}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);
    let publish = admin
        .request(Method::POST, &format!("{path}/publish"))
        .header("if-match", "\"r1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(publish.status(), 412);
    let fresh = admin
        .request(Method::PUT, &path)
        .header("if-match", "\"r2\"")
        .json(&json!({"name": "Stock", "version": "1.1", "context": "/stock", "backend_url": "http://127.0.0.1:9"}))
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    assert_eq!(fresh.headers()["etag"], "\"r3\"");
    let res_id = res["id"].as_str().unwrap();
    assert_eq!(
        admin.delete(&format!("{path}/resources/{res_id}")).await,
        204
    );
    assert_eq!(
        admin.delete(&format!("{path}/resources/{res_id}")).await,
        404
    );
    assert_eq!(admin.delete(&path).await, 204);
    assert_eq!(admin.get(&path).await.0, 404);
    // Each change is in the audit log, by the token's user and from the API.
    let (status, log) = admin.get("/api/v1/admin/audit?action=api&limit=500").await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "api.create",
        "api.update",
        "api.resource_add",
        "api.resource_remove",
        "api.delete",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(log["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"] == "root"));
    let (_, page) = admin.get("/api/v1/admin/audit?action=api&limit=2").await;
    let cursor = page["next_cursor"].as_str().expect("more than two events");
    let (status, next) = admin
        .get(&format!(
            "/api/v1/admin/audit?action=api&limit=2&cursor={cursor}"
        ))
        .await;
    assert_eq!(status, 200);
    assert_ne!(next["items"][0]["id"], page["items"][0]["id"]);
    let (status, body) = admin.get("/api/v1/admin/audit?since=yesterday").await;
    assert_error(status, &body, 400, "invalid_request");
    assert_eq!(body["field"], "since");
}
