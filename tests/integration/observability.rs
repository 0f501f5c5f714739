//! Prometheus metrics on their own listener: the text format parses, counters move, the
//! listener is off the public ones and can require a credential.
//!
//! Metrics are process-wide and tests run side by side in one process, so each check
//! reads a value before and after its own requests and asks for at least that much more.

use crate::support::app::{spawn_with, TestApp};
use crate::support::gateway::fixture;
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

crate::on_both_backends!(
    metrics_move_with_grants_and_gateway_calls,
    metrics_are_not_served_on_the_public_listeners,
);

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
