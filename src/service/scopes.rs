//! Scopes and the roles that restrict them; users' roles.

use super::error::not_found;
use super::{ServiceError, Services};
use crate::domain::api::RoleSet;
use crate::domain::{ScopeName, ValidationError};
use crate::store::{ScopeRow, StoreError, UserRow};

/// What an admin fills in for a scope.
#[derive(Debug, Clone, Default)]
pub struct ScopeInput {
    pub name: String,
    pub display_name: String,
    pub description: String,
    /// Comma- or space-separated; empty lets anyone have the scope.
    pub roles: String,
}

impl ScopeInput {
    fn validated(&self, now: i64) -> Result<ScopeRow, ValidationError> {
        let name = ScopeName::parse(self.name.trim())?;
        let display_name = self.display_name.trim();
        if display_name.chars().count() > 100 {
            return Err(ValidationError::new(
                "display_name",
                "must be at most 100 characters long",
            ));
        }
        if self.description.chars().count() > 512 {
            return Err(ValidationError::new(
                "description",
                "must be at most 512 characters long",
            ));
        }
        let roles = RoleSet::parse(&self.roles)?;
        if name.as_str() == crate::domain::DEFAULT_SCOPE && !roles.is_empty() {
            return Err(ValidationError::new(
                "roles",
                "the default scope cannot be restricted",
            ));
        }
        Ok(ScopeRow {
            display_name: if display_name.is_empty() {
                name.as_str().to_owned()
            } else {
                display_name.to_owned()
            },
            name: name.as_str().to_owned(),
            description: self.description.trim().to_owned(),
            roles: roles.to_string(),
            created_at: now,
        })
    }
}

impl Services {
    pub async fn create_scope(&self, input: ScopeInput) -> Result<ScopeRow, ServiceError> {
        let row = input.validated(self.clock.now())?;
        self.store.insert_scope(&row).await.map_err(|e| match e {
            StoreError::Conflict(_) => ValidationError::new("name", "already exists").into(),
            other => other.into(),
        })
    }

    /// Changes a scope's display name, description and roles. Tokens already issued
    /// keep their scopes until they expire or are revoked.
    pub async fn update_scope(&self, input: ScopeInput) -> Result<ScopeRow, ServiceError> {
        let row = input.validated(self.clock.now())?;
        self.store
            .update_scope(&row)
            .await
            .map_err(not_found("scope"))?;
        Ok(row)
    }

    pub async fn scopes(&self) -> Result<Vec<ScopeRow>, ServiceError> {
        Ok(self.store.list_scopes().await?)
    }

    /// Replaces a user's roles.
    pub async fn set_roles(&self, username: &str, roles: &str) -> Result<UserRow, ServiceError> {
        let roles = RoleSet::parse(roles)?;
        if roles.contains(crate::domain::api::ADMIN_ROLE) {
            return Err(ValidationError::new(
                "roles",
                "`admin` is held by administrators; make the user an administrator instead",
            )
            .into());
        }
        let mut user = self.user(username).await?;
        self.store
            .set_user_roles(&user.id, &roles.to_string())
            .await?;
        user.roles = roles.to_string();
        Ok(user)
    }
}
