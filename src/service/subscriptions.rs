//! Subscriptions: a developer subscribes an application to a published API, which lets
//! its tokens through the gateway for that API and offers the API's scopes in the
//! portal's Generate Access Token dialog.

use super::error::not_found;
use super::{ApiDetail, ServiceError, Services};
use crate::domain::DEFAULT_SCOPE;
use crate::store::{ApiRow, ApplicationRow, ScopeRow, UserRow};

impl Services {
    /// Subscribes `app_id` (owned by `actor`, or any for an admin) to a published API.
    /// Unpublished APIs answer "not found", as in the portal.
    pub async fn subscribe(
        &self,
        actor: &UserRow,
        app_id: &str,
        api_id: &str,
    ) -> Result<ApiRow, ServiceError> {
        let app = self.application_for(actor, app_id).await?;
        self.subscribe_app(&app, api_id).await
    }

    /// Subscribes an application the caller may act for (the operator's CLI).
    pub async fn subscribe_app(
        &self,
        app: &ApplicationRow,
        api_id: &str,
    ) -> Result<ApiRow, ServiceError> {
        let api = self.store.api(api_id).await.map_err(not_found("API"))?;
        if api.published == 0 {
            return Err(ServiceError::NotFound("API"));
        }
        self.store
            .subscribe(&app.id, &api.id, self.clock.now())
            .await?;
        self.gateway.subscription_changed(&app.id, &api.id);
        Ok(api)
    }

    pub async fn unsubscribe(
        &self,
        actor: &UserRow,
        app_id: &str,
        api_id: &str,
    ) -> Result<(), ServiceError> {
        let app = self.application_for(actor, app_id).await?;
        self.store.unsubscribe(&app.id, api_id).await?;
        self.gateway.subscription_changed(&app.id, api_id);
        Ok(())
    }

    /// The APIs an application is subscribed to, with their resources.
    pub async fn subscriptions(
        &self,
        actor: &UserRow,
        app_id: &str,
    ) -> Result<Vec<ApiDetail>, ServiceError> {
        let app = self.application_for(actor, app_id).await?;
        self.subscribed(&app.id).await
    }

    async fn subscribed(&self, app_id: &str) -> Result<Vec<ApiDetail>, ServiceError> {
        let ids: Vec<String> = self
            .store
            .subscribed_apis(app_id)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        let mut apis = self.apis(false).await?;
        apis.retain(|d| ids.contains(&d.api.id));
        Ok(apis)
    }

    /// `(application, API)` pairs of every application `owner` has.
    pub async fn subscriptions_of(
        &self,
        owner: &UserRow,
    ) -> Result<Vec<(String, String)>, ServiceError> {
        Ok(self.store.subscriptions_of_owner(&owner.id).await?)
    }

    /// The scopes worth asking for in the portal: `default` and those of the resources
    /// of the application's subscribed APIs.
    pub async fn offered_scopes(&self, app_id: &str) -> Result<Vec<ScopeRow>, ServiceError> {
        let mut names = vec![DEFAULT_SCOPE.to_owned()];
        for api in self.subscribed(app_id).await? {
            for r in api.resources {
                names.extend(r.scopes.split_whitespace().map(str::to_owned));
            }
        }
        names.sort();
        names.dedup();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut scopes = self.store.scopes_named(&refs).await?;
        scopes.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(scopes)
    }
}
