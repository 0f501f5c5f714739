//! The authorization endpoint's page (`GET /oauth2/authorize`) and the user's answer.
//! The request is checked again when the answer comes: nothing the browser carries
//! between the two is trusted beyond what the check accepts.

use super::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::context as cx;

/// What the authorization page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthorizeView {
    /// Ask the user: application, owner, scopes (name, description), and the request
    /// to post back with the answer.
    Consent {
        app_name: String,
        owner: String,
        redirect_uri: String,
        scopes: Vec<(String, String)>,
        request: String,
    },
    /// The request cannot be answered to the client: said here instead.
    Refused(String),
    /// The browser is being sent elsewhere (sign-in, or back to the client).
    Redirecting(String),
}

#[cfg(feature = "ssr")]
fn params(query: &str) -> Result<std::collections::HashMap<String, String>, String> {
    crate::http::form::parse(query.as_bytes())
        .map_err(|e| format!("The authorization request could not be read: {e}."))
}

#[cfg(feature = "ssr")]
async fn checked(
    query: &str,
) -> Result<crate::service::authorize::AuthorizationRequest, AuthorizeView> {
    use crate::service::authorize::AuthorizeError;
    let params = params(query).map_err(AuthorizeView::Refused)?;
    match cx::services()
        .map_err(|_| AuthorizeView::Refused("Unavailable.".into()))?
        .authorization_request(&params)
        .await
    {
        Ok(request) => Ok(request),
        Err(AuthorizeError::Page(message)) => Err(AuthorizeView::Refused(message)),
        Err(AuthorizeError::Redirect(url)) => {
            cx::redirect_to_client(&url);
            Err(AuthorizeView::Redirecting(url))
        }
    }
}

/// Checks the request in `query`; sends a signed-out user to sign in and back, and a
/// user who allowed these scopes before straight back to the client with a code.
#[server(endpoint = "authorization")]
pub async fn authorization(query: String) -> Result<AuthorizeView, AppError> {
    let request = match checked(&query).await {
        Ok(r) => r,
        Err(view) => return Ok(view),
    };
    let services = cx::services()?;
    let Some(user) = cx::current_user()
        .await?
        .filter(|u| u.must_change_password == 0)
    else {
        let back = format!("/oauth2/authorize?{query}");
        let to = format!(
            "/signin?{}",
            form_urlencoded::Serializer::new(String::new())
                .append_pair("next", &back)
                .finish()
        );
        cx::redirect(&to);
        return Ok(AuthorizeView::Redirecting(to));
    };
    if services.consented(&user, &request).await? {
        let to = services.approve(&user, &request).await?;
        cx::redirect_to_client(&to);
        return Ok(AuthorizeView::Redirecting(to));
    }
    if let Some(origin) = request.redirect_origin() {
        cx::allow_form_target(&origin);
    }
    let scopes = request.scopes();
    Ok(AuthorizeView::Consent {
        app_name: request.app_name,
        owner: request.owner,
        redirect_uri: request.redirect_uri,
        scopes,
        request: query,
    })
}

/// Allow or Deny on the consent page: back to the client with a code or `access_denied`.
#[server(endpoint = "decide_authorization")]
pub async fn decide_authorization(
    csrf: String,
    request: String,
    decision: String,
) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let user = cx::require_user().await?;
    let checked = match checked(&request).await {
        Ok(r) => r,
        Err(AuthorizeView::Refused(message)) => return Err(AppError::invalid("request", &message)),
        Err(_) => return Ok(()),
    };
    let services = cx::services()?;
    let to = match decision.as_str() {
        "allow" => services.approve(&user, &checked).await?,
        "deny" => services.deny(&checked),
        _ => return Err(AppError::invalid("decision", "must be allow or deny")),
    };
    cx::redirect_to_client(&to);
    Ok(())
}
