//! REST API v1 refusals: another owner's records are not found, and tokens that lack a
//! scope, a user or validity are refused.

use crate::on_both_backends;
use crate::support::rest::{answer, assert_error, user_token, Call, DEVELOPER};
use crate::support::{spawn_app, Backend};
use reqwest::Method;
use serde_json::json;

on_both_backends!(
    another_owners_records_answer_not_found,
    tokens_without_scope_user_or_validity_are_refused,
);

async fn another_owners_records_answer_not_found(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let alice = user_token(&app, "alice", false, DEVELOPER).await;
    let mallory = user_token(&app, "mallory", false, DEVELOPER).await;
    let owner = Call {
        app: &app,
        token: &alice,
    };
    let (_, created) = owner
        .post("/api/v1/applications", json!({"name": "Private"}))
        .await;
    let base = format!("/api/v1/applications/{}", created["id"].as_str().unwrap());
    let (status, _) = owner
        .post(
            &format!("{base}/keys/production"),
            json!({"grant_types": ["client_credentials"]}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, tokens) = owner.get("/api/v1/me/tokens").await;
    let alice_token_id = tokens["items"][0]["id"].as_str().unwrap().to_owned();
    let other = Call {
        app: &app,
        token: &mallory,
    };
    let attempts: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::GET, base.clone(), None),
        (Method::PUT, base.clone(), Some(json!({"name": "Mine now"}))),
        (Method::DELETE, base.clone(), None),
        (Method::GET, format!("{base}/keys/production"), None),
        (
            Method::POST,
            format!("{base}/keys/sandbox"),
            Some(json!({"grant_types": ["password"]})),
        ),
        (
            Method::POST,
            format!("{base}/keys/production/regenerate-secret"),
            None,
        ),
        (
            Method::POST,
            format!("{base}/keys/production/token"),
            Some(json!({"kind": "application"})),
        ),
        (Method::GET, format!("{base}/subscriptions"), None),
        (
            Method::POST,
            format!("{base}/subscriptions"),
            Some(json!({"api_id": "x"})),
        ),
        (Method::DELETE, format!("{base}/subscriptions/x"), None),
        (Method::GET, format!("{base}/statistics"), None),
        (
            Method::DELETE,
            format!("/api/v1/me/tokens/{alice_token_id}"),
            None,
        ),
    ];
    for (method, path, body) in attempts {
        let (status, _, answer) = other.send(method.clone(), &path, body).await;
        assert_eq!(
            (status, &answer["code"]),
            (404, &json!("not_found")),
            "{method} {path}"
        );
    }
    // Nothing of Alice's changed.
    let (status, still) = owner.get(&base).await;
    assert_eq!((status, still["name"].as_str()), (200, Some("Private")));
    assert_eq!(owner.get(&format!("{base}/keys/production")).await.0, 200);
    assert_eq!(
        owner.get("/api/v1/me/tokens").await.1["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Mallory's own list does not show it.
    let (_, listed) = other.get("/api/v1/applications").await;
    assert!(
        !listed.to_string().contains(created["id"].as_str().unwrap()),
        "{listed}"
    );
}

async fn tokens_without_scope_user_or_validity_are_refused(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let path = app.portal("/api/v1/applications");
    let res = app.http.get(&path).send().await.unwrap();
    let challenge = res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    let (status, _, body) = answer(res).await;
    assert_error(status, &body, 401, "unauthenticated");
    assert_eq!(challenge, "Bearer realm=\"portico\"");
    // The portal's session cookie is not a credential here.
    let res = app
        .http
        .get(&path)
        .header("cookie", "portico_session=anything")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    for bad in ["not-a-token", "a b"] {
        let res = app
            .http
            .get(&path)
            .header("authorization", format!("Bearer {bad}"))
            .send()
            .await
            .unwrap();
        let (status, _, body) = answer(res).await;
        assert_eq!(status, 401, "{body}");
    }
    // A token without the area's scope: 403 naming the scope.
    let narrow = user_token(&app, "dora", false, "apim:subscribe").await;
    let res = app
        .http
        .get(&path)
        .bearer_auth(&narrow)
        .send()
        .await
        .unwrap();
    let challenge = res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    let (status, _, body) = answer(res).await;
    assert_error(status, &body, 403, "insufficient_scope");
    assert!(
        challenge.contains("scope=\"apim:app_manage\""),
        "{challenge}"
    );
    // A developer asking for the admin scopes is not granted them.
    let asked = user_token(&app, "eve", false, crate::support::rest::EVERYTHING).await;
    let admin = Call {
        app: &app,
        token: &asked,
    };
    let (status, body) = admin.get("/api/v1/admin/users").await;
    assert_error(status, &body, 403, "insufficient_scope");
    assert_eq!(admin.get("/api/v1/applications").await.0, 200);
    // An application's own token (client credentials) acts for no user.
    let client = app.client("eve", "client_credentials").await;
    let res = app
        .token(
            &client,
            &[("grant_type", "client_credentials"), ("scope", DEVELOPER)],
        )
        .await;
    let cc: serde_json::Value = res.json().await.unwrap();
    let res = app
        .http
        .get(&path)
        .bearer_auth(cc["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let (status, _, body) = answer(res).await;
    assert_error(status, &body, 401, "invalid_token");
    // Locked users and revoked tokens stop at once.
    app.services.set_locked("eve", true).await.unwrap();
    assert_eq!(admin.get("/api/v1/applications").await.0, 401);
    let dev = user_token(&app, "finn", false, DEVELOPER).await;
    let finn = Call {
        app: &app,
        token: &dev,
    };
    let (_, mine) = finn.get("/api/v1/me/tokens").await;
    let id = mine["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(finn.delete(&format!("/api/v1/me/tokens/{id}")).await, 204);
    let (status, body) = finn.get("/api/v1/applications").await;
    assert_error(status, &body, 401, "invalid_token");
}
