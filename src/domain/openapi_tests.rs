use super::openapi::{read, Param, MAX_DESCRIPTION};
use serde_json::json;

fn doc(paths: serde_json::Value) -> serde_json::Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Pets", "version": "2.1"},
        "servers": [{"url": "https://pets.example.com/v2/"}],
        "components": {"securitySchemes": {
            "oauth": {"type": "oauth2", "flows": {"clientCredentials": {
                "tokenUrl": "/token",
                "scopes": {"pets:read": "Read pets", "pets:write": "Change pets"}
            }}},
            "key": {"type": "apiKey", "name": "k", "in": "header"}
        }},
        "paths": paths
    })
}

#[test]
fn operations_become_resources_with_parameters_and_scopes() {
    let spec = read(&doc(json!({
        "/pets/{pet-id}": {
            "parameters": [{"name": "pet-id", "in": "path", "required": true, "description": "Which pet"}],
            "get": {"summary": "One pet", "security": [{"oauth": ["pets:read"]}, {"key": []}],
                    "parameters": [{"name": "fields", "in": "query"}]},
            "delete": {"operationId": "deletePet", "security": [{"oauth": ["pets:write", "pets:read"]}]}
        }
    })))
    .unwrap();
    assert_eq!(spec.title, "Pets");
    assert_eq!(
        spec.server_url.as_deref(),
        Some("https://pets.example.com/v2")
    );
    assert_eq!(spec.declared_scopes.len(), 2);
    let get = &spec.resources[1];
    assert_eq!(
        (get.method.as_str(), get.path.as_str()),
        ("GET", "/pets/{pet_id}")
    );
    assert_eq!(get.summary, "One pet");
    assert_eq!(get.scopes, ["pets:read"]);
    assert_eq!(
        get.parameters,
        [
            Param {
                name: "pet_id".into(),
                location: "path".into(),
                required: true,
                description: "Which pet".into()
            },
            Param {
                name: "fields".into(),
                location: "query".into(),
                required: false,
                description: String::new()
            },
        ]
    );
    let delete = &spec.resources[0];
    assert_eq!(
        delete.summary, "deletePet",
        "operationId stands in for a missing summary"
    );
    assert_eq!(delete.scopes, ["pets:read", "pets:write"]);
    assert!(
        spec.warnings.iter().any(|w| w.contains("any one of them")),
        "{:?}",
        spec.warnings
    );
}

#[test]
fn every_problem_is_listed_at_once() {
    let mut bad = doc(json!({
        "/files/{name}.json": {"get": {}},
        "/ok": {"get": {"security": [{"nope": []}], "parameters": [{"$ref": "#/components/parameters/Missing"}]},
                "trace": {}}
    }));
    bad["info"]["title"] = json!("");
    let problems = read(&bad).unwrap_err();
    let has = |s: &str| problems.iter().any(|p| p.contains(s));
    assert!(has("info.title: missing"), "{problems:?}");
    assert!(
        has("paths./files/{name}.json: the gateway cannot route it"),
        "{problems:?}"
    );
    assert!(has("undeclared security scheme nope"), "{problems:?}");
    assert!(has("$ref #/components/parameters/Missing"), "{problems:?}");
    assert!(
        has("paths./ok.trace: the gateway does not route this method"),
        "{problems:?}"
    );
}

#[test]
fn other_documents_are_refused_with_a_reason() {
    let swagger = json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}});
    assert!(read(&swagger).unwrap_err()[0].contains("Swagger 2.0"));
    let four = json!({"openapi": "4.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {}}}});
    assert!(read(&four).unwrap_err()[0].contains("not 3.0 or 3.1"));
    assert!(read(&json!([1, 2])).unwrap_err()[0].contains("not an OpenAPI document"));
    let empty = doc(json!({}));
    assert_eq!(
        read(&empty).unwrap_err(),
        ["paths: the document describes no operations"]
    );
}

#[test]
fn long_descriptions_are_cut_with_a_warning() {
    let mut d = doc(json!({"/a": {"get": {}}}));
    d["info"]["description"] = json!("x".repeat(5000));
    let spec = read(&d).unwrap();
    assert_eq!(spec.description.chars().count(), MAX_DESCRIPTION);
    assert!(spec.description.ends_with("x\n…"));
    assert!(spec.warnings[0].contains("cut to 4096"));
    // At the last line break, so no link is left half written.
    let text = format!(
        "{}\n[a link](https://example.com/{})",
        "y".repeat(3000),
        "z".repeat(2000)
    );
    d["info"]["description"] = json!(text);
    let spec = read(&d).unwrap();
    assert_eq!(spec.description, format!("{}\n…", "y".repeat(3000)));
}
