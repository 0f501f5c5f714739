use super::error::not_found;
use super::{ServiceError, Services};
use crate::domain::ValidationError;
use crate::store::{ApplicationRow, StoreError, UserRow};

/// What a developer fills in to create or edit an application.
#[derive(Debug, Clone)]
pub struct ApplicationInput {
    pub name: String,
    pub description: String,
    /// Access-token lifetime in seconds for this application; `None` uses the server's.
    pub token_validity: Option<i64>,
}

impl ApplicationInput {
    pub const NAME_MAX: usize = 70;
    pub const DESCRIPTION_MAX: usize = 512;

    fn validated(self) -> Result<Self, ValidationError> {
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > Self::NAME_MAX {
            return Err(ValidationError::new(
                "name",
                "must be 1 to 70 characters long",
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(ValidationError::new(
                "name",
                "must not contain control characters",
            ));
        }
        let description = self.description.trim().to_owned();
        if description.chars().count() > Self::DESCRIPTION_MAX {
            return Err(ValidationError::new(
                "description",
                "must be at most 512 characters long",
            ));
        }
        if let Some(v) = self.token_validity {
            if !(60..=31_536_000).contains(&v) {
                return Err(ValidationError::new(
                    "token_validity",
                    "must be between 60 seconds and one year",
                ));
            }
        }
        Ok(Self {
            name,
            description,
            token_validity: self.token_validity,
        })
    }
}

fn name_taken(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict(_) => {
            ValidationError::new("name", "is already used by another of your applications").into()
        }
        other => other.into(),
    }
}

impl Services {
    pub async fn create_application(
        &self,
        owner: &UserRow,
        input: ApplicationInput,
    ) -> Result<ApplicationRow, ServiceError> {
        let input = input.validated()?;
        self.store
            .insert_application(
                &owner.id,
                &input.name,
                &input.description,
                input.token_validity,
                self.clock.now(),
            )
            .await
            .map_err(name_taken)
    }

    /// The application if `actor` owns it (or is an admin). Someone else's application
    /// answers "not found", so ids cannot be probed.
    pub async fn application_for(
        &self,
        actor: &UserRow,
        app_id: &str,
    ) -> Result<ApplicationRow, ServiceError> {
        let app = self
            .store
            .application(app_id)
            .await
            .map_err(not_found("application"))?;
        if app.owner_id != actor.id && actor.is_admin == 0 {
            return Err(ServiceError::NotFound("application"));
        }
        Ok(app)
    }

    pub async fn applications_of(
        &self,
        owner: &UserRow,
    ) -> Result<Vec<ApplicationRow>, ServiceError> {
        Ok(self.store.applications_of(&owner.id).await?)
    }

    /// Saves the application. With `expected`, only if it is still at one of those revisions:
    /// otherwise `Stale`, as it is when a concurrent change wins the race.
    pub async fn update_application(
        &self,
        actor: &UserRow,
        app_id: &str,
        input: ApplicationInput,
        expected: Option<&[i64]>,
    ) -> Result<ApplicationRow, ServiceError> {
        let app = self.application_for(actor, app_id).await?;
        let input = input.validated()?;
        if expected.is_some_and(|r| !r.contains(&app.revision)) {
            return Err(ServiceError::Stale("application"));
        }
        let updated = self
            .store
            .update_application(
                &app.id,
                &input.name,
                &input.description,
                input.token_validity,
                self.clock.now(),
                app.revision,
            )
            .await
            .map_err(|e| match e {
                StoreError::NotFound => ServiceError::Stale("application"),
                other => name_taken(other),
            })?;
        // Cached keys carry the application's token validity.
        for key in self.store.keys_of_application(&app.id).await? {
            self.client_keys.forget(&key.consumer_key);
        }
        Ok(updated)
    }

    /// Deletes the application, its keys, and revokes its tokens.
    pub async fn delete_application(
        &self,
        actor: &UserRow,
        app_id: &str,
    ) -> Result<(), ServiceError> {
        let app = self.application_for(actor, app_id).await?;
        let keys = self.store.keys_of_application(&app.id).await?;
        self.store
            .delete_application(&app.id, self.clock.now())
            .await?;
        for key in keys {
            self.client_keys.forget(&key.consumer_key);
        }
        Ok(())
    }
}
