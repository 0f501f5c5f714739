//! Try It: the portal sends a developer's call to one of an API's resources through this
//! node's own gateway (its plain-HTTP listener on a loopback address), so the call meets
//! exactly the token, subscription and scope checks a client's call meets. Only the
//! gateway is ever called, at a path built from the API's context and the resource's
//! template, so the portal cannot be turned into a proxy to arbitrary hosts.

use super::ServiceError;
use crate::domain::openapi::Param;
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::time::Duration;

/// Bodies longer than this are cut in what the page shows.
pub const SHOWN_BODY_BYTES: usize = 64 * 1024;
const TIMEOUT: Duration = Duration::from_secs(15);

/// A resource call as the developer filled it in.
#[derive(Debug)]
pub struct TryCall<'a> {
    pub method: &'a str,
    pub context: &'a str,
    pub template: &'a str,
    pub parameters: &'a [Param],
    /// Values by parameter name.
    pub values: &'a HashMap<String, String>,
    pub body: Option<String>,
    pub token: SecretString,
}

/// What came back.
#[derive(Debug, Clone)]
pub struct TryAnswer {
    pub url: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub truncated: bool,
}

fn invalid(field: &str, msg: impl Into<String>) -> ServiceError {
    crate::domain::ValidationError::new(field, msg).into()
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// The path and query the call goes to, below the gateway's root.
pub fn target(call: &TryCall<'_>) -> Result<String, ServiceError> {
    let mut path = String::from(call.context);
    for segment in call.template.split('/').filter(|s| !s.is_empty()) {
        path.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => match call.values.get(name).map(|v| v.trim()) {
                Some(v) if !v.is_empty() => path.push_str(&encode(v)),
                _ => return Err(invalid(name, "is a path parameter: fill it in")),
            },
            // A final `*` matches anything, nothing included: call the prefix.
            None if segment == "*" => {
                path.pop();
            }
            None => path.push_str(segment),
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    let query: Vec<String> = call
        .parameters
        .iter()
        .filter(|p| p.location == "query")
        .filter_map(|p| {
            let v = call.values.get(&p.name)?.trim();
            (!v.is_empty()).then(|| format!("{}={}", encode(&p.name), encode(v)))
        })
        .collect();
    if let Some(p) = call.parameters.iter().find(|p| {
        p.required
            && p.location == "query"
            && call.values.get(&p.name).is_none_or(|v| v.trim().is_empty())
    }) {
        return Err(invalid(&p.name, "is required"));
    }
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    Ok(path)
}

/// Sends the call to `gateway` (`http://127.0.0.1:8280`) and reads the answer.
pub async fn send(gateway: &str, call: TryCall<'_>) -> Result<TryAnswer, ServiceError> {
    let method = Method::from_bytes(call.method.as_bytes())
        .map_err(|_| invalid("method", "is not an HTTP method"))?;
    let url = format!("{gateway}{}", target(&call)?);
    let mut req = Request::builder().method(method).uri(&url);
    let bearer = format!("Bearer {}", call.token.expose_secret().trim());
    let bearer = HeaderValue::from_str(&bearer)
        .map_err(|_| invalid("token", "has characters a token cannot have"))?;
    req = req.header("authorization", bearer);
    for p in call.parameters.iter().filter(|p| p.location == "header") {
        let Some(v) = call
            .values
            .get(&p.name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        let name = HeaderName::from_bytes(p.name.as_bytes())
            .map_err(|_| invalid(&p.name, "is not a header name"))?;
        let value = HeaderValue::from_str(v)
            .map_err(|_| invalid(&p.name, "has characters a header cannot have"))?;
        req = req.header(name, value);
    }
    let body = match call.body.filter(|b| !b.trim().is_empty()) {
        Some(b) => {
            req = req.header("content-type", "application/json");
            Body::from(b)
        }
        None => Body::empty(),
    };
    let req = req.body(body).map_err(|e| invalid("path", e.to_string()))?;
    let client: Client<_, Body> = Client::builder(TokioExecutor::new()).build_http();
    // Shown to the developer as is: the gateway is this node's own, nothing secret.
    let unavailable = |why: String| invalid("gateway", why);
    let res = tokio::time::timeout(TIMEOUT, client.request(req))
        .await
        .map_err(|_| unavailable("did not answer in 15 s".into()))?
        .map_err(|e| unavailable(format!("could not be reached: {e}")))?;
    let status = res.status().as_u16();
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut body = res.into_body();
    let mut bytes = Vec::new();
    let read = tokio::time::timeout(TIMEOUT, async {
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else { break };
            if let Ok(data) = frame.into_data() {
                bytes.extend_from_slice(&data);
                if bytes.len() > SHOWN_BODY_BYTES {
                    break;
                }
            }
        }
    });
    let _ = read.await;
    let truncated = bytes.len() > SHOWN_BODY_BYTES;
    bytes.truncate(SHOWN_BODY_BYTES);
    Ok(TryAnswer {
        url,
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        truncated,
    })
}
