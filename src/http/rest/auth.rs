//! The REST API's authentication: `Authorization: Bearer <token>` only. The portal's
//! session cookie is deliberately not accepted here, so no cross-site page can call
//! the API with a visitor's cookies (the API has no CSRF tokens to check).

use super::error::ApiError;
use crate::domain::api_scope::ApiScope;
use crate::service::api_access::{ApiCaller, ApiRefusal};
use crate::service::audit::Actor;
use crate::service::Services;
use crate::store::UserRow;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use std::net::{IpAddr, SocketAddr};

/// The caller of a REST API request, and the address they called from.
pub struct Caller {
    caller: ApiCaller,
    address: IpAddr,
}

impl Caller {
    /// The user, if the token carries `scope` and the user may act in that area.
    pub fn may(&self, scope: ApiScope) -> Result<&UserRow, ApiError> {
        self.caller.may(scope).map_err(refused)
    }

    /// Who the audit log names for what this caller does.
    pub fn actor(&self) -> Actor {
        Actor::user(&self.caller.user, self.address)
    }

    pub fn address(&self) -> IpAddr {
        self.address
    }
}

fn refused(r: ApiRefusal) -> ApiError {
    match r {
        ApiRefusal::InvalidToken(why) => ApiError::unauthenticated(Some("invalid_token"), why),
        ApiRefusal::InsufficientScope(scope) => ApiError::insufficient_scope(scope.name()),
        ApiRefusal::Forbidden(why) => ApiError::forbidden(why),
    }
}

impl<S> FromRequestParts<S> for Caller
where
    Services: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let token = match crate::http::gateway::bearer(&parts.headers) {
            Ok(Some(token)) => token,
            Ok(None) => {
                return Err(ApiError::unauthenticated(
                    None,
                    "this API needs an access token: Authorization: Bearer <token>",
                ))
            }
            Err(_) => {
                return Err(ApiError::unauthenticated(
                    Some("invalid_request"),
                    "the Authorization header is malformed",
                ))
            }
        };
        let services = Services::from_ref(state);
        let caller = services.api_caller(token).await?.map_err(refused)?;
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        Ok(Caller { caller, address })
    }
}
