use super::*;
use crate::crypto::jws::{generate, JwsSigner, NewKeyPair, SigningAlgorithm};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::{json, Value};

fn key_set(pairs: &[&NewKeyPair]) -> VerifyingKeys {
    let set = json!({ "keys": pairs.iter().map(|p| p.public_jwk.clone()).collect::<Vec<_>>() });
    VerifyingKeys::from_jwks(&serde_json::from_value(set).unwrap())
}

fn signed(pair: &NewKeyPair, alg: SigningAlgorithm, typ: &str) -> String {
    JwsSigner::new(pair.kid.clone(), alg, &pair.private_der)
        .sign(typ, &json!({"sub": "alice", "scope": "default"}))
        .unwrap()
}

fn parts(token: &str) -> Vec<String> {
    token.split('.').map(str::to_owned).collect()
}

fn encode(v: &Value) -> String {
    B64.encode(v.to_string())
}

#[test]
fn a_token_signed_by_a_published_key_is_read() {
    for alg in [
        SigningAlgorithm::ES256,
        SigningAlgorithm::EdDSA,
        SigningAlgorithm::RS256,
    ] {
        let pair = generate(alg).unwrap();
        let keys = key_set(&[&pair]);
        let claims: Value = verify(&signed(&pair, alg, "at+jwt"), &["at+jwt"], &keys).unwrap();
        assert_eq!(claims["sub"], "alice");
        // The media-type spelling of the same type is the same type (RFC 7515 §4.1.9).
        let long = signed(&pair, alg, "application/AT+JWT");
        assert!(verify::<Value>(&long, &["at+jwt"], &keys).is_ok());
    }
}

#[test]
fn forged_and_foreign_tokens_are_refused() {
    let pair = generate(SigningAlgorithm::ES256).unwrap();
    let keys = key_set(&[&pair]);
    let good = signed(&pair, SigningAlgorithm::ES256, "at+jwt");
    let p = parts(&good);

    // Claims changed after signing.
    let tampered = format!("{}.{}.{}", p[0], encode(&json!({"sub": "mallory"})), p[2]);
    assert_eq!(
        verify::<Value>(&tampered, &["at+jwt"], &keys),
        Err(JwsRefusal::BadSignature)
    );

    // `alg: none` with no signature.
    let header = json!({"alg": "none", "typ": "at+jwt", "kid": pair.kid});
    let none = format!("{}.{}.", encode(&header), p[1]);
    assert!(verify::<Value>(&none, &["at+jwt"], &keys).is_err());

    // Another key claiming the published key's kid.
    let other = generate(SigningAlgorithm::ES256).unwrap();
    let impostor = JwsSigner::new(
        pair.kid.clone(),
        SigningAlgorithm::ES256,
        &other.private_der,
    )
    .sign("at+jwt", &json!({"sub": "mallory"}))
    .unwrap();
    assert_eq!(
        verify::<Value>(&impostor, &["at+jwt"], &keys),
        Err(JwsRefusal::BadSignature)
    );

    // A kid nobody published.
    let unknown = signed(&other, SigningAlgorithm::ES256, "at+jwt");
    assert_eq!(
        verify::<Value>(&unknown, &["at+jwt"], &keys),
        Err(JwsRefusal::UnknownKey(other.kid.clone()))
    );

    // An ID token (typ JWT) offered where an access token is expected (RFC 9068 §4).
    let id_token = signed(&pair, SigningAlgorithm::ES256, "JWT");
    assert_eq!(
        verify::<Value>(&id_token, &["at+jwt"], &keys),
        Err(JwsRefusal::WrongType)
    );

    // Not a JWS at all.
    assert_eq!(
        verify::<Value>("abc", &["at+jwt"], &keys),
        Err(JwsRefusal::Malformed)
    );
}

#[test]
fn hs256_keyed_with_the_public_key_is_refused() {
    let pair = generate(SigningAlgorithm::RS256).unwrap();
    let keys = key_set(&[&pair]);
    // The classic confusion: the RSA public key's bytes used as an HMAC secret.
    let public = serde_json::to_vec(&pair.public_jwk).unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(pair.kid.clone());
    header.typ = Some("at+jwt".into());
    let forged = jsonwebtoken::encode(
        &header,
        &json!({"sub": "mallory"}),
        &jsonwebtoken::EncodingKey::from_secret(&public),
    )
    .unwrap();
    assert_eq!(
        verify::<Value>(&forged, &["at+jwt"], &keys),
        Err(JwsRefusal::BadSignature)
    );
}

#[test]
fn secret_keys_in_a_key_set_are_ignored() {
    let set = json!({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "s", "alg": "HS256"}]});
    let keys = VerifyingKeys::from_jwks(&serde_json::from_value(set).unwrap());
    assert!(keys.is_empty());
}
