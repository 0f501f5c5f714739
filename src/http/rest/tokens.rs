//! `/api/v1/me/tokens`: your live tokens (never their values), and revoking them.

use super::auth::Caller;
use super::error::{ApiError, ErrorBody};
use super::extract::Query;
use super::paging::{paginate, Page, PageQuery};
use crate::domain::api_scope::ApiScope;
use crate::domain::audit::Action;
use crate::service::{OwnToken, Services};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

/// A live token of yours.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Token {
    pub id: String,
    pub application_id: String,
    pub application_name: String,
    pub key_type: String,
    pub grant_type: String,
    pub scopes: Vec<String>,
    /// `opaque` or `jwt`.
    pub token_type: String,
    pub issued_at: i64,
    pub expires_at: i64,
}

impl From<OwnToken> for Token {
    fn from(t: OwnToken) -> Self {
        Token {
            id: t.row.id,
            application_id: t.row.app_id,
            application_name: t.app_name,
            key_type: t.row.key_type,
            grant_type: t.row.grant_type,
            scopes: t.row.scopes.split_whitespace().map(str::to_owned).collect(),
            token_type: t.row.token_type,
            issued_at: t.row.issued_at,
            expires_at: t.row.expires_at,
        }
    }
}

/// Your live tokens.
#[utoipa::path(get, operation_id = "tokens_list", path = "/api/v1/me/tokens", tag = "Tokens", params(PageQuery),
    security(("oauth2" = ["apim:app_manage"])),
    responses((status = 200, description = "Done", body = Page<Token>), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn list(
    State(services): State<Services>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<Token>>, ApiError> {
    let user = caller.may(ApiScope::AppManage)?;
    let tokens = services.own_tokens(user).await?;
    let tokens = tokens.into_iter().map(Token::from).collect();
    Ok(Json(paginate(tokens, |t: &Token| t.id.clone(), &page)?))
}

/// Revokes one of your tokens, and every token refreshed from the same grant.
#[utoipa::path(delete, operation_id = "tokens_revoke", path = "/api/v1/me/tokens/{id}", tag = "Tokens",
    params(("id" = String, Path)), security(("oauth2" = ["apim:app_manage"])),
    responses((status = 204, description = "Done; no content"), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn revoke(
    State(services): State<Services>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let user = caller.may(ApiScope::AppManage)?;
    let done = services.revoke_own_token(user, &id).await;
    services
        .audited(&caller.actor(), Action::TokenRevoked, &id, done)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
