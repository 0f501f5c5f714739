//! Strict `application/x-www-form-urlencoded` parsing for the OAuth endpoints: unlike a
//! lenient decoder, it refuses bad percent-escapes, invalid UTF-8 and repeated parameters
//! (RFC 6749 §3.2), and drops empty values, which §3.1 says count as omitted.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("invalid percent-encoding in the request body")]
    BadEscape,
    #[error("the request body is not valid UTF-8")]
    BadUtf8,
    #[error("parameter `{0}` is repeated")]
    Repeated(String),
}

/// Decodes one component: `+` is a space, `%XX` a byte; the bytes must be UTF-8.
pub fn decode_component(raw: &[u8]) -> Result<String, FormError> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw.get(i + 1..i + 3).ok_or(FormError::BadEscape)?;
                let s = std::str::from_utf8(hex).map_err(|_| FormError::BadEscape)?;
                let byte = u8::from_str_radix(s, 16).map_err(|_| FormError::BadEscape)?;
                if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(FormError::BadEscape);
                }
                out.push(byte);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| FormError::BadUtf8)
}

/// Parses a whole body into parameters, each present at most once.
pub fn parse(body: &[u8]) -> Result<HashMap<String, String>, FormError> {
    let mut params = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for pair in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|&b| b == b'=') {
            Some(eq) => (&pair[..eq], &pair[eq + 1..]),
            None => (pair, &b""[..]),
        };
        let name = decode_component(name)?;
        let value = decode_component(value)?;
        if !seen.insert(name.clone()) {
            return Err(FormError::Repeated(name));
        }
        if !value.is_empty() {
            params.insert(name, value);
        }
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forms_decode_plus_and_escapes() {
        let p = parse(b"grant_type=password&username=a%40b&password=p+w%2B").unwrap();
        assert_eq!(p["username"], "a@b");
        assert_eq!(p["password"], "p w+");
    }

    #[test]
    fn empty_values_count_as_omitted() {
        assert!(!parse(b"scope=&a=1").unwrap().contains_key("scope"));
    }

    #[test]
    fn malformed_forms_are_rejected() {
        assert_eq!(parse(b"a=%zz"), Err(FormError::BadEscape));
        assert_eq!(parse(b"a=%4"), Err(FormError::BadEscape));
        assert_eq!(parse(b"a=%+1"), Err(FormError::BadEscape));
        assert_eq!(parse(b"a=%ff"), Err(FormError::BadUtf8));
        assert_eq!(parse(b"a=1&a=2"), Err(FormError::Repeated("a".into())));
        assert_eq!(parse(b"a=&a=2"), Err(FormError::Repeated("a".into())));
    }

    proptest! {
        #[test]
        fn no_body_makes_the_parser_panic(body in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = parse(&body);
        }

        #[test]
        fn encoded_values_round_trip(value in "\\PC{0,40}") {
            let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
            let parsed = parse(format!("v={encoded}").as_bytes()).unwrap();
            prop_assert_eq!(parsed.get("v").map(String::as_str).unwrap_or(""), value.as_str());
        }
    }
}
