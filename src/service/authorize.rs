//! The authorization endpoint (RFC 6749 §4.1.1 with PKCE): which requests are sound,
//! what the user is asked, and the code or error sent back. Until the client and its
//! redirect URI check out, errors are shown to the user and never redirected (§4.1.2.1);
//! after, they go back to the client with `state` and `iss` (RFC 9207).

use super::oauth::{OAuthError, RequestedScopes};
use super::{ServiceError, Services};
use crate::domain::pkce::{check_challenge, ChallengeMethod};
use crate::domain::redirect_uri::CallbackUrls;
use crate::domain::{GrantType, GrantTypes, ScopeSet, DEFAULT_SCOPE};
use crate::store::{CodeRow, ConsentRow, KeyRow, StoreError, UserRow};
use std::collections::HashMap;

/// Seconds a code lives (RFC 6749 §4.1.2 recommends at most ten minutes; one suffices).
pub const CODE_LIFETIME: i64 = 60;

/// A sound authorization request, with what the consent page shows.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub key: KeyRow,
    pub app_name: String,
    pub owner: String,
    /// Where the answer goes: the registered URI the request named or implied.
    pub redirect_uri: String,
    /// The `redirect_uri` parameter as given (empty when omitted), which the token
    /// request must repeat (§4.1.3).
    pub redirect_param: String,
    /// The scopes asked for, checked to exist.
    requested: RequestedScopes,
    pub state: Option<String>,
    pub challenge: String,
    pub method: ChallengeMethod,
    /// OpenID Connect's `nonce`, for the ID token.
    pub nonce: Option<String>,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeError {
    /// The client or its redirect URI cannot be trusted: told to the user only.
    Page(String),
    /// Sent back to the client: `error`, `error_description`, `state`, `iss`.
    Redirect(String),
}

/// A store failure, logged; the user is told only to try again.
fn unavailable(e: StoreError) -> AuthorizeError {
    tracing::error!(error = %e, "cannot check an authorization request");
    AuthorizeError::Page("The request cannot be checked right now. Try again shortly.".into())
}

fn param<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

impl AuthorizationRequest {
    /// The client's redirect URI with `pairs` added to its query.
    fn answer(&self, issuer: &str, pairs: &[(&str, &str)]) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            query.append_pair(k, v);
        }
        if let Some(state) = &self.state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", issuer);
        let glue = if self.redirect_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        format!("{}{glue}{}", self.redirect_uri, query.finish())
    }

    /// The origin of the redirect URI as a CSP source (`https://host:port`, or
    /// `com.example.app:` for a private-use scheme); `None` if it is not one.
    pub fn redirect_origin(&self) -> Option<String> {
        let (scheme, rest) = self.redirect_uri.split_once(':')?;
        let source = match rest.strip_prefix("//") {
            Some(after) if matches!(scheme, "http" | "https") => {
                let host = after.split(['/', '?']).next()?;
                format!("{scheme}://{host}")
            }
            _ => format!("{scheme}:"),
        };
        // Checked callback URLs hold nothing else; the test keeps a policy intact.
        let safe = source.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '/' | '[' | ']' | '+')
        });
        safe.then_some(source)
    }

    /// Requested scopes, each with its description, for the consent page.
    pub fn scopes(&self) -> Vec<(String, String)> {
        let rows = self.requested.rows().iter();
        rows.map(|s| (s.name.clone(), s.description.clone()))
            .collect()
    }

    /// The scopes asked for, as a set.
    pub fn scope_set(&self) -> ScopeSet {
        let names: Vec<&str> = self
            .requested
            .rows()
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        ScopeSet::parse(&names.join(" ")).unwrap_or_else(|_| ScopeSet::only_default())
    }
}

