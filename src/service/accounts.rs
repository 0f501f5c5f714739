use super::error::not_found;
use super::{ServiceError, Services};
use crate::domain::{Username, ValidationError};
use crate::store::{NewUser, StoreError, UserRow};
use secrecy::{ExposeSecret, SecretString};

/// Password rules (NIST SP 800-63B): 8 to 128 characters, not the username, not one
/// character repeated. No composition rules: length is what makes a password strong.
pub struct PasswordPolicy;

impl PasswordPolicy {
    pub const MIN: usize = 8;
    pub const MAX: usize = 128;

    pub fn check(password: &str, username: &str) -> Result<(), ValidationError> {
        let err = |m: &str| Err(ValidationError::new("password", m));
        let len = password.chars().count();
        if len < Self::MIN {
            return err("must be at least 8 characters long");
        }
        if len > Self::MAX {
            return err("must be at most 128 characters long");
        }
        if password.eq_ignore_ascii_case(username) {
            return err("must not be the username");
        }
        let mut chars = password.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return err("must not be one character repeated");
        }
        Ok(())
    }
}

/// The first-start administrator; `generated_password` is set when Portico chose it and
/// must be shown to the operator this once.
pub struct Bootstrap {
    pub username: String,
    pub generated_password: Option<SecretString>,
}

impl Services {
    pub async fn create_user(
        &self,
        username: &str,
        email: Option<&str>,
        password: &SecretString,
        is_admin: bool,
        must_change_password: bool,
    ) -> Result<UserRow, ServiceError> {
        let username = Username::parse(username)?;
        PasswordPolicy::check(password.expose_secret(), username.as_str())?;
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        if let Some(e) = email {
            if e.len() > 254 || !e.contains('@') || e.starts_with('@') || e.ends_with('@') {
                return Err(ValidationError::new("email", "is not an email address").into());
            }
        }
        let hash = self.hasher.hash(password).await?;
        let new = NewUser {
            username: username.as_str(),
            email,
            password_hash: &hash,
            is_admin,
            must_change_password,
            now: self.clock.now(),
        };
        self.store.insert_user(new).await.map_err(|e| match e {
            StoreError::Conflict(_) => ValidationError::new("username", "is already taken").into(),
            other => other.into(),
        })
    }

    /// Creates `admin` when the database has no user yet. Several nodes starting on one
    /// database at once is fine: the loser of the race sees the admin already there.
    pub async fn bootstrap_admin(
        &self,
        password: Option<SecretString>,
    ) -> Result<Option<Bootstrap>, ServiceError> {
        if self.store.count_users().await? > 0 {
            return Ok(None);
        }
        let (password, generated) = match password {
            Some(p) => (p, false),
            None => (SecretString::from(crate::crypto::random_token()), true),
        };
        match self
            .create_user("admin", None, &password, true, generated)
            .await
        {
            Ok(_) => Ok(Some(Bootstrap {
                username: "admin".into(),
                generated_password: generated.then_some(password),
            })),
            Err(ServiceError::Invalid(e)) if e.field == "username" => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn user(&self, username: &str) -> Result<UserRow, ServiceError> {
        let name = Username::parse(username).map_err(|_| ServiceError::NotFound("user"))?;
        self.store
            .user_by_username(name.as_str())
            .await
            .map_err(not_found("user"))
    }

    /// The user if `password` is theirs and the account is not locked. Unknown users cost
    /// one Argon2id verification too, so timing does not tell who exists.
    pub async fn authenticate(
        &self,
        username: &str,
        password: &SecretString,
    ) -> Result<Option<UserRow>, ServiceError> {
        let user = match self.user(username).await {
            Ok(u) => Some(u),
            Err(ServiceError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        let ok = self
            .hasher
            .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
            .await?;
        Ok(user.filter(|u| ok && u.locked == 0))
    }

    /// [`Services::authenticate`] behind the brute-force throttle, shared by the password
    /// grant and portal sign-in. Counters use the canonical name so `Bob` and `bob` share
    /// one; names that cannot exist still count, so probing them is throttled too.
    /// `Ok(None)` is a wrong password, unknown user or locked account, alike.
    pub async fn authenticate_throttled(
        &self,
        username: &str,
        password: &SecretString,
        addr: std::net::IpAddr,
    ) -> Result<Option<UserRow>, ServiceError> {
        let key = Username::parse(username)
            .map(|u| u.as_str().to_owned())
            .unwrap_or_else(|_| username.to_ascii_lowercase());
        self.throttled(
            &key,
            addr,
            self.authenticate(username, password),
            Option::is_some,
        )
        .await
        .map_err(|r| ServiceError::Throttled(r.0))?
    }

    /// Locks or unlocks an account; locking revokes every token the user holds.
    pub async fn set_locked(&self, username: &str, locked: bool) -> Result<UserRow, ServiceError> {
        let user = self.user(username).await?;
        self.store.set_user_locked(&user.id, locked).await?;
        if locked {
            self.store
                .revoke_tokens_of_user(&user.id, self.clock.now())
                .await?;
            self.store.delete_sessions_of_user(&user.id).await?;
        }
        self.user(username).await
    }

    /// Sets a new password and revokes the user's tokens, which were granted on the old one.
    pub async fn set_password(
        &self,
        username: &str,
        password: &SecretString,
        must_change: bool,
    ) -> Result<(), ServiceError> {
        let user = self.user(username).await?;
        PasswordPolicy::check(password.expose_secret(), &user.username)?;
        let hash = self.hasher.hash(password).await?;
        let now = self.clock.now();
        self.store
            .set_user_password(&user.id, &hash, must_change, now)
            .await?;
        self.store.revoke_tokens_of_user(&user.id, now).await?;
        self.store.delete_sessions_of_user(&user.id).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::PasswordPolicy;

    #[test]
    fn password_policy_rejects_short_repeated_and_username_passwords() {
        assert!(PasswordPolicy::check("short", "bob").is_err());
        assert!(PasswordPolicy::check("aaaaaaaaaa", "bob").is_err());
        assert!(PasswordPolicy::check("BobTheUser", "bobtheuser").is_err());
        assert!(PasswordPolicy::check(&"x1".repeat(65), "bob").is_err());
        assert!(PasswordPolicy::check("correct horse battery", "bob").is_ok());
    }
}
