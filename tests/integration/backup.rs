//! Keeping data safe: `portico backup` of a running SQLite node and `portico restore` to
//! a stopped one, and the PostgreSQL round trip through pg_dump and pg_restore.

use crate::support::app::{free_offset, spawn_on, spawn_with};
use crate::support::db::TestDb;
use crate::support::process::{command, run_fed, Portico};
use crate::support::Backend;
use std::path::Path;
use std::process::Output;

/// `portico args…` in `dir`, configured like the node on the ports of `offset`.
fn run_at(dir: &Path, offset: u16, args: &[&str], stdin: &str) -> Output {
    let mut cmd = command(dir);
    cmd.env("PORTICO_SERVER__OFFSET", offset.to_string())
        .args(args);
    run_fed(cmd, stdin)
}

fn run(dir: &Path, args: &[&str], stdin: &str) -> Output {
    run_at(dir, 0, args, stdin)
}

fn ok(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn refused(out: &Output) -> String {
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn create_user(dir: &Path, name: &str) {
    ok(&run(
        dir,
        &["user", "create", "--username", name, "--password-stdin"],
        "pw-0123456789\n",
    ));
}

async fn usernames(db: &Path) -> Vec<String> {
    let url = format!("sqlite://{}?mode=ro", db.display());
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let names = sqlx::query_scalar("SELECT username FROM users ORDER BY username")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    names
}

#[tokio::test]
async fn a_running_node_is_backed_up_and_a_stopped_one_restored() {
    let dir = tempfile::tempdir().unwrap();
    let (dir, offset) = (dir.path(), free_offset());
    let start = || {
        let mut cmd = command(dir);
        cmd.env("PORTICO_SERVER__OFFSET", offset.to_string());
        Portico::start(cmd)
    };
    let server = start();
    create_user(dir, "before");
    let said = ok(&run(dir, &["backup", "saved.db"], ""));
    assert!(said.contains("2 users"), "{said}");
    create_user(dir, "after");
    let again = refused(&run(dir, &["backup", "saved.db"], ""));
    assert!(again.contains("exists"), "{again}");
    let busy = refused(&run_at(dir, offset, &["restore", "saved.db"], ""));
    assert!(busy.contains("stop this node"), "{busy}");
    server.terminate();

    let said = ok(&run_at(dir, offset, &["restore", "saved.db"], ""));
    assert!(said.contains("previous database is kept"), "{said}");
    let db = dir.join("data/portico.db");
    assert_eq!(usernames(&db).await, ["admin", "before"]);
    let kept = std::fs::read_dir(dir.join("data"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| {
            n.starts_with("portico.db.before-restore-")
                && !n.ends_with("-wal")
                && !n.ends_with("-shm")
        })
        .expect("the replaced database is kept");
    assert_eq!(
        usernames(&dir.join("data").join(kept)).await,
        ["admin", "after", "before"]
    );
    // The restored node starts and serves.
    let server = start();
    let health = reqwest::get(format!("http://127.0.0.1:{}/health", 8280 + offset))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    server.terminate();
}

#[tokio::test]
async fn restore_refuses_what_is_not_a_portico_backup() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    create_user(dir, "kept");
    std::fs::write(dir.join("junk.db"), b"not a database at all").unwrap();
    let junk = refused(&run(dir, &["restore", "--force", "junk.db"], ""));
    assert!(junk.contains("not a Portico backup"), "{junk}");
    let missing = refused(&run(dir, &["restore", "--force", "nowhere.db"], ""));
    assert!(missing.contains("not a file"), "{missing}");
    // A backup from a newer release: this build cannot know its schema.
    ok(&run(dir, &["backup", "newer.db"], ""));
    let url = format!("sqlite://{}", dir.join("newer.db").display());
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99991231000000, 'future', 1, x'00', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let newer = refused(&run(dir, &["restore", "--force", "newer.db"], ""));
    assert!(newer.contains("newer Portico"), "{newer}");
    // Nothing was replaced by the refusals.
    assert_eq!(usernames(&dir.join("data/portico.db")).await, ["kept"]);
}

#[tokio::test]
async fn postgres_round_trips_through_pg_dump_and_pg_restore() {
    let Some(app) = spawn_with(Backend::Postgres, |_| {}).await else {
        return;
    };
    app.user("pat", "pat-password-1").await;
    let client = app.client("pat", "password").await;
    let issued: serde_json::Value = app
        .password_grant(&client, "pat", "pat-password-1")
        .await
        .json()
        .await
        .unwrap();
    let dump = tempfile::tempdir().unwrap();
    let file = dump.path().join("portico.dump");
    let dumped = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(&file)
        .arg(app.database_url())
        .status()
        .expect("pg_dump (postgresql-client) is installed");
    assert!(dumped.success());
    let target = TestDb::new(Backend::Postgres).await.unwrap();
    let restored = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname", &target.url])
        .arg(&file)
        .status()
        .unwrap();
    assert!(restored.success());
    let copy = spawn_on(target, |_| {}).await;
    let again = copy.password_grant(&client, "pat", "pat-password-1").await;
    assert_eq!(
        again.status(),
        200,
        "the consumer key and the user came across"
    );
    let form = [("token", issued["access_token"].as_str().unwrap())];
    let seen: serde_json::Value = copy
        .http
        .post(copy.gateway("/introspect"))
        .basic_auth(&client.id, Some(&client.secret))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(seen["active"], true, "tokens came across: {seen}");
}
