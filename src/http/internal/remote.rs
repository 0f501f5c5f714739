//! The calling node's side of each internal call: what `service::RemoteKeyManager` asks,
//! as requests to the key manager and its answers back in the service's terms.

use super::client::{down, read, KmClient};
use super::{
    KeysAnswer, KeysRequest, PortalTokenRequest, Refusal, ValidateAnswer, ValidateRequest,
    CLIENT_ADDRESS_HEADER,
};
use crate::domain::KeyType;
use crate::service::oauth::{OAuthError, TokenResponse};
use crate::service::{
    GeneratedKeys, KeyRequest, PortalTokenCall, PortalTokenKind, RemoteError, RemoteKeyManager,
    Reply,
};
use crate::store::TokenRow;
use axum::body::Body;
use axum::http::{header, HeaderValue, Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};

impl KmClient {
    async fn keys(&self, path: &str, req: KeysRequest) -> Result<GeneratedKeys, RemoteError> {
        let (status, raw): (_, serde_json::Value) = self.call(path, &req, false).await?;
        if status != StatusCode::OK {
            let refusal: Refusal = serde_json::from_value(raw).map_err(|e| down(&e.to_string()))?;
            return Err(RemoteError::Refused {
                code: refusal.error,
                message: refusal.message,
            });
        }
        let answer: KeysAnswer = serde_json::from_value(raw).map_err(|e| down(&e.to_string()))?;
        Ok(GeneratedKeys {
            key: answer.key_row(&req.app_id, &req.key_type),
            consumer_key: answer.consumer_key,
            consumer_secret: SecretString::from(answer.consumer_secret),
        })
    }
}

fn oauth_error(status: StatusCode, raw: serde_json::Value, retry_after: Option<i64>) -> OAuthError {
    let code = raw["error"].as_str().unwrap_or_default();
    let text = raw["error_description"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    match code {
        "invalid_request" => OAuthError::InvalidRequest(text),
        "invalid_client" => OAuthError::InvalidClient(text),
        "invalid_grant" => OAuthError::InvalidGrant(text),
        "unauthorized_client" => OAuthError::UnauthorizedClient(text),
        "unsupported_grant_type" => OAuthError::UnsupportedGrantType(text),
        "invalid_scope" => OAuthError::InvalidScope(text),
        "slow_down" => OAuthError::Throttled(retry_after.unwrap_or(1)),
        "temporarily_unavailable" => OAuthError::TemporarilyUnavailable,
        _ => OAuthError::Server(format!("the key manager answered {status}: {code}")),
    }
}

/// The token answer as it arrives (the service's type is built to be sent).
#[derive(serde::Deserialize)]
struct IssuedTokens {
    scope: String,
    expires_in: i64,
    refresh_token: Option<String>,
    access_token: String,
    id_token: Option<String>,
}

impl RemoteKeyManager for KmClient {
    fn validate<'a>(&'a self, token: &'a str) -> Reply<'a, Option<TokenRow>> {
        Box::pin(async move {
            let req = ValidateRequest {
                token: token.to_owned(),
            };
            let (status, answer): (_, ValidateAnswer) =
                self.call("/tokens/validate", &req, true).await?;
            if status != StatusCode::OK {
                return Err(down(&format!("token check answered {status}")));
            }
            Ok(answer.token.map(TokenRow::from))
        })
    }

    fn generate_keys<'a>(
        &'a self,
        app_id: &'a str,
        req: &'a KeyRequest,
    ) -> Reply<'a, GeneratedKeys> {
        Box::pin(self.keys(
            "/keys",
            KeysRequest {
                app_id: app_id.to_owned(),
                key_type: req.key_type.as_str().to_owned(),
                grant_types: Some(req.grant_types.to_list()),
                access_token_validity: req.access_token_validity,
                token_type: req.token_type.map(|t| t.as_str().to_owned()),
                callback_urls: req.callback_urls.to_lines(),
                public_client: req.public_client,
                allow_plain_pkce: req.allow_plain_pkce,
            },
        ))
    }

    fn regenerate_secret<'a>(
        &'a self,
        app_id: &'a str,
        key_type: KeyType,
    ) -> Reply<'a, GeneratedKeys> {
        Box::pin(self.keys(
            "/keys/secret",
            KeysRequest {
                app_id: app_id.to_owned(),
                key_type: key_type.as_str().to_owned(),
                grant_types: None,
                access_token_validity: None,
                token_type: None,
                callback_urls: String::new(),
                public_client: false,
                allow_plain_pkce: false,
            },
        ))
    }

    fn portal_token<'a>(&'a self, call: PortalTokenCall<'a>) -> Reply<'a, TokenResponse> {
        Box::pin(async move {
            let (kind, password) = match call.kind {
                PortalTokenKind::Application => ("application", None),
                PortalTokenKind::User { password } => {
                    ("user", Some(password.expose_secret().to_owned()))
                }
            };
            let req = PortalTokenRequest {
                user_id: call.user_id.to_owned(),
                app_id: call.app_id.to_owned(),
                key_type: call.key_type.as_str().to_owned(),
                kind: kind.to_owned(),
                password,
                scope: call.scope.to_owned(),
                validity: call.validity,
            };
            let json = serde_json::to_vec(&req).map_err(|e| down(&e.to_string()))?;
            let make = || {
                let mut out = self.request(Method::POST, "/portal-token", Body::from(json.clone()));
                out.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                if let Ok(v) = HeaderValue::from_str(&call.client_ip.to_string()) {
                    out.headers_mut().insert(CLIENT_ADDRESS_HEADER, v);
                }
                out
            };
            let res = self.send(make, false).await?;
            let status = res.status();
            if status.is_server_error() {
                return Err(down(&format!("it answered {status}")));
            }
            let retry_after = res
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()?.parse().ok());
            let raw: serde_json::Value = serde_json::from_slice(&read(res).await?)
                .map_err(|e| down(&format!("its answer could not be read: {e}")))?;
            if status != StatusCode::OK {
                return Err(RemoteError::OAuth(oauth_error(status, raw, retry_after)));
            }
            let t: IssuedTokens = serde_json::from_value(raw).map_err(|e| down(&e.to_string()))?;
            Ok(TokenResponse {
                scope: t.scope,
                token_type: "Bearer",
                expires_in: t.expires_in,
                refresh_token: t.refresh_token,
                access_token: t.access_token,
                id_token: t.id_token,
            })
        })
    }

    fn published_keys(&self) -> Reply<'_, crate::service::jwt::PublishedKeys> {
        Box::pin(async move {
            let res = self
                .send(|| self.request(Method::GET, "/jwks", Body::empty()), true)
                .await?;
            if res.status() != StatusCode::OK {
                return Err(down(&format!("its key set answered {}", res.status())));
            }
            serde_json::from_slice(&read(res).await?)
                .map_err(|e| down(&format!("its key set could not be read: {e}")))
        })
    }

    fn check(&self) -> Reply<'_, ()> {
        Box::pin(async move {
            let res = self
                .send(|| self.request(Method::GET, "/check", Body::empty()), true)
                .await?;
            match res.status() {
                StatusCode::OK => Ok(()),
                s => Err(down(&format!("its check answered {s}"))),
            }
        })
    }
}
