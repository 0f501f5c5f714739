//! Brute-force protection for password checks (RFC 6749 §4.3.2), shared by the password
//! grant and portal sign-in. Three rules, checked before any password is hashed:
//!
//! 1. **Per (username, address)**: the first `pair_free_failures` failures are free; each
//!    further one makes the pair wait `pair_base_delay × 2^(n − free)` seconds, capped at
//!    `pair_max_delay`. A success, or `window` seconds without failure, resets the pair.
//! 2. **Per address** (password spraying): `address_max_failures` failures across all
//!    usernames within `window` seconds block the address until the window ends.
//! 3. **Per username** across addresses: `user_max_failures` failures within `window`
//!    block that username — but only from addresses where the user has not signed in
//!    successfully within `trusted_address_ttl`. An attacker elsewhere therefore cannot lock
//!    the real user out of the places they normally sign in from.
//!
//! State is in memory per node and bounded to `max_entries` keys per rule.

use crate::domain::Epoch;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThrottleConfig {
    pub enabled: bool,
    pub pair_free_failures: u32,
    pub pair_base_delay: i64,
    pub pair_max_delay: i64,
    pub address_max_failures: u32,
    pub user_max_failures: u32,
    pub window: i64,
    pub trusted_address_ttl: i64,
    pub max_entries: usize,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            pair_free_failures: 5,
            pair_base_delay: 1,
            pair_max_delay: 900,
            address_max_failures: 100,
            user_max_failures: 20,
            window: 900,
            trusted_address_ttl: 30 * 86_400,
            max_entries: 100_000,
        }
    }
}

impl ThrottleConfig {
    /// Returns the offending key and why, for the configuration error message.
    pub fn validate(&self) -> Result<(), (String, String)> {
        let positive = [
            ("pair_base_delay", self.pair_base_delay),
            ("pair_max_delay", self.pair_max_delay),
            ("window", self.window),
            ("trusted_address_ttl", self.trusted_address_ttl),
        ];
        for (key, v) in positive {
            if v <= 0 {
                return Err((
                    key.into(),
                    format!("{v} must be a positive number of seconds"),
                ));
            }
        }
        if self.address_max_failures == 0 || self.user_max_failures == 0 || self.max_entries == 0 {
            return Err(("max_failures".into(), "limits must be at least 1".into()));
        }
        Ok(())
    }
}

#[derive(Default, Clone, Copy)]
struct Counter {
    failures: u32,
    window_start: Epoch,
    last_failure: Epoch,
}

#[derive(Default)]
struct State {
    pairs: HashMap<(String, IpAddr), Counter>,
    addresses: HashMap<IpAddr, Counter>,
    users: HashMap<String, Counter>,
    trusted: HashMap<(String, IpAddr), Epoch>,
}

pub struct Throttle {
    config: ThrottleConfig,
    state: Mutex<State>,
}

/// Seconds to wait before trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub i64);

impl Throttle {
    pub fn new(config: ThrottleConfig) -> Self {
        Self {
            config,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the counters inconsistent; keep serving.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `Err` while `username` may not be tried from `addr`.
    pub fn check(&self, username: &str, addr: IpAddr, now: Epoch) -> Result<(), RetryAfter> {
        if !self.config.enabled {
            return Ok(());
        }
        let c = &self.config;
        let st = self.lock();
        let key = (username.to_owned(), addr);
        let mut wait = 0;
        if let Some(p) = st
            .pairs
            .get(&key)
            .filter(|p| now - p.last_failure < c.window)
        {
            if p.failures >= c.pair_free_failures {
                let exp = (p.failures - c.pair_free_failures).min(30);
                let delay = c
                    .pair_base_delay
                    .saturating_mul(1 << exp)
                    .min(c.pair_max_delay);
                wait = wait.max(p.last_failure + delay - now);
            }
        }
        if let Some(a) = st
            .addresses
            .get(&addr)
            .filter(|a| now - a.window_start < c.window)
        {
            if a.failures >= c.address_max_failures {
                wait = wait.max(a.window_start + c.window - now);
            }
        }
        let trusted = st
            .trusted
            .get(&key)
            .is_some_and(|t| now - t < c.trusted_address_ttl);
        if let Some(u) = st
            .users
            .get(username)
            .filter(|u| now - u.window_start < c.window)
        {
            if u.failures >= c.user_max_failures && !trusted {
                wait = wait.max(u.window_start + c.window - now);
            }
        }
        if wait > 0 {
            Err(RetryAfter(wait))
        } else {
            Ok(())
        }
    }

    pub fn record_failure(&self, username: &str, addr: IpAddr, now: Epoch) {
        if !self.config.enabled {
            return;
        }
        let window = self.config.window;
        let max = self.config.max_entries;
        let mut st = self.lock();
        let st = &mut *st;
        bump(&mut st.pairs, (username.to_owned(), addr), now, window, max);
        bump(&mut st.addresses, addr, now, window, max);
        bump(&mut st.users, username.to_owned(), now, window, max);
    }

    /// A correct password: the pair starts afresh and the address becomes trusted for
    /// this user.
    pub fn record_success(&self, username: &str, addr: IpAddr, now: Epoch) {
        if !self.config.enabled {
            return;
        }
        let ttl = self.config.trusted_address_ttl;
        let mut st = self.lock();
        let key = (username.to_owned(), addr);
        st.pairs.remove(&key);
        if st.trusted.len() >= self.config.max_entries {
            st.trusted.retain(|_, t| now - *t < ttl);
        }
        if st.trusted.len() < self.config.max_entries {
            st.trusted.insert(key, now);
        }
    }
}

/// Counts a failure in a fixed window that restarts once `window` seconds have passed.
fn bump<K: std::hash::Hash + Eq>(
    map: &mut HashMap<K, Counter>,
    key: K,
    now: Epoch,
    window: i64,
    max_entries: usize,
) {
    if map.len() >= max_entries && !map.contains_key(&key) {
        map.retain(|_, c| now - c.last_failure < window);
        if map.len() >= max_entries {
            return;
        }
    }
    let c = map.entry(key).or_default();
    if now - c.window_start >= window {
        *c = Counter {
            failures: 0,
            window_start: now,
            last_failure: now,
        };
    }
    c.failures += 1;
    c.last_failure = now;
}

#[cfg(test)]
#[path = "throttle_tests.rs"]
mod tests;
