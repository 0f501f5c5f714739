//! A real backend for gateway tests: an HTTP server on a free port that echoes what it
//! received, streams large bodies, answers slowly or fails on demand.

use axum::body::{Body, Bytes};
use axum::extract::{Path, Request};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{any, get, post};
use axum::{Json, Router};
use futures_util::StreamExt;
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Backend {
    pub url: String,
}

/// What the backend saw, as JSON.
async fn echo(req: Request) -> impl IntoResponse {
    let headers: BTreeMap<String, String> = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    Json(serde_json::json!({
        "method": req.method().as_str(),
        "path": req.uri().path(),
        "query": req.uri().query(),
        "headers": headers,
    }))
}

/// Counts the bytes of a streamed upload without holding them.
async fn upload(body: Body) -> impl IntoResponse {
    let mut stream = body.into_data_stream();
    let (mut bytes, mut sum) = (0u64, 0u64);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        bytes += chunk.len() as u64;
        sum = chunk.iter().fold(sum, |s, b| s.wrapping_add(u64::from(*b)));
    }
    Json(serde_json::json!({ "bytes": bytes, "sum": sum }))
}

/// `n` MiB, streamed in 64 KiB chunks of the byte 7.
async fn download(Path(n): Path<u64>) -> impl IntoResponse {
    let chunk = Bytes::from(vec![7u8; 64 * 1024]);
    let stream = futures_util::stream::iter(
        (0..n * 16).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
    );
    Body::from_stream(stream)
}

async fn slow() -> impl IntoResponse {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "finally"
}

/// Tries to set the portal's session cookie beside one of its own.
async fn set_cookie() -> impl IntoResponse {
    (
        axum::response::AppendHeaders([
            ("set-cookie", "app=1; Path=/"),
            (
                "set-cookie",
                "__Host-portico_session=planted; Path=/; Secure",
            ),
        ]),
        "cookies",
    )
}

async fn fail() -> impl IntoResponse {
    (StatusCode::INTERNAL_SERVER_ERROR, "backend exploded")
}

impl Backend {
    pub async fn start() -> Backend {
        let app = Router::new()
            .route("/upload", post(upload))
            .route("/big/{n}", get(download))
            .route("/slow", get(slow))
            .route("/fail", get(fail))
            .route("/set-cookie", get(set_cookie))
            .fallback(any(echo));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Backend { url }
    }

    /// A URL where nothing listens: a port that was free a moment ago.
    pub fn unreachable() -> String {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    }
}
