//! Sign-up, sign-in, sign-out and password change.

use super::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context as cx;
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
#[cfg(feature = "ssr")]
use secrecy::SecretString;

/// Where to go after signing in: a path on this portal, never another site (`//host`
/// and `/\host` are other sites to browsers).
pub fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.starts_with("/\\")
            && n.len() <= 4096
            && !n.chars().any(|c| c.is_control() || c == '\\')
    })
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(
    csrf: String,
    username: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let services = cx::services()?;
    let (token, user) = services
        .sign_in(&username, &SecretString::from(password), cx::client_ip())
        .await?;
    // A new session value on every sign-in: a planted cookie can never be promoted.
    if let Some(old) = cx::session_cookie() {
        services.sign_out(&old).await?;
    }
    use secrecy::ExposeSecret;
    cx::set_cookie(cx::SESSION_COOKIE, token.expose_secret(), None);
    cx::redirect(if user.must_change_password == 1 {
        "/account/password"
    } else {
        safe_next(next.as_deref()).unwrap_or("/apps")
    });
    Ok(())
}

#[server(endpoint = "sign_up")]
pub async fn sign_up(
    csrf: String,
    username: String,
    email: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let services = cx::services()?;
    if !services.self_signup_enabled().await? {
        return Err(AppError::SignupDisabled);
    }
    if password != confirm_password {
        return Err(AppError::invalid(
            "confirm_password",
            "does not match the password",
        ));
    }
    // Limited per address and, far higher, in all: a script cannot probe for taken
    // names or fill the user table, and one abuser cannot close sign-up for everyone.
    services
        .throttle
        .signup(cx::client_ip(), services.clock.now())
        .map_err(|r| AppError::Throttled(r.0))?;
    let email = Some(email.as_str()).filter(|e| !e.trim().is_empty());
    if email.is_none() {
        return Err(AppError::invalid("email", "is required"));
    }
    let created = services
        .create_user(
            &username,
            email,
            &SecretString::from(password),
            false,
            false,
        )
        .await;
    let actor = crate::service::audit::Actor::claimed(&username, cx::client_ip());
    services
        .audited(&actor, Action::SignUp, &username, created)
        .await?;
    cx::redirect("/signin?created=1");
    Ok(())
}

#[server(endpoint = "sign_out")]
pub async fn sign_out(csrf: String) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    if let Some(token) = cx::session_cookie() {
        cx::services()?.sign_out(&token).await?;
    }
    cx::set_cookie(cx::SESSION_COOKIE, "", Some(0));
    cx::redirect("/");
    Ok(())
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    csrf: String,
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let user = cx::current_user().await?.ok_or(AppError::Unauthenticated)?;
    if new_password != confirm_password {
        return Err(AppError::invalid(
            "confirm_password",
            "does not match the new password",
        ));
    }
    let services = cx::services()?;
    let changed = services
        .change_own_password(
            &user,
            &SecretString::from(current_password),
            &SecretString::from(new_password),
            cx::client_ip(),
        )
        .await;
    let token = cx::audited(
        &services,
        &user,
        Action::PasswordChanged,
        &user.username,
        changed,
    )
    .await?;
    use secrecy::ExposeSecret;
    cx::set_cookie(cx::SESSION_COOKIE, token.expose_secret(), None);
    cx::redirect("/apps?password_changed=1");
    Ok(())
}
