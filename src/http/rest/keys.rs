//! `/api/v1/applications/{id}/keys/{key_type}`: an application's production or sandbox
//! key pair, its secret, and tokens generated for it (the portal's Generate Access Token).

use super::auth::Caller;
use super::error::{ApiError, ErrorBody};
use super::extract::{located, JsonBody};
use crate::domain::api_scope::ApiScope;
use crate::domain::audit::Action;
use crate::domain::redirect_uri::CallbackUrls;
use crate::domain::{GrantType, GrantTypes, KeyType, TokenType};
use crate::service::{KeyRequest, PortalTokenKind, Services};
use crate::store::KeyRow;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// A key pair, without its secret (which is kept only as a digest).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Key {
    /// `production` or `sandbox`.
    pub key_type: String,
    pub consumer_key: String,
    pub grant_types: Vec<String>,
    /// Seconds its access tokens live; absent: the application's validity.
    pub access_token_validity: Option<i64>,
    /// `opaque` or `jwt`.
    pub token_type: String,
    pub callback_urls: Vec<String>,
    /// A client that cannot keep a secret: it has none, and PKCE is required.
    pub public_client: bool,
    pub allow_plain_pkce: bool,
    pub created_at: i64,
}

impl From<KeyRow> for Key {
    fn from(k: KeyRow) -> Self {
        Key {
            token_type: k.access_token_type().as_str().to_owned(),
            key_type: k.key_type,
            consumer_key: k.consumer_key,
            grant_types: k.grant_types.split(',').map(str::to_owned).collect(),
            access_token_validity: k.access_token_validity,
            callback_urls: k.callback_urls.lines().map(str::to_owned).collect(),
            public_client: k.public_client != 0,
            allow_plain_pkce: k.allow_plain_pkce != 0,
            created_at: k.created_at,
        }
    }
}

/// Options of Generate Keys.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyOptions {
    /// Any of `password`, `refresh_token`, `client_credentials`, `authorization_code`.
    pub grant_types: Vec<String>,
    /// Seconds (60 to one year); absent: the application's validity.
    pub access_token_validity: Option<i64>,
    /// `opaque` or `jwt`; absent: the server's default.
    pub token_type: Option<String>,
    /// Where the authorization code grant may send its codes.
    #[serde(default)]
    pub callback_urls: Vec<String>,
    #[serde(default)]
    pub public_client: bool,
    #[serde(default)]
    pub allow_plain_pkce: bool,
}

impl KeyOptions {
    fn request(self, key_type: KeyType) -> Result<KeyRequest, ApiError> {
        let mut grants = Vec::with_capacity(self.grant_types.len());
        for g in &self.grant_types {
            grants.push(GrantType::parse(g).ok_or_else(|| {
                ApiError::invalid("grant_types", format!("unknown grant type `{g}`"))
            })?);
        }
        Ok(KeyRequest {
            key_type,
            grant_types: GrantTypes::new(grants)?,
            access_token_validity: self.access_token_validity,
            token_type: self
                .token_type
                .as_deref()
                .map(TokenType::parse)
                .transpose()?,
            callback_urls: CallbackUrls::parse(&self.callback_urls.join("\n"))?,
            public_client: self.public_client,
            allow_plain_pkce: self.allow_plain_pkce,
        })
    }
}

/// New credentials, shown this once.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Credentials {
    pub consumer_key: String,
    /// Absent for a public client.
    pub consumer_secret: Option<String>,
    pub key: Key,
}

impl From<crate::service::GeneratedKeys> for Credentials {
    fn from(g: crate::service::GeneratedKeys) -> Self {
        let secret = g.consumer_secret.expose_secret();
        Credentials {
            consumer_key: g.consumer_key,
            consumer_secret: (!secret.is_empty()).then(|| secret.to_owned()),
            key: g.key.into(),
        }
    }
}

fn key_type(raw: &str) -> Result<KeyType, ApiError> {
    KeyType::parse(raw).map_err(|_| ApiError::not_found("key type (use production or sandbox)"))
}

