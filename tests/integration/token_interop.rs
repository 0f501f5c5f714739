//! Real client libraries against the token endpoint: what they send is what Portico
//! must take, and what Portico signs is what they verify, on both backends.

use crate::on_both_backends;
use crate::support::app::{spawn_with, Client};
use crate::support::{spawn_app, Backend, TestApp};
use portico::crypto::jws::SigningAlgorithm;

on_both_backends!(
    requests_oauthlib_with_basic_and_a_body_client_id_gets_a_token,
    pyjwt_verifies_id_tokens_from_the_published_keys_alone,
    pyjwt_verifies_jwt_access_tokens_from_the_published_keys_alone,
);

/// Runs `tests/interop/<script>` against `app` with `client`'s credentials and alice's
/// password (and `more` settings), and returns its JSON output. `.ci/run` installs the
/// libraries; their absence fails the test rather than skipping it.
async fn run_script(
    script: &str,
    app: &TestApp,
    client: &Client,
    more: &[(&str, String)],
) -> serde_json::Value {
    let path = format!("{}/tests/interop/{script}", env!("CARGO_MANIFEST_DIR"));
    let out = tokio::process::Command::new("python3")
        .arg(path)
        .env("PORTICO_TOKEN_URL", app.gateway("/token"))
        .env("PORTICO_CLIENT_ID", &client.id)
        .env("PORTICO_CLIENT_SECRET", &client.secret)
        .env("PORTICO_USERNAME", "alice")
        .env("PORTICO_PASSWORD", "alice-password")
        .envs(more.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .await
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{script} failed: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// requests-oauthlib's `fetch_token(include_client_id=True, auth=HTTPBasicAuth(..))`
/// sends Basic credentials and `client_id` in the body (RFC 6749 §2.3.1 allows it).
async fn requests_oauthlib_with_basic_and_a_body_client_id_gets_a_token(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password,refresh_token").await;
    let token = run_script("requests_oauthlib_password.py", &app, &c, &[]).await;
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], serde_json::json!(["default"]));
    assert_eq!(token["access_token"].as_str().unwrap().len(), 65);
    assert!(token["refresh_token"].is_string());
}

/// PyJWT (with `cryptography`) checks an ID token of each algorithm from the JWKS alone:
/// an independent implementation of JWS, JWK and the claim rules.
async fn pyjwt_verifies_id_tokens_from_the_published_keys_alone(b: Backend) {
    for alg in [
        SigningAlgorithm::RS256,
        SigningAlgorithm::ES256,
        SigningAlgorithm::EdDSA,
    ] {
        let tweak = move |c: &mut portico::server::config::Config| c.oauth.signing.algorithm = alg;
        let Some(app) = spawn_with(b, tweak).await else {
            return;
        };
        app.user("alice", "alice-password").await;
        let c = app.client("alice", "password").await;
        let more = [
            ("PORTICO_JWKS_URL", app.portal("/oauth2/jwks")),
            ("PORTICO_ISSUER", app.portal("")),
        ];
        let seen = run_script("pyjwt_verify.py", &app, &c, &more).await;
        assert_eq!(seen["alg"], alg.as_str());
        assert_eq!(seen["claims"]["preferred_username"], "alice");
    }
}

/// A resource server's view of an RFC 9068 access token: PyJWT checks it from the JWKS
/// alone, with the audience Portico is configured with, for each algorithm.
async fn pyjwt_verifies_jwt_access_tokens_from_the_published_keys_alone(b: Backend) {
    for alg in [
        SigningAlgorithm::RS256,
        SigningAlgorithm::ES256,
        SigningAlgorithm::EdDSA,
    ] {
        let tweak = move |c: &mut portico::server::config::Config| {
            c.oauth.signing.algorithm = alg;
            c.oauth.default_token_type = portico::domain::TokenType::Jwt;
            c.oauth.jwt_audience = "https://api.example.com".into();
        };
        let Some(app) = spawn_with(b, tweak).await else {
            return;
        };
        app.user("alice", "alice-password").await;
        let c = app.client("alice", "password").await;
        let more = [
            ("PORTICO_VERIFY", "access_token".to_owned()),
            ("PORTICO_AUDIENCE", "https://api.example.com".to_owned()),
            ("PORTICO_JWKS_URL", app.portal("/oauth2/jwks")),
            ("PORTICO_ISSUER", app.portal("")),
        ];
        let seen = run_script("pyjwt_verify.py", &app, &c, &more).await;
        assert_eq!(seen["alg"], alg.as_str());
        assert_eq!(seen["typ"], "at+jwt");
        let claims = &seen["claims"];
        assert_eq!(claims["username"], "alice");
        assert_eq!(claims["client_id"], c.id.as_str());
        assert_eq!(claims["scope"], "default");
        assert_eq!(claims["application_id"], c.app_id.as_str());
    }
}
