//! Statistics: what a time range means in UTC, and the report shapes sent to pages and to
//! automation. The store counts; this module decides where buckets start and end.

use super::{Epoch, ValidationError};
use serde::{Deserialize, Serialize};

pub const HOUR: i64 = 3_600;
pub const DAY: i64 = 86_400;

/// Upper bounds (inclusive, milliseconds) of the latency histogram kept for API calls;
/// a last, open bucket holds anything slower. Percentiles are read from it, so a p95 is
/// reported as the bound of the bucket it falls in.
pub const LATENCY_BOUNDS_MS: [i64; 14] = [
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000,
];

/// The histogram bucket of a latency.
pub fn latency_bucket(ms: i64) -> usize {
    LATENCY_BOUNDS_MS
        .iter()
        .position(|&b| ms <= b)
        .unwrap_or(LATENCY_BOUNDS_MS.len())
}

/// The 95th percentile of a histogram, as its bucket's upper bound (`None`: no calls;
/// the open bucket reports the last bound).
pub fn p95_ms(histogram: &[u64]) -> Option<i64> {
    let total: u64 = histogram.iter().sum();
    if total == 0 {
        return None;
    }
    let rank = total - total / 20;
    let mut seen = 0;
    for (i, n) in histogram.iter().enumerate() {
        seen += n;
        if seen >= rank {
            return Some(LATENCY_BOUNDS_MS[i.min(LATENCY_BOUNDS_MS.len() - 1)]);
        }
    }
    None
}

/// The ranges the Statistics pages offer. Daily ranges end with today (UTC) and start at
/// midnight UTC `n - 1` days earlier; the 24-hour range is 24 whole hours ending with the
/// current one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatsRange {
    #[serde(rename = "24h")]
    Hours24,
    #[default]
    #[serde(rename = "7d")]
    Days7,
    #[serde(rename = "30d")]
    Days30,
    #[serde(rename = "90d")]
    Days90,
}

impl StatsRange {
    pub const ALL: [StatsRange; 4] = [Self::Hours24, Self::Days7, Self::Days30, Self::Days90];

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or_else(|| ValidationError::new("range", "must be one of 24h, 7d, 30d or 90d"))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hours24 => "24h",
            Self::Days7 => "7d",
            Self::Days30 => "30d",
            Self::Days90 => "90d",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Hours24 => "Last 24 hours",
            Self::Days7 => "Last 7 days",
            Self::Days30 => "Last 30 days",
            Self::Days90 => "Last 90 days",
        }
    }

    /// The buckets this range covers at `now`.
    pub fn window(self, now: Epoch) -> Window {
        let (bucket, buckets) = match self {
            Self::Hours24 => (HOUR, 24),
            Self::Days7 => (DAY, 7),
            Self::Days30 => (DAY, 30),
            Self::Days90 => (DAY, 90),
        };
        let current = now - now.rem_euclid(bucket);
        Window {
            start: current - bucket * (buckets as i64 - 1),
            bucket,
            buckets,
        }
    }
}

/// Consecutive equal buckets: `[start, start + bucket * buckets)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: Epoch,
    pub bucket: i64,
    pub buckets: usize,
}

impl Window {
    pub fn end(&self) -> Epoch {
        self.start + self.bucket * self.buckets as i64
    }

    /// Which bucket `at` falls in, if any.
    pub fn index(&self, at: Epoch) -> Option<usize> {
        (self.start..self.end())
            .contains(&at)
            .then(|| ((at - self.start) / self.bucket) as usize)
    }

    /// Where the window's rolled-up days end and its raw rows begin, given the first
    /// instant not yet rolled up. Hourly windows are read from raw rows alone.
    pub fn raw_from(&self, rolled_until: Epoch) -> Epoch {
        if self.bucket == DAY {
            rolled_until.clamp(self.start, self.end())
        } else {
            self.start
        }
    }

    /// Empty token buckets, one per bucket start.
    pub fn empty_token_buckets(&self) -> Vec<TokenBucket> {
        (0..self.buckets)
            .map(|i| TokenBucket {
                start: self.start + self.bucket * i as i64,
                ..TokenBucket::default()
            })
            .collect()
    }

    /// Empty call buckets, one per bucket start.
    pub fn empty_call_buckets(&self) -> Vec<CallBucket> {
        (0..self.buckets)
            .map(|i| CallBucket {
                start: self.start + self.bucket * i as i64,
                histogram: vec![0; LATENCY_BOUNDS_MS.len() + 1],
                ..CallBucket::default()
            })
            .collect()
    }
}

/// Token activity in one bucket: successful issuances by grant, failed grants, revocations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenBucket {
    pub start: Epoch,
    pub password: u64,
    pub refresh_token: u64,
    pub client_credentials: u64,
    pub failed: u64,
    pub revoked: u64,
}

