//! Forged JWT access tokens at the gateway: each variant is refused with RFC 6750
//! `invalid_token`. The forgeries that need the real key sign with it, opened from the
//! database with the test nodes' sealing key, so only the one thing wrong is wrong.

use crate::jwt_access::jwt;
use crate::on_every_topology;
use crate::support::gateway::{fixture, Fixture};
use crate::support::Backend;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use portico::crypto::jws::{generate, JwsSigner, SigningAlgorithm};
use serde_json::{json, Value};

on_every_topology!(every_forged_variant_is_refused_as_invalid_token);

/// The key the key manager signs with, as an attacker who stole it would hold it.
async fn real_signer(f: &Fixture) -> JwsSigner {
    let s = &f.app.services;
    let row = s
        .store
        .published_signing_keys(s.clock.now())
        .await
        .unwrap()
        .remove(0);
    let der = portico::crypto::seal::open(
        "test-key-encryption-key-0123456789abcdef",
        "signing key",
        &row.private_sealed,
    )
    .expect("the test nodes' sealing key");
    let alg = SigningAlgorithm::parse(&row.algorithm).unwrap();
    JwsSigner::new(row.kid, alg, &der)
}

fn part(v: &Value) -> String {
    B64.encode(v.to_string())
}

async fn status_and_error(f: &Fixture, token: &str) -> (u16, String) {
    let res = f.call("GET", "/order/1", Some(token)).await;
    let status = res.status().as_u16();
    let challenge = res
        .headers()
        .get("www-authenticate")
        .map(|h| h.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, challenge)
}

async fn every_forged_variant_is_refused_as_invalid_token(b: Backend) {
    let Some(f) = fixture(b, jwt).await else {
        return;
    };
    let genuine = f.token("read").await;
    let claims: Value = {
        let payload = genuine.split('.').nth(1).unwrap();
        serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap()
    };
    let signer = real_signer(&f).await;
    let now = f.app.services.clock.now();
    let with = |change: Value| {
        let mut c = claims.clone();
        for (k, v) in change.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    };
    let sign = |c: &Value, typ: &str| signer.sign(typ, c).unwrap();

    // The harness itself: the real key and the genuine claims pass.
    let control = sign(
        &with(json!({"jti": uuid::Uuid::now_v7().to_string()})),
        "at+jwt",
    );
    assert_eq!(status_and_error(&f, &control).await.0, 200, "control");

    let [h, p, sig] = <[&str; 3]>::try_from(genuine.split('.').collect::<Vec<_>>()).unwrap();
    let header: Value = serde_json::from_slice(&B64.decode(h).unwrap()).unwrap();
    let public =
        serde_json::to_vec(&f.app.get_json(f.app.portal("/oauth2/jwks")).await["keys"][0]).unwrap();
    let hs256 = {
        let mut hd = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        hd.kid = header["kid"].as_str().map(str::to_owned);
        hd.typ = Some("at+jwt".into());
        jsonwebtoken::encode(
            &hd,
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(&public),
        )
        .unwrap()
    };
    let stranger = generate(SigningAlgorithm::ES256).unwrap();
    let unknown_kid = JwsSigner::new(stranger.kid, SigningAlgorithm::ES256, &stranger.private_der)
        .sign("at+jwt", &claims)
        .unwrap();
    let variants = [
        (
            "scope raised after signing",
            format!("{h}.{}.{sig}", part(&with(json!({"scope": "read update"})))),
        ),
        (
            "alg none",
            format!(
                "{}.{p}.",
                part(&json!({"alg": "none", "typ": "at+jwt", "kid": header["kid"]}))
            ),
        ),
        ("HS256 keyed with the public key", hs256),
        ("a key nobody published", unknown_kid),
        (
            "another audience",
            sign(&with(json!({"aud": "billing"})), "at+jwt"),
        ),
        (
            "another issuer",
            sign(&with(json!({"iss": "https://evil.example"})), "at+jwt"),
        ),
        (
            "expired beyond the leeway",
            sign(
                &with(json!({"exp": now - 31, "iat": now - 3631, "nbf": now - 3631})),
                "at+jwt",
            ),
        ),
        (
            "not valid yet",
            sign(&with(json!({"nbf": now + 600})), "at+jwt"),
        ),
        ("an ID token's typ", sign(&claims, "JWT")),
        ("no jti", sign(&with(json!({"jti": ""})), "at+jwt")),
        ("truncated", genuine[..genuine.len() - 10].to_owned()),
    ];
    for (what, token) in variants {
        let (status, challenge) = status_and_error(&f, &token).await;
        assert_eq!(status, 401, "{what}");
        assert!(
            challenge.contains("error=\"invalid_token\""),
            "{what}: {challenge}"
        );
    }
    // Forgeries do not harm the genuine token.
    assert_eq!(status_and_error(&f, &genuine).await.0, 200);
}
