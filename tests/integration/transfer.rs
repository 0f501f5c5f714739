//! `portico export` and `portico import` between SQLite and PostgreSQL, both ways: the
//! same users, consumer keys, APIs, scopes and subscriptions work on the new database.

use crate::support::app::spawn_on;
use crate::support::db::TestDb;
use crate::support::gateway::{fixture, CONTEXT};
use crate::support::process::command;
use crate::support::Backend;
use std::path::Path;
use std::process::Output;

fn portico(dir: &Path, database: &str, args: &[&str]) -> Output {
    command(dir)
        .env("PORTICO_DATABASE__URL", database)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn a_portal_moves_to_the_other_database(from: Backend, to: Backend) {
    let Some(f) = fixture(from, |_| {}).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("portal.json");
    let out = portico(dir.path(), f.app.database_url(), &["export", "portal.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains(&f.client.secret),
        "secrets are exported as digests only"
    );
    assert!(!text.contains("dev-password-1"), "passwords never");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
    }
    let again = portico(dir.path(), f.app.database_url(), &["export", "portal.json"]);
    assert!(stderr(&again).contains("never overwritten"));

    let target = TestDb::new(to).await.unwrap();
    let out = portico(dir.path(), &target.url, &["import", "portal.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("1 subscriptions"), "{said}");
    let twice = portico(dir.path(), &target.url, &["import", "portal.json"]);
    assert!(!twice.status.success());
    assert!(
        stderr(&twice).contains("already has users"),
        "{}",
        stderr(&twice)
    );

    let copy = spawn_on(target, |_| {}).await;
    let tokens = copy
        .password_grant(&f.client, "dev", "dev-password-1")
        .await;
    assert_eq!(
        tokens.status(),
        200,
        "the user and the consumer key came across"
    );
    let tokens: serde_json::Value = tokens.json().await.unwrap();
    let call = copy
        .http
        .get(copy.gateway(&format!("{CONTEXT}/menu")))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        call.status(),
        200,
        "the API, its resources and the subscription came across"
    );
    let scopes: Vec<String> = copy
        .services
        .scopes()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    for scope in ["audit", "default", "read", "update"] {
        assert!(scopes.contains(&scope.to_owned()), "{scopes:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_moves_to_postgres() {
    a_portal_moves_to_the_other_database(Backend::Sqlite, Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_moves_to_sqlite() {
    a_portal_moves_to_the_other_database(Backend::Postgres, Backend::Sqlite).await;
}

async fn a_broken_document_changes_nothing(b: Backend) {
    let Some(target) = TestDb::new(b).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let user = serde_json::json!({
        "id": "u1", "username": "ann", "email": null, "password_hash": "$argon2id$x",
        "is_admin": 0, "locked": 0, "must_change_password": 0, "created_at": 1,
        "password_changed_at": 1, "roles": ""
    });
    // The subscription names an application that is not there: the last table fails.
    let broken = serde_json::json!({
        "format": "portico-export", "version": 1, "exported_at": "2026-12-06T00:00:00Z",
        "tables": {"users": [user], "subscriptions": [{"app_id": "nope", "api_id": "nope", "created_at": 1}]}
    });
    std::fs::write(dir.path().join("broken.json"), broken.to_string()).unwrap();
    let out = portico(dir.path(), &target.url, &["import", "broken.json"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("subscriptions"), "{}", stderr(&out));
    std::fs::write(
        dir.path().join("other.json"),
        r#"{"format": "something-else"}"#,
    )
    .unwrap();
    let other = portico(dir.path(), &target.url, &["import", "other.json"]);
    assert!(
        stderr(&other).contains("not a Portico export"),
        "{}",
        stderr(&other)
    );
    let copy = spawn_on(target, |_| {}).await;
    let found = copy.services.user("ann").await;
    assert!(found.is_err(), "nothing of a failed import is kept");
}

crate::on_both_backends!(a_broken_document_changes_nothing);
