//! Client authentication on `POST /token`: Basic or body credentials, never both, and
//! the grants a key allows.

use crate::on_both_backends;
use crate::support::app::{spawn_with, Client};
use crate::support::{spawn_app, Backend};
use portico::domain::KeyType;
use reqwest::header;
use secrecy::ExposeSecret;
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
        "unauthorized_client"
    );
    let res = app.token(&c, &[("grant_type", "implicit")]).await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );
}

on_both_backends!(
    client_may_authenticate_in_the_body_but_not_both_ways,
    failed_client_authentication_is_401_with_a_basic_challenge,
    grants_the_key_does_not_allow_are_unauthorized_client,
    cached_keys_follow_secret_changes_within_the_bound,
);

/// A secret regenerated through this server stops the old one at once; one changed
/// behind its back (another server on the same database) within the cache bound.
async fn cached_keys_follow_secret_changes_within_the_bound(b: Backend) {
    let Some(app) = spawn_with(b, |c| c.oauth.client_cache_seconds = 1).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "client_credentials").await;
    let grant = |id: String, secret: String| {
        let app = &app;
        async move {
            let client = Client {
                app_id: String::new(),
                id,
                secret,
            };
            app.token(&client, &[("grant_type", "client_credentials")])
                .await
                .status()
        }
    };
    assert_eq!(grant(c.id.clone(), c.secret.clone()).await, 200);

    let row = app.services.store.application(&c.app_id).await.unwrap();
    let fresh = app
        .services
        .regenerate_secret(&row, KeyType::Production)
        .await
        .unwrap();
    let fresh = fresh.consumer_secret.expose_secret().to_owned();
    assert_eq!(grant(c.id.clone(), c.secret.clone()).await, 401);
    assert_eq!(grant(c.id.clone(), fresh.clone()).await, 200);

    let elsewhere = "another-servers-secret".to_owned();
    let digest = portico::crypto::digest(&elsewhere);
    app.services
        .store
        .replace_key_secret(&c.id, &digest, 1)
        .await
        .unwrap();
    assert_eq!(
        grant(c.id.clone(), fresh.clone()).await,
        200,
        "cached within the bound"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        grant(c.id.clone(), fresh).await,
        401,
        "the old one ends within the bound"
    );
    assert_eq!(grant(c.id.clone(), elsewhere).await, 200);
}
