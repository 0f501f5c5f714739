use crate::service::Services;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

/// The process is up and serving.
pub async fn health() -> impl IntoResponse {
    Json(json!({"status": "ok"}))
}

/// The database answers, and so does the key manager where it is on another server;
/// load balancers route traffic here only then. Each dependency is named with its state.
pub async fn ready(State(services): State<Services>) -> impl IntoResponse {
    let database = services.store.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "readiness check failed");
        "database unreachable".to_owned()
    });
    let key_manager = match services.key_manager {
        crate::service::KeyManager::Local => None,
        crate::service::KeyManager::Remote(_) => Some(services.check_key_manager().await),
    };
    let state = |r: &Result<(), String>| match r {
        Ok(()) => json!({"status": "ok"}),
        Err(why) => json!({"status": "unavailable", "reason": why}),
    };
    let mut checks = json!({"database": state(&database)});
    if let Some(km) = &key_manager {
        checks["key_manager"] = state(km);
    }
    let failed = database
        .as_ref()
        .err()
        .or_else(|| key_manager.as_ref().and_then(|k| k.as_ref().err()));
    match failed {
        None => (
            StatusCode::OK,
            Json(json!({"status": "ready", "checks": checks})),
        ),
        Some(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unavailable", "reason": reason, "checks": checks})),
        ),
    }
}

/// The stylesheet is compiled into the binary so the portal is styled even where the
/// client bundle was never built.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../style/main.css"),
    )
}

pub async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../public/favicon.svg"),
    )
}
