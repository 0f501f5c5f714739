//! The token writer's batches: many writes share a commit, and one failing write fails
//! alone.

use crate::on_both_backends;
use crate::store_tokens::{event, successor, token};
use crate::support::{store_on, Backend};
use portico::store::{Refusal, Rotation};

on_both_backends!(a_failing_token_write_fails_alone_in_its_batch);
on_both_backends!(a_refresh_token_presented_twice_in_one_batch_rotates_once);

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
            Ok(()) => assert!(s.token_by_id(&format!("t{i}")).await.is_ok()),
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

async fn a_refresh_token_presented_twice_in_one_batch_rotates_once(b: Backend) {
    let Some((s, _db)) = store_on(b).await else {
        return;
    };
    let issued = event("app", "issued");
    for old in ["old0", "old1", "old2"] {
        s.issue_token(&token(old, "app", old), &issued)
            .await
            .unwrap();
    }
    // Four successors each of three refresh tokens, all submitted at once: exactly one
    // per refresh token may win, whatever the order. The next presentation is a replay,
    // which revokes the family, the winner's successor included; a presentation in a later
    // batch than that finds the token revoked, so it is merely invalid.
    let rotations = (0..12).map(|i| {
        let s = s.clone();
        let old = format!("old{}", i % 3);
        let mut next = token(&format!("next{i}"), "app", &old);
        next.issued_at = 150;
        tokio::spawn(async move {
            let rule = successor(next, event("app", "refreshed"));
            (old.clone(), s.rotate_token(&old, 160, rule).await.unwrap())
        })
    });
    let mut winners = std::collections::HashMap::new();
    let mut replays = std::collections::HashMap::new();
    for r in rotations.collect::<Vec<_>>() {
        match r.await.unwrap() {
            (old, Rotation::Rotated(_)) => *winners.entry(old).or_insert(0) += 1,
            (old, Rotation::Refused(Refusal::Replayed)) => *replays.entry(old).or_insert(0) += 1,
            (_, Rotation::Refused(refusal)) => assert_eq!(refusal, Refusal::Invalid),
        }
    }
    assert_eq!(winners.len(), 3, "each refresh token rotated: {winners:?}");
    assert!(winners.values().all(|n| *n == 1), "{winners:?}");
    assert_eq!(
        replays.len(),
        3,
        "each refresh token was replayed: {replays:?}"
    );
    for old in ["old0", "old1", "old2"] {
        let row = s.token_by_id(old).await.unwrap();
        assert_eq!(row.refresh_used_at, Some(150));
        assert_eq!(row.revoked_at, Some(160), "the replay revoked the family");
    }
    let mut stored = 0;
    for i in 0..12 {
        if let Ok(next) = s.token_by_id(&format!("next{i}")).await {
            assert_eq!(next.revoked_at, Some(160), "revoked with its family");
            stored += 1;
        }
    }
    assert_eq!(stored, 3, "a losing rotation stored no token");
    let events = s.events_of_application("app", 0).await.unwrap();
    let refreshed = events.iter().filter(|e| e.outcome == "refreshed").count();
    assert_eq!(refreshed, 3, "only the winning rotations left an event");
}

on_both_backends!(rotations_commit_while_other_connections_write);

/// The writer reads before it writes; on SQLite its transaction must hold the write lock
/// from the start, or another connection's commit in between fails the whole batch.
async fn rotations_commit_while_other_connections_write(b: Backend) {
    let Some((s, _db)) = store_on(b).await else {
        return;
    };
    s.issue_token(&token("r0", "app", "f"), &event("app", "issued"))
        .await
        .unwrap();
    let busy = {
        let s = s.clone();
        tokio::spawn(async move {
            for _ in 0..400 {
                s.record_event(&event("other", "failed")).await.unwrap();
            }
        })
    };
    for i in 1..=100 {
        let next = token(&format!("r{i}"), "app", "f");
        let rule = successor(next, event("app", "refreshed"));
        let rotated = s.rotate_token(&format!("r{}", i - 1), 150, rule).await;
        assert!(
            matches!(rotated, Ok(Rotation::Rotated(_))),
            "rotation {i}: {rotated:?}"
        );
    }
    busy.await.unwrap();
}

/// A steady stream of token writes keeps SQLite's writer busy, so a checkpoint beside it
/// never catches up and, left alone, the WAL grows by every commit (hundreds of MB a
/// minute under load). The writer finishes the checkpoint between two batches, so the WAL
/// starts over and stays near its reset size, however long the stream lasts.
#[tokio::test]
async fn the_sqlite_wal_stays_bounded_under_a_steady_stream_of_token_writes() {
    let (s, db) = store_on(Backend::Sqlite).await.expect("sqlite");
    let wal = db.dir.path().join("portico.db-wal");
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let largest = {
        let (wal, done) = (wal.clone(), done.clone());
        tokio::spawn(async move {
            let mut largest = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            largest
        })
    };
    // Random ids put each token on a random page of the table, so every write adds pages.
    let writers = (0..32).map(|_| {
        let s = s.clone();
        tokio::spawn(async move {
            for _ in 0..WRITES_PER_TASK {
                let id = uuid::Uuid::new_v4().to_string();
                s.issue_token(&token(&id, "app", &id), &event("app", "issued"))
                    .await
                    .unwrap();
            }
        })
    });
    for w in writers.collect::<Vec<_>>() {
        w.await.unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let largest = largest.await.unwrap();
    assert!(
        largest < 48 << 20,
        "the WAL grew to {} MiB during {} token writes",
        largest >> 20,
        32 * WRITES_PER_TASK
    );
}

/// Enough for the WAL to pass 150 MiB when it is never started over (97 MiB at 300).
const WRITES_PER_TASK: usize = 600;
