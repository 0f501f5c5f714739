//! `POST /token` with the password grant, client authentication and transport errors.

use crate::on_both_backends;
use crate::support::{spawn_app, Backend};
use reqwest::header;
use serde_json::Value;

async fn the_documented_curl_command_gets_a_token(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("User1", "P-secret-1").await;
    let c = app.client("user1", "password,refresh_token").await;
    let b64 = base64_basic(&c.id, &c.secret);
    let out = tokio::process::Command::new("curl")
        .args([
            "-k",
            "-s",
            "-d",
            "grant_type=password&username=User1&password=P-secret-1",
        ])
        .args(["-H", &format!("Authorization: Basic {b64}")])
        .args(["-H", "Content-Type: application/x-www-form-urlencoded"])
        .arg(format!(
            "https://localhost:{}/token",
            app.ports.gateway_https
        ))
        .output()
        .await
        .expect("curl is installed");
    let body: Value = serde_json::from_slice(&out.stdout).expect("JSON body");
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut keys = keys;
    keys.sort();
    assert_eq!(
        keys,
        [
            "access_token",
            "expires_in",
            "refresh_token",
            "scope",
            "token_type"
        ]
    );
    assert_eq!(body["scope"], "default");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    // The exact order of the documented response.
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(
            r#"{"scope":"default","token_type":"Bearer","expires_in":3600,"refresh_token":""#
        ),
        "{text}"
    );
}

pub fn base64_basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
}

async fn token_responses_are_not_cached_and_tokens_are_256_bit(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    let res = app.password_grant(&c, "alice", "alice-password").await;
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(res.headers()[header::PRAGMA], "no-cache");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["access_token"].as_str().unwrap().len(), 65);
    assert!(
        body.get("refresh_token").is_none(),
        "no refresh token without the refresh grant"
    );
}

async fn bad_password_and_unknown_user_get_identical_answers(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    let mut bodies = Vec::new();
    for (user, pw) in [("alice", "wrong-password"), ("nobody", "whatever-pw")] {
        let res = app.password_grant(&c, user, pw).await;
        assert_eq!(res.status(), 400);
        let mut body: Value = res.json().await.unwrap();
        // Each answer quotes its own request's id; nothing else may differ.
        assert!(body.as_object_mut().unwrap().remove("request_id").is_some());
        bodies.push(body);
    }
    assert_eq!(bodies[0], bodies[1]);
    assert_eq!(bodies[0]["error"], "invalid_grant");
}

async fn usernames_are_case_insensitive_in_the_grant(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    app.password_tokens(&c, "ALICE", "alice-password").await;
}

async fn locking_a_user_refuses_grants_and_revokes_tokens(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password,refresh_token").await;
    let t = app.password_tokens(&c, "alice", "alice-password").await;
    let access = t["access_token"].as_str().unwrap();
    // Introspected first, so the revocation must also reach the cached row.
    assert!(app.services.introspect(access, None).await.unwrap().active);
    app.services.set_locked("alice", true).await.unwrap();
    let res = app.password_grant(&c, "alice", "alice-password").await;
    assert_eq!(res.status(), 400);
    let intro = app
        .services
        .introspect(t["access_token"].as_str().unwrap(), None)
        .await
        .unwrap();
    assert!(!intro.active);
    let res = app
        .token(
            &c,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", t["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);
    app.services.set_locked("alice", false).await.unwrap();
    app.password_tokens(&c, "alice", "alice-password").await;
}

async fn changing_a_password_revokes_the_users_tokens(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    let t = app.password_tokens(&c, "alice", "alice-password").await;
    let access = t["access_token"].as_str().unwrap();
    assert!(app.services.introspect(access, None).await.unwrap().active);
    let pw = secrecy::SecretString::from("a brand new password");
    app.services
        .set_password("alice", &pw, false)
        .await
        .unwrap();
    let intro = app
        .services
        .introspect(t["access_token"].as_str().unwrap(), None)
        .await
        .unwrap();
    assert!(!intro.active);
    app.password_tokens(&c, "alice", "a brand new password")
        .await;
}

