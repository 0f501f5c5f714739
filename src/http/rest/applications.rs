//! `/api/v1/applications`: a developer's applications. Another user's application is
//! "not found" (ids cannot be probed); admins reach every application, as in the portal.

use super::auth::Caller;
use super::error::{ApiError, ErrorBody};
use super::extract::{tagged, IfMatch, JsonBody, Query};
use super::paging::{paginate, Page, PageQuery};
use crate::domain::api_scope::ApiScope;
use crate::service::{ApplicationInput, Services};
use crate::store::ApplicationRow;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};

/// An application.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Application {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Seconds its access tokens live; absent: the server's default.
    pub token_validity: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
    /// Grows with every change; the `ETag` is `"r<revision>"`.
    pub revision: i64,
}

impl From<ApplicationRow> for Application {
    fn from(a: ApplicationRow) -> Self {
        Application {
            id: a.id,
            name: a.name,
            description: a.description,
            token_validity: a.token_validity,
            created_at: a.created_at,
            updated_at: a.updated_at,
            revision: a.revision,
        }
    }
}

/// What a client sends to create or replace an application.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationBody {
    /// 1 to 70 characters, unique among your applications.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Seconds its access tokens live (60 to one year); absent: the server's default.
    pub token_validity: Option<i64>,
}

impl From<ApplicationBody> for ApplicationInput {
    fn from(b: ApplicationBody) -> Self {
        ApplicationInput {
            name: b.name,
            description: b.description,
            token_validity: b.token_validity,
        }
    }
}

pub fn location(id: &str) -> String {
    format!("/api/v1/applications/{id}")
}

fn answer(
    status: StatusCode,
    app: ApplicationRow,
    created: bool,
) -> (StatusCode, HeaderMap, Json<Application>) {
    let place = created.then(|| location(&app.id));
    (
        status,
        tagged(app.revision, place.as_deref()),
        Json(app.into()),
    )
}

/// Your applications, by name.
#[utoipa::path(get, operation_id = "applications_list", path = "/api/v1/applications", tag = "Applications", params(PageQuery),
    security(("oauth2" = ["apim:app_manage"])),
    responses((status = 200, description = "Done", body = Page<Application>), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn list(
    State(services): State<Services>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<Application>>, ApiError> {
    let user = caller.may(ApiScope::AppManage)?;
    let apps = services.applications_of(user).await?;
    let apps = apps.into_iter().map(Application::from).collect();
    Ok(Json(paginate(
        apps,
        |a: &Application| a.name.clone(),
        &page,
    )?))
}

/// Creates an application.
#[utoipa::path(post, operation_id = "applications_create", path = "/api/v1/applications", tag = "Applications",
    request_body = ApplicationBody, security(("oauth2" = ["apim:app_manage"])),
    responses((status = 201, description = "Created", body = Application, headers(("Location" = String), ("ETag" = String))),
        (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn create(
    State(services): State<Services>,
    caller: Caller,
    JsonBody(body): JsonBody<ApplicationBody>,
) -> Result<(StatusCode, HeaderMap, Json<Application>), ApiError> {
    let user = caller.may(ApiScope::AppManage)?;
    let app = services.create_application(user, body.into()).await?;
    Ok(answer(StatusCode::CREATED, app, true))
}

/// One of your applications.
#[utoipa::path(get, operation_id = "applications_get", path = "/api/v1/applications/{id}", tag = "Applications",
    params(("id" = String, Path)), security(("oauth2" = ["apim:app_manage"])),
    responses((status = 200, description = "Done", body = Application, headers(("ETag" = String))),
        (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn get(
    State(services): State<Services>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<(StatusCode, HeaderMap, Json<Application>), ApiError> {
    let user = caller.may(ApiScope::AppManage)?;
    let app = services.application_for(user, &id).await?;
    Ok(answer(StatusCode::OK, app, false))
}

/// Replaces an application's name, description and token validity. With `If-Match`,
/// only if it is unchanged since that `ETag` (else 412).
#[utoipa::path(put, operation_id = "applications_update", path = "/api/v1/applications/{id}", tag = "Applications",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = ApplicationBody, security(("oauth2" = ["apim:app_manage"])),
    responses((status = 200, description = "Done", body = Application, headers(("ETag" = String))),
        (status = 412, description = "Changed since that ETag", body = ErrorBody), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn update(
    State(services): State<Services>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<ApplicationBody>,
) -> Result<(StatusCode, HeaderMap, Json<Application>), ApiError> {
    let user = caller.may(ApiScope::AppManage)?;
    let app = services
        .update_application(user, &id, body.into(), expected.as_deref())
        .await?;
    Ok(answer(StatusCode::OK, app, false))
}

/// Deletes an application, its keys and subscriptions, and revokes its tokens.
#[utoipa::path(delete, operation_id = "applications_delete", path = "/api/v1/applications/{id}", tag = "Applications",
    params(("id" = String, Path)), security(("oauth2" = ["apim:app_manage"])),
    responses((status = 204, description = "Done; no content"), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn delete(
    State(services): State<Services>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let user = caller.may(ApiScope::AppManage)?;
    services.delete_application(user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
