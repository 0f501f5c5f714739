//! Creating or updating an API from an OpenAPI 3.0/3.1 document (JSON or YAML). A plan
//! says what would change and what is wrong; applying re-reads the document and writes
//! everything in one transaction, or nothing when there is any problem. The portal keeps
//! the uploaded document as a draft between the preview and the apply.

use super::apis::clash;
use super::error::not_found;
use super::{ApiInput, ServiceError, Services};
use crate::domain::openapi::{self, Param, ResourceSpec};
use crate::domain::openapi_diff::{diff, Change};
use crate::domain::ValidationError;
use crate::store::{ApiRow, ResourceRow, ScopeRow, StoreError};

/// Larger documents are refused before they are parsed.
pub const MAX_DOCUMENT_BYTES: usize = 2 * 1024 * 1024;

/// A document and where it goes. Empty `context` or `backend_url` keep the API's own
/// (when updating); a new API takes its backend from the document's first server.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    pub api_id: Option<String>,
    pub context: String,
    pub backend_url: String,
    pub document: String,
}

/// What applying the document would do.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// The API updated; `None` creates one.
    pub target: Option<ApiRow>,
    pub changes: Vec<Change>,
    /// Scopes the resources name that do not exist yet, with their descriptions.
    pub new_scopes: Vec<(String, String)>,
    pub warnings: Vec<String>,
    /// Any of these and nothing is applied.
    pub problems: Vec<String>,
    input: Option<ApiInput>,
    resources: Vec<ResourceSpec>,
}

/// JSON when it looks like JSON, otherwise YAML (a superset that also reads JSON).
fn parse(text: &str) -> Result<serde_json::Value, String> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("document: not valid JSON: {e}"))
    } else {
        serde_norway::from_str(text).map_err(|e| format!("document: not valid YAML: {e}"))
    }
}

fn stored_spec(r: &ResourceRow) -> ResourceSpec {
    ResourceSpec {
        method: r.method.clone(),
        path: r.path.clone(),
        summary: r.summary.clone(),
        parameters: serde_json::from_str::<Vec<Param>>(&r.parameters).unwrap_or_default(),
        scopes: r.scopes.split_whitespace().map(str::to_owned).collect(),
    }
}

fn field_changes(old: &ApiRow, new: &ApiInput) -> Vec<Change> {
    [
        ("name", &old.name, &new.name),
        ("version", &old.version, &new.version),
        ("context", &old.context, &new.context),
        ("backend URL", &old.backend_url, &new.backend_url),
        ("description", &old.description, &new.description),
    ]
    .into_iter()
    .filter(|(_, a, b)| a != b)
    .map(|(field, from, to)| Change::Field {
        field: field.to_owned(),
        from: from.clone(),
        to: to.clone(),
    })
    .collect()
}

