//! OAuth responses: RFC 6749 §5.2 JSON errors and no-store success bodies.

use crate::service::oauth::OAuthError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Seconds a client is told to wait when the key manager on another server is down.
pub const UNAVAILABLE_RETRY_AFTER: u32 = 5;

/// An OAuth error with how the client authenticated (which decides the challenge).
pub struct OAuthFailure {
    pub error: OAuthError,
    pub basic_used: bool,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    error_description: String,
    /// The `X-Request-Id` of this request, to quote when asking about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
}

/// JSON with `Cache-Control: no-store` and `Pragma: no-cache`, as §5.1 requires of any
/// response carrying tokens or credentials.
pub fn no_store_json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    let mut res = (status, axum::Json(body)).into_response();
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    res
}

impl IntoResponse for OAuthFailure {
    fn into_response(self) -> Response {
        let status = match &self.error {
            OAuthError::InvalidClient(_) => StatusCode::UNAUTHORIZED,
            OAuthError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            OAuthError::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            OAuthError::Server(detail) => {
                tracing::error!(target: "portico::oauth", error = %detail, "token endpoint failure");
                StatusCode::INTERNAL_SERVER_ERROR
            }
            _ => StatusCode::BAD_REQUEST,
        };
        let body = ErrorBody {
            error: self.error.code(),
            error_description: self.error.description(),
            request_id: super::request_id::current_text(),
        };
        let mut res = no_store_json(status, &body);
        let h = res.headers_mut();
        match self.error {
            OAuthError::Throttled(secs) => {
                h.insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
            }
            OAuthError::TemporarilyUnavailable => {
                h.insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(UNAVAILABLE_RETRY_AFTER),
                );
            }
            _ => {}
        }
        if status == StatusCode::UNAUTHORIZED && self.basic_used {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"portico\", charset=\"UTF-8\""),
            );
        }
        res
    }
}

/// A JSON error for transport-level failures (oversized body, wrong method).
pub fn plain_error(status: StatusCode, error: &str, description: &str) -> Response {
    no_store_json(
        status,
        &ErrorBody {
            error,
            error_description: crate::service::oauth::nqschar(description),
            request_id: super::request_id::current_text(),
        },
    )
}
