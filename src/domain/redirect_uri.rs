//! Callback URLs of the authorization code grant, checked as RFC 8252 (OAuth for native
//! apps) and RFC 9700 §4.1 ask: registered in full and matched exactly, `https` except
//! for the loopback interface, where a native app listens on whatever port it gets, and
//! private-use schemes (reverse domain names) for mobile apps.

use super::ValidationError;

/// Longest callback URL accepted (browsers and proxies handle about this much).
pub const MAX_LEN: usize = 2000;
/// Most callback URLs one key may register.
pub const MAX_URLS: usize = 10;

/// How a registered callback URL is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Exactly, character for character.
    Exact,
    /// `http` on a loopback address: exactly but for the port (RFC 8252 §7.3).
    Loopback,
}

/// One registered callback URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackUrl {
    raw: String,
    kind: Kind,
}

fn invalid(message: impl Into<String>) -> ValidationError {
    ValidationError::new("callback_urls", message)
}

/// `host:port` → (host, port); an IPv6 host keeps its brackets.
fn split_port(authority: &str) -> (&str, Option<&str>) {
    let colon = if authority.starts_with('[') {
        authority.find("]:").map(|i| i + 1)
    } else {
        authority.rfind(':')
    };
    match colon {
        Some(i) => (&authority[..i], Some(&authority[i + 1..])),
        None => (authority, None),
    }
}

/// The authority and the rest of `scheme://authority/rest`.
fn authority(after_scheme: &str) -> Option<(&str, &str)> {
    let rest = after_scheme.strip_prefix("//")?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    Some((&rest[..end], &rest[end..]))
}

impl CallbackUrl {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > MAX_LEN {
            return Err(invalid(format!("each must be 1 to {MAX_LEN} characters")));
        }
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("must not contain spaces or control characters"));
        }
        if raw.contains('#') {
            return Err(invalid("must not have a fragment (RFC 6749 §3.1.2)"));
        }
        let (scheme, after) = raw
            .split_once(':')
            .ok_or_else(|| invalid(format!("`{raw}` is not an absolute URL")))?;
        let scheme_ok = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !scheme_ok {
            return Err(invalid(format!("`{raw}` is not an absolute URL")));
        }
        let kind = match scheme.to_ascii_lowercase().as_str() {
            "https" => {
                // A user-info part is how `https://good.example@evil.example` fools eyes;
                // anything but host characters has no place in a host.
                let host_ok = |a: &str| {
                    !a.is_empty()
                        && a.chars().all(|c| {
                            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
                        })
                };
                if !authority(after).is_some_and(|(a, _)| host_ok(a)) {
                    return Err(invalid(format!("`{raw}` has no host, or names a user")));
                }
                Kind::Exact
            }
            "http" => {
                let (authority, _) =
                    authority(after).ok_or_else(|| invalid(format!("`{raw}` has no host")))?;
                let (host, port) = split_port(authority);
                let loopback = ["localhost", "127.0.0.1", "[::1]"]
                    .iter()
                    .any(|h| host.eq_ignore_ascii_case(h));
                if !loopback || port.is_some_and(|p| p.parse::<u16>().is_err()) {
                    return Err(invalid(
                        "must use https, except http://localhost, http://127.0.0.1 or \
                         http://[::1] with any port (RFC 8252)",
                    ));
                }
                Kind::Loopback
            }
            // Schemes that run or embed content, never a place to send a code.
            "javascript" | "data" | "file" | "vbscript" | "blob" | "about" => {
                return Err(invalid(format!(
                    "the `{scheme}` scheme cannot receive a code"
                )))
            }
            // A private-use scheme is a reverse domain name the app owns (RFC 8252 §7.1).
            _ if scheme.contains('.') && !after.is_empty() => Kind::Exact,
            _ => {
                return Err(invalid(format!(
                    "`{scheme}` is neither https, loopback http nor a reverse-domain \
                     private-use scheme such as com.example.app"
                )))
            }
        };
        Ok(Self {
            raw: raw.to_owned(),
            kind,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Whether a redirect URI presented in a request is this one.
    pub fn matches(&self, presented: &str) -> bool {
        match self.kind {
            Kind::Exact => self.raw == presented,
            Kind::Loopback => {
                let (Some(mine), Some(theirs)) = (without_port(&self.raw), without_port(presented))
                else {
                    return false;
                };
                mine == theirs
            }
        }
    }
}

/// A loopback `http` URL with its port taken out, compared as it is otherwise; `None`
/// when `url` is not one, or its port is not a number.
fn without_port(url: &str) -> Option<String> {
    let after = url.strip_prefix("http:")?;
    let (authority, rest) = authority(after)?;
    let (host, port) = split_port(authority);
    if port.is_some_and(|p| p.parse::<u16>().is_err()) {
        return None;
    }
    Some(format!("http://{host}{rest}"))
}

/// The callback URLs of one key, in the order given, without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallbackUrls(Vec<CallbackUrl>);

impl CallbackUrls {
    /// One URL per line (or separated by spaces), as the key settings form sends them.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let mut urls: Vec<CallbackUrl> = Vec::new();
        for part in raw.split_whitespace() {
            let url = CallbackUrl::parse(part)?;
            if !urls.contains(&url) {
                urls.push(url);
            }
        }
        if urls.len() > MAX_URLS {
            return Err(invalid(format!("at most {MAX_URLS} callback URLs")));
        }
        Ok(Self(urls))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &CallbackUrl> {
        self.0.iter()
    }

    /// The registered URL a request's `redirect_uri` names; with none given, the only
    /// one registered (RFC 6749 §3.1.2.3), never a guess among several.
    pub fn resolve<'a>(&'a self, presented: Option<&'a str>) -> Option<&'a str> {
        match presented {
            Some(p) => self.0.iter().any(|u| u.matches(p)).then_some(p),
            None => match self.0.as_slice() {
                [only] => Some(only.as_str()),
                _ => None,
            },
        }
    }

    /// One per line, as stored.
    pub fn to_lines(&self) -> String {
        self.0
            .iter()
            .map(CallbackUrl::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[cfg(test)]
#[path = "redirect_uri_tests.rs"]
mod tests;
