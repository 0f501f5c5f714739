//! Attacks on the portal's pages: messages planted in the URL, redirects off the
//! origin, framing and caching.

use crate::on_both_backends;
use crate::support::browser::Browser;
use crate::support::{spawn_app, Backend};
use base64::Engine;

on_both_backends!(
    only_errors_the_server_signed_are_shown,
    form_redirects_stay_on_this_origin,
    pages_are_not_cached_or_framed,
);

fn planted(message: &str) -> String {
    let json = serde_json::json!({ "Conflict": message }).to_string();
    base64::engine::general_purpose::URL_SAFE.encode(json)
}

async fn only_errors_the_server_signed_are_shown(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = Browser::new(&app);
    let err = planted("Your account is locked. Call +1 555 0100 now.");
    let now = app.services.clock.now().to_string();
    let stale = (app.services.clock.now() - 700).to_string();
    let stale_sig = app
        .services
        .form_errors
        .sign(&[&stale, "/api/sign_in", &err]);
    for sig in [
        String::new(),
        format!("{now}.forged"),
        format!("{stale}.{stale_sig}"),
    ] {
        let url = format!("/signin?x=1&__path=/api/sign_in&__err={err}&__sig={sig}");
        let res = browser.response(&url).await;
        assert_eq!(res.status(), 303, "{sig}");
        assert_eq!(res.headers()["location"], "/signin?x=1", "{sig}");
    }
    // What the server itself produced is signed, and shown.
    app.user("alice", "alice-password").await;
    let wrong = browser.sign_in("alice", "not-the-password").await;
    assert!(wrong.location.contains("__sig="), "{wrong:?}");
    let (status, page) = browser.get(&wrong.location).await;
    assert_eq!(status, 200);
    assert!(page.contains("role=\"alert\""));
    assert!(page.contains("not correct"));
}

async fn form_redirects_stay_on_this_origin(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = Browser::new(&app);
    let csrf = browser.csrf().await;
    let res = app
        .http
        .post(app.portal("/api/sign_in"))
        .header("accept", "text/html")
        .header("referer", "https://evil.example/phish?a=1")
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "x"),
            ("password", "y"),
        ])
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("/phish?a=1&__path="), "{location}");
}

async fn pages_are_not_cached_or_framed(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = Browser::new(&app);
    for path in ["/", "/signin", "/apps"] {
        let res = browser.response(path).await;
        let h = res.headers();
        assert_eq!(h["cache-control"], "no-store", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
    }
    let css = browser.response("/portico.css").await;
    assert_ne!(
        css.headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some("no-store"),
        "static assets may be cached"
    );
}
