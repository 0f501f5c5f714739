//! Authorization code grant at the token endpoint (RFC 6749 §4.1.3 with PKCE, RFC 7636):
//! a code works once, for the client it was issued to, with the redirect URI of its
//! request and the verifier of its challenge, within a minute. A code presented again
//! revokes every token issued from it (§4.1.2): either the client or an attacker holds
//! a copy.

use super::issue::{event_for, Subject};
use super::{OAuthError, Services, TokenRequest, TokenResponse};
use crate::crypto::{self, pkce, TokenLocator};
use crate::domain::pkce::{check_verifier, ChallengeMethod};
use crate::domain::{GrantType, ScopeSet};
use crate::store::{CodeRow, KeyRow, Spent, StoreError};

fn invalid() -> OAuthError {
    OAuthError::InvalidGrant("the authorization code is invalid, expired or used".into())
}

impl Services {
    pub(super) async fn authorization_code_grant(
        &self,
        key: &KeyRow,
        req: &TokenRequest,
    ) -> Result<TokenResponse, OAuthError> {
        let result = self.exchange_code(key, req).await;
        self.counting_failure(key, GrantType::AuthorizationCode, result)
            .await
    }

    /// The code's row if `presented` is a code issued to `key`; the id in a code is
    /// public, the digest of the whole value proves it.
    async fn code_of(&self, key: &KeyRow, presented: &str) -> Result<CodeRow, OAuthError> {
        let TokenLocator::Row(id) = crypto::locate(presented) else {
            return Err(invalid());
        };
        let code = match self.store.code_by_id(&id).await {
            Ok(code) => code,
            Err(StoreError::NotFound) => return Err(invalid()),
            Err(e) => return Err(e.into()),
        };
        if !crypto::digests_match(presented, &code.code_digest)
            || code.consumer_key != key.consumer_key
        {
            return Err(invalid());
        }
        Ok(code)
    }

    async fn exchange_code(
        &self,
        key: &KeyRow,
        req: &TokenRequest,
    ) -> Result<TokenResponse, OAuthError> {
        let code = self.code_of(key, req.required("code")?).await?;
        let now = self.clock.now();
        if code.used_at.is_some() {
            self.revoke_code_family(code.family_id.as_deref(), key, now)
                .await?;
            tracing::warn!(target: "portico::oauth", app = %key.app_id, "authorization code replayed; its tokens revoked");
            return Err(invalid());
        }
        if code.expires_at <= now {
            return Err(invalid());
        }
        // §4.1.3: the redirect URI of the authorization request, if it named one.
        if req.param("redirect_uri").unwrap_or("") != code.redirect_uri {
            return Err(OAuthError::InvalidGrant(
                "redirect_uri is not the one of the authorization request".into(),
            ));
        }
        let method = ChallengeMethod::parse(Some(&code.challenge_method)).map_err(|_| invalid())?;
        let verified = req.param("code_verifier").is_some_and(|v| {
            check_verifier(v).is_ok() && pkce::verifier_matches(v, &code.code_challenge, method)
        });
        if !verified {
            return Err(OAuthError::InvalidGrant(
                "the code_verifier is missing or does not match the code_challenge".into(),
            ));
        }
        let user = self.store.user_by_id(&code.user_id).await;
        if !user.is_ok_and(|u| u.locked == 0) {
            return Err(invalid());
        }
        let scopes = ScopeSet::parse(&code.scopes).map_err(|_| invalid())?;
        let signer = self.access_signer(key).await?;
        let subject = Subject {
            id: &code.user_id,
            username: &code.username,
        };
        let minted = self.mint(
            key,
            GrantType::AuthorizationCode,
            Some(subject),
            &scopes,
            None,
        );
        let response = self
            .respond(
                minted.values,
                &minted.row,
                signer.as_ref(),
                code.nonce.as_deref(),
            )
            .await?;
        self.store
            .issue_token(&minted.row, &event_for(&minted.row, "issued"))
            .await?;
        // Spent after the tokens are stored, so a concurrent exchange of the same code
        // that loses finds them and revokes them with its own.
        if let Spent::Before(earlier) = self
            .store
            .spend_code(&code.id, now, &minted.row.family_id)
            .await?
        {
            self.revoke_code_family(earlier.as_deref(), key, now)
                .await?;
            self.revoke_code_family(Some(&minted.row.family_id), key, now)
                .await?;
            return Err(invalid());
        }
        Ok(response)
    }

    async fn revoke_code_family(
        &self,
        family: Option<&str>,
        key: &KeyRow,
        now: crate::domain::Epoch,
    ) -> Result<(), OAuthError> {
        let Some(family) = family else {
            return Ok(());
        };
        let event = crate::store::TokenEvent {
            app_id: key.app_id.clone(),
            key_type: key.key_type.clone(),
            grant_type: GrantType::AuthorizationCode.as_str().into(),
            user_id: None,
            username: None,
            outcome: "revoked",
            at: now,
        };
        self.store.revoke_recorded(family, true, &event).await?;
        Ok(())
    }
}
