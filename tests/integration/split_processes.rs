//! The split as operators run it: separate `portico` processes on their own ports and one
//! PostgreSQL database, configured through `deployment.toml`, `serve --profile` and the
//! `key-manager credential` command.

use crate::support::app::free_offset;
use crate::support::backend::Backend as Upstream;
use crate::support::process::{admin_json, command, provision_shop, Portico};
use crate::support::{Backend, TestDb};
use std::path::Path;

fn write_config(dir: &Path, toml: &str) {
    std::fs::write(dir.join("deployment.toml"), toml).unwrap();
}

fn gateway_toml(
    db: &str,
    offset: u16,
    km_offset: u16,
    user: &str,
    password: &str,
    cert: &Path,
) -> String {
    format!(
        "[server]\noffset = {offset}\n[database]\nurl = \"{db}\"\n\
         [apim.key_manager]\nconfiguration.ServerURL = \"https://localhost:{}/services/\"\n\
         configuration.Username = \"{user}\"\nconfiguration.Password = \"{password}\"\n\
         ca_cert_path = \"{}\"\n",
        9443 + km_offset,
        cert.display()
    )
}

/// The seed's documented call, with the real curl.
fn seed_curl(port: u16, key: &str, secret: &str) -> serde_json::Value {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"));
    let out = std::process::Command::new("curl")
        .args([
            "-k",
            "-s",
            "-d",
            "grant_type=password&username=dev&password=dev-password-1",
            "-H",
            &format!("Authorization: Basic {b64}"),
            "-H",
            "Content-Type: application/x-www-form-urlencoded",
            &format!("https://localhost:{port}/token"),
        ])
        .output()
        .expect("curl");
    serde_json::from_slice(&out.stdout).expect("JSON from the token endpoint")
}

async fn call(http: &reqwest::Client, port: u16, token: &str) -> u16 {
    let url = format!("https://localhost:{port}/shop/1/menu");
    let res = http.get(url).bearer_auth(token).send().await.unwrap();
    res.status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn separate_processes_share_the_work_on_one_postgresql() {
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let upstream = Upstream::start().await;
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (km_dir, a_dir, b_dir) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    let km_offset = free_offset();
    write_config(
        km_dir,
        &format!(
            "[server]\noffset = {km_offset}\nprofile = \"key-manager\"\n[database]\nurl = \"{}\"\n",
            db.url
        ),
    );
    let mut km = Portico::start(command(km_dir));
    let credential = admin_json(
        km_dir,
        &["key-manager", "credential", "create", "edge", "--json"],
        "",
    );
    let (user, password) = (
        credential["username"].as_str().unwrap(),
        credential["password"].as_str().unwrap(),
    );
    assert_eq!(user, "edge");
    assert!(password.len() >= 43, "high entropy");
    let (key, secret) = provision_shop(km_dir, &upstream.url);
    let cert = km_dir.join("data/tls/portico.crt");

    // Gateway A by its file; gateway B's file says nothing of a profile: the flag decides.
    let (a_offset, b_offset) = (free_offset(), free_offset());
    let mut toml = gateway_toml(&db.url, a_offset, km_offset, user, password, &cert);
    toml = toml.replacen("[database]", "profile = \"gateway\"\n[database]", 1);
    write_config(a_dir, &toml);
    let a = Portico::start(command(a_dir));
    write_config(
        b_dir,
        &gateway_toml(&db.url, b_offset, km_offset, user, password, &cert),
    );
    let mut cmd = command(b_dir);
    cmd.args(["serve", "--profile", "gateway"]);
    let b = Portico::start(cmd);

    let body = seed_curl(8243 + a_offset, &key, &secret);
    assert_eq!(body["token_type"], "Bearer", "{body}");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "default");
    let token = body["access_token"].as_str().unwrap().to_owned();
    let http = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .timeout(crate::support::REQUEST_TIMEOUT)
        .build()
        .unwrap();
    assert_eq!(
        call(&http, 8243 + a_offset, &token).await,
        200,
        "through gateway A"
    );
    assert_eq!(
        call(&http, 8243 + b_offset, &token).await,
        200,
        "and gateway B"
    );
    let portal = std::net::TcpStream::connect(("127.0.0.1", 9443 + b_offset));
    assert!(portal.is_err(), "a gateway node serves no portal");

    let listed = admin_json(km_dir, &["key-manager", "credential", "list", "--json"], "");
    assert_eq!(listed[0]["username"], "edge");
    assert!(listed[0]["last_used_at"].is_i64(), "{listed}");
    let revoked = admin_json(
        km_dir,
        &["key-manager", "credential", "revoke", "edge", "--json"],
        "",
    );
    assert_eq!(revoked["revoked"], true);
    assert!(km.terminate().success());
    km = Portico::start(command(km_dir));
    // A revoked credential: the key manager answers, but not to these gateways.
    let ready: serde_json::Value = http
        .get(format!("https://localhost:{}/ready", 8243 + a_offset))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reason = ready["checks"]["key_manager"]["reason"]
        .as_str()
        .unwrap_or_default();
    assert!(reason.contains("credential"), "{ready}");
    let body = seed_curl(8243 + b_offset, &key, &secret);
    assert_eq!(body["error"], "temporarily_unavailable", "{body}");
    for p in [a, b, km] {
        assert!(p.terminate().success());
    }
}
