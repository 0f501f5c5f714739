//! `portico api …`, `portico app subscribe` and `portico user roles` as scripts use them.

use crate::support::process::admin_json;

/// User `dev`, made with the CLI in `d`.
fn dev(d: &std::path::Path) {
    let create = [
        "user",
        "create",
        "--username",
        "dev",
        "--password-stdin",
        "--json",
    ];
    admin_json(d, &create, "dev-password-1\n");
}

#[test]
fn admin_commands_script_apis_resources_subscriptions_and_roles_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    dev(d);
    let scope = [
        "scope",
        "create",
        "update",
        "--display-name",
        "Update orders",
        "--roles",
        "chef,ops",
        "--json",
    ];
    let scope = admin_json(d, &scope, "");
    assert_eq!(scope["roles"], "chef ops");
    assert_eq!(scope["display_name"], "Update orders");

    let api = admin_json(
        d,
        &[
            "api",
            "create",
            "--name",
            "PizzaShack",
            "--version",
            "1.0.0",
            "--context",
            "/pizzashack/1.0.0",
            "--backend",
            "http://127.0.0.1:9/api/",
            "--publish",
            "--json",
        ],
        "",
    );
    let id = api["id"].as_str().unwrap().to_owned();
    assert_eq!(api["published"], true);
    assert_eq!(api["backend_url"], "http://127.0.0.1:9/api");
    let resource = admin_json(
        d,
        &[
            "api",
            "resource",
            "--api",
            &id,
            "--method",
            "put",
            "--path",
            "/order/{orderId}",
            "--scopes",
            "update",
            "--json",
        ],
        "",
    );
    assert_eq!(resource["method"], "PUT");
    assert_eq!(resource["scopes"], serde_json::json!(["update"]));

    let app = admin_json(
        d,
        &[
            "app", "create", "--owner", "dev", "--name", "Shop", "--json",
        ],
        "",
    );
    let app_id = app["id"].as_str().unwrap();
    let sub = admin_json(
        d,
        &["app", "subscribe", "--app", app_id, "--api", &id, "--json"],
        "",
    );
    assert_eq!(sub["subscribed"], true);
    let roles = admin_json(d, &["user", "roles", "dev", "--set", "chef", "--json"], "");
    assert_eq!(roles["roles"], serde_json::json!(["chef"]));

    let off = admin_json(d, &["api", "unpublish", &id, "--json"], "");
    assert_eq!(off["published"], false);
    let list = admin_json(d, &["api", "list", "--json"], "");
    assert_eq!(list[0]["resources"][0]["path"], "/order/{orderId}");
    assert_eq!(list[0]["published"], false);
}

#[test]
fn keys_generate_chooses_the_token_type_and_defaults_to_the_configured_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    dev(d);
    let app = |name: &str| {
        let args = ["app", "create", "--owner", "dev", "--name", name, "--json"];
        admin_json(d, &args, "")["id"].as_str().unwrap().to_owned()
    };
    let (first, second) = (app("Opaque"), app("Signed"));
    let plain = admin_json(d, &["keys", "generate", "--app", &first, "--json"], "");
    assert_eq!(plain["token_type"], "opaque", "the default default");
    let args = [
        "keys",
        "generate",
        "--app",
        &second,
        "--token-type",
        "jwt",
        "--json",
    ];
    assert_eq!(admin_json(d, &args, "")["token_type"], "jwt");
    // The configured default decides when the command does not.
    std::fs::write(
        d.join("deployment.toml"),
        "[oauth]\ndefault_token_type = \"jwt\"\n",
    )
    .unwrap();
    let third = app("Configured");
    let args = [
        "keys", "generate", "--app", &third, "--type", "sandbox", "--json",
    ];
    assert_eq!(admin_json(d, &args, "")["token_type"], "jwt");
}

#[test]
fn keys_generate_registers_callback_urls_and_public_clients() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    dev(d);
    let args = [
        "app", "create", "--owner", "dev", "--name", "Phone", "--json",
    ];
    let app = admin_json(d, &args, "")["id"].as_str().unwrap().to_owned();
    let keys = admin_json(
        d,
        &[
            "keys",
            "generate",
            "--app",
            &app,
            "--grant-types",
            "authorization_code,refresh_token",
            "--callback-url",
            "com.example.phone:/callback",
            "--callback-url",
            "http://127.0.0.1/cb",
            "--public-client",
            "--json",
        ],
        "",
    );
    assert_eq!(keys["public_client"], true);
    assert_eq!(keys["consumer_secret"], "", "no secret for a public client");
    assert_eq!(
        keys["callback_urls"],
        serde_json::json!(["com.example.phone:/callback", "http://127.0.0.1/cb"])
    );
    // A callback URL that could leak codes is refused, naming the rule.
    let out = crate::support::process::command(d)
        .args([
            "keys",
            "generate",
            "--app",
            &app,
            "--type",
            "sandbox",
            "--grant-types",
            "authorization_code",
        ])
        .args(["--callback-url", "http://client.example/cb", "--json"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("https"));
}

#[test]
fn api_import_dry_runs_applies_and_refuses_a_broken_document() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let doc = d.join("petstore.yaml");
    std::fs::write(&doc, crate::api_import::PETSTORE).unwrap();
    let doc = doc.to_str().unwrap();
    let base = [
        "api",
        "import",
        doc,
        "--context",
        "/petstore",
        "--backend",
        "http://127.0.0.1:9",
    ];
    let dry = admin_json(d, &[&base[..], &["--dry-run", "--json"]].concat(), "");
    assert_eq!(dry["applied"], false);
    assert_eq!(dry["changes"].as_array().unwrap().len(), 19);
    let done = admin_json(d, &[&base[..], &["--json"]].concat(), "");
    assert_eq!(done["applied"], true);
    assert_eq!(
        done["new_scopes"],
        serde_json::json!(["read:pets", "write:pets"])
    );
    let id = done["id"].as_str().unwrap().to_owned();
    let listed = admin_json(d, &["api", "list", "--json"], "");
    assert_eq!(listed[0]["resources"].as_array().unwrap().len(), 19);

    let broken = d.join("broken.json");
    std::fs::write(
        &broken,
        r#"{"openapi": "3.0.0", "info": {"version": "1"}, "paths": {}}"#,
    )
    .unwrap();
    let out = crate::support::process::command(d)
        .args(["api", "import", broken.to_str().unwrap(), "--api", &id])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("✗ info.title: missing"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was applied"));
    let listed = admin_json(d, &["api", "list", "--json"], "");
    assert_eq!(
        listed[0]["resources"].as_array().unwrap().len(),
        19,
        "unchanged"
    );
}
