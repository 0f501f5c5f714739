//! Secrets: Argon2id for user passwords, random tokens, SHA-256 digests of high-entropy
//! secrets, and constant-time comparison.

mod hash_pool;
pub mod jws;
pub mod jws_verify;
mod password;
pub mod pkce;
mod random;
pub mod seal;
mod signer;
mod token;

pub use password::{PasswordError, PasswordHasher};
pub use random::{consumer_key, digest, digest_bytes, digest_eq, digests_match, random_token};
pub use signer::Signer;
pub use token::{locate, token_for_row, TokenLocator};
