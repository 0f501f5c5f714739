//! `/api/v1/admin/scopes` and the statistics endpoints: scopes and who may hold them,
//! an application's statistics for its owner, the overview for administrators.

use super::auth::Caller;
use super::error::{ApiError, ErrorBody};
use super::extract::{located, JsonBody, Query};
use super::paging::{paginate, Page, PageQuery};
use crate::domain::api_scope::ApiScope;
use crate::domain::audit::Action;
use crate::domain::stats::StatsRange;
use crate::service::{ScopeInput, Services};
use crate::store::ScopeRow;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

/// A scope a resource may require.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Scope {
    pub name: String,
    pub display_name: String,
    pub description: String,
    /// Roles of which a user needs one to be granted it; empty: anyone.
    pub roles: Vec<String>,
}

impl From<ScopeRow> for Scope {
    fn from(s: ScopeRow) -> Self {
        Scope {
            roles: s.roles.split_whitespace().map(str::to_owned).collect(),
            name: s.name,
            display_name: s.display_name,
            description: s.description,
        }
    }
}

/// A scope to create, or (without `name`, which the path gives) to replace.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeBody {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub roles: Vec<String>,
}

impl ScopeBody {
    fn input(self, name: String) -> ScopeInput {
        ScopeInput {
            name,
            display_name: self.display_name,
            description: self.description,
            roles: self.roles.join(" "),
        }
    }
}

#[utoipa::path(get, operation_id = "scopes_list", path = "/api/v1/admin/scopes", tag = "Admin", params(PageQuery),
    security(("oauth2" = ["apim:admin"])),
    responses((status = 200, description = "Done", body = Page<Scope>), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn list(
    State(services): State<Services>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<Scope>>, ApiError> {
    caller.may(ApiScope::Admin)?;
    let scopes = services
        .scopes()
        .await?
        .into_iter()
        .map(Scope::from)
        .collect();
    Ok(Json(paginate(scopes, |s: &Scope| s.name.clone(), &page)?))
}

#[utoipa::path(post, operation_id = "scopes_create", path = "/api/v1/admin/scopes", tag = "Admin", request_body = ScopeBody,
    security(("oauth2" = ["apim:admin"])),
    responses((status = 201, description = "Created", body = Scope, headers(("Location" = String))), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn create(
    State(services): State<Services>,
    caller: Caller,
    JsonBody(body): JsonBody<ScopeBody>,
) -> Result<(StatusCode, HeaderMap, Json<Scope>), ApiError> {
    caller.may(ApiScope::Admin)?;
    let name = body.name.clone();
    let target = format!("{name} (roles: {})", body.roles.join(" "));
    let done = services.create_scope(body.input(name)).await;
    let row = services
        .audited(&caller.actor(), Action::ScopeCreated, &target, done)
        .await?;
    let place = format!("/api/v1/admin/scopes/{}", row.name);
    Ok((StatusCode::CREATED, located(&place), Json(row.into())))
}

/// Replaces a scope's display name, description and roles. Tokens already issued keep
/// their scopes until they expire, or until a refresh drops roles no longer held.
#[utoipa::path(put, operation_id = "scopes_update", path = "/api/v1/admin/scopes/{name}", tag = "Admin",
    params(("name" = String, Path)), request_body = ScopeBody,
    security(("oauth2" = ["apim:admin"])),
    responses((status = 200, description = "Done", body = Scope), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn update(
    State(services): State<Services>,
    caller: Caller,
    Path(name): Path<String>,
    JsonBody(body): JsonBody<ScopeBody>,
) -> Result<Json<Scope>, ApiError> {
    caller.may(ApiScope::Admin)?;
    if !body.name.is_empty() && body.name != name {
        return Err(ApiError::invalid(
            "name",
            "cannot be changed; create a new scope",
        ));
    }
    let target = format!("{name} (roles: {})", body.roles.join(" "));
    let done = services.update_scope(body.input(name)).await;
    let row = services
        .audited(&caller.actor(), Action::ScopeUpdated, &target, done)
        .await?;
    Ok(Json(row.into()))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// `24h`, `7d` (default), `30d` or `90d`.
    pub range: Option<String>,
}

fn range(q: RangeQuery) -> Result<StatsRange, ApiError> {
    Ok(q.range
        .as_deref()
        .map(StatsRange::parse)
        .transpose()?
        .unwrap_or_default())
}

/// An application's registered users and token and call activity over time.
#[utoipa::path(get, operation_id = "scopes_application", path = "/api/v1/applications/{id}/statistics", tag = "Statistics",
    params(("id" = String, Path), RangeQuery), security(("oauth2" = ["apim:app_manage"])),
    responses((status = 200, description = "Registered users, tokens and calls per period"),
        (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn application(
    State(services): State<Services>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<RangeQuery>,
) -> Result<Response, ApiError> {
    let user = caller.may(ApiScope::AppManage)?;
    let stats = services.application_stats(user, &id, range(q)?).await?;
    Ok(Json(stats).into_response())
}

/// Activity across all applications, and those with the most registered users.
#[utoipa::path(get, operation_id = "scopes_overview", path = "/api/v1/admin/statistics", tag = "Statistics", params(RangeQuery),
    security(("oauth2" = ["apim:admin"])),
    responses((status = 200, description = "Tokens and calls per period, top applications"),
        (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn overview(
    State(services): State<Services>,
    caller: Caller,
    Query(q): Query<RangeQuery>,
) -> Result<Response, ApiError> {
    caller.may(ApiScope::Admin)?;
    let stats = services.overview_stats(range(q)?).await?;
    Ok(Json(stats).into_response())
}
