//! The errors plain form posts pass back in their redirect URL (`?__path=..&__err=..`,
//! Leptos's way without JavaScript), made trustworthy. Without this, anyone could link
//! to a real portal page with `__err` set to a message of their choosing ("your account
//! is locked, call …") and the page would show it as the portal's own.
//!
//! So the portal signs the error when it redirects (`__sig`: a time and an HMAC over the
//! time, `__path` and `__err`, with a key kept in the database so every node knows it),
//! and a page asked for with an error that is not signed, or signed more than
//! [`MAX_AGE`] seconds ago, is redirected to itself without it. Redirects are also kept
//! on this origin: Leptos builds them from the `Referer`, which a cross-site form post
//! controls.

use crate::service::Services;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Seconds a signed error stays showable: a redirect is followed at once.
pub const MAX_AGE: i64 = 600;
const ERROR_PARAMS: [&str; 3] = ["__path", "__err", "__sig"];

fn pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn last<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `path?query` with the error parameters removed (and `extra` appended).
fn rebuild(path: &str, pairs: &[(String, String)], extra: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs
        .iter()
        .filter(|(k, _)| !ERROR_PARAMS.contains(&k.as_str()))
    {
        out.append_pair(k, v);
    }
    for (k, v) in extra {
        out.append_pair(k, v);
    }
    let query = out.finish();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

fn is_signed(services: &Services, pairs: &[(String, String)], now: i64) -> bool {
    let (Some(path), Some(err), Some(sig)) = (
        last(pairs, "__path"),
        last(pairs, "__err"),
        last(pairs, "__sig"),
    ) else {
        return false;
    };
    let Some((at, mac)) = sig.split_once('.') else {
        return false;
    };
    let fresh = at
        .parse::<i64>()
        .is_ok_and(|t| (0..=MAX_AGE).contains(&(now - t)));
    fresh && services.form_errors.verify(&[at, path, err], mac)
}

/// The redirect target as it should leave: on this origin, with its error signed.
fn signed_location(services: &Services, location: &str, now: i64) -> String {
    // Only the path and query of whatever the Referer said; `//host` is a path too.
    let local = match url::Url::parse(location) {
        Ok(url) => url[url::Position::BeforePath..].to_owned(),
        Err(_) => format!("/{}", location.trim_start_matches('/')),
    };
    let (path, query) = local.split_once('?').unwrap_or((&local, ""));
    let pairs = pairs(query);
    match (last(&pairs, "__path"), last(&pairs, "__err")) {
        (Some(fn_path), Some(err)) => {
            let at = now.to_string();
            let sig = format!("{at}.{}", services.form_errors.sign(&[&at, fn_path, err]));
            rebuild(
                path,
                &pairs,
                &[("__path", fn_path), ("__err", err), ("__sig", &sig)],
            )
        }
        _ if query.is_empty() => path.to_owned(),
        _ => format!("{path}?{query}"),
    }
}

/// Marks a redirect to an OAuth client's registered callback URL, the one kind that may
/// leave this origin; set only by the authorization endpoint, removed before sending.
pub const CLIENT_REDIRECT: &str = "x-portico-client-redirect";

/// Middleware for the portal listener.
pub async fn sign_form_errors(
    State(services): State<Services>,
    req: Request,
    next: Next,
) -> Response {
    let now = services.clock.now();
    if req.method() == Method::GET {
        let query = req.uri().query().unwrap_or("");
        if query.contains("__err") {
            let pairs = pairs(query);
            if last(&pairs, "__err").is_some() && !is_signed(&services, &pairs, now) {
                let clean = rebuild(req.uri().path(), &pairs, &[]);
                return (StatusCode::SEE_OTHER, [(header::LOCATION, clean)]).into_response();
            }
        }
    }
    let mut res = next.run(req).await;
    if res.headers_mut().remove(CLIENT_REDIRECT).is_some() {
        return res;
    }
    if res.status().is_redirection() {
        let location = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(|l| signed_location(&services, l, now));
        if let Some(v) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            res.headers_mut().insert(header::LOCATION, v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_parameters_are_replaced_and_others_kept() {
        let p = pairs("a=1&__err=x&b=%20y&__path=%2Fapi%2Ff&__sig=z");
        assert_eq!(rebuild("/p", &p, &[]), "/p?a=1&b=+y");
        assert_eq!(rebuild("/p", &[], &[("__err", "e")]), "/p?__err=e");
        assert_eq!(last(&pairs("__err=1&__err=2"), "__err"), Some("2"));
    }
}
