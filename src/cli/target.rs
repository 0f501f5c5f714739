//! What an admin command acts on: this node's database ([`Services`]), or another node
//! through its REST API ([`super::remote::Remote`]). The commands are written once
//! against [`Target`], so both print the same lines and the same JSON.
//!
//! [`Services`]: crate::service::Services

use crate::domain::audit::{AuditEvent, AuditFilter};
use crate::domain::{GrantTypes, KeyType, TokenType};
use crate::service::{ApiInput, ApplicationInput, ImportRequest, ScopeInput};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// An account after a command changed it. `id` is known on the node's own database only
/// (the REST API names users by username).
#[derive(Debug)]
pub struct UserOut {
    pub id: Option<String>,
    pub username: String,
    pub roles: Vec<String>,
}

#[derive(Debug)]
pub struct AppOut {
    pub id: String,
    pub name: String,
    /// The owner's username, where the target says it.
    pub owner: Option<String>,
}

/// Key options as given on the command line. The grant types are read once, here; the
/// rest each target validates its own way (the REST API is the authority remotely).
#[derive(Debug)]
pub struct KeyArgs {
    pub key_type: KeyType,
    pub grant_types: GrantTypes,
    pub validity: Option<i64>,
    pub token_type: Option<TokenType>,
    pub callback_urls: Vec<String>,
    pub public_client: bool,
    pub allow_plain_pkce: bool,
}

/// New credentials; the secret is empty for a public client.
#[derive(Debug)]
pub struct KeysOut {
    pub consumer_key: String,
    pub consumer_secret: SecretString,
    pub key_type: String,
    pub grant_types: Vec<String>,
    pub token_type: String,
    pub callback_urls: Vec<String>,
    pub public_client: bool,
}

#[derive(Debug, Serialize)]
pub struct ScopeOut {
    pub name: String,
    pub display_name: String,
    pub description: String,
    /// Space-separated, as stored.
    pub roles: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ResourceOut {
    pub id: String,
    pub method: String,
    pub path: String,
    pub scopes: Vec<String>,
}

/// An API as `--json` prints it (the REST API's publisher view has these fields too).
#[derive(Debug, Serialize, Deserialize)]
pub struct ApiOut {
    pub id: String,
    pub name: String,
    pub version: String,
    pub context: String,
    pub backend_url: String,
    pub published: bool,
    pub resources: Vec<ResourceOut>,
}

/// What an import would change.
#[derive(Debug, Default, Deserialize)]
pub struct PlanOut {
    /// The revision of the API the plan was made against; applying the plan is refused
    /// if the API has changed since (someone else's edit is never overwritten unseen).
    #[serde(skip)]
    pub revision: Option<i64>,
    pub changes: Vec<String>,
    pub new_scopes: Vec<String>,
    pub warnings: Vec<String>,
    pub problems: Vec<String>,
}

/// The subscription a command made, with names for people.
#[derive(Debug)]
pub struct SubscribedOut {
    pub app_id: String,
    pub app_name: String,
    pub api_id: String,
    /// `name version`.
    pub api_label: String,
}

/// The admin operations, one method per thing a command does. Errors are already in
/// words for the operator.
pub trait Target {
    async fn create_user(
        &self,
        username: &str,
        email: Option<&str>,
        password: &SecretString,
        admin: bool,
    ) -> anyhow::Result<UserOut>;
    async fn set_locked(&self, username: &str, locked: bool) -> anyhow::Result<UserOut>;
    async fn set_roles(&self, username: &str, roles: &str) -> anyhow::Result<UserOut>;
    async fn set_password(&self, username: &str, password: &SecretString) -> anyhow::Result<()>;
    async fn create_app(
        &self,
        owner: Option<&str>,
        input: ApplicationInput,
    ) -> anyhow::Result<AppOut>;
    async fn subscribe(&self, app: &str, api: &str) -> anyhow::Result<SubscribedOut>;
    async fn generate_keys(&self, app: &str, args: KeyArgs) -> anyhow::Result<KeysOut>;
    async fn regenerate_secret(&self, app: &str, key_type: KeyType) -> anyhow::Result<KeysOut>;
    async fn create_scope(&self, input: ScopeInput) -> anyhow::Result<ScopeOut>;
    async fn self_signup(&self) -> anyhow::Result<bool>;
    async fn set_self_signup(&self, on: bool) -> anyhow::Result<()>;
    async fn create_api(&self, input: ApiInput, publish: bool) -> anyhow::Result<ApiOut>;
    async fn add_resource(
        &self,
        api: &str,
        method: &str,
        path: &str,
        scopes: &str,
    ) -> anyhow::Result<ResourceOut>;
    async fn set_published(&self, api: &str, on: bool) -> anyhow::Result<ApiOut>;
    async fn apis(&self) -> anyhow::Result<Vec<ApiOut>>;
    async fn plan_import(&self, req: &ImportRequest) -> anyhow::Result<PlanOut>;
    async fn apply_import(&self, req: &ImportRequest, plan: &PlanOut) -> anyhow::Result<ApiOut>;
    async fn audit(&self, filter: AuditSearch, limit: i64) -> anyhow::Result<Vec<AuditEvent>>;
}

/// The audit filter as typed: moments stay text so that the target reads them against
/// its own clock (a remote node's, not this machine's).
#[derive(Debug, Default)]
pub struct AuditSearch {
    pub since: Option<String>,
    pub until: Option<String>,
    pub action: Option<String>,
    pub actor: Option<String>,
}

impl AuditSearch {
    /// The filter against `now`; a moment that does not parse names its flag.
    pub fn filter(self, now: i64) -> anyhow::Result<AuditFilter> {
        let moment = |flag: &str, text: Option<String>| {
            text.map(|t| {
                crate::domain::parse_moment(t.trim(), now).ok_or_else(|| {
                    anyhow::anyhow!(
                        "--{flag} {t:?}: use 2026-12-01, 2026-12-01T09:30:00Z, 24h or 7d"
                    )
                })
            })
            .transpose()
        };
        Ok(AuditFilter {
            since: moment("since", self.since)?,
            until: moment("until", self.until)?,
            action: self.action,
            actor: self.actor,
        })
    }
}
