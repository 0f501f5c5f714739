//! `POST /token`, `/revoke`, `/introspect` (and their `/oauth2/...` twins on the portal
//! port): transport parsing only; the rules live in `service::oauth`.

use super::body::{closing, read_bounded, BodyError};
use super::client_auth::{basic_credentials, basic_user_password, client_auth};
use super::error::{no_store_json, plain_error, OAuthFailure};
use super::form;
use crate::service::oauth::{OAuthError, TokenRequest};
use crate::service::Services;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use secrecy::SecretString;
use std::collections::HashMap;
use std::net::SocketAddr;

/// OAuth requests are a few short parameters; anything larger is refused unread.
pub const MAX_FORM_BYTES: usize = 16 * 1024;

fn basic_used(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.len() >= 5 && v[..5].eq_ignore_ascii_case("basic"))
}

/// Reads and parses a form body, or answers with the matching error response.
async fn read_form(headers: &HeaderMap, body: Body) -> Result<HashMap<String, String>, Response> {
    let fail = |e: OAuthError| {
        OAuthFailure {
            error: e,
            basic_used: basic_used(headers),
        }
        .into_response()
    };
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(fail(OAuthError::InvalidRequest(
            "the body must be application/x-www-form-urlencoded".into(),
        )));
    }
    let bytes = match read_bounded(headers, body, MAX_FORM_BYTES).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => {
            return Err(closing(plain_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request",
                "the request body is too large",
            )))
        }
        Err(BodyError::Broken) => {
            return Err(closing(fail(OAuthError::InvalidRequest(
                "the request body could not be read".into(),
            ))))
        }
    };
    form::parse(&bytes).map_err(|e| fail(OAuthError::InvalidRequest(e.to_string())))
}

pub async fn token(
    State(services): State<Services>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = std::time::Instant::now();
    let mut params = match read_form(&headers, body).await {
        Ok(p) => p,
        Err(res) => {
            super::metrics::grant(None, "invalid_request", started.elapsed());
            return res;
        }
    };
    let basic = basic_used(&headers);
    let grant_type = params.get("grant_type").cloned();
    let result = async {
        let client = client_auth(&headers, &mut params)?;
        let req = TokenRequest {
            client,
            params,
            client_ip: peer.ip(),
            source: "api",
            lifetime_cap: None,
        };
        services.token(req).await
    }
    .await;
    let outcome = result.as_ref().map_or_else(|e| e.code(), |_| "issued");
    super::metrics::grant(grant_type.as_deref(), outcome, started.elapsed());
    match result {
        Ok(tokens) => no_store_json(StatusCode::OK, &tokens),
        Err(error) => OAuthFailure {
            error,
            basic_used: basic,
        }
        .into_response(),
    }
}

pub async fn revoke(State(services): State<Services>, headers: HeaderMap, body: Body) -> Response {
    let mut params = match read_form(&headers, body).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    let basic = basic_used(&headers);
    let result = async {
        let client = client_auth(&headers, &mut params)?;
        let token = params
            .get("token")
            .ok_or_else(|| OAuthError::InvalidRequest("missing parameter `token`".into()))?;
        let hint = params.get("token_type_hint").map(String::as_str);
        services.revoke(&client, token, hint).await
    }
    .await;
    match result {
        Ok(()) => no_store_json(StatusCode::OK, &serde_json::json!({})),
        Err(error) => OAuthFailure {
            error,
            basic_used: basic,
        }
        .into_response(),
    }
}

/// Introspection callers: any application (consumer key and secret, form-encoded as
/// RFC 6749 §2.3.1 says) or an admin user (username and password as typed), both over
/// HTTP Basic. The admin's password check is throttled like every other.
async fn authorize_introspection(
    services: &Services,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<(), OAuthError> {
    let denied =
        || OAuthError::InvalidClient("authenticate with a consumer key or an admin account".into());
    if let Ok(Some((id, secret))) = basic_credentials(headers) {
        let client = crate::service::oauth::ClientAuth {
            client_id: id,
            client_secret: SecretString::from(secret),
            via_basic: true,
            public: false,
        };
        if services.authenticate_client(&client).await.is_ok() {
            return Ok(());
        }
    }
    let (user, password) = basic_user_password(headers)?.ok_or_else(denied)?;
    let password = SecretString::from(password);
    match services
        .authenticate_throttled(&user, &password, peer.ip())
        .await
    {
        Ok(Some(user)) if user.is_admin == 1 => Ok(()),
        Err(crate::service::ServiceError::Throttled(secs)) => Err(OAuthError::Throttled(secs)),
        Err(e) => Err(e.into()),
        _ => Err(denied()),
    }
}

pub async fn introspect(
    State(services): State<Services>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let params = match read_form(&headers, body).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    let result = async {
        authorize_introspection(&services, &headers, peer).await?;
        let token = params
            .get("token")
            .ok_or_else(|| OAuthError::InvalidRequest("missing parameter `token`".into()))?;
        services
            .introspect(token, params.get("token_type_hint").map(String::as_str))
            .await
    }
    .await;
    match result {
        Ok(answer) => no_store_json(StatusCode::OK, &answer),
        Err(error) => OAuthFailure {
            error,
            basic_used: true,
        }
        .into_response(),
    }
}

/// Any method but POST on an OAuth endpoint.
pub async fn post_only() -> Response {
    let mut res = plain_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "invalid_request",
        "this endpoint accepts POST only",
    );
    res.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    res
}
