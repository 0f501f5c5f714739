//! The brute-force throttle across nodes. Each node throttles in memory
//! (`service::throttle`); with sharing on, every password check's outcome is also written
//! to the `throttle_events` table, and before each check a node applies the outcomes the
//! other nodes wrote since it last looked. Attempts against one user spread over several
//! nodes then meet the limits of one node, up to the checks in flight at that moment.
//!
//! Events are read by time with a short overlap and deduplicated by sequence number, so
//! an event whose transaction commits after a later one's is still seen. Correct
//! passwords are written only when they change something elsewhere: after a failure for
//! the same user and address, or when the address's trust was last shared a day ago.

use super::throttle::Throttle;
use super::Services;
use crate::domain::Epoch;
use lru::LruCache;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::Mutex;

/// Seconds of overlap between reads: an insert commits within this of its timestamp.
const OVERLAP: Epoch = 2;
/// Events read at most per check; the rest follow on the next.
const BATCH: i64 = 5_000;
/// How long a shared success keeps the address trusted on other nodes before it is
/// shared again.
const TRUST_REFRESH: Epoch = 86_400;

pub struct ThrottleSync {
    node: String,
    /// Bumped by every read, so checks queued behind one read need not repeat it.
    reads: AtomicU64,
    state: Mutex<Cursor>,
    /// Per (user, address): when a success was last shared, and whether a failure has
    /// been seen since.
    shared: std::sync::Mutex<LruCache<(String, String), (Epoch, bool)>>,
}

struct Cursor {
    since: Epoch,
    /// Sequence numbers applied within the overlap, with their times.
    applied: HashMap<i64, Epoch>,
}

impl ThrottleSync {
    pub fn new(now: Epoch, window: i64) -> Self {
        Self {
            node: uuid::Uuid::new_v4().simple().to_string(),
            reads: AtomicU64::new(0),
            state: Mutex::new(Cursor {
                since: now - window,
                applied: HashMap::new(),
            }),
            shared: std::sync::Mutex::new(LruCache::new(
                NonZeroUsize::new(100_000).expect("non-zero"),
            )),
        }
    }

    fn note(&self, key: (String, String), failed: bool, shared_success: Option<Epoch>) {
        let mut map = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        let entry = map.get_or_insert_mut(key, || (Epoch::MIN, false));
        if let Some(at) = shared_success {
            *entry = (at, false);
        } else if failed {
            entry.1 = true;
        }
    }

    fn success_worth_sharing(&self, key: &(String, String), now: Epoch) -> bool {
        let mut map = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key)
            .is_none_or(|(at, failed)| *failed || now - at >= TRUST_REFRESH)
    }
}

impl Services {
    /// Runs `check` of a secret presented for `key` from `addr` behind the throttle, and
    /// counts its outcome (`right` says whether it passed) here and on the other nodes:
    /// the one protocol every checked password or node credential goes through. A check
    /// that errs counts as neither; `Err` is the throttle saying to wait.
    pub(crate) async fn throttled<T, E>(
        &self,
        key: &str,
        addr: std::net::IpAddr,
        check: impl std::future::Future<Output = Result<T, E>>,
        right: impl FnOnce(&T) -> bool,
    ) -> Result<Result<T, E>, super::throttle::RetryAfter> {
        self.pull_throttle_events().await;
        let attempt = self.throttle.begin(key, addr, || self.clock.now()).await?;
        let outcome = check.await;
        if let Ok(value) = &outcome {
            let ok = right(value);
            let now = self.clock.now();
            if ok {
                attempt.succeeded(now);
            } else {
                attempt.failed(now);
            }
            self.push_throttle_event(key, addr, ok, now).await;
        }
        Ok(outcome)
    }

    /// Applies the other nodes' outcomes written since the last read.
    async fn pull_throttle_events(&self) {
        let Some(sync) = &self.throttle_sync else {
            return;
        };
        let arrived = sync.reads.load(Ordering::Acquire);
        let mut cursor = sync.state.lock().await;
        if sync.reads.load(Ordering::Acquire) != arrived {
            return; // read by another check while this one waited
        }
        let events = self
            .store
            .throttle_events_since(&sync.node, cursor.since - OVERLAP, BATCH)
            .await;
        sync.reads.fetch_add(1, Ordering::AcqRel);
        let events = match events {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read other nodes' password checks");
                return;
            }
        };
        for e in events {
            if cursor.applied.insert(e.seq, e.at).is_none()
                && self.throttle.apply_shared(&e.name, &e.net, e.ok == 1, e.at)
            {
                sync.note((e.name, e.net), e.ok == 0, (e.ok == 1).then_some(e.at));
            }
            cursor.since = cursor.since.max(e.at);
        }
        let keep_from = cursor.since - OVERLAP;
        cursor.applied.retain(|_, at| *at >= keep_from);
    }

    /// Shares this node's outcome of a password check.
    async fn push_throttle_event(
        &self,
        username: &str,
        addr: std::net::IpAddr,
        ok: bool,
        now: Epoch,
    ) {
        let Some(sync) = &self.throttle_sync else {
            return;
        };
        let key = Throttle::shared_keys(username, addr);
        if ok && !sync.success_worth_sharing(&key, now) {
            return;
        }
        match self
            .store
            .add_throttle_event(&sync.node, &key.0, &key.1, ok, now)
            .await
        {
            Ok(()) => sync.note(key, !ok, ok.then_some(now)),
            Err(e) => tracing::warn!(error = %e, "cannot share a password check's outcome"),
        }
    }

    /// Deletes events that can no longer decide anything.
    pub(crate) async fn purge_throttle_events(&self) -> Result<u64, super::ServiceError> {
        let c = self.throttle.config();
        let now = self.clock.now();
        Ok(self
            .store
            .purge_throttle_events(now - c.window - OVERLAP, now - c.trusted_address_ttl)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_is_shared_after_a_failure_or_once_a_day() {
        let sync = ThrottleSync::new(1_000, 900);
        let key = Throttle::shared_keys("alice", "203.0.113.5".parse().unwrap());
        assert!(sync.success_worth_sharing(&key, 1_000), "never shared");
        sync.note(key.clone(), false, Some(1_000));
        assert!(
            !sync.success_worth_sharing(&key, 1_100),
            "shared a moment ago"
        );
        sync.note(key.clone(), true, None);
        assert!(sync.success_worth_sharing(&key, 1_100), "a failure since");
        sync.note(key.clone(), false, Some(1_100));
        assert!(
            sync.success_worth_sharing(&key, 1_100 + TRUST_REFRESH),
            "a day on"
        );
    }

    #[test]
    fn shared_keys_are_read_back_as_the_throttle_counts_them() {
        let throttle = Throttle::new(Default::default());
        let (name, net) = Throttle::shared_keys("alice", "2001:db8::1".parse().unwrap());
        assert_eq!(net, "2001:db8::", "an IPv6 address by its /64");
        assert!(throttle.apply_shared(&name, &net, false, 1_000));
        assert!(!throttle.apply_shared("not hex", &net, false, 1_000));
        assert!(!throttle.apply_shared(&name, "not an address", false, 1_000));
    }
}
