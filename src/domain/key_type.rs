use super::ValidationError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which of an application's two key pairs, as on WSO2's Production and Sandbox tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyType {
    Production,
    Sandbox,
}

impl KeyType {
    pub const ALL: [KeyType; 2] = [KeyType::Production, KeyType::Sandbox];

    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Production => "production",
            KeyType::Sandbox => "sandbox",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "production" => Ok(KeyType::Production),
            "sandbox" => Ok(KeyType::Sandbox),
            _ => Err(ValidationError::new(
                "type",
                "must be `production` or `sandbox`",
            )),
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an application's access tokens are: opaque references the key manager looks up
/// (as before), or self-contained signed JWTs (RFC 9068) a gateway checks by signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    #[default]
    Opaque,
    Jwt,
}

impl TokenType {
    pub const ALL: [TokenType; 2] = [TokenType::Opaque, TokenType::Jwt];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenType::Opaque => "opaque",
            TokenType::Jwt => "jwt",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "opaque" => Ok(TokenType::Opaque),
            "jwt" => Ok(TokenType::Jwt),
            _ => Err(ValidationError::new(
                "token_type",
                "must be `opaque` or `jwt`",
            )),
        }
    }

    /// What the portal shows.
    pub fn label(self) -> &'static str {
        match self {
            TokenType::Opaque => "Opaque",
            TokenType::Jwt => "JWT",
        }
    }
}

impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_types_round_trip_through_text() {
        for t in KeyType::ALL {
            assert_eq!(KeyType::parse(t.as_str()).unwrap(), t);
        }
        assert!(KeyType::parse("staging").is_err());
    }

    #[test]
    fn token_types_round_trip_through_text_and_default_to_opaque() {
        for t in TokenType::ALL {
            assert_eq!(TokenType::parse(t.as_str()).unwrap(), t);
        }
        assert_eq!(TokenType::parse(" JWT ").unwrap(), TokenType::Jwt);
        assert_eq!(TokenType::default(), TokenType::Opaque);
        let e = TokenType::parse("paseto").unwrap_err();
        assert_eq!(e.field, "token_type");
    }
}
