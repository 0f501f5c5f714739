//! Statistics counting rules: who counts as a registered user, what each chart counts,
//! UTC range boundaries across the daily rollup, and raw-event retention.

use crate::on_both_backends;
use crate::support::app::spawn_with;
use crate::support::{spawn_app, Backend, TestApp};
use portico::domain::stats::{ApplicationStats, StatsRange, DAY};
use portico::domain::KeyType;
use portico::service::PortalTokenKind;
use secrecy::SecretString;

async fn stats(app: &TestApp, owner: &str, app_id: &str, range: StatsRange) -> ApplicationStats {
    let viewer = app.services.user(owner).await.unwrap();
    app.services
        .application_stats(&viewer, app_id, range)
        .await
        .unwrap()
}

on_both_backends!(
    each_user_counts_once_and_only_for_password_grants,
    portal_password_tokens_register_the_user,
    revocations_and_failed_refreshes_are_counted,
    ranges_follow_utc_days_across_the_rollup,
    retention_purges_raw_events_but_keeps_totals,
);

async fn each_user_counts_once_and_only_for_password_grants(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    for u in ["owner", "alice", "bob"] {
        app.user(u, &format!("{u}-password-1")).await;
    }
    let c = app
        .client("owner", "password,refresh_token,client_credentials")
        .await;
    let first = app.password_tokens(&c, "alice", "alice-password-1").await;
    app.password_tokens(&c, "alice", "alice-password-1").await;
    app.password_tokens(&c, "bob", "bob-password-1").await;
    assert_eq!(app.password_grant(&c, "bob", "wrong").await.status(), 400);
    let cc = app.token(&c, &[("grant_type", "client_credentials")]).await;
    assert_eq!(cc.status(), 200);
    let refreshed = app
        .token(
            &c,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", first["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(refreshed.status(), 200);
    // A locked user stays counted: the grant happened.
    app.services.set_locked("bob", true).await.unwrap();

    let s = stats(&app, "owner", &c.app_id, StatsRange::Days7).await;
    assert_eq!(s.registered_users, 2);
    assert_eq!(s.new_users, 2);
    let t = &s.totals;
    assert_eq!(
        (t.password, t.refresh_token, t.client_credentials, t.failed),
        (3, 1, 1, 1)
    );
    assert_eq!(t.issued, 5);
    let alice = s.users.iter().find(|u| u.username == "alice").unwrap();
    assert_eq!(alice.tokens, 2);
    assert!(alice.first_token_at <= alice.last_token_at);
    assert_eq!(s.users.len(), 2);
    assert_eq!(s.tokens.len(), 7);
    assert_eq!(s.tokens[6].password, 3, "today is the last bucket");
}

async fn portal_password_tokens_register_the_user(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("dev", "dev-password-1").await;
    let c = app.client("dev", "password,client_credentials").await;
    let dev = app.services.user("dev").await.unwrap();
    let row = app.services.store.application(&c.app_id).await.unwrap();
    let addr = std::net::IpAddr::from([127, 0, 0, 1]);
    let kind = PortalTokenKind::User {
        password: SecretString::from("dev-password-1".to_owned()),
    };
    let portal = app
        .services
        .portal_token(&dev, &row, KeyType::Production, kind, "", None, addr);
    portal.await.unwrap();
    let own = app.services.portal_token(
        &dev,
        &row,
        KeyType::Production,
        PortalTokenKind::Application,
        "",
        None,
        addr,
    );
    own.await.unwrap();
    let s = stats(&app, "dev", &c.app_id, StatsRange::Hours24).await;
    assert_eq!(s.registered_users, 1);
    assert_eq!(s.users[0].username, "dev");
    assert_eq!((s.totals.password, s.totals.client_credentials), (1, 1));
}

async fn revocations_and_failed_refreshes_are_counted(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("owner", "owner-password-1").await;
    let c = app.client("owner", "password,refresh_token").await;
    let t = app.password_tokens(&c, "owner", "owner-password-1").await;
    let revoke = |token: String| {
        app.http
            .post(app.gateway("/revoke"))
            .basic_auth(&c.id, Some(&c.secret))
            .form(&[("token", token)])
            .send()
    };
    let access = t["access_token"].as_str().unwrap().to_owned();
    assert_eq!(revoke(access.clone()).await.unwrap().status(), 200);
    assert_eq!(revoke(access).await.unwrap().status(), 200);
    let bad = app
        .token(
            &c,
            &[("grant_type", "refresh_token"), ("refresh_token", "nope")],
        )
        .await;
    assert_eq!(bad.status(), 400);
    let s = stats(&app, "owner", &c.app_id, StatsRange::Days7).await;
    assert_eq!(s.totals.revoked, 1, "revoking twice records one revocation");
    assert_eq!(s.totals.failed, 1);
    assert_eq!(s.registered_users, 1);
}

/// Moves the server clock to `secs` after the next UTC midnight.
fn to_next_midnight(app: &TestApp, secs: i64) {
    let now = app.services.clock.now();
    app.services.clock.advance(DAY - now.rem_euclid(DAY) + secs);
}

async fn ranges_follow_utc_days_across_the_rollup(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("owner", "owner-password-1").await;
    let c = app.client("owner", "password").await;
    to_next_midnight(&app, 0);
    app.password_tokens(&c, "owner", "owner-password-1").await;
    let issued = |s: &ApplicationStats| s.totals.issued;

    let s = stats(&app, "owner", &c.app_id, StatsRange::Days7).await;
    assert_eq!((issued(&s), s.tokens[6].password), (1, 1));
    // Six days on, 00:00:00 of that day is the 7-day range's first instant.
    app.services.clock.advance(6 * DAY);
    let s = stats(&app, "owner", &c.app_id, StatsRange::Days7).await;
    assert_eq!((issued(&s), s.tokens[0].password), (1, 1));
    assert_eq!(
        issued(&stats(&app, "owner", &c.app_id, StatsRange::Hours24).await),
        0
    );
    // One more day and it has left the 7-day range, but not the 30-day one; the
    // rollup by then holds the day, and the raw events are not counted again.
    app.services.clock.advance(DAY);
    assert_eq!(
        issued(&stats(&app, "owner", &c.app_id, StatsRange::Days7).await),
        0
    );
    let s = stats(&app, "owner", &c.app_id, StatsRange::Days30).await;
    assert_eq!((issued(&s), s.tokens[22].password), (1, 1));
    assert!(app.services.store.rolled_up_until().await.unwrap() > s.tokens[22].start);
    assert!(
        !app.services.roll_up_statistics().await.unwrap(),
        "nothing left to roll up"
    );
    assert_eq!(
        issued(&stats(&app, "owner", &c.app_id, StatsRange::Days30).await),
        1
    );
}

async fn retention_purges_raw_events_but_keeps_totals(b: Backend) {
    let Some(app) = spawn_with(b, |c| c.statistics.event_retention_days = 2).await else {
        return;
    };
    app.user("owner", "owner-password-1").await;
    let c = app.client("owner", "password").await;
    app.password_tokens(&c, "owner", "owner-password-1").await;
    app.services.clock.advance(3 * DAY);
    let (_, _, events) = app.services.housekeeping().await.unwrap();
    assert_eq!(events, 1);
    let raw = app.services.store.events_of_application(&c.app_id, 0).await;
    assert!(raw.unwrap().is_empty());
    let s = stats(&app, "owner", &c.app_id, StatsRange::Days7).await;
    assert_eq!((s.totals.password, s.registered_users), (1, 1));
}
