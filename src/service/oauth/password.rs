//! Resource owner password credentials grant (RFC 6749 §4.3), throttled per §4.3.2.

use super::issue::Subject;
use super::{OAuthError, Services, TokenRequest, TokenResponse};
use crate::domain::{GrantType, Username};
use crate::store::{KeyRow, TokenEvent};
use secrecy::SecretString;

impl Services {
    pub(super) async fn password_grant(
        &self,
        key: &KeyRow,
        req: &TokenRequest,
    ) -> Result<TokenResponse, OAuthError> {
        let raw_username = req.required("username")?;
        let password = SecretString::from(req.required("password")?.to_owned());
        let scopes = self.resolve_scopes(req.param("scope")).await?;
        // Throttle on the canonical name so `Bob` and `bob` share one counter; names that
        // cannot exist still count, so probing them is throttled too.
        let throttle_name = Username::parse(raw_username)
            .map(|u| u.as_str().to_owned())
            .unwrap_or_else(|_| raw_username.to_ascii_lowercase());
        let now = self.clock.now();
        self.throttle
            .check(&throttle_name, req.client_ip, now)
            .map_err(|r| OAuthError::Throttled(r.0))?;

        let Some(user) = self.authenticate(raw_username, &password).await? else {
            self.throttle
                .record_failure(&throttle_name, req.client_ip, now);
            let failed = TokenEvent {
                app_id: key.app_id.clone(),
                key_type: key.key_type.clone(),
                grant_type: GrantType::Password.as_str().into(),
                user_id: None,
                username: None,
                outcome: "failed",
                at: now,
            };
            self.store.record_event(&failed).await?;
            return Err(OAuthError::bad_credentials());
        };
        self.throttle
            .record_success(&throttle_name, req.client_ip, now);

        let subject = Subject {
            id: &user.id,
            username: &user.username,
        };
        let minted = self
            .mint(
                key,
                GrantType::Password,
                Some(subject),
                &scopes,
                None,
                req.lifetime_cap,
            )
            .await?;
        let event = self.event_for(&minted.row, "issued");
        self.store.issue_token(&minted.row, &event).await?;
        tracing::info!(
            target: "portico::oauth",
            app = %key.app_id,
            user = %user.username,
            source = req.source,
            "password grant issued a token"
        );
        Ok(minted.response)
    }
}
