use super::{OAuthError, Services};
use crate::crypto;
use crate::crypto::jws::JwsSigner;
use crate::domain::api::RoleSet;
use crate::domain::{Epoch, GrantType, ScopeSet, TokenType};
use crate::store::{KeyRow, NewToken, ScopeRow, TokenEvent};
use serde::Serialize;
use std::sync::Arc;

/// The RFC 6749 §5.1 success body, fields in the order WSO2 clients are used to.
#[derive(Serialize)]
pub struct TokenResponse {
    pub scope: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub access_token: String,
    /// OpenID Connect's ID token, when the granted scope holds `openid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("scope", &self.scope)
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// Who a token is for, when it is for a user.
pub(super) struct Subject<'a> {
    pub id: &'a str,
    pub username: &'a str,
}

pub(super) struct Minted {
    pub row: NewToken,
    pub values: Values,
}

/// The token values of one issuance, shown to the client once and never stored.
pub(super) struct Values {
    /// `None` for a JWT access token, signed from the row once the row is final.
    access: Option<String>,
    refresh: Option<String>,
}

/// Everything about an issuance but whom it is for, its scopes and its family: the
/// digests of its values, its client and its times. It holds no usable token.
#[derive(Clone)]
pub(super) struct Issuance {
    id: String,
    access_digest: String,
    refresh_digest: Option<String>,
    consumer_key: String,
    app_id: String,
    key_type: String,
    token_type: TokenType,
    grant: GrantType,
    pub at: Epoch,
    lifetime: i64,
    refresh_lifetime: i64,
}

impl Issuance {
    pub(super) fn consumer_key(&self) -> &str {
        &self.consumer_key
    }

    /// The row storing this issuance for `subject` with `scopes`, in `family_id`'s family
    /// (none: it starts its own).
    pub(super) fn row(
        &self,
        subject: Option<Subject<'_>>,
        scopes: &ScopeSet,
        family_id: Option<&str>,
    ) -> NewToken {
        NewToken {
            id: self.id.clone(),
            family_id: family_id.unwrap_or(&self.id).to_owned(),
            access_digest: self.access_digest.clone(),
            refresh_digest: self.refresh_digest.clone(),
            consumer_key: self.consumer_key.clone(),
            app_id: self.app_id.clone(),
            key_type: self.key_type.clone(),
            grant_type: self.grant.as_str().into(),
            user_id: subject.as_ref().map(|s| s.id.to_owned()),
            username: subject.as_ref().map(|s| s.username.to_owned()),
            scopes: scopes.to_string(),
            issued_at: self.at,
            expires_at: self.at + self.lifetime,
            refresh_expires_at: self
                .refresh_digest
                .as_ref()
                .map(|_| self.at + self.refresh_lifetime),
            refresh_used_at: None,
            revoked_at: None,
            token_type: self.token_type.as_str().into(),
        }
    }
}

/// The statistics event of a stored token.
pub(crate) fn event_for(row: &NewToken, outcome: &'static str) -> TokenEvent {
    TokenEvent {
        app_id: row.app_id.clone(),
        key_type: row.key_type.clone(),
        grant_type: row.grant_type.clone(),
        user_id: row.user_id.clone(),
        username: row.username.clone(),
        outcome,
        at: row.issued_at,
    }
}

impl Services {
    /// The access-token lifetime for `key`: its own, else its application's, else the
    /// server's default for user or application tokens.
    pub(super) fn access_lifetime(&self, key: &KeyRow, for_user: bool) -> i64 {
        let default = if for_user {
            self.lifetimes.user_access
        } else {
            self.lifetimes.app_access
        };
        key.access_token_validity
            .or(key.app_token_validity)
            .unwrap_or(default)
    }

    /// Fresh token values, and the issuance that stores their digests. A refresh token
    /// only for a user's token, and only when the key may refresh; `lifetime_cap` only
    /// shortens the access token's lifetime.
    pub(super) fn issuance(
        &self,
        key: &KeyRow,
        grant: GrantType,
        for_user: bool,
        lifetime_cap: Option<i64>,
    ) -> (Issuance, Values) {
        let lifetime = self.access_lifetime(key, for_user);
        let may_refresh = for_user
            && crate::domain::GrantTypes::parse_list(&key.grant_types)
                .is_ok_and(|g| g.allows(GrantType::RefreshToken));
        // Time-ordered, so new rows land at the end of the id index instead of anywhere;
        // the token values carry it, so they are found by it (`crypto::token`).
        let row_id = uuid::Uuid::now_v7();
        // A JWT is never stored, and proves itself by its signature: no digest.
        let token_type = key.access_token_type();
        let access = (token_type == TokenType::Opaque).then(|| crypto::token_for_row(&row_id));
        let refresh = may_refresh.then(|| crypto::token_for_row(&row_id));
        let issuance = Issuance {
            id: row_id.to_string(),
            access_digest: access.as_deref().map(crypto::digest).unwrap_or_default(),
            refresh_digest: refresh.as_deref().map(crypto::digest),
            consumer_key: key.consumer_key.clone(),
            app_id: key.app_id.clone(),
            key_type: key.key_type.clone(),
            token_type,
            grant,
            at: self.clock.now(),
            lifetime: lifetime_cap.map_or(lifetime, |cap| cap.clamp(1, lifetime)),
            refresh_lifetime: self.lifetimes.refresh,
        };
        (issuance, Values { access, refresh })
    }

