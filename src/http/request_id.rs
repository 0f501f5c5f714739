//! Request ids: every request carries one (`X-Request-Id`, the caller's when it is
//! usable, else a new UUID), and it appears in every log line written while the request
//! runs, in every JSON error body, in the response's header, and on the requests this
//! one causes (the backend call through the gateway, calls to the key manager), so one
//! id follows a call across nodes.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest id accepted from a caller; longer ones are replaced rather than cut.
const MAX_LEN: usize = 128;

tokio::task_local! {
    static CURRENT: HeaderValue;
}

/// The id of the request being served on this task, if any.
pub fn current() -> Option<HeaderValue> {
    CURRENT.try_with(HeaderValue::clone).ok()
}

/// The id as text for JSON bodies (ids are checked ASCII, so this never fails).
pub fn current_text() -> Option<String> {
    current().and_then(|v| v.to_str().ok().map(str::to_owned))
}

/// Puts the current request's id on an outgoing request.
pub fn propagate(headers: &mut HeaderMap) {
    if let Some(id) = current() {
        headers.insert(HEADER, id);
    }
}

/// The caller's id when it is one value of letters, digits and `-_.:/+=`, at most 128
/// long: anything else could forge log lines or smuggle markup into an error page, and is
/// replaced by a fresh id.
fn accepted(headers: &HeaderMap) -> Option<HeaderValue> {
    let mut values = headers.get_all(&HEADER).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    let bytes = value.as_bytes();
    let allowed = |b: &u8| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(b);
    (!bytes.is_empty() && bytes.len() <= MAX_LEN && bytes.iter().all(allowed))
        .then(|| value.clone())
}

/// A new id: a UUID (version 8) of this process's random 64-bit prefix and a counter.
/// Unique across nodes without asking the operating system for randomness on every
/// request, which measured a microsecond a call on the gateway's path.
fn fresh() -> HeaderValue {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    static PREFIX: OnceLock<[u8; 8]> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| {
        let mut bytes = [0u8; 8];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
        bytes
    });
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(prefix);
    bytes[8..].copy_from_slice(&COUNTER.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    let mut buf = uuid::Uuid::encode_buffer();
    let text = uuid::Uuid::new_v8(bytes)
        .hyphenated()
        .encode_lower(&mut buf);
    HeaderValue::from_str(text).expect("a UUID is a valid header value")
}

/// The outermost layer of every listener.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let id = accepted(req.headers()).unwrap_or_else(fresh);
    // On the request itself too, so the gateway forwards it to the backend as sent.
    req.headers_mut().insert(HEADER, id.clone());
    let span = tracing::info_span!("request", request_id = id.to_str().unwrap_or_default());
    let mut res = CURRENT
        .scope(id.clone(), next.run(req).instrument(span))
        .await;
    res.headers_mut().insert(HEADER, id);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(values: &[&[u8]]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(HEADER, HeaderValue::from_bytes(v).unwrap());
        }
        h
    }

    #[test]
    fn a_callers_plain_id_is_kept() {
        let id = accepted(&with(&[b"req-42_a.b:c/d+e="])).unwrap();
        assert_eq!(id, "req-42_a.b:c/d+e=");
    }

    #[test]
    fn unusable_ids_are_replaced() {
        let long = vec![b'a'; MAX_LEN + 1];
        for bad in [
            with(&[b""]),
            with(&[b"two words"]),
            with(&[b"<script>"]),
            with(&[b"a\"b"]),
            with(&[&long]),
            with(&[b"one", b"two"]),
            with(&[]),
        ] {
            assert!(accepted(&bad).is_none(), "{bad:?}");
        }
        let (a, b) = (fresh(), fresh());
        assert_eq!(a.len(), 36);
        assert_ne!(a, b, "every request gets its own");
        let parsed = uuid::Uuid::parse_str(a.to_str().unwrap()).unwrap();
        assert_eq!(parsed.get_version_num(), 8);
    }
}
