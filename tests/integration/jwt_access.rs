//! JWT access tokens (RFC 9068): what the key manager issues for a JWT key, and what the
//! gateway makes of it, on one node and with the gateway on its own node.

use crate::support::gateway::{fixture, Fixture};
use crate::support::Backend;
use crate::{on_both_backends, on_every_topology};
use jsonwebtoken::{decode, decode_header, jwk::JwkSet, DecodingKey, Validation};
use portico::domain::TokenType;
use portico::server::config::Config;
use serde_json::Value;

on_every_topology!(
    jwt_keys_get_rfc_9068_tokens_that_the_published_keys_verify,
    refresh_and_client_credentials_issue_jwts_too,
    a_revoked_jwt_is_refused,
);

on_both_backends!(
    keys_stay_opaque_unless_jwt_is_chosen,
    introspection_and_userinfo_read_jwts,
);

pub fn jwt(c: &mut Config) {
    c.oauth.default_token_type = TokenType::Jwt;
}

/// The key manager's portal listener: where the JWKS and the issuer are.
pub fn key_manager(f: &Fixture) -> &crate::support::TestApp {
    &f.app
}

/// `token`'s claims, verified with the JWKS alone, as a resource server would.
pub async fn verified(f: &Fixture, token: &str) -> Value {
    let km = key_manager(f);
    let jwks: JwkSet =
        serde_json::from_value(km.get_json(km.portal("/oauth2/jwks")).await).unwrap();
    let header = decode_header(token).unwrap();
    assert_eq!(header.typ.as_deref(), Some("at+jwt"), "RFC 9068 §2.1");
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("kid published");
    let mut rules = Validation::new(header.alg);
    rules.set_audience(&["portico"]);
    rules.set_issuer(&[km.portal("")]);
    rules.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    decode::<Value>(token, &DecodingKey::from_jwk(jwk).unwrap(), &rules)
        .expect("a valid access token")
        .claims
}

async fn grant(f: &Fixture, form: &[(&str, &str)]) -> Value {
    let res = f.gw().token(&f.client, form).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn jwt_keys_get_rfc_9068_tokens_that_the_published_keys_verify(b: Backend) {
    let Some(f) = fixture(b, jwt).await else {
        return;
    };
    let body = grant(
        &f,
        &[
            ("grant_type", "password"),
            ("username", "dev"),
            ("password", "dev-password-1"),
            ("scope", "read"),
        ],
    )
    .await;
    // The seed's answer, unchanged but for what the access token is.
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "read");
    assert_eq!(body["expires_in"], 3600);
    assert!(body["refresh_token"]
        .as_str()
        .is_some_and(|r| !r.contains('.')));
    let token = body["access_token"].as_str().unwrap();
    let claims = verified(&f, token).await;
    let s = &f.app.services;
    let dev = s.user("dev").await.unwrap();
    assert_eq!(claims["sub"], dev.id.as_str());
    assert_eq!(claims["username"], "dev");
    assert_eq!(claims["client_id"], f.client.id.as_str());
    assert_eq!(claims["application_id"], f.client.app_id.as_str());
    assert_eq!(claims["scope"], "read");
    assert_eq!(claims["key_type"], "production");
    assert_eq!(claims["aut"], "APPLICATION_USER");
    assert_eq!(claims["gty"], "password");
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 3600);

    // Only the jti is kept: the row is found by it, and holds no digest of the JWT.
    let row = s
        .store
        .token_by_id(claims["jti"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(row.token_type, "jwt");
    assert_eq!(row.access_digest, "");
    assert_eq!(row.user_id.as_deref(), Some(dev.id.as_str()));

    // The gateway takes it, and counts the user as the application's registered user.
    assert_eq!(f.call("GET", "/order/1", Some(token)).await.status(), 200);
    assert_eq!(f.call("PUT", "/order/1", Some(token)).await.status(), 403);
    let (_, users) = s.registered_users(&dev, &f.client.app_id).await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].username, "dev");
}

async fn refresh_and_client_credentials_issue_jwts_too(b: Backend) {
    let Some(f) = fixture(b, jwt).await else {
        return;
    };
    let first = grant(
        &f,
        &[
            ("grant_type", "password"),
            ("username", "dev"),
            ("password", "dev-password-1"),
        ],
    )
    .await;
    let renewed = grant(
        &f,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", first["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    let (a, b2) = (
        verified(&f, first["access_token"].as_str().unwrap()).await,
        verified(&f, renewed["access_token"].as_str().unwrap()).await,
    );
    assert_eq!(b2["gty"], "refresh_token");
    assert_eq!(b2["sub"], a["sub"]);
    assert_ne!(b2["jti"], a["jti"], "each issuance is its own token");

    let app = grant(&f, &[("grant_type", "client_credentials")]).await;
    assert!(app.get("refresh_token").is_none());
    let token = app["access_token"].as_str().unwrap();
    let claims = verified(&f, token).await;
    assert_eq!(claims["aut"], "APPLICATION");
    assert_eq!(
        claims["sub"],
        f.client.id.as_str(),
        "RFC 9068 §2.2: the client"
    );
    assert!(claims.get("username").is_none());
    assert_eq!(f.call("GET", "/menu", Some(token)).await.status(), 200);
}

async fn a_revoked_jwt_is_refused(b: Backend) {
    let Some(f) = fixture(b, jwt).await else {
        return;
    };
    let token = f.token("read").await;
    let other = f.token("read").await;
    assert_eq!(f.call("GET", "/order/1", Some(&token)).await.status(), 200);
    assert_eq!(f.revoke(&token).await.status(), 200);
    if f.edge.is_some() {
        // Revoked on the key manager, which the gateway node hears of through the feed:
        // the same bound as for opaque tokens (`revocation_watch`).
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    }
    let refused = f.call("GET", "/order/1", Some(&token)).await;
    assert_eq!(refused.status(), 401);
    let challenge = refused.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("revoked"),
        "{body}"
    );
    // Only that token: its sibling of the same user and client still works.
    assert_eq!(f.call("GET", "/order/1", Some(&other)).await.status(), 200);
}

