use super::ValidationError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// The scope every token carries when no other is asked for, as in WSO2.
pub const DEFAULT_SCOPE: &str = "default";

/// One scope token (RFC 6749 §3.3: printable ASCII except space, `"` and `\`).
/// Portico narrows it to 1–100 characters of letters, digits and `_ - . : /`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ScopeName(String);

impl ScopeName {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let ok_char = |c: char| c.is_ascii_alphanumeric() || "_-.:/".contains(c);
        if raw.is_empty() || raw.len() > 100 || !raw.chars().all(ok_char) {
            return Err(ValidationError::new(
                "scope",
                format!(
                    "`{}` is not a valid scope name (1-100 letters, digits or _ - . : /)",
                    raw.escape_default()
                ),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn default_scope() -> Self {
        Self(DEFAULT_SCOPE.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ScopeName {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ScopeName> for String {
    fn from(value: ScopeName) -> Self {
        value.0
    }
}

impl fmt::Display for ScopeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A set of scopes, written space-separated as in the `scope` parameter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ScopeSet(BTreeSet<ScopeName>);

impl ScopeSet {
    /// Parses a `scope` parameter. Repeated spaces are tolerated; an empty value is an
    /// empty set (the caller decides what "no scope" means).
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        raw.split(' ')
            .filter(|s| !s.is_empty())
            .map(ScopeName::parse)
            .collect::<Result<BTreeSet<_>, _>>()
            .map(Self)
    }

    pub fn only_default() -> Self {
        Self(BTreeSet::from([ScopeName::default_scope()]))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s.as_str() == scope)
    }

    pub fn is_subset(&self, other: &ScopeSet) -> bool {
        self.0.is_subset(&other.0)
    }

    /// Every scope of either set.
    pub fn union(&self, other: &ScopeSet) -> ScopeSet {
        Self(self.0.union(&other.0).cloned().collect())
    }

    pub fn iter(&self) -> impl Iterator<Item = &ScopeName> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl FromIterator<ScopeName> for ScopeSet {
    fn from_iter<T: IntoIterator<Item = ScopeName>>(iter: T) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(ScopeName::as_str).collect();
        f.write_str(&names.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_parameters_parse_to_sorted_sets() {
        let s = ScopeSet::parse("write  read read").unwrap();
        assert_eq!(s.to_string(), "read write");
        assert!(ScopeSet::parse("").unwrap().is_empty());
    }

    #[test]
    fn scope_names_with_forbidden_characters_are_rejected() {
        assert!(ScopeSet::parse("read \"x\"").is_err());
        assert!(ScopeName::parse("a\\b").is_err());
    }

    #[test]
    fn subsets_are_detected() {
        let all = ScopeSet::parse("read write").unwrap();
        assert!(ScopeSet::parse("read").unwrap().is_subset(&all));
        assert!(!ScopeSet::parse("admin").unwrap().is_subset(&all));
    }
}
