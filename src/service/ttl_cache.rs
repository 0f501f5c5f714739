//! A bounded in-memory cache whose entries stop counting a fixed time after they were
//! stored, for what sits on every request's path: the gateway's token and subscription
//! checks and the consumer keys of client authentication. (The route table is one value,
//! kept beside them in `service::gateway`.)
//!
//! quick_cache rather than moka: a lookup is a hash-shard read with no async state
//! machine and no maintenance queue. With moka's future cache, two lookups per proxied
//! call cost about a fifth of the gateway's CPU time per call (`tests/bench/gateway_bench.sh`).
//! An expired entry is left for the capacity bound to evict; it is never answered.
//! Concurrent misses on one key each load it: a few reads more when a busy token expires,
//! no lock held across an `.await`.

use quick_cache::sync::Cache;
use quick_cache::Equivalent;
use std::future::Future;
use std::hash::Hash;
use std::time::{Duration, Instant};

pub struct TtlCache<K, V> {
    /// `None` when the TTL is zero: caching is off and every lookup loads.
    entries: Option<Cache<K, (Instant, V)>>,
    ttl: Duration,
}

impl<K, V> TtlCache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            entries: (!ttl.is_zero()).then(|| Cache::new(capacity.max(1))),
            ttl,
        }
    }

    /// The value stored under `key` less than the TTL ago.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        Q: Hash + Equivalent<K> + ?Sized,
    {
        let (stored, value) = self.entries.as_ref()?.get(key)?;
        (stored.elapsed() < self.ttl).then_some(value)
    }

    pub fn insert(&self, key: K, value: V) {
        if let Some(entries) = &self.entries {
            entries.insert(key, (Instant::now(), value));
        }
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        if let Some(entries) = &self.entries {
            entries.clear();
        }
    }

    pub fn remove<Q>(&self, key: &Q)
    where
        Q: Hash + Equivalent<K> + ?Sized,
    {
        if let Some(entries) = &self.entries {
            entries.remove(key);
        }
    }

    /// The cached value, or `load`'s, stored under `owned()` (the key is built only on a
    /// miss, so a hit allocates nothing). A failed load is not cached.
    pub async fn get_or_load<Q, E>(
        &self,
        key: &Q,
        owned: impl FnOnce() -> K,
        load: impl Future<Output = Result<V, E>>,
    ) -> Result<V, E>
    where
        Q: Hash + Equivalent<K> + ?Sized,
    {
        if let Some(value) = self.get(key) {
            return Ok(value);
        }
        let value = load.await?;
        self.insert(owned(), value.clone());
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_after_the_ttl() {
        let cache = TtlCache::new(Duration::from_millis(50), 10);
        cache.insert("a".to_owned(), 1);
        assert_eq!(cache.get("a"), Some(1));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get("a"), None);
    }

    #[test]
    fn a_zero_ttl_caches_nothing() {
        let cache = TtlCache::new(Duration::ZERO, 10);
        cache.insert("a".to_owned(), 1);
        assert_eq!(cache.get("a"), None);
    }

    #[test]
    fn removed_entries_are_gone_and_capacity_is_bounded() {
        let cache = TtlCache::new(Duration::from_secs(60), 100);
        for i in 0..1_000 {
            cache.insert(i, i);
        }
        let kept = (0..1_000).filter(|i| cache.get(i).is_some()).count();
        assert!(kept <= 110, "{kept} entries kept");
        cache.insert(5_000, 1);
        cache.remove(&5_000);
        assert_eq!(cache.get(&5_000), None);
    }

    #[tokio::test]
    async fn loads_on_a_miss_only_and_never_caches_a_failure() {
        let cache = TtlCache::new(Duration::from_secs(60), 10);
        let failed: Result<u32, &str> = cache
            .get_or_load("k", || "k".to_owned(), async { Err("down") })
            .await;
        assert_eq!(failed, Err("down"));
        let first = cache
            .get_or_load("k", || "k".to_owned(), async { Ok::<_, ()>(1) })
            .await;
        let second = cache
            .get_or_load("k", || "k".to_owned(), async { Ok::<_, ()>(2) })
            .await;
        assert_eq!((first, second), (Ok(1), Ok(1)));
    }
}
