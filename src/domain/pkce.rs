//! Proof Key for Code Exchange (RFC 7636): the syntax of verifiers and challenges, and
//! which methods an application may use. The hash comparison is `crypto::pkce`.

use super::ValidationError;

/// How a code challenge was derived from its verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeMethod {
    /// BASE64URL(SHA-256(verifier)): the only method accepted unless an application
    /// opts in to `plain` (RFC 9700 §2.1.1).
    S256,
    /// The verifier itself, for clients that cannot hash; a challenge seen in transit
    /// is then the verifier.
    Plain,
}

impl ChallengeMethod {
    /// RFC 7636 §4.3: an absent method means `plain`.
    pub fn parse(raw: Option<&str>) -> Result<Self, ValidationError> {
        match raw {
            Some("S256") => Ok(Self::S256),
            Some("plain") | None => Ok(Self::Plain),
            Some(_) => Err(ValidationError::new(
                "code_challenge_method",
                "must be S256 or plain",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::S256 => "S256",
            Self::Plain => "plain",
        }
    }
}

/// RFC 7636 §4.1: 43 to 128 characters of `A-Z a-z 0-9 - . _ ~`.
fn well_formed(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

pub fn check_verifier(verifier: &str) -> Result<(), ValidationError> {
    if well_formed(verifier) {
        Ok(())
    } else {
        Err(ValidationError::new(
            "code_verifier",
            "must be 43 to 128 characters of letters, digits, `-`, `.`, `_` and `~`",
        ))
    }
}

/// An S256 challenge is the 43 characters of an unpadded base64url SHA-256; a plain one
/// has a verifier's syntax.
pub fn check_challenge(challenge: &str, method: ChallengeMethod) -> Result<(), ValidationError> {
    let ok = match method {
        ChallengeMethod::S256 => {
            challenge.len() == 43
                && challenge
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        }
        ChallengeMethod::Plain => well_formed(challenge),
    };
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            "code_challenge",
            match method {
                ChallengeMethod::S256 => {
                    "must be the 43-character base64url SHA-256 of the verifier"
                }
                ChallengeMethod::Plain => "must be 43 to 128 characters, as a verifier is",
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_method_is_plain_and_unknown_ones_are_refused() {
        assert_eq!(
            ChallengeMethod::parse(None).unwrap(),
            ChallengeMethod::Plain
        );
        assert_eq!(
            ChallengeMethod::parse(Some("S256")).unwrap(),
            ChallengeMethod::S256
        );
        assert!(
            ChallengeMethod::parse(Some("s256")).is_err(),
            "case matters"
        );
        assert!(ChallengeMethod::parse(Some("S512")).is_err());
    }

    #[test]
    fn verifiers_and_challenges_have_rfc_7636_syntax() {
        // RFC 7636 Appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(check_verifier(verifier).is_ok());
        assert!(check_challenge(challenge, ChallengeMethod::S256).is_ok());
        assert!(check_verifier(&"a".repeat(42)).is_err());
        assert!(check_verifier(&"a".repeat(129)).is_err());
        assert!(check_verifier(&format!("{}+", "a".repeat(42))).is_err());
        assert!(check_challenge(&"a".repeat(44), ChallengeMethod::S256).is_err());
        assert!(check_challenge(
            "tilde~not~in~base64url~aaaaaaaaaaaaaaaaaaaa",
            ChallengeMethod::S256
        )
        .is_err());
        assert!(check_challenge(&"a".repeat(100), ChallengeMethod::Plain).is_ok());
    }
}
