//! Portico's cookies: their names and the one place their attributes are decided.

use axum::http::{header, HeaderMap, HeaderValue};

/// `__Host-` cookies must be Secure, host-only and path `/`: a sibling subdomain cannot
/// plant or overwrite them.
pub const SESSION_COOKIE: &str = "__Host-portico_session";
pub const CSRF_COOKIE: &str = "__Host-portico_csrf";
/// What every portal cookie's name starts with.
const PORTAL_PREFIX: &str = "__Host-portico_";

/// Whether a `name=value` pair (or a `Set-Cookie` value) is one of the portal's cookies.
fn is_portal_cookie(pair: &str) -> bool {
    let name = pair.split('=').next().unwrap_or("").trim().as_bytes();
    name.len() >= PORTAL_PREFIX.len()
        && name[..PORTAL_PREFIX.len()].eq_ignore_ascii_case(PORTAL_PREFIX.as_bytes())
}

/// Removes the portal's cookies from a request on its way to a backend. Browsers send a
/// host's cookies to every port of it, so without this a backend behind the gateway
/// would receive portal sessions. Other cookies pass unchanged; a request without portal
/// cookies (the usual proxied call) is left as it is, without a copy.
pub fn strip_portal_cookies(headers: &mut HeaderMap) {
    // A value that is not text cannot be inspected, so it is dropped with the rest.
    let carries = |v: &HeaderValue| {
        v.to_str()
            .map_or(true, |s| s.split(';').any(is_portal_cookie))
    };
    if !headers.get_all(header::COOKIE).iter().any(carries) {
        return;
    }
    let kept: Vec<String> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|pair| !pair.is_empty() && !is_portal_cookie(pair))
        .map(str::to_owned)
        .collect();
    headers.remove(header::COOKIE);
    if let (false, Ok(v)) = (kept.is_empty(), HeaderValue::from_str(&kept.join("; "))) {
        headers.insert(header::COOKIE, v);
    }
}

/// Drops a backend's attempts to set (or clear) the portal's cookies.
pub fn drop_portal_set_cookies(headers: &mut HeaderMap) {
    let planted = |v: &HeaderValue| v.to_str().map_or(true, is_portal_cookie);
    if !headers.get_all(header::SET_COOKIE).iter().any(planted) {
        return;
    }
    let kept: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter(|v| !planted(v))
        .cloned()
        .collect();
    headers.remove(header::SET_COOKIE);
    for v in kept {
        headers.append(header::SET_COOKIE, v);
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_cookies_are_stripped_and_others_kept() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; __Host-portico_session=s3cret; b=2"),
        );
        h.append(
            header::COOKIE,
            HeaderValue::from_static("__host-PORTICO_csrf=c"),
        );
        strip_portal_cookies(&mut h);
        let all: Vec<_> = h.get_all(header::COOKIE).iter().collect();
        assert_eq!(all, ["a=1; b=2"]);
        let mut only = HeaderMap::new();
        only.insert(
            header::COOKIE,
            HeaderValue::from_static("__Host-portico_csrf=c"),
        );
        strip_portal_cookies(&mut only);
        assert!(only.get(header::COOKIE).is_none());
    }

    #[test]
    fn a_backend_cannot_set_portal_cookies() {
        let mut h = HeaderMap::new();
        h.append(
            header::SET_COOKIE,
            HeaderValue::from_static("app=1; Path=/"),
        );
        h.append(
            header::SET_COOKIE,
            HeaderValue::from_static("__Host-portico_session=evil; Path=/; Secure"),
        );
        drop_portal_set_cookies(&mut h);
        let all: Vec<_> = h.get_all(header::SET_COOKIE).iter().collect();
        assert_eq!(all, ["app=1; Path=/"]);
    }
}
