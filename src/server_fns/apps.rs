//! Applications: list, create, edit, delete. Every call checks ownership on the server.

use super::{AppError, AppView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context as cx;

#[cfg(feature = "ssr")]
pub(crate) fn app_view(a: crate::store::ApplicationRow) -> AppView {
    AppView {
        id: a.id,
        name: a.name,
        description: a.description,
        token_validity: a.token_validity,
        created_at: a.created_at,
    }
}

/// An optional number of seconds from a form field; empty means "use the default".
#[cfg(feature = "ssr")]
pub(crate) fn optional_seconds(field: &str, raw: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .map(Some)
        .map_err(|_| AppError::invalid(field, "must be a whole number of seconds"))
}

#[cfg(feature = "ssr")]
fn app_input(
    name: String,
    description: String,
    token_validity: &str,
) -> Result<crate::service::ApplicationInput, AppError> {
    Ok(crate::service::ApplicationInput {
        name,
        description,
        token_validity: optional_seconds("token_validity", token_validity)?,
    })
}

#[server(endpoint = "list_apps")]
pub async fn list_apps() -> Result<Vec<AppView>, AppError> {
    let user = cx::require_user().await?;
    let apps = cx::services()?.applications_of(&user).await?;
    Ok(apps.into_iter().map(app_view).collect())
}

#[server(endpoint = "get_app")]
pub async fn get_app(id: String) -> Result<AppView, AppError> {
    let user = cx::require_user().await?;
    Ok(app_view(cx::services()?.application_for(&user, &id).await?))
}

#[server(endpoint = "create_app")]
pub async fn create_app(
    csrf: String,
    name: String,
    description: String,
    token_validity: String,
) -> Result<AppView, AppError> {
    cx::check_csrf(&csrf)?;
    let user = cx::require_user().await?;
    let input = app_input(name, description, &token_validity)?;
    let app = cx::services()?.create_application(&user, input).await?;
    cx::redirect(&format!("/apps/{}", app.id));
    Ok(app_view(app))
}

#[server(endpoint = "update_app")]
pub async fn update_app(
    csrf: String,
    id: String,
    name: String,
    description: String,
    token_validity: String,
) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let user = cx::require_user().await?;
    let input = app_input(name, description, &token_validity)?;
    cx::services()?
        .update_application(&user, &id, input, None)
        .await?;
    cx::redirect(&format!("/apps/{id}?saved=1"));
    Ok(())
}

/// Deletes an application after the user typed its name to confirm.
#[server(endpoint = "delete_app")]
pub async fn delete_app(csrf: String, id: String, confirm_name: String) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let user = cx::require_user().await?;
    let services = cx::services()?;
    let app = services.application_for(&user, &id).await?;
    if confirm_name.trim() != app.name {
        return Err(AppError::invalid(
            "confirm_name",
            "must be the application's name",
        ));
    }
    services.delete_application(&user, &id).await?;
    cx::redirect("/apps?deleted=1");
    Ok(())
}
