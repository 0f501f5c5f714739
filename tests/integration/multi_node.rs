//! Several nodes on one database, each with its own caches, as processes behind a load
//! balancer would be. Caches here are kept long (60 s) so only the revocation feed, not
//! their expiry, can explain a revocation honoured on another node.

use crate::on_both_backends;
use crate::portal_apps::{post_generate, signed_in_with_app, value_after};
use crate::support::app::{second_node, spawn_with, Client, TestApp};
use crate::support::browser::Browser;
use crate::support::gateway::{fixture, Fixture, CONTEXT};
use crate::support::{spawn_app, Backend};
use portico::domain::KeyType;
use portico::server::config::Config;
use std::time::{Duration, Instant};

/// The documented bound on a revocation made on another node (README, "Many nodes").
pub(crate) const BOUND: Duration = Duration::from_secs(2);

fn long_caches(c: &mut Config) {
    c.gateway.cache_seconds = 60;
    c.oauth.client_cache_seconds = 60;
}

pub(crate) async fn call(node: &TestApp, token: &str) -> u16 {
    let url = node.gateway(&format!("{CONTEXT}/menu"));
    let res = node.http.get(url).bearer_auth(token).send().await.unwrap();
    res.status().as_u16()
}

/// How long until `check` first holds, polled every 20 ms; panics after five bounds.
pub(crate) async fn time_until<F, Fut>(mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() < BOUND * 5 {
        if check().await {
            return start.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("not honoured after {:?}", BOUND * 5);
}

async fn two_nodes(b: Backend) -> Option<(Fixture, TestApp)> {
    let f = fixture(b, long_caches).await?;
    let other = second_node(&f.app, long_caches).await;
    Some((f, other))
}

async fn a_token_revoked_on_one_node_is_refused_by_another_within_the_bound(b: Backend) {
    let Some((f, other)) = two_nodes(b).await else {
        return;
    };
    let token = f.token("").await;
    assert_eq!(call(&other, &token).await, 200, "issued on A, works on B");
    assert_eq!(call(&f.app, &token).await, 200);
    assert_eq!(f.revoke(&token).await.status(), 200);
    let took = time_until(|| async { call(&other, &token).await == 401 }).await;
    assert!(
        took <= BOUND,
        "node B honoured the revocation after {took:?}"
    );
    assert_eq!(call(&f.app, &token).await, 401, "and node A at once");
}

async fn a_user_locked_on_one_node_loses_access_on_another(b: Backend) {
    let Some((f, other)) = two_nodes(b).await else {
        return;
    };
    let token = f.token("").await;
    assert_eq!(call(&other, &token).await, 200);
    f.app.services.set_locked("dev", true).await.unwrap();
    let took = time_until(|| async { call(&other, &token).await == 401 }).await;
    assert!(took <= BOUND, "honoured after {took:?}");
}

async fn a_secret_regenerated_on_one_node_stops_working_on_another(b: Backend) {
    let Some((f, other)) = two_nodes(b).await else {
        return;
    };
    let grant = |node: &TestApp, c: &Client| {
        let (node, c) = (node.http.clone(), (c.clone(), node.gateway("/token")));
        async move {
            let res = node
                .post(c.1)
                .basic_auth(&c.0.id, Some(&c.0.secret))
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await
                .unwrap();
            res.status().as_u16()
        }
    };
    assert_eq!(grant(&other, &f.client).await, 200, "B caches the key");
    let dev = f.app.services.user("dev").await.unwrap();
    let app = f
        .app
        .services
        .application_for(&dev, &f.client.app_id)
        .await
        .unwrap();
    f.app
        .services
        .regenerate_secret(&app, KeyType::Production)
        .await
        .unwrap();
    assert_eq!(grant(&f.app, &f.client).await, 401, "A refuses at once");
    let took = time_until(|| async { grant(&other, &f.client).await == 401 }).await;
    assert!(took <= BOUND, "B refused the old secret after {took:?}");
}

async fn a_refresh_token_from_one_node_works_on_another_and_its_replay_is_caught(b: Backend) {
    let Some((f, other)) = two_nodes(b).await else {
        return;
    };
    let first = f
        .app
        .password_tokens(&f.client, "dev", "dev-password-1")
        .await;
    let refresh = first["refresh_token"].as_str().unwrap();
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh)];
    let res = other.token(&f.client, &form).await;
    assert_eq!(res.status(), 200, "refreshed on B");
    let renewed: serde_json::Value = res.json().await.unwrap();
    let access = renewed["access_token"].as_str().unwrap();
    assert_eq!(call(&f.app, access).await, 200, "B's token works on A");

    let replay = f.app.token(&f.client, &form).await;
    assert_eq!(replay.status(), 400, "the replay is caught on A");
    let took = time_until(|| async { call(&other, access).await == 401 }).await;
    assert!(took <= BOUND, "the family died on B after {took:?}");
}