impl TokenBucket {
    /// Adds `n` recorded events of one grant type and outcome.
    pub fn add(&mut self, grant_type: &str, outcome: &str, n: u64) {
        let slot = match (outcome, grant_type) {
            ("failed", _) => &mut self.failed,
            ("revoked", _) => &mut self.revoked,
            ("refreshed", _) | ("issued", "refresh_token") => &mut self.refresh_token,
            ("issued", "password") => &mut self.password,
            ("issued", "client_credentials") => &mut self.client_credentials,
            _ => return,
        };
        *slot += n;
    }

    pub fn issued(&self) -> u64 {
        self.password + self.refresh_token + self.client_credentials
    }
}

/// Sums of a range's buckets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenTotals {
    pub issued: u64,
    pub password: u64,
    pub refresh_token: u64,
    pub client_credentials: u64,
    pub failed: u64,
    pub revoked: u64,
}

impl TokenTotals {
    pub fn of(buckets: &[TokenBucket]) -> Self {
        buckets.iter().fold(Self::default(), |mut t, b| {
            t.issued += b.issued();
            t.password += b.password;
            t.refresh_token += b.refresh_token;
            t.client_credentials += b.client_credentials;
            t.failed += b.failed;
            t.revoked += b.revoked;
            t
        })
    }
}

/// Gateway calls in one bucket. Errors are answers with status 400 or above.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallBucket {
    pub start: Epoch,
    pub calls: u64,
    pub errors: u64,
    /// Calls per latency bucket of [`LATENCY_BOUNDS_MS`] (plus the open last one).
    #[serde(skip)]
    pub histogram: Vec<u64>,
    pub p95_ms: Option<i64>,
}

/// Sums of a range's call buckets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallTotals {
    pub calls: u64,
    pub errors: u64,
    /// Errors per thousand calls, rounded down; `None` without calls.
    pub error_permille: Option<u64>,
    pub p95_ms: Option<i64>,
}

impl CallTotals {
    pub fn of(buckets: &[CallBucket]) -> Self {
        let mut histogram = vec![0u64; LATENCY_BOUNDS_MS.len() + 1];
        let (mut calls, mut errors) = (0, 0);
        for b in buckets {
            calls += b.calls;
            errors += b.errors;
            for (i, n) in b.histogram.iter().enumerate() {
                histogram[i] += n;
            }
        }
        Self {
            calls,
            errors,
            error_permille: (calls > 0).then(|| errors * 1000 / calls),
            p95_ms: p95_ms(&histogram),
        }
    }
}

/// A user who obtained tokens for an application with the password grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredUser {
    pub username: String,
    pub first_token_at: Epoch,
    pub last_token_at: Epoch,
    /// Access tokens obtained with the password or authorization code grant
    /// (refreshes not counted).
    pub tokens: u64,
    /// The grants they came through: `password`, `authorization_code`, space-separated.
    pub grants: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRef {
    pub id: String,
    pub name: String,
}

/// An application's Statistics tab, and `GET /api/stats/applications/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationStats {
    pub application: AppRef,
    pub range: StatsRange,
    pub from: Epoch,
    pub to: Epoch,
    pub bucket_seconds: i64,
    /// Distinct users with a successful password grant, all time.
    pub registered_users: u64,
    /// Of those, the ones whose first token falls in the range.
    pub new_users: u64,
    /// The most recently active registered users, at most [`ApplicationStats::USERS_SHOWN`].
    pub users: Vec<RegisteredUser>,
    pub totals: TokenTotals,
    pub tokens: Vec<TokenBucket>,
    pub call_totals: CallTotals,
    pub calls: Vec<CallBucket>,
}

impl ApplicationStats {
    pub const USERS_SHOWN: usize = 100;
}

/// One line of a top-applications table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRanking {
    pub id: String,
    pub name: String,
    pub owner: String,
    /// Registered users or calls, depending on the table.
    pub count: u64,
}

/// The admin Statistics page: every application together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverviewStats {
    pub range: StatsRange,
    pub from: Epoch,
    pub to: Epoch,
    pub bucket_seconds: i64,
    /// Distinct (application, user) pairs with a successful password grant, all time.
    pub registered_users: u64,
    pub totals: TokenTotals,
    pub tokens: Vec<TokenBucket>,
    pub call_totals: CallTotals,
    pub calls: Vec<CallBucket>,
    pub top_by_users: Vec<AppRanking>,
    pub top_by_calls: Vec<AppRanking>,
}

#[cfg(test)]
#[path = "stats_tests.rs"]
mod tests;