impl Services {
    /// Reads the document against the API it targets; problems are in the plan, errors
    /// only for a missing target or a failing store.
    pub async fn plan_import(&self, req: &ImportRequest) -> Result<ImportPlan, ServiceError> {
        if req.document.len() > MAX_DOCUMENT_BYTES {
            return Err(ValidationError::new("document", "must be at most 2 MiB").into());
        }
        let target = match &req.api_id {
            Some(id) => Some(self.store.api(id).await.map_err(not_found("API"))?),
            None => None,
        };
        let mut plan = ImportPlan {
            target,
            changes: Vec::new(),
            new_scopes: Vec::new(),
            warnings: Vec::new(),
            problems: Vec::new(),
            input: None,
            resources: Vec::new(),
        };
        let spec = match parse(&req.document)
            .map_err(|e| vec![e])
            .and_then(|v| openapi::read(&v))
        {
            Ok(spec) => spec,
            Err(problems) => {
                plan.problems = problems;
                return Ok(plan);
            }
        };
        let keep = |given: &str, own: Option<&String>| match given.trim() {
            "" => own.cloned().unwrap_or_default(),
            g => g.to_owned(),
        };
        let old = plan.target.as_ref();
        let backend = match keep(&req.backend_url, old.map(|a| &a.backend_url)) {
            b if b.is_empty() => spec.server_url.clone().unwrap_or_default(),
            b => b,
        };
        let raw = ApiInput {
            name: spec.title.clone(),
            version: spec.version.clone(),
            context: keep(&req.context, old.map(|a| &a.context)),
            backend_url: backend,
            description: spec.description.clone(),
        };
        match raw.validated(&self.backend_policy) {
            Ok(input) => plan.input = Some(input),
            Err(e) => plan.problems.push(format!("{}: {}", e.field, e.message)),
        }
        let current: Vec<ResourceSpec> = match old {
            Some(api) => self
                .store
                .resources(&api.id)
                .await?
                .iter()
                .map(stored_spec)
                .collect(),
            None => Vec::new(),
        };
        if let (Some(old), Some(input)) = (old, plan.input.as_ref()) {
            plan.changes = field_changes(old, input);
        }
        plan.changes.extend(diff(&current, &spec.resources));
        let mut used: Vec<&str> = spec
            .resources
            .iter()
            .flat_map(|r| r.scopes.iter().map(String::as_str))
            .collect();
        used.sort_unstable();
        used.dedup();
        let known = self.store.scopes_named(&used).await?;
        plan.new_scopes = used
            .into_iter()
            .filter(|n| !known.iter().any(|k| k.name == *n))
            .map(|n| {
                let about = spec.declared_scopes.iter().find(|(d, _)| d == n);
                (
                    n.to_owned(),
                    about.map(|(_, a)| a.clone()).unwrap_or_default(),
                )
            })
            .collect();
        plan.warnings = spec.warnings;
        plan.resources = spec.resources;
        Ok(plan)
    }

    /// Applies the document: all of it, or nothing when it has problems. With
    /// `expected`, only while the API is still at one of those revisions.
    pub async fn apply_import(
        &self,
        req: &ImportRequest,
        expected: Option<&[i64]>,
    ) -> Result<ApiRow, ServiceError> {
        let plan = self.plan_import(req).await?;
        let input = match (&plan.input, plan.problems.len()) {
            (Some(input), 0) => input.clone(),
            (_, n) => {
                let listed = plan
                    .problems
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ");
                let more = if n > 3 {
                    format!("; and {} more", n - 3)
                } else {
                    String::new()
                };
                return Err(ValidationError::new(
                    "document",
                    format!("{n} problem(s): {listed}{more}"),
                )
                .into());
            }
        };
        let now = self.clock.now();
        let api = match &plan.target {
            Some(old) if expected.is_some_and(|r| !r.contains(&old.revision)) => {
                return Err(ServiceError::Stale("API"))
            }
            Some(old) => ApiRow {
                name: input.name,
                version: input.version,
                context: input.context,
                backend_url: input.backend_url,
                description: input.description,
                updated_at: now,
                ..old.clone()
            },
            None => input.new_row(now),
        };
        let resources: Vec<ResourceRow> = plan
            .resources
            .iter()
            .map(|r| ResourceRow {
                id: uuid::Uuid::new_v4().to_string(),
                api_id: api.id.clone(),
                method: r.method.clone(),
                path: r.path.clone(),
                scopes: r.scopes.join(" "),
                summary: r.summary.clone(),
                parameters: serde_json::to_string(&r.parameters).unwrap_or_else(|_| "[]".into()),
            })
            .collect();
        let scopes: Vec<ScopeRow> = plan
            .new_scopes
            .iter()
            .map(|(name, about)| ScopeRow {
                name: name.clone(),
                display_name: name.clone(),
                description: about.chars().take(256).collect(),
                roles: String::new(),
                created_at: now,
            })
            .collect();
        self.store
            .write_imported_api(&api, plan.target.is_none(), &resources, &scopes)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => ServiceError::Stale("API"),
                other => clash(other),
            })?;
        self.gateway.routes_changed();
        Ok(self.store.api(&api.id).await?)
    }
}
