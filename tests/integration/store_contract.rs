//! Every store operation, run against SQLite and PostgreSQL alike.

use crate::on_both_backends;
use crate::store_tokens::{event, token};
use crate::support::{store_on, Backend};
use portico::store::{KeyRow, NewUser, ScopeRow, Store, StoreError};

async fn store(backend: Backend) -> Option<(Store, crate::support::TestDb)> {
    store_on(backend).await
}

fn new_user(name: &str) -> NewUser<'_> {
    NewUser {
        username: name,
        email: Some("a@example.com"),
        password_hash: "h",
        is_admin: false,
        must_change_password: true,
        now: 100,
    }
}

async fn users_are_stored_found_and_unique(b: Backend) {
    let Some((s, _db)) = store(b).await else {
        return;
    };
    let u = s.insert_user(new_user("alice")).await.unwrap();
    assert_eq!(u.username, "alice");
    assert_eq!(u.must_change_password, 1);
    assert_eq!(s.user_by_username("alice").await.unwrap().id, u.id);
    assert_eq!(
        s.user_by_id(&u.id).await.unwrap().email.as_deref(),
        Some("a@example.com")
    );
    assert!(matches!(
        s.insert_user(new_user("alice")).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.user_by_username("bob").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(s.count_users().await.unwrap(), 1);
}

async fn user_flags_and_passwords_change(b: Backend) {
    let Some((s, _db)) = store(b).await else {
        return;
    };
    let u = s.insert_user(new_user("alice")).await.unwrap();
    s.set_user_locked(&u.id, true).await.unwrap();
    s.set_user_admin(&u.id, true).await.unwrap();
    s.set_user_password(&u.id, "h2", false, 300).await.unwrap();
    let u2 = s.user_by_id(&u.id).await.unwrap();
    assert_eq!((u2.locked, u2.is_admin, u2.must_change_password), (1, 1, 0));
    assert_eq!(
        (u2.password_hash.as_str(), u2.password_changed_at),
        ("h2", 300)
    );
    assert!(matches!(
        s.set_user_locked("nobody", true).await,
        Err(StoreError::NotFound)
    ));
    s.insert_user(new_user("bob")).await.unwrap();
    let found = s.list_users("AL", None, 10).await.unwrap();
    assert_eq!(
        found
            .iter()
            .map(|u| u.username.as_str())
            .collect::<Vec<_>>(),
        ["alice"]
    );
    // Keyset paging: after a name, in name order, at most the limit.
    s.insert_user(new_user("carol")).await.unwrap();
    let names = |rows: Vec<portico::store::UserRow>| {
        rows.into_iter().map(|u| u.username).collect::<Vec<_>>()
    };
    let page = s.list_users("", Some("alice"), 1).await.unwrap();
    assert_eq!(names(page), ["bob"]);
    let page = s.list_users("", Some("bob"), 10).await.unwrap();
    assert_eq!(names(page), ["carol"]);
}

async fn settings_are_upserted(b: Backend) {
    let Some((s, _db)) = store(b).await else {
        return;
    };
    assert_eq!(s.setting("x").await.unwrap(), None);
    s.put_setting("x", "1", 1).await.unwrap();
    s.put_setting("x", "2", 2).await.unwrap();
    assert_eq!(s.setting("x").await.unwrap().as_deref(), Some("2"));
}

async fn applications_are_owned_unique_and_deleted_with_their_tokens(b: Backend) {
    let Some((s, _db)) = store(b).await else {
        return;
    };
    let u = s.insert_user(new_user("alice")).await.unwrap();
    let a = s
        .insert_application(&u.id, "App", "d", Some(600), 100)
        .await
        .unwrap();
    assert_eq!(a.token_validity, Some(600));
    assert!(matches!(
        s.insert_application(&u.id, "App", "", None, 1).await,
        Err(StoreError::Conflict(_))
    ));
    let a2 = s
        .update_application(&a.id, "App 2", "", None, 200, a.revision)
        .await
        .unwrap();
    assert_eq!(
        (
            a2.name.as_str(),
            a2.token_validity,
            a2.updated_at,
            a2.revision
        ),
        ("App 2", None, 200, a.revision + 1)
    );
    // A write over a revision that is gone changes nothing.
    assert!(matches!(
        s.update_application(&a.id, "App 3", "", None, 300, a.revision)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(s.application(&a.id).await.unwrap().name, "App 2");
    assert_eq!(s.applications_of(&u.id).await.unwrap().len(), 1);
    s.issue_token(&token("t1", &a.id, "f1"), &event(&a.id, "issued"))
        .await
        .unwrap();
    s.delete_application(&a.id, 150).await.unwrap();
    assert!(matches!(
        s.application(&a.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(s.token_by_id("t1").await.unwrap().revoked_at, Some(150));
    assert!(matches!(
        s.delete_application(&a.id, 1).await,
        Err(StoreError::NotFound)
    ));
}

async fn keys_are_unique_per_type_and_secrets_rotate(b: Backend) {
    let Some((s, _db)) = store(b).await else {
        return;
    };
    let u = s.insert_user(new_user("alice")).await.unwrap();
    let a = s
        .insert_application(&u.id, "App", "", None, 1)
        .await
        .unwrap();
    let key = KeyRow {
        consumer_key: "ck".into(),
        app_id: a.id.clone(),
        key_type: "production".into(),
        secret_digest: "d1".into(),
        grant_types: "password".into(),
        access_token_validity: Some(60),
        created_at: 1,
        secret_rotated_at: 1,
        token_type: "opaque".into(),
        callback_urls: String::new(),
        public_client: 0,
        allow_plain_pkce: 0,
        app_token_validity: None,
    };
    s.insert_key(&key).await.unwrap();
    let dup = KeyRow {
        consumer_key: "ck2".into(),
        ..key.clone()
    };
    assert!(matches!(
        s.insert_key(&dup).await,
        Err(StoreError::Conflict(_))
    ));
    s.replace_key_secret("ck", "d2", 5).await.unwrap();
    let got = s.key_by_consumer_key("ck").await.unwrap();
    assert_eq!(
        (got.secret_digest.as_str(), got.secret_rotated_at),
        ("d2", 5)
    );
    assert_eq!(s.keys_of_application(&a.id).await.unwrap(), vec![got]);
    assert!(matches!(
        s.replace_key_secret("nope", "d", 1).await,
        Err(StoreError::NotFound)
    ));
}

async fn scopes_exist_and_default_is_seeded(b: Backend) {
    let Some((s, _db)) = store(b).await else {
        return;
    };
    let read = ScopeRow {
        name: "read".into(),
        display_name: "Read".into(),
        description: "Read things".into(),
        roles: "staff".into(),
        created_at: 1,
    };
    assert_eq!(s.insert_scope(&read).await.unwrap(), read);
    assert!(matches!(
        s.insert_scope(&read).await,
        Err(StoreError::Conflict(_))
    ));
    let changed = ScopeRow {
        roles: String::new(),
        ..read.clone()
    };
    s.update_scope(&changed).await.unwrap();
    let missing = ScopeRow {
        name: "nope".into(),
        ..read
    };
    assert!(matches!(
        s.update_scope(&missing).await,
        Err(StoreError::NotFound)
    ));
    let names: Vec<String> = s
        .list_scopes()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(
        names,
        [
            "apim:admin",
            "apim:api_manage",
            "apim:app_manage",
            "apim:subscribe",
            "default",
            "openid",
            "read"
        ],
        "default, openid and the REST API's scopes are built in"
    );
    let mut existing = s.scopes_named(&["read", "nope", "default"]).await.unwrap();
    existing.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(existing[1], changed);
    assert_eq!(existing.len(), 2);
}

async fn expired_tokens_and_sessions_are_purged_but_events_stay(b: Backend) {
    let Some((s, _db)) = store(b).await else {
        return;
    };
    let u = s.insert_user(new_user("alice")).await.unwrap();
    s.issue_token(&token("old", "app", "f1"), &event("app", "issued"))
        .await
        .unwrap();
    let mut live = token("live", "app", "f2");
    live.refresh_expires_at = Some(5000);
    s.issue_token(&live, &event("app", "issued")).await.unwrap();
    assert_eq!(
        s.purge_expired_tokens(2000).await.unwrap(),
        1,
        "only the fully expired one"
    );
    assert!(s.token_by_id("old").await.is_err());
    assert!(s.token_by_id("live").await.is_ok());
    assert_eq!(s.events_of_application("app", 0).await.unwrap().len(), 2);
    let session = |id: &str, exp| portico::store::SessionRow {
        id_digest: id.into(),
        user_id: u.id.clone(),
        created_at: 1,
        expires_at: exp,
        last_seen_at: 1,
    };
    s.insert_session(&session("gone", 10)).await.unwrap();
    s.insert_session(&session("kept", 10_000)).await.unwrap();
    assert_eq!(s.delete_expired_sessions(100).await.unwrap(), 1);
    assert!(s.session("kept").await.is_ok());
    assert_eq!(s.delete_sessions_of_user(&u.id).await.unwrap(), 1);
}

async fn ping_and_migrations_are_idempotent(b: Backend) {
    let Some((s, _db)) = store(b).await else {
        return;
    };
    s.ping().await.unwrap();
    s.migrate().await.unwrap();
}

on_both_backends!(
    users_are_stored_found_and_unique,
    user_flags_and_passwords_change,
    settings_are_upserted,
    applications_are_owned_unique_and_deleted_with_their_tokens,
    keys_are_unique_per_type_and_secrets_rotate,
    scopes_exist_and_default_is_seeded,
    expired_tokens_and_sessions_are_purged_but_events_stay,
    ping_and_migrations_are_idempotent,
);
