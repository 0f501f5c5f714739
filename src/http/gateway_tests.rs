use super::*;
use crate::http::proxy::strip_hop_by_hop;
use axum::http::HeaderName;

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    pairs
        .iter()
        .map(|(k, v)| (HeaderName::from_static(k), HeaderValue::from_static(v)))
        .collect()
}

#[test]
fn hop_by_hop_and_gateway_headers_are_dropped() {
    let mut h = headers(&[
        ("connection", "x-secret, keep-alive"),
        ("x-secret", "1"),
        ("authorization", "Bearer abc"),
        ("x-portico-end-user", "mallory"),
        ("accept", "application/json"),
    ]);
    strip_hop_by_hop(&mut h);
    assert_eq!(h.len(), 1);
    assert_eq!(h["accept"], "application/json");
}

#[test]
fn bearer_tokens_follow_rfc_6750() {
    assert_eq!(bearer(&headers(&[])).unwrap(), None);
    assert_eq!(
        bearer(&headers(&[("authorization", "Basic eDp5")])).unwrap(),
        None
    );
    let sent = headers(&[("authorization", "bearer abc-._~+/=")]);
    assert_eq!(bearer(&sent).unwrap(), Some("abc-._~+/="));
    for bad in ["Bearer", "Bearer ", "Bearer a b", "Bearer a\"b"] {
        assert!(
            bearer(&headers(&[("authorization", bad)])).is_err(),
            "{bad}"
        );
    }
}
