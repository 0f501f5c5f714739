//! The client's address behind a load balancer. Only when the connection comes from one
//! of `[server] trusted_proxies` are `Forwarded` (RFC 7239) or `X-Forwarded-For` read:
//! walking the hops from the nearest, the first address that is not itself a trusted
//! proxy is the client. Anything else — no trusted proxies configured, a peer outside
//! them, a hop that is not an address — leaves the connection's own address, so a client
//! cannot choose the address it is throttled and logged by.
//!
//! The address replaces the request's `ConnectInfo`, which every handler already reads;
//! the connection's own address stays in [`Peer`] for the gateway's `X-Forwarded-For`.

use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The address of the connection a request came on (before `trusted_proxies`).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// Parsed `[server] trusted_proxies`.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    /// Each entry an address or a CIDR range; the error names the entry.
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        entries
            .iter()
            .map(|e| {
                e.parse::<IpNet>()
                    .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("`{e}` is not an IP address or CIDR range"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|nets| Self(nets.into()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client address for a request that came from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        // Nearest hop last; each hop was added by the one before it in this list.
        for hop in hops(headers).into_iter().rev() {
            let Some(ip) = hop else {
                return client;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// The forwarded hops, farthest first: `Forwarded` when present, else `X-Forwarded-For`.
/// `None` for a hop that is not an address (`unknown`, an obfuscated name).
fn hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<Option<IpAddr>> = headers
        .get_all(header::FORWARDED)
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("").split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                k.eq_ignore_ascii_case("for").then(|| address(v))
            })
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("").split(','))
        .map(address)
        .collect()
}

/// `203.0.113.5`, `"[2001:db8::1]:4711"`, `198.51.100.7:80` → the address.
fn address(raw: &str) -> Option<IpAddr> {
    let v = raw.trim().trim_matches('"');
    if let Ok(sock) = v.parse::<SocketAddr>() {
        return Some(sock.ip());
    }
    v.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .ok()
}

/// Middleware: replaces `ConnectInfo` with the client's address and keeps the peer's.
pub async fn resolve(
    axum::extract::State(trusted): axum::extract::State<TrustedProxies>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let client = trusted.client(peer.ip(), req.headers());
        req.extensions_mut().insert(Peer(peer));
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(client, peer.port())));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_headers_count_only_from_a_trusted_peer() {
        let t = TrustedProxies::parse(&["10.0.0.0/8".into(), "192.0.2.1".into()]).unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.5")]);
        assert_eq!(t.client(ip("10.1.2.3"), &h), ip("203.0.113.5"));
        assert_eq!(
            t.client(ip("198.51.100.9"), &h),
            ip("198.51.100.9"),
            "untrusted peer"
        );
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("10.1.2.3"), &h),
            ip("10.1.2.3"),
            "nothing trusted"
        );
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client_and_a_spoofed_prefix_is_ignored() {
        let t = TrustedProxies::parse(&["10.0.0.0/8".into()]).unwrap();
        // The client claimed 1.1.1.1 itself; the proxy appended the real address.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.5, 10.0.0.2")]);
        assert_eq!(t.client(ip("10.0.0.1"), &h), ip("203.0.113.5"));
        let garbage = headers(&[("x-forwarded-for", "203.0.113.5, unknown")]);
        assert_eq!(t.client(ip("10.0.0.1"), &garbage), ip("10.0.0.1"));
    }

    #[test]
    fn rfc_7239_forwarded_wins_over_x_forwarded_for() {
        let t = TrustedProxies::parse(&["::1".into()]).unwrap();
        let h = headers(&[
            (
                "forwarded",
                "for=\"[2001:db8::7]:4711\";proto=https, for=::1",
            ),
            ("x-forwarded-for", "203.0.113.5"),
        ]);
        assert_eq!(t.client(ip("::1"), &h), ip("2001:db8::7"));
        let mapped = TrustedProxies::parse(&["127.0.0.1".into()]).unwrap();
        let h = headers(&[("forwarded", "For=198.51.100.7:80")]);
        assert_eq!(
            mapped.client(ip("::ffff:127.0.0.1"), &h),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn a_bad_entry_is_named() {
        let err = TrustedProxies::parse(&["10.0.0.0/33".into()]).unwrap_err();
        assert!(err.contains("10.0.0.0/33"));
    }
}
