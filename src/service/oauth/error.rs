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
    /// The key manager on another server did not answer; nothing was decided.
    #[error("the key manager is unavailable; try again shortly")]
    TemporarilyUnavailable,
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
            OAuthError::TemporarilyUnavailable => "temporarily_unavailable",
            OAuthError::Server(_) => "server_error",
        }
    }

    /// The text for `error_description`: NQSCHAR only (RFC 6749 §5.2), whatever a
    /// message was built from.
    pub fn description(&self) -> String {
        match self {
            OAuthError::Server(_) => "the server could not complete the request".into(),
            other => nqschar(&other.to_string()),
        }
    }

    pub fn bad_credentials() -> Self {
        OAuthError::InvalidGrant("invalid username or password".into())
    }

    /// A `scope` parameter that does not parse; the input itself is not echoed.
    pub fn malformed_scope() -> Self {
        OAuthError::InvalidScope(
            "the scope parameter holds a malformed scope name (1-100 letters, digits or _ - . : /)"
                .into(),
        )
    }

    pub fn bad_client() -> Self {
        OAuthError::InvalidClient("client authentication failed".into())
    }
}

/// `text` with every character outside RFC 6749's NQSCHAR (%x20-21 / %x23-5B / %x5D-7E)
/// removed: no quote, backslash, control or non-ASCII character can reach a client
/// through `error_description`, however a message was put together.
pub fn nqschar(text: &str) -> String {
    text.chars()
        .filter(|&c| matches!(c, '\x20'..='\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e'))
        .collect()
}

/// Client input fit to be quoted back in a description: short and of harmless
/// characters only; anything else is described, not echoed.
pub fn quotable(input: &str) -> Option<&str> {
    let harmless = |c: char| c.is_ascii_alphanumeric() || "_-.:/".contains(c);
    (!input.is_empty() && input.len() <= 64 && input.chars().all(harmless)).then_some(input)
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_description_is_nqschar(text in "\\PC{0,80}", pick in 0usize..7) {
            let e = [
                OAuthError::InvalidRequest(text.clone()),
                OAuthError::InvalidClient(text.clone()),
                OAuthError::InvalidGrant(text.clone()),
                OAuthError::UnauthorizedClient(text.clone()),
                OAuthError::UnsupportedGrantType(text.clone()),
                OAuthError::InvalidScope(text.clone()),
                OAuthError::Server(text.clone()),
            ][pick].clone();
            let d = e.description();
            prop_assert!(d.chars().all(|c| c == ' ' || c == '!' || (c.is_ascii_graphic() && c != '"' && c != '\\')), "{}", d);
        }
    }

    #[test]
    fn only_harmless_input_is_quoted() {
        assert_eq!(quotable("urn:ietf:x"), Some("urn:ietf:x"));
        assert_eq!(quotable("a\"b"), None);
        assert_eq!(quotable(&"a".repeat(65)), None);
    }
}
