//! APIs in the portal with JavaScript off: an admin creates, fills and publishes one, a
//! developer finds it, subscribes and sees its scopes offered for tokens.

use crate::on_both_backends;
use crate::support::browser::Browser;
use crate::support::{spawn_app, Backend, TestApp};
use secrecy::SecretString;

on_both_backends!(
    an_admin_publishes_an_api_and_a_developer_subscribes,
    developers_cannot_manage_apis_or_subscribe_others_applications,
);

async fn browser_for(app: &TestApp, user: &str, admin: bool) -> Browser {
    let pw = SecretString::from(format!("{user}-password-1"));
    app.services
        .create_user(user, None, &pw, admin, false)
        .await
        .unwrap();
    let browser = Browser::new(app);
    assert_eq!(
        browser
            .sign_in(user, &format!("{user}-password-1"))
            .await
            .status,
        302
    );
    browser
}

async fn an_admin_publishes_an_api_and_a_developer_subscribes(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let admin = browser_for(&app, "root", true).await;
    let scope = [
        ("name", "update"),
        ("display_name", ""),
        ("description", "Change orders"),
        ("roles", ""),
    ];
    assert!(admin
        .post("/admin/scopes", "save_scope", &scope)
        .await
        .error()
        .is_none());
    let created = admin
        .post(
            "/admin/apis",
            "save_api",
            &[
                ("name", "PizzaShack"),
                ("version", "1.0.0"),
                ("context", "/pizzashack/1.0.0"),
                ("backend_url", "http://127.0.0.1:9"),
                ("description", "Pizza"),
            ],
        )
        .await;
    assert_eq!(created.status, 302, "{created:?}");
    let page = created.location.split('?').next().unwrap().to_owned();
    let id = page.rsplit('/').next().unwrap().to_owned();
    let bad = [
        ("api_id", id.as_str()),
        ("method", "GET"),
        ("path", "order"),
        ("scopes", ""),
    ];
    let refused = admin.post(&page, "add_resource", &bad).await;
    assert!(refused.error().unwrap().contains("path"), "{refused:?}");
    let unknown = [
        ("api_id", id.as_str()),
        ("method", "PUT"),
        ("path", "/order/{id}"),
        ("scopes", "nope"),
    ];
    assert!(admin
        .post(&page, "add_resource", &unknown)
        .await
        .error()
        .unwrap()
        .contains("nope"));
    let good = [
        ("api_id", id.as_str()),
        ("method", "PUT"),
        ("path", "/order/{id}"),
        ("scopes", "update"),
    ];
    assert!(admin
        .post(&page, "add_resource", &good)
        .await
        .error()
        .is_none());
    let (_, html) = admin.get(&page).await;
    assert!(html.contains("/order/{id}") && html.contains("Not published"));

    // Not yet published: developers do not see it.
    let dev = browser_for(&app, "dev", false).await;
    let (_, catalogue) = dev.get("/apis").await;
    assert!(catalogue.contains("No APIs are published yet."));
    let publish = [("id", id.as_str()), ("published", "on")];
    assert!(admin
        .post(&page, "publish_api", &publish)
        .await
        .error()
        .is_none());

    let made = dev
        .post(
            "/apps",
            "create_app",
            &[
                ("name", "Shop"),
                ("description", ""),
                ("token_validity", ""),
            ],
        )
        .await;
    let app_id = made.location.rsplit('/').next().unwrap().to_owned();
    let (_, catalogue) = dev.get("/apis").await;
    assert!(catalogue.contains("PizzaShack") && catalogue.contains("update"));
    assert!(
        !catalogue.contains("127.0.0.1:9"),
        "developers never see the backend"
    );
    let sub = dev
        .post(
            "/apis",
            "subscribe",
            &[("app_id", &app_id), ("api_id", &id)],
        )
        .await;
    assert_eq!(sub.location, "/apis?subscribed=1", "{sub:?}");
    let (_, overview) = dev.get(&format!("/apps/{app_id}")).await;
    assert!(overview.contains("PizzaShack") && overview.contains("Unsubscribe"));
    let keys_page = format!("/apps/{app_id}/keys/production");
    let generate = [
        ("app_id", app_id.as_str()),
        ("key_type", "production"),
        ("grant_password", "on"),
        ("validity", ""),
    ];
    assert!(dev
        .post(&keys_page, "generate_keys", &generate)
        .await
        .error()
        .is_none());
    let (_, keys) = dev.get(&keys_page).await;
    assert!(
        keys.contains("default, update"),
        "the token dialog offers the API's scopes"
    );
    let unsub = dev
        .post(
            &format!("/apps/{app_id}"),
            "unsubscribe",
            &[("app_id", &app_id), ("api_id", &id)],
        )
        .await;
    assert_eq!(unsub.location, format!("/apps/{app_id}?unsubscribed=1"));
    let (_, overview) = dev.get(&format!("/apps/{app_id}")).await;
    assert!(overview.contains("Not subscribed to any API yet"));
}

async fn developers_cannot_manage_apis_or_subscribe_others_applications(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let dev = browser_for(&app, "dev", false).await;
    let fields = [
        ("name", "X"),
        ("version", "1"),
        ("context", "/x"),
        ("backend_url", "http://127.0.0.1:9"),
        ("description", ""),
    ];
    let refused = dev.post("/admin/apis", "save_api", &fields).await;
    assert!(refused.error().is_some());
    let (_, page) = dev.get("/admin/apis").await;
    assert!(page.contains("Admins only"));
    assert!(app.services.apis(false).await.unwrap().is_empty());

    let admin = browser_for(&app, "root", true).await;
    assert!(admin
        .post("/admin/apis", "save_api", &fields)
        .await
        .error()
        .is_none());
    let api = app.services.apis(false).await.unwrap().remove(0).api;
    app.services
        .set_published(&api.id, true, None)
        .await
        .unwrap();
    app.user("other", "other-password-1").await;
    let theirs = app.client("other", "password").await;
    let attempt = dev
        .post(
            "/apis",
            "subscribe",
            &[("app_id", &theirs.app_id), ("api_id", &api.id)],
        )
        .await;
    assert!(attempt.error().unwrap().contains("NotFound"), "{attempt:?}");
    let other = app.services.user("other").await.unwrap();
    assert!(app
        .services
        .subscriptions(&other, &theirs.app_id)
        .await
        .unwrap()
        .is_empty());
}
