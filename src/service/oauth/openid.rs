//! OpenID Connect for the password grant (Core §2, §3.1.3.6 and §5.3): an ID token beside
//! the access token when the granted scope holds `openid`, and the userinfo answer for
//! such access tokens.

use super::{OAuthError, Services, TokenResponse};
use crate::store::TokenRow;
use serde::Serialize;

pub const OPENID_SCOPE: &str = "openid";

#[derive(Serialize)]
struct IdTokenClaims {
    iss: String,
    sub: String,
    aud: String,
    azp: String,
    exp: i64,
    iat: i64,
    at_hash: String,
    preferred_username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
}

/// Why userinfo answered no.
#[derive(Debug, PartialEq, Eq)]
pub enum UserinfoError {
    /// Unknown, expired or revoked: RFC 6750 `invalid_token`.
    InvalidToken,
    /// A token without `openid`, or an application's: `insufficient_scope`.
    InsufficientScope,
    Unavailable,
}

/// OpenID Connect Core §5.3.2: the subject and the claims Portico holds.
#[derive(Debug, Serialize)]
pub struct UserInfo {
    pub sub: String,
    pub preferred_username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

fn has_openid(scopes: &str) -> bool {
    scopes.split_whitespace().any(|s| s == OPENID_SCOPE)
}

impl Services {
    /// `response` with an ID token when its scope holds `openid` and it is a user's.
    pub(super) async fn with_id_token(
        &self,
        mut response: TokenResponse,
        row: &TokenRow,
        nonce: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        let (Some(sub), Some(username)) = (&row.user_id, &row.username) else {
            return Ok(response);
        };
        if !has_openid(&row.scopes) {
            return Ok(response);
        }
        let signer = self.current_signer().await?;
        let issuer = self.signing.issuer();
        let claims = IdTokenClaims {
            iss: issuer,
            sub: sub.clone(),
            aud: row.consumer_key.clone(),
            azp: row.consumer_key.clone(),
            exp: row.expires_at,
            iat: row.issued_at,
            at_hash: crate::crypto::jws::at_hash(&response.access_token),
            preferred_username: username.clone(),
            nonce: nonce.map(str::to_owned),
        };
        let jws = self.sign(signer, "JWT", claims).await?;
        response.id_token = Some(jws);
        Ok(response)
    }

    /// The userinfo answer for an access token that carries `openid`.
    pub async fn userinfo(&self, token: &str) -> Result<UserInfo, UserinfoError> {
        let row = match self.cached_token(token).await {
            Ok(Some(row)) => row,
            Ok(None) => return Err(UserinfoError::InvalidToken),
            Err(crate::service::ServiceError::Unavailable(_)) => {
                return Err(UserinfoError::Unavailable)
            }
            Err(e) => {
                tracing::error!(error = %e, "userinfo lookup failed");
                return Err(UserinfoError::Unavailable);
            }
        };
        if row.revoked_at.is_some() || row.expires_at <= self.clock.now() {
            return Err(UserinfoError::InvalidToken);
        }
        let Some(user_id) = row.user_id.as_deref().filter(|_| has_openid(&row.scopes)) else {
            return Err(UserinfoError::InsufficientScope);
        };
        let user = self
            .store
            .user_by_id(user_id)
            .await
            .map_err(|_| UserinfoError::InvalidToken)?;
        if user.locked != 0 {
            return Err(UserinfoError::InvalidToken);
        }
        Ok(UserInfo {
            sub: user.id,
            preferred_username: user.username,
            email: user.email.filter(|e| !e.is_empty()),
        })
    }
}
