//! Statistics use cases: an application's Statistics tab (its owner or an admin), the
//! admin overview, and the registered-users export.
//!
//! Counting rules (README "Statistics"): a registered user is a user with at least one
//! successful password grant for the application, from `/token` or from the portal;
//! client-credentials tokens, refreshes and failed grants never register anyone. A user
//! who is later deleted or locked stays counted: the grant happened.

use super::{ServiceError, Services};
use crate::domain::stats::{
    AppRanking, AppRef, ApplicationStats, CallTotals, OverviewStats, RegisteredUser, StatsRange,
    TokenBucket, TokenTotals, Window, DAY,
};
use crate::store::{AppUserRow, Rolled, UserRow};

/// A day is rolled up once it has been over this long, so that tokens whose
/// transactions were still committing at midnight are counted in it.
const ROLLUP_GRACE: i64 = 300;
/// How many applications the admin rankings show.
const TOP_APPS: i64 = 10;

fn registered(row: AppUserRow) -> RegisteredUser {
    RegisteredUser {
        username: row.username,
        first_token_at: row.first_at,
        last_token_at: row.last_at,
        tokens: count(row.tokens),
        grants: row.grants,
    }
}

/// A database count as an unsigned number (counts are never negative).
pub(super) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Services {
    /// Rolls every closed UTC day into the daily tables; cheap when there is nothing new.
    /// True when this call rolled anything up.
    pub async fn roll_up_statistics(&self) -> Result<bool, ServiceError> {
        let (events, calls) = self.roll_up().await?;
        Ok(events.moved || calls.moved)
    }

    /// Rolls up, and says where token events and gateway calls are rolled up to: the
    /// instants every statistics read splits at. Each read rolls up first, so the day
    /// that just closed is read from its rollup.
    async fn roll_up(&self) -> Result<(Rolled, Rolled), ServiceError> {
        let now = self.clock.now() - ROLLUP_GRACE;
        let closed = now - now.rem_euclid(DAY);
        let events = self.store.roll_up_events(closed).await?;
        let calls = self.store.roll_up_calls(closed).await?;
        Ok((events, calls))
    }

    /// Token activity per bucket: closed days from the rollup, the rest from raw events.
    async fn token_buckets(
        &self,
        app_id: Option<&str>,
        window: Window,
        rolled: Rolled,
    ) -> Result<Vec<TokenBucket>, ServiceError> {
        let raw_from = window.raw_from(rolled.until);
        let counts = self
            .store
            .token_counts(app_id, window.start, raw_from, window.bucket)
            .await?;
        let mut buckets = window.empty_token_buckets();
        for c in counts {
            if let Some(i) = window.index(c.bucket) {
                buckets[i].add(&c.grant_type, &c.outcome, count(c.n));
            }
        }
        Ok(buckets)
    }

    /// The Statistics tab of one application, for its owner or an admin; anyone else is
    /// told it does not exist.
    pub async fn application_stats(
        &self,
        viewer: &UserRow,
        app_id: &str,
        range: StatsRange,
    ) -> Result<ApplicationStats, ServiceError> {
        let app = self.application_for(viewer, app_id).await?;
        let now = self.clock.now();
        let window = range.window(now);
        let (events, calls) = self.roll_up().await?;
        let tokens = self.token_buckets(Some(&app.id), window, events).await?;
        let (total, new) = self.store.count_app_users(&app.id, window.start).await?;
        let users = self
            .store
            .app_users(&app.id, Some(ApplicationStats::USERS_SHOWN as i64))
            .await?;
        let calls = self.call_buckets(Some(&app.id), window, calls).await?;
        Ok(ApplicationStats {
            application: AppRef {
                id: app.id,
                name: app.name,
            },
            range,
            from: window.start,
            to: now,
            bucket_seconds: window.bucket,
            registered_users: count(total),
            new_users: count(new),
            users: users.into_iter().map(registered).collect(),
            totals: TokenTotals::of(&tokens),
            tokens,
            call_totals: CallTotals::of(&calls),
            calls,
        })
    }

    /// Every registered user of an application, for the CSV export.
    pub async fn registered_users(
        &self,
        viewer: &UserRow,
        app_id: &str,
    ) -> Result<(String, Vec<RegisteredUser>), ServiceError> {
        let app = self.application_for(viewer, app_id).await?;
        let users = self.store.app_users(&app.id, None).await?;
        Ok((app.name, users.into_iter().map(registered).collect()))
    }

    /// The admin overview across all applications. Callers check that the viewer is an
    /// admin.
    pub async fn overview_stats(&self, range: StatsRange) -> Result<OverviewStats, ServiceError> {
        let now = self.clock.now();
        let window = range.window(now);
        let (events, rolled_calls) = self.roll_up().await?;
        let tokens = self.token_buckets(None, window, events).await?;
        let (total, top) = self.store.top_apps_by_users(TOP_APPS).await?;
        let calls = self.call_buckets(None, window, rolled_calls).await?;
        let busiest = self
            .store
            .top_apps_by_calls(window.start, window.raw_from(rolled_calls.until), TOP_APPS)
            .await?;
        Ok(OverviewStats {
            range,
            from: window.start,
            to: now,
            bucket_seconds: window.bucket,
            registered_users: count(total),
            totals: TokenTotals::of(&tokens),
            tokens,
            call_totals: CallTotals::of(&calls),
            calls,
            top_by_users: top
                .into_iter()
                .map(|t| AppRanking {
                    id: t.app_id,
                    name: t.name,
                    owner: t.owner,
                    count: count(t.users),
                })
                .collect(),
            top_by_calls: busiest
                .into_iter()
                .map(|t| AppRanking {
                    id: t.app_id,
                    name: t.name,
                    owner: t.owner,
                    count: count(t.calls),
                })
                .collect(),
        })
    }
}
