//! Resource owner password credentials grant (RFC 6749 §4.3), throttled per §4.3.2.

use super::issue::Subject;
use super::{OAuthError, Services, TokenRequest, TokenResponse};
use crate::domain::GrantType;
use crate::service::ServiceError;
use crate::store::KeyRow;
use secrecy::SecretString;

impl Services {
    pub(super) async fn password_grant(
        &self,
        key: &KeyRow,
        req: &TokenRequest,
    ) -> Result<TokenResponse, OAuthError> {
        let raw_username = req.required("username")?;
        let password = SecretString::from(req.required("password")?.to_owned());
        let requested = self.requested_scopes(req.param("scope")).await?;
        let user = match self
            .authenticate_throttled(raw_username, &password, req.client_ip)
            .await
        {
            Err(ServiceError::Throttled(secs)) => return Err(OAuthError::Throttled(secs)),
            other => other?,
        };
        let Some(user) = user else {
            self.record_failed_grant(key, GrantType::Password).await?;
            return Err(OAuthError::bad_credentials());
        };

        let signer = self.access_signer(key).await?;
        let scopes = requested.grant(Some(&user.held_roles()));
        let subject = Subject {
            id: &user.id,
            username: &user.username,
        };
        let minted = self.mint(
            key,
            GrantType::Password,
            Some(subject),
            &scopes,
            req.lifetime_cap,
        );
        // Signed before it is stored: a token that could not be answered is not kept.
        let response = self
            .respond(minted.values, &minted.row, signer.as_ref(), None)
            .await?;
        let event = super::issue::event_for(&minted.row, "issued");
        self.store.issue_token(&minted.row, &event).await?;
        tracing::info!(
            target: "portico::oauth",
            app = %key.app_id,
            user = %user.username,
            source = req.source,
            "password grant issued a token"
        );
        Ok(response)
    }
}
