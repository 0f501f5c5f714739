//! Use cases. Knows the domain, the store and crypto; knows nothing of HTTP or HTML.

mod accounts;
mod applications;
mod clock;
mod error;
mod keys;
pub mod oauth;
mod scopes;
mod settings;
pub mod throttle;

pub use accounts::{Bootstrap, PasswordPolicy};
pub use applications::ApplicationInput;
pub use clock::Clock;
pub use error::ServiceError;
pub use keys::{GeneratedKeys, KeyRequest};
pub use oauth::TokenLifetimes;

use crate::crypto::PasswordHasher;
use crate::store::Store;
use std::sync::Arc;
use throttle::Throttle;

/// Everything the use cases share; cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub hasher: PasswordHasher,
    pub clock: Clock,
    pub lifetimes: TokenLifetimes,
    pub throttle: Arc<Throttle>,
    /// `[portal] self_signup` from the configuration: the default until an admin decides.
    pub self_signup_default: bool,
}
