//! Portal sign-up, sign-in, sessions and CSRF, with JavaScript off.

use crate::on_both_backends;
use crate::support::browser::Browser;
use crate::support::{spawn_app, Backend};
use secrecy::SecretString;

async fn sign_up_follows_the_admin_toggle(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = Browser::new(&app);
    let form = [
        ("username", "newdev"),
        ("email", "new@example.com"),
        ("password", "a good password"),
        ("confirm_password", "a good password"),
    ];
    app.services.set_self_signup(false).await.unwrap();
    let (_, signin) = browser.get("/signin").await;
    assert!(
        !signin.contains("href=\"/signup\""),
        "no sign-up link while disabled"
    );
    let (_, page) = browser.get("/signup").await;
    assert!(page.contains("Sign-up is closed"));
    let refused = browser.post("/signup", "sign_up", &form).await;
    assert!(refused.error().unwrap().contains("SignupDisabled"));
    assert!(app.services.user("newdev").await.is_err());

    app.services.set_self_signup(true).await.unwrap();
    let (_, signin) = browser.get("/signin").await;
    assert!(signin.contains("href=\"/signup\""));
    let done = browser.post("/signup", "sign_up", &form).await;
    assert_eq!(
        (done.status, done.location.as_str()),
        (302, "/signin?created=1")
    );
    assert!(app.services.user("newdev").await.is_ok());
    let again = browser.post("/signup", "sign_up", &form).await;
    assert!(again.error().unwrap().contains("already taken"));
}

