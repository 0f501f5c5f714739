//! `/api/v1/publisher/apis/import` and `/api/v1/publisher/apis/{id}/import`: an API
//! from an OpenAPI 3.0/3.1 document, with a dry run that only reports what would change.

use super::auth::Caller;
use super::error::{ApiError, ErrorBody};
use super::extract::{tagged, IfMatch, JsonBody};
use super::publisher::{location, view, Api};
use crate::domain::api_scope::ApiScope;
use crate::domain::audit::Action;
use crate::service::{ImportRequest, Services};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};

/// A document to import.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    /// The OpenAPI 3.0 or 3.1 document, JSON or YAML, as text (at most 2 MiB).
    pub document: String,
    /// The gateway path; required for a new API, empty keeps an existing API's.
    #[serde(default)]
    pub context: String,
    /// Empty: the API's current backend, else the document's first absolute server URL.
    #[serde(default)]
    pub backend_url: String,
    /// Only report what would change.
    #[serde(default)]
    pub dry_run: bool,
}

impl ImportBody {
    fn request(self, api_id: Option<String>) -> (ImportRequest, bool) {
        let req = ImportRequest {
            api_id,
            context: self.context,
            backend_url: self.backend_url,
            document: self.document,
        };
        (req, self.dry_run)
    }
}

/// What an import changed, or with `dry_run` would change.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportOutcome {
    pub applied: bool,
    /// One line per change: `+ GET /pets (read:pets)`, `- DELETE /pets/{id}`, `~ …`.
    pub changes: Vec<String>,
    /// Scopes the import creates.
    pub new_scopes: Vec<String>,
    /// Where Portico reads the document differently from what it says.
    pub warnings: Vec<String>,
    /// Any of these and nothing is applied.
    pub problems: Vec<String>,
    /// The API after the import.
    pub api: Option<Api>,
}

async fn run(
    services: &Services,
    caller: &Caller,
    req: ImportRequest,
    dry_run: bool,
    expected: Option<&[i64]>,
) -> Result<(StatusCode, HeaderMap, Json<ImportOutcome>), ApiError> {
    caller.may(ApiScope::ApiManage)?;
    let plan = services.plan_import(&req).await?;
    let mut outcome = ImportOutcome {
        applied: false,
        changes: plan.changes.iter().map(|c| c.line()).collect(),
        new_scopes: plan.new_scopes.iter().map(|(n, _)| n.clone()).collect(),
        warnings: plan.warnings.clone(),
        problems: plan.problems.clone(),
        api: None,
    };
    if dry_run {
        // The revision planned against: `If-Match` with it applies exactly this plan.
        let headers = match &plan.target {
            Some(api) => tagged(api.revision, None),
            None => HeaderMap::new(),
        };
        return Ok((StatusCode::OK, headers, Json(outcome)));
    }
    let target = req.api_id.clone().unwrap_or_else(|| "new API".into());
    let done = services.apply_import(&req, expected).await;
    let api = services
        .audited(&caller.actor(), Action::ApiImported, &target, done)
        .await?;
    let created = req.api_id.is_none();
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let place = created.then(|| location(&api.id));
    let headers = tagged(api.revision, place.as_deref());
    outcome.applied = true;
    outcome.api = Some(view(services.api_detail(&api.id).await?));
    Ok((status, headers, Json(outcome)))
}

/// Creates an API from an OpenAPI document (unpublished). A document with problems
/// creates nothing (400 `invalid_request`, the problems in the message).
#[utoipa::path(post, operation_id = "publisher_import", path = "/api/v1/publisher/apis/import", tag = "Publisher",
    request_body = ImportBody, security(("oauth2" = ["apim:api_manage"])),
    responses((status = 201, description = "Created", body = ImportOutcome, headers(("Location" = String), ("ETag" = String))),
        (status = 200, description = "Dry run: what would change", body = ImportOutcome),
        (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn create(
    State(services): State<Services>,
    caller: Caller,
    JsonBody(body): JsonBody<ImportBody>,
) -> Result<(StatusCode, HeaderMap, Json<ImportOutcome>), ApiError> {
    let (req, dry_run) = body.request(None);
    run(&services, &caller, req, dry_run, None).await
}

/// Re-imports an API from an OpenAPI document: its settings and its whole set of
/// resources follow the document. With `If-Match`, only if unchanged since that `ETag`.
#[utoipa::path(put, operation_id = "publisher_reimport", path = "/api/v1/publisher/apis/{id}/import", tag = "Publisher",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)), request_body = ImportBody,
    security(("oauth2" = ["apim:api_manage"])),
    responses((status = 200, description = "Done, or with `dry_run` what would change (its `ETag` is the revision planned against)", body = ImportOutcome, headers(("ETag" = String))),
        (status = 412, description = "Changed since that ETag", body = ErrorBody),
        (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn update(
    State(services): State<Services>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<ImportBody>,
) -> Result<(StatusCode, HeaderMap, Json<ImportOutcome>), ApiError> {
    let (req, dry_run) = body.request(Some(id));
    run(&services, &caller, req, dry_run, expected.as_deref()).await
}
