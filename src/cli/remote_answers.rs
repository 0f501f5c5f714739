//! The REST API's answers as the command line reads them: only the fields it prints,
//! so a newer server's extra fields do not break an older command line.

use super::target::{ApiOut, KeysOut, UserOut};
use secrecy::SecretString;
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct User {
    pub(super) username: String,
    pub(super) roles: Vec<String>,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        UserOut {
            id: None,
            username: u.username,
            roles: u.roles,
        }
    }
}

#[derive(Deserialize)]
pub(super) struct Named {
    pub(super) id: String,
    pub(super) name: String,
    #[serde(default)]
    pub(super) version: String,
}

#[derive(Deserialize)]
pub(super) struct Key {
    pub(super) key_type: String,
    pub(super) grant_types: Vec<String>,
    pub(super) token_type: String,
    pub(super) callback_urls: Vec<String>,
    pub(super) public_client: bool,
}

#[derive(Deserialize)]
pub(super) struct Credentials {
    pub(super) consumer_key: String,
    pub(super) consumer_secret: Option<String>,
    pub(super) key: Key,
}

impl From<Credentials> for KeysOut {
    fn from(c: Credentials) -> Self {
        KeysOut {
            consumer_key: c.consumer_key,
            consumer_secret: SecretString::from(c.consumer_secret.unwrap_or_default()),
            key_type: c.key.key_type,
            grant_types: c.key.grant_types,
            token_type: c.key.token_type,
            callback_urls: c.key.callback_urls,
            public_client: c.key.public_client,
        }
    }
}

#[derive(Deserialize)]
pub(super) struct Scope {
    pub(super) name: String,
    pub(super) display_name: String,
    pub(super) description: String,
    pub(super) roles: Vec<String>,
}

#[derive(Deserialize)]
pub(super) struct Page<T> {
    pub(super) items: Vec<T>,
    pub(super) next_cursor: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Outcome {
    pub(super) api: Option<ApiOut>,
}
