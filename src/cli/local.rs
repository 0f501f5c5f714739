//! [`Target`] on this node's own database: the services, with each change recorded in
//! the audit log as done by `cli`.

use super::target::*;
use crate::domain::audit::{Action, AuditEvent};
use crate::domain::redirect_uri::CallbackUrls;
use crate::domain::KeyType;
use crate::service::{
    ApiDetail, ApiInput, ApplicationInput, ImportRequest, KeyRequest, ScopeInput, ServiceError,
    Services,
};
use crate::store::{ApplicationRow, UserRow};
use secrecy::SecretString;

/// Records in the audit log what the command line did, and hands the result back.
async fn audited<T>(
    s: &Services,
    action: Action,
    target: &str,
    result: Result<T, ServiceError>,
) -> Result<T, ServiceError> {
    let actor = crate::service::audit::Actor::cli();
    s.audited(&actor, action, target, result).await
}

fn user_out(u: UserRow) -> UserOut {
    UserOut {
        id: Some(u.id),
        roles: u.roles.split_whitespace().map(str::to_owned).collect(),
        username: u.username,
    }
}

impl From<ApiDetail> for ApiOut {
    fn from(d: ApiDetail) -> Self {
        ApiOut {
            id: d.api.id,
            name: d.api.name,
            version: d.api.version,
            context: d.api.context,
            backend_url: d.api.backend_url,
            published: d.api.published == 1,
            resources: d.resources.into_iter().map(resource_out).collect(),
        }
    }
}

fn resource_out(r: crate::store::ResourceRow) -> ResourceOut {
    ResourceOut {
        id: r.id,
        method: r.method,
        path: r.path,
        scopes: r.scopes.split_whitespace().map(str::to_owned).collect(),
    }
}

fn keys_out(g: crate::service::GeneratedKeys) -> KeysOut {
    KeysOut {
        token_type: g.key.access_token_type().as_str().to_owned(),
        consumer_key: g.consumer_key,
        consumer_secret: g.consumer_secret,
        grant_types: g.key.grant_types.split(',').map(str::to_owned).collect(),
        callback_urls: g.key.callback_urls.lines().map(str::to_owned).collect(),
        public_client: g.key.public_client != 0,
        key_type: g.key.key_type,
    }
}

async fn application(s: &Services, id: &str) -> anyhow::Result<ApplicationRow> {
    s.store
        .application(id)
        .await
        .map_err(|_| anyhow::anyhow!("application not found"))
}

impl Target for Services {
    async fn create_user(
        &self,
        username: &str,
        email: Option<&str>,
        password: &SecretString,
        admin: bool,
    ) -> anyhow::Result<UserOut> {
        let created = self
            .create_user(username, email, password, admin, false)
            .await;
        let u = audited(self, Action::UserCreated, username, created).await?;
        Ok(user_out(u))
    }

    async fn set_locked(&self, username: &str, locked: bool) -> anyhow::Result<UserOut> {
        let done = Services::set_locked(self, username, locked).await;
        let action = if locked {
            Action::UserLocked
        } else {
            Action::UserUnlocked
        };
        Ok(user_out(audited(self, action, username, done).await?))
    }

    async fn set_roles(&self, username: &str, roles: &str) -> anyhow::Result<UserOut> {
        let done = Services::set_roles(self, username, roles).await;
        let target = format!("{username} (roles: {roles})");
        Ok(user_out(
            audited(self, Action::RolesChanged, &target, done).await?,
        ))
    }

    async fn set_password(&self, username: &str, password: &SecretString) -> anyhow::Result<()> {
        let done = Services::set_password(self, username, password, false).await;
        audited(self, Action::PasswordChanged, username, done).await?;
        Ok(())
    }

    async fn create_app(
        &self,
        owner: Option<&str>,
        input: ApplicationInput,
    ) -> anyhow::Result<AppOut> {
        let owner = owner.ok_or_else(|| anyhow::anyhow!("--owner is required"))?;
        let owner = self.user(owner).await?;
        let a = self.create_application(&owner, input).await?;
        Ok(AppOut {
            id: a.id,
            name: a.name,
            owner: Some(owner.username),
        })
    }

    async fn subscribe(&self, app: &str, api: &str) -> anyhow::Result<SubscribedOut> {
        let app = application(self, app).await?;
        let done = self.subscribe_app(&app, api).await;
        let target = format!("application {} to API {api}", app.id);
        let api = audited(self, Action::Subscribed, &target, done).await?;
        Ok(SubscribedOut {
            app_id: app.id,
            app_name: app.name,
            api_label: format!("{} {}", api.name, api.version),
            api_id: api.id,
        })
    }

