//! [`Target`] on a remote node: each operation as REST API v1 calls, with the token's
//! rights (the server checks scopes, ownership and validation, and writes the audit log
//! under the token's user).

use super::remote::{segment, Remote};
use super::remote_answers::*;
use super::target::*;
use crate::domain::audit::AuditEvent;
use crate::domain::KeyType;
use crate::service::{ApiInput, ApplicationInput, ImportRequest, ScopeInput};
use axum::http::Method;
use secrecy::SecretString;
use serde_json::{json, Value};

const USERS: &str = "/api/v1/admin/users";
const APPS: &str = "/api/v1/applications";
const APIS: &str = "/api/v1/publisher/apis";

/// Roles as the command line takes them (commas or spaces) for the REST API's list.
fn role_list(raw: &str) -> Vec<&str> {
    raw.split([',', ' ']).filter(|r| !r.is_empty()).collect()
}

fn user_path(username: &str) -> String {
    format!("{USERS}/{}", segment(username))
}

/// The revision in an `ETag` of the REST API (`"r12"`).
fn revision(etag: &str) -> Option<i64> {
    etag.trim_start_matches("W/")
        .trim_matches('"')
        .strip_prefix('r')?
        .parse()
        .ok()
}

fn import_call(req: &ImportRequest, dry_run: bool) -> (Method, String, Value) {
    let body = json!({
        "document": req.document,
        "context": req.context,
        "backend_url": req.backend_url,
        "dry_run": dry_run,
    });
    match &req.api_id {
        Some(id) => (Method::PUT, format!("{APIS}/{}/import", segment(id)), body),
        None => (Method::POST, format!("{APIS}/import"), body),
    }
}

impl Target for Remote {
    async fn create_user(
        &self,
        username: &str,
        email: Option<&str>,
        password: &SecretString,
        admin: bool,
    ) -> anyhow::Result<UserOut> {
        use secrecy::ExposeSecret;
        let body = json!({"username": username, "email": email,
            "password": password.expose_secret(), "is_admin": admin});
        let user: User = self.json(Method::POST, USERS, Some(&body)).await?;
        Ok(user.into())
    }

    async fn set_locked(&self, username: &str, locked: bool) -> anyhow::Result<UserOut> {
        let body = json!({ "locked": locked });
        let user: User = self
            .json(Method::PATCH, &user_path(username), Some(&body))
            .await?;
        Ok(user.into())
    }

    async fn set_roles(&self, username: &str, roles: &str) -> anyhow::Result<UserOut> {
        let body = json!({ "roles": role_list(roles) });
        let user: User = self
            .json(Method::PATCH, &user_path(username), Some(&body))
            .await?;
        Ok(user.into())
    }

    async fn set_password(&self, _: &str, _: &SecretString) -> anyhow::Result<()> {
        anyhow::bail!(
            "the REST API does not set other users' passwords: users change their own in the \
             portal, or run `portico user set-password` on a node without --server"
        )
    }

    async fn create_app(
        &self,
        owner: Option<&str>,
        input: ApplicationInput,
    ) -> anyhow::Result<AppOut> {
        if owner.is_some() {
            anyhow::bail!(
                "with --server the application belongs to the token's user: leave out --owner"
            );
        }
        let body = json!({"name": input.name, "description": input.description,
            "token_validity": input.token_validity});
        let app: Named = self.json(Method::POST, APPS, Some(&body)).await?;
        Ok(AppOut {
            id: app.id,
            name: app.name,
            owner: None,
        })
    }

    async fn subscribe(&self, app: &str, api: &str) -> anyhow::Result<SubscribedOut> {
        let path = format!("{APPS}/{}", segment(app));
        let application: Named = self.json(Method::GET, &path, None).await?;
        let body = json!({ "api_id": api });
        let path = format!("{path}/subscriptions");
        let api: Named = self.json(Method::POST, &path, Some(&body)).await?;
        Ok(SubscribedOut {
            app_id: application.id,
            app_name: application.name,
            api_label: format!("{} {}", api.name, api.version),
            api_id: api.id,
        })
    }

    async fn generate_keys(&self, app: &str, args: KeyArgs) -> anyhow::Result<KeysOut> {
        let path = format!("{APPS}/{}/keys/{}", segment(app), args.key_type.as_str());
        let body = json!({
            "grant_types": args.grant_types.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
            "access_token_validity": args.validity,
            "token_type": args.token_type.map(|t| t.as_str()),
            "callback_urls": args.callback_urls,
            "public_client": args.public_client,
            "allow_plain_pkce": args.allow_plain_pkce,
        });
        let made: Credentials = self.json(Method::POST, &path, Some(&body)).await?;
        Ok(made.into())
    }

