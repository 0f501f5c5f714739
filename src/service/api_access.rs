//! Who is calling the REST API: the user behind a Bearer token this server issued (the
//! key manager's own tokens, opaque or JWT, checked as the gateway checks them), and
//! whether their token and standing allow an area.

use super::{ServiceError, Services};
use crate::domain::api_scope::ApiScope;
use crate::store::UserRow;

/// A REST API caller: the token's user as they are now, and what the token grants.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub user: UserRow,
    /// The token's scopes, space-separated as issued.
    pub scopes: String,
}

/// Why a caller may not go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiRefusal {
    /// Unknown, expired or revoked token, or one whose user is gone or locked: 401.
    InvalidToken(&'static str),
    /// The token lacks the area's scope: 403 with the scope named.
    InsufficientScope(ApiScope),
    /// The user may not use the area whatever the token says (not an admin, or a
    /// password change is pending): 403.
    Forbidden(&'static str),
}

impl ApiCaller {
    /// The user, if the token carries `scope` and the user may act in its area now.
    pub fn may(&self, scope: ApiScope) -> Result<&UserRow, ApiRefusal> {
        if !self.scopes.split_whitespace().any(|s| s == scope.name()) {
            return Err(ApiRefusal::InsufficientScope(scope));
        }
        if scope.admins_only() && self.user.is_admin == 0 {
            return Err(ApiRefusal::Forbidden("only administrators may do that"));
        }
        Ok(&self.user)
    }
}

impl Services {
    /// The caller behind `token`. Tokens of the client credentials grant have no user
    /// and are refused: the REST API acts for people, as the portal does.
    pub async fn api_caller(
        &self,
        token: &str,
    ) -> Result<Result<ApiCaller, ApiRefusal>, ServiceError> {
        let Some(row) = self.cached_token(token).await? else {
            return Ok(Err(ApiRefusal::InvalidToken(
                "the access token is not valid",
            )));
        };
        if row.revoked_at.is_some() {
            return Ok(Err(ApiRefusal::InvalidToken(
                "the access token was revoked",
            )));
        }
        if self.token_expired(&row) {
            return Ok(Err(ApiRefusal::InvalidToken(
                "the access token has expired",
            )));
        }
        let Some(user_id) = row.user_id.as_deref() else {
            return Ok(Err(ApiRefusal::InvalidToken(
                "the access token was issued to an application; the REST API needs a user's token",
            )));
        };
        let user = match self.store.user_by_id(user_id).await {
            Ok(u) => u,
            Err(crate::store::StoreError::NotFound) => {
                return Ok(Err(ApiRefusal::InvalidToken(
                    "the access token is not valid",
                )))
            }
            Err(e) => return Err(e.into()),
        };
        if user.locked != 0 {
            return Ok(Err(ApiRefusal::InvalidToken("the account is locked")));
        }
        if user.must_change_password != 0 {
            return Ok(Err(ApiRefusal::Forbidden(
                "change your password in the portal before you continue",
            )));
        }
        Ok(Ok(ApiCaller {
            user,
            scopes: row.scopes.clone(),
        }))
    }
}
