//! The client bundle built into the binary (`build.rs`): `/pkg/...` served from memory
//! when no `target/site` is on disk, so a copied binary still hydrates its pages.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

#[cfg(portico_bundle)]
const FILES: [(&str, &str, &[u8]); 3] = [
    (
        "portico.js",
        "text/javascript; charset=utf-8",
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/site/pkg/portico.js"
        )),
    ),
    (
        "portico.wasm",
        "application/wasm",
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/site/pkg/portico.wasm"
        )),
    ),
    (
        "portico.css",
        "text/css; charset=utf-8",
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/site/pkg/portico.css"
        )),
    ),
];

#[cfg(not(portico_bundle))]
const FILES: [(&str, &str, &[u8]); 0] = [];

/// Whether this binary carries the bundle.
pub const EMBEDDED: bool = !FILES.is_empty();

/// `GET /pkg/{file}` from the embedded bundle.
pub async fn file(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, ..)| *n == name) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                // Names do not change between builds: a new binary must not be answered
                // from a browser's cache of the old one without asking.
                (header::CACHE_CONTROL, "no-cache"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
