//! Refresh token grant (RFC 6749 §6) with rotation: each refresh token works once, and
//! presenting a used one revokes its whole family (RFC 9700 §4.14.2), since either the
//! client or an attacker holds a stolen copy.

use super::issue::Subject;
use super::{OAuthError, Services, TokenRequest, TokenResponse};
use crate::domain::{GrantType, ScopeSet};
use crate::store::{KeyRow, Rotation, StoreError, TokenPart};

impl Services {
    pub(super) async fn refresh_grant(
        &self,
        key: &KeyRow,
        req: &TokenRequest,
    ) -> Result<TokenResponse, OAuthError> {
        let result = self.rotate(key, req).await;
        if let Err(OAuthError::InvalidGrant(_)) = &result {
            self.record_failed_grant(key, GrantType::RefreshToken)
                .await?;
        }
        result
    }

    async fn rotate(&self, key: &KeyRow, req: &TokenRequest) -> Result<TokenResponse, OAuthError> {
        let presented = req.required("refresh_token")?;
        let invalid =
            || OAuthError::InvalidGrant("the refresh token is invalid, expired or revoked".into());
        let old = match super::token_by_value(&self.store, TokenPart::Refresh, presented).await {
            Ok(t) => t,
            Err(StoreError::NotFound) => return Err(invalid()),
            Err(e) => return Err(e.into()),
        };
        // Bound to its client: another client's refresh token is as good as unknown.
        if old.consumer_key != key.consumer_key {
            return Err(invalid());
        }
        let now = self.clock.now();
        if old.revoked_at.is_some() {
            return Err(invalid());
        }
        if old.refresh_used_at.is_some() {
            self.store.revoke_family(&old.family_id, now).await?;
            tracing::warn!(target: "portico::oauth", app = %old.app_id, "refresh token replayed; family revoked");
            return Err(invalid());
        }
        if old.refresh_expires_at.is_none_or(|exp| exp <= now) {
            return Err(invalid());
        }
        let granted = ScopeSet::parse(&old.scopes).map_err(|e| OAuthError::Server(e.message))?;
        let scopes = match req.param("scope") {
            None => granted,
            Some(raw) => {
                let asked =
                    ScopeSet::parse(raw).map_err(|e| OAuthError::InvalidScope(e.message))?;
                if asked.is_empty() || !asked.is_subset(&granted) {
                    return Err(OAuthError::InvalidScope(format!(
                        "the requested scope must be within the original grant (`{granted}`)"
                    )));
                }
                asked
            }
        };
        let subject = match (&old.user_id, &old.username) {
            (Some(id), Some(name)) => Some(Subject { id, username: name }),
            _ => None,
        };
        let minted = self
            .mint(
                key,
                GrantType::RefreshToken,
                subject,
                &scopes,
                Some(&old.family_id),
                None,
            )
            .await?;
        let event = self.event_for(&minted.row, "refreshed");
        match self
            .store
            .rotate_token(&old.id, &minted.row, &event)
            .await?
        {
            Rotation::Rotated => Ok(minted.response),
            // Lost a race with another use of the same refresh token: that is a replay.
            Rotation::AlreadyUsed => {
                self.store.revoke_family(&old.family_id, now).await?;
                Err(invalid())
            }
        }
    }
}
