//! The admin area: settings, users, all applications.

use super::{AppAdminView, AppError, UserAdminView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context as cx;
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;

#[server(endpoint = "set_self_signup")]
pub async fn set_self_signup(csrf: String, enabled: String) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let me = cx::require_admin().await?;
    let on = match enabled.as_str() {
        "on" => true,
        "off" => false,
        _ => return Err(AppError::invalid("enabled", "must be on or off")),
    };
    let services = cx::services()?;
    let done = services.set_self_signup(on).await;
    cx::audited(&services, &me, Action::SelfSignupSwitched, &enabled, done).await?;
    cx::redirect("/admin/settings?saved=1");
    Ok(())
}

#[server(endpoint = "admin_users")]
pub async fn admin_users(search: String) -> Result<Vec<UserAdminView>, AppError> {
    cx::require_admin().await?;
    let users = cx::services()?
        .store
        .list_users(search.trim(), None, 200)
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
    let (audited, done) = match action.as_str() {
        "lock" => (
            Action::UserLocked,
            services.set_locked(&username, true).await.map(drop),
        ),
        "unlock" => (
            Action::UserUnlocked,
            services.set_locked(&username, false).await.map(drop),
        ),
        "make_admin" | "remove_admin" => (
            Action::RolesChanged,
            services
                .store
                .set_user_admin(&user.id, action == "make_admin")
                .await
                .map_err(crate::service::ServiceError::from),
        ),
        _ => return Err(AppError::invalid("action", "is not a known action")),
    };
    let target = match audited {
        Action::RolesChanged => format!("{username} ({action})"),
        _ => username.clone(),
    };
    cx::audited(&services, &me, audited, &target, done).await?;
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

/// One page of the audit log. Every field is what the page's filter form sent: empty
/// means no filter; `since`/`until` are days (`YYYY-MM-DD`) or times ago (`24h`).
#[server(endpoint = "audit_events")]
pub async fn audit_events(
    action: String,
    actor: String,
    since: String,
    until: String,
    after: String,
) -> Result<crate::domain::audit::AuditPage, AppError> {
    cx::require_admin().await?;
    let services = cx::services()?;
    let now = services.clock.now();
    let given = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let moment = |field: &str, text: String| {
        given(text)
            .map(|t| {
                crate::domain::parse_moment(&t, now).ok_or_else(|| {
                    AppError::invalid(field, "use a date such as 2026-12-01, or 24h or 7d")
                })
            })
            .transpose()
    };
    let filter = crate::domain::audit::AuditFilter {
        since: moment("since", since)?,
        // A day given as the end includes that whole day.
        until: moment("until", until.clone())?.map(|t| {
            if until.contains('-') && !until.contains('T') {
                t + 86_400
            } else {
                t
            }
        }),
        action: given(action),
        actor: given(actor),
    };
    let after = given(after);
    Ok(services.audit_log(&filter, after.as_deref(), 50).await?)
}