/// An application's key pair of one type.
#[utoipa::path(get, operation_id = "keys_get", path = "/api/v1/applications/{id}/keys/{key_type}", tag = "Keys",
    params(("id" = String, Path), ("key_type" = String, Path, description = "`production` or `sandbox`")),
    security(("oauth2" = ["apim:app_manage"])),
    responses((status = 200, description = "Done", body = Key), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn get(
    State(services): State<Services>,
    caller: Caller,
    Path((id, kt)): Path<(String, String)>,
) -> Result<Json<Key>, ApiError> {
    let user = caller.may(ApiScope::AppManage)?;
    let kt = key_type(&kt)?;
    let app = services.application_for(user, &id).await?;
    Ok(Json(services.key_of(&app, kt).await?.into()))
}

/// Generate Keys: the consumer key and secret, shown this once.
#[utoipa::path(post, operation_id = "keys_generate", path = "/api/v1/applications/{id}/keys/{key_type}", tag = "Keys",
    params(("id" = String, Path), ("key_type" = String, Path)), request_body = KeyOptions,
    security(("oauth2" = ["apim:app_manage"])),
    responses((status = 201, description = "Created", body = Credentials, headers(("Location" = String))),
        (status = 409, description = "They exist already", body = ErrorBody), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn generate(
    State(services): State<Services>,
    caller: Caller,
    Path((id, kt)): Path<(String, String)>,
    JsonBody(options): JsonBody<KeyOptions>,
) -> Result<(StatusCode, HeaderMap, Json<Credentials>), ApiError> {
    let user = caller.may(ApiScope::AppManage)?;
    let kt = key_type(&kt)?;
    let app = services.application_for(user, &id).await?;
    let done = services.generate_keys(&app, options.request(kt)?).await;
    let target = format!("{} ({kt:?})", app.name);
    let keys = services
        .audited(&caller.actor(), Action::KeysGenerated, &target, done)
        .await?;
    let place = format!("{}/keys/{kt}", super::applications::location(&app.id));
    Ok((StatusCode::CREATED, located(&place), Json(keys.into())))
}

/// Replaces the consumer secret; the old one stops working at once.
#[utoipa::path(post, operation_id = "keys_regenerate_secret", path = "/api/v1/applications/{id}/keys/{key_type}/regenerate-secret",
    tag = "Keys", params(("id" = String, Path), ("key_type" = String, Path)),
    security(("oauth2" = ["apim:app_manage"])),
    responses((status = 200, description = "Done", body = Credentials), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn regenerate_secret(
    State(services): State<Services>,
    caller: Caller,
    Path((id, kt)): Path<(String, String)>,
) -> Result<Json<Credentials>, ApiError> {
    let user = caller.may(ApiScope::AppManage)?;
    let kt = key_type(&kt)?;
    let app = services.application_for(user, &id).await?;
    let done = services.regenerate_secret(&app, kt).await;
    let target = format!("{} ({kt:?})", app.name);
    let keys = services
        .audited(&caller.actor(), Action::SecretRegenerated, &target, done)
        .await?;
    Ok(Json(keys.into()))
}

/// What Generate Access Token asks for.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenOrder {
    /// `application` (client credentials) or `user` (password grant for you, with
    /// your password).
    pub kind: String,
    pub password: Option<String>,
    /// Space-separated scopes; absent: `default`.
    #[serde(default)]
    pub scope: String,
    /// Seconds the token lives (at least 60); absent: the key's validity.
    pub validity: Option<i64>,
}

/// A token issued for the application, through the same grants as `/token`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IssuedToken {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub token_type: String,
    pub scope: String,
    pub expires_in: i64,
}

/// Generate Access Token.
#[utoipa::path(post, operation_id = "keys_token", path = "/api/v1/applications/{id}/keys/{key_type}/token", tag = "Keys",
    params(("id" = String, Path), ("key_type" = String, Path)), request_body = TokenOrder,
    security(("oauth2" = ["apim:app_manage"])),
    responses((status = 200, description = "Done", body = IssuedToken), (status = "4XX", description = "Refused: see the error `code`", body = ErrorBody)))]
pub async fn token(
    State(services): State<Services>,
    caller: Caller,
    Path((id, kt)): Path<(String, String)>,
    JsonBody(order): JsonBody<TokenOrder>,
) -> Result<Json<IssuedToken>, ApiError> {
    let user = caller.may(ApiScope::AppManage)?;
    let kt = key_type(&kt)?;
    let kind =
        match order.kind.as_str() {
            "application" => PortalTokenKind::Application,
            "user" => PortalTokenKind::User {
                password: SecretString::from(order.password.filter(|p| !p.is_empty()).ok_or_else(
                    || ApiError::invalid("password", "is required for a user token"),
                )?),
            },
            _ => return Err(ApiError::invalid("kind", "must be application or user")),
        };
    if order.validity.is_some_and(|v| v < 60) {
        return Err(ApiError::invalid("validity", "must be at least 60 seconds"));
    }
    let app = services.application_for(user, &id).await?;
    let t = services
        .portal_token(
            user,
            &app,
            kt,
            kind,
            &order.scope,
            order.validity,
            caller.address(),
        )
        .await?;
    Ok(Json(IssuedToken {
        access_token: t.access_token,
        refresh_token: t.refresh_token,
        token_type: t.token_type.to_owned(),
        scope: t.scope,
        expires_in: t.expires_in,
    }))
}
