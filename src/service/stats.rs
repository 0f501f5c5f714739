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
use crate::domain::Epoch;
use crate::store::{AppUserRow, EventCount, UserRow};

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
        tokens: u64::try_from(row.tokens).unwrap_or(0),
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Services {
    /// Rolls every closed UTC day into the daily table; cheap when there is nothing new.
    pub async fn roll_up_statistics(&self) -> Result<bool, ServiceError> {
        let now = self.clock.now() - ROLLUP_GRACE;
        let closed = now - now.rem_euclid(DAY);
        let events = self.store.roll_up_events(closed).await?;
        let calls = self.store.roll_up_calls(closed).await?;
        Ok(events || calls)
    }

    /// Token activity per bucket: closed days from the rollup, the rest from raw events.
    async fn token_buckets(
        &self,
        app_id: Option<&str>,
        window: Window,
    ) -> Result<Vec<TokenBucket>, ServiceError> {
        self.roll_up_statistics().await?;
        let mut counts: Vec<EventCount> = Vec::new();
        let mut raw_from = window.start;
        if window.bucket == DAY {
            let rolled = self
                .store
                .rolled_up_until()
                .await?
                .clamp(window.start, window.end());
            counts = self
                .store
                .daily_counts(app_id, window.start, rolled)
                .await?;
            raw_from = rolled;
        }
        counts.extend(
            self.store
                .event_counts(app_id, raw_from, window.bucket)
                .await?,
        );
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
        let tokens = self.token_buckets(Some(&app.id), window).await?;
        let (total, new) = self.store.count_app_users(&app.id, window.start).await?;
        let users = self
            .store
            .app_users(&app.id, Some(ApplicationStats::USERS_SHOWN as i64))
            .await?;
        let calls = self.call_buckets(Some(&app.id), window).await?;
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
        let now: Epoch = self.clock.now();
        let window = range.window(now);
        let tokens = self.token_buckets(None, window).await?;
        let (total, top) = self.store.top_apps_by_users(TOP_APPS).await?;
        let calls = self.call_buckets(None, window).await?;
        let rolled = self.store.calls_rolled_up_until().await?;
        let busiest = self
            .store
            .top_apps_by_calls(
                window.start,
                rolled.clamp(window.start, window.end()),
                TOP_APPS,
            )
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
