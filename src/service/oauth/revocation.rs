//! Token revocation (RFC 7009).

use super::{ClientAuth, OAuthError, Services};
use crate::store::{StoreError, TokenPart, TokenRow};

impl Services {
    /// Finds a token by its value, trying the hinted kind first; the hint is only a hint.
    pub(crate) async fn find_token(
        &self,
        token: &str,
        hint: Option<&str>,
    ) -> Result<Option<(TokenRow, TokenPart)>, OAuthError> {
        let order = if hint == Some("refresh_token") {
            [TokenPart::Refresh, TokenPart::Access]
        } else {
            [TokenPart::Access, TokenPart::Refresh]
        };
        for kind in order {
            let found = match kind {
                // Access tokens through the gateway's cache: resource servers introspect
                // the same token again and again (staleness bound in `service::gateway`).
                TokenPart::Access => match self.cached_token(token).await {
                    Ok(Some(row)) => Ok(std::sync::Arc::unwrap_or_clone(row)),
                    Ok(None) => Err(StoreError::NotFound),
                    Err(e) => return Err(e.into()),
                },
                TokenPart::Refresh => super::token_by_value(&self.store, kind, token).await,
            };
            match found {
                Ok(row) => return Ok(Some((row, kind))),
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(None)
    }

    /// Revokes `token` if it belongs to the authenticated client. Unknown tokens succeed
    /// silently (§2.2). A refresh token takes its whole family with it, including access
    /// tokens issued from it; an access token takes its own issuance.
    pub async fn revoke(
        &self,
        client: &ClientAuth,
        token: &str,
        hint: Option<&str>,
    ) -> Result<(), OAuthError> {
        let key = self.authenticate_client(client).await?;
        let Some((row, matched)) = self.find_token(token, hint).await? else {
            return Ok(());
        };
        if row.consumer_key != key.consumer_key {
            return Err(OAuthError::UnauthorizedClient(
                "the token was not issued to this client".into(),
            ));
        }
        Ok(self.revoke_row(&row, matched).await?)
    }

    /// Revokes a found token — its whole family for a refresh token, its own issuance
    /// for an access token — and records the revocation for statistics.
    pub(crate) async fn revoke_row(
        &self,
        row: &TokenRow,
        matched: TokenPart,
    ) -> Result<(), crate::store::StoreError> {
        let mut event = super::issue::event_for(row, "revoked");
        event.at = self.clock.now();
        let (id, family) = match matched {
            TokenPart::Refresh => (&row.family_id, true),
            TokenPart::Access => (&row.id, false),
        };
        self.store.revoke_recorded(id, family, &event).await?;
        Ok(())
    }
}