    async fn regenerate_secret(&self, app: &str, key_type: KeyType) -> anyhow::Result<KeysOut> {
        let path = format!(
            "{APPS}/{}/keys/{}/regenerate-secret",
            segment(app),
            key_type.as_str()
        );
        let made: Credentials = self.json(Method::POST, &path, None).await?;
        Ok(made.into())
    }

    async fn create_scope(&self, input: ScopeInput) -> anyhow::Result<ScopeOut> {
        let body = json!({"name": input.name, "display_name": input.display_name,
            "description": input.description, "roles": role_list(&input.roles)});
        let s: Scope = self
            .json(Method::POST, "/api/v1/admin/scopes", Some(&body))
            .await?;
        Ok(ScopeOut {
            name: s.name,
            display_name: s.display_name,
            description: s.description,
            roles: s.roles.join(" "),
        })
    }

    async fn self_signup(&self) -> anyhow::Result<bool> {
        let settings: Value = self
            .json(Method::GET, "/api/v1/admin/settings", None)
            .await?;
        settings["self_signup"]
            .as_bool()
            .ok_or_else(|| anyhow::anyhow!("the settings answer has no `self_signup`"))
    }

    async fn set_self_signup(&self, on: bool) -> anyhow::Result<()> {
        let body = json!({ "self_signup": on });
        self.call(Method::PUT, "/api/v1/admin/settings", Some(&body), None)
            .await?;
        Ok(())
    }

    async fn create_api(&self, input: ApiInput, publish: bool) -> anyhow::Result<ApiOut> {
        let body = json!({"name": input.name, "version": input.version, "context": input.context,
            "backend_url": input.backend_url, "description": input.description});
        let api: ApiOut = self.json(Method::POST, APIS, Some(&body)).await?;
        if publish {
            return self.set_published(&api.id, true).await;
        }
        Ok(api)
    }

    async fn add_resource(
        &self,
        api: &str,
        method: &str,
        path: &str,
        scopes: &str,
    ) -> anyhow::Result<ResourceOut> {
        let body = json!({"method": method, "path": path, "scopes": role_list(scopes)});
        let at = format!("{APIS}/{}/resources", segment(api));
        self.json(Method::POST, &at, Some(&body)).await
    }

    async fn set_published(&self, api: &str, on: bool) -> anyhow::Result<ApiOut> {
        let verb = if on { "publish" } else { "unpublish" };
        let at = format!("{APIS}/{}/{verb}", segment(api));
        self.json(Method::POST, &at, None).await
    }

    async fn apis(&self) -> anyhow::Result<Vec<ApiOut>> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("limit", "200");
            if let Some(c) = &cursor {
                query.append_pair("cursor", c);
            }
            let at = format!("{APIS}?{}", query.finish());
            let page: Page<ApiOut> = self.json(Method::GET, &at, None).await?;
            all.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(all),
            }
        }
    }

    async fn plan_import(&self, req: &ImportRequest) -> anyhow::Result<PlanOut> {
        let (method, at, body) = import_call(req, true);
        let answer = self.call(method, &at, Some(&body), None).await?;
        let mut plan: PlanOut = serde_json::from_value(answer.body)?;
        plan.revision = answer.etag.as_deref().and_then(revision);
        Ok(plan)
    }

    async fn apply_import(&self, req: &ImportRequest, plan: &PlanOut) -> anyhow::Result<ApiOut> {
        let (method, at, body) = import_call(req, false);
        let guard = plan.revision.map(|r| format!("\"r{r}\""));
        let answer = self
            .call(method, &at, Some(&body), guard.as_deref())
            .await?;
        let outcome: Outcome = serde_json::from_value(answer.body)?;
        outcome
            .api
            .ok_or_else(|| anyhow::anyhow!("the import answer names no API"))
    }

    async fn audit(&self, search: AuditSearch, limit: i64) -> anyhow::Result<Vec<AuditEvent>> {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("limit", &limit.to_string());
        let fields = [
            ("since", search.since),
            ("until", search.until),
            ("action", search.action),
            ("actor", search.actor),
        ];
        for (name, value) in fields {
            if let Some(v) = value {
                query.append_pair(name, &v);
            }
        }
        let at = format!("/api/v1/admin/audit?{}", query.finish());
        let page: Page<AuditEvent> = self.json(Method::GET, &at, None).await?;
        Ok(page.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_come_from_the_rest_apis_etags_only() {
        assert_eq!(revision("\"r12\""), Some(12));
        assert_eq!(revision("W/\"r3\""), Some(3));
        assert_eq!(revision("\"12\""), None);
        assert_eq!(revision("\"rx\""), None);
    }

    #[test]
    fn roles_and_scopes_split_on_commas_and_spaces() {
        assert_eq!(role_list("chef,ops  bar,"), vec!["chef", "ops", "bar"]);
        assert!(role_list("").is_empty());
    }
}
