//! The key manager's side of the internal API. Callers are Portico nodes that proved a
//! machine credential; they have already checked who may do what (a portal checks that
//! the signed-in developer owns the application), so these routes name rows by id.

use super::{
    KeysAnswer, KeysRequest, PortalTokenRequest, Refusal, ValidateAnswer, ValidateRequest,
    WireToken, CLIENT_ADDRESS_HEADER, NODE_HEADER, NODE_REFUSED_HEADER, PREFIX,
};
use crate::domain::redirect_uri::CallbackUrls;
use crate::domain::{GrantTypes, KeyType, TokenType};
use crate::http::error::{no_store_json, plain_error, OAuthFailure};
use crate::server::state::AppState;
use crate::service::node_auth::NodeAuthError;
use crate::service::{GeneratedKeys, KeyRequest, PortalTokenKind, ServiceError, Services};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use secrecy::SecretString;
use std::net::{IpAddr, SocketAddr};

pub fn routes(services: Services) -> Router<AppState> {
    let at = |p: &str| format!("{PREFIX}{p}");
    Router::new()
        .route(&at("/check"), get(check))
        .route(&at("/tokens/validate"), post(validate))
        .route(&at("/jwks"), get(published_keys))
        .route(&at("/keys"), post(generate))
        .route(&at("/keys/secret"), post(regenerate))
        .route(&at("/portal-token"), post(portal_token))
        .route(&at("/oauth2/token"), post(crate::http::oauth::token))
        .route(&at("/oauth2/revoke"), post(crate::http::oauth::revoke))
        .route(
            &at("/oauth2/introspect"),
            post(crate::http::oauth::introspect),
        )
        .route_layer(axum::middleware::from_fn_with_state(services, authenticate))
}

fn node_credential(req: &Request) -> Option<(String, SecretString)> {
    let value = req.headers().get(NODE_HEADER)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), SecretString::from(password.to_owned())))
}

fn refuse(status: StatusCode, error: &str, message: &str) -> Response {
    let mut res = plain_error(status, error, message);
    res.headers_mut()
        .insert(NODE_REFUSED_HEADER, HeaderValue::from_static("1"));
    res
}

/// Lets only nodes with a machine credential through, and believes the client address
/// they pass on (the gateway's client, for throttling and logs) only then.
async fn authenticate(State(services): State<Services>, mut req: Request, next: Next) -> Response {
    let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "no peer");
    };
    let Some((user, password)) = node_credential(&req) else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_node_credential",
            "the internal API needs a node credential in X-Portico-Node",
        );
    };
    match services
        .authenticate_node(&user, &password, peer.ip())
        .await
    {
        Ok(()) => {}
        Err(NodeAuthError::Denied) => {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "invalid_node_credential",
                "the node credential is not valid",
            )
        }
        Err(NodeAuthError::Throttled(secs)) => {
            let mut res = refuse(
                StatusCode::TOO_MANY_REQUESTS,
                "slow_down",
                "too many wrong node credentials",
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
            return res;
        }
        Err(NodeAuthError::Internal) => {
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the credential could not be checked",
            )
        }
    }
    let client: Option<IpAddr> = req
        .headers()
        .get(CLIENT_ADDRESS_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    if let Some(ip) = client {
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(ip, peer.port())));
    }
    next.run(req).await
}

async fn check() -> Response {
    no_store_json(StatusCode::OK, &serde_json::json!({"status": "ok"}))
}

fn failure(e: ServiceError) -> Response {
    let (status, code) = match &e {
        ServiceError::Invalid(_) => (StatusCode::BAD_REQUEST, "invalid"),
        ServiceError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
        ServiceError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
        other => {
            tracing::error!(error = %other, "internal API call failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal")
        }
    };
    let message = match &e {
        ServiceError::Invalid(v) => v.message.clone(),
        ServiceError::NotFound(_) | ServiceError::Conflict(_) => e.to_string(),
        _ => "the key manager could not complete the request".into(),
    };
    no_store_json(
        status,
        &Refusal {
            error: code.into(),
            message,
        },
    )
}

