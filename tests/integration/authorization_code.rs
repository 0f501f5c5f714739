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
    deny_sends_access_denied_back_to_the_client,
    withdrawing_consent_revokes_its_tokens_and_asks_again,
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

pub async fn signed_in(app: &TestApp) -> Browser {
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

async fn deny_sends_access_denied_back_to_the_client(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = signed_in(&app).await;
    let client = code_client(&app, "alice", false).await;
    // Asking for no scope asks for `default`, and the page says so.
    let (_, page) = browser
        .get(&authorize_path(&client, &[("scope", "")]))
        .await;
    assert!(page.contains("<code>default</code>"), "{page}");
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
