//! JWT access tokens (RFC 9068) where they are made: the claims of a stored issuance,
//! signed with the key that signs ID tokens. The token itself is never stored; its row
//! holds the `jti` (the row id), so revocation and statistics work as for opaque tokens.

use super::{OAuthError, Services};
use crate::crypto::jws::JwsSigner;
use crate::domain::access_token::{
    AccessClaims, Audience, ACCESS_TOKEN_TYPE, AUT_APPLICATION, AUT_USER,
};
use crate::domain::TokenType;
use crate::store::{KeyRow, TokenRow};
use std::sync::Arc;

impl Services {
    /// The key that will sign `key`'s access tokens, read before anything is stored so a
    /// key that cannot be read fails the grant instead of losing a stored token; `None`
    /// for opaque tokens.
    pub(super) async fn access_signer(
        &self,
        key: &KeyRow,
    ) -> Result<Option<Arc<JwsSigner>>, OAuthError> {
        if key.access_token_type() == TokenType::Opaque {
            return Ok(None);
        }
        Ok(Some(self.current_signer().await?))
    }

    /// RFC 9068 §2.2's claims of the token stored as `row`, and Portico's own.
    pub(super) fn access_claims(&self, row: &TokenRow) -> AccessClaims {
        let (aut, sub) = match &row.user_id {
            Some(user) => (AUT_USER, user.clone()),
            None => (AUT_APPLICATION, row.consumer_key.clone()),
        };
        AccessClaims {
            iss: self.signing.issuer(),
            sub,
            aud: Audience::One(self.jwt.audience.clone()),
            exp: row.expires_at,
            iat: row.issued_at,
            nbf: Some(row.issued_at),
            jti: row.id.clone(),
            client_id: row.consumer_key.clone(),
            scope: row.scopes.clone(),
            application_id: row.app_id.clone(),
            key_type: row.key_type.clone(),
            aut: aut.into(),
            gty: row.grant_type.clone(),
            username: row.username.clone(),
        }
    }

    pub(super) async fn sign_access_token(
        &self,
        signer: &Arc<JwsSigner>,
        row: &TokenRow,
    ) -> Result<String, OAuthError> {
        let claims = self.access_claims(row);
        Ok(self.sign(signer.clone(), ACCESS_TOKEN_TYPE, claims).await?)
    }
}
