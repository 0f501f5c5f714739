//! The developer's side of APIs: the catalogue of published APIs, and subscribing
//! applications to them.

use super::{ApiView, AppError, Catalogue};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context as cx;
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;

#[server(endpoint = "catalogue")]
pub async fn get_catalogue() -> Result<Catalogue, AppError> {
    let user = cx::require_user().await?;
    let services = cx::services()?;
    let apis = services.apis(true).await?;
    let apps = services.applications_of(&user).await?;
    let subscribed = services.subscriptions_of(&user).await?;
    let config = expect_context::<std::sync::Arc<crate::server::config::Config>>();
    let gateway_url = config.gateway_url();
    Ok(Catalogue {
        apis: apis
            .into_iter()
            .map(|d| super::apis::api_view(d, false))
            .collect(),
        apps: apps.into_iter().map(|a| (a.id, a.name)).collect(),
        subscribed,
        gateway_url,
    })
}

/// The APIs one application is subscribed to.
#[server(endpoint = "app_subscriptions")]
pub async fn app_subscriptions(app_id: String) -> Result<Vec<ApiView>, AppError> {
    let user = cx::require_user().await?;
    let services = cx::services()?;
    let views = services
        .subscriptions(&user, &app_id)
        .await?
        .into_iter()
        .map(|d| super::apis::api_view(d, false))
        .collect();
    Ok(views)
}

/// `back`: `api` returns to the API's own page, anything else to the catalogue.
#[server(endpoint = "subscribe")]
pub async fn subscribe(
    csrf: String,
    app_id: String,
    api_id: String,
    back: Option<String>,
) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let user = cx::require_user().await?;
    let services = cx::services()?;
    let done = services.subscribe(&user, &app_id, &api_id).await;
    let target = format!("application {app_id} to API {api_id}");
    cx::audited(&services, &user, Action::Subscribed, &target, done).await?;
    match back.as_deref() {
        Some("api") => cx::redirect(&format!("/apis/{api_id}?subscribed=1")),
        _ => cx::redirect("/apis?subscribed=1"),
    }
    Ok(())
}

#[server(endpoint = "unsubscribe")]
pub async fn unsubscribe(csrf: String, app_id: String, api_id: String) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let user = cx::require_user().await?;
    let services = cx::services()?;
    let done = services.unsubscribe(&user, &app_id, &api_id).await;
    let target = format!("application {app_id} from API {api_id}");
    cx::audited(&services, &user, Action::Unsubscribed, &target, done).await?;
    cx::redirect(&format!("/apps/{app_id}?unsubscribed=1"));
    Ok(())
}
