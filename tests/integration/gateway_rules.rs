//! Gateway decisions (RFC 6750): routing, token checks, subscriptions and scopes.

use crate::support::gateway::fixture;
use crate::support::Backend;
use crate::{on_both_backends, on_every_topology};
use portico::service::ScopeInput;

on_every_topology!(
    the_seeds_scope_rule_lets_update_through_only_with_the_update_scope,
    any_one_of_a_resources_scopes_suffices,
    requests_without_a_usable_token_get_401_with_a_bearer_challenge,
);

on_both_backends!(
    unknown_paths_and_methods_are_404_and_405,
    an_application_must_be_subscribed_to_the_api,
    revocation_here_takes_effect_at_once,
    revocation_elsewhere_takes_effect_within_the_cache_bound,
    role_restricted_scopes_go_only_to_users_with_the_role,
);

fn challenge(res: &reqwest::Response) -> String {
    res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned()
}

async fn the_seeds_scope_rule_lets_update_through_only_with_the_update_scope(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let both = f.token("read update").await;
    let read = f.token("read").await;
    assert_eq!(f.call("PUT", "/order/42", Some(&both)).await.status(), 200);
    let blocked = f.call("PUT", "/order/42", Some(&read)).await;
    assert_eq!(blocked.status(), 403);
    let header = challenge(&blocked);
    assert!(header.starts_with("Bearer realm=\"portico\""), "{header}");
    assert!(header.contains("error=\"insufficient_scope\""));
    assert!(header.contains("scope=\"update\""));
    let body: serde_json::Value = blocked.json().await.unwrap();
    assert_eq!(body["error"], "insufficient_scope");
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("update"));
    assert_eq!(f.call("GET", "/order/42", Some(&read)).await.status(), 200);
    // A resource without scopes takes any active token of a subscribed application.
    let default = f.token("default").await;
    assert_eq!(f.call("GET", "/menu", Some(&default)).await.status(), 200);
}

async fn any_one_of_a_resources_scopes_suffices(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let audit = f.token("audit").await;
    assert_eq!(f.call("GET", "/order/1", Some(&audit)).await.status(), 200);
    let update = f.token("update").await;
    let res = f.call("GET", "/order/1", Some(&update)).await;
    assert_eq!(res.status(), 403);
    assert!(challenge(&res).contains("scope=\"audit read\""));
}

async fn requests_without_a_usable_token_get_401_with_a_bearer_challenge(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let missing = f.call("GET", "/menu", None).await;
    assert_eq!(missing.status(), 401);
    assert_eq!(challenge(&missing), "Bearer realm=\"portico\"");
    assert_eq!(missing.headers()["content-type"], "application/json");

    let unknown = f.call("GET", "/menu", Some("no-such-token")).await;
    assert_eq!(unknown.status(), 401);
    assert!(challenge(&unknown).contains("error=\"invalid_token\""));

    let malformed = f
        .gw()
        .http
        .get(f.gw().gateway("/pizzashack/1.0.0/menu"))
        .header("authorization", "Bearer two words")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert!(challenge(&malformed).contains("error=\"invalid_request\""));

    let token = f.token("read").await;
    f.advance(3601);
    let expired = f.call("GET", "/menu", Some(&token)).await;
    assert_eq!(expired.status(), 401);
    let body: serde_json::Value = expired.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token");
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("expired"));
}

async fn an_application_must_be_subscribed_to_the_api(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let other = f.app.client("dev", "password").await;
    let token = f.token_for(&other, "read").await;
    let res = f.call("GET", "/menu", Some(&token)).await;
    assert_eq!(res.status(), 403);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "not_subscribed");
    // Unsubscribing takes effect at once on this server.
    let dev = f.app.services.user("dev").await.unwrap();
    let token = f.token("read").await;
    assert_eq!(f.call("GET", "/menu", Some(&token)).await.status(), 200);
    f.app
        .services
        .unsubscribe(&dev, &f.client.app_id, &f.api_id)
        .await
        .unwrap();
    assert_eq!(f.call("GET", "/menu", Some(&token)).await.status(), 403);
}

async fn unknown_paths_and_methods_are_404_and_405(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let token = f.token("read").await;
    let res = f.call("GET", "/drinks", Some(&token)).await;
    assert_eq!(res.status(), 404);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "not_found");
    let none = f
        .app
        .http
        .get(f.app.gateway("/no/such/api"))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 404);
    let res = f.call("DELETE", "/order/1", Some(&token)).await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET, PUT");
    // Unpublished APIs are not routed.
    f.app
        .services
        .set_published(&f.api_id, false, None)
        .await
        .unwrap();
    assert_eq!(f.call("GET", "/menu", Some(&token)).await.status(), 404);
}

async fn revocation_here_takes_effect_at_once(b: Backend) {
    let Some(f) = fixture(b, |c| c.gateway.cache_seconds = 600).await else {
        return;
    };
    let token = f.token("read").await;
    assert_eq!(f.call("GET", "/menu", Some(&token)).await.status(), 200);
    assert_eq!(f.revoke(&token).await.status(), 200);
    // The row is still cached, but a revocation made here outdates it.
    let res = f.call("GET", "/menu", Some(&token)).await;
    assert_eq!(res.status(), 401);
    assert!(challenge(&res).contains("invalid_token"));
}

async fn revocation_elsewhere_takes_effect_within_the_cache_bound(b: Backend) {
    let Some(f) = fixture(b, |c| c.gateway.cache_seconds = 1).await else {
        return;
    };
    let token = f.token("read").await;
    assert_eq!(f.call("GET", "/menu", Some(&token)).await.status(), 200);
    f.revoke_elsewhere().await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let res = f.call("GET", "/menu", Some(&token)).await;
    assert_eq!(res.status(), 401);
    assert!(challenge(&res).contains("invalid_token"));
}

async fn role_restricted_scopes_go_only_to_users_with_the_role(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let s = &f.app.services;
    let input = ScopeInput {
        name: "kitchen".into(),
        roles: "chef".into(),
        ..Default::default()
    };
    s.create_scope(input).await.unwrap();
    assert_eq!(f.granted("read kitchen").await, "read");
    assert_eq!(f.granted("kitchen").await, "default");
    s.set_roles("dev", "chef").await.unwrap();
    assert_eq!(f.granted("read kitchen").await, "kitchen read");
    // Application tokens never get role-restricted scopes.
    let cc = f
        .app
        .token(
            &f.client,
            &[
                ("grant_type", "client_credentials"),
                ("scope", "kitchen read"),
            ],
        )
        .await;
    let body: serde_json::Value = cc.json().await.unwrap();
    assert_eq!(body["scope"], "read");
}
