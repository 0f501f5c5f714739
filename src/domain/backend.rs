//! Which addresses an API's backend may have. An admin account (or a stolen admin
//! session) pointing an API at `169.254.169.254`, a private network or the portal itself
//! would turn the gateway into a door to whatever only this host can reach (SSRF). The
//! same rule is applied when an API is saved (to IP literals and `localhost`) and when
//! the gateway connects (to every address a backend name resolves to, so a name that
//! later resolves elsewhere gains nothing).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `[gateway] allow_private_backends` and `allow_loopback_backends`, and this server's
/// own ports, which are never a backend.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackendPolicy {
    /// Private, link-local (cloud metadata), shared (CGNAT), unspecified and multicast
    /// addresses are allowed too.
    pub allow_private: bool,
    /// Loopback addresses (a service on this host) are allowed, except this server's
    /// own ports.
    pub allow_loopback: bool,
    pub own_ports: Vec<u16>,
}

/// Why a backend address is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BackendRefusal {
    #[error("is this server itself")]
    ThisServer,
    #[error("is a loopback address (set [gateway] allow_loopback_backends = true to allow it)")]
    Loopback,
    #[error(
        "is a private, link-local or reserved address (set [gateway] allow_private_backends = true to allow it)"
    )]
    Private,
}

fn v4_private(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || (a == 100 && (64..128).contains(&b))
        || a == 0
        || a >= 240
}

fn v6_private(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
}

impl BackendPolicy {
    /// Whether the gateway may connect to `ip` on `port`.
    pub fn check(&self, ip: IpAddr, port: u16) -> Result<(), BackendRefusal> {
        // An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is judged as IPv4.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        if ip.is_loopback() {
            if self.own_ports.contains(&port) {
                return Err(BackendRefusal::ThisServer);
            }
            return if self.allow_loopback || self.allow_private {
                Ok(())
            } else {
                Err(BackendRefusal::Loopback)
            };
        }
        let private = match ip {
            IpAddr::V4(v4) => v4_private(v4),
            IpAddr::V6(v6) => v6_private(v6),
        };
        if private && !self.allow_private {
            return Err(BackendRefusal::Private);
        }
        Ok(())
    }

    /// The check for a URL's host as written: an IP literal, or `localhost` (which
    /// resolves to loopback without asking DNS). Other names are checked when resolved.
    pub fn check_host(&self, host: &str, port: u16) -> Result<(), BackendRefusal> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return self.check(ip, port);
        }
        let name = bare.trim_end_matches('.').to_ascii_lowercase();
        if name == "localhost" || name.ends_with(".localhost") {
            return self.check(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(allow_private: bool, allow_loopback: bool) -> BackendPolicy {
        BackendPolicy {
            allow_private,
            allow_loopback,
            own_ports: vec![9443, 8243, 8280],
        }
    }

    #[test]
    fn metadata_private_and_reserved_addresses_are_refused_by_default() {
        let p = policy(false, true);
        for host in [
            "169.254.169.254",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "[fe80::1]",
            "[fd00::1]",
            "[::ffff:10.0.0.1]",
            "[::]",
        ] {
            assert_eq!(
                p.check_host(host, 80),
                Err(BackendRefusal::Private),
                "{host}"
            );
        }
        assert_eq!(p.check_host("93.184.216.34", 80), Ok(()));
        assert_eq!(p.check_host("api.example.com", 80), Ok(()));
        assert_eq!(policy(true, false).check_host("10.1.2.3", 80), Ok(()));
    }

    #[test]
    fn loopback_follows_its_setting_and_this_server_is_never_a_backend() {
        assert_eq!(policy(false, true).check_host("127.0.0.1", 8080), Ok(()));
        assert_eq!(
            policy(false, false).check_host("localhost", 8080),
            Err(BackendRefusal::Loopback)
        );
        assert_eq!(
            policy(false, false).check_host("[::1]", 8080),
            Err(BackendRefusal::Loopback)
        );
        for host in ["127.0.0.1", "localhost", "[::1]", "127.1.2.3"] {
            assert_eq!(
                policy(true, true).check_host(host, 9443),
                Err(BackendRefusal::ThisServer),
                "{host}"
            );
        }
    }
}
