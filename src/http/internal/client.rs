//! A gateway's or portal's client of the key manager's internal API: hyper's pooled
//! HTTP/1.1 client over rustls, verifying the key manager's certificate against
//! `[apim.key_manager] ca_cert_path` (else Mozilla's roots). Every call has a deadline;
//! calls that change nothing are retried with backoff on a failed connection; at most
//! `max_connections` calls are in flight at once.

use super::{CLIENT_ADDRESS_HEADER, NODE_HEADER, NODE_REFUSED_HEADER, PREFIX};
use crate::server::config::KeyManagerTarget;
use crate::service::oauth::OAuthError;
use crate::service::RemoteError;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Answers larger than this are not read: every internal answer is a few hundred bytes.
const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// Waits before the second and third try of a call that changes nothing.
const BACKOFF: [Duration; 2] = [Duration::from_millis(50), Duration::from_millis(200)];

pub struct KmClient {
    http: Client<hyper_rustls::HttpsConnector<HttpConnector>, Body>,
    origin: String,
    credential: HeaderValue,
    timeout: Duration,
    slots: Semaphore,
}

fn tls_config(target: &KeyManagerTarget) -> Result<Option<rustls::ClientConfig>, String> {
    let Some(path) = &target.ca_cert_path else {
        return Ok(None);
    };
    crate::server::tls::trusting(path, "`apim.key_manager.ca_cert_path`").map(Some)
}

impl KmClient {
    /// The client for `target`; an unreadable `ca_cert_path` stops the start here.
    pub fn new(target: &KeyManagerTarget) -> Result<Self, String> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(target.connect_timeout));
        let builder = hyper_rustls::HttpsConnectorBuilder::new();
        let builder = match tls_config(target)? {
            Some(config) => builder.with_tls_config(config),
            None => builder
                .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
                .map_err(|e| e.to_string())?,
        };
        let https = builder.https_only().enable_http1().wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(target.max_connections)
            .pool_timer(TokioTimer::new())
            .build(https);
        let basic = STANDARD.encode(format!(
            "{}:{}",
            target.username,
            SecretString::from(target.password.0.clone()).expose_secret()
        ));
        let mut credential = HeaderValue::from_str(&format!("Basic {basic}"))
            .map_err(|_| "`apim.key_manager.username` holds characters a header cannot carry")?;
        credential.set_sensitive(true);
        Ok(Self {
            http: client,
            origin: target.origin.clone(),
            credential,
            timeout: target.timeout,
            slots: Semaphore::new(target.max_connections),
        })
    }

    pub(super) fn request(&self, method: Method, path: &str, body: Body) -> Request<Body> {
        let mut req = Request::new(body);
        *req.method_mut() = method;
        // The origin was checked when the configuration was loaded, the path is ours.
        *req.uri_mut() = format!("{}{PREFIX}{path}", self.origin)
            .parse()
            .unwrap_or_default();
        req.headers_mut()
            .insert(NODE_HEADER, self.credential.clone());
        crate::http::request_id::propagate(req.headers_mut());
        req
    }

    /// Sends one request within the deadline. `retry` builds it again for another try
    /// after a failed connection (only for calls that change nothing).
    pub(super) async fn send(
        &self,
        make: impl Fn() -> Request<Body>,
        retry: bool,
    ) -> Result<Response<Body>, RemoteError> {
        let started = std::time::Instant::now();
        let mut next = make();
        // The internal API's path without its prefix: a handful of values, ours.
        let call = next.uri().path().trim_start_matches(PREFIX).to_owned();
        let attempt = async {
            let _slot = self.slots.acquire().await.map_err(|_| down("closed"))?;
            let mut tries = 0;
            loop {
                match self.http.request(next).await {
                    Ok(res) => return Ok(res.map(Body::new)),
                    Err(e) if retry && e.is_connect() && tries < BACKOFF.len() => {
                        tokio::time::sleep(BACKOFF[tries]).await;
                        tries += 1;
                        next = make();
                    }
                    Err(e) => return Err(down(&describe(&e))),
                }
            }
        };
        let answered = match tokio::time::timeout(self.timeout, attempt).await {
            Err(_) => Err(down("no answer within `apim.key_manager.timeout_seconds`")),
            Ok(Ok(res)) if res.headers().contains_key(NODE_REFUSED_HEADER) => Err(down(&format!(
                "it refused this node's credential ({}): check `[apim.key_manager] username` \
                 and `password` (made with `portico key-manager credential create`)",
                res.status()
            ))),
            Ok(answered) => answered,
        };
        let failed = answered
            .as_ref()
            .map_or(true, |res| res.status().is_server_error());
        crate::http::metrics::key_manager_call(call, started.elapsed(), failed);
        answered
    }

    pub(super) async fn call<A: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
        retry: bool,
    ) -> Result<(StatusCode, A), RemoteError> {
        let json = serde_json::to_vec(body).map_err(|e| down(&e.to_string()))?;
        let make = || {
            let mut req = self.request(Method::POST, path, Body::from(json.clone()));
            req.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            req
        };
        let res = self.send(make, retry).await?;
        let status = res.status();
        if status.is_server_error() {
            return Err(down(&format!("it answered {status}")));
        }
        let bytes = read(res).await?;
        let answer = serde_json::from_slice(&bytes)
            .map_err(|e| down(&format!("its answer could not be read: {e}")))?;
        Ok((status, answer))
    }

    /// Passes a client's OAuth request (`/token`, `/revoke`, `/introspect`) to the key
    /// manager with its `Authorization`, body and address, and its answer back as sent.
    pub async fn forward(
        &self,
        endpoint: &str,
        req: axum::extract::Request,
        client: std::net::IpAddr,
    ) -> axum::response::Response {
        let (parts, body) = req.into_parts();
        let body = match axum::body::to_bytes(body, crate::http::MAX_FORM_BYTES).await {
            Ok(b) => b,
            Err(_) => {
                return crate::http::error::plain_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "invalid_request",
                    "the request body is too large",
                )
            }
        };
        let make = || {
            let mut out = self.request(
                parts.method.clone(),
                &format!("/oauth2/{endpoint}"),
                Body::from(body.clone()),
            );
            for name in [header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT] {
                for v in parts.headers.get_all(&name) {
                    out.headers_mut().append(name.clone(), v.clone());
                }
            }
            if let Ok(v) = HeaderValue::from_str(&client.to_string()) {
                out.headers_mut().insert(CLIENT_ADDRESS_HEADER, v);
            }
            out
        };
        match self.send(make, false).await {
            Ok(mut res) => {
                crate::http::proxy::strip_hop_by_hop(res.headers_mut());
                res
            }
            Err(e) => {
                tracing::warn!(error = %e, "forwarding to the key manager failed");
                crate::http::error::OAuthFailure {
                    error: OAuthError::TemporarilyUnavailable,
                    basic_used: false,
                }
                .into_response()
            }
        }
    }
}

use axum::response::IntoResponse;

pub(super) fn down(why: &str) -> RemoteError {
    RemoteError::Unavailable(why.to_owned())
}

fn describe(e: &hyper_util::client::legacy::Error) -> String {
    crate::server::tls::connect_failure(
        e,
        "to trust the key manager's certificate, name it (or its CA) in \
         `[apim.key_manager] ca_cert_path`",
    )
}

pub(super) async fn read(res: Response<Body>) -> Result<Bytes, RemoteError> {
    axum::body::to_bytes(res.into_body(), MAX_ANSWER_BYTES)
        .await
        .map_err(|e| down(&format!("its answer could not be read: {e}")))
}
