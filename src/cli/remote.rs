//! The command line's client of a remote node's REST API (`--server URL --token T`):
//! HTTPS verified against Mozilla's roots or `--ca-cert`; plain HTTP only to a loopback
//! address, so a bearer token never crosses a network in the clear.

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Request, StatusCode, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// The longest an answer may be: a full page of APIs with their resources fits easily.
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// An import of a large document is the slowest call.
const CALL_TIMEOUT: Duration = Duration::from_secs(120);

pub struct Remote {
    http: Client<hyper_rustls::HttpsConnector<HttpConnector>, Body>,
    /// Scheme, host and port, without a trailing slash.
    origin: String,
    bearer: HeaderValue,
}

/// The server's answer to one call.
pub struct Answer {
    pub status: StatusCode,
    pub etag: Option<String>,
    pub body: Value,
}

fn loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `https://host[:port]` from `--server`; a path, query or credentials are refused so
/// that no part of the URL is silently dropped.
fn origin(server: &str) -> anyhow::Result<String> {
    let uri: Uri = server
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("--server {server:?} is not a URL"))?;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        anyhow::bail!(
            "--server {server:?}: give the scheme and host, e.g. https://portal.example.com:9443"
        );
    };
    if authority.as_str().contains('@') {
        anyhow::bail!("--server must not hold credentials; pass the token with --token");
    }
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        anyhow::bail!(
            "--server is the node's address only (no path), e.g. https://portal.example.com:9443"
        );
    }
    match scheme {
        "https" => {}
        "http" if loopback(authority.host()) => {}
        "http" => anyhow::bail!(
            "--server {server:?}: plain HTTP would send the token in the clear; use https \
             (plain http is accepted for loopback addresses only)"
        ),
        other => anyhow::bail!("--server {server:?}: unknown scheme {other:?}; use https"),
    }
    Ok(format!("{scheme}://{authority}"))
}

impl Remote {
    pub fn new(server: &str, token: &SecretString, ca_cert: Option<&Path>) -> anyhow::Result<Self> {
        let origin = origin(server)?;
        let token = token.expose_secret().trim();
        if token.is_empty() {
            anyhow::bail!("--server needs an access token: --token or PORTICO_TOKEN");
        }
        let mut bearer = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| anyhow::anyhow!("the token holds characters a header cannot carry"))?;
        bearer.set_sensitive(true);
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(CONNECT_TIMEOUT));
        let builder = hyper_rustls::HttpsConnectorBuilder::new();
        let builder = match ca_cert {
            Some(path) => builder.with_tls_config(
                crate::server::tls::trusting(path, "--ca-cert").map_err(anyhow::Error::msg)?,
            ),
            None => {
                builder.with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())?
            }
        };
        let https = builder.https_or_http().enable_http1().wrap_connector(http);
        Ok(Self {
            http: Client::builder(TokioExecutor::new()).build(https),
            origin,
            bearer,
        })
    }

    /// Sends one call to `path` (below the origin) and reads its answer. A refusal
    /// becomes an error carrying the server's code, message and request id.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> anyhow::Result<Answer> {
        let mut req = Request::new(match body {
            Some(v) => Body::from(serde_json::to_vec(v)?),
            None => Body::empty(),
        });
        *req.method_mut() = method;
        *req.uri_mut() = format!("{}{path}", self.origin).parse()?;
        let headers = req.headers_mut();
        headers.insert(header::AUTHORIZATION, self.bearer.clone());
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        if body.is_some() {
            let json = HeaderValue::from_static("application/json");
            headers.insert(header::CONTENT_TYPE, json);
        }
        if let Some(tag) = if_match {
            headers.insert(header::IF_MATCH, HeaderValue::from_str(tag)?);
        }
        let exchange = async {
            let res = self
                .http
                .request(req)
                .await
                .map_err(|e| unreachable(&self.origin, &e))?;
            let status = res.status();
            let etag = res
                .headers()
                .get(header::ETAG)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let bytes = axum::body::to_bytes(Body::new(res.into_body()), MAX_ANSWER_BYTES)
                .await
                .map_err(|e| {
                    anyhow::anyhow!("{}: the answer could not be read: {e}", self.origin)
                })?;
            let body = if bytes.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(&bytes).map_err(|_| {
                    anyhow::anyhow!(
                        "{} answered {status} with something other than JSON: is --server a Portico portal?",
                        self.origin
                    )
                })?
            };
            anyhow::Ok(Answer { status, etag, body })
        };
        let answer = tokio::time::timeout(CALL_TIMEOUT, exchange)
            .await
            .map_err(|_| {
                anyhow::anyhow!("{} did not answer within {CALL_TIMEOUT:?}", self.origin)
            })??;
        if answer.status.is_success() {
            Ok(answer)
        } else {
            Err(refused(answer.status, &answer.body))
        }
    }

    /// The answer's body as `T`.
    pub async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<T> {
        let answer = self.call(method, path, body, None).await?;
        serde_json::from_value(answer.body)
            .map_err(|e| anyhow::anyhow!("{path}: an answer this version does not understand: {e}"))
    }
}

