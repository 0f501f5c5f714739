use super::{Store, StoreError};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::Executor;
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A validated `[database] url`.
#[derive(Debug, Clone)]
pub struct DatabaseUrl {
    pub backend: Backend,
    url: String,
    /// The SQLite file, so its directory can be created on first start.
    pub sqlite_path: Option<std::path::PathBuf>,
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if let Some(rest) = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
        {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(format!("`{raw}` names no SQLite file"));
            }
            let url = if raw.contains('?') {
                raw.to_owned()
            } else {
                format!("{raw}?mode=rwc")
            };
            let sqlite_path = (path != ":memory:").then(|| path.into());
            return Ok(Self {
                backend: Backend::Sqlite,
                url,
                sqlite_path,
            });
        }
        match url::Url::parse(raw) {
            Ok(u) if matches!(u.scheme(), "postgres" | "postgresql") && u.host().is_some() => {
                Ok(Self { backend: Backend::Postgres, url: raw.to_owned(), sqlite_path: None })
            }
            Ok(u) if matches!(u.scheme(), "postgres" | "postgresql") => {
                Err(format!("`{}` names no host", redact(raw)))
            }
            _ => Err(format!(
                "`{}` is not a database URL (use sqlite://path/to/file.db or postgres://user@host/db)",
                redact(raw)
            )),
        }
    }
}

/// Hides a password in a URL before it is printed or logged.
pub fn redact(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => raw.to_owned(),
    }
}

impl Store {
    /// Connects (creating the SQLite file and its directory when missing).
    pub async fn connect(url: &DatabaseUrl, max_connections: u32) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        if let Some(dir) = url.sqlite_path.as_ref().and_then(|p| p.parent()) {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Other(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
        let (size, backend) = match url.backend {
            // SQLite serialises writers, and token writes have a connection of their own
            // (`store::batch`); a few connections keep readers busy without piling up
            // writers behind the file lock, each with its own page and statement caches.
            Backend::Sqlite => (cores + 2, Backend::Sqlite),
            Backend::Postgres => (cores * 4 + 4, Backend::Postgres),
        };
        let size = if max_connections == 0 {
            size
        } else {
            max_connections
        };
        let options = AnyConnectOptions::from_str(&url.url)
            .map_err(|e| StoreError::Other(format!("bad database URL: {e}")))?;
        let pool = AnyPoolOptions::new()
            .max_connections(size)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; FULL makes each commit
                        // durable; the busy timeout queues writers instead of failing them.
                        // Temporary storage in memory keeps the statement journal of a
                        // multi-row INSERT (the undo for that statement alone) out of a
                        // temporary file created and deleted for every batch.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                             PRAGMA temp_store = MEMORY;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| {
                StoreError::Other(format!("cannot connect to {}: {e}", redact(&url.url)))
            })?;
        let writer = super::batch::Writer::new(pool.clone(), backend);
        Ok(Store {
            pool,
            backend,
            writer,
            revocations: Default::default(),
        })
    }
}
