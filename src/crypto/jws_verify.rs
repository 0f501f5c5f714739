//! Checking a JWS against a published key set (RFC 7517). The algorithm comes from the
//! key, never from the token's header: a header naming `none`, or HS256 with the public
//! key as its secret, names an algorithm the key does not have and is refused before any
//! signature is computed.

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// Why a JWS was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwsRefusal {
    /// Not a compact JWS with a readable header and a `kid`.
    Malformed,
    /// No published key has this `kid` (yet: the caller may fetch the set again).
    UnknownKey(String),
    /// The header's `typ` is not one the caller accepts.
    WrongType,
    /// The header names another algorithm than the key's, or the signature is wrong.
    BadSignature,
    /// Signed, but the claims are not what the caller reads.
    BadClaims,
}

/// The public keys of a JWK set, each with the one algorithm it verifies.
#[derive(Default)]
pub struct VerifyingKeys {
    keys: HashMap<String, (Algorithm, DecodingKey)>,
}

impl VerifyingKeys {
    /// The usable signing keys of a JWK set; keys without a `kid` or a known `alg`, or
    /// published for encryption, are left out.
    pub fn from_jwks(set: &JwkSet) -> Self {
        let keys = set
            .keys
            .iter()
            .filter(|k| {
                k.common
                    .public_key_use
                    .as_ref()
                    .is_none_or(|u| *u == jsonwebtoken::jwk::PublicKeyUse::Signature)
            })
            .filter_map(|k| Some((k.common.key_id.clone()?, usable(k)?)))
            .collect();
        Self { keys }
    }

    pub fn contains(&self, kid: &str) -> bool {
        self.keys.contains_key(kid)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

fn usable(jwk: &Jwk) -> Option<(Algorithm, DecodingKey)> {
    let alg = jwk
        .common
        .key_algorithm?
        .to_string()
        .parse::<Algorithm>()
        .ok()?;
    // Only public-key algorithms: a shared secret published in a key set is no secret.
    if matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) {
        return None;
    }
    let key = DecodingKey::from_jwk(jwk).ok()?;
    Some((alg, key))
}

/// The `kid` in a compact JWS's header, read before anything is verified (to choose the
/// key; nothing else in the header is believed).
pub fn kid_of(token: &str) -> Result<String, JwsRefusal> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| JwsRefusal::Malformed)?;
    header.kid.ok_or(JwsRefusal::Malformed)
}

/// The claims of `token` if it is signed by one of `keys` with that key's algorithm and
/// its header's `typ` is one of `types` (compared without case, RFC 7515 §4.1.9, with or
/// without the `application/` prefix). Times, issuer and audience are the caller's to
/// check, against its own clock.
pub fn verify<T: DeserializeOwned>(
    token: &str,
    types: &[&str],
    keys: &VerifyingKeys,
) -> Result<T, JwsRefusal> {
    let kid = kid_of(token)?;
    let (alg, key) = keys
        .keys
        .get(&kid)
        .ok_or_else(|| JwsRefusal::UnknownKey(kid.clone()))?;
    let header = jsonwebtoken::decode_header(token).map_err(|_| JwsRefusal::Malformed)?;
    let typ = header.typ.unwrap_or_default().to_ascii_lowercase();
    let typ = typ.strip_prefix("application/").unwrap_or(&typ);
    if !types.iter().any(|t| t.eq_ignore_ascii_case(typ)) {
        return Err(JwsRefusal::WrongType);
    }
    let mut rules = Validation::new(*alg);
    rules.algorithms = vec![*alg];
    rules.required_spec_claims.clear();
    rules.validate_exp = false;
    rules.validate_nbf = false;
    rules.validate_aud = false;
    match jsonwebtoken::decode::<T>(token, key, &rules) {
        Ok(data) => Ok(data.claims),
        Err(e) => Err(match e.kind() {
            jsonwebtoken::errors::ErrorKind::Json(_) => JwsRefusal::BadClaims,
            _ => JwsRefusal::BadSignature,
        }),
    }
}

#[cfg(test)]
#[path = "jws_verify_tests.rs"]
mod tests;