async fn keys_stay_opaque_unless_jwt_is_chosen(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let opaque = f.token("default").await;
    assert!(!opaque.contains('.'), "opaque by default: {opaque}");
    let s = &f.app.services;
    let dev = s.user("dev").await.unwrap();
    let app = s
        .create_application(
            &dev,
            portico::service::ApplicationInput {
                name: "Chooses JWT".into(),
                description: String::new(),
                token_validity: None,
            },
        )
        .await
        .unwrap();
    let keys = s
        .generate_keys(
            &app,
            portico::service::KeyRequest {
                key_type: portico::domain::KeyType::Production,
                grant_types: portico::domain::GrantTypes::parse_list("client_credentials").unwrap(),
                access_token_validity: None,
                token_type: Some(TokenType::Jwt),
                callback_urls: Default::default(),
                public_client: false,
                allow_plain_pkce: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(keys.key.token_type, "jwt");
    let res = f
        .app
        .http
        .post(f.app.gateway("/token"))
        .basic_auth(
            &keys.consumer_key,
            Some(secrecy::ExposeSecret::expose_secret(&keys.consumer_secret)),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["access_token"].as_str().unwrap().split('.').count(), 3);
}

async fn introspection_and_userinfo_read_jwts(b: Backend) {
    let Some(f) = fixture(b, jwt).await else {
        return;
    };
    let token = f.token("openid read").await;
    let introspect = |token: String| {
        let app = &f.app;
        let req = app
            .http
            .post(app.portal("/oauth2/introspect"))
            .basic_auth(&f.client.id, Some(&f.client.secret))
            .form(&[("token", token)]);
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let seen = introspect(token.clone()).await;
    assert_eq!(seen["active"], true, "{seen}");
    assert_eq!(seen["username"], "dev");
    assert_eq!(seen["scope"], "openid read");
    assert_eq!(seen["client_id"], f.client.id.as_str());
    let info: Value = f
        .app
        .http
        .get(f.app.portal("/oauth2/userinfo"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["preferred_username"], "dev");
    assert_eq!(f.revoke(&token).await.status(), 200);
    assert_eq!(
        introspect(token).await,
        serde_json::json!({"active": false})
    );
}

on_both_backends!(the_generate_keys_dialog_offers_the_token_type);

/// With JavaScript off: the dialog preselects the configured default, a JWT key says so
/// and shows where its keys are published, and the portal's own token is a JWT.
async fn the_generate_keys_dialog_offers_the_token_type(b: Backend) {
    use crate::portal_apps::{post_generate_typed, signed_in_with_app, value_after};
    let Some(app) = crate::support::app::spawn_with(b, jwt).await else {
        return;
    };
    let (browser, id) = signed_in_with_app(&app, "alice").await;
    let tab = format!("/apps/{id}/keys/production");
    let (_, page) = browser.get(&tab).await;
    assert!(
        page.contains(r#"name="token_type" value="jwt" checked"#),
        "the default is preselected"
    );
    let grant = "grant_client_credentials";
    let refused = post_generate_typed(&browser, &id, grant, "paseto").await;
    assert!(refused.error().unwrap().contains("opaque"), "{refused:?}");
    let posted = post_generate_typed(&browser, &id, grant, "jwt").await;
    assert!(posted.error().is_none(), "{posted:?}");
    let (_, page) = browser.get(&tab).await;
    assert!(
        page.contains("Access tokens: <!>JWT"),
        "the key says what it issues"
    );
    let jwks = value_after(&page, "JWKS").expect("the JWKS address is shown");
    assert!(jwks.ends_with("/oauth2/jwks"), "{jwks}");
    let key = app
        .services
        .store
        .keys_of_application(&id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(key.token_type, "jwt");
    let issued = browser
        .post(
            &tab,
            "generate_token",
            &[
                ("app_id", id.as_str()),
                ("key_type", "production"),
                ("token_kind", "application"),
                ("scope", ""),
                ("validity", ""),
            ],
        )
        .await;
    assert!(issued.error().is_none(), "{issued:?}");
    let (_, page) = browser.get(&tab).await;
    let token = value_after(&page, "Access token").expect("the token is shown once");
    assert_eq!(token.split('.').count(), 3, "{token}");
}
