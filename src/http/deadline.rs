//! A deadline for a whole request on routes that do not stream (`[server]
//! request_timeout_seconds`): the OAuth endpoints and the portal. A client that trickles
//! its body, or a request stuck behind a slow database, ends with 408 and a closed
//! connection instead of holding it for ever. The gateway's proxied calls stream and
//! have `[gateway] backend_timeout_seconds` instead.

use super::body::closing;
use super::error::plain_error;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

pub async fn deadline(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    // The machine-facing endpoints answer in JSON; pages and form posts in words.
    let json = {
        let p = req.uri().path();
        p.starts_with("/oauth2/")
            || p.starts_with("/api/stats/")
            || matches!(p, "/token" | "/revoke" | "/introspect")
    };
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) if json => closing(plain_error(
            StatusCode::REQUEST_TIMEOUT,
            "invalid_request",
            "the request was not completed in time",
        )),
        Err(_) => closing(
            (
                StatusCode::REQUEST_TIMEOUT,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "The request took too long. Please try again.\n",
            )
                .into_response(),
        ),
    }
}
