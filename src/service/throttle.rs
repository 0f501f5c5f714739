//! Brute-force protection for every password check (RFC 6749 §4.3.2): the password
//! grant, portal sign-in, password change, and admin credentials on introspection and
//! the statistics API. Three rules, checked before any password is hashed:
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
//! Attempts still being checked count as failures until they are decided ([`Attempt`]),
//! so fifty guesses sent at once meet the same limits as fifty sent one by one: those
//! beyond what is left wait for the ones in flight, then are let through (they were
//! right) or refused (they were wrong). Honest clients sending many correct passwords at
//! once only wait their turn, as they would for the hashing workers anyway.
//!
//! Keys are a digest of the canonical username (never the raw, possibly huge, string)
//! and the address, an IPv6 address by its /64: one subscriber usually holds a whole /64
//! and could otherwise rotate through 2^64 addresses. Each map holds at most
//! `max_entries` keys; when full, the least recently used key is forgotten, so a flood
//! of new keys costs the attacker the oldest counters, never this one's.
//!
//! Self sign-up is limited apart ([`Throttle::signup`]): per address, and by a much
//! higher ceiling over all addresses. State is in memory per node; `throttle_sync` shares
//! password-check outcomes between nodes.

use super::throttle_state::{net, Blocked, Counter, Name, Net, State};
use crate::domain::Epoch;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::Notify;

/// The longest an attempt waits for others in flight to be decided before it is told
/// to come back later.
const MAX_WAIT_FOR_OTHERS: Duration = Duration::from_secs(10);

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
    /// Password hashes waiting for a worker; beyond this, 429 before any hashing.
    pub max_queued_hashes: usize,
    /// Self sign-ups one address (IPv6: one /64) may make within `window`.
    pub signups_per_address: u32,
    /// Self sign-ups from all addresses together within `window`.
    pub signups_global: u32,
    /// Share password-check outcomes between nodes through the database
    /// (`service::throttle_sync`). Unset: shared on PostgreSQL, not on SQLite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared: Option<bool>,
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
            max_queued_hashes: 256,
            signups_per_address: 10,
            signups_global: 1_000,
            shared: None,
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
        let at_least_one = [
            ("address_max_failures", self.address_max_failures as usize),
            ("user_max_failures", self.user_max_failures as usize),
            ("max_entries", self.max_entries),
            ("max_queued_hashes", self.max_queued_hashes),
            ("signups_per_address", self.signups_per_address as usize),
            ("signups_global", self.signups_global as usize),
        ];
        for (key, v) in at_least_one {
            if v == 0 {
                return Err((key.into(), "must be at least 1".into()));
            }
        }
        Ok(())
    }
}

pub struct Throttle {
    config: ThrottleConfig,
    state: Mutex<State>,
    /// Signalled whenever an attempt is decided or abandoned, for those waiting on it.
    decided: Notify,
}

/// Seconds to wait before trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub i64);

/// A password check let through and not yet decided; it counts as a failure until
/// [`Attempt::succeeded`] or [`Attempt::failed`]. Dropped undecided (the client went
/// away), it simply stops counting.
pub struct Attempt<'t> {
    throttle: &'t Throttle,
    keys: Option<(Name, Net)>,
}

impl Attempt<'_> {
    pub fn succeeded(self, now: Epoch) {
        self.decide(now, true);
    }

    pub fn failed(self, now: Epoch) {
        self.decide(now, false);
    }

    fn decide(mut self, now: Epoch, right: bool) {
        if let Some((name, addr)) = self.keys.take() {
            let config = &self.throttle.config;
            let mut st = self.throttle.lock();
            st.release(name, addr);
            if right {
                st.success(name, addr, now, config);
            } else {
                st.failure(name, addr, now, config);
            }
            drop(st);
            self.throttle.decided.notify_waiters();
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if let Some((name, addr)) = self.keys.take() {
            self.throttle.lock().release(name, addr);
            self.throttle.decided.notify_waiters();
        }
    }
}

impl Throttle {
    pub fn new(config: ThrottleConfig) -> Self {
        Self {
            state: Mutex::new(State::new(config.max_entries)),
            config,
            decided: Notify::new(),
        }
    }

