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

static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
static X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
static X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
static END_USER: HeaderName = HeaderName::from_static(END_USER_HEADER);
static APPLICATION: HeaderName = HeaderName::from_static(APPLICATION_HEADER);

/// Hop-by-hop headers (RFC 9110 §7.6.1) and those the gateway owns; never forwarded.
static NOT_FORWARDED: [&HeaderName; 15] = [
    &header::CONNECTION,
    &KEEP_ALIVE,
    &header::PROXY_AUTHENTICATE,
    &header::PROXY_AUTHORIZATION,
    &header::TE,
    &header::TRAILER,
    &header::TRANSFER_ENCODING,
    &header::UPGRADE,
    &header::HOST,
    &header::AUTHORIZATION,
    &header::FORWARDED,
    &X_FORWARDED_PROTO,
    &X_FORWARDED_HOST,
    &END_USER,
    &APPLICATION,
];
static KEEP_ALIVE: HeaderName = HeaderName::from_static("keep-alive");

/// Removes, in place, the headers that must not pass the gateway: those above and those
/// the `Connection` header names. One pass over the headers present (a handful) picks
/// them out, instead of a lookup for every name that might be there.
pub(super) fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let mut doomed: Vec<HeaderName> = headers
        .keys()
        .filter(|name| NOT_FORWARDED.contains(name))
        .cloned()
        .collect();
    doomed.extend(
        headers
            .get_all(header::CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|t| HeaderName::from_bytes(t.trim().as_bytes()).ok()),
    );
    for name in doomed {
        headers.remove(name);
    }
}

/// `X-Forwarded-For` with the client's address appended; an IPv4 address (the usual
/// case) is written without the formatting machinery, which cost more than the rest of
/// this header work together.
fn forwarded_for(earlier: Option<&HeaderValue>, ip: std::net::IpAddr) -> String {
    let mut out = String::with_capacity(64);
    if let Some(earlier) = earlier.and_then(|v| v.to_str().ok()) {
        out.push_str(earlier);
        out.push_str(", ");
    }
    match ip {
        std::net::IpAddr::V4(v4) => {
            for (i, octet) in v4.octets().iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                let (h, t, o) = (octet / 100, octet / 10 % 10, octet % 10);
                if h > 0 {
                    out.push(char::from(b'0' + h));
                }
                if h > 0 || t > 0 {
                    out.push(char::from(b'0' + t));
                }
                out.push(char::from(b'0' + o));
            }
        }
        v6 => out.push_str(&v6.to_string()),
    }
    out
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
    let forwarded_for = forwarded_for(headers.get(&X_FORWARDED_FOR), addr.ip());
    let host = headers.get(header::HOST).cloned();
    strip_hop_by_hop(headers);
    strip_portal_cookies(headers);
    let mut set = |name: &HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    };
    set(&X_FORWARDED_FOR, &forwarded_for);
    set(&APPLICATION, &pass.token.app_id);
    if let Some(user) = &pass.token.username {
        set(&END_USER, user);
    }
    headers.insert(&X_FORWARDED_PROTO, HeaderValue::from_static(scheme.0));
    if let Some(host) = host {
        headers.insert(&X_FORWARDED_HOST, host);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_appends_the_client_as_the_formatter_would() {
        for ip in [
            "0.0.0.0",
            "10.0.0.9",
            "127.0.0.1",
            "192.168.100.255",
            "::1",
            "2001:db8::7",
        ] {
            let addr: std::net::IpAddr = ip.parse().unwrap();
            assert_eq!(forwarded_for(None, addr), addr.to_string());
        }
        let earlier = HeaderValue::from_static("203.0.113.5");
        let ip = "10.1.20.3".parse().unwrap();
        assert_eq!(forwarded_for(Some(&earlier), ip), "203.0.113.5, 10.1.20.3");
    }

    #[test]
    fn hop_by_hop_and_gateway_headers_are_stripped_and_the_rest_kept() {
        let mut h = HeaderMap::new();
        for (k, v) in [
            ("connection", "x-hop, keep-alive"),
            ("keep-alive", "5"),
            ("x-hop", "1"),
            ("authorization", "Bearer t"),
            ("x-portico-end-user", "mallory"),
            ("accept", "*/*"),
            ("x-custom", "kept"),
        ] {
            h.insert(HeaderName::from_static(k), HeaderValue::from_static(v));
        }
        strip_hop_by_hop(&mut h);
        let mut left: Vec<&str> = h.keys().map(HeaderName::as_str).collect();
        left.sort_unstable();
        assert_eq!(left, ["accept", "x-custom"]);
    }
}
