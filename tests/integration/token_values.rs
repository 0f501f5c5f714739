//! Token values lead with their row id (`crypto::token`): the random part still decides,
//! and tokens issued before that layout (migration 000006) keep working after an upgrade.

use crate::on_both_backends;
use crate::support::app::{spawn_on, Client};
use crate::support::{spawn_app, Backend, TestApp, TestDb};
use portico::crypto::{digest, locate, random_token, TokenLocator};
use portico::store::{
    DatabaseUrl, KeyRow, NewUser, Store, StoreError, TokenEvent, TokenPart, TokenRow,
};
use serde_json::Value;

const TOKEN_IDS_MIGRATION: i64 = 20261126000006;

async fn refresh(app: &TestApp, c: &Client, token: &str) -> (u16, Value) {
    let res = app
        .token(
            c,
            &[("grant_type", "refresh_token"), ("refresh_token", token)],
        )
        .await;
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn a_known_row_id_with_another_secret_is_refused(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password,refresh_token").await;
    let issued = app.password_tokens(&c, "alice", "alice-password").await;
    let access = issued["access_token"].as_str().unwrap();
    let refresh_token = issued["refresh_token"].as_str().unwrap();
    assert!(matches!(locate(access), TokenLocator::Row(_)));
    assert_eq!(
        locate(access),
        locate(refresh_token),
        "one issuance, one row"
    );

    let forged = format!("{}{}", &access[..22], random_token());
    assert!(!app.services.introspect(&forged, None).await.unwrap().active);
    // The access token's secret is not its refresh token, though both name the row.
    let (status, body) = refresh(&app, &c, access).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, _) = refresh(&app, &c, &forged).await;
    assert_eq!(status, 400);
    // The genuine pair still works after the forgeries.
    assert!(app.services.introspect(access, None).await.unwrap().active);
    assert_eq!(refresh(&app, &c, refresh_token).await.0, 200);
}

/// What an earlier release left in its database: a user, an application with a key, and
/// one issuance whose values are bare random tokens. Returns the client and the values.
async fn earlier_release_data(db: &TestDb, b: Backend) -> (Client, String, String) {
    db.migrate_before(b, TOKEN_IDS_MIGRATION).await;
    let store = Store::connect(&DatabaseUrl::parse(&db.url).unwrap(), 2)
        .await
        .unwrap();
    let now = portico::service::Clock::default().now();
    let user = NewUser {
        username: "alice",
        email: None,
        password_hash: "not-used-by-refresh",
        is_admin: false,
        must_change_password: false,
        now,
    };
    let user = store.insert_user(user).await.unwrap();
    let app = store
        .insert_application(&user.id, "Legacy", "", None, now)
        .await
        .unwrap();
    let secret = random_token();
    let key = KeyRow {
        consumer_key: "legacy-client".into(),
        app_id: app.id.clone(),
        key_type: "production".into(),
        secret_digest: digest(&secret),
        grant_types: "password,refresh_token".into(),
        access_token_validity: None,
        created_at: now,
        secret_rotated_at: now,
        token_type: "opaque".into(),
        app_token_validity: None,
    };
    store.insert_key(&key).await.unwrap();
    let (access, refresh) = (random_token(), random_token());
    let id = uuid::Uuid::now_v7().to_string();
    let row = TokenRow {
        id: id.clone(),
        access_digest: digest(&access),
        refresh_digest: Some(digest(&refresh)),
        family_id: id,
        consumer_key: key.consumer_key.clone(),
        app_id: app.id.clone(),
        key_type: "production".into(),
        grant_type: "password".into(),
        user_id: Some(user.id.clone()),
        username: Some(user.username.clone()),
        scopes: "default".into(),
        issued_at: now,
        expires_at: now + 3600,
        refresh_expires_at: Some(now + 86_400),
        refresh_used_at: None,
        revoked_at: None,
        token_type: "opaque".into(),
    };
    let event = TokenEvent {
        app_id: app.id.clone(),
        key_type: "production".into(),
        grant_type: "password".into(),
        user_id: row.user_id.clone(),
        username: row.username.clone(),
        outcome: "issued",
        at: now,
    };
    store.issue_token(&row, &event).await.unwrap();
    let client = Client {
        app_id: app.id,
        id: key.consumer_key,
        secret,
    };
    (client, access, refresh)
}

async fn tokens_issued_before_the_upgrade_keep_working(b: Backend) {
    let Some(db) = TestDb::new(b).await else {
        return;
    };
    let (c, old_access, old_refresh) = earlier_release_data(&db, b).await;
    let app = spawn_on(db, |_| {}).await;

    let seen = app.services.introspect(&old_access, None).await.unwrap();
    assert!(seen.active);
    assert_eq!(seen.details.unwrap().username.as_deref(), Some("alice"));
    let (status, renewed) = refresh(&app, &c, &old_refresh).await;
    assert_eq!(status, 200, "{renewed}");
    let new_access = renewed["access_token"].as_str().unwrap();
    let new_refresh = renewed["refresh_token"].as_str().unwrap();
    assert!(matches!(locate(new_refresh), TokenLocator::Row(_)));
    assert!(
        app.services
            .introspect(new_access, None)
            .await
            .unwrap()
            .active
    );
    // New rows stay out of the digest indexes that only the old ones need.
    assert!(matches!(
        app.services
            .store
            .legacy_token_by_digest(TokenPart::Access, &digest(new_access))
            .await,
        Err(StoreError::NotFound)
    ));

    // Replaying the old refresh token still revokes the family it started.
    let (status, _) = refresh(&app, &c, &old_refresh).await;
    assert_eq!(status, 400);
    assert!(
        !app.services
            .introspect(new_access, None)
            .await
            .unwrap()
            .active
    );
    assert_eq!(refresh(&app, &c, new_refresh).await.0, 400);
}

on_both_backends!(
    a_known_row_id_with_another_secret_is_refused,
    tokens_issued_before_the_upgrade_keep_working,
);
