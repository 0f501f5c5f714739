//! What the API detail page, Try It and the OpenAPI import preview show.

use super::{ApiView, ScopeView};
use serde::{Deserialize, Serialize};

/// A parameter of a resource, from its OpenAPI document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamView {
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    pub required: bool,
    pub description: String,
    /// The description rendered from CommonMark into safe HTML (on the server).
    pub description_html: String,
}

/// One published API as its detail page shows it to a developer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiPage {
    pub api: ApiView,
    /// The scopes its resources name, with their descriptions.
    pub scopes: Vec<ScopeView>,
    pub https_url: String,
    /// The plain-HTTP listener's address, when it is on and not behind a public URL.
    pub http_url: Option<String>,
    /// `(id, name)` of the visitor's applications not yet subscribed.
    pub open_apps: Vec<(String, String)>,
    /// `(id, name)` of those already subscribed: the ones Try It can use.
    pub subscribed_apps: Vec<(String, String)>,
    /// The last Try It call from this browser on this page, shown once.
    pub tried: Option<TryResult>,
}

/// A Try It call's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TryResult {
    pub resource_id: String,
    /// `GET http://…/pets/1`.
    pub request: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub truncated: bool,
    /// The token Portico got for the call, when the developer did not paste one.
    pub issued_token: Option<String>,
}

/// What applying an uploaded OpenAPI document would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub draft_id: String,
    /// `(id, name and version, revision)` of the API updated; `None` creates one.
    pub target: Option<(String, String, i64)>,
    pub changes: Vec<String>,
    pub new_scopes: Vec<(String, String)>,
    pub warnings: Vec<String>,
    pub problems: Vec<String>,
}

#[cfg(feature = "ssr")]
impl From<crate::domain::openapi::Param> for ParamView {
    fn from(p: crate::domain::openapi::Param) -> Self {
        ParamView {
            description_html: crate::service::markdown::to_html(&p.description),
            name: p.name,
            location: p.location,
            required: p.required,
            description: p.description,
        }
    }
}
