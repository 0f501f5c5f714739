//! Applications, keys and tokens in the portal, with JavaScript off; authorization on
//! every call.

use crate::on_both_backends;
use crate::support::browser::{Browser, Posted};
use crate::support::{spawn_app, Backend, TestApp};

/// Signs `user` in and creates one application through the UI; returns its id.
pub(crate) async fn signed_in_with_app(app: &TestApp, user: &str) -> (Browser, String) {
    app.user(user, &format!("{user}-password")).await;
    let browser = Browser::new(app);
    browser.sign_in(user, &format!("{user}-password")).await;
    let created = browser
        .post(
            "/apps",
            "create_app",
            &[
                ("name", "Pizza"),
                ("description", "orders"),
                ("token_validity", ""),
            ],
        )
        .await;
    assert_eq!(created.status, 302);
    let id = created.location.rsplit('/').next().unwrap().to_owned();
    (browser, id)
}

pub(crate) fn value_after<'a>(html: &'a str, label: &str) -> Option<&'a str> {
    let at = html.find(&format!(">{label}<"))?;
    let rest = &html[at..];
    let start = rest.find("<code class=\"value")?;
    let rest = &rest[start..];
    let open_end = rest.find('>')? + 1;
    let close = rest.find("</code>")?;
    Some(&rest[open_end..close])
}

/// Posts Generate Keys (password and client credentials) on the production tab.
pub(crate) async fn post_generate(browser: &Browser, id: &str) -> Posted {
    let from = format!("/apps/{id}/keys/production");
    let form = [
        ("app_id", id),
        ("key_type", "production"),
        ("grant_password", "on"),
        ("grant_client_credentials", "on"),
        ("validity", ""),
    ];
    browser.post(&from, "generate_keys", &form).await
}

/// Posts Generate Keys on the production tab with one grant (`grant_password`, ...) and
/// access tokens of `token_type`.
pub(crate) async fn post_generate_typed(
    browser: &Browser,
    id: &str,
    grant: &str,
    token_type: &str,
) -> Posted {
    let from = format!("/apps/{id}/keys/production");
    let form = [
        ("app_id", id),
        ("key_type", "production"),
        (grant, "on"),
        ("validity", ""),
        ("token_type", token_type),
    ];
    browser.post(&from, "generate_keys", &form).await
}

pub(crate) async fn generate(browser: &Browser, id: &str) -> (String, String) {
    let from = format!("/apps/{id}/keys/production");
    let posted = post_generate(browser, id).await;
    assert!(posted.error().is_none(), "{posted:?}");
    let (_, page) = browser.get(&from).await;
    let key = value_after(&page, "Consumer key").unwrap().to_owned();
    let secret = value_after(&page, "Consumer secret").unwrap().to_owned();
    assert_eq!(
        secret.len(),
        43,
        "the secret is shown after generation: {secret}"
    );
    (key, secret)
}

async fn applications_are_created_edited_and_deleted(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let (browser, id) = signed_in_with_app(&app, "alice").await;
    let (_, list) = browser.get("/apps").await;
    assert!(list.contains("Pizza"));
    let long = "x".repeat(71);
    let too_long = browser
        .post(
            "/apps",
            "create_app",
            &[("name", &long), ("description", ""), ("token_validity", "")],
        )
        .await;
    assert!(too_long.error().unwrap().contains("70"));
    let dup = browser
        .post(
            "/apps",
            "create_app",
            &[
                ("name", "Pizza"),
                ("description", ""),
                ("token_validity", ""),
            ],
        )
        .await;
    assert!(dup.error().unwrap().contains("already used"));
    let saved = browser
        .post(
            &format!("/apps/{id}"),
            "update_app",
            &[
                ("id", &id),
                ("name", "Pizza 2"),
                ("description", "d"),
                ("token_validity", "600"),
            ],
        )
        .await;
    assert_eq!(saved.location, format!("/apps/{id}?saved=1"));
    let a = app.services.store.application(&id).await.unwrap();
    assert_eq!((a.name.as_str(), a.token_validity), ("Pizza 2", Some(600)));
    let wrong = browser
        .post(
            &format!("/apps/{id}"),
            "delete_app",
            &[("id", &id), ("confirm_name", "nope")],
        )
        .await;
    assert!(wrong.error().is_some());
    let deleted = browser
        .post(
            &format!("/apps/{id}"),
            "delete_app",
            &[("id", &id), ("confirm_name", "Pizza 2")],
        )
        .await;
    assert_eq!(deleted.location, "/apps?deleted=1");
    assert!(app.services.store.application(&id).await.is_err());
}

async fn the_secret_is_shown_once_and_works_on_token(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let (browser, id) = signed_in_with_app(&app, "alice").await;
    let (key, secret) = generate(&browser, &id).await;
    let (_, again) = browser.get(&format!("/apps/{id}/keys/production")).await;
    assert!(!again.contains(&secret), "the secret is never shown twice");
    assert!(again.contains("••••"));
    assert!(
        again.contains("&lt;CONSUMER_SECRET&gt;"),
        "the curl snippet uses a placeholder"
    );
    let client = crate::support::app::Client {
        app_id: id,
        id: key,
        secret,
    };
    app.password_tokens(&client, "alice", "alice-password")
        .await;
}

