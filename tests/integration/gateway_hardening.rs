//! Attacks on the gateway: paths that a backend would resolve differently from the
//! gateway, portal cookies crossing to backends, and backends the policy forbids.

use crate::on_both_backends;
use crate::support::app::free_offset;
use crate::support::gateway::{fixture, Fixture, CONTEXT};
use crate::support::Backend;
use portico::server::{self, config::Config};
use portico::service::ApiInput;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

on_both_backends!(
    smuggled_paths_are_refused_and_the_backend_gets_the_path_that_was_checked,
    case_and_trailing_slash_cannot_dodge_a_resources_scope,
    portal_cookies_never_reach_backends_nor_come_back_from_them,
    backends_on_forbidden_addresses_are_refused_when_saved_and_when_called,
);

/// One request over a raw socket to the plain-HTTP gateway, so no client library
/// normalises the path first. Returns the status and the body.
async fn raw_get(f: &Fixture, path: &str, token: &str) -> (u16, String) {
    let port = f.app.ports.gateway_http;
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\
         Connection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut raw))
        .await
        .expect("the gateway answers")
        .unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text[9..12].parse().unwrap();
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (status, body.to_owned())
}

/// The path the echo backend received, from a chunked or plain JSON body.
fn seen_path(body: &str) -> String {
    let start = body.find('{').expect("a JSON body");
    let end = body.rfind('}').unwrap();
    let json: serde_json::Value = serde_json::from_str(&body[start..=end]).unwrap();
    json["path"].as_str().unwrap().to_owned()
}

async fn smuggled_paths_are_refused_and_the_backend_gets_the_path_that_was_checked(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let token = f.token("read").await;
    for path in [
        "/order/..%2Fmenu",
        "/order/..%2fmenu",
        "/order/..%5Cmenu",
        "/order/%2e%2e/menu",
        "/order/.%2E/menu",
        "/order/%00",
        "/../../../etc/passwd",
    ] {
        let (status, body) = raw_get(&f, &format!("{CONTEXT}{path}"), &token).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.contains("invalid_request"), "{path}: {body}");
    }
    for (path, backend_saw) in [
        ("/order/7/../../menu", "/menu"),
        ("//order///7", "/order/7"),
        ("/order/./7", "/order/7"),
        ("/%6Frder/%37", "/order/7"),
    ] {
        let (status, body) = raw_get(&f, &format!("{CONTEXT}{path}"), &token).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(seen_path(&body), backend_saw, "{path}");
    }
}

async fn case_and_trailing_slash_cannot_dodge_a_resources_scope(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    // An API open on `/*` whose `/admin` needs `audit`, in front of a backend that,
    // like many, would serve `/Admin/` as `/admin`.
    let s = &f.app.services;
    let backend = crate::support::backend::Backend::start().await;
    f.open_api("Lenient", "/lenient", backend.url).await;
    let api = s.apis(false).await.unwrap();
    let api = api.iter().find(|d| d.api.name == "Lenient").unwrap();
    s.add_resource(&api.api.id, "GET", "/admin", "audit")
        .await
        .unwrap();
    let token = f.token("read").await;
    for path in [
        "/lenient/admin",
        "/lenient/Admin",
        "/lenient/ADMIN/",
        "/lenient/admin/",
    ] {
        let (status, body) = raw_get(&f, path, &token).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert!(body.contains("insufficient_scope"), "{path}: {body}");
    }
    let (status, _) = raw_get(&f, "/lenient/other", &token).await;
    assert_eq!(status, 200, "the wide resource still serves the rest");
    let audit = f.token("audit").await;
    let (status, body) = raw_get(&f, "/lenient/Admin/", &audit).await;
    assert_eq!(status, 200);
    assert_eq!(
        seen_path(&body),
        "/Admin/",
        "the backend gets the path as checked"
    );
}

async fn portal_cookies_never_reach_backends_nor_come_back_from_them(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let token = f.token("").await;
    let res = f
        .app
        .http
        .get(f.app.gateway(&format!("{CONTEXT}/menu")))
        .bearer_auth(&token)
        .header(
            "cookie",
            "theme=dark; __Host-portico_session=victim; __Host-portico_csrf=c",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let seen: serde_json::Value = res.json().await.unwrap();
    assert_eq!(seen["headers"]["cookie"], "theme=dark");

    let backend = crate::support::backend::Backend::start().await;
    f.open_api("Cookies", "/cookies", backend.url).await;
    let res = f
        .call_path("GET", "/cookies/set-cookie", Some(&token))
        .await;
    assert_eq!(res.status(), 200);
    let set: Vec<_> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(set, ["app=1; Path=/"]);
}

async fn backends_on_forbidden_addresses_are_refused_when_saved_and_when_called(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    // The same services with loopback backends forbidden, as a server configured with
    // `allow_loopback_backends = false` has them.
    let mut strict = f.app.services.clone();
    strict.backend_policy.allow_loopback = false;
    let input = |url: &str| ApiInput {
        name: format!("x{}", url.len()),
        version: "1".into(),
        context: format!("/x{}", url.len()),
        backend_url: url.into(),
        description: String::new(),
    };
    for url in [
        "http://169.254.169.254/latest",
        "http://10.0.0.1",
        "http://[fd00::1]:8080",
        "http://127.0.0.1:8080",
        "http://localhost:8080",
    ] {
        let err = strict.create_api(input(url)).await.unwrap_err().to_string();
        assert!(err.contains("backend_url"), "{url}: {err}");
    }
    // A second server on the same database, started with loopback forbidden, finds the
    // fixture's API (saved before the rule applied to it, with its backend on loopback)
    // and refuses to connect rather than trusting what is stored.
    let token = f.token("").await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.database.url = f.app.database_url().to_owned();
    config.server.data_dir = dir.path().join("data");
    config.gateway.allow_loopback_backends = false;
    let services = server::services(&config).await.unwrap();
    let running = loop {
        config.server.offset = free_offset();
        match server::start(Arc::new(config.clone()), services.clone()).await {
            Ok(running) => break running,
            Err(server::StartError::Bind { .. }) => continue,
            Err(e) => panic!("{e}"),
        }
    };
    let url = format!(
        "https://localhost:{}{CONTEXT}/menu",
        running.ports.gateway_https
    );
    let res = f
        .app
        .http
        .get(url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 502);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body["error_description"],
        "the backend's address is not allowed"
    );
    running.shutdown().await;
}
