//! The gateway's reverse proxy on 8243/8280: every path the gateway does not serve itself
//! is matched to an API, checked (`service::gateway`) and streamed to its backend and back
//! (`http::proxy`).

use super::error::plain_error;
use super::proxy::forward;
pub use super::proxy::{Proxy, Scheme, END_USER_HEADER};
use crate::domain::path::normalize;
use crate::server::state::AppState;
use crate::service::gateway::GatewayError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Extension;
use std::net::SocketAddr;
use std::time::Instant;

/// An `Authorization` header that is there but unusable (RFC 6750 §3.1 invalid_request).
#[derive(Debug)]
pub(crate) struct Malformed;

fn malformed() -> Response {
    challenge(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "the Authorization header is malformed",
        None,
    )
}

/// The Bearer token of RFC 6750 §2.1. `Ok(None)`: no Bearer credentials at all.
pub(crate) fn bearer(headers: &HeaderMap) -> Result<Option<&str>, Malformed> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(Malformed);
    }
    let value = value.to_str().map_err(|_| Malformed)?.trim();
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    let token = token.trim();
    let b64token = |b: &u8| b.is_ascii_alphanumeric() || b"-._~+/=".contains(b);
    if token.is_empty() || !token.as_bytes().iter().all(b64token) {
        return Err(Malformed);
    }
    Ok(Some(token))
}

/// An RFC 6750 §3 refusal: JSON body and a `WWW-Authenticate: Bearer` challenge.
pub(super) fn challenge(
    status: StatusCode,
    error: &str,
    description: &str,
    scope: Option<&str>,
) -> Response {
    let mut res = plain_error(status, error, description);
    let mut value = String::from("Bearer realm=\"portico\"");
    if status != StatusCode::UNAUTHORIZED || error != "unauthorized" {
        value.push_str(&format!(
            ", error=\"{error}\", error_description=\"{description}\""
        ));
    }
    if let Some(scope) = scope {
        value.push_str(&format!(", scope=\"{scope}\""));
    }
    if let Ok(v) = HeaderValue::from_str(&value) {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    res
}

fn refusal(e: GatewayError) -> Response {
    match e {
        GatewayError::NoApi | GatewayError::NoResource => plain_error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no API resource matches this method and path",
        ),
        GatewayError::MethodNotAllowed(methods) => {
            let mut res = plain_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this resource does not accept this method",
            );
            if let Ok(v) = HeaderValue::from_str(&methods.join(", ")) {
                res.headers_mut().insert(header::ALLOW, v);
            }
            res
        }
        GatewayError::MissingToken => challenge(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this resource needs an access token: Authorization: Bearer <token>",
            None,
        ),
        GatewayError::InvalidToken(why) => {
            challenge(StatusCode::UNAUTHORIZED, "invalid_token", why, None)
        }
        GatewayError::InsufficientScope(needed) => {
            let scope = needed.join(" ");
            let why = format!("the access token needs one of these scopes: {scope}");
            challenge(
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                &why,
                Some(&scope),
            )
        }
        GatewayError::NotSubscribed { api } => plain_error(
            StatusCode::FORBIDDEN,
            "not_subscribed",
            &format!("the token's application is not subscribed to the API `{api}`"),
        ),
        GatewayError::KeyManagerDown(why) => {
            tracing::warn!(reason = %why, "token check refused: the key manager is unavailable");
            let mut res = plain_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "the key manager cannot check this token right now",
            );
            res.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(super::error::UNAVAILABLE_RETRY_AFTER),
            );
            res
        }
        GatewayError::Internal => plain_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "the gateway cannot check tokens right now",
        ),
    }
}

/// One proxied call. Everything it decides on is borrowed from the request until the
/// request moves on to the backend: this runs for every call the gateway serves.
pub async fn proxy(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Extension(scheme): Extension<Scheme>,
    peer: Option<Extension<super::client_addr::Peer>>,
    req: Request,
) -> Response {
    let started = Instant::now();
    let services = &state.services;
    let decided = {
        let Ok(token) = bearer(req.headers()) else {
            return counted(None, started, malformed());
        };
        // Routed, checked and forwarded as one normal form (`domain::path`).
        let path = match normalize(req.uri().path()) {
            Ok(path) => path,
            Err(e) => {
                let res = plain_error(StatusCode::BAD_REQUEST, "invalid_request", &e.to_string());
                return counted(None, started, res);
            }
        };
        services
            .gateway_authorize(req.method().as_str(), &path, token)
            .await
    };
    let pass = match decided {
        Ok(pass) => pass,
        Err(e) => return counted(None, started, refusal(e)),
    };
    // Behind a trusted proxy, `addr` is the client's; the hop appended to
    // X-Forwarded-For is still the connection's own.
    let hop = peer.map_or(addr, |Extension(p)| p.0);
    let res = forward(&state.proxy, &pass, req, hop, scheme).await;
    services.record_call(&pass, res.status().as_u16(), started.elapsed());
    counted(Some(&pass.api_id), started, res)
}

/// Counts a call in the metrics (`api`: the API it was routed to) and returns it.
fn counted(api: Option<&str>, started: Instant, res: Response) -> Response {
    super::metrics::gateway_call(api, res.status(), started.elapsed());
    res
}

#[cfg(test)]
#[path = "gateway_tests.rs"]
mod tests;
