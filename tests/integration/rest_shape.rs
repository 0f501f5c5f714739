//! REST API v1 as a whole: one error shape everywhere, and an OpenAPI 3.1 document that
//! names every route, validates, and needs nothing from outside.

use crate::on_both_backends;
use crate::support::rest::{answer, assert_error, user_token, Call, DEVELOPER};
use crate::support::{spawn_app, Backend};
use reqwest::Method;
use serde_json::{json, Value};

on_both_backends!(
    every_failure_has_one_json_shape,
    the_openapi_document_describes_every_route,
    the_reference_page_renders_every_operation_without_outside_help,
);

async fn the_reference_page_renders_every_operation_without_outside_help(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let doc: Value = app.get_json(app.portal("/api/v1/openapi.json")).await;
    let res = app.http.get(app.portal("/docs/api")).send().await.unwrap();
    assert_eq!(res.status(), 200, "public, like the document");
    let html = res.text().await.unwrap();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let heading = format!("<code>{} {path}</code>", method.to_uppercase());
            assert!(html.contains(&heading), "{heading} missing");
            operations += 1;
        }
    }
    assert!(operations >= 35, "{operations}");
    assert!(html.contains("Creates an API from an OpenAPI document"));
    assert!(html.contains("Scope: apim:api_manage"));
    assert!(html.contains("apim:admin</code></dt>"));
    for outside in ["src=\"http", "href=\"http", "cdn"] {
        assert!(
            !html.contains(outside),
            "nothing loaded from elsewhere: {outside}"
        );
    }
}

async fn every_failure_has_one_json_shape(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let token = user_token(&app, "ivy", false, DEVELOPER).await;
    let api = Call {
        app: &app,
        token: &token,
    };
    let (status, body) = api.get("/api/v1/nothing/here").await;
    assert_error(status, &body, 404, "not_found");
    let (status, _, body) = api.send(Method::PATCH, "/api/v1/applications", None).await;
    assert_error(status, &body, 405, "method_not_allowed");
    let raw = |content_type: &'static str, text: &'static str| {
        api.request(Method::POST, "/api/v1/applications")
            .header("content-type", content_type)
            .body(text)
            .send()
    };
    let (status, _, body) = answer(raw("application/json", "{\"name\":").await.unwrap()).await;
    assert_error(status, &body, 400, "invalid_body");
    let (status, _, body) = answer(raw("text/plain", "{\"name\":\"x\"}").await.unwrap()).await;
    assert_error(status, &body, 415, "unsupported_media_type");
    let (status, _, body) = answer(
        raw("application/json", "{\"name\":\"x\",\"owner\":\"root\"}")
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, 400, "invalid_body");
    // An oversized body is refused whole, in the same shape.
    let huge = format!("{{\"name\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let res = api
        .request(Method::POST, "/api/v1/applications")
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    let (status, _, body) = answer(res).await;
    assert_error(status, &body, 413, "payload_too_large");
    for query in ["limit=0", "limit=1000", "limit=many", "cursor=%25%25"] {
        let (status, body) = api.get(&format!("/api/v1/applications?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
    }
    // The body names the request id the response carries, or the caller's own.
    let res = api
        .request(Method::GET, "/api/v1/applications/missing")
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    let (status, headers, body) = answer(res).await;
    assert_eq!(
        (status, body["request_id"].as_str()),
        (404, Some("trace-me-42"))
    );
    assert_eq!(headers["x-request-id"], "trace-me-42");
}

/// `openapi-spec-validator` on the document, when installed (`.ci/run` installs it).
fn validate(doc: &Value) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let python = std::env::var("PORTICO_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = std::process::Command::new(&python)
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .expect("python runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("No module named") && std::env::var("CI").is_err() {
        eprintln!("openapi-spec-validator is not installed here; .ci/run installs it");
        return;
    }
    assert!(
        out.status.success(),
        "{}{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
}

async fn the_openapi_document_describes_every_route(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let res = app
        .http
        .get(app.portal("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let flow = &doc["components"]["securitySchemes"]["oauth2"]["flows"]["password"];
    assert_eq!(flow["tokenUrl"], "/oauth2/token");
    for scope in [
        "apim:app_manage",
        "apim:subscribe",
        "apim:api_manage",
        "apim:admin",
    ] {
        assert!(flow["scopes"][scope].is_string(), "{scope}");
    }
    validate(&doc);
    // Every documented operation exists and is guarded: without a token, 401, never
    // 404 or 405. (The router only takes routes through the document's own builder.)
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        let concrete = path
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else {
                continue;
            };
            operations += 1;
            assert!(
                op["security"][0]["oauth2"].is_array(),
                "{method} {path} names its scope"
            );
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let res = app
                .http
                .request(m, app.portal(&concrete))
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 401, "{method} {path}");
        }
    }
    assert!(operations >= 30, "{operations} operations");
    // And the other way round: a route outside the document does not exist.
    let res = app
        .http
        .get(app.portal("/api/v1/users"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}
