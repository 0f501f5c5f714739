//! The layout of access and refresh token values.
//!
//! A token is its issuance's row id (a time-ordered UUID, 22 URL-safe characters) followed
//! by 256 random bits (43 characters). The id is not a secret: it only says where the
//! stored digest of the whole value is, so a lookup goes by primary key and the database
//! needs no index over random digests. Those indexes put every new token on a random page,
//! and their writes were most of each durable commit on the token paths.
//!
//! Tokens issued before this layout are the bare 43 random characters; they are still
//! found by their digest (see the `token_ids` migration).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Characters of the encoded row id at the start of a token.
const ID_CHARS: usize = 22;
/// Characters of the whole value: the id and a `random_token`.
const TOKEN_CHARS: usize = ID_CHARS + 43;

/// A new token value for the issuance stored under `row_id`.
pub fn token_for_row(row_id: &uuid::Uuid) -> String {
    let mut value = URL_SAFE_NO_PAD.encode(row_id.as_bytes());
    value.push_str(&super::random_token());
    value
}

/// Where a presented token's row is to be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenLocator {
    /// The row with this id, if its digest matches the whole value.
    Row(String),
    /// A token from before row ids: only its digest can find it.
    Legacy,
}

/// Reads the row id out of a presented token. Anything that is not this layout is looked
/// up the old way, which finds nothing for a value that was never issued.
pub fn locate(presented: &str) -> TokenLocator {
    if presented.len() != TOKEN_CHARS || !presented.is_char_boundary(ID_CHARS) {
        return TokenLocator::Legacy;
    }
    let mut id = [0u8; 16];
    match URL_SAFE_NO_PAD.decode_slice(&presented[..ID_CHARS], &mut id) {
        Ok(16) => TokenLocator::Row(uuid::Uuid::from_bytes(id).to_string()),
        _ => TokenLocator::Legacy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_lead_with_their_row_id_and_carry_256_random_bits() {
        let id = uuid::Uuid::now_v7();
        let a = token_for_row(&id);
        let b = token_for_row(&id);
        assert_eq!(a.len(), TOKEN_CHARS);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(a[..ID_CHARS], b[..ID_CHARS]);
        assert_ne!(a[ID_CHARS..], b[ID_CHARS..]);
        assert_eq!(locate(&a), TokenLocator::Row(id.to_string()));
    }

    #[test]
    fn values_of_another_layout_are_legacy() {
        assert_eq!(locate(&super::super::random_token()), TokenLocator::Legacy);
        assert_eq!(locate(""), TokenLocator::Legacy);
        // Right length, but the id part is not base64url.
        assert_eq!(locate(&"!".repeat(TOKEN_CHARS)), TokenLocator::Legacy);
        // Right length in bytes, but a multi-byte character straddles the id's end.
        let straddling = format!("{}é{}", "A".repeat(ID_CHARS - 1), "B".repeat(42));
        assert_eq!(straddling.len(), TOKEN_CHARS);
        assert_eq!(locate(&straddling), TokenLocator::Legacy);
    }

    proptest::proptest! {
        #[test]
        fn a_located_row_id_is_exactly_the_values_first_characters(
            value in "[A-Za-z0-9_-]{65}|\\PC{0,80}"
        ) {
            if let TokenLocator::Row(id) = locate(&value) {
                let id = uuid::Uuid::parse_str(&id).unwrap();
                proptest::prop_assert_eq!(
                    URL_SAFE_NO_PAD.encode(id.as_bytes()),
                    &value[..ID_CHARS]
                );
            }
        }
    }
}
