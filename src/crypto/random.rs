use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand_core::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 256 bits from the OS generator, URL-safe base64 (43 characters): access tokens, refresh
/// tokens, consumer secrets and generated passwords.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A consumer key: 144 random bits (24 URL-safe characters), unique by construction and
/// safe to put in URLs and Basic credentials.
pub fn consumer_key() -> String {
    let mut bytes = [0u8; 18];
    rand_core::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a high-entropy secret, for storage and lookup. A slow hash adds nothing when
/// the input has 256 bits of entropy; this keeps token checks cheap.
pub fn digest(secret: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(secret.as_bytes()))
}

/// SHA-256 of a high-entropy secret as raw bytes: a cache key that costs no encoding.
pub fn digest_bytes(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Compares a presented secret with a stored digest in constant time.
pub fn digests_match(presented: &str, stored_digest: &str) -> bool {
    digest_eq(&digest(presented), stored_digest)
}

/// Whether two digests are equal, compared in constant time.
pub fn digest_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_256_bits_and_are_url_safe() {
        let t = random_token();
        assert_eq!(t.len(), 43);
        assert!(t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(t, random_token());
    }

    #[test]
    fn digests_match_only_their_secret() {
        let d = digest("s3cret");
        assert!(digests_match("s3cret", &d));
        assert!(!digests_match("s3cret ", &d));
        assert_ne!(d, "s3cret");
    }
}