async fn regenerating_the_secret_invalidates_the_old_one(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let (browser, id) = signed_in_with_app(&app, "alice").await;
    let (key, old) = generate(&browser, &id).await;
    let from = format!("/apps/{id}/keys/production");
    let unconfirmed = browser
        .post(
            &from,
            "regenerate_secret",
            &[("app_id", &id), ("key_type", "production")],
        )
        .await;
    assert!(unconfirmed.error().is_some());
    let done = browser
        .post(
            &from,
            "regenerate_secret",
            &[
                ("app_id", &id),
                ("key_type", "production"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert!(done.error().is_none());
    let (_, page) = browser.get(&from).await;
    let new = value_after(&page, "Consumer secret").unwrap().to_owned();
    assert_ne!(new, old);
    let old_client = crate::support::app::Client {
        app_id: id.clone(),
        id: key.clone(),
        secret: old,
    };
    let res = app
        .token(&old_client, &[("grant_type", "client_credentials")])
        .await;
    assert_eq!(res.status(), 401, "the old secret stops working at once");
    let new_client = crate::support::app::Client {
        app_id: id,
        id: key,
        secret: new,
    };
    assert_eq!(
        app.token(&new_client, &[("grant_type", "client_credentials")])
            .await
            .status(),
        200
    );
}

async fn a_ui_user_token_counts_like_an_api_token(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let (browser, id) = signed_in_with_app(&app, "alice").await;
    generate(&browser, &id).await;
    let from = format!("/apps/{id}/keys/production");
    let wrong = browser
        .post(
            &from,
            "generate_token",
            &[
                ("app_id", &id),
                ("key_type", "production"),
                ("token_kind", "user"),
                ("password", "bad"),
                ("scope", ""),
                ("validity", ""),
            ],
        )
        .await;
    assert!(wrong.error().unwrap().contains("not correct"));
    let ok = browser
        .post(
            &from,
            "generate_token",
            &[
                ("app_id", &id),
                ("key_type", "production"),
                ("token_kind", "user"),
                ("password", "alice-password"),
                ("scope", ""),
                ("validity", "600"),
            ],
        )
        .await;
    assert!(ok.error().is_none(), "{ok:?}");
    let (_, page) = browser.get(&from).await;
    let token = value_after(&page, "Access token").unwrap().to_owned();
    let intro = app.services.introspect(&token, None).await.unwrap();
    assert!(intro.active);
    let events = app
        .services
        .store
        .events_of_application(&id, 0)
        .await
        .unwrap();
    let issued: Vec<_> = events.iter().filter(|e| e.outcome == "issued").collect();
    assert_eq!(issued.len(), 1);
    assert_eq!(
        (issued[0].grant_type.as_str(), issued[0].username.as_deref()),
        ("password", Some("alice"))
    );
    assert!(
        events.iter().any(|e| e.outcome == "failed"),
        "the wrong password counts as a failed grant"
    );

    let (_, tokens) = browser.get("/tokens").await;
    assert!(tokens.contains("Pizza"));
    let portico::crypto::TokenLocator::Row(id) = portico::crypto::locate(&token) else {
        panic!("portal tokens carry their row id");
    };
    let row = app.services.store.token_by_id(&id).await.unwrap();
    let revoked = browser
        .post("/tokens", "revoke_my_token", &[("id", &row.id)])
        .await;
    assert_eq!(revoked.location, "/tokens?revoked=1");
    assert!(!app.services.introspect(&token, None).await.unwrap().active);
}

async fn nobody_reaches_another_users_application(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let (_, id) = signed_in_with_app(&app, "alice").await;
    let (mallory, _) = signed_in_with_app(&app, "mallory").await;
    let (_, page) = mallory.get(&format!("/apps/{id}")).await;
    assert!(page.contains("Application was not found") && !page.contains("orders"));
    let (_, keys) = mallory.get(&format!("/apps/{id}/keys/production")).await;
    assert!(keys.contains("was not found"));
    let from = format!("/apps/{id}");
    for (function, fields) in [
        (
            "update_app",
            vec![
                ("id", id.as_str()),
                ("name", "owned"),
                ("description", ""),
                ("token_validity", ""),
            ],
        ),
        (
            "delete_app",
            vec![("id", id.as_str()), ("confirm_name", "Pizza")],
        ),
        (
            "generate_keys",
            vec![
                ("app_id", id.as_str()),
                ("key_type", "production"),
                ("grant_password", "on"),
                ("validity", ""),
            ],
        ),
        (
            "generate_token",
            vec![
                ("app_id", id.as_str()),
                ("key_type", "production"),
                ("token_kind", "application"),
                ("scope", ""),
                ("validity", ""),
            ],
        ),
    ] {
        let posted = mallory.post(&from, function, &fields).await;
        assert!(
            posted.error().unwrap().contains("NotFound"),
            "{function}: {posted:?}"
        );
    }
    assert_eq!(
        app.services.store.application(&id).await.unwrap().name,
        "Pizza"
    );
    assert!(app
        .services
        .store
        .keys_of_application(&id)
        .await
        .unwrap()
        .is_empty());
}

async fn pages_need_a_session(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = Browser::new(&app);
    for page in ["/apps", "/tokens", "/admin/users"] {
        let res = browser.http.get(app.portal(page)).send().await.unwrap();
        assert_eq!(res.status(), 302, "{page}");
        assert_eq!(res.headers()["location"], "/signin");
    }
    let (status, html) = browser.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("/portico.css"));
}

on_both_backends!(
    applications_are_created_edited_and_deleted,
    the_secret_is_shown_once_and_works_on_token,
    regenerating_the_secret_invalidates_the_old_one,
    a_ui_user_token_counts_like_an_api_token,
    nobody_reaches_another_users_application,
    pages_need_a_session,
);
