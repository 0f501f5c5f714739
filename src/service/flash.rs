//! One-time values for the next page a browser loads, for plain form posts that end in a
//! redirect (no JavaScript): a newly generated consumer secret or access token is shown
//! on the page after the redirect and then forgotten. Kept in memory only, never in the
//! database, and for five minutes at most.

use crate::domain::Epoch;
use secrecy::SecretString;
use std::collections::HashMap;
use std::sync::Mutex;

const TTL: Epoch = 300;
const MAX_ENTRIES: usize = 10_000;

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
}

#[derive(Default)]
pub struct FlashStore {
    entries: Mutex<HashMap<String, (Flash, Epoch)>>,
}

impl FlashStore {
    /// Keeps `flash` for the session named by `session_digest`, replacing an older one.
    pub fn put(&self, session_digest: &str, flash: Flash, now: Epoch) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, (_, at)| now - *at < TTL);
        }
        if map.len() < MAX_ENTRIES {
            map.insert(session_digest.to_owned(), (flash, now));
        }
    }

    /// Removes and returns the session's flash if `wanted` accepts it.
    pub fn take(
        &self,
        session_digest: &str,
        now: Epoch,
        wanted: impl Fn(&Flash) -> bool,
    ) -> Option<Flash> {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(session_digest) {
            Some((flash, at)) if now - at < TTL && wanted(flash) => {
                map.remove(session_digest).map(|(f, _)| f)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Flash {
        Flash::Keys {
            app_id: "a".into(),
            key_type: "production".into(),
            consumer_key: "k".into(),
            consumer_secret: SecretString::from("s"),
        }
    }

    #[test]
    fn a_flash_is_shown_once_and_expires() {
        let store = FlashStore::default();
        store.put("s1", keys(), 100);
        assert!(
            store.take("s2", 100, |_| true).is_none(),
            "other sessions see nothing"
        );
        assert!(store.take("s1", 100, |_| true).is_some());
        assert!(store.take("s1", 100, |_| true).is_none(), "only once");
        store.put("s1", keys(), 100);
        assert!(store.take("s1", 100 + TTL, |_| true).is_none(), "expired");
    }

    #[test]
    fn a_flash_stays_until_the_page_that_wants_it() {
        let store = FlashStore::default();
        store.put("s1", keys(), 100);
        assert!(store
            .take("s1", 100, |f| matches!(f, Flash::Token { .. }))
            .is_none());
        assert!(store
            .take("s1", 100, |f| matches!(f, Flash::Keys { .. }))
            .is_some());
    }
}
