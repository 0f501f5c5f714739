//! REST API v1, the developer's areas: applications with ETags, keys and tokens,
//! subscriptions, statistics; who may call what; and no caller reaching another owner's
//! records.

use crate::on_both_backends;
use crate::support::rest::{answer, assert_error, user_token, Call, DEVELOPER};
use crate::support::{spawn_app, Backend};
use reqwest::Method;
use serde_json::json;

on_both_backends!(
    applications_are_created_read_paged_updated_and_deleted,
    updates_with_a_stale_etag_are_refused,
    keys_and_tokens_are_managed_through_the_api,
);

async fn applications_are_created_read_paged_updated_and_deleted(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let token = user_token(&app, "ada", false, DEVELOPER).await;
    let api = Call {
        app: &app,
        token: &token,
    };
    let (status, headers, created) = api
        .send(
            Method::POST,
            "/api/v1/applications",
            Some(json!({"name": "Billing", "description": "bills", "token_validity": 900})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        headers["location"],
        format!("/api/v1/applications/{id}").as_str()
    );
    assert_eq!(headers["etag"], "\"r1\"");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(
        (created["name"].as_str(), created["token_validity"].as_i64()),
        (Some("Billing"), Some(900))
    );
    // The name is unique per owner.
    let (status, body) = api
        .post("/api/v1/applications", json!({"name": "Billing"}))
        .await;
    assert_error(status, &body, 400, "invalid_request");
    assert_eq!(body["field"], "name");
    let (status, body) = api.post("/api/v1/applications", json!({"name": ""})).await;
    assert_error(status, &body, 400, "invalid_request");
    assert_eq!(body["field"], "name");
    for name in ["Alpha", "Charlie"] {
        assert_eq!(
            api.post("/api/v1/applications", json!({"name": name}))
                .await
                .0,
            201
        );
    }
    // Pages of two by name: Alpha, Billing | Charlie, and the helper's own `app-…`.
    let (mut names, mut pages, mut cursor) = (Vec::new(), 0, String::new());
    loop {
        let (status, page) = api
            .get(&format!("/api/v1/applications?limit=2&cursor={cursor}"))
            .await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        for a in page["items"].as_array().unwrap() {
            names.push(a["name"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!((pages, names.len()), (2, 4), "{names:?}");
    assert_eq!(names[..3], ["Alpha", "Billing", "Charlie"]);
    // Read, replace, delete.
    let (status, headers, read) = api
        .send(Method::GET, &format!("/api/v1/applications/{id}"), None)
        .await;
    assert_eq!((status, read["description"].as_str()), (200, Some("bills")));
    assert_eq!(headers["etag"], "\"r1\"");
    let (status, headers, updated) = api
        .send(
            Method::PUT,
            &format!("/api/v1/applications/{id}"),
            Some(json!({"name": "Billing v2"})),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(headers["etag"], "\"r2\"");
    assert_eq!(
        (
            updated["description"].as_str(),
            updated["token_validity"].as_i64()
        ),
        (Some(""), None)
    );
    assert_eq!(api.delete(&format!("/api/v1/applications/{id}")).await, 204);
    let (status, body) = api.get(&format!("/api/v1/applications/{id}")).await;
    assert_error(status, &body, 404, "not_found");
}

async fn updates_with_a_stale_etag_are_refused(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let token = user_token(&app, "ben", false, DEVELOPER).await;
    let api = Call {
        app: &app,
        token: &token,
    };
    let (_, created) = api
        .post("/api/v1/applications", json!({"name": "Orders"}))
        .await;
    let path = format!("/api/v1/applications/{}", created["id"].as_str().unwrap());
    let put = |etag: &'static str, name: &'static str| {
        api.request(Method::PUT, &path)
            .header("if-match", etag)
            .json(&json!({"name": name}))
            .send()
    };
    // Two clients read r1; the first write wins, the second is refused and changes nothing.
    let (status, headers, _) = answer(put("\"r1\"", "First").await.unwrap()).await;
    assert_eq!(
        (status, &headers["etag"]),
        (200, &"\"r2\"".parse().unwrap())
    );
    let (status, _, body) = answer(put("\"r1\"", "Second").await.unwrap()).await;
    assert_error(status, &body, 412, "precondition_failed");
    // Weak and foreign tags never match; `*` always does.
    for tag in ["W/\"r2\"", "\"abc\""] {
        let (status, _, body) = answer(put(tag, "Third").await.unwrap()).await;
        assert_error(status, &body, 412, "precondition_failed");
    }
    assert_eq!(api.get(&path).await.1["name"], "First");
    let (status, headers, _) = answer(put("*", "Fourth").await.unwrap()).await;
    assert_eq!(
        (status, &headers["etag"]),
        (200, &"\"r3\"".parse().unwrap())
    );
    let (status, _, _) = answer(put("\"r9\", \"r3\"", "Fifth").await.unwrap()).await;
    assert_eq!(status, 200, "a list matches when one of its tags does");
}

async fn keys_and_tokens_are_managed_through_the_api(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let token = user_token(&app, "cyd", false, DEVELOPER).await;
    let api = Call {
        app: &app,
        token: &token,
    };
    let (_, created) = api
        .post("/api/v1/applications", json!({"name": "Mobile"}))
        .await;
    let base = format!("/api/v1/applications/{}", created["id"].as_str().unwrap());
    let (status, body) = api.get(&format!("{base}/keys/production")).await;
    assert_error(status, &body, 404, "not_found");
    let options = json!({"grant_types": ["password", "client_credentials"], "token_type": "jwt"});
    let (status, headers, keys) = api
        .send(
            Method::POST,
            &format!("{base}/keys/production"),
            Some(options.clone()),
        )
        .await;
    assert_eq!(status, 201, "{keys}");
    assert_eq!(
        headers["location"],
        format!("{base}/keys/production").as_str()
    );
    let (key, secret) = (
        keys["consumer_key"].as_str().unwrap(),
        keys["consumer_secret"].as_str().unwrap(),
    );
    assert_eq!(keys["key"]["token_type"], "jwt");
    let (status, body) = api.post(&format!("{base}/keys/production"), options).await;
    assert_error(status, &body, 409, "conflict");
    let (status, body) = api
        .post(
            &format!("{base}/keys/staging"),
            json!({"grant_types": ["password"]}),
        )
        .await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = api
        .post(
            &format!("{base}/keys/sandbox"),
            json!({"grant_types": ["magic"]}),
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
    assert_eq!(body["field"], "grant_types");
    // The key as stored shows no secret.
    let (status, stored) = api.get(&format!("{base}/keys/production")).await;
    assert_eq!((status, stored["consumer_key"].as_str()), (200, Some(key)));
    assert!(!stored.to_string().contains(secret));
    // A new secret replaces the old one at once.
    let (status, fresh) = api
        .post(
            &format!("{base}/keys/production/regenerate-secret"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let new_secret = fresh["consumer_secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    let cc = |id: &str, secret: &str| {
        app.http
            .post(app.gateway("/token"))
            .basic_auth(id, Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
    };
    assert_eq!(cc(key, secret).await.unwrap().status(), 401);
    assert_eq!(cc(key, new_secret).await.unwrap().status(), 200);
    // Generate Access Token, for the application and for the user (with their password).
    let (status, issued) = api
        .post(
            &format!("{base}/keys/production/token"),
            json!({"kind": "application", "validity": 600}),
        )
        .await;
    assert_eq!(
        (status, issued["expires_in"].as_i64()),
        (200, Some(600)),
        "{issued}"
    );
    let (status, body) = api
        .post(
            &format!("{base}/keys/production/token"),
            json!({"kind": "user"}),
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, body) = api
        .post(
            &format!("{base}/keys/production/token"),
            json!({"kind": "user", "password": "wrong-password-1"}),
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, mine) = api
        .post(
            &format!("{base}/keys/production/token"),
            json!({"kind": "user", "password": crate::support::rest::PASSWORD}),
        )
        .await;
    assert_eq!(status, 200, "{mine}");
    // My tokens list it (never its value), and revoking it works once.
    let (status, listed) = api.get("/api/v1/me/tokens").await;
    assert_eq!(status, 200);
    let items = listed["items"].as_array().unwrap();
    let entry = items
        .iter()
        .find(|t| t["application_name"] == "Mobile")
        .expect("the Mobile token");
    assert!(!listed
        .to_string()
        .contains(mine["access_token"].as_str().unwrap()));
    let id = entry["id"].as_str().unwrap();
    assert_eq!(api.delete(&format!("/api/v1/me/tokens/{id}")).await, 204);
    let (_, listed) = api.get("/api/v1/me/tokens").await;
    assert!(
        !listed.to_string().contains(id),
        "revoked tokens are not live: {listed}"
    );
    assert_eq!(api.delete("/api/v1/me/tokens/no-such-token").await, 404);
    // The statistics count the user who got a token by password.
    let (status, stats) = api.get(&format!("{base}/statistics?range=24h")).await;
    assert_eq!(
        (status, stats["registered_users"].as_i64()),
        (200, Some(1)),
        "{stats}"
    );
    let (status, body) = api.get(&format!("{base}/statistics?range=1y")).await;
    assert_error(status, &body, 400, "invalid_request");
}
