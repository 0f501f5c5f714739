//! Token storage, run against SQLite and PostgreSQL alike: issuing, rotating, revoking,
//! and the events that go with them. Shared token fixtures for the other store tests.

use crate::on_both_backends;
use crate::support::{store_on, Backend};
use portico::store::{Refusal, Rotation, StoreError, Successor, TokenEvent, TokenPart, TokenRow};
use std::sync::Arc;

on_both_backends!(
    tokens_rotate_once_and_revoke_by_family_and_user,
    events_are_recorded_with_their_tokens,
);

pub(crate) fn token(id: &str, app: &str, family: &str) -> TokenRow {
    TokenRow {
        id: id.into(),
        access_digest: format!("a-{id}"),
        refresh_digest: Some(format!("r-{id}")),
        family_id: family.into(),
        consumer_key: "ck".into(),
        app_id: app.into(),
        key_type: "production".into(),
        grant_type: "password".into(),
        user_id: Some("u1".into()),
        username: Some("alice".into()),
        scopes: "default".into(),
        issued_at: 100,
        expires_at: 200,
        refresh_expires_at: Some(1000),
        refresh_used_at: None,
        revoked_at: None,
        token_type: "opaque".into(),
    }
}

/// A refresh rule that stores `next` unless the presented token was used (a replay) or
/// revoked (refused).
pub(crate) fn successor(next: TokenRow, event: TokenEvent) -> Successor {
    Arc::new(move |old: &TokenRow, _: &portico::store::Standing| {
        if old.revoked_at.is_some() {
            Err(Refusal::Invalid)
        } else if old.refresh_used_at.is_some() {
            Err(Refusal::Replayed)
        } else {
            Ok((next.clone(), event.clone()))
        }
    })
}

pub(crate) fn event(app: &str, outcome: &'static str) -> TokenEvent {
    TokenEvent {
        app_id: app.into(),
        key_type: "production".into(),
        grant_type: "password".into(),
        user_id: Some("u1".into()),
        username: Some("alice".into()),
        outcome,
        at: 100,
    }
}

async fn tokens_rotate_once_and_revoke_by_family_and_user(b: Backend) {
    let Some((s, _db)) = store_on(b).await else {
        return;
    };
    s.issue_token(&token("t1", "app", "f1"), &event("app", "issued"))
        .await
        .unwrap();
    // Rows stored now are found by id, never by digest (`crypto::token`).
    assert!(matches!(
        s.legacy_token_by_digest(TokenPart::Refresh, "r-t1").await,
        Err(StoreError::NotFound)
    ));
    let refreshed = event("app", "refreshed");
    let next = token("t2", "app", "f1");
    assert_eq!(
        s.rotate_token("t1", 150, successor(next.clone(), refreshed.clone()))
            .await
            .unwrap(),
        Rotation::Rotated(Box::new(next))
    );
    assert_eq!(
        s.rotate_token(
            "nope",
            150,
            successor(token("t9", "app", "f1"), refreshed.clone())
        )
        .await
        .unwrap(),
        Rotation::Refused(Refusal::Invalid),
        "an unknown refresh token rotates into nothing"
    );
    assert!(matches!(
        s.token_by_id("t9").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(s.active_tokens_of_user("u1", 150).await.unwrap().len(), 2);
    let revocations = s.revocations();
    let again = token("t3", "app", "f1");
    assert_eq!(
        s.rotate_token("t1", 160, successor(again, refreshed))
            .await
            .unwrap(),
        Rotation::Refused(Refusal::Replayed)
    );
    assert!(matches!(
        s.token_by_id("t3").await,
        Err(StoreError::NotFound)
    ));
    // The replay revoked the whole family, the successor too, and told the caches.
    assert!(s.active_tokens_of_user("u1", 150).await.unwrap().is_empty());
    assert_eq!(s.token_by_id("t2").await.unwrap().revoked_at, Some(160));
    assert!(s.revocations() > revocations);
    s.issue_token(&token("t4", "app", "f2"), &event("app", "issued"))
        .await
        .unwrap();
    assert_eq!(s.revoke_tokens_of_user("u1", 170).await.unwrap(), 1);
    s.issue_token(&token("t5", "app", "f3"), &event("app", "issued"))
        .await
        .unwrap();
    let revoked = event("app", "revoked");
    assert_eq!(s.revoke_recorded("t5", false, &revoked).await.unwrap(), 1);
    assert_eq!(s.revoke_recorded("t5", false, &revoked).await.unwrap(), 0);
    let recorded = s.events_of_application("app", 0).await.unwrap();
    let revocations = recorded.iter().filter(|e| e.outcome == "revoked").count();
    assert_eq!(
        revocations, 1,
        "a revocation that changed nothing is not recorded"
    );
}

async fn events_are_recorded_with_their_tokens(b: Backend) {
    let Some((s, _db)) = store_on(b).await else {
        return;
    };
    s.issue_token(&token("t1", "app", "f1"), &event("app", "issued"))
        .await
        .unwrap();
    s.record_event(&event("app", "failed")).await.unwrap();
    s.record_event(&event("other", "failed")).await.unwrap();
    // A token insert that fails leaves no event behind.
    assert!(s
        .issue_token(&token("t1", "app", "f1"), &event("app", "issued"))
        .await
        .is_err());
    let outcomes: Vec<String> = s
        .events_of_application("app", 0)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.outcome)
        .collect();
    assert_eq!(outcomes.len(), 2);
    assert!(outcomes.contains(&"issued".to_owned()) && outcomes.contains(&"failed".to_owned()));
    assert!(s
        .events_of_application("app", 101)
        .await
        .unwrap()
        .is_empty());
}
