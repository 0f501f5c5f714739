//! The parts of an OpenAPI document the reader takes one at a time: parameters (with
//! local `$ref`s), security requirements and the scopes they name, and path templates.

use super::openapi::{Param, Reader};
use super::ScopeName;
use serde_json::{Map, Value};

pub(super) fn text(v: Option<&Value>) -> String {
    v.and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

impl Reader<'_> {
    pub(super) fn params(&mut self, list: Option<&Value>, at: &str) -> Vec<Param> {
        let Some(list) = list else { return Vec::new() };
        let Some(list) = list.as_array() else {
            self.problem(&format!("{at}.parameters"), "must be a list");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, p) in list.iter().enumerate() {
            let at = format!("{at}.parameters[{i}]");
            let p = match p.get("$ref").and_then(Value::as_str) {
                Some(r) => match r
                    .strip_prefix("#/components/parameters/")
                    .and_then(|n| self.doc.pointer(&format!("/components/parameters/{n}")))
                {
                    Some(found) => found,
                    None => {
                        self.problem(&at, format!("$ref {r} does not name one of this document's components.parameters"));
                        continue;
                    }
                },
                None => p,
            };
            let (name, location) = (text(p.get("name")), text(p.get("in")));
            if name.is_empty() {
                self.problem(&at, "has no name");
                continue;
            }
            match location.as_str() {
                "path" | "query" | "header" => {}
                "cookie" => {
                    self.warnings.push(format!(
                        "{at}: cookie parameter {name} is not shown in Try It"
                    ));
                    continue;
                }
                other => {
                    self.problem(
                        &at,
                        format!("`in` must be path, query, header or cookie, not `{other}`"),
                    );
                    continue;
                }
            }
            let name = if location == "path" {
                placeholder(&name)
            } else {
                name
            };
            out.push(Param {
                required: location == "path"
                    || p.get("required").and_then(Value::as_bool).unwrap_or(false),
                description: text(p.get("description")).chars().take(300).collect(),
                name,
                location,
            });
        }
        out
    }

    /// The scopes of the OAuth2 (or OpenID Connect) requirements: any one of them.
    pub(super) fn scopes(
        &mut self,
        security: Option<&Value>,
        schemes: Option<&Map<String, Value>>,
        at: &str,
    ) -> Vec<String> {
        let Some(requirements) = security.and_then(Value::as_array) else {
            return Vec::new();
        };
        let mut scopes: Vec<String> = Vec::new();
        for requirement in requirements {
            let Some(requirement) = requirement.as_object() else {
                self.problem(
                    &format!("{at}.security"),
                    "each requirement must be an object",
                );
                continue;
            };
            for (scheme, listed) in requirement {
                let kind = schemes
                    .and_then(|s| s.get(scheme))
                    .and_then(|s| s.get("type"))
                    .and_then(Value::as_str);
                match kind {
                    None => self.problem(
                        &format!("{at}.security"),
                        format!("names the undeclared security scheme {scheme}"),
                    ),
                    Some("oauth2" | "openIdConnect") => {
                        let names: Vec<&str> = listed
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .collect();
                        if names.len() > 1 {
                            self.warnings.push(format!(
                                "{at}: OpenAPI asks for all of {}; Portico's gateway lets a token with any one of them through",
                                names.join(", ")
                            ));
                        }
                        for name in names {
                            match ScopeName::parse(name) {
                                Ok(_) if !scopes.iter().any(|s| s == name) => {
                                    scopes.push(name.to_owned())
                                }
                                Ok(_) => {}
                                Err(e) => self.problem(&format!("{at}.security"), e.message),
                            }
                        }
                    }
                    Some(_) => {}
                }
            }
        }
        scopes.sort();
        scopes
    }
}

/// Scopes the document's OAuth2 flows declare, with their descriptions.
pub(super) fn declared_scopes(schemes: Option<&Map<String, Value>>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = schemes
        .into_iter()
        .flat_map(|s| s.values())
        .filter(|s| s.get("type").and_then(Value::as_str) == Some("oauth2"))
        .filter_map(|s| s.get("flows").and_then(Value::as_object))
        .flat_map(|flows| flows.values())
        .filter_map(|f| f.get("scopes").and_then(Value::as_object))
        .flat_map(|m| m.iter().map(|(k, v)| (k.clone(), text(Some(v)))))
        .filter(|(k, _)| ScopeName::parse(k).is_ok())
        .collect();
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// A path parameter's name as the gateway's templates spell it (letters, digits and `_`).
pub fn placeholder(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The document's path as a gateway template: `{pet-id}` becomes `{pet_id}`.
pub(super) fn template(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push('{');
                out.push_str(&placeholder(&rest[open + 1..open + close]));
                out.push('}');
                rest = &rest[open + close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
