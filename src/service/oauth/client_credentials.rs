//! Client credentials grant (RFC 6749 §4.4): an application token, never a refresh token.

use super::{OAuthError, Services, TokenRequest, TokenResponse};
use crate::domain::GrantType;
use crate::store::KeyRow;

impl Services {
    pub(super) async fn client_credentials_grant(
        &self,
        key: &KeyRow,
        req: &TokenRequest,
    ) -> Result<TokenResponse, OAuthError> {
        let scopes = self.requested_scopes(req.param("scope")).await?.grant(None);
        let signer = self.access_signer(key).await?;
        let minted = self.mint(
            key,
            GrantType::ClientCredentials,
            None,
            &scopes,
            req.lifetime_cap,
        );
        let response = self
            .respond(minted.values, &minted.row, signer.as_ref(), None)
            .await?;
        let event = super::issue::event_for(&minted.row, "issued");
        self.store.issue_token(&minted.row, &event).await?;
        Ok(response)
    }
}
