//! Signing keys for JWS (ID tokens): made in process, published as JWKs (RFC 7517) named
//! by their RFC 7638 thumbprint, and used through jsonwebtoken. RS256 is the default for
//! the widest client support; ES256 and EdDSA (Ed25519) are selectable.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SigningAlgorithm {
    #[default]
    RS256,
    ES256,
    EdDSA,
}

impl SigningAlgorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RS256 => "RS256",
            Self::ES256 => "ES256",
            Self::EdDSA => "EdDSA",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::RS256, Self::ES256, Self::EdDSA]
            .into_iter()
            .find(|a| a.as_str() == raw)
    }

    fn jws(self) -> Algorithm {
        match self {
            Self::RS256 => Algorithm::RS256,
            Self::ES256 => Algorithm::ES256,
            Self::EdDSA => Algorithm::EdDSA,
        }
    }
}

/// A new key pair: the private key as DER (PKCS#1 for RSA, PKCS#8 otherwise, as ring
/// reads them) and the public key as a JWK with its `kid`.
pub struct NewKeyPair {
    pub kid: String,
    pub private_der: Vec<u8>,
    pub public_jwk: serde_json::Value,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot make or use a signing key: {0}")]
pub struct SigningError(pub String);

fn fail(e: impl std::fmt::Display) -> SigningError {
    SigningError(e.to_string())
}

/// The RFC 7638 thumbprint of a JWK's required members, base64url.
fn thumbprint(required: &serde_json::Value) -> String {
    // serde_json's maps are ordered by key, which is the canonical order RFC 7638 asks.
    B64.encode(Sha256::digest(required.to_string().as_bytes()))
}

fn with_kid(required: serde_json::Value, alg: SigningAlgorithm) -> (String, serde_json::Value) {
    let kid = thumbprint(&required);
    let mut jwk = required;
    jwk["kid"] = kid.clone().into();
    jwk["alg"] = alg.as_str().into();
    jwk["use"] = "sig".into();
    (kid, jwk)
}

/// Makes a key pair; RSA keys are 2048 bits.
pub fn generate(alg: SigningAlgorithm) -> Result<NewKeyPair, SigningError> {
    use ring::signature::KeyPair;
    let rng = ring::rand::SystemRandom::new();
    let (private_der, required) = match alg {
        SigningAlgorithm::RS256 => {
            use rsa::pkcs1::EncodeRsaPrivateKey;
            use rsa::traits::PublicKeyParts;
            let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).map_err(fail)?;
            let der = key.to_pkcs1_der().map_err(fail)?.as_bytes().to_vec();
            let jwk = serde_json::json!({
                "e": B64.encode(key.e().to_bytes_be()),
                "kty": "RSA",
                "n": B64.encode(key.n().to_bytes_be()),
            });
            (der, jwk)
        }
        SigningAlgorithm::ES256 => {
            let curve = &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING;
            let der = ring::signature::EcdsaKeyPair::generate_pkcs8(curve, &rng).map_err(fail)?;
            let pair = ring::signature::EcdsaKeyPair::from_pkcs8(curve, der.as_ref(), &rng)
                .map_err(fail)?;
            // An uncompressed point: 0x04, then x and y, 32 bytes each.
            let point = pair.public_key().as_ref();
            let jwk = serde_json::json!({
                "crv": "P-256",
                "kty": "EC",
                "x": B64.encode(&point[1..33]),
                "y": B64.encode(&point[33..65]),
            });
            (der.as_ref().to_vec(), jwk)
        }
        SigningAlgorithm::EdDSA => {
            let der = ring::signature::Ed25519KeyPair::generate_pkcs8(&rng).map_err(fail)?;
            let pair = ring::signature::Ed25519KeyPair::from_pkcs8(der.as_ref()).map_err(fail)?;
            let jwk = serde_json::json!({
                "crv": "Ed25519",
                "kty": "OKP",
                "x": B64.encode(pair.public_key().as_ref()),
            });
            (der.as_ref().to_vec(), jwk)
        }
    };
    let (kid, public_jwk) = with_kid(required, alg);
    Ok(NewKeyPair {
        kid,
        private_der,
        public_jwk,
    })
}

/// A key ready to sign: read once, used for every token until the next key takes over.
pub struct JwsSigner {
    pub kid: String,
    pub alg: SigningAlgorithm,
    key: EncodingKey,
}

impl JwsSigner {
    pub fn new(kid: String, alg: SigningAlgorithm, private_der: &[u8]) -> Self {
        let key = match alg {
            SigningAlgorithm::RS256 => EncodingKey::from_rsa_der(private_der),
            SigningAlgorithm::ES256 => EncodingKey::from_ec_der(private_der),
            SigningAlgorithm::EdDSA => EncodingKey::from_ed_der(private_der),
        };
        Self { kid, alg, key }
    }

    /// The compact JWS of `claims` with `typ` in the header.
    pub fn sign<T: Serialize>(&self, typ: &str, claims: &T) -> Result<String, SigningError> {
        let mut header = Header::new(self.alg.jws());
        header.kid = Some(self.kid.clone());
        header.typ = Some(typ.to_owned());
        jsonwebtoken::encode(&header, claims, &self.key).map_err(fail)
    }
}

/// OpenID Connect's `at_hash`: the left half of the access token's SHA-256, base64url
/// (for RS256 and ES256; EdDSA uses the same here, as common libraries expect).
pub fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    B64.encode(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_signs_what_its_published_key_verifies() {
        for alg in [
            SigningAlgorithm::ES256,
            SigningAlgorithm::EdDSA,
            SigningAlgorithm::RS256,
        ] {
            let pair = generate(alg).unwrap();
            assert_eq!(pair.public_jwk["kid"], pair.kid.as_str());
            assert!(
                pair.public_jwk.get("d").is_none(),
                "no private part published"
            );
            let signer = JwsSigner::new(pair.kid.clone(), alg, &pair.private_der);
            let jws = signer
                .sign("JWT", &serde_json::json!({"sub": "x"}))
                .unwrap();
            let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(pair.public_jwk).unwrap();
            let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
            let mut rules = jsonwebtoken::Validation::new(alg.jws());
            rules.required_spec_claims.clear();
            rules.validate_exp = false;
            let seen = jsonwebtoken::decode::<serde_json::Value>(&jws, &key, &rules).unwrap();
            assert_eq!(seen.claims["sub"], "x");
            assert_eq!(seen.header.kid.as_deref(), Some(pair.kid.as_str()));
        }
    }

    #[test]
    fn the_kid_is_the_rfc_7638_thumbprint() {
        // RFC 7638 §3.1's example key and its thumbprint.
        let required = serde_json::json!({
            "e": "AQAB",
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        });
        assert_eq!(
            thumbprint(&required),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }
}
