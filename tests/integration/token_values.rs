//! Token values lead with their row id (`crypto::token`): the random part still decides,
//! and tokens issued before that layout (migration 000006) keep working after an upgrade.

use crate::on_both_backends;
use crate::support::app::{spawn_on, Client};
use crate::support::{spawn_app, Backend, TestApp, TestDb};
use portico::crypto::{digest, locate, random_token, TokenLocator};
use portico::store::{DatabaseUrl, NewUser, Store, StoreError, TokenPart};
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
    // Written as that release wrote them: its columns, not today's.
    let url = match b {
        Backend::Sqlite => format!("{}?mode=rwc", db.url),
        _ => db.url.clone(),
    };
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let app_id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO applications (id, owner_id, name, description, token_validity, \
         created_at, updated_at) VALUES ($1, $2, 'Legacy', '', NULL, $3, $3)",
    )
    .bind(&app_id)
    .bind(&user.id)
    .bind(now)
    .execute(&pool)
    .await
    .unwrap();
    let (secret, consumer_key) = (random_token(), "legacy-client".to_owned());
    sqlx::query(
        "INSERT INTO app_keys (consumer_key, app_id, key_type, secret_digest, grant_types, \
         access_token_validity, created_at, secret_rotated_at) \
         VALUES ($1, $2, 'production', $3, 'password,refresh_token', NULL, $4, $4)",
    )
    .bind(&consumer_key)
    .bind(&app_id)
    .bind(digest(&secret))
    .bind(now)
    .execute(&pool)
    .await
    .unwrap();
    let (access, refresh) = (random_token(), random_token());
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO tokens (id, access_digest, refresh_digest, family_id, consumer_key, \
         app_id, key_type, grant_type, user_id, username, scopes, issued_at, expires_at, \
         refresh_expires_at) VALUES ($1, $2, $3, $1, $4, $5, 'production', 'password', \
         $6, $7, 'default', $8, $9, $10)",
    )
    .bind(&id)
    .bind(digest(&access))
    .bind(digest(&refresh))
    .bind(&consumer_key)
    .bind(&app_id)
    .bind(&user.id)
    .bind(&user.username)
    .bind(now)
    .bind(now + 3600)
    .bind(now + 86_400)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    store.close().await;
    let client = Client {
        app_id,
        id: consumer_key,
        secret,
    };
    (client, access, refresh)
}

async fn tokens_issued_before_the_upgrade_keep_working(b: Backend) {
    let Some(db) = TestDb::new(b).await else {
        return;
    };
    let (c, old_access, old_refresh) = earlier_release_data(&db, b).await;
    let app = spawn_on(db, |c| {
        c.oauth.default_token_type = portico::domain::TokenType::Jwt
    })
    .await;
    // Keys from before token types stay opaque, whatever the default is now.
    let key = app.services.store.key_by_consumer_key(&c.id).await.unwrap();
    assert_eq!(key.token_type, "opaque");

    let seen = app.services.introspect(&old_access, None).await.unwrap();
    assert!(seen.active);
    assert_eq!(seen.details.unwrap().username.as_deref(), Some("alice"));
    let (status, renewed) = refresh(&app, &c, &old_refresh).await;
    assert_eq!(status, 200, "{renewed}");
    let new_access = renewed["access_token"].as_str().unwrap();
    assert!(
        !new_access.contains('.'),
        "an opaque key's token: {new_access}"
    );
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
