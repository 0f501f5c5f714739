//! Copies of the embedded database: an online backup of a running SQLite store, and
//! the checks a file must pass before it may replace one. PostgreSQL has its own tools
//! (`pg_dump`, `pg_restore`; docs/operations.md).

use super::{Backend, Store, StoreError};
use sqlx::any::AnyConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};
use std::path::Path;
use std::str::FromStr;

/// What a backup file holds, as far as a restore needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    /// The newest migration applied to it.
    pub schema_version: i64,
    pub users: i64,
}

/// The newest migration this build knows for SQLite.
pub fn known_schema_version() -> i64 {
    super::migrator(Backend::Sqlite)
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or_default()
}

impl Store {
    /// A consistent copy of the live database in a new file (`VACUUM INTO`): readers
    /// and writers carry on while it is made; the copy is compact and self-contained
    /// (no write-ahead log beside it).
    pub async fn backup_into(&self, target: &Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Other(
                "PostgreSQL is backed up with pg_dump (see docs/operations.md)".into(),
            ));
        }
        let target = target
            .to_str()
            .ok_or_else(|| StoreError::Other("the backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Opens `file` read-only and checks that it is a whole Portico database this build
/// can run: SQLite's integrity check passes, Portico's migrations are recorded, and
/// none is newer than this build knows.
pub async fn inspect_backup(file: &Path) -> Result<BackupInfo, StoreError> {
    sqlx::any::install_default_drivers();
    let path = file
        .to_str()
        .ok_or_else(|| StoreError::Other("the backup path is not UTF-8".into()))?;
    if !file.is_file() {
        return Err(StoreError::Other(format!("{path} is not a file")));
    }
    let not_ours = |why: &str| StoreError::Other(format!("{path} is not a Portico backup: {why}"));
    let options = AnyConnectOptions::from_str(&format!("sqlite://{path}?mode=ro"))
        .map_err(|e| not_ours(&e.to_string()))?;
    let mut conn = options
        .connect()
        .await
        .map_err(|e| not_ours(&e.to_string()))?;
    let checked: Result<BackupInfo, StoreError> = async {
        let integrity: String = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .map_err(|e| not_ours(&e.to_string()))?
            .try_get(0)?;
        if integrity != "ok" {
            return Err(not_ours(&format!("the integrity check says {integrity}")));
        }
        let version: Option<i64> =
            sqlx::query("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&mut conn)
                .await
                .map_err(|_| not_ours("it has no migration history"))?
                .try_get(0)?;
        let schema_version = version.ok_or_else(|| not_ours("no migration was applied"))?;
        if schema_version > known_schema_version() {
            return Err(StoreError::Other(format!(
                "{path} was made by a newer Portico (schema {schema_version}; this build knows {})",
                known_schema_version()
            )));
        }
        let users: i64 = sqlx::query("SELECT COUNT(*) FROM users")
            .fetch_one(&mut conn)
            .await
            .map_err(|_| not_ours("it has no users table"))?
            .try_get(0)?;
        Ok(BackupInfo {
            schema_version,
            users,
        })
    }
    .await;
    let _ = conn.close().await;
    checked
}
