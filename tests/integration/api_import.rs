//! OpenAPI import: the Swagger Petstore 3.0 sample becomes resources, parameters and
//! scopes; a re-import lists its changes before it applies; a document with problems
//! changes nothing.

use crate::on_both_backends;
use crate::support::{spawn_app, Backend, TestApp};
use portico::service::{ImportRequest, ServiceError};
use serde_json::{json, Value};

on_both_backends!(
    the_petstore_sample_imports_and_a_reimport_shows_its_changes,
    a_document_with_problems_changes_nothing,
);

pub const PETSTORE: &str = include_str!("../data/petstore-openapi-3.0.yaml");

fn petstore(api_id: Option<String>, document: String) -> ImportRequest {
    ImportRequest {
        api_id,
        context: "/petstore/v3".into(),
        backend_url: "http://127.0.0.1:9/v3".into(),
        document,
    }
}

async fn resources(app: &TestApp, id: &str) -> Vec<(String, String, String)> {
    let d = app.services.api_detail(id).await.unwrap();
    d.resources
        .into_iter()
        .map(|r| (r.method, r.path, r.scopes))
        .collect()
}

async fn the_petstore_sample_imports_and_a_reimport_shows_its_changes(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let s = &app.services;
    let req = petstore(None, PETSTORE.into());
    let plan = s.plan_import(&req).await.unwrap();
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    assert_eq!(
        plan.new_scopes,
        [
            ("read:pets".to_owned(), "read your pets".to_owned()),
            (
                "write:pets".to_owned(),
                "modify pets in your account".to_owned()
            )
        ]
    );
    assert!(plan.warnings.iter().any(|w| w.contains("any one of them")));
    let api = s.apply_import(&req, None).await.unwrap();
    assert_eq!(api.name, "Swagger Petstore - OpenAPI 3.0");
    assert_eq!(api.context, "/petstore/v3");
    assert_eq!(api.published, 0, "an import never publishes");
    let detail = s.api_detail(&api.id).await.unwrap();
    assert_eq!(detail.resources.len(), 19, "every operation of the sample");
    let get_pet = detail
        .resources
        .iter()
        .find(|r| r.method == "GET" && r.path == "/pet/{petId}")
        .unwrap();
    assert_eq!(get_pet.scopes, "read:pets write:pets");
    assert_eq!(get_pet.summary, "Find pet by ID.");
    let params: Value = serde_json::from_str(&get_pet.parameters).unwrap();
    assert_eq!(
        params,
        json!([{"name": "petId", "in": "path", "required": true, "description": "ID of pet to return"}])
    );
    let inventory = detail
        .resources
        .iter()
        .find(|r| r.path == "/store/inventory")
        .unwrap();
    assert_eq!(inventory.scopes, "", "api_key alone: any valid token");
    let scope = s.store.scopes_named(&["write:pets"]).await.unwrap();
    assert_eq!(scope[0].description, "modify pets in your account");

    // The next version of the document drops one operation, narrows another's scopes
    // and adds a third.
    let mut doc: Value = serde_norway::from_str(PETSTORE).unwrap();
    let paths = doc["paths"].as_object_mut().unwrap();
    paths.remove("/store/inventory");
    paths["/pet/findByStatus"]["get"]["security"] = json!([{"petstore_auth": ["read:pets"]}]);
    paths.insert("/pet/count".into(), json!({"get": {"summary": "How many"}}));
    let again = petstore(Some(api.id.clone()), doc.to_string());
    let plan = s.plan_import(&again).await.unwrap();
    let lines: Vec<String> = plan.changes.iter().map(|c| c.line()).collect();
    assert_eq!(
        lines,
        [
            "~ GET /pet/findByStatus: read:pets, write:pets → read:pets",
            "- GET /store/inventory",
            "+ GET /pet/count (any token)",
        ]
    );
    let stale = s.apply_import(&again, Some(&[api.revision - 1])).await;
    assert!(
        matches!(stale, Err(ServiceError::Stale("API"))),
        "{stale:?}"
    );
    assert_eq!(
        resources(&app, &api.id).await.len(),
        19,
        "a stale apply writes nothing"
    );
    let updated = s.apply_import(&again, Some(&[api.revision])).await.unwrap();
    assert_eq!(updated.revision, api.revision + 1);
    let now = resources(&app, &api.id).await;
    assert_eq!(now.len(), 19);
    assert!(now.contains(&("GET".into(), "/pet/findByStatus".into(), "read:pets".into())));
    assert!(!now.iter().any(|r| r.1 == "/store/inventory"));
    // The same document again changes nothing.
    assert!(s.plan_import(&again).await.unwrap().changes.is_empty());
}

async fn a_document_with_problems_changes_nothing(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let s = &app.services;
    let api = s
        .apply_import(&petstore(None, PETSTORE.into()), None)
        .await
        .unwrap();
    let before = resources(&app, &api.id).await;

    let broken = "openapi: 3.0.3\ninfo: {version: '1'}\npaths:\n  /a/{b}.json: {get: {}}\n";
    let req = petstore(Some(api.id.clone()), broken.into());
    let plan = s.plan_import(&req).await.unwrap();
    assert_eq!(plan.problems.len(), 2, "{:?}", plan.problems);
    let refused = s.apply_import(&req, None).await.unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("2 problem(s): info.title: missing"),
        "{refused}"
    );
    assert_eq!(resources(&app, &api.id).await, before);

    let not_yaml = petstore(None, "openapi: [unclosed".into());
    let plan = s.plan_import(&not_yaml).await.unwrap();
    assert!(
        plan.problems[0].starts_with("document: not valid YAML"),
        "{:?}",
        plan.problems
    );

    // A clash on the name and version is found only when writing: the new scope the
    // document declares is not left behind.
    let clash = json!({
        "openapi": "3.1.0",
        "info": {"title": "Swagger Petstore - OpenAPI 3.0", "version": api.version},
        "components": {"securitySchemes": {"o": {"type": "oauth2", "flows": {"implicit": {
            "authorizationUrl": "/a", "scopes": {"only:here": "x"}}}}}},
        "paths": {"/x": {"get": {"security": [{"o": ["only:here"]}]}}}
    });
    let req = ImportRequest {
        context: "/elsewhere".into(),
        ..petstore(None, clash.to_string())
    };
    assert!(matches!(
        s.apply_import(&req, None).await,
        Err(ServiceError::Invalid(_))
    ));
    assert!(s
        .store
        .scopes_named(&["only:here"])
        .await
        .unwrap()
        .is_empty());
    assert_eq!(s.apis(false).await.unwrap().len(), 1);
    let oversized = petstore(None, " ".repeat(portico::service::MAX_DOCUMENT_BYTES + 1));
    assert!(matches!(
        s.plan_import(&oversized).await,
        Err(ServiceError::Invalid(_))
    ));
}
