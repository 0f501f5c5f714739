use crate::crypto::PasswordError;
use crate::domain::ValidationError;
use crate::store::StoreError;

/// Why a use case did not happen, in terms a caller can show or map to a status.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("not allowed")]
    Forbidden,
    /// The record changed since the caller read it (a revision did not match).
    #[error("the {0} was changed by someone else since it was read")]
    Stale(&'static str),
    /// Wrong username or password, worded the same for both.
    #[error("invalid username or password")]
    BadCredentials,
    /// Too many failed attempts; retry after this many seconds.
    #[error("too many failed attempts; try again in {0} seconds")]
    Throttled(i64),
    /// The key manager on another server did not answer; the reason is for logs.
    #[error("the key manager is unavailable")]
    Unavailable(String),
    /// Details are logged where the error arises; callers show a generic message.
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ServiceError::NotFound("record"),
            StoreError::Conflict(c) => ServiceError::Conflict(c),
            StoreError::Other(msg) => ServiceError::Internal(msg),
        }
    }
}

impl From<PasswordError> for ServiceError {
    fn from(e: PasswordError) -> Self {
        match e {
            // A full hashing queue is load, answered like throttling: try again shortly.
            PasswordError::Busy => ServiceError::Throttled(1),
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

/// Maps a store "not found" to a named one, leaving other errors as they are.
pub(crate) fn not_found(what: &'static str) -> impl FnOnce(StoreError) -> ServiceError {
    move |e| match e {
        StoreError::NotFound => ServiceError::NotFound(what),
        other => other.into(),
    }
}
