//! Logging: human-readable or JSON lines, and one line per request that names the method,
//! the path (never the query string, which may carry credentials), status and latency.

use super::config::{LogConfig, LogFormat, TelemetryConfig};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Installs the global subscriber once; later calls (tests) are no-ops. With
/// `[telemetry] otlp_endpoint` set, spans at `info` and above are also exported,
/// whatever the log's own level.
pub fn init(config: &LogConfig, telemetry: &TelemetryConfig) -> Result<(), String> {
    let mut filter = EnvFilter::try_new(&config.level).unwrap_or_else(|_| EnvFilter::new("info"));
    // PostgreSQL's notice that the migrations table exists, on every start and command,
    // says nothing an operator needs; a level set for sqlx itself still wins.
    if !config.level.contains("sqlx") {
        if let Ok(quiet) = "sqlx::postgres::notice=warn".parse() {
            filter = filter.add_directive(quiet);
        }
    }
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let fmt = match config.format {
        LogFormat::Human => fmt.boxed(),
        LogFormat::Json => fmt.json().flatten_event(true).boxed(),
    };
    let export = super::otlp::layer(telemetry)?
        .map(|layer| layer.with_filter(tracing_subscriber::filter::LevelFilter::INFO));
    let _ = tracing_subscriber::registry()
        .with(fmt.with_filter(filter))
        .with(export)
        .try_init();
    Ok(())
}

pub async fn log_request(req: Request, next: Next) -> Response {
    // Below `info` (benchmarks, busy gateways) a request costs no copy of its path.
    if !tracing::enabled!(target: "portico::http", tracing::Level::INFO) {
        return next.run(req).await;
    }
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    // Nodes check their key manager every two seconds; those checks would drown the log.
    if path == "/internal/v1/check" && response.status().is_success() {
        return response;
    }
    tracing::info!(
        target: "portico::http",
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_ms = format!("{:.2}", started.elapsed().as_secs_f64() * 1000.0),
        "request"
    );
    response
}
