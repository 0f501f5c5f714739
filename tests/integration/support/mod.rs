pub mod app;
pub mod backend;
pub mod browser;
pub mod db;
pub mod gateway;
pub mod process;
pub mod rest;
pub mod split;

pub use app::{spawn_app, TestApp};
pub use db::{Backend, TestDb};

use portico::store::Store;

/// Bounds every request a test makes, so a request the server never answers fails its
/// test with the request named, instead of stalling the whole run.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// A store on a fresh database, migrated.
pub async fn store_on(backend: Backend) -> Option<(Store, TestDb)> {
    let db = TestDb::new(backend).await?;
    let url = portico::store::DatabaseUrl::parse(&db.url).unwrap();
    let store = Store::connect(&url, 4).await.expect("connect");
    store.migrate().await.expect("migrate");
    Some((store, db))
}
