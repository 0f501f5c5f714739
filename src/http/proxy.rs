//! The gateway's side of a proxied call: the request as the backend gets it (hop-by-hop
//! and credential headers removed, `X-Forwarded-*` and the end user added), the answer
//! as the client gets it, and 502/504 when the backend fails.

use super::backend_guard::{refusal, GuardedConnector};
use super::cookies::{drop_portal_set_cookies, strip_portal_cookies};
use super::error::plain_error;
use crate::domain::backend::BackendPolicy;
use crate::service::gateway::Pass;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::net::SocketAddr;
use std::time::Duration;

/// Which listener a request came in on, for `X-Forwarded-Proto`.
#[derive(Debug, Clone, Copy)]
pub struct Scheme(pub &'static str);

/// Names the end user of a user token to the backend; never taken from the client.
pub const END_USER_HEADER: &str = "x-portico-end-user";
const APPLICATION_HEADER: &str = "x-portico-application-id";

type Connector = hyper_rustls::HttpsConnector<GuardedConnector>;

/// The backend client: hyper's pooled HTTP/1.1 client, http or https (rustls, Mozilla's
/// roots). It follows no redirects and decodes nothing, so bodies pass through as sent.
/// Plain hyper rather than a convenience client: the proxy path then parses each URI
/// once, as `http::Uri`, and hands the incoming body over without re-wrapping it.
#[derive(Clone)]
pub struct Proxy {
    client: Client<Connector, Body>,
    timeout: Duration,
}

impl Proxy {
    pub fn new(timeout: Duration, policy: BackendPolicy) -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(timeout.min(Duration::from_secs(10))));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .expect("ring supports rustls's default protocol versions")
            .https_or_http()
            .enable_http1()
            .wrap_connector(GuardedConnector::new(http, policy));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_timer(TokioTimer::new())
            .build(https);
        Self { client, timeout }
    }
}

/// Hop-by-hop headers (RFC 9110 §7.6.1) and those the gateway owns; never forwarded.
static NOT_FORWARDED: [HeaderName; 15] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    header::HOST,
    header::AUTHORIZATION,
    header::FORWARDED,
    HeaderName::from_static("x-forwarded-proto"),
    HeaderName::from_static("x-forwarded-host"),
    HeaderName::from_static(END_USER_HEADER),
    HeaderName::from_static(APPLICATION_HEADER),
];

/// Removes, in place, the headers that must not pass the gateway: those above and those
/// the `Connection` header names. Removing beats copying the rest: a request carries a
/// handful of headers and most of them pass.
pub(super) fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|t| HeaderName::from_bytes(t.trim().as_bytes()).ok())
        .collect();
    for name in named.iter().chain(&NOT_FORWARDED) {
        headers.remove(name);
    }
}

pub(super) async fn forward(
    proxy: &Proxy,
    pass: &Pass,
    req: Request,
    addr: SocketAddr,
    scheme: Scheme,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let query = parts.uri.query();
    let mut url = String::with_capacity(
        pass.backend_url.len() + pass.rest.len() + query.map_or(0, |q| q.len() + 1),
    );
    url.push_str(&pass.backend_url);
    url.push_str(&pass.rest);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    let Ok(uri) = axum::http::Uri::try_from(url) else {
        return bad_gateway("the request does not make a valid backend URL");
    };
    let headers = &mut parts.headers;
    let forwarded_for = match headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
        Some(earlier) => format!("{earlier}, {}", addr.ip()),
        None => addr.ip().to_string(),
    };
    let host = headers.get(header::HOST).cloned();
    strip_hop_by_hop(headers);
    strip_portal_cookies(headers);
    let mut set = |name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    };
    set("x-forwarded-for", &forwarded_for);
    set("x-forwarded-proto", scheme.0);
    set(APPLICATION_HEADER, &pass.token.app_id);
    if let Some(user) = &pass.token.username {
        set(END_USER_HEADER, user);
    }
    if let Some(host) = host {
        headers.insert("x-forwarded-host", host);
    }
    // A request without a body is sent without one, not as an empty chunked stream.
    let body = if axum::body::HttpBody::is_end_stream(&body) {
        Body::empty()
    } else {
        body
    };
    let mut request = axum::http::Request::new(body);
    *request.method_mut() = parts.method;
    *request.uri_mut() = uri;
    *request.headers_mut() = std::mem::take(&mut parts.headers);
    let answer = match tokio::time::timeout(proxy.timeout, proxy.client.request(request)).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(e)) if refusal(&e).is_some() => {
            let why = refusal(&e).map(ToString::to_string).unwrap_or_default();
            tracing::warn!(api = %pass.api_id, error = %why, "backend address refused");
            return bad_gateway("the backend's address is not allowed");
        }
        Ok(Err(e)) if !timed_out(&e) => {
            tracing::warn!(api = %pass.api_id, error = %e, "backend unreachable");
            return bad_gateway("the backend could not be reached");
        }
        _ => {
            return plain_error(
                StatusCode::GATEWAY_TIMEOUT,
                "gateway_timeout",
                "the backend did not answer in time",
            )
        }
    };
    let (mut head, incoming) = answer.into_parts();
    strip_hop_by_hop(&mut head.headers);
    drop_portal_set_cookies(&mut head.headers);
    let mut res = Response::new(Body::new(incoming));
    *res.status_mut() = head.status;
    *res.headers_mut() = head.headers;
    res
}

fn bad_gateway(description: &str) -> Response {
    plain_error(StatusCode::BAD_GATEWAY, "bad_gateway", description)
}

/// Whether the client gave up connecting because the backend was too slow to accept.
fn timed_out(e: &hyper_util::client::legacy::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return io.kind() == std::io::ErrorKind::TimedOut;
        }
        source = err.source();
    }
    false
}
