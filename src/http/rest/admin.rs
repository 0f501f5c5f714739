//! `/api/v1/admin`: users and their roles and locks, the self sign-up switch, and the
//! audit log; for administrators, each change in the audit log as from the portal.

use super::auth::Caller;
use super::error::{ApiError, ErrorBody};
use super::extract::{located, JsonBody, Query};
use super::paging::{page_of, Page, PageQuery};
use crate::domain::api_scope::ApiScope;
use crate::domain::audit::{Action, AuditFilter};
use crate::service::Services;
use crate::store::UserRow;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// A user account (never its password hash).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct User {
    pub username: String,
    pub email: Option<String>,
    pub is_admin: bool,
    pub locked: bool,
    pub roles: Vec<String>,
    pub created_at: i64,
}

impl From<UserRow> for User {
    fn from(u: UserRow) -> Self {
        User {
            roles: u.roles.split_whitespace().map(str::to_owned).collect(),
            username: u.username,
            email: u.email,
            is_admin: u.is_admin != 0,
            locked: u.locked != 0,
            created_at: u.created_at,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserSearch {
    /// Part of a username.
    #[serde(default)]
    pub search: String,
    pub limit: Option<usize>,
    pub cursor: Option<String>,
}

/// Users, by username.
#[utoipa::path(get, operation_id = "admin_users", path = "/api/v1/admin/users", tag = "Admin", params(UserSearch),
    security(("oauth2" = ["apim:admin"])),
    responses((status = 200, description = "Done", body = Page<User>), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn users(
    State(services): State<Services>,
    caller: Caller,
    Query(q): Query<UserSearch>,
) -> Result<Json<Page<User>>, ApiError> {
    caller.may(ApiScope::Admin)?;
    let page = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    };
    let (limit, after) = (page.limit()?, page.after()?);
    let found = services
        .store
        .list_users(q.search.trim(), after.as_deref(), limit as i64 + 1)
        .await
        .map_err(crate::service::ServiceError::from)?;
    let users = found.into_iter().map(User::from).collect();
    Ok(Json(page_of(users, limit, |u: &User| u.username.clone())))
}

/// A new account.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub email: Option<String>,
    /// Must meet the password policy; the user changes it at first sign-in.
    pub password: String,
    #[serde(default)]
    pub is_admin: bool,
}

/// Creates an account, which must change its password at first sign-in.
#[utoipa::path(post, operation_id = "admin_create_user", path = "/api/v1/admin/users", tag = "Admin", request_body = NewUser,
    security(("oauth2" = ["apim:admin"])),
    responses((status = 201, description = "Created", body = User, headers(("Location" = String))), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn create_user(
    State(services): State<Services>,
    caller: Caller,
    JsonBody(body): JsonBody<NewUser>,
) -> Result<(StatusCode, HeaderMap, Json<User>), ApiError> {
    caller.may(ApiScope::Admin)?;
    let password = SecretString::from(body.password);
    let done = services
        .create_user(
            &body.username,
            body.email.as_deref(),
            &password,
            body.is_admin,
            true,
        )
        .await;
    let user = services
        .audited(&caller.actor(), Action::UserCreated, &body.username, done)
        .await?;
    let place = format!("/api/v1/admin/users/{}", user.username);
    Ok((StatusCode::CREATED, located(&place), Json(user.into())))
}

/// One account.
#[utoipa::path(get, operation_id = "admin_user", path = "/api/v1/admin/users/{username}", tag = "Admin",
    params(("username" = String, Path)), security(("oauth2" = ["apim:admin"])),
    responses((status = 200, description = "Done", body = User), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn user(
    State(services): State<Services>,
    caller: Caller,
    Path(username): Path<String>,
) -> Result<Json<User>, ApiError> {
    caller.may(ApiScope::Admin)?;
    Ok(Json(services.user(&username).await?.into()))
}

/// Changes to an account; absent fields stay as they are.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    pub locked: Option<bool>,
    pub is_admin: Option<bool>,
    /// Replaces the user's roles (`admin` comes with `is_admin`, not from here).
    pub roles: Option<Vec<String>>,
}

/// Locks or unlocks an account, makes or unmakes an administrator, replaces roles.
/// Your own account is refused: ask another administrator.
#[utoipa::path(patch, operation_id = "admin_change_user", path = "/api/v1/admin/users/{username}", tag = "Admin",
    params(("username" = String, Path)), request_body = UserChange,
    security(("oauth2" = ["apim:admin"])),
    responses((status = 200, description = "Done", body = User), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn change_user(
    State(services): State<Services>,
    caller: Caller,
    Path(username): Path<String>,
    JsonBody(change): JsonBody<UserChange>,
) -> Result<Json<User>, ApiError> {
    let me = caller.may(ApiScope::Admin)?;
    let user = services.user(&username).await?;
    if user.id == me.id {
        return Err(ApiError::invalid(
            "username",
            "is your own account; ask another admin",
        ));
    }
    let actor = caller.actor();
    if let Some(roles) = change.roles {
        let roles = roles.join(" ");
        let done = services.set_roles(&username, &roles).await.map(drop);
        let target = format!("{username} (roles: {roles})");
        services
            .audited(&actor, Action::RolesChanged, &target, done)
            .await?;
    }
    if let Some(admin) = change.is_admin {
        let done = services.store.set_user_admin(&user.id, admin).await;
        let target = format!(
            "{username} ({})",
            if admin { "make_admin" } else { "remove_admin" }
        );
        let done = done.map_err(crate::service::ServiceError::from);
        services
            .audited(&actor, Action::RolesChanged, &target, done)
            .await?;
    }
    if let Some(locked) = change.locked {
        let action = if locked {
            Action::UserLocked
        } else {
            Action::UserUnlocked
        };
        let done = services.set_locked(&username, locked).await.map(drop);
        services.audited(&actor, action, &username, done).await?;
    }
    Ok(Json(services.user(&username).await?.into()))
}

/// Portal settings an administrator switches.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Whether visitors may create their own accounts.
    pub self_signup: bool,
}

#[utoipa::path(get, operation_id = "admin_settings", path = "/api/v1/admin/settings", tag = "Admin",
    security(("oauth2" = ["apim:admin"])),
    responses((status = 200, description = "Done", body = Settings), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn settings(
    State(services): State<Services>,
    caller: Caller,
) -> Result<Json<Settings>, ApiError> {
    caller.may(ApiScope::Admin)?;
    let self_signup = services.self_signup_enabled().await?;
    Ok(Json(Settings { self_signup }))
}

#[utoipa::path(put, operation_id = "admin_change_settings", path = "/api/v1/admin/settings", tag = "Admin", request_body = Settings,
    security(("oauth2" = ["apim:admin"])),
    responses((status = 200, description = "Done", body = Settings), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn change_settings(
    State(services): State<Services>,
    caller: Caller,
    JsonBody(body): JsonBody<Settings>,
) -> Result<Json<Settings>, ApiError> {
    caller.may(ApiScope::Admin)?;
    let done = services.set_self_signup(body.self_signup).await;
    let target = if body.self_signup { "on" } else { "off" };
    services
        .audited(&caller.actor(), Action::SelfSignupSwitched, target, done)
        .await?;
    Ok(Json(body))
}

/// An audit event.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub id: String,
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    pub address: Option<String>,
    /// Such as `api.create` or `session.sign_in`.
    pub action: String,
    pub target: String,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    pub detail: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// From: a date (`2026-12-01`), an RFC 3339 time, or a time ago (`24h`, `7d`).
    pub since: Option<String>,
    /// Until, in the same forms.
    pub until: Option<String>,
    /// An action (`api.create`) or an area (`api`).
    pub action: Option<String>,
    pub actor: Option<String>,
    /// 1 to 500 (default 50).
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The audit log, newest first.
#[utoipa::path(get, operation_id = "admin_audit", path = "/api/v1/admin/audit", tag = "Admin", params(AuditQuery),
    security(("oauth2" = ["apim:admin"])),
    responses((status = 200, description = "Done", body = Page<AuditEvent>), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn audit(
    State(services): State<Services>,
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Page<AuditEvent>>, ApiError> {
    caller.may(ApiScope::Admin)?;
    let now = services.clock.now();
    let moment = |field: &str, raw: Option<String>| {
        raw.map(|t| {
            crate::domain::parse_moment(t.trim(), now).ok_or_else(|| {
                ApiError::invalid(
                    field,
                    "use a date such as 2026-12-01, an RFC 3339 time, or 24h or 7d",
                )
            })
        })
        .transpose()
    };
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 500"));
    }
    let filter = AuditFilter {
        since: moment("since", q.since)?,
        until: moment("until", q.until)?,
        action: q.action.filter(|a| !a.is_empty()),
        actor: q.actor.filter(|a| !a.is_empty()),
    };
    let page = services
        .audit_log(&filter, q.cursor.as_deref(), limit)
        .await
        .map_err(|e| match e {
            crate::service::ServiceError::Invalid(_) => {
                ApiError::invalid("cursor", "is not a cursor this API gave out")
            }
            other => other.into(),
        })?;
    Ok(Json(Page {
        items: page
            .events
            .into_iter()
            .map(|e| AuditEvent {
                id: e.id,
                at: e.at,
                actor: e.actor,
                address: e.address,
                action: e.action,
                target: e.target,
                outcome: e.outcome,
                detail: e.detail,
            })
            .collect(),
        next_cursor: page.next,
    }))
}
