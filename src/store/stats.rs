//! Statistics queries. Closed UTC days are read from `token_daily`, the days after the
//! rollup watermark from `token_events`, and registered users from `app_users`; see the
//! statistics migration for why the tables are split this way.

use super::{Store, StoreError};
use crate::domain::stats::DAY;
use crate::domain::Epoch;

/// Events of one grant type and outcome in one bucket.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventCount {
    pub bucket: Epoch,
    pub grant_type: String,
    pub outcome: String,
    pub n: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AppUserRow {
    pub username: String,
    pub first_at: Epoch,
    pub last_at: Epoch,
    pub tokens: i64,
    /// The grants the user came through, space-separated.
    pub grants: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AppUserCount {
    pub app_id: String,
    pub name: String,
    pub owner: String,
    pub users: i64,
}

/// The outcome of a rollup: whether this call moved the watermark, and the first
/// instant not yet rolled up afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rolled {
    pub moved: bool,
    pub until: Epoch,
}

/// `WHERE` clauses limited to one application or not; the application id is always `$1`
/// when present, so the planner sees a plain equality and uses the index.
pub(super) fn app_filter(app_id: Option<&str>) -> &'static str {
    if app_id.is_some() {
        "app_id = $1 AND"
    } else {
        ""
    }
}

impl Store {
    /// The first instant whose events are not yet in `token_daily`.
    pub async fn rolled_up_until(&self) -> Result<Epoch, StoreError> {
        self.watermark("token_daily").await
    }

    pub(super) async fn watermark(&self, name: &str) -> Result<Epoch, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM stats_state WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Runs `insert` (an `INSERT … SELECT` over `at >= $1 AND at < $2`) for the rows
    /// between the watermark `name` and `until`, and moves the watermark. Moving it
    /// first, conditionally, makes concurrent rollups (several servers on one
    /// PostgreSQL) queue on that row, and every later one finds nothing left to do.
    pub(super) async fn roll_up(
        &self,
        name: &str,
        insert: &str,
        until: Epoch,
    ) -> Result<Rolled, StoreError> {
        let from = self.watermark(name).await?;
        if from >= until {
            return Ok(Rolled {
                moved: false,
                until: from,
            });
        }
        let mut tx = self.pool.begin().await?;
        let moved = sqlx::query("UPDATE stats_state SET value = $3 WHERE name = $1 AND value = $2")
            .bind(name)
            .bind(from)
            .bind(until)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if moved == 0 {
            drop(tx);
            let until = self.watermark(name).await?;
            return Ok(Rolled {
                moved: false,
                until,
            });
        }
        sqlx::query(insert)
            .bind(from)
            .bind(until)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Rolled { moved: true, until })
    }

    /// Adds the token events of closed days before `until` to `token_daily`.
    pub async fn roll_up_events(&self, until: Epoch) -> Result<Rolled, StoreError> {
        let insert = format!(
            "INSERT INTO token_daily (app_id, day, grant_type, outcome, count) \
             SELECT app_id, at - at % {DAY}, grant_type, outcome, COUNT(*) FROM token_events \
             WHERE at >= $1 AND at < $2 GROUP BY app_id, at - at % {DAY}, grant_type, outcome \
             ON CONFLICT (app_id, day, grant_type, outcome) \
             DO UPDATE SET count = token_daily.count + excluded.count"
        );
        self.roll_up("token_daily", &insert, until).await
    }

    /// Token events per bucket: closed days in `[from, until)` from the rollup, everything
    /// at or after `until` raw, in buckets of `bucket` seconds; of one application or all.
    /// The integers are written into the statement rather than bound: PostgreSQL's generic
    /// plan for `at >= $n` assumes a third of the table matches and scans all of it, where
    /// the literal lets it see that only the last day's rows do.
    pub async fn token_counts(
        &self,
        app_id: Option<&str>,
        from: Epoch,
        until: Epoch,
        bucket: i64,
    ) -> Result<Vec<EventCount>, StoreError> {
        let filter = app_filter(app_id);
        let sql = format!(
            "SELECT day AS bucket, grant_type, outcome, CAST(SUM(count) AS BIGINT) AS n \
             FROM token_daily WHERE {filter} day >= {from} AND day < {until} \
             GROUP BY day, grant_type, outcome \
             UNION ALL \
             SELECT at - at % {bucket}, grant_type, outcome, COUNT(*) FROM token_events \
             WHERE {filter} at >= {until} GROUP BY at - at % {bucket}, grant_type, outcome"
        );
        let mut query = sqlx::query_as(&sql);
        if let Some(id) = app_id {
            query = query.bind(id);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    /// How many users an application has registered, and how many first did so at or
    /// after `since`.
    pub async fn count_app_users(
        &self,
        app_id: &str,
        since: Epoch,
    ) -> Result<(i64, i64), StoreError> {
        Ok(sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN first_at >= $2 THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM app_users WHERE app_id = $1",
        )
        .bind(app_id)
        .bind(since)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Registered users of an application, most recently active first.
    pub async fn app_users(
        &self,
        app_id: &str,
        limit: Option<i64>,
    ) -> Result<Vec<AppUserRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT username, first_at, last_at, tokens, grants FROM app_users WHERE app_id = $1 \
             ORDER BY last_at DESC, username LIMIT $2",
        )
        .bind(app_id)
        .bind(limit.unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Registered users across every application (a user of two applications counts
    /// twice), and the existing applications with the most.
    pub async fn top_apps_by_users(
        &self,
        limit: i64,
    ) -> Result<(i64, Vec<AppUserCount>), StoreError> {
        let total = sqlx::query_scalar("SELECT COUNT(*) FROM app_users")
            .fetch_one(&self.pool)
            .await?;
        let top = sqlx::query_as(
            "SELECT a.id AS app_id, a.name, u.username AS owner, COUNT(*) AS users \
             FROM app_users r JOIN applications a ON a.id = r.app_id \
             JOIN users u ON u.id = a.owner_id \
             GROUP BY a.id, a.name, u.username ORDER BY users DESC, a.name LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok((total, top))
    }

    /// Deletes raw events before `before`; never ones not yet rolled up.
    pub async fn purge_events(&self, before: Epoch) -> Result<u64, StoreError> {
        let before = before.min(self.rolled_up_until().await?);
        Ok(sqlx::query("DELETE FROM token_events WHERE at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}
