//! Every password check goes through the brute-force throttle, and people's passwords
//! in HTTP Basic are taken as typed.

use crate::on_both_backends;
use crate::support::app::spawn_with;
use crate::support::{spawn_app, Backend, TestApp};
use secrecy::SecretString;

on_both_backends!(
    admin_passwords_with_plus_and_percent_work_for_introspection_and_statistics,
    introspection_with_admin_credentials_is_throttled,
    changing_ones_own_password_is_throttled,
    fifty_parallel_wrong_passwords_hash_at_most_the_free_failures,
    a_full_hashing_queue_answers_429_before_hashing,
    many_correct_passwords_at_once_all_get_tokens,
);

const ADMIN_PASSWORD: &str = "adm+n%41 pass:word";

async fn admin(app: &TestApp) {
    app.services
        .create_user(
            "ops",
            None,
            &SecretString::from(ADMIN_PASSWORD),
            true,
            false,
        )
        .await
        .unwrap();
}

async fn introspect_as(app: &TestApp, password: &str, token: &str) -> reqwest::Response {
    app.http
        .post(app.portal("/oauth2/introspect"))
        .basic_auth("ops", Some(password))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
}

async fn admin_passwords_with_plus_and_percent_work_for_introspection_and_statistics(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    admin(&app).await;
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    let t = app.password_tokens(&c, "alice", "alice-password").await;
    let res = introspect_as(&app, ADMIN_PASSWORD, t["access_token"].as_str().unwrap()).await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["active"], true);
    let res = app
        .http
        .get(app.portal(&format!("/api/stats/applications/{}", c.app_id)))
        .basic_auth("ops", Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

async fn introspection_with_admin_credentials_is_throttled(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    admin(&app).await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(
            introspect_as(&app, "wrong-password", "t")
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(&statuses[..5], [401; 5], "{statuses:?}");
    assert_eq!(statuses[6], 429, "{statuses:?}");
    let res = introspect_as(&app, "wrong-password", "t").await;
    assert!(res.headers().contains_key("retry-after"));
}

async fn changing_ones_own_password_is_throttled(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let s = &app.services;
    let alice = s.user("alice").await.unwrap();
    let ip = std::net::IpAddr::from([192, 0, 2, 1]);
    let mut throttled = false;
    for _ in 0..7 {
        let r = s
            .change_own_password(
                &alice,
                &SecretString::from("wrong-password"),
                &SecretString::from("new-password-1"),
                ip,
            )
            .await;
        throttled |= matches!(r, Err(portico::service::ServiceError::Throttled(_)));
    }
    assert!(throttled, "wrong current passwords are throttled");
}

/// Fires `n` password grants at once, `user(i)` / `password` each; returns the statuses
/// and whether every 429 said when to retry.
async fn burst(
    app: &TestApp,
    n: usize,
    user: impl Fn(usize) -> String,
    password: &str,
) -> (Vec<u16>, bool) {
    let c = app.client("alice", "password").await;
    let requests = (0..n).map(|i| {
        let (c, name) = (c.clone(), user(i));
        async move { app.password_grant(&c, &name, password).await }
    });
    let answers = futures_util::future::join_all(requests).await;
    let retry_after = answers
        .iter()
        .filter(|r| r.status() == 429)
        .all(|r| r.headers().contains_key("retry-after"));
    (
        answers.iter().map(|r| r.status().as_u16()).collect(),
        retry_after,
    )
}

async fn fifty_parallel_wrong_passwords_hash_at_most_the_free_failures(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let before = app.services.hasher.hashes_computed();
    let (statuses, retry_after) = burst(&app, 50, |_| "alice".into(), "wrong-password").await;
    let hashed = app.services.hasher.hashes_computed() - before;
    let free = app.services.throttle.config().pair_free_failures as u64;
    assert!(hashed <= free, "{hashed} hashes for 50 parallel guesses");
    assert_eq!(
        statuses.iter().filter(|s| **s == 400).count() as u64,
        hashed,
        "each hashed guess is an invalid_grant: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 400 || *s == 429),
        "{statuses:?}"
    );
    assert!(retry_after);
}

async fn a_full_hashing_queue_answers_429_before_hashing(b: Backend) {
    let Some(app) = spawn_with(b, |c| c.oauth.throttling.max_queued_hashes = 1).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let before = app.services.hasher.hashes_computed();
    // Different users, so only the queue bound (not the pair rule) can refuse them.
    let (statuses, retry_after) = burst(&app, 40, |i| format!("user{i}"), "wrong-password").await;
    let hashed = app.services.hasher.hashes_computed() - before;
    let refused = statuses.iter().filter(|s| **s == 429).count() as u64;
    assert!(refused > 0, "{statuses:?}");
    assert_eq!(
        hashed + refused,
        40,
        "a refused check hashes nothing: {statuses:?}"
    );
    assert!(retry_after);
}

/// An honest client sending many correct password grants for one user at once (a
/// backend service, say) waits its turn but is never refused.
async fn many_correct_passwords_at_once_all_get_tokens(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let (statuses, _) = burst(&app, 30, |_| "alice".into(), "alice-password").await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
}
