//! Every password check goes through the brute-force throttle, and people's passwords
//! in HTTP Basic are taken as typed.

use crate::on_both_backends;
use crate::support::{spawn_app, Backend, TestApp};
use secrecy::SecretString;

on_both_backends!(
    admin_passwords_with_plus_and_percent_work_for_introspection_and_statistics,
    introspection_with_admin_credentials_is_throttled,
    changing_ones_own_password_is_throttled,
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
