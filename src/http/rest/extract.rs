//! Request parts the REST API reads, each failing in the API's error shape: JSON bodies,
//! query strings, `If-Match`; and the `ETag` and `Location` it answers with.

use super::error::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;

/// A JSON request body; a missing content type is 415, anything unreadable 400.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            )),
            Err(e) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                e.body_text(),
            )),
        }
    }
}

/// Query parameters; unreadable ones are 400.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e: QueryRejection| {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", e.body_text())
            })
    }
}

/// `If-Match`: the revisions the caller accepts, or `None` to write unconditionally.
/// `*` matches any revision; a tag this server never issued matches none (412).
pub struct IfMatch(pub Option<Vec<i64>>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let value = value.to_str().unwrap_or("").trim();
        if value == "*" {
            return Ok(IfMatch(None));
        }
        // A list matches when any of its tags does; a weak tag never matches (RFC 9110
        // §13.1.1 compares strongly), nor one this server did not make.
        let revisions = value
            .split(',')
            .filter_map(|t| {
                t.trim()
                    .strip_prefix("\"r")?
                    .strip_suffix('"')?
                    .parse()
                    .ok()
            })
            .collect();
        Ok(IfMatch(Some(revisions)))
    }
}

/// The strong entity tag of a revision.
pub fn etag(revision: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"r{revision}\"")).expect("digits are a valid header value")
}

/// `ETag` (and `Location`, for a creation) of a response.
pub fn tagged(revision: i64, location: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::ETAG, etag(revision));
    if let Some(v) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        h.insert(header::LOCATION, v);
    }
    h
}

/// `Location` of a created resource.
pub fn located(location: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(location) {
        h.insert(header::LOCATION, v);
    }
    h
}
