//! The authorization code grant with PKCE, as a browser with JavaScript off walks it:
//! sign-in, consent, the code back at the callback URL, and its exchange at `/token`.

use crate::on_both_backends;
use crate::support::app::Client;
use crate::support::browser::Browser;
use crate::support::{spawn_app, Backend, TestApp};
use portico::crypto::pkce::s256_challenge;
use portico::domain::redirect_uri::CallbackUrls;
use portico::domain::{GrantTypes, KeyType};
use portico::service::{ApplicationInput, KeyRequest};
use serde_json::Value;

on_both_backends!(
    the_code_flow_signs_in_asks_consent_and_issues_tokens,
    codes_work_once_for_their_client_redirect_and_verifier_within_a_minute,
    errors_before_the_redirect_uri_is_trusted_stay_on_the_page,
    deny_sends_access_denied_back_to_the_client,
    public_clients_use_their_client_id_and_pkce_only,
    key_settings_refuse_what_cannot_work,
    withdrawing_consent_revokes_its_tokens_and_asks_again,
    plain_pkce_works_only_where_the_application_allowed_it,
    openid_clients_get_an_id_token_with_their_nonce,
);

pub const CALLBACK: &str = "https://client.example/cb";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// A production key request for the authorization code grant.
pub fn code_key(grants: &str, urls: &str, public: bool, plain: bool) -> KeyRequest {
    KeyRequest {
        key_type: KeyType::Production,
        grant_types: GrantTypes::parse_list(grants).unwrap(),
        access_token_validity: None,
        token_type: None,
        callback_urls: CallbackUrls::parse(urls).unwrap(),
        public_client: public,
        allow_plain_pkce: plain,
    }
}

/// An application of `owner` with an authorization-code key.
pub async fn code_client(app: &TestApp, owner: &str, public: bool) -> Client {
    let s = &app.services;
    let owner = s.user(owner).await.unwrap();
    let input = ApplicationInput {
        name: format!("web-{}", uuid::Uuid::new_v4().simple()),
        description: String::new(),
        token_validity: None,
    };
    let created = s.create_application(&owner, input).await.unwrap();
    let grants = if public {
        "authorization_code,refresh_token"
    } else {
        "authorization_code,refresh_token,password"
    };
    let keys = s
        .generate_keys(
            &created,
            code_key(
                grants,
                &format!("{CALLBACK} http://127.0.0.1/native"),
                public,
                false,
            ),
        )
        .await
        .unwrap();
    Client {
        app_id: created.id,
        id: keys.consumer_key,
        secret: secrecy::ExposeSecret::expose_secret(&keys.consumer_secret).to_owned(),
    }
}

