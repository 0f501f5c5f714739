//! A minimal, fast HTTP backend for the gateway benchmark: answers every request with a
//! small JSON body. Run: `cargo bench --features ssr --bench echo_backend -- --port=9000`.

use axum::Router;

#[tokio::main]
async fn main() {
    let port: u16 = std::env::args()
        .find_map(|a| a.strip_prefix("--port=").and_then(|p| p.parse().ok()))
        .unwrap_or(9000);
    let app = Router::new().fallback(|| async {
        (
            [("content-type", "application/json")],
            r#"{"pizza":"margherita","size":"large","price":9.5}"#,
        )
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the port is free");
    axum::serve(listener, app).await.expect("serve");
}
