//! Bounded request bodies that end in a complete answer. A server that answers 413 and
//! closes while the client is still sending makes the client's TCP stack see a reset,
//! and most clients then report a dropped connection instead of the 413. So an oversized
//! body is read on and thrown away (never held) up to [`DRAIN_BYTES`] or
//! [`DRAIN_TIME`], the answer is sent, and `Connection: close` ends the exchange cleanly.
//! A client declaring more than that is answered at once.

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::pin::Pin;
use std::time::Duration;

/// How much of an oversized body is read and discarded before answering.
pub const DRAIN_BYTES: usize = 8 * 1024 * 1024;
/// How long a slow oversized body is read before answering anyway.
pub const DRAIN_TIME: Duration = Duration::from_secs(10);
/// The portal's form posts: a few fields, never near this.
pub const PORTAL_FORM_BYTES: usize = 64 * 1024;
/// The one form that carries a file: an OpenAPI document (2 MiB) and its few fields.
pub const UPLOAD_FORM_BYTES: usize = crate::service::MAX_DOCUMENT_BYTES + PORTAL_FORM_BYTES;
/// Where that form posts.
pub const UPLOAD_PATH: &str = "/api/upload_import";

#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    TooLarge,
    /// The client stopped sending mid-body, or sent a malformed one.
    Broken,
}

async fn next_chunk(body: &mut Body) -> Option<Result<Bytes, BodyError>> {
    loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await?;
        match frame {
            Ok(frame) => match frame.into_data() {
                Ok(data) => return Some(Ok(data)),
                Err(_trailers) => continue,
            },
            Err(_) => return Some(Err(BodyError::Broken)),
        }
    }
}

/// Reads and discards what is left of `body`, up to the drain bounds.
async fn drain(mut body: Body, mut read: usize) {
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        while read <= DRAIN_BYTES {
            match next_chunk(&mut body).await {
                Some(Ok(chunk)) => read += chunk.len(),
                _ => return,
            }
        }
    })
    .await;
}

/// The whole body if it is at most `max` bytes; otherwise `TooLarge` once the rest has
/// been drained.
pub async fn read_bounded(headers: &HeaderMap, body: Body, max: usize) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(n) if n > DRAIN_BYTES => return Err(BodyError::TooLarge),
        Some(n) if n > max => {
            drain(body, 0).await;
            return Err(BodyError::TooLarge);
        }
        _ => {}
    }
    let mut body = body;
    let mut buf = Vec::new();
    while let Some(chunk) = next_chunk(&mut body).await {
        let chunk = chunk?;
        if buf.len() + chunk.len() > max {
            drain(body, buf.len() + chunk.len()).await;
            return Err(BodyError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

/// Marks an answer as the last on its connection.
pub fn closing(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

/// Middleware for the portal: form posts to server functions (`/api/...`) larger than
/// [`PORTAL_FORM_BYTES`] get a readable 413 page instead of a dropped connection. The
/// OAuth endpoints bound their bodies themselves, answering in OAuth's JSON.
pub async fn limit_form_posts(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    // The REST API bounds its own bodies and answers in its own shape (`http::rest`).
    let path = req.uri().path();
    if req.method() != axum::http::Method::POST
        || !path.starts_with("/api/")
        || path.starts_with("/api/v1/")
    {
        return next.run(req).await;
    }
    let max = if path == UPLOAD_PATH {
        UPLOAD_FORM_BYTES
    } else {
        PORTAL_FORM_BYTES
    };
    let (parts, body) = req.into_parts();
    match read_bounded(&parts.headers, body, max).await {
        Ok(bytes) => {
            next.run(axum::extract::Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(BodyError::TooLarge) => closing(
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "The form you sent is too large. Go back, shorten what you typed and try again.\n",
            )
                .into_response(),
        ),
        Err(BodyError::Broken) => closing(
            (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "The form could not be read.\n",
            )
                .into_response(),
        ),
    }
}
