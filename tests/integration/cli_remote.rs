//! `portico --server URL` with a token: the admin commands on another node through its
//! REST API, with the token's rights, the node's certificate verified, and the same
//! output as on the node's own database.

use crate::on_both_backends;
use crate::support::process::{command, run_fed};
use crate::support::rest::{user_token, DEVELOPER, EVERYTHING, PASSWORD};
use crate::support::{spawn_app, Backend, TestApp};
use serde_json::{json, Value};

on_both_backends!(
    an_administrator_manages_a_remote_node_with_its_token,
    a_developer_gets_keys_remotely_and_only_within_their_rights,
);

/// `portico --server` runs against `app` as the bearer of `token`.
struct Remote<'a> {
    app: &'a TestApp,
    token: String,
    dir: tempfile::TempDir,
}

impl<'a> Remote<'a> {
    fn new(app: &'a TestApp, token: String) -> Self {
        let dir = tempfile::tempdir().unwrap();
        Remote { app, token, dir }
    }

    async fn run_with(&self, server: &str, trust: bool, args: &[&str], stdin: &str) -> Output {
        let mut cmd = command(self.dir.path());
        cmd.arg("--server").arg(server).args(args);
        cmd.env("PORTICO_TOKEN", &self.token);
        if trust {
            cmd.arg("--ca-cert").arg(&self.app.tls.cert);
        }
        let stdin = stdin.to_owned();
        let out = tokio::task::spawn_blocking(move || run_fed(cmd, &stdin))
            .await
            .unwrap();
        Output {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    async fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.run_with(&self.app.portal(""), true, args, stdin).await
    }

    /// The `--json` answer of a command that must succeed.
    async fn json(&self, args: &[&str], stdin: &str) -> Value {
        let out = self.run(args, stdin).await;
        assert!(out.ok, "{args:?} failed: {}", out.stderr);
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    /// The error of a command that must fail.
    async fn refused(&self, args: &[&str]) -> String {
        let out = self.run(args, "").await;
        assert!(!out.ok, "{args:?} succeeded: {}", out.stdout);
        out.stderr
    }
}

struct Output {
    ok: bool,
    stdout: String,
    stderr: String,
}

async fn an_administrator_manages_a_remote_node_with_its_token(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let root = Remote::new(&app, user_token(&app, "root", true, EVERYTHING).await);
    let gina = ["user", "create", "--username", "gina", "--password-stdin"];
    let user = root
        .json(&[&gina[..], &["--json"]].concat(), "gina-password-1\n")
        .await;
    assert_eq!(user, json!({"username": "gina", "admin": false}));
    let made = app.services.user("gina").await.unwrap();
    assert_eq!(
        made.must_change_password, 1,
        "REST accounts change it first"
    );
    let roles = ["user", "roles", "gina", "--set", "kitchen,bar", "--json"];
    assert_eq!(
        root.json(&roles, "").await["roles"],
        json!(["bar", "kitchen"])
    );
    assert_eq!(
        root.json(&["user", "lock", "gina", "--json"], "").await["locked"],
        true
    );
    assert_eq!(app.services.user("gina").await.unwrap().locked, 1);

    // Text output is the local command's.
    let scope = ["scope", "create", "update", "--roles", "chef,ops"];
    let out = root.run(&scope, "").await;
    assert_eq!((out.ok, out.stdout.trim()), (true, "Created scope update"));
    let again = root.refused(&scope).await;
    assert!(
        again.contains("400 invalid_request, field `name`"),
        "{again}"
    );
    assert!(again.contains("request id"), "{again}");

    let api = root
        .json(
            &[
                "api",
                "create",
                "--name",
                "Shop",
                "--version",
                "1",
                "--context",
                "/shop/1",
                "--backend",
                "http://127.0.0.1:9/api",
                "--publish",
                "--json",
            ],
            "",
        )
        .await;
    assert_eq!(
        (api["published"].clone(), api["context"].clone()),
        (json!(true), json!("/shop/1"))
    );
    let id = api["id"].as_str().unwrap();
    let resource = [
        "api",
        "resource",
        "--api",
        id,
        "--method",
        "put",
        "--path",
        "/order/{id}",
        "--scopes",
        "update",
        "--json",
    ];
    let resource = root.json(&resource, "").await;
    assert_eq!(
        (resource["method"].clone(), resource["scopes"].clone()),
        (json!("PUT"), json!(["update"]))
    );

    let doc = root.dir.path().join("petstore.yaml");
    std::fs::write(&doc, crate::api_import::PETSTORE).unwrap();
    let doc = doc.to_str().unwrap();
    let import = [
        "api",
        "import",
        doc,
        "--context",
        "/petstore/v3",
        "--backend",
        "http://127.0.0.1:9",
        "--json",
    ];
    let dry = root.json(&[&import[..], &["--dry-run"]].concat(), "").await;
    assert_eq!(dry["applied"], false);
    assert_eq!(dry["changes"].as_array().unwrap().len(), 19, "{dry}");
    assert!(
        app.services.apis(false).await.unwrap().len() == 1,
        "a dry run writes nothing"
    );
    let done = root.json(&import, "").await;
    assert_eq!(done["applied"], true);
    let pets = done["id"].as_str().unwrap();
    // A re-import is planned and applied against the same revision: nothing changes.
    let again = ["api", "import", doc, "--api", pets, "--json"];
    let again = root.json(&again, "").await;
    assert_eq!(
        (again["applied"].clone(), again["changes"].clone()),
        (json!(true), json!([]))
    );

    let list = root.json(&["api", "list", "--json"], "").await;
    let contexts: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["context"].as_str().unwrap())
        .collect();
    assert_eq!(contexts.len(), 2, "{contexts:?}");
    assert!(contexts.contains(&"/petstore/v3") && contexts.contains(&"/shop/1"));
    assert_eq!(
        root.json(&["api", "unpublish", id, "--json"], "").await["published"],
        false
    );

    assert!(root.run(&["settings", "self-signup", "on"], "").await.ok);
    assert_eq!(
        root.json(&["settings", "show", "--json"], "").await["self_signup"],
        true
    );
    // The audit log names the token's user, not `cli`.
    let audit = root.json(&["audit", "--action", "api", "--json"], "").await;
    let events = audit.as_array().unwrap();
    assert!(events.len() >= 4, "{audit}");
    assert!(events.iter().all(|e| e["actor"] == "root"), "{audit}");
    let bad = root.refused(&["audit", "--since", "yesterday"]).await;
    assert!(bad.contains("field `since`"), "{bad}");
}

async fn a_developer_gets_keys_remotely_and_only_within_their_rights(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let root = user_token(&app, "root", true, EVERYTHING).await;
    let dev = Remote::new(&app, user_token(&app, "dev", false, DEVELOPER).await);
    let shop = dev
        .json(&["app", "create", "--name", "Shop", "--json"], "")
        .await;
    assert!(shop.get("owner").is_none(), "{shop}");
    let shop = shop["id"].as_str().unwrap().to_owned();
    let owned = app.services.store.application(&shop).await.unwrap();
    assert_eq!(owned.owner_id, app.services.user("dev").await.unwrap().id);
    let keys = [
        "keys",
        "generate",
        "--app",
        &shop,
        "--grant-types",
        "password",
        "--json",
    ];
    let keys = dev.json(&keys, "").await;
    assert_eq!(keys["grant_types"], json!(["password"]));
    let client = crate::support::app::Client {
        app_id: shop.clone(),
        id: keys["consumer_key"].as_str().unwrap().into(),
        secret: keys["consumer_secret"].as_str().unwrap().into(),
    };
    let granted = app.password_grant(&client, "dev", PASSWORD).await;
    assert_eq!(granted.status(), 200, "the printed credentials work");
    let renewed = dev
        .json(
            &[
                "keys",
                "regenerate-secret",
                "--app",
                &shop,
                "--type",
                "production",
                "--json",
            ],
            "",
        )
        .await;
    assert_ne!(renewed["consumer_secret"], keys["consumer_secret"]);

    // Rights are the token's: no admin area, no one else's application, no owner.
    let denied = dev.refused(&["scope", "create", "extra"]).await;
    assert!(denied.contains("403 insufficient_scope"), "{denied}");
    let other = Remote::new(&app, root);
    let theirs = other
        .json(&["app", "create", "--name", "Theirs", "--json"], "")
        .await;
    let theirs = theirs["id"].as_str().unwrap();
    let hidden = dev.refused(&["keys", "generate", "--app", theirs]).await;
    assert!(hidden.contains("404 not_found"), "{hidden}");
    let owner = dev
        .refused(&["app", "create", "--owner", "root", "--name", "X"])
        .await;
    assert!(owner.contains("leave out --owner"), "{owner}");
    let pw = dev
        .refused(&["user", "set-password", "dev", "--password-stdin"])
        .await;
    assert!(pw.contains("on a node without --server"), "{pw}");
    for local_only in [&["signing-key", "list"][..], &["migrate"], &["export"]] {
        let e = dev.refused(local_only).await;
        assert!(e.contains("node"), "{local_only:?}: {e}");
    }

    // The node's certificate is verified; plain HTTP only on loopback; a token is needed.
    let portal = app.portal("");
    let untrusted = dev
        .run_with(&portal, false, &["settings", "show"], "")
        .await;
    assert!(
        !untrusted.ok && untrusted.stderr.contains("--ca-cert"),
        "{}",
        untrusted.stderr
    );
    let clear = dev
        .run_with("http://portal.example.com:9763", true, &["api", "list"], "")
        .await;
    assert!(
        !clear.ok && clear.stderr.contains("in the clear"),
        "{}",
        clear.stderr
    );
    let anonymous = Remote::new(&app, String::new());
    let e = anonymous.refused(&["api", "list"]).await;
    assert!(e.contains("PORTICO_TOKEN"), "{e}");
    let forged = Remote::new(&app, "not-a-token".into());
    let e = forged.refused(&["api", "list"]).await;
    assert!(e.contains("401"), "{e}");
}
