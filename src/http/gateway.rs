//! The gateway's reverse proxy on 8243/8280: every path the gateway does not serve itself
//! is matched to an API, checked (`service::gateway`) and streamed to its backend and back.

use super::error::plain_error;
use crate::service::gateway::{GatewayError, Pass};
use crate::service::Services;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Which listener a request came in on, for `X-Forwarded-Proto`.
#[derive(Debug, Clone, Copy)]
pub struct Scheme(pub &'static str);

/// Names the end user of a user token to the backend; never taken from the client.
pub const END_USER_HEADER: &str = "x-portico-end-user";
const APPLICATION_HEADER: &str = "x-portico-application-id";

/// The backend client: no redirects followed, no decompression, a connection pool.
#[derive(Clone)]
pub struct Proxy {
    client: reqwest::Client,
    timeout: Duration,
}

impl Proxy {
    pub fn new(timeout: Duration) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .expect("the TLS backend initialises");
        Self { client, timeout }
    }
}

/// Hop-by-hop headers (RFC 9110 §7.6.1) and those the gateway owns; never forwarded.
fn skip(name: &HeaderName, connection: &[String]) -> bool {
    matches!(
        name.as_str(),
        "connection"
            | "keep-alive"
            | "proxy-authenticate"
            | "proxy-authorization"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "host"
            | "authorization"
            | "forwarded"
            | "x-forwarded-proto"
            | "x-forwarded-host"
            | END_USER_HEADER
            | APPLICATION_HEADER
    ) || connection.iter().any(|c| c == name.as_str())
}

fn copy_headers(from: &HeaderMap) -> HeaderMap {
    let connection: Vec<String> = from
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .collect();
    let mut out = HeaderMap::with_capacity(from.len());
    for (name, value) in from {
        if !skip(name, &connection) {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

/// An `Authorization` header that is there but unusable (RFC 6750 §3.1 invalid_request).
#[derive(Debug)]
struct Malformed;

fn malformed() -> Response {
    challenge(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "the Authorization header is malformed",
        None,
    )
}

/// The Bearer token of RFC 6750 §2.1. `Ok(None)`: no Bearer credentials at all.
fn bearer(headers: &HeaderMap) -> Result<Option<String>, Malformed> {
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
    let b64token = |c: char| c.is_ascii_alphanumeric() || "-._~+/=".contains(c);
    if token.is_empty() || !token.chars().all(b64token) {
        return Err(Malformed);
    }
    Ok(Some(token.to_owned()))
}

/// An RFC 6750 §3 refusal: JSON body and a `WWW-Authenticate: Bearer` challenge.
fn challenge(status: StatusCode, error: &str, description: &str, scope: Option<&str>) -> Response {
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
        GatewayError::Internal => plain_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "the gateway cannot check tokens right now",
        ),
    }
}

pub async fn proxy(
    State(services): State<Services>,
    State(proxy): State<Proxy>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Extension(scheme): Extension<Scheme>,
    req: Request,
) -> Response {
    let started = Instant::now();
    let Ok(token) = bearer(req.headers()) else {
        return malformed();
    };
    let path = req.uri().path().to_owned();
    let method = req.method().as_str().to_owned();
    let pass = match services
        .gateway_authorize(&method, &path, token.as_deref())
        .await
    {
        Ok(pass) => pass,
        Err(e) => return refusal(e),
    };
    let res = forward(&proxy, &pass, req, addr, scheme).await;
    services.record_call(&pass, res.status().as_u16(), started.elapsed());
    res
}

async fn forward(
    proxy: &Proxy,
    pass: &Pass,
    req: Request,
    addr: SocketAddr,
    scheme: Scheme,
) -> Response {
    let (parts, body) = req.into_parts();
    let query = parts
        .uri
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let url = format!("{}{}{query}", pass.backend_url, pass.rest);
    let mut headers = copy_headers(&parts.headers);
    let forwarded_for = match parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
    {
        Some(earlier) => format!("{earlier}, {}", addr.ip()),
        None => addr.ip().to_string(),
    };
    let mut set = |name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    };
    set("x-forwarded-for", &forwarded_for);
    set("x-forwarded-proto", scheme.0);
    if let Some(host) = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
    {
        set("x-forwarded-host", host);
    }
    set(APPLICATION_HEADER, &pass.app_id);
    if let Some(user) = &pass.username {
        set(END_USER_HEADER, user);
    }
    // A request without a body is sent without one, not as an empty chunked stream.
    let has_body = !axum::body::HttpBody::is_end_stream(&body);
    let mut request = proxy.client.request(parts.method, url).headers(headers);
    if has_body {
        request = request.body(reqwest::Body::wrap_stream(body.into_data_stream()));
    }
    let answer = match tokio::time::timeout(proxy.timeout, request.send()).await {
        Err(_) => {
            return plain_error(
                StatusCode::GATEWAY_TIMEOUT,
                "gateway_timeout",
                "the backend did not answer in time",
            )
        }
        Ok(Err(e)) if e.is_timeout() => {
            return plain_error(
                StatusCode::GATEWAY_TIMEOUT,
                "gateway_timeout",
                "the backend did not answer in time",
            )
        }
        Ok(Err(e)) => {
            tracing::warn!(api = %pass.api_id, error = %e, "backend unreachable");
            return plain_error(
                StatusCode::BAD_GATEWAY,
                "bad_gateway",
                "the backend could not be reached",
            );
        }
        Ok(Ok(answer)) => answer,
    };
    let status = answer.status();
    let headers = copy_headers(answer.headers());
    let mut res = Body::from_stream(answer.bytes_stream()).into_response();
    *res.status_mut() = status;
    *res.headers_mut() = headers;
    res
}

#[cfg(test)]
#[path = "gateway_tests.rs"]
mod tests;
