//! The portal with JavaScript off: an admin uploads an OpenAPI document, reads the
//! preview and applies it; a developer reads the API's page, subscribes and uses Try It
//! through the gateway.

use crate::api_import::PETSTORE;
use crate::on_both_backends;
use crate::support::backend::Backend as Echo;
use crate::support::browser::Browser;
use crate::support::{spawn_app, Backend, TestApp};
use secrecy::SecretString;

on_both_backends!(
    an_admin_imports_and_a_developer_tries_the_api,
    only_admins_import_and_only_their_own_drafts,
);

async fn signed_in(app: &TestApp, user: &str, admin: bool) -> Browser {
    let pw = format!("{user}-password-1");
    app.services
        .create_user(user, None, &SecretString::from(pw.clone()), admin, false)
        .await
        .unwrap();
    let browser = Browser::new(app);
    assert_eq!(browser.sign_in(user, &pw).await.status, 302);
    browser
}

/// Uploads the Petstore sample as a new API at `/pets`; returns the preview's path.
async fn upload(browser: &Browser, backend: &str) -> crate::support::browser::Posted {
    let fields = [
        ("api_id", ""),
        ("context", "/pets"),
        ("backend_url", backend),
        ("text", ""),
    ];
    let file = ("file", "openapi.yaml", PETSTORE.as_bytes().to_vec());
    browser
        .post_multipart("/admin/import", "upload_import", &fields, Some(file))
        .await
}

async fn an_admin_imports_and_a_developer_tries_the_api(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let echo = Echo::start().await;
    let admin = signed_in(&app, "root", true).await;
    let staged = upload(&admin, &echo.url).await;
    assert_eq!(staged.status, 302, "{staged:?}");
    assert!(staged.location.starts_with("/admin/import/"), "{staged:?}");
    let (status, preview) = admin.get(&staged.location).await;
    assert_eq!(status, 200);
    assert!(preview.contains("A new API"), "{preview}");
    assert!(
        preview.contains("+ POST /pet (read:pets, write:pets)"),
        "{preview}"
    );
    assert!(preview.contains("modify pets in your account"));
    let draft = staged.location.rsplit('/').next().unwrap();
    let applied = admin
        .post(
            &staged.location,
            "apply_import",
            &[("id", draft), ("revision", "")],
        )
        .await;
    assert!(applied.location.starts_with("/admin/apis/"), "{applied:?}");
    let api = app.services.apis(false).await.unwrap().remove(0);
    let published = admin
        .post(
            &applied.location,
            "publish_api",
            &[("id", &api.api.id), ("published", "on")],
        )
        .await;
    assert_eq!(published.error(), None);
    // Applied once: the draft is gone.
    let again = admin
        .post(
            &staged.location,
            "apply_import",
            &[("id", draft), ("revision", "")],
        )
        .await;
    assert!(
        again
            .error()
            .is_some_and(|e| e.contains(r#"{"NotFound":"Import"}"#)),
        "{again:?}"
    );

    app.user("dev", "dev-password-1").await;
    let dev = Browser::new(&app);
    assert_eq!(dev.sign_in("dev", "dev-password-1").await.status, 302);
    let client = app.client("dev", "client_credentials").await;
    let page = format!("/apis/{}", api.api.id);
    let (status, html) = dev.get(&page).await;
    assert_eq!(status, 200);
    for shown in [
        "Gateway (HTTPS)",
        "Gateway (HTTP)",
        "/pets",
        "petId",
        "read your pets",
        "Find pet by ID.",
    ] {
        assert!(html.contains(shown), "{shown} in {html}");
    }
    // The document's description is CommonMark, shown rendered.
    assert!(
        html.contains(r#"<a href="https://swagger.io">https://swagger.io</a>"#),
        "{html}"
    );
    assert!(html.contains("<p>Some useful links:</p>\n<ul>"), "{html}");
    let subscribed = dev
        .post(
            &page,
            "subscribe",
            &[
                ("app_id", &client.app_id),
                ("api_id", &api.api.id),
                ("back", "api"),
            ],
        )
        .await;
    assert_eq!(subscribed.error(), None);
    let back = format!("{page}?subscribed=1");
    assert_eq!(subscribed.location, back, "back to the API's page");

    let get_pet = api
        .resources
        .iter()
        .find(|r| r.method == "GET" && r.path == "/pet/{petId}")
        .unwrap();
    let fields = [
        ("api_id", api.api.id.as_str()),
        ("resource_id", get_pet.id.as_str()),
        ("app_id", client.app_id.as_str()),
        ("token", ""),
        ("p.petId", "7 & 8"),
    ];
    let tried = dev.post_multipart(&page, "try_it", &fields, None).await;
    assert_eq!(tried.error(), None, "{tried:?}");
    assert!(tried.location.contains("tried=1"), "{tried:?}");
    let (_, html) = dev.get(&format!("{page}?tried=1")).await;
    assert!(html.contains("GET http://127.0.0.1:"), "{html}");
    assert!(html.contains(r#"class="status">200<"#), "{html}");
    // The backend saw the call the gateway forwarded, parameter escaped.
    assert!(html.contains("/pet/7%20%26%208"), "{html}");
    assert!(html.contains("Token used (issued for this call)"));
    let (_, later) = dev.get(&page).await;
    assert!(!later.contains("class=\"status\""), "shown once");

    let pasted = [("token", "not-a-token"), ("app_id", ""), ("p.petId", "1")];
    let mut fields = fields[..2].to_vec();
    fields.extend_from_slice(&pasted);
    dev.post_multipart(&page, "try_it", &fields, None).await;
    let (_, html) = dev.get(&page).await;
    assert!(html.contains(r#"class="status">401<"#), "{html}");
    let missing = [
        ("api_id", api.api.id.as_str()),
        ("resource_id", get_pet.id.as_str()),
        ("token", "x"),
    ];
    let refused = dev.post_multipart(&page, "try_it", &missing, None).await;
    assert!(
        refused.error().is_some_and(|e| e.contains("petId")),
        "{refused:?}"
    );
}

async fn only_admins_import_and_only_their_own_drafts(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let dev = signed_in(&app, "dev", false).await;
    let refused = upload(&dev, "http://127.0.0.1:9").await;
    assert!(refused.error().is_some(), "{refused:?}");
    let root = signed_in(&app, "root", true).await;
    let other = signed_in(&app, "other", true).await;
    let staged = upload(&root, "http://127.0.0.1:9").await;
    let (status, _) = root.get(&staged.location).await;
    assert_eq!(status, 200);
    let (_, html) = other.get(&staged.location).await;
    assert!(
        html.contains("Import was not found."),
        "another admin's draft: {html}"
    );
    let draft = staged.location.rsplit('/').next().unwrap();
    let stolen = other
        .post(
            &staged.location,
            "apply_import",
            &[("id", draft), ("revision", "")],
        )
        .await;
    assert!(stolen.error().is_some());
    assert!(app.services.apis(false).await.unwrap().is_empty());
    // A document that is not OpenAPI stages, and its preview lists the problem.
    let fields = [
        ("api_id", ""),
        ("context", "/x"),
        ("backend_url", ""),
        ("text", "{\"hello\": 1}"),
    ];
    let staged = root
        .post_multipart("/admin/import", "upload_import", &fields, None)
        .await;
    let (_, html) = root.get(&staged.location).await;
    assert!(
        html.contains("openapi: missing: this is not an OpenAPI document"),
        "{html}"
    );
    assert!(!html.contains(">Apply<"), "no apply button with problems");
}
