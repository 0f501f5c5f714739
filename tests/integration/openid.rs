//! OpenID Connect on the password grant: ID tokens verified by a JWT library from the
//! published keys alone, userinfo, discovery, key rotation and the choice of algorithm.

use crate::on_both_backends;
use crate::support::app::{spawn_with, Client, TestApp};
use crate::support::{spawn_app, Backend};
use jsonwebtoken::{decode, decode_header, jwk::JwkSet, DecodingKey, Validation};
use portico::crypto::jws::SigningAlgorithm;

on_both_backends!(
    the_openid_scope_adds_an_id_token_the_published_keys_verify,
    userinfo_answers_for_user_tokens_granted_openid_only,
    discovery_lists_what_is_supported,
    rotation_publishes_ahead_and_keeps_old_keys_until_their_tokens_expire,
    es256_and_eddsa_are_selectable,
    a_gateway_node_hands_out_id_tokens_and_userinfo_through_the_key_manager,
);

async fn grant(app: &TestApp, c: &Client, scope: &str) -> serde_json::Value {
    let form = [
        ("grant_type", "password"),
        ("username", "alice"),
        ("password", "alice-password"),
        ("scope", scope),
    ];
    let res = app.token(c, &form).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The ID token's claims, verified with the key the JWKS names by its `kid`.
async fn verify(app: &TestApp, c: &Client, id_token: &str) -> serde_json::Value {
    let jwks: JwkSet =
        serde_json::from_value(app.get_json(app.portal("/oauth2/jwks")).await).unwrap();
    let header = decode_header(id_token).unwrap();
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("kid published");
    let mut rules = Validation::new(header.alg);
    rules.set_audience(&[&c.id]);
    rules.set_issuer(&[app.portal("")]);
    let key = DecodingKey::from_jwk(jwk).unwrap();
    decode::<serde_json::Value>(id_token, &key, &rules)
        .expect("a valid ID token")
        .claims
}

async fn alice(app: &TestApp) -> Client {
    app.user("alice", "alice-password").await;
    app.client("alice", "password,refresh_token,client_credentials")
        .await
}

async fn the_openid_scope_adds_an_id_token_the_published_keys_verify(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let c = alice(&app).await;
    let body = grant(&app, &c, "openid").await;
    assert_eq!(body["scope"], "openid");
    let claims = verify(&app, &c, body["id_token"].as_str().unwrap()).await;
    let user = app.services.user("alice").await.unwrap();
    assert_eq!(claims["sub"], user.id.as_str());
    assert_eq!(claims["preferred_username"], "alice");
    assert_eq!(claims["azp"], c.id.as_str());
    let at_hash = portico::crypto::jws::at_hash(body["access_token"].as_str().unwrap());
    assert_eq!(claims["at_hash"], at_hash.as_str());
    assert!(claims["exp"].as_i64().unwrap() > claims["iat"].as_i64().unwrap());
    let header = decode_header(body["id_token"].as_str().unwrap()).unwrap();
    assert_eq!(
        header.alg,
        jsonwebtoken::Algorithm::RS256,
        "RS256 by default"
    );

    let plain = grant(&app, &c, "default").await;
    assert!(plain.get("id_token").is_none(), "no openid, no ID token");
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", body["refresh_token"].as_str().unwrap()),
    ];
    let refreshed: serde_json::Value = app.token(&c, &form).await.json().await.unwrap();
    let again = verify(&app, &c, refreshed["id_token"].as_str().unwrap()).await;
    assert_eq!(
        again["sub"], claims["sub"],
        "the refresh answer carries one too"
    );
    let form = [("grant_type", "client_credentials"), ("scope", "openid")];
    let app_token: serde_json::Value = app.token(&c, &form).await.json().await.unwrap();
    assert!(
        app_token.get("id_token").is_none(),
        "an application has no ID token"
    );
}

