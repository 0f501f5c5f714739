//! Admin management of APIs, resources, scopes and users' roles.

use super::{ApiView, AppError, ScopeView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context as cx;
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;

#[cfg(feature = "ssr")]
pub(crate) fn api_view(d: crate::service::ApiDetail, with_backend: bool) -> ApiView {
    ApiView {
        id: d.api.id,
        name: d.api.name,
        version: d.api.version,
        context: d.api.context,
        backend_url: with_backend.then_some(d.api.backend_url),
        description_html: crate::service::markdown::to_html(&d.api.description),
        description: d.api.description,
        published: d.api.published == 1,
        resources: d
            .resources
            .into_iter()
            .map(|r| super::ResourceView {
                id: r.id,
                method: r.method,
                path: r.path,
                scopes: r.scopes.split_whitespace().map(str::to_owned).collect(),
                summary: r.summary,
                parameters: serde_json::from_str::<Vec<crate::domain::openapi::Param>>(
                    &r.parameters,
                )
                .unwrap_or_default()
                .into_iter()
                .map(super::ParamView::from)
                .collect(),
            })
            .collect(),
    }
}

#[server(endpoint = "admin_apis")]
pub async fn admin_apis() -> Result<Vec<ApiView>, AppError> {
    cx::require_admin().await?;
    let apis = cx::services()?.apis(false).await?;
    Ok(apis.into_iter().map(|d| api_view(d, true)).collect())
}

#[server(endpoint = "admin_api")]
pub async fn admin_api(id: String) -> Result<ApiView, AppError> {
    cx::require_admin().await?;
    Ok(api_view(cx::services()?.api_detail(&id).await?, true))
}

/// Creates an API, or with `id` set, saves the one with that id.
#[server(endpoint = "save_api")]
pub async fn save_api(
    csrf: String,
    id: Option<String>,
    name: String,
    version: String,
    context: String,
    backend_url: String,
    description: String,
) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let me = cx::require_admin().await?;
    let target = format!("{name} {version}");
    let input = crate::service::ApiInput {
        name,
        version,
        context,
        backend_url,
        description,
    };
    let services = cx::services()?;
    let (action, done) = match id {
        Some(id) => (
            Action::ApiUpdated,
            services.update_api(&id, input, None).await,
        ),
        None => (Action::ApiCreated, services.create_api(input).await),
    };
    let api = cx::audited(&services, &me, action, &target, done).await?;
    cx::redirect(&format!("/admin/apis/{}?saved=1", api.id));
    Ok(())
}

/// `published`: `on` or `off`.
#[server(endpoint = "publish_api")]
pub async fn publish_api(csrf: String, id: String, published: String) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let me = cx::require_admin().await?;
    let on = match published.as_str() {
        "on" => true,
        "off" => false,
        _ => return Err(AppError::invalid("published", "must be on or off")),
    };
    let services = cx::services()?;
    let done = services.set_published(&id, on, None).await;
    let action = if on {
        Action::ApiPublished
    } else {
        Action::ApiUnpublished
    };
    cx::audited(&services, &me, action, &id, done).await?;
    cx::redirect(&format!("/admin/apis/{id}?saved=1"));
    Ok(())
}

#[server(endpoint = "delete_api")]
pub async fn delete_api(csrf: String, id: String, confirm_name: String) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let me = cx::require_admin().await?;
    let services = cx::services()?;
    let api = services.api_detail(&id).await?;
    if confirm_name.trim() != api.api.name {
        return Err(AppError::invalid("confirm_name", "must be the API's name"));
    }
    let target = format!("{} {} ({id})", api.api.name, api.api.version);
    let done = services.delete_api(&id).await;
    cx::audited(&services, &me, Action::ApiDeleted, &target, done).await?;
    cx::redirect("/admin/apis?deleted=1");
    Ok(())
}

#[server(endpoint = "add_resource")]
pub async fn add_resource(
    csrf: String,
    api_id: String,
    method: String,
    path: String,
    scopes: String,
) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let me = cx::require_admin().await?;
    let services = cx::services()?;
    let done = services
        .add_resource(&api_id, &method, &path, &scopes)
        .await;
    let target = format!("{api_id} {method} {path}");
    cx::audited(&services, &me, Action::ResourceAdded, &target, done).await?;
    cx::redirect(&format!("/admin/apis/{api_id}?saved=1"));
    Ok(())
}

#[server(endpoint = "delete_resource")]
pub async fn delete_resource(csrf: String, api_id: String, id: String) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let me = cx::require_admin().await?;
    let services = cx::services()?;
    let done = services.delete_resource(&api_id, &id).await;
    let target = format!("{api_id} resource {id}");
    cx::audited(&services, &me, Action::ResourceRemoved, &target, done).await?;
    cx::redirect(&format!("/admin/apis/{api_id}?saved=1"));
    Ok(())
}

#[server(endpoint = "admin_scopes")]
pub async fn admin_scopes() -> Result<Vec<ScopeView>, AppError> {
    cx::require_admin().await?;
    let scopes = cx::services()?.scopes().await?;
    Ok(scopes
        .into_iter()
        .map(|s| ScopeView {
            name: s.name,
            display_name: s.display_name,
            description: s.description,
            roles: s.roles,
        })
        .collect())
}

/// Creates a scope, or with `existing` set, updates the one of that name.
#[server(endpoint = "save_scope")]
pub async fn save_scope(
    csrf: String,
    name: String,
    display_name: String,
    description: String,
    roles: String,
    existing: Option<String>,
) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let me = cx::require_admin().await?;
    let target = format!("{name} (roles: {roles})");
    let input = crate::service::ScopeInput {
        name,
        display_name,
        description,
        roles,
    };
    let services = cx::services()?;
    let (action, done) = match existing {
        Some(_) => (Action::ScopeUpdated, services.update_scope(input).await),
        None => (Action::ScopeCreated, services.create_scope(input).await),
    };
    cx::audited(&services, &me, action, &target, done).await?;
    cx::redirect("/admin/scopes?saved=1");
    Ok(())
}

#[server(endpoint = "set_user_roles")]
pub async fn set_user_roles(csrf: String, username: String, roles: String) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let me = cx::require_admin().await?;
    let services = cx::services()?;
    let done = services.set_roles(&username, &roles).await;
    let target = format!("{username} (roles: {roles})");
    cx::audited(&services, &me, Action::RolesChanged, &target, done).await?;
    cx::redirect("/admin/users?saved=1");
    Ok(())
}
