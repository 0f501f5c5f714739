//! The REST API's one error shape: `{"code", "message", "field"?, "request_id"}`, with the
//! status and headers (RFC 6750 challenges, `Retry-After`) that go with it.

use crate::service::oauth::OAuthError;
use crate::service::ServiceError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error as the REST API answers it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
    headers: Vec<(header::HeaderName, String)>,
}

/// The body of every REST API error.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable, machine-readable code such as `not_found` or `insufficient_scope`.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
    /// The request field at fault, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The request's `X-Request-Id`, to quote when asking about it.
    pub request_id: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            headers: Vec::new(),
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, "invalid_request", message);
        e.field = Some(field.to_owned());
        e
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such {what}"),
        )
    }

    fn with_header(mut self, name: header::HeaderName, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// 401 with the RFC 6750 challenge; `error` is `None` when no token was sent.
    pub fn unauthenticated(error: Option<&'static str>, message: &str) -> Self {
        let challenge = match error {
            None => r#"Bearer realm="portico""#.to_owned(),
            Some(e) => {
                format!(r#"Bearer realm="portico", error="{e}", error_description="{message}""#)
            }
        };
        Self::new(
            StatusCode::UNAUTHORIZED,
            error.unwrap_or("unauthenticated"),
            message,
        )
        .with_header(header::WWW_AUTHENTICATE, challenge)
    }

    /// 403: the token lacks `scope`.
    pub fn insufficient_scope(scope: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            format!("the access token needs the scope `{scope}`"),
        )
        .with_header(
            header::WWW_AUTHENTICATE,
            format!(r#"Bearer realm="portico", error="insufficient_scope", scope="{scope}""#),
        )
    }

    pub fn forbidden(message: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(v) => ApiError::invalid(&v.field, v.message),
            ServiceError::NotFound(what) => ApiError::not_found(what),
            ServiceError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            ServiceError::Stale(what) => ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                format!("the {what} was changed since that ETag; read it again"),
            ),
            ServiceError::Forbidden => ApiError::forbidden("you are not allowed to do that"),
            ServiceError::BadCredentials => ApiError::invalid("password", "is not correct"),
            ServiceError::Throttled(secs) => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                format!("too many failed attempts; try again in {secs} seconds"),
            )
            .with_header(header::RETRY_AFTER, secs.max(1).to_string()),
            ServiceError::Unavailable(why) => {
                tracing::warn!(reason = %why, "the key manager is unavailable");
                key_manager_down()
            }
            ServiceError::Internal(detail) => {
                tracing::error!(error = %detail, "REST API request failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "something went wrong on our side; try again",
                )
            }
        }
    }
}

impl From<crate::domain::ValidationError> for ApiError {
    fn from(v: crate::domain::ValidationError) -> Self {
        ApiError::invalid(&v.field, v.message)
    }
}

fn key_manager_down() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "the key manager is not answering; try again shortly",
    )
    .with_header(
        header::RETRY_AFTER,
        crate::http::error::UNAVAILABLE_RETRY_AFTER.to_string(),
    )
}

/// A token the portal could not issue, worded as `/token` would word it.
impl From<OAuthError> for ApiError {
    fn from(e: OAuthError) -> Self {
        match e {
            OAuthError::Throttled(secs) => ServiceError::Throttled(secs).into(),
            OAuthError::TemporarilyUnavailable => key_manager_down(),
            OAuthError::Server(detail) => ServiceError::Internal(detail).into(),
            OAuthError::InvalidGrant(_) => ApiError::invalid("password", "is not correct"),
            other => ApiError::invalid(other.code(), other.description()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code,
            message: self.message,
            field: self.field,
            request_id: crate::http::request_id::current_text(),
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                res.headers_mut().insert(name, v);
            }
        }
        res
    }
}
