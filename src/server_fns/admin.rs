//! The admin area: settings, users, all applications.

use super::{AppAdminView, AppError, UserAdminView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context as cx;

#[server(endpoint = "set_self_signup")]
pub async fn set_self_signup(csrf: String, enabled: String) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    cx::require_admin().await?;
    let on = match enabled.as_str() {
        "on" => true,
        "off" => false,
        _ => return Err(AppError::invalid("enabled", "must be on or off")),
    };
    cx::services()?.set_self_signup(on).await?;
    cx::redirect("/admin/settings?saved=1");
    Ok(())
}

#[server(endpoint = "admin_users")]
pub async fn admin_users(search: String) -> Result<Vec<UserAdminView>, AppError> {
    cx::require_admin().await?;
    let users = cx::services()?
        .store
        .list_users(search.trim(), 200)
        .await
        .map_err(crate::service::ServiceError::from)?;
    Ok(users
        .into_iter()
        .map(|u| UserAdminView {
            username: u.username,
            email: u.email,
            is_admin: u.is_admin == 1,
            locked: u.locked == 1,
            roles: u.roles,
            created_at: u.created_at,
        })
        .collect())
}

/// `action`: `lock`, `unlock`, `make_admin` or `remove_admin`.
#[server(endpoint = "admin_user_action")]
pub async fn admin_user_action(
    csrf: String,
    username: String,
    action: String,
) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let me = cx::require_admin().await?;
    let services = cx::services()?;
    let user = services.user(&username).await?;
    if user.id == me.id {
        return Err(AppError::invalid(
            "username",
            "is your own account; ask another admin",
        ));
    }
    match action.as_str() {
        "lock" => drop(services.set_locked(&username, true).await?),
        "unlock" => drop(services.set_locked(&username, false).await?),
        "make_admin" | "remove_admin" => services
            .store
            .set_user_admin(&user.id, action == "make_admin")
            .await
            .map_err(crate::service::ServiceError::from)?,
        _ => return Err(AppError::invalid("action", "is not a known action")),
    }
    cx::redirect("/admin/users?saved=1");
    Ok(())
}

#[server(endpoint = "admin_apps")]
pub async fn admin_apps() -> Result<Vec<AppAdminView>, AppError> {
    cx::require_admin().await?;
    let apps = cx::services()?
        .store
        .all_applications(500)
        .await
        .map_err(crate::service::ServiceError::from)?;
    Ok(apps
        .into_iter()
        .map(|a| AppAdminView {
            id: a.id,
            name: a.name,
            owner: a.owner,
            created_at: a.created_at,
        })
        .collect())
}
