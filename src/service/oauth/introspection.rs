//! Token introspection (RFC 7662).

use super::{OAuthError, Services};
use crate::store::TokenPart;
use serde::Serialize;

/// The §2.2 response. Inactive tokens serialise to exactly `{"active":false}`.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Introspection {
    pub active: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub details: Option<ActiveToken>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ActiveToken {
    pub scope: String,
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    pub token_type: &'static str,
    pub exp: i64,
    pub iat: i64,
    pub sub: String,
}

impl Introspection {
    pub fn inactive() -> Self {
        Self {
            active: false,
            details: None,
        }
    }
}

impl Services {
    /// Describes `token`; the caller has already authenticated the asking party.
    pub async fn introspect(
        &self,
        token: &str,
        hint: Option<&str>,
    ) -> Result<Introspection, OAuthError> {
        let Some((row, matched)) = self.find_token(token, hint).await? else {
            return Ok(Introspection::inactive());
        };
        let now = self.clock.now();
        let (exp, token_type) = match matched {
            TokenPart::Access => (row.expires_at, "Bearer"),
            TokenPart::Refresh if row.refresh_used_at.is_some() => {
                return Ok(Introspection::inactive())
            }
            TokenPart::Refresh => (row.refresh_expires_at.unwrap_or(0), "refresh_token"),
        };
        if row.revoked_at.is_some() || exp <= now {
            return Ok(Introspection::inactive());
        }
        Ok(Introspection {
            active: true,
            details: Some(ActiveToken {
                scope: row.scopes,
                sub: row.user_id.unwrap_or_else(|| row.consumer_key.clone()),
                client_id: row.consumer_key,
                username: row.username,
                token_type,
                exp,
                iat: row.issued_at,
            }),
        })
    }
}