async fn sign_up_checks_the_confirmation_and_the_policy(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let browser = Browser::new(&app);
    let mismatch = browser
        .post(
            "/signup",
            "sign_up",
            &[
                ("username", "dev1"),
                ("email", "d@example.com"),
                ("password", "a good password"),
                ("confirm_password", "another one"),
            ],
        )
        .await;
    assert!(mismatch.error().unwrap().contains("confirm_password"));
    let short = browser
        .post(
            "/signup",
            "sign_up",
            &[
                ("username", "dev1"),
                ("email", "d@example.com"),
                ("password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert!(short.error().unwrap().contains("at least 8"));
}

async fn sign_in_sets_a_hardened_cookie_and_rotates_it(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let browser = Browser::new(&app);
    let first = browser.sign_in("alice", "alice-password").await;
    assert_eq!((first.status, first.location.as_str()), (302, "/apps"));
    let cookie = first
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Host-portico_session="))
        .expect("session cookie");
    for attr in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    let (_, apps) = browser.get("/apps").await;
    assert!(apps.contains("Signed in as"));
    let second = browser.sign_in("alice", "alice-password").await;
    let cookie2 = second
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Host-portico_session="))
        .unwrap();
    assert_ne!(cookie, cookie2, "a new session value on every sign-in");
}

async fn wrong_passwords_are_refused_and_throttled(b: Backend) {
    let Some(app) = crate::support::app::spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let browser = Browser::new(&app);
    let wrong = browser.sign_in("alice", "not-the-password").await;
    assert!(
        wrong.location.starts_with(&app.portal("/signin?__path="))
            || wrong.location.contains("__err"),
        "{wrong:?}"
    );
    assert!(wrong.error().unwrap().contains("not correct"));
    let (_, page) = browser
        .get(&wrong.location.replace(&app.portal(""), ""))
        .await;
    assert!(
        page.contains("role=\"alert\""),
        "the error is shown on the page"
    );
    for _ in 0..5 {
        browser.sign_in("alice", "not-the-password").await;
    }
    let throttled = browser.sign_in("alice", "alice-password").await;
    assert!(
        throttled.error().unwrap().contains("Throttled"),
        "{throttled:?}"
    );
}

async fn forms_without_a_matching_csrf_token_are_refused(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let browser = Browser::new(&app);
    browser.sign_in("alice", "alice-password").await;
    let forged = browser
        .post_raw(
            "/apps",
            "create_app",
            &[
                ("csrf", "forged"),
                ("name", "x"),
                ("description", ""),
                ("token_validity", ""),
            ],
        )
        .await;
    assert!(forged.error().unwrap().contains("Csrf"));
    let missing = browser
        .post_raw(
            "/apps",
            "create_app",
            &[("name", "x"), ("description", ""), ("token_validity", "")],
        )
        .await;
    assert!(missing.error().is_some());
    let csrf = browser.csrf().await;
    let cross_site = browser
        .http
        .post(app.portal("/api/create_app"))
        .header("Origin", "https://evil.example")
        .header("Accept", "application/json")
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "x"),
            ("description", ""),
            ("token_validity", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.text().await.unwrap(), "\"Csrf\"");
    let alice = app.services.user("alice").await.unwrap();
    assert!(app
        .services
        .applications_of(&alice)
        .await
        .unwrap()
        .is_empty());
}

async fn sign_out_and_admin_lock_end_sessions(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let browser = Browser::new(&app);
    browser.sign_in("alice", "alice-password").await;
    let out = browser.post("/apps", "sign_out", &[]).await;
    assert_eq!(out.location, "/");
    let (_, apps) = browser.get("/apps").await;
    assert!(!apps.contains("Signed in as"));

    browser.sign_in("alice", "alice-password").await;
    app.services.set_locked("alice", true).await.unwrap();
    let (_, apps) = browser.get("/apps").await;
    assert!(
        !apps.contains("Signed in as"),
        "a locked user's session ends"
    );
}

async fn the_bootstrap_admin_must_change_the_generated_password(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let boot = app.services.bootstrap_admin(None).await.unwrap().unwrap();
    use secrecy::ExposeSecret;
    let pw = boot.generated_password.unwrap().expose_secret().to_owned();
    let browser = Browser::new(&app);
    let signed = browser.sign_in("admin", &pw).await;
    assert_eq!(signed.location, "/account/password");
    let blocked = browser
        .post(
            "/apps",
            "create_app",
            &[("name", "x"), ("description", ""), ("token_validity", "")],
        )
        .await;
    assert!(blocked.error().unwrap().contains("PasswordChangeRequired"));
    let changed = browser
        .post(
            "/account/password",
            "change_password",
            &[
                ("current_password", &pw),
                ("new_password", "my own admin password"),
                ("confirm_password", "my own admin password"),
            ],
        )
        .await;
    assert_eq!(changed.location, "/apps?password_changed=1", "{changed:?}");
    let (_, apps) = browser.get("/apps").await;
    assert!(apps.contains("Your applications"));
    let admin = app
        .services
        .authenticate("admin", &SecretString::from("my own admin password"))
        .await
        .unwrap();
    assert_eq!(admin.unwrap().must_change_password, 0);
}

async fn admin_pages_and_functions_are_for_admins_only(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    app.user("alice", "alice-password").await;
    let browser = Browser::new(&app);
    browser.sign_in("alice", "alice-password").await;
    let (_, page) = browser.get("/admin/settings").await;
    assert!(page.contains("Admins only"));
    let refused = browser
        .post("/admin/settings", "set_self_signup", &[("enabled", "off")])
        .await;
    assert!(refused.error().unwrap().contains("Forbidden"));
    assert!(app.services.self_signup_enabled().await.unwrap());

    app.services
        .create_user(
            "root",
            None,
            &SecretString::from("root-password"),
            true,
            false,
        )
        .await
        .unwrap();
    let admin = Browser::new(&app);
    admin.sign_in("root", "root-password").await;
    let saved = admin
        .post("/admin/settings", "set_self_signup", &[("enabled", "off")])
        .await;
    assert_eq!(saved.location, "/admin/settings?saved=1");
    assert!(
        !app.services.self_signup_enabled().await.unwrap(),
        "stored, so it survives restarts"
    );
    let locked = admin
        .post(
            "/admin/users",
            "admin_user_action",
            &[("username", "alice"), ("action", "lock")],
        )
        .await;
    assert_eq!(locked.location, "/admin/users?saved=1");
    assert_eq!(app.services.user("alice").await.unwrap().locked, 1);
    let (_, users) = admin.get("/admin/users?q=ali").await;
    assert!(
        users.contains("alice") && users.contains("locked") && !users.contains("<td>root</td>")
    );
}

on_both_backends!(
    sign_up_follows_the_admin_toggle,
    sign_up_checks_the_confirmation_and_the_policy,
    sign_in_sets_a_hardened_cookie_and_rotates_it,
    wrong_passwords_are_refused_and_throttled,
    forms_without_a_matching_csrf_token_are_refused,
    sign_out_and_admin_lock_end_sessions,
    the_bootstrap_admin_must_change_the_generated_password,
    admin_pages_and_functions_are_for_admins_only,
);
