//! Reading an OpenAPI 3.0 or 3.1 document into what Portico keeps of an API: its name,
//! version and description, and per operation a resource with its summary, parameters
//! and the scopes its OAuth2 security requirements name.
//!
//! Every problem in the document is collected, not just the first, so an admin can fix
//! them in one go; a document with any problem is never applied. What Portico reads
//! differently from the document (a gateway that wants any one of the listed scopes where
//! OpenAPI wants all of them, for instance) is a warning shown before applying.

use super::api::{parse_method, PathTemplate};
pub use super::openapi_parts::placeholder;
use super::openapi_parts::{declared_scopes, template, text};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// More operations than this in one API is refused rather than half-shown.
pub const MAX_OPERATIONS: usize = 500;
/// Longer descriptions are cut to this many characters (with a warning).
pub const MAX_DESCRIPTION: usize = super::api::DESCRIPTION_MAX;
const METHOD_KEYS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param {
    pub name: String,
    /// `path`, `query` or `header`.
    #[serde(rename = "in")]
    pub location: String,
    pub required: bool,
    #[serde(default)]
    pub description: String,
}

/// One operation as a gateway resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSpec {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub parameters: Vec<Param>,
    /// Sorted; any one lets a token through. Empty: any valid token.
    pub scopes: Vec<String>,
}

/// What a document says about the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiSpec {
    pub title: String,
    pub version: String,
    pub description: String,
    /// The first server's URL when it is an absolute http(s) URL: a backend suggestion.
    pub server_url: Option<String>,
    pub resources: Vec<ResourceSpec>,
    /// Scopes the OAuth2 schemes declare, with their descriptions, sorted by name.
    pub declared_scopes: Vec<(String, String)>,
    pub warnings: Vec<String>,
}

/// Reads `doc`; `Err` holds every problem found.
pub fn read(doc: &Value) -> Result<ApiSpec, Vec<String>> {
    let mut r = Reader {
        doc,
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    let spec = r.spec();
    if r.problems.is_empty() {
        Ok(ApiSpec {
            warnings: r.warnings,
            ..spec
        })
    } else {
        Err(r.problems)
    }
}

pub(super) struct Reader<'a> {
    pub(super) doc: &'a Value,
    pub(super) problems: Vec<String>,
    pub(super) warnings: Vec<String>,
}

impl Reader<'_> {
    pub(super) fn problem(&mut self, at: &str, what: impl std::fmt::Display) {
        self.problems.push(format!("{at}: {what}"));
    }

    fn spec(&mut self) -> ApiSpec {
        let doc = self.doc;
        match (
            doc.get("openapi").and_then(Value::as_str),
            doc.get("swagger"),
        ) {
            (Some(v), _) if v.starts_with("3.0.") || v.starts_with("3.1.") => {}
            (_, Some(_)) => self.problem(
                "swagger",
                "Swagger 2.0 documents are not supported; convert it to OpenAPI 3 first",
            ),
            (Some(v), _) => self.problem("openapi", format!("version {v} is not 3.0 or 3.1")),
            (None, _) => self.problem("openapi", "missing: this is not an OpenAPI document"),
        }
        let info = doc.get("info");
        let (title, version) = (
            text(info.and_then(|i| i.get("title"))),
            text(info.and_then(|i| i.get("version"))),
        );
        if title.is_empty() {
            self.problem("info.title", "missing");
        }
        if version.is_empty() {
            self.problem("info.version", "missing");
        }
        let mut description = text(info.and_then(|i| i.get("description")));
        if description.chars().count() > MAX_DESCRIPTION {
            description = cut(&description);
            self.warnings.push(format!(
                "info.description: cut to {MAX_DESCRIPTION} characters"
            ));
        }
        let server_url = doc
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            .filter(|u| !u.contains('{'))
            .map(|u| u.trim_end_matches('/').to_owned());
        let schemes = doc
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object);
        let declared_scopes = declared_scopes(schemes);
        let resources = self.resources(schemes);
        ApiSpec {
            title,
            version,
            description,
            server_url,
            resources,
            declared_scopes,
            warnings: Vec::new(),
        }
    }

    fn resources(&mut self, schemes: Option<&Map<String, Value>>) -> Vec<ResourceSpec> {
        let Some(paths) = self.doc.get("paths").and_then(Value::as_object) else {
            self.problem("paths", "missing: the document describes no operations");
            return Vec::new();
        };
        let global = self.doc.get("security");
        let mut out: Vec<ResourceSpec> = Vec::new();
        for (raw_path, item) in paths {
            let at_path = format!("paths.{raw_path}");
            let Some(item) = item.as_object() else {
                self.problem(&at_path, "must be an object");
                continue;
            };
            if item.contains_key("$ref") {
                self.problem(&at_path, "path items given by $ref are not supported");
                continue;
            }
            let path = template(raw_path);
            if let Err(e) = PathTemplate::parse(&path) {
                self.problem(
                    &at_path,
                    format!("the gateway cannot route it: the path {}", e.message),
                );
                continue;
            }
            let shared = self.params(item.get("parameters"), &at_path);
            for key in METHOD_KEYS {
                let Some(op) = item.get(key) else { continue };
                let at = format!("{at_path}.{key}");
                let Ok(method) = parse_method(key) else {
                    self.problem(&at, "the gateway does not route this method");
                    continue;
                };
                let mut parameters = shared.clone();
                for p in self.params(op.get("parameters"), &at) {
                    parameters.retain(|q| (&q.name, &q.location) != (&p.name, &p.location));
                    parameters.push(p);
                }
                let security = op.get("security").or(global);
                let scopes = self.scopes(security, schemes, &at);
                let summary = match text(op.get("summary")) {
                    s if s.is_empty() => text(op.get("operationId")),
                    s => s,
                };
                if out.iter().any(|r| r.method == method && r.path == path) {
                    self.problem(&at, format!("{method} {path} appears twice once path parameter names are normalised"));
                    continue;
                }
                out.push(ResourceSpec {
                    method: method.to_owned(),
                    path: path.clone(),
                    summary: summary.chars().take(200).collect(),
                    parameters,
                    scopes,
                });
            }
        }
        if out.is_empty() && self.problems.is_empty() {
            self.problem("paths", "the document describes no operations");
        }
        if out.len() > MAX_OPERATIONS {
            self.problem(
                "paths",
                format!(
                    "{} operations; at most {MAX_OPERATIONS} are supported",
                    out.len()
                ),
            );
        }
        out.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
        out
    }
}

/// `text` cut below [`MAX_DESCRIPTION`] at its last line break (so no CommonMark link or
/// list item is left half written), or at the limit when no line breaks it late enough.
fn cut(text: &str) -> String {
    let head: String = text.chars().take(MAX_DESCRIPTION - 2).collect();
    let at = match head.rfind('\n') {
        Some(i) if i >= head.len() / 2 => i,
        _ => head.len(),
    };
    format!("{}\n…", head[..at].trim_end())
}
