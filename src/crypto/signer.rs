//! HMAC-SHA256 signatures over a few strings, for values the server hands a browser and
//! must recognise as its own when they come back (the error of a plain form post).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

pub struct Signer {
    key: Vec<u8>,
}

impl Signer {
    /// A signer keyed with `key` (a random 256-bit value, URL-safe base64, as made by
    /// `random_token`); `None` when it does not decode to at least 32 bytes.
    pub fn from_key(key: &str) -> Option<Self> {
        let key = URL_SAFE_NO_PAD.decode(key).ok()?;
        (key.len() >= 32).then_some(Self { key })
    }

    fn mac(&self, parts: &[&str]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        for part in parts {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") sign differently.
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac
    }

    pub fn sign(&self, parts: &[&str]) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(parts).finalize().into_bytes())
    }

    /// Whether `signature` is this signer's over `parts`, compared in constant time.
    pub fn verify(&self, parts: &[&str], signature: &str) -> bool {
        URL_SAFE_NO_PAD
            .decode(signature)
            .is_ok_and(|sig| self.mac(parts).verify_slice(&sig).is_ok())
    }
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_only_their_own_parts_and_key() {
        let a = Signer::from_key(&crate::crypto::random_token()).unwrap();
        let b = Signer::from_key(&crate::crypto::random_token()).unwrap();
        let sig = a.sign(&["ab", "c"]);
        assert!(a.verify(&["ab", "c"], &sig));
        assert!(!a.verify(&["a", "bc"], &sig));
        assert!(!b.verify(&["ab", "c"], &sig));
        assert!(!a.verify(&["ab", "c"], "not-a-signature"));
        assert!(Signer::from_key("short").is_none());
    }
}
