use super::{ServiceError, Services};
use crate::domain::{ScopeName, ValidationError};
use crate::store::{ScopeRow, StoreError};

impl Services {
    pub async fn create_scope(
        &self,
        name: &str,
        description: &str,
    ) -> Result<ScopeRow, ServiceError> {
        let name = ScopeName::parse(name)?;
        if description.chars().count() > 512 {
            return Err(
                ValidationError::new("description", "must be at most 512 characters long").into(),
            );
        }
        self.store
            .insert_scope(name.as_str(), description.trim(), self.clock.now())
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => ValidationError::new("scope", "already exists").into(),
                other => other.into(),
            })
    }

    pub async fn scopes(&self) -> Result<Vec<ScopeRow>, ServiceError> {
        Ok(self.store.list_scopes().await?)
    }
}
