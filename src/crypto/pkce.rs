//! RFC 7636 §4.6: whether a code verifier answers the challenge the code was bound to,
//! compared in constant time.

use crate::domain::pkce::ChallengeMethod;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The S256 challenge of `verifier`.
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub fn verifier_matches(verifier: &str, challenge: &str, method: ChallengeMethod) -> bool {
    let derived = match method {
        ChallengeMethod::S256 => s256_challenge(verifier),
        ChallengeMethod::Plain => verifier.to_owned(),
    };
    derived.as_bytes().ct_eq(challenge.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7636_example_verifies_and_nothing_else_does() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert_eq!(s256_challenge(verifier), challenge);
        assert!(verifier_matches(verifier, challenge, ChallengeMethod::S256));
        assert!(!verifier_matches(
            challenge,
            challenge,
            ChallengeMethod::S256
        ));
        assert!(!verifier_matches(
            verifier,
            challenge,
            ChallengeMethod::Plain
        ));
        assert!(verifier_matches(verifier, verifier, ChallengeMethod::Plain));
    }
}
