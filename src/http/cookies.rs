//! Portico's cookies: their names and the one place their attributes are decided.

use axum::http::{header, HeaderMap, HeaderValue};

/// `__Host-` cookies must be Secure, host-only and path `/`: a sibling subdomain cannot
/// plant or overwrite them.
pub const SESSION_COOKIE: &str = "__Host-portico_session";
pub const CSRF_COOKIE: &str = "__Host-portico_csrf";

/// A `Set-Cookie` value with the attributes every Portico cookie carries.
pub fn cookie_header(name: &str, value: &str, max_age: Option<i64>) -> Option<HeaderValue> {
    let age = max_age.map_or(String::new(), |a| format!("; Max-Age={a}"));
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax{age}"
    ))
    .ok()
}

/// The value of cookie `name` in a request's `Cookie` headers.
pub fn cookie_in(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}
