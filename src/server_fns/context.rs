//! Server-side plumbing shared by the server functions: services from context, cookies,
//! CSRF checks and the signed-in user.

use super::AppError;
use crate::service::Services;
use crate::store::UserRow;
use axum::extract::ConnectInfo;
use axum::http::{header, request::Parts};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use secrecy::SecretString;
use std::net::{IpAddr, SocketAddr};
use subtle::ConstantTimeEq;

use crate::http::cookies::{cookie_header, cookie_in};
pub use crate::http::cookies::{CSRF_COOKIE, SESSION_COOKIE};

/// The services, provided as context to every page render and server function.
/// Missing context is reported as an internal error, never a panic.
pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| {
        tracing::error!("services missing from the reactive context");
        AppError::Internal
    })
}

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

pub fn cookie(name: &str) -> Option<String> {
    cookie_in(&parts()?.headers, name)
}

pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>) {
    if let (Some(res), Some(v)) = (
        use_context::<ResponseOptions>(),
        cookie_header(name, value, max_age),
    ) {
        res.append_header(header::SET_COOKIE, v);
    }
}

pub fn client_ip() -> IpAddr {
    parts()
        .and_then(|p| {
            p.extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        })
        .unwrap_or(IpAddr::from([127, 0, 0, 1]))
}

/// Records in the audit log what `user` did (`action` on `target`) and how it ended,
/// and hands the result back.
pub async fn audited<T>(
    services: &Services,
    user: &UserRow,
    action: crate::domain::audit::Action,
    target: &str,
    result: Result<T, crate::service::ServiceError>,
) -> Result<T, crate::service::ServiceError> {
    let actor = crate::service::audit::Actor::user(user, client_ip());
    services.audited(&actor, action, target, result).await
}

/// True for a plain HTML form post (no JavaScript), which ends in a redirect.
pub fn is_plain_form_post() -> bool {
    parts()
        .and_then(|p| p.headers.get(header::ACCEPT).cloned())
        .and_then(|v| v.to_str().ok().map(|s| s.contains("text/html")))
        .unwrap_or(false)
}

/// Middleware for portal pages: works out who is visiting (and the CSRF token their
/// forms carry, creating it on first sight) before the page renders, so pages read it
/// synchronously and the browser bundle receives the same value.
pub async fn attach_session(
    axum::extract::State(services): axum::extract::State<Services>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = req.uri().path();
    // The authorization endpoint is a page: sign-in state and a form of its own.
    let is_page = req.method() == axum::http::Method::GET
        && (path == "/oauth2/authorize"
            || !["/api/", "/oauth2/", "/.well-known/", "/pkg/"]
                .iter()
                .any(|p| path.starts_with(p)))
        && !matches!(path, "/health" | "/ready" | "/portico.css" | "/favicon.svg");
    if !is_page {
        return next.run(req).await;
    }
    let existing = cookie_in(req.headers(), CSRF_COOKIE).filter(|t| t.len() == 43);
    let csrf = existing.clone().unwrap_or_else(crate::crypto::random_token);
    let user = match cookie_in(req.headers(), SESSION_COOKIE) {
        Some(token) => services.session_user(&token).await.ok().flatten(),
        None => None,
    };
    let info = super::SessionInfo {
        user: user.map(|u| super::Me {
            username: u.username,
            is_admin: u.is_admin == 1,
            must_change_password: u.must_change_password == 1,
        }),
        csrf: csrf.clone(),
        self_signup: services.self_signup_enabled().await.unwrap_or(false),
        key_manager_down: services.key_manager_problem().is_some(),
    };
    req.extensions_mut().insert(info);
    let mut res = next.run(req).await;
    if existing.is_none() {
        if let Some(v) = cookie_header(CSRF_COOKIE, &csrf, None) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// The visitor as worked out by [`attach_session`].
pub fn session_info() -> super::SessionInfo {
    parts()
        .and_then(|p| p.extensions.get::<super::SessionInfo>().cloned())
        .unwrap_or_default()
}

/// Double-submit check: the form's token must equal the cookie's, and a cross-site
/// `Origin` is refused outright.
pub fn check_csrf(submitted: &str) -> Result<(), AppError> {
    let parts = parts().ok_or(AppError::Csrf)?;
    if let Some(origin) = parts
        .headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok());
        let origin_host = origin.split("://").nth(1);
        if origin_host.is_none()
            || origin_host != host.or(parts.uri.authority().map(|a| a.as_str()))
        {
            return Err(AppError::Csrf);
        }
    }
    let cookie = cookie(CSRF_COOKIE).ok_or(AppError::Csrf)?;
    if bool::from(cookie.as_bytes().ct_eq(submitted.as_bytes())) {
        Ok(())
    } else {
        Err(AppError::Csrf)
    }
}

pub fn session_cookie() -> Option<SecretString> {
    cookie(SESSION_COOKIE).map(SecretString::from)
}

pub async fn current_user() -> Result<Option<UserRow>, AppError> {
    let Some(token) = cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    Ok(services()?.session_user(&token).await?)
}

/// The signed-in user, who has no pending password change.
pub async fn require_user() -> Result<UserRow, AppError> {
    let user = current_user().await?.ok_or(AppError::Unauthenticated)?;
    if user.must_change_password == 1 {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(user)
}

pub async fn require_admin() -> Result<UserRow, AppError> {
    let user = require_user().await?;
    if user.is_admin == 1 {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn redirect(path: &str) {
    leptos_axum::redirect(path);
}

/// Lets this page's forms lead to `origin` besides this portal: the consent page, whose
/// answer is a redirect to the client's callback URL, which the Content-Security-Policy
/// (`form-action`) would otherwise stop in the browser.
pub fn allow_form_target(origin: &str) {
    let policy = crate::http::page_headers::CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'",
        &format!("form-action 'self' {origin}"),
    );
    if let (Some(res), Ok(v)) = (
        use_context::<ResponseOptions>(),
        header::HeaderValue::from_str(&policy),
    ) {
        res.insert_header(header::CONTENT_SECURITY_POLICY, v);
    }
}

/// Redirects to another site: an OAuth client's callback URL, which the caller has
/// checked against the URLs the client registered. Every other portal redirect stays on
/// this origin (`http::form_errors`); this marks the one that may leave it.
pub fn redirect_to_client(url: &str) {
    leptos_axum::redirect(url);
    if let Some(res) = use_context::<ResponseOptions>() {
        res.insert_header(
            header::HeaderName::from_static(crate::http::form_errors::CLIENT_REDIRECT),
            header::HeaderValue::from_static("1"),
        );
    }
}
