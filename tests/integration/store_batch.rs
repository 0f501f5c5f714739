//! The token writer's batches: many writes share a commit, and one failing write fails
//! alone.

use crate::on_both_backends;
use crate::store_contract::{event, token};
use crate::support::{store_on, Backend};

on_both_backends!(a_failing_token_write_fails_alone_in_its_batch);

async fn a_failing_token_write_fails_alone_in_its_batch(b: Backend) {
    let Some((s, _db)) = store_on(b).await else {
        return;
    };
    let issued = event("app", "issued");
    s.issue_token(&token("taken", "app", "f0"), &issued)
        .await
        .unwrap();
    // Submitted together, so on SQLite they share one batch.
    let writes = (0..20).map(|i| {
        let (s, issued) = (s.clone(), issued.clone());
        let id = if i == 7 {
            "taken".to_owned()
        } else {
            format!("t{i}")
        };
        tokio::spawn(async move { s.issue_token(&token(&id, "app", "f1"), &issued).await })
    });
    let mut failed = 0;
    for (i, w) in writes.collect::<Vec<_>>().into_iter().enumerate() {
        match w.await.unwrap() {
            Ok(()) => assert!(s.token_by_access_digest(&format!("a-t{i}")).await.is_ok()),
            Err(_) => {
                assert_eq!(i, 7);
                failed += 1;
            }
        }
    }
    assert_eq!(failed, 1);
    let events = s.events_of_application("app", 0).await.unwrap();
    assert_eq!(events.len(), 20, "the failed write left no event behind");
}
