//! The binary as an operator meets it: first and second start, ports, configuration
//! errors, and graceful shutdown.

use crate::support::app::free_offset;
use crate::support::process::{admin_json, command, Portico, LOG_LINE};
use std::io::{Read, Write};
use std::time::Duration;

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .danger_accept_invalid_certs(true)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn start_in(dir: &std::path::Path, offset: u16) -> Portico {
    let mut cmd = command(dir);
    cmd.env("PORTICO_SERVER__OFFSET", offset.to_string());
    Portico::start(cmd)
}

fn admin_password(output: &str) -> String {
    let mut lines = output.lines().filter(|l| !l.starts_with(LOG_LINE));
    lines
        .find(|l| l.contains("administrator account `admin`"))
        .expect("admin line");
    lines
        .map(str::trim)
        .find(|l| !l.is_empty())
        .expect("password line")
        .to_owned()
}

#[test]
fn first_start_creates_admin_certificate_and_database_and_second_reuses_them() {
    let dir = tempfile::tempdir().unwrap();
    let offset = free_offset();
    let first = start_in(dir.path(), offset);
    let out = first.output();
    let password = admin_password(&out);
    assert_eq!(password.len(), 43, "a 256-bit random password");
    assert!(out.contains("Generated a self-signed TLS certificate"));
    assert!(dir.path().join("data/portico.db").is_file());
    let cert = std::fs::read(dir.path().join("data/tls/portico.crt")).unwrap();
    // The key that seals ID-token signing keys, made for a single node, owner-only.
    let kek = dir.path().join("data/signing.kek");
    let kek_value = std::fs::read_to_string(&kek).unwrap();
    assert_eq!(kek_value.len(), 43);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kek).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let portal = format!("https://localhost:{}/", 9443 + offset);
    let page = client().get(&portal).send().unwrap().text().unwrap();
    assert!(
        page.contains("<!DOCTYPE html>")
            && page.contains("Sign in")
            && page.contains("/portico.css")
    );
    assert!(first.terminate().success());

    let second = start_in(dir.path(), offset);
    let out = second.output();
    assert!(
        !out.contains("administrator account"),
        "admin created twice: {out}"
    );
    assert!(!out.contains("Generated a self-signed"));
    assert_eq!(
        std::fs::read(dir.path().join("data/tls/portico.crt")).unwrap(),
        cert
    );
    assert_eq!(std::fs::read_to_string(&kek).unwrap(), kek_value, "kept");
    // The first start's admin password still works: introspection accepts admins.
    let res = client()
        .post(format!(
            "https://localhost:{}/oauth2/introspect",
            9443 + offset
        ))
        .basic_auth("admin", Some(&password))
        .form(&[("token", "unknown")])
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().unwrap(), r#"{"active":false}"#);
    assert!(second.terminate().success());
}

#[test]
fn admin_password_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let offset = free_offset();
    let mut cmd = command(dir.path());
    cmd.env("PORTICO_SERVER__OFFSET", offset.to_string())
        .env("PORTICO_ADMIN_PASSWORD", "a long admin password");
    let p = Portico::start(cmd);
    assert!(p.output().contains("password from PORTICO_ADMIN_PASSWORD"));
    assert!(
        !p.output().contains("a long admin password"),
        "never echoed"
    );
    let res = client()
        .post(format!(
            "https://localhost:{}/oauth2/introspect",
            9443 + offset
        ))
        .basic_auth("admin", Some("a long admin password"))
        .form(&[("token", "x")])
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    p.terminate();
}

#[test]
fn offset_shifts_every_port_and_each_listener_answers_health_and_ready() {
    let dir = tempfile::tempdir().unwrap();
    let offset = free_offset();
    let p = start_in(dir.path(), offset);
    let c = client();
    for url in [
        format!("https://localhost:{}", 9443 + offset),
        format!("https://localhost:{}", 8243 + offset),
        format!("http://localhost:{}", 8280 + offset),
    ] {
        assert_eq!(
            c.get(format!("{url}/health")).send().unwrap().status(),
            200,
            "{url}"
        );
        let ready = c.get(format!("{url}/ready")).send().unwrap();
        assert_eq!(ready.status(), 200, "{url}");
    }
    p.terminate();
}

#[test]
fn the_self_signed_certificate_is_refused_without_k() {
    let dir = tempfile::tempdir().unwrap();
    let offset = free_offset();
    let p = start_in(dir.path(), offset);
    let strict = reqwest::blocking::Client::new();
    let err = strict
        .get(format!("https://localhost:{}/", 9443 + offset))
        .send();
    assert!(
        err.is_err(),
        "an untrusted certificate must fail verification"
    );
    p.terminate();
}

#[test]
fn http_gateway_can_be_switched_off() {
    let dir = tempfile::tempdir().unwrap();
    let offset = free_offset();
    let mut cmd = command(dir.path());
    cmd.env("PORTICO_SERVER__OFFSET", offset.to_string())
        .env("PORTICO_GATEWAY__HTTP_ENABLED", "false");
    let p = Portico::start(cmd);
    assert!(std::net::TcpStream::connect(("127.0.0.1", 8280 + offset)).is_err());
    assert!(std::net::TcpStream::connect(("127.0.0.1", 8243 + offset)).is_ok());
    p.terminate();
}

