//! Refresh token grant (RFC 6749 §6) with rotation: each refresh token works once, and
//! presenting a used one revokes its whole family (RFC 9700 §4.14.2), since either the
//! client or an attacker holds a stolen copy.
//!
//! The rule below runs inside the token writer's transaction (`store::rotation`), on the
//! presented token's row as that transaction reads it, so a refresh costs one trip to
//! the database and no rotation can slip between a read and its claim.

use super::issue::{event_for, Issuance, Subject};
use super::{OAuthError, Services, TokenRequest, TokenResponse};
use crate::crypto;
use crate::domain::api::RoleSet;
use crate::domain::DEFAULT_SCOPE;
use crate::domain::{GrantType, ScopeSet};
use crate::store::{KeyRow, Refusal, Rotation, Standing, StoreError, TokenPart, TokenRow};
use std::collections::HashMap;
use std::sync::Arc;

fn invalid() -> OAuthError {
    OAuthError::InvalidGrant("the refresh token is invalid, expired or revoked".into())
}

impl Services {
    pub(super) async fn refresh_grant(
        &self,
        key: &KeyRow,
        req: &TokenRequest,
    ) -> Result<TokenResponse, OAuthError> {
        let result = self.rotate(key, req).await;
        self.counting_failure(key, GrantType::RefreshToken, result)
            .await
    }

    async fn rotate(&self, key: &KeyRow, req: &TokenRequest) -> Result<TokenResponse, OAuthError> {
        let presented = req.required("refresh_token")?;
        let asked = match req.param("scope") {
            None => None,
            Some(raw) => Some(ScopeSet::parse(raw).map_err(|_| OAuthError::malformed_scope())?),
        };
        let old_id = match super::row_id_by_value(&self.store, TokenPart::Refresh, presented).await
        {
            Ok(id) => id,
            Err(StoreError::NotFound) => return Err(invalid()),
            Err(e) => return Err(e.into()),
        };
        // Read before the refresh token is spent, so a key that cannot be read fails the
        // grant with the refresh token still usable.
        let signer = self.access_signer(key).await?;
        let (issuance, values) = self.issuance(key, GrantType::RefreshToken, true, None);
        let at = issuance.at;
        let rule = Rule {
            presented_digest: crypto::digest(presented),
            asked,
            issuance,
        };
        let successor = Arc::new(move |old: &TokenRow, now: &Standing| rule.successor(old, now));
        match self.store.rotate_token(&old_id, at, successor).await? {
            Rotation::Rotated(row) => self.respond(values, &row, signer.as_ref(), None).await,
            Rotation::Refused(Refusal::Replayed) => {
                tracing::warn!(target: "portico::oauth", app = %key.app_id, "refresh token replayed; family revoked");
                Err(invalid())
            }
            Rotation::Refused(Refusal::ScopeNotGranted(granted)) => Err(OAuthError::InvalidScope(
                format!("the requested scope must be within the original grant (`{granted}`)"),
            )),
            Rotation::Refused(Refusal::Invalid) => Err(invalid()),
            Rotation::Refused(Refusal::NoScopeLeft) => Err(OAuthError::InvalidGrant(
                "the user may no longer hold any of the token's scopes".into(),
            )),
        }
    }
}

/// What decides the successor of one presented refresh token.
struct Rule {
    presented_digest: String,
    asked: Option<ScopeSet>,
    /// The successor's values, client and times, fixed before the row is read.
    issuance: Issuance,
}

impl Rule {
    fn successor(
        &self,
        old: &TokenRow,
        now: &Standing,
    ) -> Result<(TokenRow, crate::store::TokenEvent), Refusal> {
        // The id in a token value is public; only the whole value's digest proves it.
        let genuine = old
            .refresh_digest
            .as_deref()
            .is_some_and(|stored| crypto::digest_eq(&self.presented_digest, stored));
        // Bound to its client: another client's refresh token is as good as unknown.
        if !genuine || old.consumer_key != self.issuance.consumer_key() || old.revoked_at.is_some()
        {
            return Err(Refusal::Invalid);
        }
        if old.refresh_used_at.is_some() {
            return Err(Refusal::Replayed);
        }
        if old
            .refresh_expires_at
            .is_none_or(|exp| exp <= self.issuance.at)
        {
            return Err(Refusal::Invalid);
        }
        // The user as they are now: gone or locked ends the grant, and scopes whose
        // roles they no longer hold (or that were deleted) are dropped.
        let user = now.user.filter(|u| !u.locked).ok_or(Refusal::Invalid)?;
        let granted = ScopeSet::parse(&old.scopes).map_err(|_| Refusal::Invalid)?;
        let granted = still_allowed(&granted, &user.roles, now.scope_roles);
        if granted.is_empty() {
            return Err(Refusal::NoScopeLeft);
        }
        let scopes = match &self.asked {
            None => granted,
            Some(asked) if !asked.is_empty() && asked.is_subset(&granted) => asked.clone(),
            Some(_) => return Err(Refusal::ScopeNotGranted(granted.to_string())),
        };
        // Refresh tokens are issued to users only.
        let (Some(id), Some(username)) = (&old.user_id, &old.username) else {
            return Err(Refusal::Invalid);
        };
        let subject = Subject { id, username };
        let next = self
            .issuance
            .row(Some(subject), &scopes, Some(&old.family_id));
        let event = event_for(&next, "refreshed");
        Ok((next, event))
    }
}

/// The scopes of `granted` the user may still hold: `default`, and every existing scope
/// whose roles (if any) the user holds one of.
fn still_allowed(
    granted: &ScopeSet,
    user_roles: &str,
    scope_roles: &HashMap<String, String>,
) -> ScopeSet {
    let holder = RoleSet::parse(user_roles).unwrap_or_default();
    granted
        .iter()
        .filter(|s| {
            s.as_str() == DEFAULT_SCOPE
                || scope_roles.get(s.as_str()).is_some_and(|needs| {
                    let needs = RoleSet::parse(needs).unwrap_or_default();
                    needs.is_empty() || holder.intersects(&needs)
                })
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_kept_only_while_their_roles_are_held_and_they_exist() {
        let granted = ScopeSet::parse("default kitchen read gone").unwrap();
        let roles = HashMap::from([
            ("kitchen".to_owned(), "chef".to_owned()),
            ("read".to_owned(), String::new()),
        ]);
        let kept = |user_roles| still_allowed(&granted, user_roles, &roles).to_string();
        assert_eq!(kept("chef"), "default kitchen read");
        assert_eq!(kept("waiter"), "default read");
        let only_kitchen = ScopeSet::parse("kitchen").unwrap();
        assert!(still_allowed(&only_kitchen, "", &roles).is_empty());
    }
}
