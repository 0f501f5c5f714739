//! Pure types and rules shared by the server and the browser bundle.
//!
//! Nothing here performs I/O; every constructor validates, so a value of one of these
//! types is known to be well-formed wherever it travels.

pub mod access_token;
pub mod api;
pub mod api_scope;
pub mod audit;
pub mod backend;
mod error;
mod grant;
mod key_type;
pub mod openapi;
pub mod openapi_diff;
mod openapi_parts;
#[cfg(test)]
mod openapi_tests;
pub mod path;
pub mod pkce;
pub mod redirect_uri;
pub mod route;
mod scope;
pub mod stats;
mod time;
mod username;

pub use error::ValidationError;
pub use grant::{GrantType, GrantTypes};
pub use key_type::{KeyType, TokenType};
pub use scope::{ScopeName, ScopeSet, DEFAULT_SCOPE};
pub use time::{format_day, format_duration, format_iso8601, format_utc, parse_moment};
pub use username::Username;

/// Seconds since the Unix epoch; the one time representation stored and compared.
pub type Epoch = i64;
