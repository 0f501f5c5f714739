//! The audit log: what is recorded (actor, address, target, outcome) for the portal's
//! and the command line's security-relevant actions, that no secret enters it, its
//! filters and paging on the admin page and `portico audit`, retention, and that rows
//! cannot be changed.

use crate::portal_apps::{generate, signed_in_with_app};
use crate::support::app::{spawn_with, TestApp};
use crate::support::browser::Browser;
use crate::support::process::{admin_json, command};
use crate::support::Backend;
use portico::domain::audit::{Action, AuditEvent, AuditFilter, Outcome};
use portico::service::audit::Actor;
use secrecy::SecretString;

async fn events(app: &TestApp, filter: AuditFilter) -> Vec<AuditEvent> {
    app.services
        .audit_log(&filter, None, 500)
        .await
        .unwrap()
        .events
}

fn by_action(action: &str) -> AuditFilter {
    AuditFilter {
        action: Some(action.into()),
        ..Default::default()
    }
}

async fn admin(app: &TestApp) -> Browser {
    let pw = SecretString::from("root-password-1".to_owned());
    app.services
        .create_user("root", None, &pw, true, false)
        .await
        .unwrap();
    let browser = Browser::new(app);
    assert!(browser
        .sign_in("root", "root-password-1")
        .await
        .error()
        .is_none());
    browser
}

async fn portal_actions_are_recorded_with_actor_address_and_outcome(b: Backend) {
    let Some(app) = spawn_with(b, |_| {}).await else {
        return;
    };
    let (dev, app_id) = signed_in_with_app(&app, "dana").await;
    let (_key, secret) = generate(&dev, &app_id).await;
    let wrong = Browser::new(&app).sign_in("dana", "hunter2-not-hers").await;
    assert!(wrong.error().is_some());
    let root = admin(&app).await;
    let locked = root
        .post(
            "/admin/users",
            "admin_user_action",
            &[("username", "dana"), ("action", "lock")],
        )
        .await;
    assert!(locked.error().is_none(), "{locked:?}");
    let switched = root
        .post("/admin/settings", "set_self_signup", &[("enabled", "off")])
        .await;
    assert!(switched.error().is_none());
    // A refused change is recorded too, with why.
    let scope = [
        ("name", "bad scope!"),
        ("display_name", ""),
        ("description", ""),
        ("roles", ""),
    ];
    assert!(root
        .post("/admin/scopes", "save_scope", &scope)
        .await
        .error()
        .is_some());

    let sign_ins = events(&app, by_action("session.sign_in")).await;
    let failed = sign_ins
        .iter()
        .find(|e| e.outcome == "failure")
        .expect("failed sign-in");
    assert_eq!(failed.actor, "dana");
    assert_eq!(failed.address.as_deref(), Some("127.0.0.1"));
    assert!(sign_ins
        .iter()
        .any(|e| e.actor == "root" && e.outcome == "success"));
    let generated = &events(&app, by_action("keys.generate")).await[0];
    assert_eq!(
        (generated.actor.as_str(), generated.outcome.as_str()),
        ("dana", "success")
    );
    assert!(generated.target.starts_with("Pizza"), "{generated:?}");
    let lock = &events(&app, by_action("user.lock")).await[0];
    assert_eq!(
        (lock.actor.as_str(), lock.target.as_str()),
        ("root", "dana")
    );
    let signup = &events(&app, by_action("settings.self_signup")).await[0];
    assert_eq!(signup.target, "off");
    let refused = &events(&app, by_action("scope.create")).await[0];
    assert_eq!(refused.outcome, "failure");
    assert!(!refused.detail.is_empty(), "says why: {refused:?}");

    // No password or secret, right or wrong, is in any column.
    let all = serde_json::to_string(&events(&app, AuditFilter::default()).await).unwrap();
    for secret in [
        secret.as_str(),
        "dana-password",
        "hunter2-not-hers",
        "root-password-1",
    ] {
        assert!(!all.contains(secret), "{secret} leaked into the audit log");
    }
}

async fn lockouts_are_recorded_as_denied(b: Backend) {
    let Some(app) = spawn_with(b, |c| {
        c.oauth.throttling.pair_free_failures = 1;
    })
    .await
    else {
        return;
    };
    app.user("erin", "erin-password-1").await;
    let browser = Browser::new(&app);
    for _ in 0..3 {
        browser.sign_in("erin", "wrong-password").await;
    }
    let denied: Vec<_> = events(&app, by_action("session.sign_in"))
        .await
        .into_iter()
        .filter(|e| e.outcome == "denied")
        .collect();
    assert!(
        !denied.is_empty(),
        "a throttled sign-in is recorded as denied"
    );
    assert!(denied[0].detail.contains("too many"), "{:?}", denied[0]);
}

