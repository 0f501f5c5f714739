//! Prometheus metrics: the process-wide recorder, what the HTTP layer records, and the
//! `/metrics` endpoint. The names are listed in `docs/operations.md`; the service layer
//! records its own (password-hash queue, throttle, token cache) with the same prefix.

use crate::service::Services;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Latency buckets in seconds: sub-millisecond gateway checks up to slow backends.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's recorder, installed on first use: metrics are process-wide, like the
/// log subscriber, so servers sharing a process (tests) share them.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
            .expect("the bucket list is not empty");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder (a test harness's) may already be installed; this one then
        // renders what it was given directly, which is nothing, and says so in a log.
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was installed elsewhere; /metrics stays empty");
        }
        handle
    })
}

/// Keeps histograms bounded between scrapes; one task per process is enough.
pub fn spawn_upkeep() -> tokio::task::JoinHandle<()> {
    tokio::spawn(async {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            handle().run_upkeep();
        }
    })
}

/// One token request decided on this node. `outcome` is `issued` or the RFC 6749 error
/// code; an unknown grant type is counted as `other`, so callers cannot add labels.
pub fn grant(grant_type: Option<&str>, outcome: &'static str, elapsed: Duration) {
    let grant_type = match grant_type {
        Some(g) if crate::domain::GrantType::parse(g).is_some() => g.to_owned(),
        _ => "other".to_owned(),
    };
    metrics::counter!("portico_grants_total", "grant_type" => grant_type.clone(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("portico_token_request_duration_seconds", "grant_type" => grant_type)
        .record(elapsed.as_secs_f64());
}

/// One gateway call: `api` is the API's id when the call was routed to one.
pub fn gateway_call(api: Option<&str>, status: StatusCode, elapsed: Duration) {
    let api = api.unwrap_or("-").to_owned();
    metrics::counter!("portico_gateway_requests_total", "api" => api.clone(), "status" => status.as_str().to_owned())
        .increment(1);
    metrics::histogram!("portico_gateway_request_duration_seconds", "api" => api)
        .record(elapsed.as_secs_f64());
}

/// One call to the key manager on another server.
pub fn key_manager_call(call: String, elapsed: Duration, failed: bool) {
    if failed {
        metrics::counter!("portico_key_manager_errors_total", "call" => call.clone()).increment(1);
    }
    metrics::histogram!("portico_key_manager_request_duration_seconds", "call" => call)
        .record(elapsed.as_secs_f64());
}

/// What `/metrics` needs: the pool to read, and the digest of the credential a scrape
/// must present (`[metrics] bearer_token`).
#[derive(Clone)]
pub struct MetricsEndpoint {
    pub services: Services,
    pub bearer_digest: Option<Arc<str>>,
}

fn presented(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// `GET /metrics`: Prometheus's text format.
pub async fn render(State(endpoint): State<MetricsEndpoint>, headers: HeaderMap) -> Response {
    if let Some(expected) = &endpoint.bearer_digest {
        let given = presented(&headers).unwrap_or_default();
        if !crate::crypto::digests_match(given, expected) {
            return super::gateway::challenge(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "the metrics need `Authorization: Bearer` with `[metrics] bearer_token`",
                None,
            );
        }
    }
    let pool = endpoint.services.store.pool_use();
    metrics::gauge!("portico_db_pool_connections", "state" => "idle").set(pool.idle as f64);
    metrics::gauge!("portico_db_pool_connections", "state" => "in_use").set(pool.in_use as f64);
    metrics::gauge!("portico_db_pool_max_connections").set(pool.max as f64);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        handle().render(),
    )
        .into_response()
}
