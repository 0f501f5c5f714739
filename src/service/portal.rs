//! Use cases behind the portal pages that are not plain CRUD: tokens generated in the
//! browser (through the very grants `/token` runs) and the user's own tokens.

use super::oauth::{ClientAuth, OAuthError, TokenRequest, TokenResponse};
use super::{ServiceError, Services};
use crate::domain::{GrantType, KeyType};
use crate::store::{ApplicationRow, TokenPart, TokenRow, UserRow};
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::net::IpAddr;

/// Which token the Generate Access Token dialog asks for.
pub enum PortalTokenKind {
    /// Client credentials: a token for the application itself.
    Application,
    /// Password grant for the signed-in developer, who re-enters their password.
    User { password: SecretString },
}

/// An active token of the signed-in user, with its application's name.
#[derive(Debug, Clone)]
pub struct OwnToken {
    pub row: TokenRow,
    pub app_name: String,
}

impl Services {
    /// Issues a token from the portal for `app`'s key of `key_type`, through the same
    /// grant code, storage, throttling and events as `POST /token`.
    #[allow(clippy::too_many_arguments)]
    pub async fn portal_token(
        &self,
        user: &UserRow,
        app: &ApplicationRow,
        key_type: KeyType,
        kind: PortalTokenKind,
        scope: &str,
        validity: Option<i64>,
        addr: IpAddr,
    ) -> Result<TokenResponse, OAuthError> {
        if let super::KeyManager::Remote(km) = &self.key_manager {
            let call = super::PortalTokenCall {
                user_id: &user.id,
                app_id: &app.id,
                key_type,
                kind: &kind,
                scope,
                validity,
                client_ip: addr,
            };
            return Ok(self.remote(km.portal_token(call)).await?);
        }
        let key = self.key_of(app, key_type).await.map_err(|e| match e {
            ServiceError::NotFound(_) => {
                OAuthError::InvalidRequest("generate keys for this tab first".into())
            }
            other => other.into(),
        })?;
        let mut params = HashMap::new();
        let grant = match kind {
            PortalTokenKind::Application => GrantType::ClientCredentials,
            PortalTokenKind::User { password } => {
                params.insert("username".to_owned(), user.username.clone());
                params.insert("password".to_owned(), password.expose_secret().to_owned());
                GrantType::Password
            }
        };
        if !scope.trim().is_empty() {
            params.insert("scope".to_owned(), scope.trim().to_owned());
        }
        let req = TokenRequest {
            // Not used for authentication: the portal session vouches for the caller.
            client: ClientAuth {
                client_id: key.consumer_key.clone(),
                client_secret: SecretString::from(String::new()),
                via_basic: false,
                public: false,
            },
            params,
            client_ip: addr,
            source: "portal",
            lifetime_cap: validity,
        };
        self.run_grant(&key, grant, &req).await
    }

    /// The user's live tokens, newest first.
    pub async fn own_tokens(&self, user: &UserRow) -> Result<Vec<OwnToken>, ServiceError> {
        let rows = self
            .store
            .active_tokens_of_user(&user.id, self.clock.now())
            .await?;
        let mut names: HashMap<String, String> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            if !names.contains_key(&row.app_id) {
                let name = match self.store.application(&row.app_id).await {
                    Ok(a) => a.name,
                    Err(_) => "(deleted application)".into(),
                };
                names.insert(row.app_id.clone(), name);
            }
            let app_name = names[&row.app_id].clone();
            out.push(OwnToken { row, app_name });
        }
        Ok(out)
    }

    /// Revokes one of the user's own tokens; another user's token id is "not found".
    pub async fn revoke_own_token(
        &self,
        user: &UserRow,
        token_id: &str,
    ) -> Result<(), ServiceError> {
        let row = self
            .store
            .token_by_id(token_id)
            .await
            .map_err(super::error::not_found("token"))?;
        if row.user_id.as_deref() != Some(user.id.as_str()) {
            return Err(ServiceError::NotFound("token"));
        }
        // The user revokes the grant: access and refresh tokens descended from it alike.
        Ok(self.revoke_row(&row, TokenPart::Refresh).await?)
    }
}