    async fn generate_keys(&self, app: &str, args: KeyArgs) -> anyhow::Result<KeysOut> {
        let app = application(self, app).await?;
        let target = format!("{} ({:?})", app.name, args.key_type);
        let request = KeyRequest {
            key_type: args.key_type,
            grant_types: args.grant_types,
            access_token_validity: args.validity,
            token_type: args.token_type,
            callback_urls: CallbackUrls::parse(&args.callback_urls.join("\n"))?,
            public_client: args.public_client,
            allow_plain_pkce: args.allow_plain_pkce,
        };
        let done = Services::generate_keys(self, &app, request).await;
        Ok(keys_out(
            audited(self, Action::KeysGenerated, &target, done).await?,
        ))
    }

    async fn regenerate_secret(&self, app: &str, key_type: KeyType) -> anyhow::Result<KeysOut> {
        let app = application(self, app).await?;
        let target = format!("{} ({key_type:?})", app.name);
        let done = Services::regenerate_secret(self, &app, key_type).await;
        Ok(keys_out(
            audited(self, Action::SecretRegenerated, &target, done).await?,
        ))
    }

    async fn create_scope(&self, input: ScopeInput) -> anyhow::Result<ScopeOut> {
        let target = format!("{} (roles: {})", input.name, input.roles);
        let done = Services::create_scope(self, input).await;
        let row = audited(self, Action::ScopeCreated, &target, done).await?;
        Ok(ScopeOut {
            name: row.name,
            display_name: row.display_name,
            description: row.description,
            roles: row.roles,
        })
    }

    async fn self_signup(&self) -> anyhow::Result<bool> {
        Ok(self.self_signup_enabled().await?)
    }

    async fn set_self_signup(&self, on: bool) -> anyhow::Result<()> {
        let done = Services::set_self_signup(self, on).await;
        let state = if on { "on" } else { "off" };
        audited(self, Action::SelfSignupSwitched, state, done).await?;
        Ok(())
    }

    async fn create_api(&self, input: ApiInput, publish: bool) -> anyhow::Result<ApiOut> {
        let target = format!("{} {}", input.name, input.version);
        let created = Services::create_api(self, input).await;
        let mut api = audited(self, Action::ApiCreated, &target, created).await?;
        if publish {
            let done = Services::set_published(self, &api.id, true, None).await;
            api = audited(self, Action::ApiPublished, &api.id, done).await?;
        }
        Ok(self.api_detail(&api.id).await?.into())
    }

    async fn add_resource(
        &self,
        api: &str,
        method: &str,
        path: &str,
        scopes: &str,
    ) -> anyhow::Result<ResourceOut> {
        let done = Services::add_resource(self, api, method, path, scopes).await;
        let target = format!("{api} {method} {path}");
        let row = audited(self, Action::ResourceAdded, &target, done).await?;
        Ok(resource_out(row))
    }

    async fn set_published(&self, api: &str, on: bool) -> anyhow::Result<ApiOut> {
        let done = Services::set_published(self, api, on, None).await;
        let action = if on {
            Action::ApiPublished
        } else {
            Action::ApiUnpublished
        };
        let row = audited(self, action, api, done).await?;
        Ok(self.api_detail(&row.id).await?.into())
    }

    async fn apis(&self) -> anyhow::Result<Vec<ApiOut>> {
        let all = Services::apis(self, false).await?;
        Ok(all.into_iter().map(ApiOut::from).collect())
    }

    async fn plan_import(&self, req: &ImportRequest) -> anyhow::Result<PlanOut> {
        let plan = Services::plan_import(self, req).await?;
        Ok(PlanOut {
            revision: plan.target.as_ref().map(|a| a.revision),
            changes: plan.changes.iter().map(|c| c.line()).collect(),
            new_scopes: plan.new_scopes.into_iter().map(|(n, _)| n).collect(),
            warnings: plan.warnings,
            problems: plan.problems,
        })
    }

    async fn apply_import(&self, req: &ImportRequest, plan: &PlanOut) -> anyhow::Result<ApiOut> {
        let target = req.api_id.clone().unwrap_or_else(|| "new API".into());
        let expected = plan.revision.map(|r| [r]);
        let done = Services::apply_import(self, req, expected.as_ref().map(|r| &r[..])).await;
        let api = audited(self, Action::ApiImported, &target, done).await?;
        Ok(self.api_detail(&api.id).await?.into())
    }

    async fn audit(&self, search: AuditSearch, limit: i64) -> anyhow::Result<Vec<AuditEvent>> {
        let filter = search.filter(self.clock.now())?;
        Ok(self.audit_log(&filter, None, limit).await?.events)
    }
}
