//! Statistics over HTTP: the pages without JavaScript, the JSON and CSV endpoints, and who
//! may see what.

use crate::on_both_backends;
use crate::support::browser::Browser;
use crate::support::{spawn_app, Backend, TestApp};
use secrecy::SecretString;

on_both_backends!(
    the_statistics_tab_shows_registered_users_and_charts,
    json_and_csv_report_the_same_users,
    only_owners_and_admins_see_an_applications_statistics,
    the_admin_overview_ranks_applications,
);

/// An application owned by `owner` with `users` registered through password grants.
async fn app_with_users(app: &TestApp, owner: &str, users: &[&str]) -> String {
    app.user(owner, &format!("{owner}-password-1")).await;
    let c = app.client(owner, "password").await;
    for u in users {
        app.user(u, &format!("{u}-password-1")).await;
        app.password_tokens(&c, u, &format!("{u}-password-1")).await;
    }
    c.app_id
}

async fn signed_in(app: &TestApp, user: &str) -> Browser {
    let browser = Browser::new(app);
    let posted = browser.sign_in(user, &format!("{user}-password-1")).await;
    assert_eq!(posted.status, 302);
    browser
}

/// The range picker's link marked as the current page.
fn current_range(html: &str) -> &str {
    let picker = &html[html.find("range-picker").expect("a range picker")..];
    let rest = &picker[picker
        .find("aria-current=\"page\"")
        .expect("a current range")..];
    &rest[..rest.find("</a>").unwrap()]
}

async fn the_statistics_tab_shows_registered_users_and_charts(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let id = app_with_users(&app, "owner", &["alice", "bob"]).await;
    let browser = signed_in(&app, "owner").await;
    let (status, html) = browser.get(&format!("/apps/{id}/stats?range=30d")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Registered users"), "{html}");
    assert!(html.contains("<strong class=\"tile-value\">2</strong>"));
    assert!(html.contains("<td>alice</td>") && html.contains("<td>bob</td>"));
    assert!(html.contains("role=\"img\""), "charts are SVG images");
    assert!(html.contains("Tokens issued per day (UTC)"));
    assert!(html.contains("Data table"));
    assert!(html.contains("No calls yet"));
    assert!(current_range(&html).contains("Last 30 days"));
    // An edited link falls back to the default range instead of failing.
    let (status, html) = browser.get(&format!("/apps/{id}/stats?range=1y")).await;
    assert_eq!(status, 200);
    assert!(current_range(&html).contains("Last 7 days"));
}

async fn json_and_csv_report_the_same_users(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let id = app_with_users(&app, "owner", &["carol", "dave"]).await;
    let browser = signed_in(&app, "owner").await;
    let res = browser
        .response(&format!("/api/stats/applications/{id}?range=24h"))
        .await;
    assert_eq!(res.status(), 200);
    let json: serde_json::Value = res.json().await.unwrap();
    assert_eq!(json["registered_users"], 2);
    assert_eq!(json["range"], "24h");
    assert_eq!(json["bucket_seconds"], 3600);
    assert_eq!(json["tokens"].as_array().unwrap().len(), 24);
    assert_eq!(json["totals"]["password"], 2);

    let res = browser
        .response(&format!("/api/stats/applications/{id}/users.csv"))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(
        lines[0],
        "username,first_token_at,last_token_at,tokens,grants"
    );
    assert_eq!(lines.len(), 3);
    assert!(lines
        .iter()
        .any(|l| l.starts_with("carol,") && l.ends_with(",1,password")));

    let bad = browser
        .response(&format!("/api/stats/applications/{id}?range=2w"))
        .await;
    assert_eq!(bad.status(), 400);
    let body: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}

async fn only_owners_and_admins_see_an_applications_statistics(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let id = app_with_users(&app, "owner", &["erin"]).await;
    app.user("mallory", "mallory-password-1").await;
    let admin_pw = SecretString::from("root-password-1".to_owned());
    let admin = app
        .services
        .create_user("root", None, &admin_pw, true, false);
    admin.await.unwrap();
    let json = format!("/api/stats/applications/{id}");

    let mallory = signed_in(&app, "mallory").await;
    let (_, page) = mallory.get(&format!("/apps/{id}/stats")).await;
    assert!(!page.contains("erin") && page.contains("Cannot show this page"));
    assert_eq!(mallory.response(&json).await.status(), 404);
    let csv = mallory.response(&format!("{json}/users.csv")).await;
    assert_eq!(csv.status(), 404);

    let anonymous = app.http.get(app.portal(&json)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Basic"));
    let basic = |user: &str, pw: &str| {
        app.http
            .get(app.portal(&json))
            .basic_auth(user, Some(pw))
            .send()
    };
    assert_eq!(
        basic("root", "root-password-1").await.unwrap().status(),
        200
    );
    assert_eq!(basic("root", "wrong").await.unwrap().status(), 401);
    let developer = basic("mallory", "mallory-password-1").await.unwrap();
    assert_eq!(developer.status(), 403);

    let root = signed_in(&app, "root").await;
    let (_, page) = root.get(&format!("/apps/{id}/stats")).await;
    assert!(page.contains("<td>erin</td>"));
}

async fn the_admin_overview_ranks_applications(b: Backend) {
    let Some(app) = spawn_app(b).await else {
        return;
    };
    let small = app_with_users(&app, "owner", &["frank"]).await;
    let big = app_with_users(&app, "other", &["grace", "heidi"]).await;
    let admin_pw = SecretString::from("root-password-1".to_owned());
    let admin = app
        .services
        .create_user("root", None, &admin_pw, true, false);
    admin.await.unwrap();
    let overview = app
        .services
        .overview_stats(portico::domain::stats::StatsRange::Days7)
        .await
        .unwrap();
    assert_eq!(overview.registered_users, 3);
    assert_eq!(overview.totals.password, 3);
    let ids: Vec<&str> = overview
        .top_by_users
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(ids, [big.as_str(), small.as_str()]);
    assert_eq!(overview.top_by_users[0].owner, "other");

    let root = signed_in(&app, "root").await;
    let (status, html) = root.get("/admin/stats?range=90d").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("href=\"/apps/{big}/stats\"")));
    assert!(html.contains("Top applications by registered users"));
    let developer = signed_in(&app, "owner").await;
    let (_, html) = developer.get("/admin/stats").await;
    assert!(html.contains("Admins only") && !html.contains(&big));
}
