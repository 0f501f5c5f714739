//! The rules of the authorization code grant, one by one: what a code is bound to, which
//! errors stay on the page and which go back to the client, public clients, plain PKCE,
//! and the key settings that cannot work.

use crate::authorization_code::{
    allowed, answer, authorize_path, code_client, code_key, exchange, signed_in, CALLBACK, VERIFIER,
};
use crate::on_both_backends;
use crate::support::app::Client;
use crate::support::{spawn_app, Backend};
use portico::domain::redirect_uri::CallbackUrls;
use portico::service::ApplicationInput;
use serde_json::Value;

on_both_backends!(
    codes_work_once_for_their_client_redirect_and_verifier_within_a_minute,
    errors_before_the_redirect_uri_is_trusted_stay_on_the_page,
    public_clients_use_their_client_id_and_pkce_only,
    key_settings_refuse_what_cannot_work,
    plain_pkce_works_only_where_the_application_allowed_it,
);

async fn codes_work_once_for_their_client_redirect_and_verifier_within_a_minute(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = signed_in(&app).await;
    let client = code_client(&app, "alice", false).await;
    let other = code_client(&app, "alice", false).await;
    let path = authorize_path(&client, &[]);
    let code = allowed(&app, &browser, &path).await["code"].clone();
    let good = [
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let wrong_verifier = "x".repeat(43);
    for (form, why) in [
        (
            vec![
                ("code", code.as_str()),
                ("redirect_uri", CALLBACK),
                ("code_verifier", wrong_verifier.as_str()),
            ],
            "verifier",
        ),
        (
            vec![("code", code.as_str()), ("redirect_uri", CALLBACK)],
            "no verifier",
        ),
        (
            vec![
                ("code", code.as_str()),
                ("redirect_uri", "https://client.example/other"),
                ("code_verifier", VERIFIER),
            ],
            "redirect",
        ),
    ] {
        let (status, body) = exchange(&app, &client, &form, false).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("invalid_grant")),
            "{why}: {body}"
        );
    }
    let (status, _) = exchange(&app, &other, &good, false).await;
    assert_eq!(status, 400, "another client's code");
    // The refusals above did not spend it.
    let (status, tokens) = exchange(&app, &client, &good, false).await;
    assert_eq!(status, 200, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    assert!(app.services.introspect(&access, None).await.unwrap().active);
    // Used again: refused, and the tokens it gave are revoked.
    let (status, body) = exchange(&app, &client, &good, false).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert!(
        !app.services.introspect(&access, None).await.unwrap().active,
        "replay revokes"
    );
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let res = app
        .token(
            &client,
            &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        )
        .await;
    assert_eq!(res.status(), 400, "the refresh token went with it");

    // A minute later a fresh code is worthless.
    let code = allowed(&app, &browser, &path).await["code"].clone();
    app.services.clock.advance(61);
    let late = [
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    assert_eq!(exchange(&app, &client, &late, false).await.0, 400);
    // Housekeeping deletes codes a day after they expired.
    let id = match portico::crypto::locate(&code) {
        portico::crypto::TokenLocator::Row(id) => id,
        other => panic!("{other:?}"),
    };
    app.services.housekeeping().await.unwrap();
    assert!(
        app.services.store.code_by_id(&id).await.is_ok(),
        "kept within the day"
    );
    app.services.clock.advance(86_400);
    app.services.housekeeping().await.unwrap();
    assert!(
        app.services.store.code_by_id(&id).await.is_err(),
        "gone after it"
    );
}

async fn errors_before_the_redirect_uri_is_trusted_stay_on_the_page(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = signed_in(&app).await;
    let client = code_client(&app, "alice", false).await;
    let unknown = Client {
        id: "nobody".into(),
        ..client.clone()
    };
    for (path, says) in [
        (
            authorize_path(&unknown, &[]),
            "No application has this client_id",
        ),
        (
            authorize_path(&client, &[("redirect_uri", "https://evil.example/cb")]),
            "not one this application registered",
        ),
    ] {
        let res = browser.response(&path).await;
        assert_eq!(res.status(), 200, "a page, not a redirect");
        assert!(res.headers().get("location").is_none());
        assert!(res.text().await.unwrap().contains(says), "{says}");
    }
    let plain = VERIFIER;
    for (extra, error) in [
        (
            vec![("response_type", "token")],
            "unsupported_response_type",
        ),
        (vec![("code_challenge", "")], "invalid_request"),
        (
            vec![
                ("code_challenge_method", "plain"),
                ("code_challenge", plain),
            ],
            "invalid_request",
        ),
        (vec![("scope", "no-such-scope")], "invalid_scope"),
    ] {
        let res = browser.response(&authorize_path(&client, &extra)).await;
        assert_eq!(res.status(), 302, "{extra:?}");
        let back = answer(res.headers()["location"].to_str().unwrap());
        assert_eq!(back["error"], error, "{extra:?}");
        assert_eq!(back["state"], "xyz-123");
        assert_eq!(back["iss"], app.portal(""));
    }
    // A loopback callback takes any port (RFC 8252 §7.3).
    let native = authorize_path(
        &client,
        &[("redirect_uri", "http://127.0.0.1:50111/native")],
    );
    let (status, page) = browser.get(&native).await;
    assert_eq!(status, 200);
    assert!(page.contains("Allow"));
}

async fn public_clients_use_their_client_id_and_pkce_only(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = signed_in(&app).await;
    let client = code_client(&app, "alice", true).await;
    assert_eq!(client.secret, "", "a public client is shown no secret");
    let code = allowed(&app, &browser, &authorize_path(&client, &[])).await["code"].clone();
    let form = [
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let (status, tokens) = exchange(&app, &client, &form, true).await;
    assert_eq!(status, 200, "{tokens}");
    // Refresh with the client_id alone; rotation and reuse detection as for everyone.
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let rotate = |token: &str| {
        let req = app.http.post(app.gateway("/token")).form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", token),
            ("client_id", client.id.as_str()),
        ]);
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(rotate(refresh).await, 200);
    assert_eq!(rotate(refresh).await, 400, "reuse");
    // No secret-based grant, and no secret to present.
    let res = app
        .http
        .post(app.gateway("/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "alice-password"),
            ("client_id", client.id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "unauthorized_client"
    );
    let with_secret = Client {
        secret: "guess".into(),
        ..client.clone()
    };
    let (status, body) = exchange(&app, &with_secret, &form, false).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    // A confidential client cannot pass for a public one.
    let confidential = code_client(&app, "alice", false).await;
    let (status, _) = exchange(&app, &confidential, &form, true).await;
    assert_eq!(status, 401);
}

async fn key_settings_refuse_what_cannot_work(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let s = &app.services;
    let alice = s.user("alice").await.unwrap();
    let created = s
        .create_application(
            &alice,
            ApplicationInput {
                name: "Web".into(),
                description: String::new(),
                token_validity: None,
            },
        )
        .await
        .unwrap();
    let request = |grants: &str, urls: &str, public: bool| code_key(grants, urls, public, false);
    let no_callback = s
        .generate_keys(&created, request("authorization_code", "", false))
        .await;
    assert!(no_callback
        .err()
        .unwrap()
        .to_string()
        .contains("callback URL"));
    let public_password = s
        .generate_keys(
            &created,
            request("authorization_code,password", CALLBACK, true),
        )
        .await;
    assert!(public_password
        .err()
        .unwrap()
        .to_string()
        .contains("public client"));
    let e = CallbackUrls::parse("http://client.example/cb").unwrap_err();
    assert!(e.message.contains("https"));
}

async fn plain_pkce_works_only_where_the_application_allowed_it(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = signed_in(&app).await;
    let s = &app.services;
    let alice = s.user("alice").await.unwrap();
    let input = ApplicationInput {
        name: "Old device".into(),
        description: String::new(),
        token_validity: None,
    };
    let created = s.create_application(&alice, input).await.unwrap();
    let keys = s
        .generate_keys(
            &created,
            code_key("authorization_code", CALLBACK, false, true),
        )
        .await
        .unwrap();
    let client = Client {
        app_id: created.id,
        id: keys.consumer_key,
        secret: secrecy::ExposeSecret::expose_secret(&keys.consumer_secret).to_owned(),
    };
    let plain = [
        ("code_challenge", VERIFIER),
        ("code_challenge_method", "plain"),
    ];
    let code = allowed(&app, &browser, &authorize_path(&client, &plain)).await["code"].clone();
    let form = [
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let (status, body) = exchange(&app, &client, &form, false).await;
    assert_eq!(status, 200, "{body}");
    // Elsewhere plain is refused before a code exists.
    let strict = code_client(&app, "alice", false).await;
    let res = browser.response(&authorize_path(&strict, &plain)).await;
    assert_eq!(
        answer(res.headers()["location"].to_str().unwrap())["error"],
        "invalid_request"
    );
}
