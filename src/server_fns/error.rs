use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What a page shows when a server function fails: always a readable sentence, never
/// internal detail (that is logged on the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("Please sign in first.")]
    Unauthenticated,
    #[error("Change your password before you continue.")]
    PasswordChangeRequired,
    #[error("You are not allowed to do that.")]
    Forbidden,
    #[error("{0} was not found.")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("Too many failed attempts. Try again in {0} seconds.")]
    Throttled(i64),
    #[error("This form has expired. Reload the page and try again.")]
    Csrf,
    #[error("Self sign-up is disabled. Ask an administrator for an account.")]
    SignupDisabled,
    #[error("The key manager is not answering, so keys and tokens cannot be made right now. Try again shortly.")]
    KeyManagerDown,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    #[error("The request could not be read: {0}")]
    Request(String),
}

impl AppError {
    pub fn invalid(field: &str, message: &str) -> Self {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The sentence to show beside the form, with a human field label.
    pub fn message(&self) -> String {
        match self {
            AppError::Invalid { field, message } => {
                let label = field.replace('_', " ");
                let mut chars = label.chars();
                let label = match chars.next() {
                    Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
                    None => String::new(),
                };
                format!("{label} {message}.").replace("..", ".")
            }
            other => other.to_string(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::service::ServiceError> for AppError {
    fn from(e: crate::service::ServiceError) -> Self {
        use crate::service::ServiceError as S;
        match e {
            S::Invalid(v) => AppError::Invalid {
                field: v.field,
                message: v.message,
            },
            S::NotFound(what) => {
                let mut w = what.to_owned();
                if let Some(first) = w.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                AppError::NotFound(w)
            }
            S::Conflict(m) => AppError::Conflict(m),
            S::Stale(what) => AppError::Conflict(format!(
                "The {what} was changed by someone else. Reload the page and try again."
            )),
            S::Forbidden => AppError::Forbidden,
            S::BadCredentials => AppError::invalid("password", "or username is not correct"),
            S::Throttled(s) => AppError::Throttled(s),
            S::Unavailable(why) => {
                tracing::warn!(reason = %why, "the key manager is unavailable");
                AppError::KeyManagerDown
            }
            S::Internal(detail) => {
                tracing::error!(error = %detail, "portal request failed");
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::service::oauth::OAuthError> for AppError {
    fn from(e: crate::service::oauth::OAuthError) -> Self {
        use crate::service::oauth::OAuthError as O;
        match e {
            O::Throttled(s) => AppError::Throttled(s),
            O::TemporarilyUnavailable => AppError::KeyManagerDown,
            O::Server(detail) => {
                tracing::error!(error = %detail, "portal token request failed");
                AppError::Internal
            }
            O::InvalidGrant(_) => AppError::invalid("password", "is not correct"),
            other => AppError::invalid(other.code(), &other.description()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_read_as_sentences() {
        let e = AppError::invalid("current_password", "is not correct");
        assert_eq!(e.message(), "Current password is not correct.");
    }
}
