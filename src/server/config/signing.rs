//! `[oauth.signing]`: the keys that sign ID tokens.

use super::ConfigSecret;
use crate::crypto::jws::SigningAlgorithm;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SigningConfig {
    /// `RS256` (the default, the widest client support), `ES256` or `EdDSA`: the
    /// algorithm of keys made from now on.
    pub algorithm: SigningAlgorithm,
    /// Seals the private keys in the database (at least 32 characters); every
    /// key-manager node sharing the database needs the same one. Unset: a random key in
    /// `data_dir/signing.kek`, made on first start (fine for one node).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_encryption_key: Option<ConfigSecret>,
    /// Seconds `portico signing-key rotate` publishes a new key before it signs, so
    /// clients that cache the key set see it first.
    pub rotation_overlap_seconds: i64,
}

impl Default for SigningConfig {
    fn default() -> Self {
        Self {
            algorithm: SigningAlgorithm::RS256,
            key_encryption_key: None,
            rotation_overlap_seconds: 3600,
        }
    }
}

impl SigningConfig {
    /// What is wrong, as (key, message).
    pub fn problem(&self) -> Option<(&'static str, String)> {
        if !(60..=2_592_000).contains(&self.rotation_overlap_seconds) {
            return Some((
                "oauth.signing.rotation_overlap_seconds",
                "must be between 60 seconds and 30 days".into(),
            ));
        }
        match &self.key_encryption_key {
            Some(k) if k.0.len() < 32 => Some((
                "oauth.signing.key_encryption_key",
                "must be at least 32 characters (for example 32 random bytes, base64)".into(),
            )),
            _ => None,
        }
    }

    /// The key that seals private keys: the configured one, else the one in
    /// `data_dir/signing.kek`, made now if missing (readable by its owner only).
    pub fn key_encryption_key(&self, data_dir: &std::path::Path) -> std::io::Result<String> {
        if let Some(k) = &self.key_encryption_key {
            return Ok(k.0.clone());
        }
        let path = data_dir.join("signing.kek");
        match std::fs::read_to_string(&path) {
            Ok(k) if !k.trim().is_empty() => return Ok(k.trim().to_owned()),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        std::fs::create_dir_all(data_dir)?;
        let key = crate::crypto::random_token();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(mut file) => {
                use std::io::Write;
                file.write_all(key.as_bytes())?;
                Ok(key)
            }
            // Another process made it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Ok(std::fs::read_to_string(&path)?.trim().to_owned())
            }
            Err(e) => Err(e),
        }
    }
}
