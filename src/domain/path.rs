//! The gateway's request-path normalisation, done once before routing, so that the path
//! a token is checked against is exactly the path the backend receives.
//!
//! A backend resolves `/order/../admin`, `/order/..%2Fadmin` or `//admin` in ways the
//! gateway cannot know; if the gateway matched the raw text and forwarded it, a token
//! limited to `GET /order/{id}` could reach `/admin`. So, as Envoy does with
//! `normalize_path`, `merge_slashes` and `path_with_escaped_slashes_action: REJECT`:
//!
//! 1. The path must start with `/` and hold only valid percent-escapes.
//! 2. Refused with 400 (never guessed at): an escaped `/` or `\` (`%2F`, `%5C`), a raw
//!    `\`, NUL or any control character, raw or escaped, and a `.` or `..` segment written
//!    with escapes (`%2e`, `.%2E`), which only an attacker would send.
//! 3. Escapes of unreserved characters (letters, digits, `- . _ ~`) are decoded and the
//!    remaining escapes upper-cased (RFC 3986 §6.2.2.1–2), so `/%6Fr%64er` is `/order`.
//! 4. Runs of `/` are merged into one (as nginx's `merge_slashes`).
//! 5. `.` and `..` segments are removed (RFC 3986 §5.2.4); a `..` that would climb above
//!    the root is refused, as nginx refuses it.
//!
//! The result is idempotent and contains no empty, `.` or `..` segment and no escaped
//! separator. A trailing `/` is kept (backends may tell `/a/` from `/a`); route matching
//! treats it, and the case of literal segments, leniently (see `api::PathTemplate`).

use serde::{Deserialize, Serialize};

/// Why a request path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PathError {
    #[error("the request path must start with /")]
    NotAbsolute,
    #[error("the request path has an invalid percent-escape")]
    BadEscape,
    #[error("the request path has an encoded slash or backslash, or a raw backslash")]
    EncodedSeparator,
    #[error("the request path has a control character")]
    ControlCharacter,
    #[error("the request path has an encoded . or .. segment")]
    EncodedDotSegment,
    #[error("the request path climbs above the root")]
    AboveRoot,
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// One segment in normal form, and whether it was written with escapes only a decoder
/// would turn into `.` or `..`.
fn segment(raw: &str) -> Result<String, PathError> {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut escaped_dot = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let (hi, lo) = match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(&h), Some(&l)) => (hex(h), hex(l)),
                _ => (None, None),
            };
            let (Some(hi), Some(lo)) = (hi, lo) else {
                return Err(PathError::BadEscape);
            };
            let decoded = hi << 4 | lo;
            match decoded {
                b'/' | b'\\' => return Err(PathError::EncodedSeparator),
                c if c.is_ascii_control() => return Err(PathError::ControlCharacter),
                b'.' => {
                    escaped_dot = true;
                    out.push('.');
                }
                c if is_unreserved(c) => out.push(c as char),
                c => {
                    out.push('%');
                    out.push_str(&format!("{c:02X}"));
                }
            }
            i += 3;
            continue;
        }
        match b {
            b'\\' => return Err(PathError::EncodedSeparator),
            c if c.is_ascii_control() => return Err(PathError::ControlCharacter),
            _ => {}
        }
        // Multi-byte UTF-8 is copied whole; `raw` is a `str`, so boundaries are sound.
        let len = utf8_len(b);
        out.push_str(&raw[i..i + len]);
        i += len;
    }
    if escaped_dot && (out == "." || out == "..") {
        return Err(PathError::EncodedDotSegment);
    }
    Ok(out)
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xF7 => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Whether `raw` is in normal form already: absolute, with no escape, backslash, control
/// character, empty segment or dot segment. Most requests are, and pass unchanged.
fn is_normal(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    if bytes.first() != Some(&b'/') {
        return false;
    }
    let clean = bytes
        .iter()
        .all(|&b| b != b'%' && b != b'\\' && !b.is_ascii_control());
    // One trailing `/` may end a normal path; anything else empty is a merged slash.
    let inner = &raw[1..];
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    if inner.is_empty() {
        return clean && raw == "/";
    }
    clean
        && inner
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

/// The normal form of a raw request path (without its query), or why it is refused.
/// Borrowed when the path is in normal form already.
pub fn normalize(raw: &str) -> Result<std::borrow::Cow<'_, str>, PathError> {
    if is_normal(raw) {
        return Ok(std::borrow::Cow::Borrowed(raw));
    }
    normalize_owned(raw).map(std::borrow::Cow::Owned)
}

fn normalize_owned(raw: &str) -> Result<String, PathError> {
    let rest = raw.strip_prefix('/').ok_or(PathError::NotAbsolute)?;
    let mut kept: Vec<String> = Vec::new();
    let mut trailing = false;
    for part in rest.split('/') {
        // An empty segment is a merged slash; only the last one marks a trailing `/`.
        trailing = part.is_empty();
        if trailing {
            continue;
        }
        match segment(part)?.as_str() {
            "." => trailing = true,
            ".." => {
                kept.pop().ok_or(PathError::AboveRoot)?;
                trailing = true;
            }
            s => kept.push(s.to_owned()),
        }
    }
    let mut out = String::with_capacity(raw.len());
    for s in &kept {
        out.push('/');
        out.push_str(s);
    }
    if trailing || kept.is_empty() {
        out.push('/');
    }
    Ok(out)
}

#[cfg(test)]
#[path = "path_tests.rs"]
mod tests;
