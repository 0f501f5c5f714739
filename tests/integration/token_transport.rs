//! Malformed requests to the OAuth endpoints: always JSON, never 5xx.

use crate::support::{spawn_app, Backend};
use reqwest::header;
use serde_json::Value;

async fn error_of(res: reqwest::Response) -> (u16, String) {
    let status = res.status().as_u16();
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json");
    let body: Value = res.json().await.expect("JSON error body");
    assert!(body["error_description"].is_string());
    (status, body["error"].as_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_token_requests_are_invalid_requests() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    let url = app.gateway("/token");
    let basic = format!(
        "Basic {}",
        crate::token_password::base64_basic(&c.id, &c.secret)
    );
    let cases: Vec<(&str, &str, &[u8])> = vec![
        (
            "missing grant_type",
            "application/x-www-form-urlencoded",
            b"username=alice",
        ),
        (
            "empty grant_type",
            "application/x-www-form-urlencoded",
            b"grant_type=&username=a",
        ),
        (
            "missing password",
            "application/x-www-form-urlencoded",
            b"grant_type=password&username=alice",
        ),
        (
            "repeated",
            "application/x-www-form-urlencoded",
            b"grant_type=password&grant_type=password",
        ),
        (
            "json body",
            "application/json",
            br#"{"grant_type":"password"}"#,
        ),
        (
            "bad escape",
            "application/x-www-form-urlencoded",
            b"grant_type=pass%zzword",
        ),
        (
            "bad utf-8",
            "application/x-www-form-urlencoded",
            b"grant_type=password&username=%ff%fe",
        ),
    ];
    for (what, ctype, body) in cases {
        let res = app
            .http
            .post(&url)
            .header(header::AUTHORIZATION, &basic)
            .header(header::CONTENT_TYPE, ctype)
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(
            error_of(res).await,
            (400, "invalid_request".into()),
            "{what}"
        );
    }
    for bad in ["Basic", "Basic %%%", "Basic bm9jb2xvbg=="] {
        let res = app
            .http
            .post(&url)
            .header(header::AUTHORIZATION, bad)
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            error_of(res).await,
            (400, "invalid_request".into()),
            "{bad}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_413_and_get_is_405() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let big = vec![b'a'; 64 * 1024];
    let res = app
        .http
        .post(app.gateway("/token"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await.0, 413);
    for path in ["/token", "/revoke"] {
        let res = app.http.get(app.gateway(path)).send().await.unwrap();
        assert_eq!(res.headers()[header::ALLOW], "POST");
        assert_eq!(error_of(res).await.0, 405);
    }
    let res = app
        .http
        .get(app.portal("/oauth2/introspect"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_port_serves_the_same_token_endpoint() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "client_credentials").await;
    for url in [
        app.portal("/oauth2/token"),
        app.gateway("/token"),
        app.gateway_http("/token"),
    ] {
        let res = app
            .http
            .post(&url)
            .basic_auth(&c.id, Some(&c.secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{url}");
        let body: Value = res.json().await.unwrap();
        assert!(
            body.get("refresh_token").is_none(),
            "client credentials never get a refresh token"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_metadata_lists_endpoints_grants_and_auth_methods() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let meta: Value = app
        .get_json(app.gateway("/.well-known/oauth-authorization-server"))
        .await;
    let issuer = format!("https://localhost:{}", app.ports.portal_https);
    assert_eq!(meta["issuer"], issuer.as_str());
    assert_eq!(meta["token_endpoint"], format!("{issuer}/oauth2/token"));
    assert_eq!(
        meta["introspection_endpoint"],
        format!("{issuer}/oauth2/introspect")
    );
    assert_eq!(
        meta["grant_types_supported"],
        serde_json::json!([
            "authorization_code",
            "password",
            "refresh_token",
            "client_credentials"
        ])
    );
    assert_eq!(
        meta["token_endpoint_auth_methods_supported"],
        serde_json::json!(["client_secret_basic", "client_secret_post", "none"])
    );
    assert_eq!(meta["code_challenge_methods_supported"][0], "S256");
    assert_eq!(meta["authorization_response_iss_parameter_supported"], true);
    assert_eq!(
        meta["scopes_supported"],
        serde_json::json!([
            "apim:admin",
            "apim:api_manage",
            "apim:app_manage",
            "apim:subscribe",
            "default",
            "openid"
        ])
    );
}
