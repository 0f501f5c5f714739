//! One-time values for the next page a browser loads, for plain form posts that end in a
//! redirect (no JavaScript): a newly generated consumer secret or access token is shown
//! on the page after the redirect and then forgotten, for five minutes at most.
//!
//! The redirect may land on another portal node, so the value waits in the shared
//! database, sealed (XChaCha20-Poly1305) under a key derived from the browser's session
//! cookie. The database holds only the cookie's digest: what it stores cannot be read
//! without the browser that will show it.

use super::{ServiceError, Services};
use crate::crypto::seal;
use crate::domain::Epoch;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

const TTL: Epoch = 300;
const PURPOSE: &str = "flash";

#[derive(Clone)]
pub enum Flash {
    Keys {
        app_id: String,
        key_type: String,
        consumer_key: String,
        consumer_secret: SecretString,
    },
    Token {
        app_id: String,
        key_type: String,
        access_token: SecretString,
        refresh_token: Option<SecretString>,
        scope: String,
        expires_in: i64,
    },
    /// A Try It call's outcome on an API's page, serialised by the page (it may hold the
    /// token Portico got for the call).
    Tried {
        api_id: String,
        outcome: SecretString,
    },
}

/// The sealed form of a [`Flash`]: plain strings, serialised only to be sealed.
#[derive(Serialize, Deserialize)]
enum Stored {
    Keys([String; 4]),
    Token {
        ids: [String; 2],
        access_token: String,
        refresh_token: Option<String>,
        scope: String,
        expires_in: i64,
    },
    Tried([String; 2]),
}

impl From<&Flash> for Stored {
    fn from(f: &Flash) -> Self {
        let plain = |s: &SecretString| s.expose_secret().to_owned();
        match f {
            Flash::Keys {
                app_id,
                key_type,
                consumer_key,
                consumer_secret,
            } => Stored::Keys([
                app_id.clone(),
                key_type.clone(),
                consumer_key.clone(),
                plain(consumer_secret),
            ]),
            Flash::Token {
                app_id,
                key_type,
                access_token,
                refresh_token,
                scope,
                expires_in,
            } => Stored::Token {
                ids: [app_id.clone(), key_type.clone()],
                access_token: plain(access_token),
                refresh_token: refresh_token.as_ref().map(plain),
                scope: scope.clone(),
                expires_in: *expires_in,
            },
            Flash::Tried { api_id, outcome } => Stored::Tried([api_id.clone(), plain(outcome)]),
        }
    }
}

impl From<Stored> for Flash {
    fn from(s: Stored) -> Self {
        match s {
            Stored::Keys([app_id, key_type, consumer_key, secret]) => Flash::Keys {
                app_id,
                key_type,
                consumer_key,
                consumer_secret: secret.into(),
            },
            Stored::Token {
                ids: [app_id, key_type],
                access_token,
                refresh_token,
                scope,
                expires_in,
            } => Flash::Token {
                app_id,
                key_type,
                access_token: access_token.into(),
                refresh_token: refresh_token.map(Into::into),
                scope,
                expires_in,
            },
            Stored::Tried([api_id, outcome]) => Flash::Tried {
                api_id,
                outcome: outcome.into(),
            },
        }
    }
}

impl Services {
    /// Keeps `flash` for the browser holding `session` (its session cookie), replacing
    /// an older one.
    pub async fn put_flash(
        &self,
        session: &SecretString,
        flash: &Flash,
    ) -> Result<(), ServiceError> {
        let cookie = session.expose_secret();
        let json = serde_json::to_vec(&Stored::from(flash))
            .map_err(|e| ServiceError::Internal(format!("flash: {e}")))?;
        let sealed = seal::seal(cookie, PURPOSE, &json);
        let digest = crate::crypto::digest(cookie);
        Ok(self
            .store
            .put_flash(&digest, &sealed, self.clock.now())
            .await?)
    }

    /// Removes and returns the browser's flash if `wanted` accepts it; a flash another
    /// page wants stays for that page.
    pub async fn take_flash(
        &self,
        session: &SecretString,
        wanted: impl Fn(&Flash) -> bool,
    ) -> Result<Option<Flash>, ServiceError> {
        let cookie = session.expose_secret();
        let digest = crate::crypto::digest(cookie);
        let Some(sealed) = self.store.flash(&digest, self.clock.now() - TTL).await? else {
            return Ok(None);
        };
        let flash = seal::open(cookie, PURPOSE, &sealed)
            .and_then(|json| serde_json::from_slice::<Stored>(&json).ok())
            .map(Flash::from);
        match flash {
            Some(f) if wanted(&f) => {
                Ok(self.store.take_flash(&digest, &sealed).await?.then_some(f))
            }
            _ => Ok(None),
        }
    }

    /// Deletes flashes no page took in time.
    pub async fn purge_flashes(&self) -> Result<u64, ServiceError> {
        Ok(self.store.purge_flashes(self.clock.now() - TTL).await?)
    }
}