impl Services {
    /// Checks an authorization request's parameters, the client and its redirect URI
    /// first.
    pub async fn authorization_request(
        &self,
        params: &HashMap<String, String>,
    ) -> Result<AuthorizationRequest, AuthorizeError> {
        let page = |m: &str| AuthorizeError::Page(m.to_owned());
        let client_id = param(params, "client_id")
            .ok_or_else(|| page("The request names no client (client_id)."))?;
        let key = match self.store.key_by_consumer_key(client_id).await {
            Ok(key) => key,
            Err(StoreError::NotFound) => return Err(page("No application has this client_id.")),
            Err(e) => return Err(unavailable(e)),
        };
        let allows = GrantTypes::parse_list(&key.grant_types)
            .is_ok_and(|g| g.allows(GrantType::AuthorizationCode));
        if !allows {
            return Err(page(
                "This application does not use the authorization code grant.",
            ));
        }
        let registered = CallbackUrls::parse(&key.callback_urls).unwrap_or_default();
        let presented = param(params, "redirect_uri");
        let Some(redirect_uri) = registered.resolve(presented) else {
            return Err(page(
                "The redirect_uri is not one this application registered, so the answer \
                 cannot be sent back.",
            ));
        };
        let app = self
            .store
            .application(&key.app_id)
            .await
            .map_err(unavailable)?;
        let owner = self
            .store
            .user_by_id(&app.owner_id)
            .await
            .map(|u| u.username)
            .unwrap_or_default();
        let mut request = AuthorizationRequest {
            redirect_uri: redirect_uri.to_owned(),
            redirect_param: presented.unwrap_or("").to_owned(),
            key,
            app_name: app.name,
            owner,
            requested: RequestedScopes::default(),
            state: param(params, "state").map(str::to_owned),
            challenge: String::new(),
            method: ChallengeMethod::S256,
            nonce: param(params, "nonce").map(str::to_owned),
        };
        let fail = |error: &str, description: &str| {
            AuthorizeError::Redirect(request.answer(
                &self.signing.issuer(),
                &[("error", error), ("error_description", description)],
            ))
        };
        if param(params, "response_type") != Some("code") {
            return Err(fail(
                "unsupported_response_type",
                "response_type must be code",
            ));
        }
        let Some(challenge) = param(params, "code_challenge") else {
            return Err(fail(
                "invalid_request",
                "PKCE is required: send code_challenge (S256)",
            ));
        };
        let method = match ChallengeMethod::parse(param(params, "code_challenge_method")) {
            Ok(ChallengeMethod::Plain) if request.key.allow_plain_pkce == 0 => {
                return Err(fail(
                    "invalid_request",
                    "code_challenge_method must be S256",
                ))
            }
            Ok(m) => m,
            Err(_) => {
                return Err(fail(
                    "invalid_request",
                    "code_challenge_method must be S256",
                ))
            }
        };
        if check_challenge(challenge, method).is_err() {
            return Err(fail("invalid_request", "code_challenge is malformed"));
        }
        // No scope asks for `default`, as at the token endpoint; the user is shown it.
        let asked = param(params, "scope").unwrap_or(DEFAULT_SCOPE);
        let requested = self
            .requested_scopes(Some(asked))
            .await
            .map_err(|e| match e {
                OAuthError::InvalidScope(why) => fail("invalid_scope", &why),
                _ => fail("server_error", "the scopes could not be read"),
            })?;
        request.challenge = challenge.to_owned();
        request.method = method;
        request.requested = requested;
        Ok(request)
    }

    /// Whether `user` already allowed every scope of `request` to its application.
    pub async fn consented(
        &self,
        user: &UserRow,
        request: &AuthorizationRequest,
    ) -> Result<bool, ServiceError> {
        let Some(consent) = self.store.consent(&user.id, &request.key.app_id).await? else {
            return Ok(false);
        };
        let given = ScopeSet::parse(&consent.scopes).unwrap_or_default();
        Ok(request.scope_set().is_subset(&given))
    }

    /// The user allowed the request: the consent is remembered and a code issued; the
    /// answer is where to send the browser.
    pub async fn approve(
        &self,
        user: &UserRow,
        request: &AuthorizationRequest,
    ) -> Result<String, ServiceError> {
        let now = self.clock.now();
        let asked = request.scope_set();
        let previous = self.store.consent(&user.id, &request.key.app_id).await?;
        let remembered = previous
            .and_then(|c| ScopeSet::parse(&c.scopes).ok())
            .map_or(asked.clone(), |given| given.union(&asked));
        self.store
            .grant_consent(&ConsentRow {
                user_id: user.id.clone(),
                app_id: request.key.app_id.clone(),
                scopes: remembered.to_string(),
                granted_at: now,
            })
            .await?;
        // Scopes restricted to roles go only to users holding one, as in the password grant.
        let scopes = request.requested.grant(Some(&user.held_roles()));
        let id = uuid::Uuid::now_v7();
        let code = crate::crypto::token_for_row(&id);
        self.store
            .insert_code(&CodeRow {
                id: id.to_string(),
                code_digest: crate::crypto::digest(&code),
                consumer_key: request.key.consumer_key.clone(),
                user_id: user.id.clone(),
                username: user.username.clone(),
                redirect_uri: request.redirect_param.clone(),
                scopes: scopes.to_string(),
                code_challenge: request.challenge.clone(),
                challenge_method: request.method.as_str().into(),
                nonce: request.nonce.clone(),
                created_at: now,
                expires_at: now + CODE_LIFETIME,
                used_at: None,
                family_id: None,
            })
            .await?;
        Ok(request.answer(&self.signing.issuer(), &[("code", &code)]))
    }

    /// The user said no: `access_denied` back to the client.
    pub fn deny(&self, request: &AuthorizationRequest) -> String {
        request.answer(
            &self.signing.issuer(),
            &[
                ("error", "access_denied"),
                ("error_description", "the user denied the request"),
            ],
        )
    }

    /// What `user` has allowed, newest first, with each application's name.
    pub async fn consents(
        &self,
        user: &UserRow,
    ) -> Result<Vec<(ConsentRow, String)>, ServiceError> {
        let mut out = Vec::new();
        for consent in self.store.consents_of_user(&user.id).await? {
            let name = match self.store.application(&consent.app_id).await {
                Ok(app) => app.name,
                Err(StoreError::NotFound) => continue,
                Err(e) => return Err(e.into()),
            };
            out.push((consent, name));
        }
        Ok(out)
    }

    /// Withdraws `user`'s consent to an application: it asks again next time, and the
    /// tokens it holds through that consent stop working.
    pub async fn withdraw_consent(&self, user: &UserRow, app_id: &str) -> Result<(), ServiceError> {
        if self
            .store
            .revoke_consent(&user.id, app_id, self.clock.now())
            .await?
        {
            Ok(())
        } else {
            Err(ServiceError::NotFound("consent"))
        }
    }
}
