//! Headers on every answer of the portal listener. Pages are personal (the signed-in
//! user's applications, keys, and once a consumer secret or an access token), so no
//! page may be kept by a browser's or a proxy's cache: `Cache-Control: no-store` on all
//! but the static assets. The Content-Security-Policy forbids framing (clickjacking),
//! `<base>` and form targets off this origin, and plugins; scripts are left to the
//! same-origin bundle Leptos loads.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub const CONTENT_SECURITY_POLICY: &str =
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || matches!(path, "/portico.css" | "/favicon.svg")
}

pub async fn page_headers(req: Request, next: Next) -> Response {
    let cacheable = is_static_asset(req.uri().path());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    if !cacheable {
        h.entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    res
}
