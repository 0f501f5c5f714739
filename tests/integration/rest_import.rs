//! REST API v1: importing OpenAPI documents, dry runs, ETags and who may import.

use crate::api_import::PETSTORE;
use crate::on_both_backends;
use crate::support::rest::{assert_error, user_token, Call, DEVELOPER, EVERYTHING};
use crate::support::{spawn_app, Backend};
use reqwest::Method;
use serde_json::json;

on_both_backends!(a_document_is_dry_run_imported_and_reimported_over_rest);

async fn a_document_is_dry_run_imported_and_reimported_over_rest(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let root = user_token(&app, "root", true, EVERYTHING).await;
    let admin = Call {
        app: &app,
        token: &root,
    };
    let body = |dry_run: bool| json!({"document": PETSTORE, "context": "/petstore", "backend_url": "http://127.0.0.1:9", "dry_run": dry_run});
    let (status, dry) = admin
        .post("/api/v1/publisher/apis/import", body(true))
        .await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["applied"], false);
    assert_eq!(dry["changes"].as_array().unwrap().len(), 19);
    assert_eq!(dry["new_scopes"], json!(["read:pets", "write:pets"]));
    assert!(
        app.services.apis(false).await.unwrap().is_empty(),
        "a dry run writes nothing"
    );

    let (status, headers, done) = admin
        .send(
            Method::POST,
            "/api/v1/publisher/apis/import",
            Some(body(false)),
        )
        .await;
    assert_eq!(status, 201, "{done}");
    let id = done["api"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        headers["location"],
        format!("/api/v1/publisher/apis/{id}").as_str()
    );
    assert_eq!(done["api"]["resources"].as_array().unwrap().len(), 19);
    let etag = headers["etag"].to_str().unwrap().to_owned();

    // A re-import over a stale ETag is refused; over the current one it applies.
    let path = format!("/api/v1/publisher/apis/{id}/import");
    let small = json!({"document": r#"{"openapi": "3.1.0", "info": {"title": "Pets", "version": "2"},
        "paths": {"/pets": {"get": {}}}}"#});
    // A dry run names the revision it planned against, for `If-Match` on the real one.
    let mut planned = small.clone();
    planned["dry_run"] = json!(true);
    let (status, headers, _) = admin.send(Method::PUT, &path, Some(planned)).await;
    assert_eq!(status, 200);
    assert_eq!(headers["etag"].to_str().unwrap(), etag);
    let stale = admin
        .request(Method::PUT, &path)
        .header("if-match", "\"r999\"")
        .json(&small)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);
    let res = admin
        .request(Method::PUT, &path)
        .header("if-match", etag)
        .json(&small)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let outcome: serde_json::Value = res.json().await.unwrap();
    assert!(
        outcome["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "~ name: “Swagger Petstore - OpenAPI 3.0” → “Pets”"),
        "{outcome}"
    );
    assert_eq!(outcome["api"]["resources"].as_array().unwrap().len(), 1);
    assert_eq!(
        outcome["api"]["context"], "/petstore",
        "an empty context keeps the API's"
    );

    let broken = json!({"document": "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", "context": "/x"});
    let (status, err) = admin
        .post("/api/v1/publisher/apis/import", broken.clone())
        .await;
    assert_error(status, &err, 400, "invalid_request");
    assert!(
        err["message"].as_str().unwrap().contains("Swagger 2.0"),
        "{err}"
    );

    let dev_token = user_token(&app, "dev", false, DEVELOPER).await;
    let dev = Call {
        app: &app,
        token: &dev_token,
    };
    let (status, err) = dev.post("/api/v1/publisher/apis/import", body(true)).await;
    assert_error(status, &err, 403, "insufficient_scope");
    let (status, err) = admin
        .post("/api/v1/publisher/apis/missing/import", broken)
        .await;
    assert_eq!(status, 405, "{err}");
}
