//! Client authentication from the transport: HTTP Basic (RFC 6749 §2.3.1, with the
//! form-urlencoded id and secret) or `client_id`/`client_secret` in the body, never both.

use super::form::decode_component;
use crate::service::oauth::{ClientAuth, OAuthError};
use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use secrecy::SecretString;
use std::collections::HashMap;

/// The `user:password` of a Basic header (RFC 7617) as sent, split at the first `:`,
/// without form-decoding: what a person's username and password are.
pub fn basic_user_password(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let malformed = || OAuthError::InvalidRequest("malformed Authorization header".into());
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    if headers.get_all(header::AUTHORIZATION).iter().count() > 1 {
        return Err(malformed());
    }
    let value = value.to_str().map_err(|_| malformed())?.trim();
    let (scheme, encoded) = value.split_once(' ').ok_or_else(malformed)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(OAuthError::InvalidRequest(
            "use HTTP Basic to authenticate the client".into(),
        ));
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (user, password) = decoded.split_once(':').ok_or_else(malformed)?;
    Ok(Some((user.to_owned(), password.to_owned())))
}

/// A client's Basic credentials: RFC 6749 §2.3.1 form-encodes the client id and secret
/// before they are joined, so both are form-decoded here (`+` is a space). Passwords of
/// people are not encoded so; they use [`basic_user_password`].
pub fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let malformed = || OAuthError::InvalidRequest("malformed Authorization header".into());
    let Some((id, secret)) = basic_user_password(headers)? else {
        return Ok(None);
    };
    let id = decode_component(id.as_bytes()).map_err(|_| malformed())?;
    let secret = decode_component(secret.as_bytes()).map_err(|_| malformed())?;
    Ok(Some((id, secret)))
}

/// The client's credentials from the header or the body (removing them from `params`).
pub fn client_auth(
    headers: &HeaderMap,
    params: &mut HashMap<String, String>,
) -> Result<ClientAuth, OAuthError> {
    let basic = basic_credentials(headers)?;
    let body_id = params.remove("client_id");
    let body_secret = params.remove("client_secret");
    match (basic, body_id, body_secret) {
        // A client_id alone beside Basic credentials is not a second method (RFC 6749
        // §2.3.1 names the pair), and common libraries send it; it must name the same
        // client, though.
        (Some((id, secret)), body_id, None) => {
            if body_id.is_some_and(|b| b != id) {
                return Err(OAuthError::InvalidClient(
                    "client_id in the body is not the client of the Authorization header".into(),
                ));
            }
            Ok(ClientAuth {
                client_id: id,
                client_secret: SecretString::from(secret),
                via_basic: true,
                public: false,
            })
        }
        (Some(_), _, Some(_)) => Err(OAuthError::InvalidRequest(
            "use one client authentication method, not both".into(),
        )),
        (None, Some(id), Some(secret)) => Ok(ClientAuth {
            client_id: id,
            client_secret: SecretString::from(secret),
            via_basic: false,
            public: false,
        }),
        // RFC 6749 §3.2.1: a public client names itself with `client_id` alone.
        (None, Some(id), None) => Ok(ClientAuth {
            client_id: id,
            client_secret: SecretString::from(String::new()),
            via_basic: false,
            public: true,
        }),
        (None, _, _) => Err(OAuthError::InvalidClient(
            "client authentication is required".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn basic_scheme_is_case_insensitive_and_urldecoded() {
        let creds = STANDARD.encode("my%20id:s%3Acret");
        let got = basic_credentials(&headers(&format!("bAsIc {creds}"))).unwrap();
        assert_eq!(got, Some(("my id".into(), "s:cret".into())));
    }

    #[test]
    fn a_persons_password_is_taken_as_sent() {
        let creds = STANDARD.encode("admin:p+ss%41:w");
        let got = basic_user_password(&headers(&format!("Basic {creds}"))).unwrap();
        assert_eq!(got, Some(("admin".into(), "p+ss%41:w".into())));
    }

    proptest::proptest! {
        #[test]
        fn no_authorization_header_makes_the_parsers_panic(value in "[ -~]{0,80}") {
            if let Ok(v) = axum::http::HeaderValue::from_str(&value) {
                let mut h = HeaderMap::new();
                h.insert(header::AUTHORIZATION, v);
                let _ = basic_credentials(&h);
                let _ = basic_user_password(&h);
            }
        }

        #[test]
        fn any_password_survives_basic(user in "[a-z0-9]{1,10}", password in "\\PC{0,40}") {
            let creds = STANDARD.encode(format!("{user}:{password}"));
            let got = basic_user_password(&headers(&format!("Basic {creds}"))).unwrap();
            proptest::prop_assert_eq!(got, Some((user, password)));
        }
    }

    #[test]
    fn malformed_basic_headers_are_invalid_requests() {
        for v in [
            "Basic",
            "Basic !!!",
            &format!("Basic {}", STANDARD.encode("nocolon")),
        ] {
            let err = basic_credentials(&headers(v)).unwrap_err();
            assert_eq!(err.code(), "invalid_request", "{v}");
        }
    }

    #[test]
    fn a_body_client_id_beside_basic_must_name_the_same_client() {
        let h = headers(&format!("Basic {}", STANDARD.encode("a:b")));
        let mut same = HashMap::from([("client_id".to_owned(), "a".to_owned())]);
        let auth = client_auth(&h, &mut same).unwrap();
        assert_eq!((auth.client_id.as_str(), auth.via_basic), ("a", true));
        let mut other = HashMap::from([("client_id".to_owned(), "x".to_owned())]);
        assert_eq!(
            client_auth(&h, &mut other).unwrap_err().code(),
            "invalid_client"
        );
    }

    #[test]
    fn a_body_secret_beside_basic_is_two_methods() {
        let h = headers(&format!("Basic {}", STANDARD.encode("a:b")));
        let mut params = HashMap::from([
            ("client_id".to_owned(), "a".to_owned()),
            ("client_secret".to_owned(), "b".to_owned()),
        ]);
        assert_eq!(
            client_auth(&h, &mut params).unwrap_err().code(),
            "invalid_request"
        );
    }
}
