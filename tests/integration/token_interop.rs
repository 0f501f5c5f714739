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
    requests_oauthlib_walks_the_code_flow_with_pkce,
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

/// requests-oauthlib builds the authorization request (PKCE S256, state), a browser
/// signs in and allows it, and the library checks the state and exchanges the code: as
/// a confidential client and as a public one.
async fn requests_oauthlib_walks_the_code_flow_with_pkce(b: Backend) {
    use crate::authorization_code::{code_client, CALLBACK};
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let browser = crate::support::browser::Browser::new(&app);
    browser.sign_in("alice", "alice-password").await;
    for public in [false, true] {
        let client = code_client(&app, "alice", public).await;
        let path = format!(
            "{}/tests/interop/requests_oauthlib_code.py",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut child = tokio::process::Command::new("python3")
            .arg(path)
            .env("PORTICO_CLIENT_ID", &client.id)
            .env("PORTICO_CLIENT_SECRET", &client.secret)
            .env("PORTICO_PUBLIC", if public { "1" } else { "0" })
            .env("PORTICO_CALLBACK", CALLBACK)
            .env("PORTICO_AUTHORIZE_URL", app.portal("/oauth2/authorize"))
            .env("PORTICO_TOKEN_URL", app.gateway("/token"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut url = String::new();
        out.read_line(&mut url).await.unwrap();
        let path = url
            .trim()
            .strip_prefix(&app.portal(""))
            .expect("Portico's authorize URL")
            .to_owned();
        let location = crate::authorization_code::allow(&browser, &path).await;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(format!("{location}\n").as_bytes())
            .await
            .unwrap();
        drop(stdin);
        let done = child.wait_with_output().await.unwrap();
        let mut rest = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut out, &mut rest)
            .await
            .unwrap();
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        let seen: serde_json::Value = serde_json::from_str(rest.trim()).unwrap();
        let token = &seen["token"];
        assert_eq!(token["token_type"], "Bearer", "{seen}");
        let access = token["access_token"].as_str().unwrap();
        assert!(app.services.introspect(access, None).await.unwrap().active);
    }
}
