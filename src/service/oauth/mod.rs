//! The token service behind `/token`, `/revoke` and `/introspect`, one file per grant.
//! HTTP parsing lives in `http::oauth`; this layer sees already-split parameters.

mod access_jwt;
mod authorization_code;
mod client;
mod client_credentials;
mod error;
mod introspection;
mod issue;
mod lookup;
mod openid;
mod password;
mod refresh;
mod revocation;

pub use client::{ClientAuth, KeyCache};
pub use error::{nqschar, OAuthError};
pub use introspection::Introspection;
pub(crate) use issue::RequestedScopes;
pub use issue::TokenResponse;
pub(crate) use lookup::{row_id_by_value, token_by_value};
pub use openid::{UserInfo, UserinfoError, OPENID_SCOPE};

use super::Services;
use crate::domain::GrantType;
use std::collections::HashMap;
use std::net::IpAddr;

/// Lifetimes in seconds from `[oauth]`.
#[derive(Debug, Clone, Copy)]
pub struct TokenLifetimes {
    pub user_access: i64,
    pub app_access: i64,
    pub refresh: i64,
}

/// A token request after transport parsing: each parameter present at most once.
#[derive(Debug)]
pub struct TokenRequest {
    pub client: ClientAuth,
    pub params: HashMap<String, String>,
    pub client_ip: IpAddr,
    /// Which surface issued it (`api` or `portal`), for logs.
    pub source: &'static str,
    /// A shorter access-token lifetime asked for in the portal; never longer than the
    /// key's own.
    pub lifetime_cap: Option<i64>,
}

impl TokenRequest {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    pub fn required(&self, name: &str) -> Result<&str, OAuthError> {
        self.param(name)
            .ok_or_else(|| OAuthError::InvalidRequest(format!("missing parameter `{name}`")))
    }
}

impl Services {
    /// `POST /token`: authenticates the client and runs the requested grant.
    pub async fn token(&self, req: TokenRequest) -> Result<TokenResponse, OAuthError> {
        let grant = req.required("grant_type")?;
        let grant = GrantType::parse(grant).ok_or_else(|| {
            OAuthError::UnsupportedGrantType(match error::quotable(grant) {
                Some(g) => format!("grant type `{g}` is not supported"),
                None => "this grant type is not supported".into(),
            })
        })?;
        let key = self.authenticate_client(&req.client).await?;
        self.run_grant(&key, grant, &req).await
    }

    /// Runs `grant` for an already authenticated key: the one path shared by `/token`
    /// and the portal's Generate Access Token.
    pub async fn run_grant(
        &self,
        key: &crate::store::KeyRow,
        grant: GrantType,
        req: &TokenRequest,
    ) -> Result<TokenResponse, OAuthError> {
        let allowed =
            crate::domain::GrantTypes::parse_list(&key.grant_types).is_ok_and(|g| g.allows(grant));
        if !allowed {
            return Err(OAuthError::UnauthorizedClient(format!(
                "this consumer key may not use the {grant} grant"
            )));
        }
        // A public client holds no secret, so only the grants built for that: the code
        // it proved with PKCE, and the refresh tokens that came with it.
        let without_secret = [GrantType::AuthorizationCode, GrantType::RefreshToken];
        if key.public_client != 0 && !without_secret.contains(&grant) {
            return Err(OAuthError::UnauthorizedClient(format!(
                "a public client may not use the {grant} grant"
            )));
        }
        match grant {
            GrantType::AuthorizationCode => self.authorization_code_grant(key, req).await,
            GrantType::Password => self.password_grant(key, req).await,
            GrantType::RefreshToken => self.refresh_grant(key, req).await,
            GrantType::ClientCredentials => self.client_credentials_grant(key, req).await,
        }
    }
}
