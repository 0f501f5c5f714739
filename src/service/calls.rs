//! Recording gateway calls off the request path, and reading them for statistics.
//!
//! The proxy hands each call to a bounded queue and moves on; one task writes whatever
//! queued in one transaction, about five times a second, or back to back under load.
//! Calls alike in all but their exact latency (same second, status and latency bucket)
//! become one row with a count, so a busy gateway writes a few rows a second, not one
//! per call, and the database does not compete with the proxy for the CPU. If
//! the database falls so far behind that the queue is full, calls are dropped from the
//! statistics (and the drop is logged) rather than slowing the gateway down.

use super::gateway::Pass;
use super::stats::count;
use super::Services;
use crate::domain::stats::{latency_bucket, CallBucket, Window};
use crate::store::{CallRecord, Rolled, Store};
use std::collections::hash_map::{Entry, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

const QUEUE: usize = 65_536;
/// The most calls one transaction writes.
const BATCH: usize = 8_192;
/// Pause after a partial batch, so calls arriving meanwhile share the next write; a full
/// batch is followed at once by the next.
const WRITE_EVERY: Duration = Duration::from_millis(200);

#[derive(Clone)]
pub struct CallRecorder {
    queue: mpsc::Sender<CallRecord>,
    dropped: Arc<AtomicU64>,
}

impl CallRecorder {
    /// Starts the writer task; it ends, after writing what is queued, when the last
    /// recorder is dropped.
    pub fn start(store: Store) -> Self {
        let (queue, mut rx) = mpsc::channel(QUEUE);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(BATCH);
            while rx.recv_many(&mut batch, BATCH).await > 0 {
                let rows = coalesce(&batch);
                if let Err(e) = store.insert_calls(&rows).await {
                    tracing::warn!(error = %e, calls = batch.len(), "could not record gateway calls");
                }
                let full = batch.len() == BATCH;
                batch.clear();
                if !full {
                    tokio::time::sleep(WRITE_EVERY).await;
                }
            }
        });
        Self {
            queue,
            dropped: Arc::new(AtomicU64::new(0)),
        }
    }

    fn record(&self, call: CallRecord) {
        if self.queue.try_send(call).is_err() {
            let n = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_power_of_two() {
                tracing::warn!(
                    dropped = n,
                    "gateway call statistics are falling behind; calls dropped"
                );
            }
        }
    }
}

/// The batch's calls as rows with counts, one per distinct call but for latency.
fn coalesce(batch: &[CallRecord]) -> Vec<CallRecord> {
    let mut rows: Vec<CallRecord> = Vec::new();
    let mut index: HashMap<_, usize> = HashMap::new();
    for call in batch {
        let key = (
            call.app_id.as_str(),
            &*call.api_id,
            &*call.resource,
            call.status,
            call.latency_bucket,
            call.at,
        );
        match index.entry(key) {
            Entry::Occupied(at) => {
                let row = &mut rows[*at.get()];
                row.calls += call.calls;
                row.latency_ms = row.latency_ms.max(call.latency_ms);
            }
            Entry::Vacant(slot) => {
                slot.insert(rows.len());
                rows.push(call.clone());
            }
        }
    }
    rows
}

impl Services {
    /// Records a call the gateway answered for an identified application.
    pub fn record_call(&self, pass: &Pass, status: u16, latency: Duration) {
        let ms = i64::try_from(latency.as_millis()).unwrap_or(i64::MAX);
        self.calls.record(CallRecord {
            app_id: pass.token.app_id.clone(),
            api_id: pass.api_id.clone(),
            resource: pass.resource.clone(),
            status: i64::from(status),
            latency_ms: ms,
            latency_bucket: latency_bucket(ms) as i64,
            at: self.clock.now(),
            calls: 1,
        });
    }

    /// Gateway calls per bucket, closed days from the rollup and the rest raw.
    pub(super) async fn call_buckets(
        &self,
        app_id: Option<&str>,
        window: Window,
        rolled: Rolled,
    ) -> Result<Vec<CallBucket>, super::ServiceError> {
        let raw_from = window.raw_from(rolled.until);
        let counts = self
            .store
            .call_counts(app_id, window.start, raw_from, window.bucket)
            .await?;
        let mut buckets = window.empty_call_buckets();
        for c in counts {
            let Some(b) = window.index(c.bucket).map(|i| &mut buckets[i]) else {
                continue;
            };
            let (calls, errors) = (count(c.calls), count(c.errors));
            b.calls += calls;
            b.errors += errors;
            if let Some(slot) = usize::try_from(c.latency_bucket)
                .ok()
                .and_then(|i| b.histogram.get_mut(i))
            {
                *slot += calls;
            }
        }
        for b in &mut buckets {
            b.p95_ms = crate::domain::stats::p95_ms(&b.histogram);
        }
        Ok(buckets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(resource: &str, status: i64, latency_ms: i64, at: i64) -> CallRecord {
        CallRecord {
            app_id: "app".into(),
            api_id: "api".into(),
            resource: resource.into(),
            status,
            latency_ms,
            latency_bucket: latency_bucket(latency_ms) as i64,
            at,
            calls: 1,
        }
    }

    #[test]
    fn calls_alike_but_for_latency_become_one_counted_row() {
        let batch = [
            call("GET /a", 200, 3, 100),
            call("GET /a", 200, 4, 100),
            call("GET /a", 500, 3, 100),
            call("GET /b", 200, 3, 100),
            call("GET /a", 200, 3, 101),
            call("GET /a", 200, 900, 100),
        ];
        let rows = coalesce(&batch);
        let find = |resource: &str, status, at, bucket| {
            rows.iter()
                .find(|r| {
                    &*r.resource == resource
                        && r.status == status
                        && r.at == at
                        && r.latency_bucket == bucket
                })
                .map(|r| (r.calls, r.latency_ms))
        };
        let fast = batch[0].latency_bucket;
        assert_eq!(rows.len(), 5);
        assert_eq!(find("GET /a", 200, 100, fast), Some((2, 4)));
        assert_eq!(find("GET /a", 500, 100, fast), Some((1, 3)));
        assert_eq!(find("GET /b", 200, 100, fast), Some((1, 3)));
        assert_eq!(find("GET /a", 200, 101, fast), Some((1, 3)));
        assert_eq!(
            find("GET /a", 200, 100, batch[5].latency_bucket),
            Some((1, 900))
        );
        let total: i64 = rows.iter().map(|r| r.calls).sum();
        assert_eq!(total, batch.len() as i64, "no call lost or counted twice");
    }
}