async fn validate(State(services): State<Services>, Json(req): Json<ValidateRequest>) -> Response {
    // Not through this node's cache: the caller caches, and must get what the database
    // says now (it may have seen a revocation in the feed before this node did).
    match services.load_token(&req.token).await {
        Ok(row) => no_store_json(
            StatusCode::OK,
            &ValidateAnswer {
                token: row.map(WireToken::from),
            },
        ),
        Err(e) => failure(e),
    }
}

/// The keys, issuer and audience a gateway checks JWT access tokens against.
async fn published_keys(State(services): State<Services>) -> Response {
    match services.published_keys().await {
        Ok(keys) => no_store_json(StatusCode::OK, &keys),
        Err(e) => failure(e),
    }
}

fn keys_answer(keys: GeneratedKeys) -> Response {
    use secrecy::ExposeSecret;
    no_store_json(
        StatusCode::OK,
        &KeysAnswer {
            consumer_secret: keys.consumer_secret.expose_secret().to_owned(),
            consumer_key: keys.consumer_key,
            grant_types: keys.key.grant_types,
            access_token_validity: keys.key.access_token_validity,
            created_at: keys.key.created_at,
            secret_rotated_at: keys.key.secret_rotated_at,
            token_type: keys.key.token_type,
            callback_urls: keys.key.callback_urls,
            public_client: keys.key.public_client != 0,
            allow_plain_pkce: keys.key.allow_plain_pkce != 0,
        },
    )
}

async fn generate(State(services): State<Services>, Json(req): Json<KeysRequest>) -> Response {
    let result = async {
        let app = services.store.application(&req.app_id).await?;
        let grant_types = GrantTypes::parse_list(req.grant_types.as_deref().unwrap_or(""))?;
        let request = KeyRequest {
            key_type: KeyType::parse(&req.key_type)?,
            grant_types,
            access_token_validity: req.access_token_validity,
            token_type: req
                .token_type
                .as_deref()
                .map(TokenType::parse)
                .transpose()?,
            callback_urls: CallbackUrls::parse(&req.callback_urls)?,
            public_client: req.public_client,
            allow_plain_pkce: req.allow_plain_pkce,
        };
        services.generate_keys(&app, request).await
    }
    .await;
    result.map_or_else(failure, keys_answer)
}

async fn regenerate(State(services): State<Services>, Json(req): Json<KeysRequest>) -> Response {
    let result = async {
        let app = services.store.application(&req.app_id).await?;
        let key_type = KeyType::parse(&req.key_type)?;
        services.regenerate_secret(&app, key_type).await
    }
    .await;
    result.map_or_else(failure, keys_answer)
}

async fn portal_token(
    State(services): State<Services>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    Json(req): Json<PortalTokenRequest>,
) -> Response {
    let rows = async {
        let user = services.store.user_by_id(&req.user_id).await?;
        let app = services.store.application(&req.app_id).await?;
        let key_type = KeyType::parse(&req.key_type)?;
        Ok::<_, ServiceError>((user, app, key_type))
    }
    .await;
    let (user, app, key_type) = match rows {
        Ok(found) => found,
        Err(e) => return failure(e),
    };
    let kind = match (req.kind.as_str(), req.password) {
        ("application", _) => PortalTokenKind::Application,
        ("user", Some(password)) => PortalTokenKind::User {
            password: SecretString::from(password),
        },
        _ => {
            return failure(ServiceError::Invalid(crate::domain::ValidationError::new(
                "kind",
                "must be application, or user with a password",
            )))
        }
    };
    let issued = services
        .portal_token(
            &user,
            &app,
            key_type,
            kind,
            &req.scope,
            req.validity,
            client.ip(),
        )
        .await;
    match issued {
        Ok(tokens) => no_store_json(StatusCode::OK, &tokens),
        Err(error) => OAuthFailure {
            error,
            basic_used: false,
        }
        .into_response(),
    }
}
