//! RFC 7009 revocation and RFC 7662 introspection.

use crate::on_both_backends;
use crate::support::app::Client;
use crate::support::{spawn_app, Backend, TestApp};
use serde_json::Value;

async fn revoke(app: &TestApp, c: &Client, token: &str, hint: Option<&str>) -> reqwest::Response {
    let mut form = vec![("token", token)];
    if let Some(h) = hint {
        form.push(("token_type_hint", h));
    }
    app.http
        .post(app.gateway("/revoke"))
        .basic_auth(&c.id, Some(&c.secret))
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn introspect(app: &TestApp, user: &str, pw: &str, token: &str) -> reqwest::Response {
    app.http
        .post(app.portal("/oauth2/introspect"))
        .basic_auth(user, Some(pw))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
}

async fn introspection_describes_active_tokens(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password,refresh_token").await;
    let t = app.password_tokens(&c, "alice", "alice-password").await;
    let res = introspect(&app, &c.id, &c.secret, t["access_token"].as_str().unwrap()).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["active"], true);
    assert_eq!(body["scope"], "default");
    assert_eq!(body["client_id"], c.id.as_str());
    assert_eq!(body["username"], "alice");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(
        body["exp"].as_i64().unwrap() - body["iat"].as_i64().unwrap(),
        3600
    );
    let user = app.services.user("alice").await.unwrap();
    assert_eq!(body["sub"], user.id.as_str());
}

async fn inactive_and_unknown_tokens_are_exactly_active_false(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    let t = app.password_tokens(&c, "alice", "alice-password").await;
    let at = t["access_token"].as_str().unwrap();
    let res = introspect(&app, &c.id, &c.secret, "unknown-token").await;
    assert_eq!(res.text().await.unwrap(), r#"{"active":false}"#);
    app.services.clock.advance(3601);
    let res = introspect(&app, &c.id, &c.secret, at).await;
    assert_eq!(res.text().await.unwrap(), r#"{"active":false}"#, "expired");
}

async fn introspection_requires_a_client_or_an_admin(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    app.services
        .create_user(
            "root",
            None,
            &secrecy::SecretString::from("root-password"),
            true,
            false,
        )
        .await
        .unwrap();
    let res = app
        .http
        .post(app.portal("/oauth2/introspect"))
        .form(&[("token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(
        introspect(&app, "alice", "alice-password", "x")
            .await
            .status(),
        401,
        "not an admin"
    );
    assert_eq!(
        introspect(&app, "root", "root-password", "x")
            .await
            .status(),
        200
    );
}

async fn a_client_revokes_its_own_tokens_and_unknown_ones_silently(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    let t = app.password_tokens(&c, "alice", "alice-password").await;
    let at = t["access_token"].as_str().unwrap();
    assert_eq!(revoke(&app, &c, "unknown", None).await.status(), 200);
    assert_eq!(
        revoke(&app, &c, at, Some("refresh_token")).await.status(),
        200,
        "hint is only a hint"
    );
    assert!(!app.services.introspect(at, None).await.unwrap().active);
}

async fn a_client_cannot_revoke_another_clients_token(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c1 = app.client("alice", "password").await;
    let c2 = app.client("alice", "password").await;
    let t = app.password_tokens(&c1, "alice", "alice-password").await;
    let at = t["access_token"].as_str().unwrap();
    let res = revoke(&app, &c2, at, None).await;
    assert_eq!(res.status(), 400);
    assert!(app.services.introspect(at, None).await.unwrap().active);
    let wrong = Client {
        secret: "nope".into(),
        ..c1.clone()
    };
    assert_eq!(revoke(&app, &wrong, at, None).await.status(), 401);
}

async fn revoking_a_refresh_token_revokes_access_tokens_issued_from_it(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password,refresh_token").await;
    let t1 = app.password_tokens(&c, "alice", "alice-password").await;
    let res = app
        .token(
            &c,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", t1["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    let t2: Value = res.json().await.unwrap();
    assert_eq!(
        revoke(&app, &c, t2["refresh_token"].as_str().unwrap(), None)
            .await
            .status(),
        200
    );
    for at in [&t1["access_token"], &t2["access_token"]] {
        assert!(
            !app.services
                .introspect(at.as_str().unwrap(), None)
                .await
                .unwrap()
                .active
        );
    }
}

async fn the_oauth2_crate_runs_password_and_refresh_flows(b: Backend) {
    use oauth2::basic::BasicClient;
    use oauth2::{
        ClientId, ClientSecret, ResourceOwnerPassword, ResourceOwnerUsername, TokenResponse,
        TokenUrl,
    };
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password,refresh_token").await;
    let client = BasicClient::new(ClientId::new(c.id.clone()))
        .set_client_secret(ClientSecret::new(c.secret.clone()))
        .set_token_uri(TokenUrl::new(app.gateway("/token")).unwrap());
    let http = oauth2::reqwest::ClientBuilder::new()
        .danger_accept_invalid_certs(true)
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let tokens = client
        .exchange_password(
            &ResourceOwnerUsername::new("alice".into()),
            &ResourceOwnerPassword::new("alice-password".into()),
        )
        .request_async(&http)
        .await
        .expect("password flow");
    assert_eq!(tokens.expires_in().unwrap().as_secs(), 3600);
    let refreshed = client
        .exchange_refresh_token(tokens.refresh_token().unwrap())
        .request_async(&http)
        .await
        .expect("refresh flow");
    assert_ne!(
        refreshed.access_token().secret(),
        tokens.access_token().secret()
    );
}

on_both_backends!(
    introspection_describes_active_tokens,
    inactive_and_unknown_tokens_are_exactly_active_false,
    introspection_requires_a_client_or_an_admin,
    a_client_revokes_its_own_tokens_and_unknown_ones_silently,
    a_client_cannot_revoke_another_clients_token,
    revoking_a_refresh_token_revokes_access_tokens_issued_from_it,
    the_oauth2_crate_runs_password_and_refresh_flows,
);
