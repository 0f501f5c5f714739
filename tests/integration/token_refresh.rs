//! Refresh-token rotation, replay detection, client binding, scope narrowing, expiry.

use crate::on_both_backends;
use crate::support::{spawn_app, Backend};
use serde_json::Value;

async fn refresh(
    app: &crate::support::TestApp,
    c: &crate::support::app::Client,
    rt: &str,
    scope: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![("grant_type", "refresh_token"), ("refresh_token", rt)];
    if let Some(s) = scope {
        form.push(("scope", s));
    }
    app.token(c, &form).await
}

async fn error(res: reqwest::Response) -> String {
    assert_eq!(res.status(), 400);
    res.json::<Value>().await.unwrap()["error"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn refresh_tokens_rotate_and_work_once(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password,refresh_token").await;
    let first = app.password_tokens(&c, "alice", "alice-password").await;
    let rt1 = first["refresh_token"].as_str().unwrap();
    let res = refresh(&app, &c, rt1, None).await;
    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_ne!(second["access_token"], first["access_token"]);
    assert_eq!(second["scope"], "default");
    let rt2 = second["refresh_token"].as_str().unwrap();
    assert_eq!(refresh(&app, &c, rt2, None).await.status(), 200);
}

async fn replaying_a_used_refresh_token_revokes_the_family(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password,refresh_token").await;
    let first = app.password_tokens(&c, "alice", "alice-password").await;
    let rt1 = first["refresh_token"].as_str().unwrap();
    let second: Value = refresh(&app, &c, rt1, None).await.json().await.unwrap();
    let at2 = second["access_token"].as_str().unwrap();
    assert!(app.services.introspect(at2, None).await.unwrap().active);
    assert_eq!(
        error(refresh(&app, &c, rt1, None).await).await,
        "invalid_grant"
    );
    // The legitimate successor dies with the family, and so does its access token.
    let rt2 = second["refresh_token"].as_str().unwrap();
    assert_eq!(
        error(refresh(&app, &c, rt2, None).await).await,
        "invalid_grant"
    );
    assert!(!app.services.introspect(at2, None).await.unwrap().active);
}

async fn refresh_tokens_are_bound_to_their_client(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c1 = app.client("alice", "password,refresh_token").await;
    let c2 = app.client("alice", "password,refresh_token").await;
    let t = app.password_tokens(&c1, "alice", "alice-password").await;
    let rt = t["refresh_token"].as_str().unwrap();
    assert_eq!(
        error(refresh(&app, &c2, rt, None).await).await,
        "invalid_grant"
    );
    assert_eq!(
        refresh(&app, &c1, rt, None).await.status(),
        200,
        "still usable by its owner"
    );
}

async fn refresh_may_narrow_but_never_widen_scope(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    for s in ["read", "write", "admin"] {
        let input = portico::service::ScopeInput {
            name: s.into(),
            ..Default::default()
        };
        app.services.create_scope(input).await.unwrap();
    }
    let c = app.client("alice", "password,refresh_token").await;
    let res = app
        .token(
            &c,
            &[
                ("grant_type", "password"),
                ("username", "alice"),
                ("password", "alice-password"),
                ("scope", "read write"),
            ],
        )
        .await;
    let t: Value = res.json().await.unwrap();
    let rt = t["refresh_token"].as_str().unwrap();
    assert_eq!(
        error(refresh(&app, &c, rt, Some("read admin")).await).await,
        "invalid_scope"
    );
    let narrowed: Value = refresh(&app, &c, rt, Some("read"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(narrowed["scope"], "read");
}

async fn expired_refresh_tokens_are_invalid_grants(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password,refresh_token").await;
    let t = app.password_tokens(&c, "alice", "alice-password").await;
    app.services.clock.advance(86_400 + 1);
    assert_eq!(
        error(refresh(&app, &c, t["refresh_token"].as_str().unwrap(), None).await).await,
        "invalid_grant"
    );
}

async fn unknown_refresh_tokens_are_invalid_grants(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "refresh_token").await;
    assert_eq!(
        error(refresh(&app, &c, "not-a-token", None).await).await,
        "invalid_grant"
    );
}

on_both_backends!(
    refresh_tokens_rotate_and_work_once,
    replaying_a_used_refresh_token_revokes_the_family,
    refresh_tokens_are_bound_to_their_client,
    refresh_may_narrow_but_never_widen_scope,
    expired_refresh_tokens_are_invalid_grants,
    unknown_refresh_tokens_are_invalid_grants,
    a_refresh_drops_scopes_whose_roles_the_user_lost_and_fails_when_none_remain,
);

async fn a_refresh_drops_scopes_whose_roles_the_user_lost_and_fails_when_none_remain(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let s = &app.services;
    for (name, roles) in [("kitchen", "chef"), ("read", "")] {
        let input = portico::service::ScopeInput {
            name: name.into(),
            roles: roles.into(),
            ..Default::default()
        };
        s.create_scope(input).await.unwrap();
    }
    app.user("alice", "alice-password").await;
    s.set_roles("alice", "chef").await.unwrap();
    let c = app.client("alice", "password,refresh_token").await;
    let grant = |scope: &'static str| {
        let (app, c) = (&app, &c);
        async move {
            let form = [
                ("grant_type", "password"),
                ("username", "alice"),
                ("password", "alice-password"),
                ("scope", scope),
            ];
            let body: Value = app.token(c, &form).await.json().await.unwrap();
            assert_eq!(body["scope"], scope);
            body["refresh_token"].as_str().unwrap().to_owned()
        }
    };
    let both = grant("kitchen read").await;
    let kitchen = grant("kitchen").await;
    s.set_roles("alice", "").await.unwrap();
    let res = refresh(&app, &c, &both, None).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["scope"], "read",
        "the response says what is still granted"
    );
    let res = refresh(&app, &c, &kitchen, None).await;
    assert_eq!(error(res).await, "invalid_grant");
}
