//! What an outside conformance suite checks of the token endpoint: error descriptions
//! of NQSCHAR only, and complete answers to oversized bodies, here and on the portal.

use crate::on_both_backends;
use crate::support::{spawn_app, Backend};
use reqwest::header;
use serde_json::Value;

on_both_backends!(
    error_descriptions_never_carry_quotes_backslashes_or_control_characters,
    a_one_mebibyte_body_gets_a_complete_413_and_the_server_stays_usable,
);

fn is_nqschar(text: &str) -> bool {
    text.chars()
        .all(|c| matches!(c, '\x20'..='\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e'))
}

async fn error_descriptions_never_carry_quotes_backslashes_or_control_characters(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password,refresh_token").await;
    let bodies: [&[(&str, &str)]; 6] = [
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "alice-password"),
            ("scope", "a\"b\\c"),
        ],
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "alice-password"),
            ("scope", "\u{7}é"),
        ],
        &[("grant_type", "x\"\\\u{1}y")],
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "r"),
            ("scope", "\""),
        ],
        &[
            ("grant_type", "password"),
            ("username", "a\"\\"),
            ("password", "p\"\\"),
        ],
        &[("grant_type", "password"), ("username", "alice")],
    ];
    for form in bodies {
        let res = app.token(&c, form).await;
        assert!(res.status().is_client_error(), "{form:?}");
        let body: Value = res.json().await.unwrap();
        let description = body["error_description"].as_str().unwrap();
        assert!(is_nqschar(description), "{form:?}: {description}");
    }
    let res = app
        .http
        .post(app.gateway("/token"))
        .basic_auth(&c.id, Some(&c.secret))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("a%22%5C=1&a%22%5C=2")
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    assert!(
        is_nqschar(body["error_description"].as_str().unwrap()),
        "{body}"
    );
}

async fn a_one_mebibyte_body_gets_a_complete_413_and_the_server_stays_usable(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    let huge = "p".repeat(1024 * 1024);
    for url in [app.gateway("/token"), app.portal("/oauth2/token")] {
        let res = app
            .http
            .post(&url)
            .basic_auth(&c.id, Some(&c.secret))
            .form(&[
                ("grant_type", "password"),
                ("username", "alice"),
                ("password", &huge),
            ])
            .send()
            .await
            .expect("a complete answer, not a dropped connection");
        assert_eq!(res.status(), 413, "{url}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request");
    }
    // The portal's form posts answer alike, with a page a person can read.
    let res = app
        .http
        .post(app.portal("/api/sign_in"))
        .header(header::ACCEPT, "text/html")
        .form(&[("csrf", "x"), ("username", "alice"), ("password", &huge)])
        .send()
        .await
        .expect("a complete answer from the portal");
    assert_eq!(res.status(), 413);
    assert!(res.text().await.unwrap().contains("too large"));
    let ok = app.password_grant(&c, "alice", "alice-password").await;
    assert_eq!(ok.status(), 200, "the server still answers");
}
