//! Revocations made on other nodes that share this database. Every node polls the
//! revocation feed's newest sequence number every [`POLL`]; when it moves, the node
//! drops its cached token rows and consumer keys, so a token revoked or a secret
//! regenerated anywhere is refused here within one poll and one query.
//!
//! A node that has not read the feed for [`TRUST`] stops trusting its token cache and
//! reads every token from the database until the feed answers again: a lost database
//! connection cannot stretch the bound.

use super::Services;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How often the feed is read.
pub const POLL: Duration = Duration::from_millis(250);
/// How long the token cache is trusted after the last successful read of the feed: the
/// documented bound on a revocation made on another node.
pub const TRUST: Duration = Duration::from_secs(1);

/// When this node last read the feed, as milliseconds since `start`.
pub struct FeedHealth {
    start: Instant,
    last_read_ms: AtomicU64,
}

impl Default for FeedHealth {
    fn default() -> Self {
        Self {
            start: Instant::now(),
            last_read_ms: AtomicU64::new(0),
        }
    }
}

impl FeedHealth {
    fn mark_read(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_read_ms.store(ms, Ordering::Release);
    }

    /// Whether cached token rows may be answered: the feed was read within [`TRUST`].
    /// A node starts trusted, since its cache starts empty.
    pub fn trusted(&self) -> bool {
        let last = Duration::from_millis(self.last_read_ms.load(Ordering::Acquire));
        self.start.elapsed().saturating_sub(last) < TRUST
    }
}

impl Services {
    /// Reads the feed once; when it moved since `seen` (which is updated), forgets what
    /// this node cached about tokens and consumer keys.
    pub async fn poll_revocation_feed(
        &self,
        seen: &mut Option<i64>,
    ) -> Result<(), super::ServiceError> {
        let head = self.store.revocation_feed_head().await?;
        self.feed.mark_read();
        if seen.is_some_and(|s| s != head) {
            self.store.note_remote_revocation();
            self.client_keys.forget_all();
        }
        *seen = Some(head);
        Ok(())
    }

    /// Polls the feed every [`POLL`] until the task is dropped.
    pub fn spawn_revocation_watch(&self) -> tokio::task::JoinHandle<()> {
        let services = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(POLL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut seen = None;
            let mut failing = false;
            loop {
                tick.tick().await;
                match services.poll_revocation_feed(&mut seen).await {
                    Ok(()) if failing => {
                        failing = false;
                        tracing::info!("the revocation feed answers again");
                    }
                    Ok(()) => {}
                    Err(e) if !failing => {
                        failing = true;
                        tracing::warn!(error = %e, "cannot read the revocation feed; token cache not trusted");
                    }
                    Err(_) => {}
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_is_trusted_only_shortly_after_a_read() {
        let health = FeedHealth {
            start: Instant::now() - TRUST * 3,
            last_read_ms: AtomicU64::new(0),
        };
        assert!(!health.trusted(), "never read for three times the bound");
        health.mark_read();
        assert!(health.trusted(), "just read");
    }
}