    /// A new token family's first issuance: its row and the response that carries it.
    pub(super) fn mint(
        &self,
        key: &KeyRow,
        grant: GrantType,
        subject: Option<Subject<'_>>,
        scopes: &ScopeSet,
        lifetime_cap: Option<i64>,
    ) -> Minted {
        let (issuance, values) = self.issuance(key, grant, subject.is_some(), lifetime_cap);
        let row = issuance.row(subject, scopes, None);
        Minted { row, values }
    }

    /// The success body for `values`, stored as `row`: a JWT access token signed by
    /// `signer` (read before anything was stored, see `access_signer`), and an ID token
    /// when the scope asks for one.
    pub(super) async fn respond(
        &self,
        values: Values,
        row: &NewToken,
        signer: Option<&Arc<JwsSigner>>,
        nonce: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        let access_token = match (values.access, signer) {
            (Some(opaque), _) => opaque,
            (None, Some(signer)) => self.sign_access_token(signer, row).await?,
            (None, None) => {
                return Err(OAuthError::Server(
                    "no key was read to sign the JWT access token".into(),
                ))
            }
        };
        let response = TokenResponse {
            scope: row.scopes.clone(),
            token_type: "Bearer",
            expires_in: row.expires_at - row.issued_at,
            refresh_token: values.refresh,
            access_token,
            id_token: None,
        };
        self.with_id_token(response, row, nonce).await
    }

    /// Records a grant refused for bad user credentials or an unusable refresh token, for
    /// the application's failed-grant statistics. No user is named: the attempt proves
    /// nothing about who is behind it.
    pub(super) async fn record_failed_grant(
        &self,
        key: &KeyRow,
        grant: GrantType,
    ) -> Result<(), OAuthError> {
        let failed = TokenEvent {
            app_id: key.app_id.clone(),
            key_type: key.key_type.clone(),
            grant_type: grant.as_str().into(),
            user_id: None,
            username: None,
            outcome: "failed",
            at: self.clock.now(),
        };
        Ok(self.store.record_event(&failed).await?)
    }

    /// `result` of a grant, with an `invalid_grant` (an unusable token or code) counted
    /// in the application's failed-grant statistics.
    pub(super) async fn counting_failure(
        &self,
        key: &KeyRow,
        grant: GrantType,
        result: Result<TokenResponse, OAuthError>,
    ) -> Result<TokenResponse, OAuthError> {
        if let Err(OAuthError::InvalidGrant(_)) = &result {
            self.record_failed_grant(key, grant).await?;
        }
        result
    }

    /// Checks a requested scope set against the scope records: every scope must exist.
    pub(crate) async fn requested_scopes(
        &self,
        requested: Option<&str>,
    ) -> Result<RequestedScopes, OAuthError> {
        let asked =
            ScopeSet::parse(requested.unwrap_or("")).map_err(|_| OAuthError::malformed_scope())?;
        let names: Vec<&str> = asked.iter().map(|s| s.as_str()).collect();
        let known = self.store.scopes_named(&names).await?;
        if let Some(unknown) = names.iter().find(|n| !known.iter().any(|k| k.name == **n)) {
            return Err(OAuthError::InvalidScope(format!(
                "unknown scope `{unknown}`"
            )));
        }
        Ok(RequestedScopes(known))
    }
}

/// Existing scopes a client asked for (none: it asked for nothing).
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestedScopes(Vec<ScopeRow>);

impl RequestedScopes {
    /// What may be granted. A scope restricted to roles goes only to a user holding one
    /// of them (`holder` is the user's roles; `None` for an application token, which
    /// gets unrestricted scopes only). The grant narrows, never broadens: if nothing
    /// asked for may be granted, the token gets `default` alone.
    pub(crate) fn grant(&self, holder: Option<&RoleSet>) -> ScopeSet {
        let allowed = self.0.iter().filter(|s| {
            let needs = RoleSet::parse(&s.roles).unwrap_or_default();
            needs.is_empty() || holder.is_some_and(|h| h.intersects(&needs))
        });
        let names: Vec<&str> = allowed.map(|s| s.name.as_str()).collect();
        match ScopeSet::parse(&names.join(" ")) {
            Ok(set) if !set.is_empty() => set,
            _ => ScopeSet::only_default(),
        }
    }

    /// The scope records asked for, with their descriptions.
    pub(crate) fn rows(&self) -> &[ScopeRow] {
        &self.0
    }
}
