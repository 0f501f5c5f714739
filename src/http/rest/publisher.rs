//! `/api/v1/publisher/apis`: APIs and their resources, for administrators. Every change
//! is in the audit log, as from the portal's admin pages.

use super::auth::Caller;
use super::catalogue::Resource;
use super::error::{ApiError, ErrorBody};
use super::extract::{located, tagged, IfMatch, JsonBody, Query};
use super::paging::{paginate, Page, PageQuery};
use crate::domain::api_scope::ApiScope;
use crate::domain::audit::Action;
use crate::service::{ApiDetail, ApiInput, Services};
use crate::store::ApiRow;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};

/// An API as its publisher sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Api {
    pub id: String,
    pub name: String,
    pub version: String,
    pub context: String,
    /// Where the gateway sends its calls.
    pub backend_url: String,
    pub description: String,
    pub published: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// Grows with every change to the API or its resources; the `ETag` is `"r<revision>"`.
    pub revision: i64,
    pub resources: Vec<Resource>,
}

pub(super) fn view(d: ApiDetail) -> Api {
    Api {
        id: d.api.id,
        name: d.api.name,
        version: d.api.version,
        context: d.api.context,
        backend_url: d.api.backend_url,
        description: d.api.description,
        published: d.api.published != 0,
        created_at: d.api.created_at,
        updated_at: d.api.updated_at,
        revision: d.api.revision,
        resources: d.resources.into_iter().map(Resource::from).collect(),
    }
}

/// What a publisher sends to create or replace an API.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiBody {
    pub name: String,
    pub version: String,
    /// The path prefix on the gateway, such as `/orders/v1`.
    pub context: String,
    pub backend_url: String,
    /// CommonMark, at most 4,096 characters.
    #[serde(default)]
    pub description: String,
}

impl From<ApiBody> for ApiInput {
    fn from(b: ApiBody) -> Self {
        ApiInput {
            name: b.name,
            version: b.version,
            context: b.context,
            backend_url: b.backend_url,
            description: b.description,
        }
    }
}

pub(super) fn location(id: &str) -> String {
    format!("/api/v1/publisher/apis/{id}")
}

type Tagged = (StatusCode, HeaderMap, Json<Api>);

/// The API as it is now, with its `ETag`.
async fn current(services: &Services, id: &str, status: StatusCode) -> Result<Tagged, ApiError> {
    let detail = services.api_detail(id).await?;
    let place = (status == StatusCode::CREATED).then(|| location(id));
    Ok((
        status,
        tagged(detail.api.revision, place.as_deref()),
        Json(view(detail)),
    ))
}

