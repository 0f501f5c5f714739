//! My tokens: the signed-in user's live tokens, which they may revoke.

use super::{AppError, TokenView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context as cx;

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
    cx::services()?.revoke_own_token(&user, &id).await?;
    cx::redirect("/tokens?revoked=1");
    Ok(())
}
