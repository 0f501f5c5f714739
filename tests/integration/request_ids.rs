//! Request ids across a call (response, error body, backend, key manager, log) and the
//! optional OpenTelemetry trace export.

use crate::support::app::{free_offset, TestApp};
use crate::support::gateway::{fixture, CONTEXT};
use crate::support::process::{command, Portico, LOG_LINE};
use crate::support::Backend;

/// A refused grant sent with `id` (when given): the response's id header and body.
async fn refused_grant(
    app: &TestApp,
    url: String,
    id: Option<&str>,
) -> (String, serde_json::Value) {
    let mut req = app.http.post(url).form(&[("grant_type", "password")]);
    if let Some(id) = id {
        req = req.header("x-request-id", id);
    }
    let res = req.send().await.unwrap();
    assert!(res.status().is_client_error());
    let header = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    (header, res.json().await.unwrap())
}

async fn request_ids_are_kept_or_made_and_quoted_in_error_bodies(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let gw = f.gw();
    // Through a gateway node of the split, the key manager writes the body: the id
    // reached it.
    let (header, body) = refused_grant(gw, gw.gateway("/token"), Some("ci-run-42")).await;
    assert_eq!(header, "ci-run-42");
    assert_eq!(body["request_id"], "ci-run-42", "{body}");
    assert!(body["error"].is_string());
    for given in [None, Some("<script>alert(1)</script>"), Some("two words")] {
        let (header, body) = refused_grant(gw, gw.gateway("/token"), given).await;
        assert!(
            uuid::Uuid::parse_str(&header).is_ok(),
            "{given:?} gave {header}"
        );
        assert_eq!(body["request_id"], header.as_str());
    }
    let refused = gw
        .http
        .get(gw.gateway(&format!("{CONTEXT}/order/1")))
        .send()
        .await
        .unwrap();
    let id = refused.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["request_id"], id.as_str());
    // The backend sees the caller's id.
    let token = f.token("read").await;
    let res = gw
        .http
        .get(gw.gateway(&format!("{CONTEXT}/order/7")))
        .bearer_auth(&token)
        .header("x-request-id", "trace-to-backend")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-to-backend");
    let seen: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        seen["headers"]["x-request-id"], "trace-to-backend",
        "{seen}"
    );
}

crate::on_every_topology!(request_ids_are_kept_or_made_and_quoted_in_error_bodies);

#[test]
fn every_log_line_of_a_request_carries_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let offset = free_offset();
    let mut cmd = command(dir.path());
    cmd.env("PORTICO_SERVER__OFFSET", offset.to_string())
        .env("PORTICO_LOG__LEVEL", "info")
        .env("PORTICO_LOG__FORMAT", "json");
    let mut p = Portico::start(cmd);
    let res = reqwest::blocking::Client::new()
        .post(format!("http://127.0.0.1:{}/token", 8280 + offset))
        .header("x-request-id", "find-me-in-the-log")
        .form(&[("grant_type", "password")])
        .send()
        .unwrap();
    assert_eq!(res.status(), 401);
    p.wait_for("find-me-in-the-log");
    let line = p
        .output()
        .lines()
        .find(|l| l.contains("find-me-in-the-log"))
        .unwrap()
        .to_owned();
    let entry: serde_json::Value =
        serde_json::from_str(line.strip_prefix(LOG_LINE).unwrap()).unwrap();
    assert_eq!(entry["span"]["request_id"], "find-me-in-the-log", "{entry}");
    assert_eq!(entry["path"], "/token", "{entry}");
    p.terminate();
}

/// A stand-in OpenTelemetry collector: the bodies and content types of what it is sent.
async fn collector() -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>,
) {
    use axum::routing::post;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let store = seen.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| async move {
                let kind = headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                store.lock().unwrap().push((kind, body.to_vec()));
                ""
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_spans_are_exported_over_otlp_when_configured() {
    let (endpoint, seen) = collector().await;
    let dir = tempfile::tempdir().unwrap();
    let offset = free_offset();
    let mut cmd = command(dir.path());
    cmd.env("PORTICO_SERVER__OFFSET", offset.to_string())
        .env("PORTICO_TELEMETRY__OTLP_ENDPOINT", &endpoint)
        .env("PORTICO_TELEMETRY__SERVICE_NAME", "portico-under-test");
    let server = tokio::task::spawn_blocking(move || Portico::start(cmd))
        .await
        .unwrap();
    let res = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{}/health", 8280 + offset))
        .header("x-request-id", "otlp-trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Stopping flushes the batch.
    let status = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(status.success());
    let seen = seen.lock().unwrap();
    let contains = |body: &[u8], text: &str| body.windows(text.len()).any(|w| w == text.as_bytes());
    let traced = seen
        .iter()
        .find(|(_, body)| contains(body, "otlp-trace-me-42"));
    let (kind, body) = traced.expect("the request's span reached the collector");
    assert_eq!(kind, "application/x-protobuf");
    assert!(
        contains(body, "portico-under-test"),
        "the service name is on the spans"
    );
}
