//! The Production and Sandbox Keys tabs: generate keys, regenerate the secret, generate
//! access tokens.

// A server function takes one argument per field of its plain HTML form, and the macro
// expands each into code the lint sees apart from the function it would sit on.
#![allow(clippy::too_many_arguments)]

use super::{AppError, IssuedToken, KeyTab, RevealedKeys};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context as cx;
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;
#[cfg(feature = "ssr")]
use crate::domain::KeyType;
#[cfg(feature = "ssr")]
use crate::service::Flash;
#[cfg(feature = "ssr")]
use secrecy::ExposeSecret;

#[cfg(feature = "ssr")]
fn key_type(raw: &str) -> Result<KeyType, AppError> {
    KeyType::parse(raw).map_err(|e| AppError::invalid(&e.field, &e.message))
}

#[cfg(feature = "ssr")]
fn endpoints() -> super::Endpoints {
    let config = expect_context::<std::sync::Arc<crate::server::config::Config>>();
    let gateway = config.gateway_url();
    super::Endpoints {
        token: format!("{gateway}/token"),
        revoke: format!("{gateway}/revoke"),
        introspect: format!("{}/oauth2/introspect", config.portal_url()),
        jwks: format!("{}/oauth2/jwks", config.portal_url()),
    }
}

/// Keeps a value for the page after a plain form post's redirect; JavaScript callers get
/// it in the response instead.
#[cfg(feature = "ssr")]
pub(super) async fn flash_if_plain_post(flash: Flash) {
    if cx::is_plain_form_post() {
        if let (Some(session), Ok(services)) = (cx::session_cookie(), cx::services()) {
            // The keys or token exist either way; a lost flash means regenerating.
            if let Err(e) = services.put_flash(&session, &flash).await {
                tracing::error!(error = %e, "cannot keep the one-time value for the next page");
            }
        }
    }
}

/// Shows new keys once: kept for the next page after a plain form post, returned to a
/// JavaScript caller.
#[cfg(feature = "ssr")]
async fn reveal(app_id: String, kt: KeyType, keys: crate::service::GeneratedKeys) -> RevealedKeys {
    flash_if_plain_post(Flash::Keys {
        app_id,
        key_type: kt.as_str().into(),
        consumer_key: keys.consumer_key.clone(),
        consumer_secret: keys.consumer_secret.clone(),
    })
    .await;
    RevealedKeys {
        consumer_key: keys.consumer_key,
        consumer_secret: keys.consumer_secret.expose_secret().to_owned(),
    }
}

