//! `deploy/run.sh`, the reference deployment: nginx in front of two portal nodes and two
//! gateway nodes, one key manager, one PostgreSQL, started and stopped by the script.

use crate::support::backend::Backend as Upstream;
use crate::support::process::provision_shop;
use crate::support::{Backend, TestDb};
use std::path::Path;
use std::process::Command;

/// A base offset whose ports and its five nodes' ports are all free, below the ports
/// the kernel hands out to outgoing connections (32768 and up), which the checks here
/// cannot reserve.
fn free_block() -> u16 {
    loop {
        let base = crate::support::process::random_offset();
        let free = (0..6).all(|i| {
            [9443u16, 8243, 8280, 9464]
                .iter()
                .all(|p| std::net::TcpListener::bind(("127.0.0.1", p + base + i)).is_ok())
        });
        if free {
            return base;
        }
    }
}

fn script(run_dir: &Path, db: &str, offset: u16, action: &str) -> std::process::Output {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/run.sh");
    Command::new("bash")
        .arg(path)
        .arg(action)
        .env("PORTICO_BIN", env!("CARGO_BIN_EXE_portico"))
        .env("DATABASE_URL", db)
        .env("RUN_DIR", run_dir)
        .env("OFFSET", offset.to_string())
        .output()
        .expect("deploy/run.sh")
}

fn nginx_installed() -> bool {
    let found = Command::new("nginx").arg("-v").output().is_ok();
    if !found && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("nginx is required in CI (.ci/run installs it)");
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_deployment_starts_serves_through_nginx_and_stops() {
    if !nginx_installed() {
        eprintln!("skipping: nginx is not installed");
        return;
    }
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    // Free ports can be taken by a concurrent test before the last node binds them (the
    // start takes seconds): then the script stops what it started, and it is run again
    // elsewhere.
    let mut attempts = 0;
    let (run, offset) = loop {
        let run = tempfile::tempdir().unwrap();
        let offset = free_block();
        let out = script(run.path(), &db.url, offset, "start");
        let log = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            break (run, offset);
        }
        attempts += 1;
        assert!(
            log.contains("Address already in use") && attempts < 4,
            "{log}"
        );
        script(run.path(), &db.url, offset, "stop");
    };
    let km = run.path().join("key-manager");
    let upstream = Upstream::start().await;
    let (key, secret) = provision_shop(&km, &upstream.url);

    let http = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .timeout(crate::support::REQUEST_TIMEOUT)
        .build()
        .unwrap();
    let (gateway, portal) = (8243 + offset, 9443 + offset);
    let res = http
        .post(format!("https://localhost:{gateway}/token"))
        .basic_auth(&key, Some(&secret))
        .form(&[
            ("grant_type", "password"),
            ("username", "dev"),
            ("password", "dev-password-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap();
    for _ in 0..6 {
        let res = http
            .get(format!("https://localhost:{gateway}/shop/1/menu"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let res = http
            .get(format!("https://localhost:{portal}/signin"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let metadata: serde_json::Value = http
        .get(format!(
            "https://localhost:{portal}/.well-known/oauth-authorization-server"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        metadata["issuer"],
        format!("https://localhost:{portal}"),
        "public_url"
    );
    let access = std::fs::read_to_string(run.path().join("nginx/access.log")).unwrap();
    for node in [4, 5] {
        let port = 8243 + offset + node;
        assert!(
            access.contains(&format!("127.0.0.1:{port}")),
            "gateway node {node} served: {access}"
        );
    }
    for node in [2, 3] {
        let port = 9443 + offset + node;
        assert!(
            access.contains(&format!("127.0.0.1:{port}")),
            "portal node {node} served: {access}"
        );
    }
    let status = script(run.path(), &db.url, offset, "status");
    let status = String::from_utf8_lossy(&status.stdout);
    assert_eq!(
        status.matches("\"status\":\"ready\"").count(),
        5,
        "{status}"
    );

    drop(http);
    let out = script(run.path(), &db.url, offset, "stop");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for port in [gateway, portal, 9443 + offset + 1, 8243 + offset + 4] {
        assert!(
            std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
            "{port} closed"
        );
    }
}
