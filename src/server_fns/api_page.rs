//! A published API's page: what it offers, where it is served, subscribing, and Try It.

use super::{ApiPage, AppError};
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

#[cfg(feature = "ssr")]
use super::context as cx;
#[cfg(feature = "ssr")]
use crate::service::Flash;
#[cfg(feature = "ssr")]
use secrecy::{ExposeSecret, SecretString};

#[cfg(feature = "ssr")]
fn config() -> std::sync::Arc<crate::server::config::Config> {
    expect_context::<std::sync::Arc<crate::server::config::Config>>()
}

/// Where this node's plain-HTTP gateway listener answers on loopback, if it runs.
#[cfg(feature = "ssr")]
fn local_gateway(c: &crate::server::config::Config) -> Option<String> {
    if !c.server.profile.serves_gateway() || !c.gateway.http_enabled {
        return None;
    }
    let ip = match c.server.bind_address {
        ip if ip.is_unspecified() && ip.is_ipv6() => "[::1]".to_owned(),
        ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    Some(format!("http://{ip}:{}", c.ports().gateway_http))
}

#[server(endpoint = "api_page")]
pub async fn load_api_page(id: String) -> Result<ApiPage, AppError> {
    let user = cx::require_user().await?;
    let services = cx::services()?;
    let detail = services.api_detail(&id).await?;
    if detail.api.published != 1 {
        return Err(crate::service::ServiceError::NotFound("API").into());
    }
    let api = super::apis::api_view(detail, false);
    let mut names: Vec<&str> = api
        .resources
        .iter()
        .flat_map(|r| r.scopes.iter().map(String::as_str))
        .collect();
    names.sort_unstable();
    names.dedup();
    let scopes = services
        .store
        .scopes_named(&names)
        .await
        .map_err(crate::service::ServiceError::from)?
        .into_iter()
        .map(|s| super::ScopeView {
            name: s.name,
            display_name: s.display_name,
            description: s.description,
            roles: s.roles,
        })
        .collect();
    let subscribed = services.subscriptions_of(&user).await?;
    let (mut open_apps, mut subscribed_apps) = (Vec::new(), Vec::new());
    for app in services.applications_of(&user).await? {
        let pair = (app.id.clone(), app.name);
        if subscribed.contains(&(app.id, api.id.clone())) {
            subscribed_apps.push(pair);
        } else {
            open_apps.push(pair);
        }
    }
    let c = config();
    let https_url = format!("{}{}", c.gateway_url(), api.context);
    let http_url = (c.gateway.http_enabled && c.gateway.public_url.is_none()).then(|| {
        format!(
            "http://{}:{}{}",
            c.server.hostname,
            c.ports().gateway_http,
            api.context
        )
    });
    let mut tried = None;
    if let Some(session) = cx::session_cookie() {
        let here = |f: &Flash| matches!(f, Flash::Tried { api_id, .. } if *api_id == api.id);
        if let Some(Flash::Tried { outcome, .. }) = services.take_flash(&session, here).await? {
            tried = serde_json::from_str(outcome.expose_secret()).ok();
        }
    }
    Ok(ApiPage {
        api,
        scopes,
        https_url,
        http_url,
        open_apps,
        subscribed_apps,
        tried,
    })
}

/// Fields: `csrf`, `api_id`, `resource_id`, `app_id`, `token` (empty: Portico gets one
/// for the application), `body`, and one `p.<name>` per parameter.
#[server(endpoint = "try_it", input = MultipartFormData)]
pub async fn try_it(data: MultipartData) -> Result<super::TryResult, AppError> {
    use crate::service::{try_it, PortalTokenKind};
    let mut f = super::multipart::fields(data, crate::http::body::PORTAL_FORM_BYTES).await?;
    cx::check_csrf(f.get("csrf").map(String::as_str).unwrap_or_default())?;
    let user = cx::require_user().await?;
    let services = cx::services()?;
    let mut take = |k: &str| f.remove(k).unwrap_or_default();
    let (api_id, resource_id, app_id) = (take("api_id"), take("resource_id"), take("app_id"));
    let (pasted, body) = (take("token"), take("body"));
    let detail = services.api_detail(&api_id).await?;
    let resource = detail
        .resources
        .iter()
        .find(|r| r.id == resource_id && detail.api.published == 1)
        .ok_or(crate::service::ServiceError::NotFound("resource"))?;
    let parameters: Vec<crate::domain::openapi::Param> =
        serde_json::from_str(&resource.parameters).unwrap_or_default();
    let values = f
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix("p.").map(|n| (n.to_owned(), v)))
        .collect();
    let gateway = local_gateway(&config()).ok_or_else(|| {
        AppError::invalid(
            "gateway",
            "Try It needs this node's plain-HTTP gateway listener ([gateway] http_enabled)",
        )
    })?;
    let (token, issued) = if pasted.trim().is_empty() {
        let app = services.application_for(&user, &app_id).await?;
        let t = services
            .portal_token(
                &user,
                &app,
                crate::domain::KeyType::Production,
                PortalTokenKind::Application,
                &resource.scopes,
                None,
                cx::client_ip(),
            )
            .await?;
        (
            SecretString::from(t.access_token.clone()),
            Some(t.access_token),
        )
    } else {
        (SecretString::from(pasted), None)
    };
    let call = try_it::TryCall {
        method: &resource.method,
        context: &detail.api.context,
        template: &resource.path,
        parameters: &parameters,
        values: &values,
        body: Some(body).filter(|_| {
            !matches!(
                resource.method.as_str(),
                "GET" | "HEAD" | "DELETE" | "OPTIONS"
            )
        }),
        token,
    };
    let answer = try_it::send(&gateway, call).await?;
    let result = super::TryResult {
        resource_id,
        request: format!("{} {}", resource.method, answer.url),
        status: answer.status,
        headers: answer.headers,
        body: answer.body,
        truncated: answer.truncated,
        issued_token: issued,
    };
    let outcome = serde_json::to_string(&result).unwrap_or_default();
    super::keys::flash_if_plain_post(Flash::Tried {
        api_id: api_id.clone(),
        outcome: outcome.into(),
    })
    .await;
    cx::redirect(&format!(
        "/apis/{api_id}?tried=1#try-{}",
        result.resource_id
    ));
    Ok(result)
}

/// The REST API's operations for its reference page; public, like the document.
#[server(endpoint = "rest_reference")]
pub async fn rest_reference() -> Result<Vec<super::ResourceView>, AppError> {
    Ok(crate::http::rest::operations()
        .into_iter()
        .map(|op| super::ResourceView {
            id: format!("{}-{}", op.method, op.path).to_ascii_lowercase(),
            method: op.method,
            path: op.path,
            scopes: op.scopes,
            summary: op.summary,
            parameters: op
                .parameters
                .into_iter()
                .map(super::ParamView::from)
                .collect(),
        })
        .collect())
}
