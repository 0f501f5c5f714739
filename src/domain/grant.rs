use super::ValidationError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The OAuth 2.0 grants Portico issues tokens for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    Password,
    RefreshToken,
    ClientCredentials,
    AuthorizationCode,
}

impl GrantType {
    pub const ALL: [GrantType; 4] = [
        GrantType::Password,
        GrantType::RefreshToken,
        GrantType::ClientCredentials,
        GrantType::AuthorizationCode,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GrantType::Password => "password",
            GrantType::RefreshToken => "refresh_token",
            GrantType::ClientCredentials => "client_credentials",
            GrantType::AuthorizationCode => "authorization_code",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == raw)
    }
}

impl fmt::Display for GrantType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The grants a consumer key may use, kept sorted and without repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantTypes(Vec<GrantType>);

impl GrantTypes {
    pub fn new(mut grants: Vec<GrantType>) -> Result<Self, ValidationError> {
        grants.sort();
        grants.dedup();
        if grants.is_empty() {
            return Err(ValidationError::new(
                "grant_types",
                "choose at least one grant type",
            ));
        }
        Ok(Self(grants))
    }

    /// Parses a comma-separated list such as `password,refresh_token`.
    pub fn parse_list(raw: &str) -> Result<Self, ValidationError> {
        let grants = raw
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                GrantType::parse(s).ok_or_else(|| {
                    ValidationError::new(
                        "grant_types",
                        format!(
                            "unknown grant type `{s}` (use password, refresh_token, client_credentials, authorization_code)"
                        ),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(grants)
    }

    pub fn all() -> Self {
        Self(GrantType::ALL.to_vec())
    }

    pub fn allows(&self, grant: GrantType) -> bool {
        self.0.contains(&grant)
    }

    pub fn iter(&self) -> impl Iterator<Item = GrantType> + '_ {
        self.0.iter().copied()
    }

    pub fn to_list(&self) -> String {
        self.0
            .iter()
            .map(|g| g.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_lists_are_normalised() {
        let g = GrantTypes::parse_list("refresh_token, password,password").unwrap();
        assert_eq!(g.to_list(), "password,refresh_token");
        assert!(g.allows(GrantType::Password));
        assert!(!g.allows(GrantType::ClientCredentials));
    }

    #[test]
    fn unknown_or_empty_grant_lists_are_rejected() {
        assert!(GrantTypes::parse_list("implicit").is_err());
        assert!(GrantTypes::parse_list(" , ").is_err());
    }
}
