//! Real client libraries against the token endpoint: what they send is what Portico
//! must take, on both backends.

use crate::on_both_backends;
use crate::support::{spawn_app, Backend};

on_both_backends!(
    requests_oauthlib_with_basic_and_a_body_client_id_gets_a_token,
    pyjwt_verifies_id_tokens_from_the_published_keys_alone,
);

/// requests-oauthlib's `fetch_token(include_client_id=True, auth=HTTPBasicAuth(..))`
/// sends Basic credentials and `client_id` in the body (RFC 6749 §2.3.1 allows it).
/// `.ci/run` installs the library; its absence fails the test rather than skipping it.
async fn requests_oauthlib_with_basic_and_a_body_client_id_gets_a_token(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password,refresh_token").await;
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/interop/requests_oauthlib_password.py"
    );
    let out = tokio::process::Command::new("python3")
        .arg(script)
        .env("PORTICO_TOKEN_URL", app.gateway("/token"))
        .env("PORTICO_CLIENT_ID", &c.id)
        .env("PORTICO_CLIENT_SECRET", &c.secret)
        .env("PORTICO_USERNAME", "alice")
        .env("PORTICO_PASSWORD", "alice-password")
        .output()
        .await
        .expect("python3 runs (pip install requests-oauthlib)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "requests-oauthlib failed: {stderr}");
    let token: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], serde_json::json!(["default"]));
    assert_eq!(token["access_token"].as_str().unwrap().len(), 65);
    assert!(token["refresh_token"].is_string());
}

/// PyJWT (with `cryptography`) checks an ID token of each algorithm from the JWKS alone:
/// an independent implementation of JWS, JWK and the claim rules. `.ci/run` installs it.
async fn pyjwt_verifies_id_tokens_from_the_published_keys_alone(b: Backend) {
    use portico::crypto::jws::SigningAlgorithm;
    for alg in [
        SigningAlgorithm::RS256,
        SigningAlgorithm::ES256,
        SigningAlgorithm::EdDSA,
    ] {
        let tweak = move |c: &mut portico::server::config::Config| c.oauth.signing.algorithm = alg;
        let Some(app) = crate::support::app::spawn_with(b, tweak).await else {
            return;
        };
        app.user("alice", "alice-password").await;
        let c = app.client("alice", "password").await;
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/interop/pyjwt_id_token.py"
        );
        let out = tokio::process::Command::new("python3")
            .arg(script)
            .env("PORTICO_TOKEN_URL", app.gateway("/token"))
            .env("PORTICO_JWKS_URL", app.portal("/oauth2/jwks"))
            .env("PORTICO_ISSUER", app.portal(""))
            .env("PORTICO_CLIENT_ID", &c.id)
            .env("PORTICO_CLIENT_SECRET", &c.secret)
            .env("PORTICO_USERNAME", "alice")
            .env("PORTICO_PASSWORD", "alice-password")
            .output()
            .await
            .expect("python3 runs (pip install PyJWT[crypto])");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "PyJWT refused the ID token: {stderr}");
        let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(seen["alg"], alg.as_str());
        assert_eq!(seen["claims"]["preferred_username"], "alice");
    }
}
