//! The storage layer: one implementation over sqlx's `Any` driver serving SQLite and
//! PostgreSQL. Statements are portable SQL (`$n` placeholders, `RETURNING`, `ON CONFLICT`,
//! times as integer epoch seconds, ids as text); only the migrations exist twice.

mod api_import;
mod apis;
mod applications;
mod audit;
mod authorization_codes;
pub mod backup;
mod batch;
mod calls;
mod consents;
mod error;
mod events;
mod feed;
mod flashes;
mod keys;
mod node_credentials;
mod pool;
mod rotation;
mod scopes;
mod sessions;
mod settings;
mod signing_keys;
mod stats;
mod throttle_events;
mod tokens;
pub mod transfer;
mod users;

pub use api_import::ImportDraftRow;
pub use apis::{ApiRow, ResourceRow};
pub use applications::{ApplicationRow, ApplicationWithOwner};
pub use authorization_codes::{CodeRow, Spent};
pub use calls::{AppCallCount, CallCount, CallRecord};
pub use consents::ConsentRow;
pub use error::StoreError;
pub use events::{TokenEvent, TokenEventRow};
pub use keys::KeyRow;
pub use node_credentials::NodeCredentialRow;
pub use pool::{Backend, DatabaseUrl};
pub use scopes::ScopeRow;
pub use sessions::SessionRow;
pub use signing_keys::SigningKeyRow;
pub use stats::{AppUserCount, AppUserRow, EventCount, Rolled};
pub use throttle_events::ThrottleEvent;
pub use tokens::{
    NewToken, Refusal, Rotation, Standing, Successor, TokenPart, TokenRow, UserStanding,
};
pub use users::{NewUser, UserRow};

use sqlx::AnyPool;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A handle on the database; cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    writer: batch::Writer,
    /// Counts committed revocations made through this process, so caches of token rows
    /// can tell that a row they hold may be stale (`revocations`).
    revocations: Arc<AtomicU64>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// Whether a connection of the `Any` driver is a SQLite one, for the few statements
/// whose text differs between the backends.
pub(crate) fn is_sqlite(conn: &sqlx::AnyConnection) -> bool {
    conn.backend_name() == "SQLite"
}

/// Bound-parameter markers for positions `first..first + count` (from 1), comma
/// separated: `$n` on PostgreSQL; a plain `?` on SQLite, which binds those in order,
/// where a named marker is looked up by name, at a cost that grows with the square of a
/// statement's parameters.
pub(crate) fn markers(conn: &sqlx::AnyConnection, first: usize, count: usize) -> String {
    use std::fmt::Write;
    let anonymous = is_sqlite(conn);
    let mut out = String::with_capacity(count * 5);
    for n in first..first + count {
        if n > first {
            out.push_str(", ");
        }
        if anonymous {
            out.push('?');
        } else {
            let _ = write!(out, "${n}");
        }
    }
    out
}

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` parameters each: the VALUES list of
/// a multi-row INSERT.
pub(crate) fn placeholders(conn: &sqlx::AnyConnection, rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", markers(conn, row * columns + 1, columns)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a multi-row statement of `rows` rows stays prepared on its connection: only
/// the one-row and the full shapes, so a connection does not keep a large prepared
/// statement for every batch size it has ever seen.
pub(crate) fn keep_prepared(rows: usize, full: usize) -> bool {
    rows == 1 || rows == full
}

/// The migrations embedded in this build for `backend`.
pub(crate) fn migrator(backend: Backend) -> sqlx::migrate::Migrator {
    match backend {
        Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("migrations/postgres"),
    }
}

/// How the connection pool is used at one moment, for the metrics.
#[derive(Debug, Clone, Copy)]
pub struct PoolUse {
    pub idle: usize,
    pub in_use: usize,
    pub max: u32,
}

impl Store {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool_use(&self) -> PoolUse {
        let idle = self.pool.num_idle();
        PoolUse {
            idle,
            in_use: (self.pool.size() as usize).saturating_sub(idle),
            max: self.pool.options().get_max_connections(),
        }
    }

    /// Grows after every committed revocation made through this process. A token row read
    /// while it had the same value is still current as far as this process knows.
    pub fn revocations(&self) -> u64 {
        self.revocations.load(Ordering::Acquire)
    }

    fn revoked(&self, rows: u64) {
        if rows > 0 {
            self.revocations.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Runs the embedded migrations for this backend.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migrator(self.backend)
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Other(format!("migration failed: {e}")))
    }

    /// Answers whether the database accepts a query right now (for `/ready`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
