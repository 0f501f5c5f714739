//! The key manager's internal API, spoken between Portico nodes: what a gateway asks to
//! check a token, what a portal asks to make keys and tokens, and the OAuth endpoints a
//! gateway forwards. `api` is the key manager's side, `client` the calling node's.
//!
//! Every call carries the node's machine credential in `X-Portico-Node` (HTTP Basic
//! syntax), so a forwarded request keeps the client's own `Authorization` untouched.
//! The client's address travels in `X-Portico-Client-Address` and is believed only on a
//! call whose node credential checked out.

pub mod api;
pub mod client;
mod remote;

use crate::domain::Epoch;
use crate::store::{KeyRow, TokenRow};
use serde::{Deserialize, Serialize};

pub const NODE_HEADER: &str = "x-portico-node";
/// Marks a refusal of the node credential itself, so a caller never mistakes it for
/// the key manager's answer to a forwarded client (which may be a 401 of its own).
pub const NODE_REFUSED_HEADER: &str = "x-portico-node-refused";
pub const CLIENT_ADDRESS_HEADER: &str = "x-portico-client-address";
pub const PREFIX: &str = "/internal/v1";

/// An access token's row as a gateway needs it: no digests leave the key manager.
#[derive(Debug, Serialize, Deserialize)]
pub struct WireToken {
    pub id: String,
    pub family_id: String,
    pub consumer_key: String,
    pub app_id: String,
    pub key_type: String,
    pub grant_type: String,
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub scopes: String,
    pub issued_at: Epoch,
    pub expires_at: Epoch,
    pub revoked_at: Option<Epoch>,
    #[serde(default)]
    pub token_type: String,
}

impl From<TokenRow> for WireToken {
    fn from(r: TokenRow) -> Self {
        Self {
            id: r.id,
            family_id: r.family_id,
            consumer_key: r.consumer_key,
            app_id: r.app_id,
            key_type: r.key_type,
            grant_type: r.grant_type,
            user_id: r.user_id,
            username: r.username,
            scopes: r.scopes,
            issued_at: r.issued_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
            token_type: r.token_type,
        }
    }
}

impl From<WireToken> for TokenRow {
    fn from(w: WireToken) -> Self {
        TokenRow {
            id: w.id,
            family_id: w.family_id,
            consumer_key: w.consumer_key,
            app_id: w.app_id,
            key_type: w.key_type,
            grant_type: w.grant_type,
            user_id: w.user_id,
            username: w.username,
            scopes: w.scopes,
            issued_at: w.issued_at,
            expires_at: w.expires_at,
            revoked_at: w.revoked_at,
            token_type: w.token_type,
            ..Default::default()
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ValidateRequest {
    pub token: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ValidateAnswer {
    pub token: Option<WireToken>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct KeysRequest {
    pub app_id: String,
    pub key_type: String,
    /// Comma-separated grant types; only for a first generation.
    #[serde(default)]
    pub grant_types: Option<String>,
    #[serde(default)]
    pub access_token_validity: Option<i64>,
    /// `opaque` or `jwt`; only for a first generation (absent: the key manager's default).
    #[serde(default)]
    pub token_type: Option<String>,
    /// One per line; only for a first generation.
    #[serde(default)]
    pub callback_urls: String,
    #[serde(default)]
    pub public_client: bool,
    #[serde(default)]
    pub allow_plain_pkce: bool,
}

/// New keys: the secret is in this answer and nowhere else.
#[derive(Serialize, Deserialize)]
pub struct KeysAnswer {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub grant_types: String,
    pub access_token_validity: Option<i64>,
    pub created_at: Epoch,
    pub secret_rotated_at: Epoch,
    #[serde(default)]
    pub token_type: String,
    #[serde(default)]
    pub callback_urls: String,
    #[serde(default)]
    pub public_client: bool,
    #[serde(default)]
    pub allow_plain_pkce: bool,
}

impl KeysAnswer {
    pub fn key_row(&self, app_id: &str, key_type: &str) -> KeyRow {
        KeyRow {
            consumer_key: self.consumer_key.clone(),
            app_id: app_id.to_owned(),
            key_type: key_type.to_owned(),
            secret_digest: String::new(),
            grant_types: self.grant_types.clone(),
            access_token_validity: self.access_token_validity,
            created_at: self.created_at,
            secret_rotated_at: self.secret_rotated_at,
            token_type: self.token_type.clone(),
            callback_urls: self.callback_urls.clone(),
            public_client: i64::from(self.public_client),
            allow_plain_pkce: i64::from(self.allow_plain_pkce),
            app_token_validity: None,
        }
    }
}

#[derive(Serialize, Deserialize)]
pub struct PortalTokenRequest {
    pub user_id: String,
    pub app_id: String,
    pub key_type: String,
    /// `application` (client credentials) or `user` (password grant).
    pub kind: String,
    #[serde(default)]
    pub password: Option<String>,
    pub scope: String,
    pub validity: Option<i64>,
}

/// A refusal of a portal action: `invalid`, `not_found`, `conflict` or `internal`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Refusal {
    pub error: String,
    pub message: String,
}
