//! A gateway node with the key manager on another server: tokens are issued and checked
//! there, Argon2 never runs on the gateway, and a key manager that stops answering is
//! met with 503s (fail closed) and recovered from without a restart.

use crate::multi_node::{call, time_until, BOUND};
use crate::on_both_backends;
use crate::support::app::{Client, TestApp};
use crate::support::split::{key_manager, remote_node, restart_key_manager};
use crate::support::Backend;
use portico::server::config::Profile;

on_both_backends!(
    a_gateway_node_passes_token_requests_to_the_key_manager_and_hashes_nothing,
    each_profile_serves_only_its_own_listeners,
    a_token_revoked_on_the_key_manager_is_refused_by_every_gateway_within_the_bound,
    a_key_manager_that_stops_answering_is_met_with_503_and_recovered_from,
    the_client_address_reaches_the_key_manager_for_throttling,
);

async fn grant(node: &TestApp, client: &Client, password: &str) -> reqwest::Response {
    node.password_grant(client, "dev", password).await
}

/// An access token for `dev`, asked for through `node`.
async fn access_token(node: &TestApp, client: &Client) -> String {
    let body: serde_json::Value = grant(node, client, "dev-password-1")
        .await
        .json()
        .await
        .unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

async fn a_gateway_node_passes_token_requests_to_the_key_manager_and_hashes_nothing(b: Backend) {
    let Some(f) = key_manager(b).await else {
        return;
    };
    let gw = remote_node(&f.app, Profile::Gateway, |_| {}).await;
    let res = grant(&gw, &f.client, "dev-password-1").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.unwrap();
    for field in [
        "access_token",
        "refresh_token",
        "scope",
        "token_type",
        "expires_in",
    ] {
        assert!(body.get(field).is_some(), "{field} in {body}");
    }
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(
        call(&gw, token).await,
        200,
        "checked through the key manager"
    );
    // The key manager's refusals pass through unchanged, challenge included.
    let wrong = Client {
        secret: "not-the-secret".into(),
        ..f.client.clone()
    };
    let res = grant(&gw, &wrong, "dev-password-1").await;
    assert_eq!(res.status(), 401);
    assert!(res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Basic"));
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["error"],
        "invalid_client"
    );
    let res = gw
        .http
        .post(gw.gateway("/revoke"))
        .basic_auth(&f.client.id, Some(&f.client.secret))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        gw.services.hasher.hashes_computed(),
        0,
        "no Argon2 on the gateway"
    );
    assert!(f.app.services.hasher.hashes_computed() >= 1);
}

async fn status_of(node: &TestApp, url: String) -> Option<u16> {
    let res = node.http.get(url).send().await.ok()?;
    Some(res.status().as_u16())
}

