//! A portal node with the key manager on another server: Generate Keys, Regenerate
//! Secret and Generate Access Token are done there, and while it does not answer the
//! portal says so and disables those buttons.

use crate::multi_node::time_until;
use crate::on_both_backends;
use crate::portal_apps::{
    generate, post_generate, post_generate_typed, signed_in_with_app, value_after,
};
use crate::support::app::TestApp;
use crate::support::browser::Browser;
use crate::support::split::{key_manager, remote_node, restart_key_manager};
use crate::support::Backend;
use portico::server::config::Profile;

on_both_backends!(
    a_portal_node_makes_keys_and_tokens_through_the_key_manager,
    the_portal_says_when_the_key_manager_is_down_and_recovers_by_itself,
    a_portal_node_asks_the_key_manager_for_jwt_keys,
    a_portal_node_runs_the_consent_page_and_a_gateway_node_exchanges_the_code,
);

async fn grant_status(km: &TestApp, id: &str, secret: &str, password: &str) -> u16 {
    let form = [
        ("grant_type", "password"),
        ("username", "alice"),
        ("password", password),
    ];
    let res = km
        .http
        .post(km.portal("/oauth2/token"))
        .basic_auth(id, Some(secret))
        .form(&form)
        .send()
        .await
        .unwrap();
    res.status().as_u16()
}

async fn user_token(browser: &Browser, id: &str) -> crate::support::browser::Posted {
    let from = format!("/apps/{id}/keys/production");
    let form = [
        ("app_id", id),
        ("key_type", "production"),
        ("token_kind", "user"),
        ("password", "alice-password"),
        ("scope", ""),
        ("validity", ""),
    ];
    browser.post(&from, "generate_token", &form).await
}

async fn a_portal_node_makes_keys_and_tokens_through_the_key_manager(b: Backend) {
    let Some(f) = key_manager(b).await else {
        return;
    };
    let km = &f.app;
    let portal = remote_node(km, Profile::Portal, |_| {}).await;
    let (browser, id) = signed_in_with_app(&portal, "alice").await;
    let (key, secret) = generate(&browser, &id).await;
    assert_eq!(grant_status(km, &key, &secret, "alice-password").await, 200);

    let before = km.services.hasher.hashes_computed();
    let posted = user_token(&browser, &id).await;
    assert!(posted.error().is_none(), "{posted:?}");
    let (_, page) = browser.get(&format!("/apps/{id}/keys/production")).await;
    let token = value_after(&page, "Access token").unwrap().to_owned();
    assert!(km.services.introspect(&token, None).await.unwrap().active);
    assert!(
        km.services.hasher.hashes_computed() > before,
        "the password was checked on the key manager"
    );

    let from = format!("/apps/{id}/keys/production");
    let form = [
        ("app_id", id.as_str()),
        ("key_type", "production"),
        ("confirm", "yes"),
    ];
    let posted = browser.post(&from, "regenerate_secret", &form).await;
    assert!(posted.error().is_none(), "{posted:?}");
    let (_, page) = browser.get(&from).await;
    let fresh = value_after(&page, "Consumer secret").unwrap().to_owned();
    assert_ne!(fresh, secret);
    assert_eq!(grant_status(km, &key, &secret, "alice-password").await, 401);
    assert_eq!(grant_status(km, &key, &fresh, "alice-password").await, 200);
}

async fn the_portal_says_when_the_key_manager_is_down_and_recovers_by_itself(b: Backend) {
    let Some(mut f) = key_manager(b).await else {
        return;
    };
    let portal = remote_node(&f.app, Profile::Portal, |_| {}).await;
    let (browser, id) = signed_in_with_app(&portal, "alice").await;
    let from = format!("/apps/{id}/keys/production");
    let (_, page) = browser.get(&from).await;
    assert!(!page.contains("key manager is not answering"));
    f.app.stop().await;

    let posted = post_generate(&browser, &id).await;
    assert!(posted.error().is_some(), "refused");
    let (_, page) = browser.get(&posted.location).await;
    assert!(
        page.contains("so keys and tokens cannot be made right now"),
        "the form says why"
    );
    assert!(page.contains("The key manager is not answering."), "banner");
    assert!(page.contains("Unavailable while the key manager is not answering."));
    assert!(page.contains("disabled"), "Generate Keys is disabled");

    let _back = restart_key_manager(&f.app).await;
    time_until(|| async {
        let (_, page) = browser.get(&from).await;
        !page.contains("The key manager is not answering.")
    })
    .await;
    let (key, _) = generate(&browser, &id).await;
    assert!(!key.is_empty());
}

/// The token type chosen on a portal node travels to the key manager, whose JWTs the
/// portal then hands out.
async fn a_portal_node_asks_the_key_manager_for_jwt_keys(b: Backend) {
    let Some(f) = key_manager(b).await else {
        return;
    };
    let km = &f.app;
    let portal = remote_node(km, Profile::Portal, |_| {}).await;
    let (browser, id) = signed_in_with_app(&portal, "alice").await;
    let from = format!("/apps/{id}/keys/production");
    let posted = post_generate_typed(&browser, &id, "grant_password", "jwt").await;
    assert!(posted.error().is_none(), "{posted:?}");
    let key = km
        .services
        .store
        .keys_of_application(&id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(key.token_type, "jwt");
    let posted = user_token(&browser, &id).await;
    assert!(posted.error().is_none(), "{posted:?}");
    let (_, page) = browser.get(&from).await;
    let token = value_after(&page, "Access token").unwrap().to_owned();
    assert_eq!(token.split('.').count(), 3, "{token}");
    assert!(km.services.introspect(&token, None).await.unwrap().active);
}

/// Sign-in and consent on a portal node, the code exchanged at a gateway node, which
/// forwards it to the key manager: one database, three servers.
async fn a_portal_node_runs_the_consent_page_and_a_gateway_node_exchanges_the_code(b: Backend) {
    use crate::authorization_code::{
        allowed, authorize_path, code_client, exchange, CALLBACK, VERIFIER,
    };
    let Some(f) = key_manager(b).await else {
        return;
    };
    let km = &f.app;
    let portal = remote_node(km, Profile::Portal, |_| {}).await;
    let gateway = remote_node(km, Profile::Gateway, |_| {}).await;
    km.user("alice", "alice-password").await;
    let client = code_client(km, "alice", true).await;
    let browser = Browser::new(&portal);
    browser.sign_in("alice", "alice-password").await;
    let back = allowed(&portal, &browser, &authorize_path(&client, &[])).await;
    assert_eq!(back["iss"], portal.portal(""), "the issuer the browser saw");
    let form = [
        ("code", back["code"].as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let (status, tokens) = exchange(&gateway, &client, &form, true).await;
    assert_eq!(status, 200, "{tokens}");
    assert!(
        km.services
            .introspect(tokens["access_token"].as_str().unwrap(), None)
            .await
            .unwrap()
            .active
    );
}