/// The REST API's error body in one line: `message (403 insufficient_scope; request id …)`.
fn refused(status: StatusCode, body: &Value) -> anyhow::Error {
    let text = |k: &str| body.get(k).and_then(Value::as_str);
    let message = text("message").unwrap_or("refused");
    let mut detail = format!("{}", status.as_u16());
    if let Some(code) = text("code") {
        detail.push_str(&format!(" {code}"));
    }
    if let Some(field) = text("field") {
        detail.push_str(&format!(", field `{field}`"));
    }
    if let Some(id) = text("request_id") {
        detail.push_str(&format!("; request id {id}"));
    }
    anyhow::anyhow!("the server refused: {message} ({detail})")
}

fn unreachable(origin: &str, e: &hyper_util::client::legacy::Error) -> anyhow::Error {
    let hint = "to trust a self-signed node, pass its certificate with --ca-cert";
    let text = crate::server::tls::connect_failure(e, hint);
    anyhow::anyhow!("cannot reach {origin}: {text}")
}

/// Percent-encodes one path segment, dots included: ids and usernames are plain, but a
/// typo (or `..`) must not turn into another path.
pub fn segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_keep_scheme_host_and_port_and_refuse_the_rest() {
        assert_eq!(
            origin("https://p.example:9443/").unwrap(),
            "https://p.example:9443"
        );
        assert_eq!(
            origin("http://127.0.0.1:9763").unwrap(),
            "http://127.0.0.1:9763"
        );
        assert_eq!(origin("http://[::1]:80").unwrap(), "http://[::1]:80");
        assert_eq!(origin("http://localhost").unwrap(), "http://localhost");
        for bad in [
            "http://portal.example.com",
            "http://10.0.0.1:9443",
            "ftp://p.example",
            "https://u:p@p.example",
            "https://p.example/api/v1",
            "https://p.example/?x=1",
            "p.example:9443",
            "",
        ] {
            assert!(origin(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn segments_cannot_leave_their_place_in_the_path() {
        assert_eq!(segment("a-b_c~1"), "a-b_c~1");
        assert_eq!(segment("../admin"), "%2E%2E%2Fadmin");
        assert_eq!(segment("x?y#z"), "x%3Fy%23z");
    }

    #[test]
    fn refusals_carry_code_field_and_request_id() {
        let body = serde_json::json!({"code": "invalid_request", "message": "is taken",
            "field": "name", "request_id": "r-1"});
        let text = refused(StatusCode::BAD_REQUEST, &body).to_string();
        assert_eq!(
            text,
            "the server refused: is taken (400 invalid_request, field `name`; request id r-1)"
        );
    }
}
