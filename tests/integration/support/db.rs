//! Fresh databases for tests: a SQLite file in a temporary folder, or a new PostgreSQL
//! database on the local server, dropped again when the test ends.

use sqlx::{Connection, Executor, PgConnection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    /// PostgreSQL, with the gateway on a node of its own whose key manager is another
    /// node (`support::gateway::fixture` builds it; elsewhere it is `Postgres`).
    Split,
}

pub fn postgres_admin_url() -> String {
    std::env::var("PORTICO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub struct TestDb {
    pub url: String,
    pub dir: tempfile::TempDir,
    pg_name: Option<String>,
}

impl TestDb {
    /// `None` only when PostgreSQL is unreachable outside CI; in CI that is a failure.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        let dir = tempfile::tempdir().expect("temporary folder");
        match backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}/portico.db", dir.path().display());
                Some(TestDb {
                    url,
                    dir,
                    pg_name: None,
                })
            }
            Backend::Postgres | Backend::Split => {
                let admin = postgres_admin_url();
                let mut conn = match PgConnection::connect(&admin).await {
                    Ok(c) => c,
                    Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
                        panic!("PostgreSQL at {admin} is required in CI: {e}")
                    }
                    Err(e) => {
                        eprintln!("skipping PostgreSQL test: {admin} unreachable: {e}");
                        return None;
                    }
                };
                let name = format!("portico_test_{}", uuid::Uuid::new_v4().simple());
                conn.execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                let url = format!("{base}/{name}");
                Some(TestDb {
                    url,
                    dir,
                    pg_name: Some(name),
                })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        // Drop runs outside any runtime guarantee; use a private one on its own thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = rt {
                rt.block_on(async {
                    if let Ok(mut c) = PgConnection::connect(&postgres_admin_url()).await {
                        let _ = c
                            .execute(
                                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                            )
                            .await;
                    }
                });
            }
        })
        .join();
    }
}

impl TestDb {
    /// Applies the migrations older than `version` only: the schema a database had when
    /// an earlier release last ran on it.
    pub async fn migrate_before(&self, backend: Backend, version: i64) {
        let dir = match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres | Backend::Split => "postgres",
        };
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dir);
        let mut migrator = sqlx::migrate::Migrator::new(path)
            .await
            .expect("migrations");
        migrator.migrations = migrator
            .migrations
            .iter()
            .filter(|m| m.version < version)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        sqlx::any::install_default_drivers();
        let url = match backend {
            Backend::Sqlite => format!("{}?mode=rwc", self.url),
            Backend::Postgres | Backend::Split => self.url.clone(),
        };
        let pool = sqlx::AnyPool::connect(&url).await.expect("connect");
        migrator.run(&pool).await.expect("earlier migrations");
        pool.close().await;
    }
}

/// One test module per case, with a test per named backend.
#[macro_export]
macro_rules! backend_cases {
    ($case:ident: $($test:ident => $backend:ident),*) => {
        mod $case {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$case($crate::support::Backend::$backend).await;
                }
            )*
        }
    };
}

/// Generates a `sqlite` and a `postgres` test for each named `async fn(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {$(
        $crate::backend_cases!($case: sqlite => Sqlite, postgres => Postgres);
    )*};
}

/// As `on_both_backends`, plus a `split` test: the gateway on its own node, with the key
/// manager on another (the same gateway behaviour, over the internal API).
#[macro_export]
macro_rules! on_every_topology {
    ($($case:ident),* $(,)?) => {$(
        $crate::backend_cases!($case: sqlite => Sqlite, postgres => Postgres, split => Split);
    )*};
}
