//! Portal sign-in sessions: a random cookie value whose digest names a row in `sessions`.
//! Sign-out, locking the account and changing the password delete the rows, so a session
//! ends everywhere at once.

use super::{ServiceError, Services};
use crate::crypto;
use crate::domain::audit::Action;
use crate::store::{SessionRow, StoreError, UserRow};
use secrecy::{ExposeSecret, SecretString};
use std::net::IpAddr;

/// Absolute session lifetime and idle timeout, in seconds.
pub const SESSION_LIFETIME: i64 = 12 * 3600;
pub const SESSION_IDLE: i64 = 2 * 3600;
/// `last_seen_at` is written at most this often, to keep page loads read-only.
const TOUCH_EVERY: i64 = 60;

impl Services {
    /// Checks the password (throttled like the password grant) and opens a new session.
    /// Returns the cookie value, shown to nobody but the browser.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &SecretString,
        addr: IpAddr,
    ) -> Result<(SecretString, UserRow), ServiceError> {
        let signed_in = async {
            let user = self
                .authenticate_throttled(username, password, addr)
                .await?
                .ok_or(ServiceError::BadCredentials)?;
            let token = self.open_session(&user).await?;
            Ok((token, user))
        }
        .await;
        // Failures and lockouts (`denied`) under the name that was tried.
        let actor = super::audit::Actor::claimed(username, addr);
        self.audited(&actor, Action::SignIn, "", signed_in).await
    }

    pub async fn open_session(&self, user: &UserRow) -> Result<SecretString, ServiceError> {
        let token = crypto::random_token();
        let now = self.clock.now();
        self.store
            .insert_session(&SessionRow {
                id_digest: crypto::digest(&token),
                user_id: user.id.clone(),
                created_at: now,
                expires_at: now + SESSION_LIFETIME,
                last_seen_at: now,
            })
            .await?;
        Ok(SecretString::from(token))
    }

    /// The signed-in user for a session cookie, if the session is live and the account
    /// is not locked.
    pub async fn session_user(&self, token: &str) -> Result<Option<UserRow>, ServiceError> {
        let digest = crypto::digest(token);
        let session = match self.store.session(&digest).await {
            Ok(s) => s,
            Err(StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let now = self.clock.now();
        if session.expires_at <= now || session.last_seen_at + SESSION_IDLE <= now {
            self.store.delete_session(&digest).await?;
            return Ok(None);
        }
        let user = match self.store.user_by_id(&session.user_id).await {
            Ok(u) if u.locked == 0 => u,
            Ok(_) | Err(StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if now - session.last_seen_at >= TOUCH_EVERY {
            self.store.touch_session(&digest, now).await?;
        }
        Ok(Some(user))
    }

    pub async fn sign_out(&self, token: &SecretString) -> Result<(), ServiceError> {
        Ok(self
            .store
            .delete_session(&crypto::digest(token.expose_secret()))
            .await?)
    }

    /// Changes the signed-in user's own password after checking the current one; ends
    /// every session and revokes every token, then opens a fresh session for this browser.
    pub async fn change_own_password(
        &self,
        user: &UserRow,
        current: &SecretString,
        new: &SecretString,
        addr: std::net::IpAddr,
    ) -> Result<SecretString, ServiceError> {
        // Throttled like sign-in: a stolen session must not become unlimited guessing
        // of the password behind it.
        let proven = self
            .authenticate_throttled(&user.username, current, addr)
            .await?;
        if proven.is_none() {
            return Err(
                crate::domain::ValidationError::new("current_password", "is not correct").into(),
            );
        }
        if current.expose_secret() == new.expose_secret() {
            return Err(crate::domain::ValidationError::new(
                "new_password",
                "must differ from the current password",
            )
            .into());
        }
        self.set_password(&user.username, new, false).await?;
        let user = self.store.user_by_id(&user.id).await?;
        self.open_session(&user).await
    }
}
