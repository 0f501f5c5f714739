//! Gateway calls for statistics: batched inserts, the daily rollup with its latency
//! histogram, and the reads the Statistics pages make.

use super::stats::{app_filter, Rolled};
use super::{Store, StoreError};
use crate::domain::stats::DAY;
use crate::domain::Epoch;

/// `calls` proxied calls alike in all but their exact latency, as the gateway records
/// them; `latency_ms` is the slowest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    pub app_id: String,
    pub api_id: std::sync::Arc<str>,
    pub resource: std::sync::Arc<str>,
    pub status: i64,
    pub latency_ms: i64,
    pub latency_bucket: i64,
    pub at: Epoch,
    pub calls: i64,
}

/// Calls of one latency bucket in one time bucket.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CallCount {
    pub bucket: Epoch,
    pub latency_bucket: i64,
    pub calls: i64,
    pub errors: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AppCallCount {
    pub app_id: String,
    pub name: String,
    pub owner: String,
    pub calls: i64,
}

/// A call counts as an error when its status is 400 or above.
const ERRORS: &str = "SUM(CASE WHEN status >= 400 THEN calls ELSE 0 END)";

impl Store {
    /// Writes a batch of calls in one transaction, 16 rows per statement.
    pub async fn insert_calls(&self, calls: &[CallRecord]) -> Result<(), StoreError> {
        const ROWS: usize = 16;
        let mut tx = self.pool.begin().await?;
        for chunk in calls.chunks(ROWS) {
            let sql = format!(
                "INSERT INTO api_calls (app_id, api_id, resource, status, latency_ms, latency_bucket, at, calls) \
                 VALUES {}",
                super::placeholders(&tx, chunk.len(), 8)
            );
            let mut q = sqlx::query(&sql).persistent(super::keep_prepared(chunk.len(), ROWS));
            for c in chunk {
                q = q
                    .bind(&c.app_id)
                    .bind(&*c.api_id)
                    .bind(&*c.resource)
                    .bind(c.status)
                    .bind(c.latency_ms)
                    .bind(c.latency_bucket)
                    .bind(c.at)
                    .bind(c.calls);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds the calls of closed days before `until` to `api_call_daily`.
    pub async fn roll_up_calls(&self, until: Epoch) -> Result<Rolled, StoreError> {
        let insert = format!(
            "INSERT INTO api_call_daily (app_id, api_id, day, latency_bucket, calls, errors) \
             SELECT app_id, api_id, at - at % {DAY}, latency_bucket, SUM(calls), {ERRORS} \
             FROM api_calls WHERE at >= $1 AND at < $2 \
             GROUP BY app_id, api_id, at - at % {DAY}, latency_bucket \
             ON CONFLICT (app_id, api_id, day, latency_bucket) DO UPDATE SET \
             calls = api_call_daily.calls + excluded.calls, \
             errors = api_call_daily.errors + excluded.errors"
        );
        self.roll_up("api_call_daily", &insert, until).await
    }

    pub async fn calls_rolled_up_until(&self) -> Result<Epoch, StoreError> {
        self.watermark("api_call_daily").await
    }

    /// Call counts for closed days in `[from, until)` (rolled up) and for everything at or
    /// after `until` (raw, in buckets of `bucket` seconds), of one application or all.
    pub async fn call_counts(
        &self,
        app_id: Option<&str>,
        from: Epoch,
        until: Epoch,
        bucket: i64,
    ) -> Result<Vec<CallCount>, StoreError> {
        let filter = app_filter(app_id);
        // Integers are written into the statement so PostgreSQL plans for the real range.
        let sql = format!(
            "SELECT day AS bucket, latency_bucket, CAST(SUM(calls) AS BIGINT) AS calls, \
             CAST(SUM(errors) AS BIGINT) AS errors FROM api_call_daily \
             WHERE {filter} day >= {from} AND day < {until} GROUP BY day, latency_bucket \
             UNION ALL \
             SELECT at - at % {bucket}, latency_bucket, CAST(SUM(calls) AS BIGINT), \
             CAST({ERRORS} AS BIGINT) \
             FROM api_calls WHERE {filter} at >= {until} \
             GROUP BY at - at % {bucket}, latency_bucket"
        );
        let mut q = sqlx::query_as(&sql);
        if let Some(id) = app_id {
            q = q.bind(id);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    /// Existing applications with the most calls since `from` (closed days before
    /// `until` from the rollup, the rest raw).
    pub async fn top_apps_by_calls(
        &self,
        from: Epoch,
        until: Epoch,
        limit: i64,
    ) -> Result<Vec<AppCallCount>, StoreError> {
        let sql = format!(
            "SELECT a.id AS app_id, a.name, u.username AS owner, CAST(SUM(c.n) AS BIGINT) AS calls \
             FROM (SELECT app_id, calls AS n FROM api_call_daily WHERE day >= {from} AND day < {until} \
                   UNION ALL SELECT app_id, calls AS n FROM api_calls WHERE at >= {until}) c \
             JOIN applications a ON a.id = c.app_id JOIN users u ON u.id = a.owner_id \
             GROUP BY a.id, a.name, u.username ORDER BY calls DESC, a.name LIMIT $1"
        );
        Ok(sqlx::query_as(&sql)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Deletes raw calls before `before`; never ones not yet rolled up.
    pub async fn purge_calls(&self, before: Epoch) -> Result<u64, StoreError> {
        let before = before.min(self.calls_rolled_up_until().await?);
        Ok(sqlx::query("DELETE FROM api_calls WHERE at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}
