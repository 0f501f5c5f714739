//! The throttle's counters (`service::throttle` states the rules): fixed-window
//! counters in bounded least-recently-used maps, keyed by username digest and address.

use super::throttle::{RetryAfter, ThrottleConfig};
use crate::domain::Epoch;
use lru::LruCache;
use sha2::{Digest, Sha256};
use std::hash::Hash;
use std::net::IpAddr;

/// A username as the throttle keys it: 16 bytes of its SHA-256, whatever its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Name([u8; 16]);

impl Name {
    /// Hex, as the shared throttle events store it.
    pub(super) fn to_hex(self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub(super) fn from_hex(hex: &str) -> Option<Self> {
        let mut out = [0u8; 16];
        if hex.len() != 32 {
            return None;
        }
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
        }
        Some(Self(out))
    }

    pub(super) fn of(username: &str) -> Self {
        let digest = Sha256::digest(username.as_bytes());
        let mut out = [0u8; 16];
        out.copy_from_slice(&digest[..16]);
        Self(out)
    }
}

/// An address as the throttle counts it: IPv4 as is (also when written as IPv6),
/// IPv6 by its /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Net(IpAddr);

impl Net {
    pub(super) fn to_text(self) -> String {
        self.0.to_string()
    }

    /// A stored address, counted as the throttle counts addresses.
    pub(super) fn from_text(text: &str) -> Option<Self> {
        text.parse().ok().map(net)
    }
}

pub(super) fn net(addr: IpAddr) -> Net {
    match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => Net(IpAddr::V4(v4)),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                Net(IpAddr::V6(bits.into()))
            }
        },
        v4 => Net(v4),
    }
}

/// Why an attempt may not begin now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Blocked {
    /// Failures: try again after this long.
    Wait(RetryAfter),
    /// Attempts in flight would use up what is left; wait for them to be decided.
    Busy,
}

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Counter {
    pub failures: u32,
    /// Attempts let through and not yet decided.
    pub in_flight: u32,
    pub window_start: Epoch,
    pub last_failure: Epoch,
}

impl Counter {
    /// The counter as it stands at `now`: failures of an ended window are forgotten,
    /// attempts in flight are not.
    pub(super) fn in_window(&self, now: Epoch, window: i64) -> Counter {
        if now - self.window_start < window {
            *self
        } else {
            Counter {
                in_flight: self.in_flight,
                ..Counter::default()
            }
        }
    }
}

/// A map that forgets its least recently used key to make room.
pub(super) struct Bounded<K: Hash + Eq, V> {
    map: LruCache<K, V>,
    max: usize,
}

impl<K: Hash + Eq + Clone, V: Default> Bounded<K, V> {
    fn new(max: usize) -> Self {
        // Unbounded to lru (which would allocate every slot up front); bounded here.
        Self {
            map: LruCache::unbounded(),
            max: max.max(1),
        }
    }

    pub(super) fn peek(&self, key: &K) -> Option<&V> {
        self.map.peek(key)
    }

    fn entry(&mut self, key: K) -> &mut V {
        if !self.map.contains(&key) {
            while self.map.len() >= self.max {
                self.map.pop_lru();
            }
            self.map.put(key.clone(), V::default());
        }
        self.map.get_mut(&key).expect("present: just ensured")
    }

    fn remove(&mut self, key: &K) {
        self.map.pop(key);
    }
}

pub(super) struct State {
    pairs: Bounded<(Name, Net), Counter>,
    addresses: Bounded<Net, Counter>,
    users: Bounded<Name, Counter>,
    trusted: Bounded<(Name, Net), Epoch>,
    pub signups: Bounded<Net, Counter>,
    pub signup_total: Counter,
}

impl State {
    pub(super) fn new(max: usize) -> Self {
        Self {
            pairs: Bounded::new(max),
            addresses: Bounded::new(max),
            users: Bounded::new(max),
            trusted: Bounded::new(max),
            signups: Bounded::new(max),
            signup_total: Counter::default(),
        }
    }

