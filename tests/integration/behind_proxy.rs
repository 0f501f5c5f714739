//! Behind a load balancer: `[server] trusted_proxies` makes the throttle count the
//! client's address from forwarded headers (without it those headers change nothing),
//! and the public URLs are what users are shown.

use crate::on_both_backends;
use crate::portal_apps::signed_in_with_app;
use crate::support::app::{spawn_with, Client, TestApp};
use crate::support::Backend;
use portico::server::config::Config;

fn strict_per_address(c: &mut Config) {
    c.oauth.throttling.address_max_failures = 3;
}

async fn grant_from(app: &TestApp, c: &Client, forwarded: &str, password: &str) -> u16 {
    let res = app
        .http
        .post(app.gateway("/token"))
        .basic_auth(&c.id, Some(&c.secret))
        .header("X-Forwarded-For", forwarded)
        .form(&[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    res.status().as_u16()
}

/// Three wrong passwords "from" one client address, then the right one "from" another;
/// returns the status of the last.
async fn after_a_spray_from_another_address(
    trusted: &'static [&'static str],
    b: Backend,
) -> Option<u16> {
    let app = spawn_with(b, |c| {
        strict_per_address(c);
        c.server.trusted_proxies = trusted.iter().map(|s| s.to_string()).collect();
    })
    .await?;
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    for _ in 0..3 {
        assert_eq!(
            grant_from(&app, &c, "203.0.113.5", "wrong-password").await,
            400
        );
    }
    assert_eq!(
        grant_from(&app, &c, "203.0.113.5", "alice-password").await,
        429,
        "the spraying address is blocked"
    );
    Some(grant_from(&app, &c, "198.51.100.7", "alice-password").await)
}

async fn behind_a_trusted_proxy_each_client_address_is_throttled_apart(b: Backend) {
    let Some(status) = after_a_spray_from_another_address(&["127.0.0.1", "::1"], b).await else {
        return;
    };
    assert_eq!(
        status, 200,
        "another client behind the same proxy is not blocked"
    );
}

async fn without_trusted_proxies_a_forwarded_header_cannot_dodge_the_throttle(b: Backend) {
    let Some(status) = after_a_spray_from_another_address(&[], b).await else {
        return;
    };
    assert_eq!(
        status, 429,
        "X-Forwarded-For from an untrusted peer is ignored"
    );
}

async fn the_public_urls_are_what_users_are_shown(b: Backend) {
    let Some(app) = spawn_with(b, |c| {
        c.server.public_url = Some("https://portal.example.com/".into());
        c.gateway.public_url = Some("https://api.example.com".into());
    })
    .await
    else {
        return;
    };
    let meta: serde_json::Value = app
        .get_json(app.portal("/.well-known/oauth-authorization-server"))
        .await;
    assert_eq!(meta["issuer"], "https://portal.example.com");
    assert_eq!(
        meta["token_endpoint"],
        "https://portal.example.com/oauth2/token"
    );
    let (browser, id) = signed_in_with_app(&app, "alice").await;
    let (_, page) = browser.get(&format!("/apps/{id}/keys/production")).await;
    assert!(page.contains("https://api.example.com/token"), "{page}");
    assert!(page.contains("https://portal.example.com/oauth2/introspect"));
    assert!(!page.contains(&format!(":{}", app.ports.gateway_https)));
}

on_both_backends!(
    the_public_urls_are_what_users_are_shown,
    behind_a_trusted_proxy_each_client_address_is_throttled_apart,
    without_trusted_proxies_a_forwarded_header_cannot_dodge_the_throttle,
);