#[test]
fn shutdown_finishes_a_request_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let offset = free_offset();
    let p = start_in(dir.path(), offset);
    // Send the headers and half the body, stop, then finish after SIGTERM.
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", 8280 + offset)).unwrap();
    let body = "grant_type=client_credentials&client_id=x&client_secret=y";
    write!(
        conn,
        "POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let pid = p.child.id().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", 8280 + offset)).is_err(),
        "stopped accepting"
    );
    conn.write_all(&body.as_bytes()[10..]).unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert!(response.contains("invalid_client"));
    let status = p.terminate();
    assert!(status.success(), "{status}");
}

pub(crate) fn failing_start(dir: &std::path::Path, toml: &str, envs: &[(&str, &str)]) -> String {
    std::fs::write(dir.join("deployment.toml"), toml).unwrap();
    let mut cmd = command(dir);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.arg("serve").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "config errors exit with 2");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn configuration_errors_name_the_key_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("[server]\nofset = 1\n", "ofset"),
        ("[server]\noffset = \"one\"\n", "server.offset"),
        ("[server]\noffset = 70000\n", "server.offset"),
        ("[database]\nurl = \"mysql://x\"\n", "database.url"),
        (
            "[apim.key_manager.configuration]\nServerURL = \"not a url\"\n",
            "ServerURL",
        ),
        ("[nonsense]\n", "nonsense"),
        (
            "[server]\npublic_url = \"ftp://portal\"\n",
            "server.public_url",
        ),
        (
            "[gateway]\npublic_url = \"https://api.example.com/?x=1\"\n",
            "gateway.public_url",
        ),
        (
            "[server]\ntrusted_proxies = [\"10.0.0.0/33\"]\n",
            "server.trusted_proxies",
        ),
        (
            "[oauth]\ndefault_token_type = \"paseto\"\n",
            "oauth.default_token_type",
        ),
        ("[oauth]\njwt_audience = \"\"\n", "oauth.jwt_audience"),
        (
            "[gateway]\njwt_leeway_seconds = 3600\n",
            "gateway.jwt_leeway_seconds",
        ),
        // Metrics beyond loopback only with a credential, and a credential worth one.
        (
            "[metrics]\nbind_address = \"0.0.0.0\"\n",
            "metrics.bind_address",
        ),
        (
            "[metrics]\nbearer_token = \"short\"\n",
            "metrics.bearer_token",
        ),
        ("[metrics]\nport = 0\n", "metrics.port"),
        ("[audit]\nretention_days = -1\n", "audit.retention_days"),
        (
            "[telemetry]\notlp_endpoint = \"localhost:4318\"\n",
            "telemetry.otlp_endpoint",
        ),
    ];
    for (toml, key) in cases {
        let err = failing_start(dir.path(), toml, &[]);
        assert!(err.contains(key), "{toml:?}: {err}");
        assert!(err.contains("deployment.toml"), "{toml:?}: {err}");
    }
}

#[test]
fn environment_overrides_are_validated_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let err = failing_start(dir.path(), "", &[("PORTICO_SERVER__OFFSET", "70000")]);
    assert!(
        err.contains("server.offset") && err.contains("PORTICO_"),
        "{err}"
    );
}

#[test]
fn a_missing_config_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = command(dir.path())
        .args(["--config", "nope.toml", "migrate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml"));
}

#[test]
fn migrate_runs_and_help_documents_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = command(dir.path()).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(dir.path().join("data/portico.db").is_file());
    let help = command(dir.path()).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for cmd in [
        "serve", "migrate", "user", "app", "keys", "scope", "settings", "--config",
    ] {
        assert!(help.contains(cmd), "{cmd} missing from --help");
    }
}

#[test]
fn admin_commands_script_users_apps_keys_and_settings_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let user = admin_json(
        d,
        &[
            "user",
            "create",
            "--username",
            "Dev1",
            "--password-stdin",
            "--json",
        ],
        "dev-password-1\n",
    );
    assert_eq!(user["username"], "dev1");
    let app = admin_json(
        d,
        &[
            "app", "create", "--owner", "dev1", "--name", "Shop", "--json",
        ],
        "",
    );
    let id = app["id"].as_str().unwrap().to_owned();
    let keys = admin_json(
        d,
        &[
            "keys",
            "generate",
            "--app",
            &id,
            "--grant-types",
            "password",
            "--json",
        ],
        "",
    );
    assert_eq!(keys["consumer_secret"].as_str().unwrap().len(), 43);
    assert_eq!(keys["grant_types"], serde_json::json!(["password"]));
    let again = admin_json(
        d,
        &[
            "keys",
            "regenerate-secret",
            "--app",
            &id,
            "--type",
            "production",
            "--json",
        ],
        "",
    );
    assert_eq!(again["consumer_key"], keys["consumer_key"]);
    assert_ne!(again["consumer_secret"], keys["consumer_secret"]);
    let scope = admin_json(
        d,
        &["scope", "create", "read", "--description", "Read", "--json"],
        "",
    );
    assert_eq!(scope["name"], "read");
    assert_eq!(
        admin_json(d, &["user", "lock", "dev1", "--json"], "")["locked"],
        true
    );
    let off = command(d)
        .args(["settings", "self-signup", "off"])
        .output()
        .unwrap();
    assert!(off.status.success());
    assert_eq!(
        admin_json(d, &["settings", "show", "--json"], "")["self_signup"],
        false
    );
    let missing = command(d)
        .args(["app", "create", "--owner", "nobody", "--name", "x"])
        .output()
        .unwrap();
    assert_eq!(
        missing.status.code(),
        Some(1),
        "a failed command exits non-zero"
    );
}