async fn userinfo(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut req = app.http.get(app.gateway("/oauth2/userinfo"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

async fn userinfo_answers_for_user_tokens_granted_openid_only(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let c = alice(&app).await;
    let body = grant(&app, &c, "openid").await;
    let token = body["access_token"].as_str().unwrap();
    let res = userinfo(&app, Some(token)).await;
    assert_eq!(res.status(), 200);
    let info: serde_json::Value = res.json().await.unwrap();
    assert_eq!(info["preferred_username"], "alice");
    assert_eq!(
        info["sub"],
        app.services.user("alice").await.unwrap().id.as_str()
    );

    let plain = grant(&app, &c, "default").await;
    let res = userinfo(&app, plain["access_token"].as_str()).await;
    assert_eq!(res.status(), 403);
    let challenge = res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(challenge.contains("insufficient_scope") && challenge.contains("scope=\"openid\""));
    assert_eq!(userinfo(&app, Some("no-such-token")).await.status(), 401);
    assert_eq!(userinfo(&app, None).await.status(), 401);
    let res = app
        .http
        .post(app.gateway("/revoke"))
        .basic_auth(&c.id, Some(&c.secret))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(userinfo(&app, Some(token)).await.status(), 401, "revoked");
}

async fn discovery_lists_what_is_supported(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let doc = app
        .get_json(app.portal("/.well-known/openid-configuration"))
        .await;
    assert_eq!(doc["issuer"], app.portal(""));
    assert_eq!(doc["jwks_uri"], app.portal("/oauth2/jwks"));
    assert_eq!(doc["userinfo_endpoint"], app.portal("/oauth2/userinfo"));
    assert_eq!(doc["id_token_signing_alg_values_supported"][0], "RS256");
    assert_eq!(doc["scopes_supported"], serde_json::json!(["openid"]));
    assert_eq!(doc["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(
        doc["authorization_endpoint"],
        app.portal("/oauth2/authorize")
    );
    let metadata = app
        .get_json(app.portal("/.well-known/oauth-authorization-server"))
        .await;
    assert_eq!(metadata["jwks_uri"], doc["jwks_uri"]);
    let jwks = app
        .http
        .get(app.portal("/oauth2/jwks"))
        .send()
        .await
        .unwrap();
    assert!(jwks.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let jwks: serde_json::Value = jwks.json().await.unwrap();
    for key in jwks["keys"].as_array().unwrap() {
        assert!(
            key.get("d").is_none() && key.get("p").is_none(),
            "public halves only"
        );
    }
}

fn kid(id_token: &serde_json::Value) -> String {
    decode_header(id_token.as_str().unwrap())
        .unwrap()
        .kid
        .unwrap()
}

async fn published(app: &TestApp) -> Vec<String> {
    let jwks = app.get_json(app.portal("/oauth2/jwks")).await;
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

async fn rotation_publishes_ahead_and_keeps_old_keys_until_their_tokens_expire(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let c = alice(&app).await;
    let first = kid(&grant(&app, &c, "openid").await["id_token"]);
    let next = app.services.rotate_signing_key().await.unwrap();
    assert_eq!(published(&app).await.len(), 2, "published ahead of use");
    assert_eq!(
        kid(&grant(&app, &c, "openid").await["id_token"]),
        first,
        "not yet"
    );

    app.services.clock.advance(3600 + 61);
    let body = grant(&app, &c, "openid").await;
    assert_eq!(kid(&body["id_token"]), next.kid, "the new key signs");
    verify(&app, &c, body["id_token"].as_str().unwrap()).await;
    assert!(
        published(&app).await.contains(&first),
        "the old key's tokens may live"
    );
    app.services.clock.advance(3600 + 61);
    assert_eq!(
        published(&app).await,
        vec![next.kid.clone()],
        "then it is withdrawn"
    );
}

async fn es256_and_eddsa_are_selectable(b: Backend) {
    for (alg, jws) in [
        (SigningAlgorithm::ES256, jsonwebtoken::Algorithm::ES256),
        (SigningAlgorithm::EdDSA, jsonwebtoken::Algorithm::EdDSA),
    ] {
        let Some(app) = spawn_with(b, move |c| c.oauth.signing.algorithm = alg).await else {
            return;
        };
        let c = alice(&app).await;
        let body = grant(&app, &c, "openid").await;
        let header = decode_header(body["id_token"].as_str().unwrap()).unwrap();
        assert_eq!(header.alg, jws);
        verify(&app, &c, body["id_token"].as_str().unwrap()).await;
    }
}

async fn a_gateway_node_hands_out_id_tokens_and_userinfo_through_the_key_manager(b: Backend) {
    use portico::server::config::Profile;
    let Some(km) = spawn_with(b, |c| c.server.profile = Profile::KeyManager).await else {
        return;
    };
    let c = alice(&km).await;
    // A gateway node holds its own sealing key: it never signs, and reads the public keys.
    let gw = crate::support::split::remote_node(&km, Profile::Gateway, |c| {
        c.oauth.signing.key_encryption_key = Some(portico::server::config::ConfigSecret(
            "another-nodes-key-encryption-key-0123456789".into(),
        ));
    })
    .await;
    let body = grant(&gw, &c, "openid").await;
    // Signed on the key manager, with the issuer users reach it by.
    let id_token = body["id_token"].as_str().unwrap();
    let claims = verify(&km, &c, id_token).await;
    assert_eq!(claims["preferred_username"], "alice");
    let res = userinfo(&gw, body["access_token"].as_str()).await;
    assert_eq!(res.status(), 200);
    let jwks: serde_json::Value = gw.get_json(gw.gateway("/oauth2/jwks")).await;
    assert_eq!(
        jwks["keys"].as_array().unwrap().len(),
        1,
        "every node publishes the keys"
    );
}
