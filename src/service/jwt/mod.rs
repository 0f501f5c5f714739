//! JWT access tokens (RFC 9068) where they are checked: gateways, introspection,
//! userinfo and revocation. A JWT is genuine when one of the key manager's published
//! keys verifies it (with that key's algorithm), its `typ` is `at+jwt`, and its issuer,
//! audience and times are right; no key-manager call and no token row is read for it.
//! What it says is then the token's row, except revocation, which the revocation list
//! adds (`revocations`).

mod keys;
mod revocations;

pub use keys::PublishedKeys;

use super::gateway::TokenCache;
use super::{ServiceError, Services};
use crate::crypto::jws_verify::{self, JwsRefusal};
use crate::domain::access_token::{AccessClaims, ClaimsRefusal, Expectations, ACCESS_TOKEN_TYPE};
use crate::domain::TokenType;
use crate::store::TokenRow;
use std::sync::Arc;
use std::time::Duration;

/// JWT settings, the key set, the revocation list and the tokens verified lately.
pub struct JwtState {
    /// For keys generated without a choice (`[oauth] default_token_type`).
    pub default_token_type: TokenType,
    /// `aud` of the tokens this key manager issues (`[oauth] jwt_audience`).
    pub audience: String,
    /// Seconds forgiven on `exp`, `nbf` and `iat` (`[gateway] jwt_leeway_seconds`).
    pub leeway: i64,
    key_set: keys::KeySetCache,
    revoked: revocations::RevocationList,
    /// Verification outcomes by the token's digest, so a token used again costs a hash,
    /// not a signature check. Genuine tokens and forgeries are kept apart (as opaque
    /// tokens are), so a flood of forgeries cannot evict the genuine ones.
    verified: TokenCache,
}

impl JwtState {
    pub fn new(
        default_token_type: TokenType,
        audience: String,
        leeway: i64,
        cache_ttl: Duration,
        cache_entries: usize,
    ) -> Self {
        Self {
            default_token_type,
            audience,
            leeway,
            key_set: Default::default(),
            revoked: Default::default(),
            verified: TokenCache::new(cache_ttl, cache_entries),
        }
    }

    /// JWTs on the revocation list as last read.
    pub fn revoked_listed(&self) -> usize {
        self.revoked.len()
    }
}

/// Whether a presented access token is a JWT: opaque tokens are base64url, without dots.
pub fn is_jwt(token: &str) -> bool {
    token.contains('.')
}

enum Checked {
    Genuine(Box<AccessClaims>),
    /// Not genuine, and never will be: remembered as such.
    Forged,
    /// Signed with a key this node could not get (yet): not remembered.
    UnknownKey,
}

/// What a genuine JWT says, as the row it stands for (no digests: nothing is stored).
fn row_of(c: AccessClaims) -> TokenRow {
    let for_user = c.for_user();
    TokenRow {
        family_id: c.jti.clone(),
        id: c.jti,
        consumer_key: c.client_id,
        app_id: c.application_id,
        key_type: c.key_type,
        grant_type: c.gty,
        user_id: for_user.then_some(c.sub),
        username: c.username,
        scopes: c.scope,
        issued_at: c.iat,
        expires_at: c.exp,
        token_type: TokenType::Jwt.as_str().into(),
        ..Default::default()
    }
}

impl Services {
    async fn check_jwt(&self, token: &str) -> Result<Checked, ServiceError> {
        let Ok(kid) = jws_verify::kid_of(token) else {
            return Ok(Checked::Forged);
        };
        let set = self.key_set_for(&kid).await?;
        let claims: AccessClaims = match jws_verify::verify(token, &[ACCESS_TOKEN_TYPE], &set.keys)
        {
            Ok(claims) => claims,
            Err(JwsRefusal::UnknownKey(_)) => return Ok(Checked::UnknownKey),
            Err(_) => return Ok(Checked::Forged),
        };
        let expect = Expectations {
            issuer: &set.issuer,
            audience: &set.audience,
            now: self.clock.now(),
            leeway: self.jwt.leeway,
        };
        Ok(match claims.check(&expect) {
            // Expiry is the caller's to tell, as for an opaque token's row.
            Ok(()) | Err(ClaimsRefusal::Expired) => Checked::Genuine(Box::new(claims)),
            Err(_) => Checked::Forged,
        })
    }

    /// The row a JWT access token stands for, with its revocation if it was revoked;
    /// `None` when it is not genuine.
    pub(crate) async fn jwt_token(
        &self,
        token: &str,
    ) -> Result<Option<Arc<TokenRow>>, ServiceError> {
        let digest = crate::crypto::digest_bytes(token);
        let cached = self.jwt.verified.get(&digest);
        let result = if cached.is_some() { "hit" } else { "miss" };
        super::gateway::token_cache("jwt", result);
        let row = match cached {
            Some((_, row)) => row,
            None => match self.check_jwt(token).await? {
                Checked::Genuine(claims) => {
                    let row = Arc::new(row_of(*claims));
                    self.jwt.verified.insert(digest, 0, Some(row.clone()));
                    Some(row)
                }
                Checked::Forged => {
                    self.jwt.verified.insert(digest, 0, None);
                    None
                }
                Checked::UnknownKey => None,
            },
        };
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(match self.jwt_revoked_at(&row.id).await? {
            Some(at) => Arc::new(TokenRow {
                revoked_at: Some(at),
                ..(*row).clone()
            }),
            None => row,
        }))
    }

    /// Whether an access token's row has expired; a JWT's with the configured leeway,
    /// since another server's clock set its `exp`.
    pub(crate) fn token_expired(&self, row: &TokenRow) -> bool {
        let leeway = if row.token_type == TokenType::Jwt.as_str() {
            self.jwt.leeway
        } else {
            0
        };
        row.expires_at + leeway <= self.clock.now()
    }
}