/// Every API, published or not.
#[utoipa::path(get, operation_id = "publisher_list", path = "/api/v1/publisher/apis", tag = "Publisher", params(PageQuery),
    security(("oauth2" = ["apim:api_manage"])),
    responses((status = 200, description = "Done", body = Page<Api>), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn list(
    State(services): State<Services>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<Api>>, ApiError> {
    caller.may(ApiScope::ApiManage)?;
    let apis = services.apis(false).await?.into_iter().map(view).collect();
    let key = |a: &Api| format!("{}\u{0}{}", a.name, a.version);
    Ok(Json(paginate(apis, key, &page)?))
}

/// Creates an API, unpublished and without resources.
#[utoipa::path(post, operation_id = "publisher_create", path = "/api/v1/publisher/apis", tag = "Publisher", request_body = ApiBody,
    security(("oauth2" = ["apim:api_manage"])),
    responses((status = 201, description = "Created", body = Api, headers(("Location" = String), ("ETag" = String))),
        (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn create(
    State(services): State<Services>,
    caller: Caller,
    JsonBody(body): JsonBody<ApiBody>,
) -> Result<Tagged, ApiError> {
    caller.may(ApiScope::ApiManage)?;
    let target = format!("{} {}", body.name, body.version);
    let done = services.create_api(body.into()).await;
    let api = services
        .audited(&caller.actor(), Action::ApiCreated, &target, done)
        .await?;
    current(&services, &api.id, StatusCode::CREATED).await
}

/// One API with its resources.
#[utoipa::path(get, operation_id = "publisher_get", path = "/api/v1/publisher/apis/{id}", tag = "Publisher",
    params(("id" = String, Path)), security(("oauth2" = ["apim:api_manage"])),
    responses((status = 200, description = "Done", body = Api, headers(("ETag" = String))), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn get(
    State(services): State<Services>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Tagged, ApiError> {
    caller.may(ApiScope::ApiManage)?;
    current(&services, &id, StatusCode::OK).await
}

/// Replaces an API's settings (not its resources). With `If-Match`, only if it is
/// unchanged since that `ETag` (else 412).
#[utoipa::path(put, operation_id = "publisher_update", path = "/api/v1/publisher/apis/{id}", tag = "Publisher",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)), request_body = ApiBody,
    security(("oauth2" = ["apim:api_manage"])),
    responses((status = 200, description = "Done", body = Api, headers(("ETag" = String))),
        (status = 412, description = "Changed since that ETag", body = ErrorBody), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn update(
    State(services): State<Services>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<ApiBody>,
) -> Result<Tagged, ApiError> {
    caller.may(ApiScope::ApiManage)?;
    let target = format!("{} {}", body.name, body.version);
    let done = services
        .update_api(&id, body.into(), expected.as_deref())
        .await;
    services
        .audited(&caller.actor(), Action::ApiUpdated, &target, done)
        .await?;
    current(&services, &id, StatusCode::OK).await
}

/// Deletes an API, its resources and every subscription to it.
#[utoipa::path(delete, operation_id = "publisher_delete", path = "/api/v1/publisher/apis/{id}", tag = "Publisher",
    params(("id" = String, Path)), security(("oauth2" = ["apim:api_manage"])),
    responses((status = 204, description = "Done; no content"), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn delete(
    State(services): State<Services>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.may(ApiScope::ApiManage)?;
    let api = services.api_detail(&id).await?.api;
    let target = format!("{} {} ({id})", api.name, api.version);
    let done = services.delete_api(&id).await;
    services
        .audited(&caller.actor(), Action::ApiDeleted, &target, done)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn publish_as(
    services: &Services,
    caller: &Caller,
    id: &str,
    on: bool,
    expected: Option<&[i64]>,
) -> Result<Tagged, ApiError> {
    caller.may(ApiScope::ApiManage)?;
    let action = if on {
        Action::ApiPublished
    } else {
        Action::ApiUnpublished
    };
    let done: Result<ApiRow, _> = services.set_published(id, on, expected).await;
    services.audited(&caller.actor(), action, id, done).await?;
    current(services, id, StatusCode::OK).await
}

/// Publishes an API: listed in the catalogue and routed by the gateway.
#[utoipa::path(post, operation_id = "publisher_publish", path = "/api/v1/publisher/apis/{id}/publish", tag = "Publisher",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    security(("oauth2" = ["apim:api_manage"])),
    responses((status = 200, description = "Done", body = Api, headers(("ETag" = String))), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn publish(
    State(services): State<Services>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<Tagged, ApiError> {
    publish_as(&services, &caller, &id, true, expected.as_deref()).await
}

/// Unpublishes an API: gone from the catalogue, no longer routed.
#[utoipa::path(post, operation_id = "publisher_unpublish", path = "/api/v1/publisher/apis/{id}/unpublish", tag = "Publisher",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    security(("oauth2" = ["apim:api_manage"])),
    responses((status = 200, description = "Done", body = Api, headers(("ETag" = String))), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn unpublish(
    State(services): State<Services>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<Tagged, ApiError> {
    publish_as(&services, &caller, &id, false, expected.as_deref()).await
}

/// A resource to add.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceBody {
    pub method: String,
    pub path: String,
    /// Existing scope names, of which a token will need one; empty: none needed.
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// Adds a resource to an API.
#[utoipa::path(post, operation_id = "publisher_add_resource", path = "/api/v1/publisher/apis/{id}/resources", tag = "Publisher",
    params(("id" = String, Path)), request_body = ResourceBody,
    security(("oauth2" = ["apim:api_manage"])),
    responses((status = 201, description = "Created", body = Resource, headers(("Location" = String))),
        (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn add_resource(
    State(services): State<Services>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ResourceBody>,
) -> Result<(StatusCode, HeaderMap, Json<Resource>), ApiError> {
    caller.may(ApiScope::ApiManage)?;
    let target = format!("{id} {} {}", body.method, body.path);
    let done = services
        .add_resource(&id, &body.method, &body.path, &body.scopes.join(" "))
        .await;
    let row = services
        .audited(&caller.actor(), Action::ResourceAdded, &target, done)
        .await?;
    let place = format!("{}/resources/{}", location(&id), row.id);
    Ok((StatusCode::CREATED, located(&place), Json(row.into())))
}

/// Removes a resource from an API.
#[utoipa::path(delete, operation_id = "publisher_remove_resource", path = "/api/v1/publisher/apis/{id}/resources/{resource_id}",
    tag = "Publisher", params(("id" = String, Path), ("resource_id" = String, Path)),
    security(("oauth2" = ["apim:api_manage"])),
    responses((status = 204, description = "Done; no content"), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn remove_resource(
    State(services): State<Services>,
    caller: Caller,
    Path((id, resource_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    caller.may(ApiScope::ApiManage)?;
    let target = format!("{id} resource {resource_id}");
    let done = services.delete_resource(&id, &resource_id).await;
    services
        .audited(&caller.actor(), Action::ResourceRemoved, &target, done)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
