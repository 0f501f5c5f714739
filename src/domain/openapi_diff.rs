//! What re-importing a document would change in an API's resources, shown to the admin
//! before anything is applied.

use super::openapi::ResourceSpec;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// A field of the API itself: name, version or description.
    Field {
        field: String,
        from: String,
        to: String,
    },
    Added {
        method: String,
        path: String,
        scopes: Vec<String>,
    },
    Removed {
        method: String,
        path: String,
    },
    Scopes {
        method: String,
        path: String,
        from: Vec<String>,
        to: Vec<String>,
    },
    /// Summary or parameters changed; routing and access stay as they were.
    Described {
        method: String,
        path: String,
    },
}

impl Change {
    /// One line for people: `+ GET /pets (read:pets)`.
    pub fn line(&self) -> String {
        let list = |s: &[String]| {
            if s.is_empty() {
                "any token".to_owned()
            } else {
                s.join(", ")
            }
        };
        match self {
            Change::Field { field, from, to } => format!("~ {field}: “{from}” → “{to}”"),
            Change::Added {
                method,
                path,
                scopes,
            } => format!("+ {method} {path} ({})", list(scopes)),
            Change::Removed { method, path } => format!("- {method} {path}"),
            Change::Scopes {
                method,
                path,
                from,
                to,
            } => format!("~ {method} {path}: {} → {}", list(from), list(to)),
            Change::Described { method, path } => {
                format!("~ {method} {path}: summary or parameters")
            }
        }
    }
}

/// The changes that turn `current` into `next`, removals and changes in path order, then
/// additions.
pub fn diff(current: &[ResourceSpec], next: &[ResourceSpec]) -> Vec<Change> {
    let key = |r: &ResourceSpec| (r.method.clone(), r.path.clone());
    let mut out = Vec::new();
    for old in current {
        match next.iter().find(|n| key(n) == key(old)) {
            None => out.push(Change::Removed {
                method: old.method.clone(),
                path: old.path.clone(),
            }),
            Some(new) if new.scopes != old.scopes => out.push(Change::Scopes {
                method: old.method.clone(),
                path: old.path.clone(),
                from: old.scopes.clone(),
                to: new.scopes.clone(),
            }),
            Some(new) if new.summary != old.summary || new.parameters != old.parameters => out
                .push(Change::Described {
                    method: old.method.clone(),
                    path: old.path.clone(),
                }),
            Some(_) => {}
        }
    }
    for new in next {
        if !current.iter().any(|c| key(c) == key(new)) {
            out.push(Change::Added {
                method: new.method.clone(),
                path: new.path.clone(),
                scopes: new.scopes.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(method: &str, path: &str, scopes: &[&str]) -> ResourceSpec {
        ResourceSpec {
            method: method.into(),
            path: path.into(),
            summary: String::new(),
            parameters: Vec::new(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn additions_removals_and_scope_changes_are_told_apart() {
        let current = [
            res("GET", "/pets", &["read"]),
            res("DELETE", "/pets/{id}", &["write"]),
            res("GET", "/stores", &[]),
        ];
        let mut described = res("GET", "/stores", &[]);
        described.summary = "All stores".into();
        let next = [
            res("GET", "/pets", &["read", "admin"]),
            described,
            res("POST", "/pets", &["write"]),
        ];
        let lines: Vec<String> = diff(&current, &next).iter().map(Change::line).collect();
        assert_eq!(
            lines,
            [
                "~ GET /pets: read → read, admin",
                "- DELETE /pets/{id}",
                "~ GET /stores: summary or parameters",
                "+ POST /pets (write)",
            ]
        );
    }

    #[test]
    fn the_same_resources_change_nothing() {
        let same = [res("GET", "/a", &["x"]), res("PUT", "/a", &[])];
        assert!(diff(&same, &same).is_empty());
    }
}
