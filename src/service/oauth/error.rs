/// RFC 6749 §5.2 error codes (plus throttling), each with a description safe to show the
/// client. `Server` carries internal detail that is logged, never sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    #[error("{0}")]
    InvalidRequest(String),
    #[error("{0}")]
    InvalidClient(String),
    #[error("{0}")]
    InvalidGrant(String),
    #[error("{0}")]
    UnauthorizedClient(String),
    #[error("{0}")]
    UnsupportedGrantType(String),
    #[error("{0}")]
    InvalidScope(String),
    /// Too many failed attempts; try again after this many seconds.
    #[error("too many failed attempts; try again in {0} seconds")]
    Throttled(i64),
    #[error("internal error")]
    Server(String),
}

impl OAuthError {
    pub fn code(&self) -> &'static str {
        match self {
            OAuthError::InvalidRequest(_) => "invalid_request",
            OAuthError::InvalidClient(_) => "invalid_client",
            OAuthError::InvalidGrant(_) => "invalid_grant",
            OAuthError::UnauthorizedClient(_) => "unauthorized_client",
            OAuthError::UnsupportedGrantType(_) => "unsupported_grant_type",
            OAuthError::InvalidScope(_) => "invalid_scope",
            OAuthError::Throttled(_) => "slow_down",
            OAuthError::Server(_) => "server_error",
        }
    }

    /// The text for `error_description`.
    pub fn description(&self) -> String {
        match self {
            OAuthError::Server(_) => "the server could not complete the request".into(),
            other => other.to_string(),
        }
    }

    pub fn bad_credentials() -> Self {
        OAuthError::InvalidGrant("invalid username or password".into())
    }

    pub fn bad_client() -> Self {
        OAuthError::InvalidClient("client authentication failed".into())
    }
}

impl From<crate::service::ServiceError> for OAuthError {
    fn from(e: crate::service::ServiceError) -> Self {
        OAuthError::Server(e.to_string())
    }
}

impl From<crate::store::StoreError> for OAuthError {
    fn from(e: crate::store::StoreError) -> Self {
        OAuthError::Server(e.to_string())
    }
}
