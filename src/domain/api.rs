//! What an API on the gateway is made of: its context, resource path templates, HTTP
//! methods, and the role names that restrict scopes.

use super::{ScopeName, ValidationError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Paths the gateway serves itself; no API context may start with one.
const RESERVED: [&str; 8] = [
    "/token",
    "/revoke",
    "/introspect",
    "/oauth2",
    "/health",
    "/ready",
    "/.well-known",
    "/api",
];

fn valid_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
}

/// An API's base path, such as `/pizzashack/1.0.0`: one or more segments of letters,
/// digits and `- . _ ~`, no trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiContext(String);

impl ApiContext {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let fail = |m: &str| Err(ValidationError::new("context", m));
        let Some(rest) = raw.strip_prefix('/') else {
            return fail("must start with /");
        };
        if raw.len() > 200 || !rest.split('/').all(valid_segment) {
            return fail("must be /segments of letters, digits and - . _ ~ (no trailing slash)");
        }
        let first = format!("/{}", rest.split('/').next().unwrap_or_default());
        if RESERVED.contains(&first.as_str()) {
            return fail("starts with a path the gateway serves itself");
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The methods a resource can name.
pub const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

pub fn parse_method(raw: &str) -> Result<&'static str, ValidationError> {
    let upper = raw.trim().to_ascii_uppercase();
    METHODS.into_iter().find(|m| *m == upper).ok_or_else(|| {
        ValidationError::new("method", format!("must be one of {}", METHODS.join(", ")))
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param,
    /// `*` as the last segment: whatever follows, including nothing.
    Rest,
}

/// How well a path matches a template, compared as a whole: literal segments, then
/// segments, then not ending in `*`, then literals of the same case.
pub type Specificity = (usize, usize, bool, usize);

/// A resource path such as `/order/{orderId}` or `/menu/*`, relative to the API context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    raw: String,
    segments: Vec<Segment>,
}

impl PathTemplate {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let fail = || {
            Err(ValidationError::new(
                "path",
                "must be / or /segments, each a name, a {parameter}, or a final *",
            ))
        };
        let Some(rest) = raw.strip_prefix('/') else {
            return fail();
        };
        let mut segments = Vec::new();
        let parts: Vec<&str> = if rest.is_empty() {
            vec![]
        } else {
            rest.split('/').collect()
        };
        for (i, part) in parts.iter().enumerate() {
            let param = part
                .strip_prefix('{')
                .and_then(|p| p.strip_suffix('}'))
                .is_some_and(|name| {
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                });
            segments.push(match *part {
                "*" if i + 1 == parts.len() => Segment::Rest,
                _ if param => Segment::Param,
                p if valid_segment(p) => Segment::Literal(p.to_owned()),
                _ => return fail(),
            });
        }
        if raw.len() > 300 {
            return fail();
        }
        Ok(Self {
            raw: raw.to_owned(),
            segments,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// How specifically `path` (relative to the context, starting with `/` or empty, in
    /// the gateway's normal form) matches: more literal segments first, then more
    /// segments, a final `*` last, then more literals of the same case.
    ///
    /// Literal segments match regardless of ASCII case, and a trailing `/` is ignored:
    /// a lenient backend that serves `/Admin/` as `/admin` must not let a request dodge
    /// the scopes of `/admin` through a wider resource such as `/*`.
    pub fn specificity(&self, path: &str) -> Option<Specificity> {
        let path = path.strip_prefix('/').unwrap_or(path);
        let path = path.strip_suffix('/').unwrap_or(path);
        // Segments are walked, not collected: this runs for every proxied call.
        let mut parts = path.split('/').filter(|_| !path.is_empty());
        let (mut literals, mut exact) = (0, 0);
        for (i, seg) in self.segments.iter().enumerate() {
            let part = match seg {
                Segment::Rest => return Some((literals, i, false, exact)),
                _ => parts.next(),
            };
            match (seg, part) {
                (Segment::Literal(l), Some(p)) if p.eq_ignore_ascii_case(l) => {
                    literals += 1;
                    exact += usize::from(p == l);
                }
                (Segment::Param, Some(p)) if !p.is_empty() => {}
                _ => return None,
            }
        }
        parts
            .next()
            .is_none()
            .then_some((literals, self.segments.len(), true, exact))
    }
}

/// Role names, written comma- or space-separated; each follows the scope-name rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleSet(BTreeSet<String>);

impl RoleSet {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let mut roles = BTreeSet::new();
        for r in raw.split([',', ' ']).filter(|r| !r.is_empty()) {
            let name = ScopeName::parse(r).map_err(|_| {
                ValidationError::new(
                    "roles",
                    format!("`{}` is not a valid role name", r.escape_default()),
                )
            })?;
            roles.insert(name.as_str().to_owned());
        }
        Ok(Self(roles))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn intersects(&self, other: &RoleSet) -> bool {
        self.0.iter().any(|r| other.0.contains(r))
    }

    pub fn contains(&self, role: &str) -> bool {
        self.0.contains(role)
    }

    /// The roles a user holds: those given to them, and [`ADMIN_ROLE`] while they are an
    /// administrator (it follows the flag; it cannot be given as a role).
    pub fn held(assigned: &str, is_admin: bool) -> Self {
        let mut roles = Self::parse(assigned).unwrap_or_default();
        if is_admin {
            roles.0.insert(ADMIN_ROLE.to_owned());
        }
        roles
    }
}

/// The role administrators hold by their flag, which restricts the admin scopes.
pub const ADMIN_ROLE: &str = "admin";

/// The longest API description, in characters: room for the CommonMark introduction an
/// OpenAPI document usually carries.
pub const DESCRIPTION_MAX: usize = 4096;

impl std::fmt::Display for RoleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.0.iter().map(String::as_str).collect();
        f.write_str(&names.join(" "))
    }
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
