//! RFC 8414 authorization server metadata, so standard clients find the endpoints.

use crate::server::config::Config;
use crate::service::Services;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

/// What RFC 8414 metadata and OpenID Connect discovery both say: the issuer, the
/// endpoints, the grants and how clients authenticate.
pub(super) fn shared(issuer: &str) -> serde_json::Map<String, Value> {
    [
        ("issuer", json!(issuer)),
        ("token_endpoint", json!(format!("{issuer}/oauth2/token"))),
        (
            "revocation_endpoint",
            json!(format!("{issuer}/oauth2/revoke")),
        ),
        (
            "introspection_endpoint",
            json!(format!("{issuer}/oauth2/introspect")),
        ),
        ("jwks_uri", json!(format!("{issuer}/oauth2/jwks"))),
        (
            "userinfo_endpoint",
            json!(format!("{issuer}/oauth2/userinfo")),
        ),
        (
            "authorization_endpoint",
            json!(format!("{issuer}/oauth2/authorize")),
        ),
        (
            "grant_types_supported",
            json!([
                "authorization_code",
                "password",
                "refresh_token",
                "client_credentials"
            ]),
        ),
        ("response_types_supported", json!(["code"])),
        ("response_modes_supported", json!(["query"])),
        // plain only for applications that opted in to it.
        ("code_challenge_methods_supported", json!(["S256", "plain"])),
        // RFC 9207: every answer of the authorization endpoint carries `iss`.
        (
            "authorization_response_iss_parameter_supported",
            json!(true),
        ),
        (
            "token_endpoint_auth_methods_supported",
            json!(["client_secret_basic", "client_secret_post", "none"]),
        ),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect()
}

pub async fn metadata(
    State(config): State<Arc<Config>>,
    State(services): State<Services>,
) -> Json<Value> {
    let scopes: Vec<String> = services
        .scopes()
        .await
        .map(|s| s.into_iter().map(|s| s.name).collect())
        .unwrap_or_default();
    let mut map = shared(&config.portal_url());
    map.insert(
        "revocation_endpoint_auth_methods_supported".into(),
        json!(["client_secret_basic", "client_secret_post"]),
    );
    map.insert(
        "introspection_endpoint_auth_methods_supported".into(),
        json!(["client_secret_basic"]),
    );
    map.insert("scopes_supported".into(), json!(scopes));
    Json(Value::Object(map))
}
