//! A reference for the gateway benchmark: the smallest reverse proxy built from the same
//! parts as Portico's gateway (axum on tokio's multi-threaded runtime, mimalloc, hyper's
//! pooled client with `TCP_NODELAY`), with no token, route or subscription checks. What
//! it costs per call is what those parts cost; the rest of the gateway's cost is
//! Portico's own.
//! Run: `cargo bench --features ssr --bench plain_proxy -- --port=9001 --backend=http://127.0.0.1:9000`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Clone)]
struct Upstream {
    client: Client<HttpConnector, Body>,
    base: String,
}

async fn forward(State(up): State<Upstream>, req: Request) -> Response {
    let (mut parts, body) = req.into_parts();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let Ok(uri) = Uri::try_from(format!("{}{path}", up.base)) else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    parts.uri = uri;
    parts.headers.remove("host");
    match up.client.request(Request::from_parts(parts, body)).await {
        Ok(answer) => answer.map(Body::new),
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

#[tokio::main]
async fn main() {
    let arg = |name: &str| std::env::args().find_map(|a| a.strip_prefix(name).map(str::to_owned));
    let port: u16 = arg("--port=").and_then(|p| p.parse().ok()).unwrap_or(9001);
    let base = arg("--backend=").unwrap_or_else(|| "http://127.0.0.1:9000".into());
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    let client = Client::builder(TokioExecutor::new()).build(http);
    let app = Router::new()
        .fallback(forward)
        .with_state(Upstream { client, base });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the port is free");
    axum::serve(listener, app).await.expect("serve");
}
