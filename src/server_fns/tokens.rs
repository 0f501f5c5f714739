//! My tokens: the signed-in user's live tokens, which they may revoke.

use super::{AppError, TokenView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context as cx;
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;

#[server(endpoint = "my_tokens")]
pub async fn my_tokens() -> Result<Vec<TokenView>, AppError> {
    let user = cx::require_user().await?;
    let tokens = cx::services()?.own_tokens(&user).await?;
    Ok(tokens
        .into_iter()
        .map(|t| TokenView {
            id: t.row.id,
            app_name: t.app_name,
            key_type: t.row.key_type,
            client_id: t.row.consumer_key,
            grant_type: t.row.grant_type,
            scopes: t.row.scopes,
            issued_at: t.row.issued_at,
            expires_at: t.row.expires_at,
        })
        .collect())
}

#[server(endpoint = "revoke_my_token")]
pub async fn revoke_my_token(csrf: String, id: String) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let user = cx::require_user().await?;
    let services = cx::services()?;
    let done = services.revoke_own_token(&user, &id).await;
    cx::audited(&services, &user, Action::TokenRevoked, &id, done).await?;
    cx::redirect("/tokens?revoked=1");
    Ok(())
}

/// An application the user allowed on the consent page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConsentView {
    pub app_id: String,
    pub app_name: String,
    pub scopes: String,
    pub granted_at: i64,
}

#[server(endpoint = "my_consents")]
pub async fn my_consents() -> Result<Vec<ConsentView>, AppError> {
    let user = cx::require_user().await?;
    let consents = cx::services()?.consents(&user).await?;
    Ok(consents
        .into_iter()
        .map(|(c, app_name)| ConsentView {
            app_id: c.app_id,
            app_name,
            scopes: c.scopes,
            granted_at: c.granted_at,
        })
        .collect())
}

#[server(endpoint = "withdraw_consent")]
pub async fn withdraw_consent(csrf: String, app_id: String) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let user = cx::require_user().await?;
    let services = cx::services()?;
    let done = services.withdraw_consent(&user, &app_id).await;
    let target = format!("application {app_id}");
    cx::audited(&services, &user, Action::ConsentWithdrawn, &target, done).await?;
    cx::redirect("/tokens?withdrawn=1");
    Ok(())
}