async fn each_profile_serves_only_its_own_listeners(b: Backend) {
    let Some(f) = key_manager(b).await else {
        return;
    };
    let km = &f.app;
    let gw = remote_node(km, Profile::Gateway, |_| {}).await;
    assert_eq!(status_of(km, km.portal("/health")).await, Some(200));
    assert_eq!(status_of(km, km.portal("/")).await, Some(404), "no pages");
    assert_eq!(
        status_of(km, km.gateway("/health")).await,
        None,
        "no gateway"
    );
    assert_eq!(status_of(&gw, gw.gateway("/health")).await, Some(200));
    assert_eq!(
        status_of(&gw, gw.portal("/health")).await,
        None,
        "no portal"
    );
    let metadata = gw
        .get_json(gw.gateway("/.well-known/oauth-authorization-server"))
        .await;
    assert!(metadata["token_endpoint"].is_string());
    let ready = gw.get_json(gw.gateway("/ready")).await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["checks"]["key_manager"]["status"], "ok");
    // The internal API refuses whoever lacks a node credential.
    let res = km
        .http
        .post(km.portal("/internal/v1/tokens/validate"))
        .header("x-portico-client-address", "203.0.113.9")
        .json(&serde_json::json!({"token": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

async fn a_token_revoked_on_the_key_manager_is_refused_by_every_gateway_within_the_bound(
    b: Backend,
) {
    let Some(f) = key_manager(b).await else {
        return;
    };
    let long = |c: &mut portico::server::config::Config| c.gateway.cache_seconds = 60;
    let a = remote_node(&f.app, Profile::Gateway, long).await;
    let b = remote_node(&f.app, Profile::Gateway, long).await;
    let token = access_token(&a, &f.client).await;
    assert_eq!(call(&a, &token).await, 200, "issued through A");
    assert_eq!(call(&b, &token).await, 200, "works on B");
    let res = f
        .app
        .http
        .post(f.app.portal("/oauth2/revoke"))
        .basic_auth(&f.client.id, Some(&f.client.secret))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    for node in [&a, &b] {
        let took = time_until(|| async { call(node, &token).await == 401 }).await;
        assert!(took <= BOUND, "refused after {took:?}");
    }
    // An admin locks the user on a portal node: neither the key manager nor the gateways
    // made that revocation, and each must still honour it.
    let portal = remote_node(&f.app, Profile::Portal, long).await;
    let token = access_token(&a, &f.client).await;
    assert_eq!((call(&a, &token).await, call(&b, &token).await), (200, 200));
    portal.services.set_locked("dev", true).await.unwrap();
    for node in [&a, &b] {
        let took = time_until(|| async { call(node, &token).await == 401 }).await;
        assert!(took <= BOUND, "refused after {took:?}");
    }
}

async fn a_key_manager_that_stops_answering_is_met_with_503_and_recovered_from(b: Backend) {
    let Some(mut f) = key_manager(b).await else {
        return;
    };
    let gw = remote_node(&f.app, Profile::Gateway, |c| c.gateway.cache_seconds = 60).await;
    let cached = access_token(&gw, &f.client).await;
    let uncached = access_token(&gw, &f.client).await;
    assert_eq!(call(&gw, &cached).await, 200);
    f.app.stop().await;

    let res = grant(&gw, &f.client, "dev-password-1").await;
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable");
    assert_eq!(call(&gw, &cached).await, 200, "validated recently: kept");
    let res = gw
        .http
        .get(gw.gateway(&format!("{}/menu", crate::support::gateway::CONTEXT)))
        .bearer_auth(&uncached)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503, "never let through unchecked");
    assert!(res.headers().contains_key("retry-after"));
    let res = gw.http.get(gw.gateway("/ready")).send().await.unwrap();
    assert_eq!(res.status(), 503);
    let ready: serde_json::Value = res.json().await.unwrap();
    assert_eq!(ready["checks"]["key_manager"]["status"], "unavailable");

    let _back = restart_key_manager(&f.app).await;
    time_until(|| async { call(&gw, &uncached).await == 200 }).await;
    let res = grant(&gw, &f.client, "dev-password-1").await;
    assert_eq!(
        res.status(),
        200,
        "recovered without restarting the gateway"
    );
}

async fn grant_from(node: &TestApp, client: &Client, password: &str, from: &str) -> u16 {
    let form = [
        ("grant_type", "password"),
        ("username", "dev"),
        ("password", password),
    ];
    let res = node
        .http
        .post(node.gateway("/token"))
        .basic_auth(&client.id, Some(&client.secret))
        .header("x-forwarded-for", from)
        .form(&form)
        .send()
        .await
        .unwrap();
    res.status().as_u16()
}

async fn the_client_address_reaches_the_key_manager_for_throttling(b: Backend) {
    let Some(f) = key_manager(b).await else {
        return;
    };
    // Behind a load balancer on loopback: the gateway learns each client's address.
    let gw = remote_node(&f.app, Profile::Gateway, |c| {
        c.server.trusted_proxies = vec!["127.0.0.1".into(), "::1".into()];
    })
    .await;
    let free = f.app.services.throttle.config().pair_free_failures;
    for _ in 0..free {
        let status = grant_from(&gw, &f.client, "wrong-password", "203.0.113.7").await;
        assert_eq!(status, 400);
    }
    let status = grant_from(&gw, &f.client, "wrong-password", "203.0.113.7").await;
    assert_eq!(status, 429, "the key manager throttles that client");
    // Were the gateway's own address counted, every client would now wait.
    let status = grant_from(&gw, &f.client, "dev-password-1", "198.51.100.8").await;
    assert_eq!(status, 200, "another client is not held up");
}
