//! REST API v1, the administrator's area: users, settings and scopes, and who may use it.

use crate::on_both_backends;
use crate::support::rest::{assert_error, user_token, Call, EVERYTHING};
use crate::support::{spawn_app, Backend};
use reqwest::Method;
use serde_json::json;

on_both_backends!(
    administrators_manage_users_settings_and_scopes,
    admin_areas_need_an_administrator_now,
);

async fn administrators_manage_users_settings_and_scopes(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let root = user_token(&app, "root", true, EVERYTHING).await;
    let admin = Call {
        app: &app,
        token: &root,
    };
    let (status, headers, user) = admin
        .send(
            Method::POST,
            "/api/v1/admin/users",
            Some(json!({"username": "gina", "password": "gina-password-1"})),
        )
        .await;
    assert_eq!(status, 201, "{user}");
    assert_eq!(headers["location"], "/api/v1/admin/users/gina");
    assert!(!user.to_string().contains("password"), "{user}");
    let (status, body) = admin
        .post(
            "/api/v1/admin/users",
            json!({"username": "hal", "password": "short"}),
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
    assert_eq!(body["field"], "password");
    let patch = |who: &'static str, change: serde_json::Value| {
        let admin = &admin;
        async move {
            let path = format!("/api/v1/admin/users/{who}");
            admin.send(Method::PATCH, &path, Some(change)).await
        }
    };
    let (status, _, changed) =
        patch("gina", json!({"roles": ["kitchen", "bar"], "locked": true})).await;
    assert_eq!(status, 200);
    assert_eq!(
        (changed["roles"].clone(), changed["locked"].clone()),
        (json!(["bar", "kitchen"]), json!(true))
    );
    let (status, _, body) = patch("gina", json!({"roles": ["admin"]})).await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, _, body) = patch("root", json!({"locked": true})).await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, _, body) = patch("nobody", json!({"locked": true})).await;
    assert_error(status, &body, 404, "not_found");
    let (status, _, body) = patch("gina", json!({"colour": "red"})).await;
    assert_error(status, &body, 400, "invalid_body");
    let (status, found) = admin.get("/api/v1/admin/users?search=gin").await;
    assert_eq!(
        (status, found["items"][0]["username"].as_str()),
        (200, Some("gina"))
    );
    // Pages of one walk every account once, in name order, read page by page.
    let (mut seen, mut cursor) = (Vec::new(), String::new());
    loop {
        let (status, page) = admin
            .get(&format!("/api/v1/admin/users?limit=1{cursor}"))
            .await;
        assert_eq!((status, page["items"].as_array().unwrap().len()), (200, 1));
        seen.push(page["items"][0]["username"].as_str().unwrap().to_owned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, ["gina", "root"]);
    // The self sign-up switch.
    let (status, _, set) = admin
        .send(
            Method::PUT,
            "/api/v1/admin/settings",
            Some(json!({"self_signup": true})),
        )
        .await;
    assert_eq!((status, set["self_signup"].clone()), (200, json!(true)));
    assert_eq!(
        admin.get("/api/v1/admin/settings").await.1["self_signup"],
        true
    );
    assert!(app.services.self_signup_enabled().await.unwrap());
    // Scopes, with the built-in REST scopes among them.
    let (status, scopes) = admin.get("/api/v1/admin/scopes?limit=200").await;
    assert_eq!(status, 200);
    let admin_scope = scopes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "apim:admin")
        .expect("apim:admin");
    assert_eq!(admin_scope["roles"], json!(["admin"]));
    let (status, _) = admin
        .post(
            "/api/v1/admin/scopes",
            json!({"name": "menu:write", "roles": ["kitchen"]}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _, updated) = admin
        .send(
            Method::PUT,
            "/api/v1/admin/scopes/menu:write",
            Some(json!({"description": "Edit the menu", "roles": []})),
        )
        .await;
    assert_eq!(
        (
            status,
            updated["roles"].clone(),
            updated["description"].clone()
        ),
        (200, json!([]), json!("Edit the menu"))
    );
    let (status, _, body) = admin
        .send(
            Method::PUT,
            "/api/v1/admin/scopes/menu:write",
            Some(json!({"name": "other"})),
        )
        .await;
    assert_error(status, &body, 400, "invalid_request");
    let (status, stats) = admin.get("/api/v1/admin/statistics?range=7d").await;
    assert_eq!(status, 200, "{stats}");
}

async fn admin_areas_need_an_administrator_now(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let root = user_token(&app, "root", true, EVERYTHING).await;
    let deputy = user_token(&app, "deputy", true, EVERYTHING).await;
    let admin = Call {
        app: &app,
        token: &root,
    };
    let second = Call {
        app: &app,
        token: &deputy,
    };
    assert_eq!(second.get("/api/v1/admin/users").await.0, 200);
    assert_eq!(second.get("/api/v1/publisher/apis").await.0, 200);
    // Demoted: the token still names the scopes, but the user is no admin any more.
    let (status, _, _) = admin
        .send(
            Method::PATCH,
            "/api/v1/admin/users/deputy",
            Some(json!({"is_admin": false})),
        )
        .await;
    assert_eq!(status, 200);
    for path in [
        "/api/v1/admin/users",
        "/api/v1/publisher/apis",
        "/api/v1/admin/audit",
    ] {
        let (status, body) = second.get(path).await;
        assert_error(status, &body, 403, "forbidden");
    }
    // Developers' areas stay open to them.
    assert_eq!(second.get("/api/v1/applications").await.0, 200);
}
