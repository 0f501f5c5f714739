//! OpenID Connect's endpoints: the signing keys (`/oauth2/jwks`), the userinfo endpoint
//! and the discovery document. Served on every listener; each reads the shared database.

use super::error::{no_store_json, plain_error};
use super::gateway::{bearer, challenge};
use crate::server::config::Config;
use crate::service::oauth::{UserinfoError, OPENID_SCOPE};
use crate::service::Services;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;

/// The published keys, cacheable for five minutes: a new key is published an hour (by
/// default) before it signs, so caches see it in time.
pub async fn jwks(State(services): State<Services>) -> Response {
    match services.jwks().await {
        Ok(keys) => {
            let mut res = axum::Json(keys).into_response();
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            );
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "the signing keys could not be read");
            plain_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "the signing keys cannot be read right now",
            )
        }
    }
}

/// OpenID Connect Core §5.3, GET or POST with a Bearer access token.
pub async fn userinfo(State(services): State<Services>, headers: HeaderMap) -> Response {
    let token = match bearer(&headers) {
        Ok(Some(token)) => token,
        Ok(None) => {
            return challenge(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send the access token: Authorization: Bearer <token>",
                None,
            )
        }
        Err(_) => {
            return challenge(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "the Authorization header is malformed",
                None,
            )
        }
    };
    match services.userinfo(token).await {
        Ok(info) => no_store_json(StatusCode::OK, &info),
        Err(UserinfoError::InvalidToken) => challenge(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "the access token is not valid",
            None,
        ),
        Err(UserinfoError::InsufficientScope) => challenge(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            "the access token must be a user's, granted the openid scope",
            Some(OPENID_SCOPE),
        ),
        Err(UserinfoError::Unavailable) => plain_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "the access token cannot be checked right now",
        ),
    }
}

/// OpenID Connect Discovery 1.0: what this server supports, and nothing it does not
/// (no authorization endpoint yet, so no response types).
pub async fn configuration(
    State(config): State<Arc<Config>>,
    State(services): State<Services>,
) -> Response {
    let mut algs = vec![services.signing.algorithm.as_str().to_owned()];
    if let Ok(keys) = services.signing_keys().await {
        for k in keys {
            if !algs.contains(&k.algorithm) {
                algs.push(k.algorithm);
            }
        }
    }
    let mut map = super::well_known::shared(&config.portal_url());
    for (key, value) in [
        ("subject_types_supported", json!(["public"])),
        ("id_token_signing_alg_values_supported", json!(algs)),
        ("scopes_supported", json!([OPENID_SCOPE])),
        (
            "claims_supported",
            json!([
                "iss",
                "sub",
                "aud",
                "azp",
                "exp",
                "iat",
                "at_hash",
                "preferred_username",
                "email"
            ]),
        ),
    ] {
        map.insert(key.into(), value);
    }
    let mut res = axum::Json(serde_json::Value::Object(map)).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    res
}
