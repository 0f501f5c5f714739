//! Client authentication on `POST /token`: Basic or body credentials, never both, and
//! the grants a key allows.

use crate::on_both_backends;
use crate::support::{spawn_app, Backend};
use reqwest::header;
use serde_json::Value;

async fn client_may_authenticate_in_the_body_but_not_both_ways(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    let form = [
        ("grant_type", "password"),
        ("username", "alice"),
        ("password", "alice-password"),
        ("client_id", c.id.as_str()),
        ("client_secret", c.secret.as_str()),
    ];
    let res = app
        .http
        .post(app.gateway("/token"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app.token(&c, &form).await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
}

async fn failed_client_authentication_is_401_with_a_basic_challenge(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    let res = app
        .http
        .post(app.gateway("/token"))
        .basic_auth(&c.id, Some("wrong"))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.headers()[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .starts_with("Basic"));
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
    let res = app
        .http
        .post(app.gateway("/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", c.id.as_str()),
            ("client_secret", "wrong"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.headers().get(header::WWW_AUTHENTICATE).is_none());
    let res = app
        .http
        .post(app.gateway("/token"))
        .basic_auth("no-such-key", Some("x"))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

async fn grants_the_key_does_not_allow_are_unauthorized_client(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "client_credentials").await;
    let res = app.password_grant(&c, "alice", "alice-password").await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "unauthorized_client"
    );
    let res = app
        .token(&c, &[("grant_type", "authorization_code"), ("code", "x")])
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );
}

on_both_backends!(
    client_may_authenticate_in_the_body_but_not_both_ways,
    failed_client_authentication_is_401_with_a_basic_challenge,
    grants_the_key_does_not_allow_are_unauthorized_client,
);
