//! APIs and their resources, managed by admins (callers check that), published to the
//! portal and routed by the gateway.

use super::error::not_found;
use super::{ServiceError, Services};
use crate::domain::api::{parse_method, ApiContext, PathTemplate};
use crate::domain::backend::BackendPolicy;
use crate::domain::{ScopeSet, ValidationError};
use crate::store::{ApiRow, ResourceRow, StoreError};
use std::collections::HashMap;

/// What an admin fills in for an API.
#[derive(Debug, Clone, Default)]
pub struct ApiInput {
    pub name: String,
    pub version: String,
    pub context: String,
    pub backend_url: String,
    pub description: String,
}

/// An API with its resources.
#[derive(Debug, Clone)]
pub struct ApiDetail {
    pub api: ApiRow,
    pub resources: Vec<ResourceRow>,
}

fn check_backend(raw: &str, policy: &BackendPolicy) -> Result<String, ValidationError> {
    let fail = |m: &str| ValidationError::new("backend_url", m);
    let url = url::Url::parse(raw.trim()).map_err(|_| fail("must be an absolute http(s) URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(fail("must be an absolute http(s) URL"));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(fail("must not carry a query, fragment or credentials"));
    }
    let port = url.port_or_known_default().unwrap_or(80);
    if let Some(host) = url.host_str() {
        policy
            .check_host(host, port)
            .map_err(|why| fail(&why.to_string()))?;
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

impl ApiInput {
    pub(super) fn validated(&self, policy: &BackendPolicy) -> Result<ApiInput, ValidationError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 70 || name.chars().any(char::is_control) {
            return Err(ValidationError::new(
                "name",
                "must be 1 to 70 characters long",
            ));
        }
        let version = self.version.trim();
        let version_ok = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
        if version.is_empty() || version.len() > 30 || !version.chars().all(version_ok) {
            return Err(ValidationError::new(
                "version",
                "must be 1 to 30 letters, digits, . _ or -",
            ));
        }
        let most = crate::domain::api::DESCRIPTION_MAX;
        if self.description.chars().count() > most {
            return Err(ValidationError::new(
                "description",
                format!("must be at most {most} characters long"),
            ));
        }
        Ok(ApiInput {
            name: name.to_owned(),
            version: version.to_owned(),
            context: ApiContext::parse(self.context.trim())?.as_str().to_owned(),
            backend_url: check_backend(&self.backend_url, policy)?,
            description: self.description.trim().to_owned(),
        })
    }
}

impl ApiInput {
    /// A new, unpublished API at its first revision.
    pub(super) fn new_row(self, now: crate::domain::Epoch) -> ApiRow {
        ApiRow {
            id: uuid::Uuid::new_v4().to_string(),
            name: self.name,
            version: self.version,
            context: self.context,
            backend_url: self.backend_url,
            description: self.description,
            published: 0,
            created_at: now,
            updated_at: now,
            revision: 1,
        }
    }
}

pub(super) fn clash(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict(_) => ValidationError::new(
            "context",
            "another API already uses this context, or this name and version",
        )
        .into(),
        other => other.into(),
    }
}

impl Services {
    pub async fn create_api(&self, input: ApiInput) -> Result<ApiRow, ServiceError> {
        let row = input
            .validated(&self.backend_policy)?
            .new_row(self.clock.now());
        let row = self.store.insert_api(&row).await.map_err(clash)?;
        self.gateway.routes_changed();
        Ok(row)
    }

    pub async fn api_detail(&self, id: &str) -> Result<ApiDetail, ServiceError> {
        let api = self.store.api(id).await.map_err(not_found("API"))?;
        let resources = self.store.resources(&api.id).await?;
        Ok(ApiDetail { api, resources })
    }

    /// Saves the API. With `expected`, only if it is still at one of those revisions: otherwise
    /// `Stale`, as it is when a concurrent change wins the race.
    pub async fn update_api(
        &self,
        id: &str,
        input: ApiInput,
        expected: Option<&[i64]>,
    ) -> Result<ApiRow, ServiceError> {
        let input = input.validated(&self.backend_policy)?;
        let mut row = self.current_api(id, expected).await?;
        row.name = input.name;
        row.version = input.version;
        row.context = input.context;
        row.backend_url = input.backend_url;
        row.description = input.description;
        self.save_api(&mut row).await
    }

    /// Published APIs are listed in the portal and routed by the gateway.
    pub async fn set_published(
        &self,
        id: &str,
        published: bool,
        expected: Option<&[i64]>,
    ) -> Result<ApiRow, ServiceError> {
        let mut row = self.current_api(id, expected).await?;
        row.published = i64::from(published);
        self.save_api(&mut row).await
    }

    async fn current_api(
        &self,
        id: &str,
        expected: Option<&[i64]>,
    ) -> Result<ApiRow, ServiceError> {
        let row = self.store.api(id).await.map_err(not_found("API"))?;
        if expected.is_some_and(|r| !r.contains(&row.revision)) {
            return Err(ServiceError::Stale("API"));
        }
        Ok(row)
    }

    /// Writes `row` over the revision it was read at, and moves it to the next.
    async fn save_api(&self, row: &mut ApiRow) -> Result<ApiRow, ServiceError> {
        row.updated_at = self.clock.now();
        self.store.update_api(row).await.map_err(|e| match e {
            StoreError::NotFound => ServiceError::Stale("API"),
            other => clash(other),
        })?;
        row.revision += 1;
        self.gateway.routes_changed();
        Ok(row.clone())
    }

    /// Deletes the API, its resources and every subscription to it.
    pub async fn delete_api(&self, id: &str) -> Result<(), ServiceError> {
        self.store.delete_api(id).await.map_err(not_found("API"))?;
        self.gateway.routes_changed();
        Ok(())
    }

    /// Every API for admins, or only published ones, each with its resources.
    pub async fn apis(&self, published_only: bool) -> Result<Vec<ApiDetail>, ServiceError> {
        let apis = self.store.list_apis(published_only).await?;
        let mut by_api: HashMap<String, Vec<ResourceRow>> = HashMap::new();
        for r in self.store.all_resources(published_only).await? {
            by_api.entry(r.api_id.clone()).or_default().push(r);
        }
        Ok(apis
            .into_iter()
            .map(|api| ApiDetail {
                resources: by_api.remove(&api.id).unwrap_or_default(),
                api,
            })
            .collect())
    }

    /// Adds a resource; every scope it names must exist.
    pub async fn add_resource(
        &self,
        api_id: &str,
        method: &str,
        path: &str,
        scopes: &str,
    ) -> Result<ResourceRow, ServiceError> {
        let api = self.store.api(api_id).await.map_err(not_found("API"))?;
        let method = parse_method(method)?;
        let path = PathTemplate::parse(path.trim())?;
        let scopes = ScopeSet::parse(&scopes.replace(',', " "))?;
        let names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
        let known = self.store.scopes_named(&names).await?;
        if let Some(unknown) = names.iter().find(|n| !known.iter().any(|k| k.name == **n)) {
            return Err(
                ValidationError::new("scopes", format!("no scope named `{unknown}`")).into(),
            );
        }
        let row = ResourceRow {
            id: uuid::Uuid::new_v4().to_string(),
            api_id: api.id,
            method: method.to_owned(),
            path: path.as_str().to_owned(),
            scopes: scopes.to_string(),
            summary: String::new(),
            parameters: "[]".into(),
        };
        let row = self
            .store
            .insert_resource(&row)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => ServiceError::from(ValidationError::new(
                    "path",
                    "this API already has a resource with this method and path",
                )),
                other => other.into(),
            })?;
        self.gateway.routes_changed();
        Ok(row)
    }

    pub async fn delete_resource(&self, api_id: &str, id: &str) -> Result<(), ServiceError> {
        self.store
            .delete_resource(api_id, id)
            .await
            .map_err(not_found("resource"))?;
        self.gateway.routes_changed();
        Ok(())
    }
}
