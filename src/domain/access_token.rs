//! The claims of a JWT access token (RFC 9068 §2.2) and the checks a resource server
//! makes of them (§4) beside the signature: issuer, audience and times.

use serde::{Deserialize, Serialize};

/// The JWS `typ` of an access token (RFC 9068 §2.1); an ID token (`JWT`) is refused.
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";
/// `aut` of a token issued to a user (password and refresh grants), as WSO2 names it.
pub const AUT_USER: &str = "APPLICATION_USER";
/// `aut` of a token issued to the application itself (client credentials).
pub const AUT_APPLICATION: &str = "APPLICATION";

/// RFC 9068's claims and Portico's own. For a user's token `sub` is the user's id and
/// `username` their username; for an application's token `sub` is the consumer key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: Audience,
    pub exp: i64,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// The token's row id: what revocation and statistics name it by.
    pub jti: String,
    /// The consumer key.
    pub client_id: String,
    /// Space-separated scopes (RFC 8693 §4.2).
    pub scope: String,
    /// The application the consumer key belongs to.
    pub application_id: String,
    /// `production` or `sandbox`.
    pub key_type: String,
    /// [`AUT_USER`] or [`AUT_APPLICATION`].
    pub aut: String,
    /// The grant that issued the token (`password`, `refresh_token`, ...), named as
    /// Auth0 names it.
    pub gty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// `aud` as one string (what Portico issues) or a list (RFC 7519 §4.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    pub fn contains(&self, audience: &str) -> bool {
        match self {
            Audience::One(a) => a == audience,
            Audience::Many(all) => all.iter().any(|a| a == audience),
        }
    }
}

/// What a verified token's claims must match.
#[derive(Debug, Clone, Copy)]
pub struct Expectations<'a> {
    pub issuer: &'a str,
    pub audience: &'a str,
    pub now: i64,
    /// Seconds of clock difference forgiven on `exp`, `nbf` and `iat`.
    pub leeway: i64,
}

/// Why signed claims were not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimsRefusal {
    WrongIssuer,
    WrongAudience,
    Expired,
    NotYetValid,
    /// A claim Portico relies on is empty or of the wrong shape.
    Incomplete,
}

impl ClaimsRefusal {
    /// The RFC 6750 `error_description`.
    pub fn describe(self) -> &'static str {
        match self {
            ClaimsRefusal::WrongIssuer => "the access token is from another issuer",
            ClaimsRefusal::WrongAudience => "the access token is for another audience",
            ClaimsRefusal::Expired => "the access token has expired",
            ClaimsRefusal::NotYetValid => "the access token is not valid yet",
            ClaimsRefusal::Incomplete => "the access token is not valid",
        }
    }
}

impl AccessClaims {
    /// Whether this is a user's token (else the application's own).
    pub fn for_user(&self) -> bool {
        self.aut == AUT_USER
    }

    pub fn check(&self, expect: &Expectations<'_>) -> Result<(), ClaimsRefusal> {
        if self.iss != expect.issuer {
            return Err(ClaimsRefusal::WrongIssuer);
        }
        if !self.aud.contains(expect.audience) {
            return Err(ClaimsRefusal::WrongAudience);
        }
        if self.exp + expect.leeway <= expect.now {
            return Err(ClaimsRefusal::Expired);
        }
        let not_before = self.nbf.unwrap_or(self.iat).max(self.iat);
        if not_before - expect.leeway > expect.now {
            return Err(ClaimsRefusal::NotYetValid);
        }
        let user_claims_fit = match self.aut.as_str() {
            AUT_USER => self.username.as_deref().is_some_and(|u| !u.is_empty()),
            AUT_APPLICATION => self.username.is_none() && self.sub == self.client_id,
            _ => false,
        };
        let named = [&self.sub, &self.jti, &self.client_id, &self.application_id]
            .iter()
            .all(|v| !v.is_empty());
        if !named || !user_claims_fit || uuid::Uuid::parse_str(&self.jti).is_err() {
            return Err(ClaimsRefusal::Incomplete);
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "access_token_tests.rs"]
mod tests;
