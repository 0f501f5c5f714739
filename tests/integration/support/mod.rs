pub mod app;
pub mod backend;
pub mod browser;
pub mod db;
pub mod gateway;
pub mod process;

pub use app::{spawn_app, TestApp};
pub use db::{Backend, TestDb};

use portico::store::Store;

/// A store on a fresh database, migrated.
pub async fn store_on(backend: Backend) -> Option<(Store, TestDb)> {
    let db = TestDb::new(backend).await?;
    let url = portico::store::DatabaseUrl::parse(&db.url).unwrap();
    let store = Store::connect(&url, 4).await.expect("connect");
    store.migrate().await.expect("migrate");
    Some((store, db))
}