    pub fn config(&self) -> &ThrottleConfig {
        &self.config
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the counters inconsistent; keep serving.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Lets one password check of `username` from `addr` begin, or says how long to wait.
    /// While only attempts in flight stand in the way, waits for them to be decided
    /// (`now` is asked again after each wait).
    pub async fn begin(
        &self,
        username: &str,
        addr: IpAddr,
        now: impl Fn() -> Epoch,
    ) -> Result<Attempt<'_>, RetryAfter> {
        let give_up = tokio::time::Instant::now() + MAX_WAIT_FOR_OTHERS;
        loop {
            // Registered before the check, so a decision between the two is not missed.
            let decided = self.decided.notified();
            tokio::pin!(decided);
            decided.as_mut().enable();
            match self.try_begin(username, addr, now()) {
                Ok(attempt) => return Ok(attempt),
                Err(Blocked::Wait(retry)) => {
                    blocked("password");
                    return Err(retry);
                }
                Err(Blocked::Busy) => {
                    if tokio::time::timeout_at(give_up, decided).await.is_err() {
                        return Err(RetryAfter(1));
                    }
                }
            }
        }
    }

    /// [`Throttle::begin`] without waiting.
    pub(super) fn try_begin(
        &self,
        username: &str,
        addr: IpAddr,
        now: Epoch,
    ) -> Result<Attempt<'_>, Blocked> {
        if !self.config.enabled {
            return Ok(Attempt {
                throttle: self,
                keys: None,
            });
        }
        let (name, addr) = (Name::of(username), net(addr));
        let mut st = self.lock();
        st.wait(name, addr, now, &self.config)?;
        st.reserve(name, addr);
        Ok(Attempt {
            throttle: self,
            keys: Some((name, addr)),
        })
    }

    /// `Err` while `username` may not be tried from `addr` (nothing is reserved). The
    /// `check` and `record_*` steps are what [`Throttle::begin`] and [`Attempt`] do in
    /// one; the rule tests drive them one at a time.
    #[cfg(test)]
    pub fn check(&self, username: &str, addr: IpAddr, now: Epoch) -> Result<(), RetryAfter> {
        if !self.config.enabled {
            return Ok(());
        }
        match self
            .lock()
            .wait(Name::of(username), net(addr), now, &self.config)
        {
            Ok(()) => Ok(()),
            Err(Blocked::Wait(retry)) => Err(retry),
            Err(Blocked::Busy) => Err(RetryAfter(1)),
        }
    }

    /// The keys a password check of `username` from `addr` is counted under, as text
    /// for the shared events: a username digest and the address as counted.
    pub(crate) fn shared_keys(username: &str, addr: IpAddr) -> (String, String) {
        (Name::of(username).to_hex(), net(addr).to_text())
    }

    /// Counts another node's outcome as if it had happened here; false when the
    /// event's keys are not the throttle's.
    pub(crate) fn apply_shared(&self, name: &str, addr: &str, ok: bool, at: Epoch) -> bool {
        let (Some(name), Some(addr)) = (Name::from_hex(name), Net::from_text(addr)) else {
            return false;
        };
        if self.config.enabled {
            let mut state = self.lock();
            if ok {
                state.success(name, addr, at, &self.config);
            } else {
                state.failure(name, addr, at, &self.config);
            }
        }
        true
    }

    #[cfg(test)]
    pub fn record_failure(&self, username: &str, addr: IpAddr, now: Epoch) {
        if self.config.enabled {
            self.lock()
                .failure(Name::of(username), net(addr), now, &self.config);
        }
    }

    /// A correct password: the pair starts afresh and the address becomes trusted for
    /// this user.
    #[cfg(test)]
    pub fn record_success(&self, username: &str, addr: IpAddr, now: Epoch) {
        if self.config.enabled {
            self.lock()
                .success(Name::of(username), net(addr), now, &self.config);
        }
    }

    /// Counts one self sign-up from `addr`, or says how long to wait: at most
    /// `signups_per_address` per address and `signups_global` in all per `window`.
    pub fn signup(&self, addr: IpAddr, now: Epoch) -> Result<(), RetryAfter> {
        if !self.config.enabled {
            return Ok(());
        }
        let c = &self.config;
        let mut st = self.lock();
        let ends = |counter: &Counter| RetryAfter((counter.window_start + c.window - now).max(1));
        let total = st.signup_total.in_window(now, c.window);
        if total.failures >= c.signups_global {
            blocked("signup");
            return Err(ends(&total));
        }
        let here = st
            .signups
            .peek(&net(addr))
            .map(|s| s.in_window(now, c.window));
        if let Some(here) = here.filter(|h| h.failures >= c.signups_per_address) {
            blocked("signup");
            return Err(ends(&here));
        }
        st.count_signup(net(addr), now, c);
        Ok(())
    }
}

/// A refused attempt, for the metrics: `password` (sign-in, password grant, client
/// secrets) or `signup`.
fn blocked(kind: &'static str) {
    metrics::counter!("portico_throttle_blocks_total", "kind" => kind).increment(1);
}

#[cfg(test)]
#[path = "throttle_tests.rs"]
mod tests;