async fn a_new_secret_is_shown_once_on_whichever_node_serves_the_next_page(b: Backend) {
    let Some(a) = spawn_app(b).await else {
        return;
    };
    let node_b = second_node(&a, |_| {}).await;
    let (on_a, id) = signed_in_with_app(&a, "alice").await;
    let page = format!("/apps/{id}/keys/production");
    let posted = post_generate(&on_a, &id).await;
    assert!(posted.error().is_none(), "{posted:?}");
    let on_b = on_a.at(&node_b);
    let (status, html) = on_b.get(&page).await;
    assert_eq!(status, 200);
    let secret = value_after(&html, "Consumer secret").expect("the secret, on node B");
    assert_eq!(secret.len(), 43);
    for node in [&on_b, &on_a] {
        let (_, again) = node.get(&page).await;
        assert!(!again.contains(secret), "shown once only");
        assert!(value_after(&again, "Consumer key").is_some());
    }
    let left = a.services.store.purge_flashes(i64::MAX).await.unwrap();
    assert_eq!(left, 0, "taken, not left behind");
}

async fn the_sign_up_switch_flipped_on_one_node_holds_on_another(b: Backend) {
    let Some(a) = spawn_app(b).await else {
        return;
    };
    let node_b = second_node(&a, |_| {}).await;
    a.services.set_self_signup(false).await.unwrap();
    let form = [
        ("username", "newdev"),
        ("email", "new@example.com"),
        ("password", "a good password"),
        ("confirm_password", "a good password"),
    ];
    let refused = Browser::new(&node_b)
        .post("/signup", "sign_up", &form)
        .await;
    assert!(refused.error().unwrap().contains("SignupDisabled"));
    a.services.set_self_signup(true).await.unwrap();
    let done = Browser::new(&node_b)
        .post("/signup", "sign_up", &form)
        .await;
    assert_eq!(done.location, "/signin?created=1");
}

/// Two wrong passwords on node A and one on node B, with three allowed per address:
/// the statuses of the right password then tried on A and on B.
async fn right_password_after_a_spread_spray(b: Backend, shared: bool) -> Option<(u16, u16)> {
    let limits = move |c: &mut Config| {
        c.oauth.throttling.shared = Some(shared);
        c.oauth.throttling.address_max_failures = 3;
    };
    let a = spawn_with(b, limits).await?;
    let node_b = second_node(&a, limits).await;
    a.user("alice", "alice-password").await;
    let c = a.client("alice", "password").await;
    for node in [&a, &a, &node_b] {
        let res = node.password_grant(&c, "alice", "wrong-password").await;
        assert_eq!(res.status(), 400);
    }
    let on_a = a.password_grant(&c, "alice", "alice-password").await;
    let on_b = node_b.password_grant(&c, "alice", "alice-password").await;
    Some((on_a.status().as_u16(), on_b.status().as_u16()))
}

async fn wrong_passwords_spread_over_two_nodes_meet_the_limit_of_one(b: Backend) {
    let Some(statuses) = right_password_after_a_spread_spray(b, true).await else {
        return;
    };
    assert_eq!(
        statuses,
        (429, 429),
        "three failures across the nodes block both"
    );
}

async fn without_sharing_each_node_counts_only_its_own_failures(b: Backend) {
    let Some(statuses) = right_password_after_a_spread_spray(b, false).await else {
        return;
    };
    assert_eq!(
        statuses,
        (200, 200),
        "two here and one there stay under three"
    );
}

on_both_backends!(
    wrong_passwords_spread_over_two_nodes_meet_the_limit_of_one,
    without_sharing_each_node_counts_only_its_own_failures,
    a_new_secret_is_shown_once_on_whichever_node_serves_the_next_page,
    the_sign_up_switch_flipped_on_one_node_holds_on_another,
    a_token_revoked_on_one_node_is_refused_by_another_within_the_bound,
    a_user_locked_on_one_node_loses_access_on_another,
    a_secret_regenerated_on_one_node_stops_working_on_another,
    a_refresh_token_from_one_node_works_on_another_and_its_replay_is_caught,
);