    /// Whether `name` may be tried from `addr` now: `Wait` when its failures say so,
    /// `Busy` when only attempts still in flight stand in the way (they may yet fail and
    /// use up what is left), so the caller waits for them instead of refusing.
    pub(super) fn wait(
        &self,
        name: Name,
        addr: Net,
        now: Epoch,
        c: &ThrottleConfig,
    ) -> Result<(), Blocked> {
        let mut wait = 0;
        let mut busy = false;
        if let Some(p) = self.pairs.peek(&(name, addr)) {
            let live = if now - p.last_failure < c.window {
                p.failures
            } else {
                0
            };
            if live >= c.pair_free_failures {
                let exp = (live - c.pair_free_failures).min(30);
                let delay = c
                    .pair_base_delay
                    .saturating_mul(1 << exp)
                    .min(c.pair_max_delay);
                wait = wait.max(p.last_failure + delay - now);
                // Past the free failures, one attempt at a time.
                busy |= p.in_flight > 0;
            } else {
                busy |= live + p.in_flight >= c.pair_free_failures;
            }
        }
        let mut window_rule = |counter: &Counter, max: u32| {
            let c2 = counter.in_window(now, c.window);
            if c2.failures >= max {
                wait = wait.max(counter.window_start + c.window - now);
            } else {
                busy |= c2.failures + c2.in_flight >= max;
            }
        };
        if let Some(a) = self.addresses.peek(&addr) {
            window_rule(a, c.address_max_failures);
        }
        let trusted = self
            .trusted
            .peek(&(name, addr))
            .is_some_and(|t| now - t < c.trusted_address_ttl);
        if let Some(u) = self.users.peek(&name).filter(|_| !trusted) {
            window_rule(u, c.user_max_failures);
        }
        if wait > 0 {
            Err(Blocked::Wait(RetryAfter(wait)))
        } else if busy {
            Err(Blocked::Busy)
        } else {
            Ok(())
        }
    }

    pub(super) fn reserve(&mut self, name: Name, addr: Net) {
        self.pairs.entry((name, addr)).in_flight += 1;
        self.addresses.entry(addr).in_flight += 1;
        self.users.entry(name).in_flight += 1;
    }

    /// Ends an attempt's reservation; a counter forgotten meanwhile has nothing to end.
    pub(super) fn release(&mut self, name: Name, addr: Net) {
        let end = |c: Option<&mut Counter>| {
            if let Some(c) = c {
                c.in_flight = c.in_flight.saturating_sub(1);
            }
        };
        end(self.pairs.map.peek_mut(&(name, addr)));
        end(self.addresses.map.peek_mut(&addr));
        end(self.users.map.peek_mut(&name));
    }

    pub(super) fn failure(&mut self, name: Name, addr: Net, now: Epoch, c: &ThrottleConfig) {
        bump(self.pairs.entry((name, addr)), now, c.window);
        bump(self.addresses.entry(addr), now, c.window);
        bump(self.users.entry(name), now, c.window);
    }

    pub(super) fn success(&mut self, name: Name, addr: Net, now: Epoch, _c: &ThrottleConfig) {
        let pair = self.pairs.entry((name, addr));
        if pair.in_flight == 0 {
            self.pairs.remove(&(name, addr));
        } else {
            *pair = Counter {
                in_flight: pair.in_flight,
                ..Counter::default()
            };
        }
        *self.trusted.entry((name, addr)) = now;
    }

    pub(super) fn count_signup(&mut self, addr: Net, now: Epoch, c: &ThrottleConfig) {
        bump(self.signups.entry(addr), now, c.window);
        bump(&mut self.signup_total, now, c.window);
    }
}

/// Counts a failure in a fixed window that restarts once `window` seconds have passed.
fn bump(c: &mut Counter, now: Epoch, window: i64) {
    if now - c.window_start >= window {
        c.failures = 0;
        c.window_start = now;
    }
    c.failures += 1;
    c.last_failure = now;
}
