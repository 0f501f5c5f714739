use super::ValidationError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A user's login name.
///
/// Rules: 3 to 64 characters; ASCII letters, digits and `.` `_` `-` `@`; starting with a
/// letter or digit. Names are case-insensitive and kept in lower case, so `Alice` and
/// `alice` are one account (no look-alike accounts differing only by case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    pub const MIN: usize = 3;
    pub const MAX: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let err = |m: &str| ValidationError::new("username", m);
        let name = raw.trim();
        if name.len() < Self::MIN || name.len() > Self::MAX {
            return Err(err("must be 3 to 64 characters long"));
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@'))
        {
            return Err(err(
                "may contain only letters, digits and the characters . _ - @",
            ));
        }
        if !name.as_bytes()[0].is_ascii_alphanumeric() {
            return Err(err("must start with a letter or a digit"));
        }
        Ok(Self(name.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Username> for String {
    fn from(value: Username) -> Self {
        value.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_case_insensitive_and_trimmed() {
        assert_eq!(Username::parse(" Alice ").unwrap().as_str(), "alice");
    }

    #[test]
    fn email_style_usernames_are_allowed() {
        assert!(Username::parse("dev.one@example.com").is_ok());
    }

    #[test]
    fn usernames_outside_the_rules_are_rejected() {
        for bad in [
            "ab",
            "",
            "-lead",
            "sp ace",
            "semi;colon",
            &"x".repeat(65),
            "ümlaut",
        ] {
            assert!(Username::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