async fn scopes_default_when_absent_and_unknown_scopes_are_refused(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let read = portico::service::ScopeInput {
        name: "read".into(),
        ..Default::default()
    };
    app.services.create_scope(read).await.unwrap();
    let c = app.client("alice", "password").await;
    let base = [
        ("grant_type", "password"),
        ("username", "alice"),
        ("password", "alice-password"),
    ];
    let with_scope = |s: &'static str| {
        let mut f = base.to_vec();
        f.push(("scope", s));
        f
    };
    let res = app.token(&c, &with_scope("read")).await;
    assert_eq!(res.json::<Value>().await.unwrap()["scope"], "read");
    let res = app.token(&c, &with_scope("read write")).await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_scope");
    let res = app.token(&c, &with_scope("bad\"scope")).await;
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_scope");
}

async fn repeated_failures_are_throttled_with_retry_after(b: Backend) {
    // About the delay's length: one minute, then the right password works again.
    let slow = |c: &mut portico::server::config::Config| c.oauth.throttling.pair_base_delay = 60;
    let Some(app) = crate::support::app::spawn_with(b, slow).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    let wrong = [
        ("grant_type", "password"),
        ("username", "alice"),
        ("password", "wrong-password"),
    ];
    for _ in 0..5 {
        assert_eq!(app.token(&c, &wrong).await.status(), 400);
    }
    let res = app.token(&c, &wrong).await;
    assert_eq!(res.status(), 429);
    assert!(
        res.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let right = [
        ("grant_type", "password"),
        ("username", "alice"),
        ("password", "alice-password"),
    ];
    assert_eq!(
        app.token(&c, &right).await.status(),
        429,
        "throttled even with the right password"
    );
    app.services.clock.advance(61);
    assert_eq!(app.token(&c, &right).await.status(), 200, "after the delay");
}

async fn grants_and_failures_are_recorded_as_events(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app
        .client("alice", "password,refresh_token,client_credentials")
        .await;
    let t = app.password_tokens(&c, "alice", "alice-password").await;
    app.password_grant(&c, "alice", "nope-nope").await;
    app.token(
        &c,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", t["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    app.token(&c, &[("grant_type", "client_credentials")]).await;
    let events = app
        .services
        .store
        .events_of_application(&c.app_id, 0)
        .await
        .unwrap();
    let mut seen: Vec<(String, String)> = events
        .into_iter()
        .map(|e| (e.grant_type, e.outcome))
        .collect();
    seen.sort();
    let expected = [
        ("client_credentials", "issued"),
        ("password", "failed"),
        ("password", "issued"),
        ("refresh_token", "refreshed"),
    ];
    assert_eq!(seen, expected.map(|(g, o)| (g.to_owned(), o.to_owned())));
}

async fn token_lifetime_comes_from_the_key_then_the_application(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    let owner = app.services.user("alice").await.unwrap();
    let input = portico::service::ApplicationInput {
        name: "timed".into(),
        description: String::new(),
        token_validity: Some(600),
    };
    let timed = app
        .services
        .update_application(&owner, &c.app_id, input, None)
        .await
        .unwrap();
    assert_eq!(timed.token_validity, Some(600));
    let t = app.password_tokens(&c, "alice", "alice-password").await;
    assert_eq!(t["expires_in"], 600, "the application's validity");
    let app_row = app.services.store.application(&c.app_id).await.unwrap();
    let request = portico::service::KeyRequest {
        key_type: portico::domain::KeyType::Sandbox,
        grant_types: portico::domain::GrantTypes::parse_list("password").unwrap(),
        access_token_validity: Some(120),
        token_type: None,
        callback_urls: Default::default(),
        public_client: false,
        allow_plain_pkce: false,
    };
    let sandbox = app.services.generate_keys(&app_row, request).await.unwrap();
    use secrecy::ExposeSecret;
    let sc = crate::support::app::Client {
        app_id: c.app_id.clone(),
        id: sandbox.consumer_key,
        secret: sandbox.consumer_secret.expose_secret().to_owned(),
    };
    let t = app.password_tokens(&sc, "alice", "alice-password").await;
    assert_eq!(t["expires_in"], 120, "the key's own validity wins");
}

on_both_backends!(
    token_lifetime_comes_from_the_key_then_the_application,
    grants_and_failures_are_recorded_as_events,
    the_documented_curl_command_gets_a_token,
    token_responses_are_not_cached_and_tokens_are_256_bit,
    bad_password_and_unknown_user_get_identical_answers,
    usernames_are_case_insensitive_in_the_grant,
    locking_a_user_refuses_grants_and_revokes_tokens,
    changing_a_password_revokes_the_users_tokens,
    scopes_default_when_absent_and_unknown_scopes_are_refused,
    repeated_failures_are_throttled_with_retry_after,
);
