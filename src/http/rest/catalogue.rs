//! `/api/v1/apis`: the catalogue of published APIs, as developers see it (no backend
//! addresses), and `/api/v1/applications/{id}/subscriptions`.

use super::auth::Caller;
use super::error::{ApiError, ErrorBody};
use super::extract::{located, JsonBody, Query};
use super::paging::{paginate, Page, PageQuery};
use crate::domain::api_scope::ApiScope;
use crate::domain::audit::Action;
use crate::server::config::Config;
use crate::service::{ApiDetail, Services};
use crate::store::ResourceRow;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A resource of an API: a method on a path template.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Resource {
    pub id: String,
    pub method: String,
    /// A path template below the API's context, such as `/orders/{id}`.
    pub path: String,
    /// Scopes of which a token needs one; empty: none needed.
    pub scopes: Vec<String>,
}

impl From<ResourceRow> for Resource {
    fn from(r: ResourceRow) -> Self {
        Resource {
            id: r.id,
            method: r.method,
            path: r.path,
            scopes: r.scopes.split_whitespace().map(str::to_owned).collect(),
        }
    }
}

/// A published API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublishedApi {
    pub id: String,
    pub name: String,
    pub version: String,
    /// The path prefix it is served under on the gateway.
    pub context: String,
    pub description: String,
    /// Where to call it: the gateway's HTTPS address and the context.
    pub url: String,
    pub resources: Vec<Resource>,
}

fn published(d: ApiDetail, gateway: &str) -> PublishedApi {
    PublishedApi {
        url: format!("{gateway}{}", d.api.context),
        id: d.api.id,
        name: d.api.name,
        version: d.api.version,
        context: d.api.context,
        description: d.api.description,
        resources: d.resources.into_iter().map(Resource::from).collect(),
    }
}

/// Published APIs, by name and version.
#[utoipa::path(get, operation_id = "catalogue_list", path = "/api/v1/apis", tag = "Catalogue", params(PageQuery),
    security(("oauth2" = ["apim:subscribe"])),
    responses((status = 200, description = "Done", body = Page<PublishedApi>), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn list(
    State(services): State<Services>,
    State(config): State<Arc<Config>>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<PublishedApi>>, ApiError> {
    caller.may(ApiScope::Subscribe)?;
    let gateway = config.gateway_url();
    let apis = services.apis(true).await?;
    let apis = apis.into_iter().map(|d| published(d, &gateway)).collect();
    let key = |a: &PublishedApi| format!("{}\u{0}{}", a.name, a.version);
    Ok(Json(paginate(apis, key, &page)?))
}

/// One published API; an unpublished one is "not found".
#[utoipa::path(get, operation_id = "catalogue_get", path = "/api/v1/apis/{id}", tag = "Catalogue",
    params(("id" = String, Path)), security(("oauth2" = ["apim:subscribe"])),
    responses((status = 200, description = "Done", body = PublishedApi), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn get(
    State(services): State<Services>,
    State(config): State<Arc<Config>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<PublishedApi>, ApiError> {
    caller.may(ApiScope::Subscribe)?;
    let detail = services.api_detail(&id).await?;
    if detail.api.published == 0 {
        return Err(ApiError::not_found("API"));
    }
    Ok(Json(published(detail, &config.gateway_url())))
}

/// The APIs an application is subscribed to.
#[utoipa::path(get, operation_id = "catalogue_subscriptions", path = "/api/v1/applications/{id}/subscriptions", tag = "Subscriptions",
    params(("id" = String, Path), PageQuery), security(("oauth2" = ["apim:subscribe"])),
    responses((status = 200, description = "Done", body = Page<PublishedApi>), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn subscriptions(
    State(services): State<Services>,
    State(config): State<Arc<Config>>,
    caller: Caller,
    Path(id): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<PublishedApi>>, ApiError> {
    let user = caller.may(ApiScope::Subscribe)?;
    let gateway = config.gateway_url();
    let apis = services.subscriptions(user, &id).await?;
    let apis = apis.into_iter().map(|d| published(d, &gateway)).collect();
    Ok(Json(paginate(
        apis,
        |a: &PublishedApi| a.id.clone(),
        &page,
    )?))
}

/// What to subscribe an application to.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionBody {
    pub api_id: String,
}

/// Subscribes an application to a published API (again: no change).
#[utoipa::path(post, operation_id = "catalogue_subscribe", path = "/api/v1/applications/{id}/subscriptions", tag = "Subscriptions",
    params(("id" = String, Path)), request_body = SubscriptionBody,
    security(("oauth2" = ["apim:subscribe"])),
    responses((status = 201, description = "Created", body = PublishedApi, headers(("Location" = String))),
        (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn subscribe(
    State(services): State<Services>,
    State(config): State<Arc<Config>>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SubscriptionBody>,
) -> Result<(StatusCode, HeaderMap, Json<PublishedApi>), ApiError> {
    let user = caller.may(ApiScope::Subscribe)?;
    let done = services.subscribe(user, &id, &body.api_id).await;
    let target = format!("application {id} to API {}", body.api_id);
    services
        .audited(&caller.actor(), Action::Subscribed, &target, done)
        .await?;
    let detail = services.api_detail(&body.api_id).await?;
    let place = format!(
        "{}/subscriptions/{}",
        super::applications::location(&id),
        body.api_id
    );
    let api = published(detail, &config.gateway_url());
    Ok((StatusCode::CREATED, located(&place), Json(api)))
}

/// Ends a subscription: the application's tokens no longer reach that API.
#[utoipa::path(delete, operation_id = "catalogue_unsubscribe", path = "/api/v1/applications/{id}/subscriptions/{api_id}",
    tag = "Subscriptions", params(("id" = String, Path), ("api_id" = String, Path)),
    security(("oauth2" = ["apim:subscribe"])),
    responses((status = 204, description = "Done; no content"), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn unsubscribe(
    State(services): State<Services>,
    caller: Caller,
    Path((id, api_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let user = caller.may(ApiScope::Subscribe)?;
    let done = services.unsubscribe(user, &id, &api_id).await;
    let target = format!("application {id} from API {api_id}");
    services
        .audited(&caller.actor(), Action::Unsubscribed, &target, done)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
