//! What an operator watches: Prometheus metrics on their own listener, and request ids
//! in responses, error bodies, backend calls, calls to the key manager and the log.
//!
//! Metrics are process-wide and tests run side by side in one process, so each check
//! reads a value before and after its own requests and asks for at least that much more.

use crate::support::app::{free_offset, spawn_with, TestApp};
use crate::support::gateway::{fixture, CONTEXT};
use crate::support::process::{command, Portico, LOG_LINE};
use crate::support::Backend;
use prometheus_parse::{Scrape, Value};

fn metrics_url(app: &TestApp) -> String {
    format!("http://127.0.0.1:{}/metrics", app.ports.metrics)
}

async fn scrape(app: &TestApp) -> Scrape {
    let res = app.http.get(metrics_url(app)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = res.text().await.unwrap();
    Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("the text format parses")
}

/// The sum of `name`'s samples carrying `labels` (a histogram counts its observations).
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            Value::Histogram(buckets) => buckets.iter().map(|b| b.count).fold(0.0, f64::max),
            Value::Summary(_) => panic!("{name} is a summary, not a histogram"),
        })
        .sum()
}

async fn metrics_move_with_grants_and_gateway_calls(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let app = &f.app;
    let before = scrape(app).await;
    let token = f.token("read").await;
    let wrong = app
        .password_grant(&f.client, "dev", "not-the-password")
        .await;
    assert_eq!(wrong.status(), 400);
    for _ in 0..3 {
        let res = f.call("GET", "/order/1", Some(&token)).await;
        assert_eq!(res.status(), 200);
    }
    assert_eq!(f.call("GET", "/order/1", None).await.status(), 401);
    let after = scrape(app).await;
    let grew = |name: &str, labels: &[(&str, &str)], by: f64| {
        let (was, is) = (value(&before, name, labels), value(&after, name, labels));
        assert!(
            is - was >= by,
            "{name}{labels:?}: {was} -> {is}, expected +{by}"
        );
    };
    let password = ("grant_type", "password");
    grew(
        "portico_grants_total",
        &[password, ("outcome", "issued")],
        1.0,
    );
    grew(
        "portico_grants_total",
        &[password, ("outcome", "invalid_grant")],
        1.0,
    );
    grew("portico_token_request_duration_seconds", &[password], 2.0);
    grew("portico_password_hash_wait_seconds", &[], 2.0);
    let api = ("api", f.api_id.as_str());
    grew(
        "portico_gateway_requests_total",
        &[api, ("status", "200")],
        3.0,
    );
    grew(
        "portico_gateway_requests_total",
        &[("api", "-"), ("status", "401")],
        1.0,
    );
    grew("portico_gateway_request_duration_seconds", &[api], 3.0);
    grew(
        "portico_token_cache_lookups_total",
        &[("result", "hit")],
        2.0,
    );
    grew(
        "portico_token_cache_lookups_total",
        &[("result", "miss")],
        1.0,
    );
    assert!(value(&after, "portico_db_pool_max_connections", &[]) >= 1.0);
    let pool =
        ["idle", "in_use"].map(|s| value(&after, "portico_db_pool_connections", &[("state", s)]));
    assert!(pool.iter().sum::<f64>() >= 1.0, "{pool:?}");
    // Buckets, not quantiles: a histogram, as scrapers aggregate across nodes.
    assert!(after.samples.iter().any(|s| {
        s.metric == "portico_gateway_request_duration_seconds"
            && matches!(s.value, Value::Histogram(_))
    }));
}

async fn metrics_are_not_served_on_the_public_listeners(b: Backend) {
    let Some(app) = spawn_with(b, |_| {}).await else {
        return;
    };
    for url in [
        app.portal("/metrics"),
        app.gateway("/metrics"),
        app.gateway_http("/metrics"),
    ] {
        let res = app.http.get(&url).send().await.unwrap();
        assert_eq!(res.status(), 404, "{url}");
    }
}

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

crate::on_both_backends!(
    metrics_move_with_grants_and_gateway_calls,
    metrics_are_not_served_on_the_public_listeners,
);
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

#[tokio::test]
async fn a_metrics_bearer_token_is_required_once_set() {
    let secret = "scrape-credential-0123456789";
    let app = spawn_with(Backend::Sqlite, |c| {
        c.metrics.bearer_token = Some(portico::server::config::ConfigSecret(secret.into()));
    })
    .await
    .unwrap();
    let url = metrics_url(&app);
    let bare = app.http.get(&url).send().await.unwrap();
    assert_eq!(bare.status(), 401);
    assert!(bare.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    let wrong = app
        .http
        .get(&url)
        .bearer_auth("scrape-credential-0123456780");
    assert_eq!(wrong.send().await.unwrap().status(), 401);
    let right = app.http.get(&url).bearer_auth(secret).send().await.unwrap();
    assert_eq!(right.status(), 200);
    assert!(right
        .text()
        .await
        .unwrap()
        .contains("portico_db_pool_max_connections"));
}

#[tokio::test]
async fn metrics_can_be_switched_off() {
    let app = spawn_with(Backend::Sqlite, |c| c.metrics.enabled = false)
        .await
        .unwrap();
    assert!(app.http.get(metrics_url(&app)).send().await.is_err());
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
