use super::{ServiceError, Services};

const SELF_SIGNUP: &str = "portal.self_signup";
const FORM_ERROR_KEY: &str = "portal.form_error_key";

/// The key that signs errors passed back to pages in redirect URLs: made once, kept in
/// the database, so every node sharing it recognises the others' signatures.
pub async fn form_error_signer(
    store: &crate::store::Store,
    now: crate::domain::Epoch,
) -> Result<crate::crypto::Signer, ServiceError> {
    let key = store
        .setting_or_insert(FORM_ERROR_KEY, &crate::crypto::random_token(), now)
        .await?;
    crate::crypto::Signer::from_key(&key)
        .ok_or_else(|| ServiceError::Internal(format!("setting {FORM_ERROR_KEY} is not a key")))
}

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