async fn filters_and_pages_walk_the_whole_log(b: Backend) {
    let Some(app) = spawn_with(b, |_| {}).await else {
        return;
    };
    let s = &app.services;
    let ip = "10.1.2.3".parse().unwrap();
    for i in 0..120 {
        let (actor, action) = match i % 3 {
            0 => ("amy", Action::ApiCreated),
            1 => ("ben", Action::ApiDeleted),
            _ => ("amy", Action::ScopeCreated),
        };
        let actor = Actor::claimed(actor, ip);
        s.audit(&actor, action, &format!("t{i}"), Outcome::Success, "")
            .await;
        s.clock.advance(1);
    }
    let api_area = events(&app, by_action("api")).await;
    assert_eq!(api_area.len(), 80);
    let amy = AuditFilter {
        actor: Some("amy".into()),
        ..Default::default()
    };
    assert_eq!(events(&app, amy).await.len(), 80);
    let now = s.clock.now();
    let recent = AuditFilter {
        since: Some(now - 10),
        ..Default::default()
    };
    assert_eq!(events(&app, recent).await.len(), 10);

    // The admin page pages by 50, newest first, keeping the filter across pages.
    let root = admin(&app).await;
    let (status, first) = root.get("/admin/audit?actor=amy").await;
    assert_eq!(status, 200);
    assert!(
        first.contains(">t119<") && !first.contains(">t118<"),
        "newest first, amy only"
    );
    let older = first
        .split("href=\"/admin/audit?")
        .nth(1)
        .expect("an older link");
    let older = older.split('"').next().unwrap().replace("&amp;", "&");
    assert!(older.starts_with("actor=amy&after="), "{older}");
    let (_, second) = root.get(&format!("/admin/audit?{older}")).await;
    assert!(
        second.contains(">t2<") && !second.contains(">t119<"),
        "the rest of amy's"
    );
    assert!(!second.contains("Older events"));
    let (_, junk) = root.get("/admin/audit?after=1.%27%20OR%201%3D1").await;
    assert!(junk.contains("not a cursor"), "a forged cursor is refused");
    let (_, bad) = root.get("/admin/audit?since=yesterday").await;
    assert!(bad.contains("2026-12-01"), "the date format is explained");
}

async fn developers_cannot_read_the_audit_log(b: Backend) {
    let Some(app) = spawn_with(b, |_| {}).await else {
        return;
    };
    let (dev, _) = signed_in_with_app(&app, "dora").await;
    let (_, page) = dev.get("/admin/audit").await;
    assert!(page.contains("Admins only"));
    assert!(!page.contains("session.sign_in"));
}

async fn retention_trims_old_events_and_rows_cannot_change(b: Backend) {
    let Some(app) = spawn_with(b, |c| c.audit.retention_days = 30).await else {
        return;
    };
    let s = &app.services;
    s.audit(
        &Actor::cli(),
        Action::UserCreated,
        "old",
        Outcome::Success,
        "",
    )
    .await;
    s.clock.advance(31 * 86_400);
    s.audit(
        &Actor::cli(),
        Action::UserCreated,
        "new",
        Outcome::Success,
        "",
    )
    .await;
    s.housekeeping().await.unwrap();
    let left: Vec<_> = events(&app, AuditFilter::default())
        .await
        .into_iter()
        .map(|e| e.target)
        .collect();
    assert_eq!(left, ["new"]);
    let pool = sqlx::AnyPool::connect(app.database_url()).await.unwrap();
    let changed = sqlx::query("UPDATE audit_events SET outcome = 'success'")
        .execute(&pool)
        .await;
    let err = changed.expect_err("audit rows are append-only").to_string();
    assert!(err.contains("append-only"), "{err}");
}

crate::on_both_backends!(
    portal_actions_are_recorded_with_actor_address_and_outcome,
    lockouts_are_recorded_as_denied,
    filters_and_pages_walk_the_whole_log,
    developers_cannot_read_the_audit_log,
    retention_trims_old_events_and_rows_cannot_change,
);

#[test]
fn the_command_line_is_audited_and_reads_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let off = command(dir.path())
        .args(["settings", "self-signup", "off"])
        .status()
        .unwrap();
    assert!(off.success());
    let log = admin_json(dir.path(), &["audit", "--since", "1d", "--json"], "");
    let first = &log.as_array().unwrap()[0];
    assert_eq!(first["action"], "settings.self_signup");
    assert_eq!(first["actor"], "cli");
    assert_eq!(first["target"], "off");
    let none = admin_json(dir.path(), &["audit", "--action", "user", "--json"], "");
    assert_eq!(none, serde_json::json!([]));
    let bad = command(dir.path())
        .args(["audit", "--since", "last week"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("7d"));
}
