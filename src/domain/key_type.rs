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
}
