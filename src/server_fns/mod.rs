//! Server functions: the portal's calls into the server. Plain HTML forms post to them
//! (`/api/<name>`), so every page works without JavaScript; the bodies run only on the
//! server and call `service::`.

pub mod admin;
pub mod api_import;
pub mod api_page;
pub mod apis;
pub mod apps;
pub mod auth;
pub mod authorize;
#[cfg(feature = "ssr")]
pub mod context;
mod error;
pub mod keys;
#[cfg(feature = "ssr")]
mod multipart;
pub mod stats;
pub mod subscriptions;
pub mod tokens;
mod views;
mod views_api;

pub use error::AppError;
pub use views::*;
pub use views_api::*;