/// The query of an authorization request for `client`, with `extra` added or replacing.
pub fn authorize_path(client: &Client, extra: &[(&str, &str)]) -> String {
    let challenge = s256_challenge(VERIFIER);
    let mut pairs: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", &client.id),
        ("redirect_uri", CALLBACK),
        ("scope", "default"),
        ("state", "xyz-123"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    for (k, v) in extra {
        pairs.retain(|(name, _)| name != k);
        if !v.is_empty() {
            pairs.push((k, v));
        }
    }
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    format!("/oauth2/authorize?{}", query.finish())
}

/// The query parameters of a redirect's `Location`.
pub fn answer(location: &str) -> std::collections::HashMap<String, String> {
    let url = reqwest::Url::parse(location).expect("an absolute redirect");
    url.query_pairs().into_owned().collect()
}

/// Allows the request (on the consent page, unless it was allowed before); returns the
/// callback's parameters.
pub async fn allowed(
    app: &TestApp,
    browser: &Browser,
    path: &str,
) -> std::collections::HashMap<String, String> {
    let _ = app;
    answer(&allow(browser, path).await)
}

/// Allows the request as [`allowed`] does; returns the callback URL the browser is sent to.
pub async fn allow(browser: &Browser, path: &str) -> String {
    let res = browser.response(path).await;
    if res.status() == 302 {
        return res.headers()["location"].to_str().unwrap().to_owned();
    }
    assert_eq!(res.status(), 200, "the consent page");
    let page = res.text().await.unwrap();
    assert!(page.contains("Allow"), "{page}");
    let request = path.split_once('?').unwrap().1;
    let posted = browser
        .post(
            path,
            "decide_authorization",
            &[("request", request), ("decision", "allow")],
        )
        .await;
    assert_eq!(posted.status, 302, "{posted:?}");
    assert!(posted.location.starts_with(CALLBACK), "{posted:?}");
    posted.location
}

pub async fn exchange(
    app: &TestApp,
    client: &Client,
    form: &[(&str, &str)],
    public: bool,
) -> (u16, Value) {
    let mut req = app.http.post(app.gateway("/token"));
    let mut fields: Vec<(&str, &str)> = vec![("grant_type", "authorization_code")];
    fields.extend_from_slice(form);
    if public {
        fields.push(("client_id", &client.id));
    } else {
        req = req.basic_auth(&client.id, Some(&client.secret));
    }
    let res = req.form(&fields).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn signed_in(app: &TestApp) -> Browser {
    app.user("alice", "alice-password").await;
    let browser = Browser::new(app);
    browser.sign_in("alice", "alice-password").await;
    browser
}

async fn the_code_flow_signs_in_asks_consent_and_issues_tokens(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("owner", "owner-password").await;
    let client = code_client(&app, "owner", false).await;
    app.user("alice", "alice-password").await;
    let browser = Browser::new(&app);
    let path = authorize_path(&client, &[]);
    // Signed out: to the sign-in page, and back here after it.
    let res = browser.response(&path).await;
    assert_eq!(res.status(), 302);
    let to_sign_in = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(to_sign_in.starts_with("/signin?next="), "{to_sign_in}");
    let (_, page) = browser.get(&to_sign_in).await;
    assert!(
        page.contains(r#"name="next""#),
        "the sign-in form carries the way back"
    );
    let next = answer(&format!("https://x{to_sign_in}"))["next"].clone();
    let posted = browser
        .post(
            &to_sign_in,
            "sign_in",
            &[
                ("username", "alice"),
                ("password", "alice-password"),
                ("next", &next),
            ],
        )
        .await;
    let (back_path, back_query) = posted.location.split_once('?').unwrap();
    assert_eq!(
        back_path, "/oauth2/authorize",
        "back to the authorization request"
    );
    assert_eq!(
        answer(&format!("https://x/?{back_query}")),
        answer(&format!("https://x{path}"))
    );

    let res = browser.response(&path).await;
    // The consent form's answer leads to the client: the page's policy lets it.
    let policy = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        policy.contains("form-action 'self' https://client.example;"),
        "{policy}"
    );
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let page = res.text().await.unwrap();
    assert!(page.contains("<strong>owner</strong>"), "names the owner");
    assert!(page.contains("<code>default</code>"), "lists the scopes");
    assert!(
        page.contains("<code>client.example</code>"),
        "says where it goes"
    );
    let back = allowed(&app, &browser, &path).await;
    assert_eq!(back["state"], "xyz-123");
    assert_eq!(back["iss"], app.portal(""), "RFC 9207");
    let code = &back["code"];
    let (status, tokens) = exchange(
        &app,
        &client,
        &[
            ("code", code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
        ],
        false,
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert!(tokens["refresh_token"].is_string());
    let seen = app
        .services
        .introspect(tokens["access_token"].as_str().unwrap(), None)
        .await
        .unwrap();
    assert_eq!(seen.details.unwrap().username.as_deref(), Some("alice"));
    // The user counts as the application's registered user, with the grant named.
    let owner = app.services.user("owner").await.unwrap();
    let (_, users) = app
        .services
        .registered_users(&owner, &client.app_id)
        .await
        .unwrap();
    assert_eq!(
        users
            .iter()
            .map(|u| u.username.as_str())
            .collect::<Vec<_>>(),
        ["alice"]
    );
    assert_eq!(users[0].grants, "authorization_code");

    // Allowed once, not asked again for the same scopes: straight back with a code.
    let res = browser.response(&path).await;
    assert_eq!(res.status(), 302);
    let again = answer(res.headers()["location"].to_str().unwrap());
    assert!(again.contains_key("code") && again["state"] == "xyz-123");
    // A scope not allowed yet asks again.
    let (status, page) = browser
        .get(&authorize_path(&client, &[("scope", "default openid")]))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("openid"));
}

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

async fn deny_sends_access_denied_back_to_the_client(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = signed_in(&app).await;
    let client = code_client(&app, "alice", false).await;
    let path = authorize_path(&client, &[]);
    let request = path.split_once('?').unwrap().1;
    let posted = browser
        .post(
            &path,
            "decide_authorization",
            &[("request", request), ("decision", "deny")],
        )
        .await;
    let back = answer(&posted.location);
    assert_eq!(back["error"], "access_denied");
    assert_eq!(back["state"], "xyz-123");
    assert!(!back.contains_key("code"));
    // Nothing was remembered: the next request asks again.
    assert_eq!(browser.response(&path).await.status(), 200);
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

async fn withdrawing_consent_revokes_its_tokens_and_asks_again(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = signed_in(&app).await;
    let client = code_client(&app, "alice", false).await;
    let path = authorize_path(&client, &[]);
    let code = allowed(&app, &browser, &path).await["code"].clone();
    let form = [
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let (_, tokens) = exchange(&app, &client, &form, false).await;
    // A refresh keeps the family: its successor goes with the consent too.
    let res = app
        .token(
            &client,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    let renewed: Value = res.json().await.unwrap();
    let access = renewed["access_token"].as_str().unwrap().to_owned();
    // A password-grant token of the same user and application is not the consent's.
    let password = app
        .password_tokens(&client, "alice", "alice-password")
        .await;
    let other = password["access_token"].as_str().unwrap();

    let (_, page) = browser.get("/tokens").await;
    assert!(page.contains("Applications you allowed"));
    let posted = browser
        .post("/tokens", "withdraw_consent", &[("app_id", &client.app_id)])
        .await;
    assert_eq!(posted.location, "/tokens?withdrawn=1", "{posted:?}");
    assert!(!app.services.introspect(&access, None).await.unwrap().active);
    assert!(app.services.introspect(other, None).await.unwrap().active);
    assert_eq!(browser.response(&path).await.status(), 200, "asked again");
    let again = browser
        .post("/tokens", "withdraw_consent", &[("app_id", &client.app_id)])
        .await;
    assert!(again.error().is_some(), "nothing left to withdraw");
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

async fn openid_clients_get_an_id_token_with_their_nonce(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = signed_in(&app).await;
    let client = code_client(&app, "alice", false).await;
    let path = authorize_path(&client, &[("scope", "openid"), ("nonce", "n-0S6_WzA2Mj")]);
    let code = allowed(&app, &browser, &path).await["code"].clone();
    let form = [
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let (status, tokens) = exchange(&app, &client, &form, false).await;
    assert_eq!(status, 200, "{tokens}");
    let id_token = tokens["id_token"].as_str().expect("an ID token for openid");
    let payload = id_token.split('.').nth(1).unwrap();
    use base64::Engine;
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(claims["aud"], client.id.as_str());
    assert_eq!(claims["preferred_username"], "alice");
}
