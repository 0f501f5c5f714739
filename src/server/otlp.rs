//! Optional trace export over OTLP/HTTP (`[telemetry] otlp_endpoint`): the spans of the
//! log (each request's span with its `request_id`, and what runs inside it) become
//! OpenTelemetry spans, batched and sent on the tokio runtime with the same hyper and
//! rustls client as the rest of Portico. Off by default; nothing is exported unless set.

use super::config::TelemetryConfig;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::runtime::Tokio;
use opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use opentelemetry_sdk::Resource;
use std::sync::OnceLock;
use std::time::Duration;
use tracing_subscriber::registry::LookupSpan;

/// The exporting provider, kept to flush what is batched when the server stops.
static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// A layer exporting spans to `config.otlp_endpoint`, or `None` when it is not set.
pub fn layer<S>(
    config: &TelemetryConfig,
) -> Result<Option<tracing_opentelemetry::OpenTelemetryLayer<S, SdkTracer>>, String>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    let endpoint = config.otlp_endpoint.trim();
    if endpoint.is_empty() {
        return Ok(None);
    }
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .map_err(|e| e.to_string())?
        .https_or_http()
        .enable_http1()
        .build();
    let client =
        opentelemetry_http::hyper::HyperClient::new(connector, Duration::from_secs(10), None);
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(client)
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(endpoint)
        .build()
        .map_err(|e| format!("`telemetry.otlp_endpoint`: {e}"))?;
    let provider = SdkTracerProvider::builder()
        .with_span_processor(BatchSpanProcessor::builder(exporter, Tokio).build())
        .with_resource(
            Resource::builder()
                .with_service_name(config.service_name.clone())
                .build(),
        )
        .build();
    let tracer = provider.tracer("portico");
    let _ = PROVIDER.set(provider);
    Ok(Some(tracing_opentelemetry::layer().with_tracer(tracer)))
}

/// Sends what is still batched; called once the listeners have stopped.
pub fn flush() {
    if let Some(provider) = PROVIDER.get() {
        if let Err(e) = provider.shutdown() {
            tracing::warn!(error = %e, "the last spans could not be exported");
        }
    }
}
