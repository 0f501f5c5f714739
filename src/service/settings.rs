use super::{ServiceError, Services};

const SELF_SIGNUP: &str = "portal.self_signup";

impl Services {
    /// Whether developers may sign themselves up: the stored setting once an admin has
    /// chosen, the configured default before. Read from the database each time so every
    /// node sharing it agrees at once.
    pub async fn self_signup_enabled(&self) -> Result<bool, ServiceError> {
        Ok(match self.store.setting(SELF_SIGNUP).await? {
            Some(v) => v == "true",
            None => self.self_signup_default,
        })
    }

    pub async fn set_self_signup(&self, enabled: bool) -> Result<(), ServiceError> {
        let value = if enabled { "true" } else { "false" };
        Ok(self
            .store
            .put_setting(SELF_SIGNUP, value, self.clock.now())
            .await?)
    }
}
