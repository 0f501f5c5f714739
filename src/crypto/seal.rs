//! Authenticated encryption of a short value under a key derived from a secret the
//! server does not keep (a browser's session cookie): what is stored with it can be
//! read only while that browser presents the cookie again.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const NONCE_LEN: usize = 24;

/// A sealing key derived from `secret` for one `purpose`; unrelated to the secret's
/// SHA-256 digest, which the database holds.
fn cipher(secret: &str, purpose: &str) -> XChaCha20Poly1305 {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(b"portico seal v1\0");
    mac.update(purpose.as_bytes());
    XChaCha20Poly1305::new(Key::from_slice(&mac.finalize().into_bytes()))
}

/// `plaintext` sealed under `secret`, as URL-safe base64 of a random nonce and the
/// ciphertext with its tag.
pub fn seal(secret: &str, purpose: &str, plaintext: &[u8]) -> String {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = cipher(secret, purpose)
        .encrypt(&nonce, plaintext)
        .expect("XChaCha20-Poly1305 seals any length this server produces");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    URL_SAFE_NO_PAD.encode(out)
}

/// The plaintext, or `None` when `sealed` was not made with this secret and purpose or
/// was altered.
pub fn open(secret: &str, purpose: &str, sealed: &str) -> Option<Vec<u8>> {
    let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
    if bytes.len() < NONCE_LEN {
        return None;
    }
    let (nonce, body) = bytes.split_at(NONCE_LEN);
    cipher(secret, purpose)
        .decrypt(XNonce::from_slice(nonce), body)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_secret_and_purpose_open_a_seal() {
        let sealed = seal("cookie-a", "flash", b"consumer secret");
        assert_eq!(
            open("cookie-a", "flash", &sealed).as_deref(),
            Some(&b"consumer secret"[..])
        );
        assert!(open("cookie-b", "flash", &sealed).is_none());
        assert!(open("cookie-a", "other", &sealed).is_none());
        assert_ne!(
            sealed,
            seal("cookie-a", "flash", b"consumer secret"),
            "fresh nonce"
        );
    }

    #[test]
    fn an_altered_or_truncated_seal_is_refused() {
        let sealed = seal("k", "p", b"value");
        let mut bytes = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(open("k", "p", &URL_SAFE_NO_PAD.encode(&bytes)).is_none());
        assert!(open("k", "p", "c2hvcnQ").is_none());
        assert!(open("k", "p", "not base64!").is_none());
    }
}
