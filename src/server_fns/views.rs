//! What the pages receive from server functions: plain serialisable data, no secrets
//! except the ones a page must show exactly once.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub username: String,
    pub is_admin: bool,
    pub must_change_password: bool,
}

/// The visitor, the CSRF token for forms, and whether sign-up is open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<Me>,
    pub csrf: String,
    pub self_signup: bool,
    /// The key manager on another server is not answering: keys and tokens cannot be
    /// made, and the pages say so.
    pub key_manager_down: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub token_validity: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyView {
    pub consumer_key: String,
    pub grant_types: Vec<String>,
    pub access_token_validity: Option<i64>,
    pub created_at: i64,
    pub token_type: crate::domain::TokenType,
    pub callback_urls: Vec<String>,
    pub public_client: bool,
}

/// A consumer key and secret right after generation or regeneration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedKeys {
    pub consumer_key: String,
    pub consumer_secret: String,
}

/// An access token right after the portal issued it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub scope: String,
    pub expires_in: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    pub token: String,
    pub revoke: String,
    pub introspect: String,
    /// The public keys JWT access tokens verify with.
    pub jwks: String,
}

/// Everything the Production or Sandbox Keys tab shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyTab {
    pub app: AppView,
    pub key_type: String,
    pub key: Option<KeyView>,
    pub revealed: Option<RevealedKeys>,
    pub issued: Option<IssuedToken>,
    pub endpoints: Endpoints,
    pub scopes: Vec<String>,
    /// Preselected in Generate Keys (`[oauth] default_token_type`).
    pub default_token_type: crate::domain::TokenType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: String,
    pub app_name: String,
    pub key_type: String,
    pub client_id: String,
    pub grant_type: String,
    pub scopes: String,
    pub issued_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAdminView {
    pub username: String,
    pub email: Option<String>,
    pub is_admin: bool,
    pub locked: bool,
    /// Space-separated role names.
    pub roles: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppAdminView {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub created_at: i64,
}

/// A curl command for the password grant that works when pasted: the real token URL and
/// the Basic credentials; the secret is a placeholder once it is no longer shown.
pub fn curl_snippet(token_url: &str, consumer_key: &str, secret: Option<&str>) -> String {
    use base64::Engine;
    let auth = match secret {
        Some(s) => base64::engine::general_purpose::STANDARD.encode(format!("{consumer_key}:{s}")),
        None => format!("$(printf '%s' '{consumer_key}:<CONSUMER_SECRET>' | base64 -w0)"),
    };
    format!(
        "curl -k -d \"grant_type=password&username=<USERNAME>&password=<PASSWORD>\" \\\n  \
         -H \"Authorization: Basic {auth}\" \\\n  \
         -H \"Content-Type: application/x-www-form-urlencoded\" \\\n  {token_url}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_snippet_encodes_the_revealed_secret() {
        let s = curl_snippet("https://h:8243/token", "key", Some("sec"));
        assert!(s.contains("Basic a2V5OnNlYw=="), "{s}");
        assert!(s.contains("username=<USERNAME>&password=<PASSWORD>"));
        assert!(s.ends_with("https://h:8243/token"));
    }

    #[test]
    fn curl_snippet_uses_a_placeholder_once_masked() {
        let s = curl_snippet("https://h:8243/token", "key", None);
        assert!(s.contains("'key:<CONSUMER_SECRET>'"), "{s}");
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceView {
    pub id: String,
    pub method: String,
    pub path: String,
    /// Any one of these lets a token through; empty: no scope needed.
    pub scopes: Vec<String>,
    pub summary: String,
    pub parameters: Vec<super::ParamView>,
}

/// An API as admins and developers see it. Developers never see the backend URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiView {
    pub id: String,
    pub name: String,
    pub version: String,
    pub context: String,
    pub backend_url: Option<String>,
    pub description: String,
    /// The description rendered from CommonMark into safe HTML (on the server).
    pub description_html: String,
    pub published: bool,
    pub resources: Vec<ResourceView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeView {
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub roles: String,
}

/// The portal's API catalogue: published APIs, the visitor's applications and where
/// the gateway listens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub apis: Vec<ApiView>,
    /// `(id, name)` of the visitor's applications.
    pub apps: Vec<(String, String)>,
    /// `(app id, api id)` pairs already subscribed.
    pub subscribed: Vec<(String, String)>,
    pub gateway_url: String,
}