#[server(endpoint = "load_key_tab")]
pub async fn load_key_tab(app_id: String, key_type: String) -> Result<KeyTab, AppError> {
    let user = cx::require_user().await?;
    let kt = self::key_type(&key_type)?;
    let services = cx::services()?;
    let app = services.application_for(&user, &app_id).await?;
    let key = match services.key_of(&app, kt).await {
        Ok(k) => Some(super::KeyView {
            token_type: k.access_token_type(),
            consumer_key: k.consumer_key,
            grant_types: k.grant_types.split(',').map(str::to_owned).collect(),
            access_token_validity: k.access_token_validity,
            created_at: k.created_at,
            callback_urls: k.callback_urls.lines().map(str::to_owned).collect(),
            public_client: k.public_client != 0,
        }),
        Err(crate::service::ServiceError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let (mut revealed, mut issued) = (None, None);
    if let Some(session) = cx::session_cookie() {
        let mine = |a: &str, t: &str| a == app.id && t == kt.as_str();
        match services
            .take_flash(&session, |f| match f {
                Flash::Keys {
                    app_id, key_type, ..
                }
                | Flash::Token {
                    app_id, key_type, ..
                } => mine(app_id, key_type),
                Flash::Tried { .. } => false,
            })
            .await?
        {
            Some(Flash::Keys {
                consumer_key,
                consumer_secret,
                ..
            }) => {
                revealed = Some(RevealedKeys {
                    consumer_key,
                    consumer_secret: consumer_secret.expose_secret().to_owned(),
                })
            }
            Some(Flash::Token {
                access_token,
                refresh_token,
                scope,
                expires_in,
                ..
            }) => {
                issued = Some(IssuedToken {
                    access_token: access_token.expose_secret().to_owned(),
                    refresh_token: refresh_token.map(|r| r.expose_secret().to_owned()),
                    scope,
                    expires_in,
                })
            }
            Some(Flash::Tried { .. }) | None => {}
        }
    }
    // The scopes worth asking for: those of the APIs this application subscribes to.
    let scopes = services
        .offered_scopes(&app.id)
        .await?
        .into_iter()
        .map(|s| s.name)
        .collect();
    Ok(KeyTab {
        app: super::apps::app_view(app),
        key_type: kt.as_str().into(),
        key,
        revealed,
        issued,
        endpoints: endpoints(),
        scopes,
        default_token_type: services.jwt.default_token_type,
    })
}

#[server(endpoint = "generate_keys")]
pub async fn generate_keys(
    csrf: String,
    app_id: String,
    key_type: String,
    grant_password: Option<String>,
    grant_refresh_token: Option<String>,
    grant_client_credentials: Option<String>,
    grant_authorization_code: Option<String>,
    callback_urls: Option<String>,
    public_client: Option<String>,
    allow_plain_pkce: Option<String>,
    validity: String,
    token_type: Option<String>,
) -> Result<RevealedKeys, AppError> {
    use crate::domain::{GrantType, GrantTypes};
    cx::check_csrf(&csrf)?;
    let user = cx::require_user().await?;
    let kt = self::key_type(&key_type)?;
    let services = cx::services()?;
    let app = services.application_for(&user, &app_id).await?;
    let chosen = [
        (grant_password, GrantType::Password),
        (grant_refresh_token, GrantType::RefreshToken),
        (grant_client_credentials, GrantType::ClientCredentials),
        (grant_authorization_code, GrantType::AuthorizationCode),
    ];
    let grants = chosen
        .into_iter()
        .filter(|(on, _)| on.is_some())
        .map(|(_, g)| g)
        .collect();
    let grant_types =
        GrantTypes::new(grants).map_err(|e| AppError::invalid(&e.field, &e.message))?;
    let request = crate::service::KeyRequest {
        key_type: kt,
        grant_types,
        access_token_validity: super::apps::optional_seconds("validity", &validity)?,
        token_type: token_type
            .as_deref()
            .map(crate::domain::TokenType::parse)
            .transpose()
            .map_err(|e| AppError::invalid(&e.field, &e.message))?,
        callback_urls: crate::domain::redirect_uri::CallbackUrls::parse(
            callback_urls.as_deref().unwrap_or(""),
        )
        .map_err(|e| AppError::invalid(&e.field, &e.message))?,
        public_client: public_client.is_some(),
        allow_plain_pkce: allow_plain_pkce.is_some(),
    };
    let done = services.generate_keys(&app, request).await;
    let target = format!("{} ({kt:?})", app.name);
    let keys = cx::audited(&services, &user, Action::KeysGenerated, &target, done).await?;
    Ok(reveal(app.id, kt, keys).await)
}

#[server(endpoint = "regenerate_secret")]
pub async fn regenerate_secret(
    csrf: String,
    app_id: String,
    key_type: String,
    confirm: Option<String>,
) -> Result<RevealedKeys, AppError> {
    cx::check_csrf(&csrf)?;
    let user = cx::require_user().await?;
    if confirm.is_none() {
        return Err(AppError::invalid(
            "confirm",
            "tick the box to confirm: the old secret stops working at once",
        ));
    }
    let kt = self::key_type(&key_type)?;
    let services = cx::services()?;
    let app = services.application_for(&user, &app_id).await?;
    let done = services.regenerate_secret(&app, kt).await;
    let target = format!("{} ({kt:?})", app.name);
    let keys = cx::audited(&services, &user, Action::SecretRegenerated, &target, done).await?;
    Ok(reveal(app.id, kt, keys).await)
}

/// Generate Access Token: `token_kind` is `application` (client credentials) or `user`
/// (password grant for the signed-in developer, who re-enters their password).
#[server(endpoint = "generate_token")]
pub async fn generate_token(
    csrf: String,
    app_id: String,
    key_type: String,
    token_kind: String,
    password: Option<String>,
    scope: String,
    validity: String,
) -> Result<IssuedToken, AppError> {
    use crate::service::PortalTokenKind;
    use secrecy::SecretString;
    cx::check_csrf(&csrf)?;
    let user = cx::require_user().await?;
    let kt = self::key_type(&key_type)?;
    let services = cx::services()?;
    let app = services.application_for(&user, &app_id).await?;
    let kind =
        match token_kind.as_str() {
            "application" => PortalTokenKind::Application,
            "user" => PortalTokenKind::User {
                password: SecretString::from(password.filter(|p| !p.is_empty()).ok_or_else(
                    || AppError::invalid("password", "is required for a user token"),
                )?),
            },
            _ => {
                return Err(AppError::invalid(
                    "token_kind",
                    "must be application or user",
                ))
            }
        };
    let validity = super::apps::optional_seconds("validity", &validity)?;
    if validity.is_some_and(|v| v < 60) {
        return Err(AppError::invalid("validity", "must be at least 60 seconds"));
    }
    let t = services
        .portal_token(&user, &app, kt, kind, &scope, validity, cx::client_ip())
        .await?;
    flash_if_plain_post(Flash::Token {
        app_id: app.id,
        key_type: kt.as_str().into(),
        access_token: SecretString::from(t.access_token.clone()),
        refresh_token: t.refresh_token.clone().map(SecretString::from),
        scope: t.scope.clone(),
        expires_in: t.expires_in,
    })
    .await;
    Ok(IssuedToken {
        access_token: t.access_token,
        refresh_token: t.refresh_token,
        scope: t.scope,
        expires_in: t.expires_in,
    })
}
