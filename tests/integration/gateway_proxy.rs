//! Gateway proxying: what reaches the backend, streaming both ways, backend failures,
//! and the calls recorded for statistics.

use crate::support::backend::Backend as Upstream;
use crate::support::browser::Browser;
use crate::support::gateway::fixture;
use crate::support::Backend;
use crate::{on_both_backends, on_every_topology};
use portico::domain::stats::StatsRange;
use std::time::Duration;

on_every_topology!(
    requests_reach_the_backend_with_method_path_query_and_safe_headers,
    large_bodies_stream_both_ways,
    https_backends_are_reached_over_tls,
);

on_both_backends!(
    backend_failures_are_502_504_or_passed_through,
    calls_are_recorded_for_the_applications_statistics,
);

async fn requests_reach_the_backend_with_method_path_query_and_safe_headers(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let token = f.token("update").await;
    let res = f
        .gw()
        .http
        .put(
            f.gw()
                .gateway("/pizzashack/1.0.0/order/42?size=large&x=%20y"),
        )
        .bearer_auth(&token)
        .header("x-custom", "kept")
        .header("x-portico-end-user", "mallory")
        .header("connection", "x-hop")
        .header("x-hop", "dropped")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let seen: serde_json::Value = res.json().await.unwrap();
    assert_eq!(seen["method"], "PUT");
    assert_eq!(seen["path"], "/order/42");
    assert_eq!(seen["query"], "size=large&x=%20y");
    let h = &seen["headers"];
    assert_eq!(h["x-custom"], "kept");
    assert_eq!(
        h["x-portico-end-user"], "dev",
        "the end user is the token's, not the client's"
    );
    assert_eq!(h["x-portico-application-id"], f.client.app_id.as_str());
    assert_eq!(h["x-forwarded-proto"], "https");
    assert!(h["x-forwarded-for"].as_str().unwrap().contains("127.0.0.1"));
    assert!(
        h.get("authorization").is_none(),
        "the token never reaches the backend"
    );
    assert!(h.get("x-hop").is_none());

    // Over the plain-HTTP listener, X-Forwarded-Proto says so.
    let res = f
        .gw()
        .http
        .get(f.gw().gateway_http("/pizzashack/1.0.0/menu"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let seen: serde_json::Value = res.json().await.unwrap();
    assert_eq!(seen["headers"]["x-forwarded-proto"], "http");
}

async fn large_bodies_stream_both_ways(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let token = f.token("default").await;
    let upload: Vec<u8> = (0..24 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let expected_sum = upload
        .iter()
        .fold(0u64, |s, b| s.wrapping_add(u64::from(*b)));
    let res = f
        .gw()
        .http
        .post(f.gw().gateway("/pizzashack/1.0.0/upload"))
        .bearer_auth(&token)
        .body(upload)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let got: serde_json::Value = res.json().await.unwrap();
    assert_eq!(got["bytes"], 24 * 1024 * 1024);
    assert_eq!(got["sum"], expected_sum);

    let res = f.call("GET", "/big/32", Some(&token)).await;
    assert_eq!(res.status(), 200);
    let body = res.bytes().await.unwrap();
    assert_eq!(body.len(), 32 * 1024 * 1024);
    assert!(body.iter().all(|&b| b == 7));
}

async fn backend_failures_are_502_504_or_passed_through(b: Backend) {
    let Some(f) = fixture(b, |c| c.gateway.backend_timeout_seconds = 1).await else {
        return;
    };
    let token = f.token("default").await;
    let res = f.call("GET", "/fail", Some(&token)).await;
    assert_eq!(res.status(), 500, "the backend's own error passes through");
    assert_eq!(res.text().await.unwrap(), "backend exploded");

    let res = f.call("GET", "/slow", Some(&token)).await;
    assert_eq!(res.status(), 504);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "gateway_timeout");

    f.open_api("Down", "/down", Upstream::unreachable()).await;
    let res = f.call_path("GET", "/down/anything", Some(&token)).await;
    assert_eq!(res.status(), 502);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "bad_gateway");
}

/// An `https://` backend is spoken to in TLS, and one whose certificate cannot be checked
/// is a 502, never a plaintext fallback.
async fn https_backends_are_reached_over_tls(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let first_byte = tokio::spawn(async move {
        use tokio::io::AsyncReadExt;
        let (mut socket, _) = listener.accept().await.unwrap();
        socket.read_u8().await.unwrap()
    });
    f.open_api("Tls", "/tls", format!("https://127.0.0.1:{port}"))
        .await;
    let token = f.token("default").await;
    let res = f.call_path("GET", "/tls/anything", Some(&token)).await;
    assert_eq!(res.status(), 502);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "bad_gateway");
    let byte = tokio::time::timeout(Duration::from_secs(5), first_byte)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(byte, 0x16, "the gateway opened with a TLS handshake record");
}

async fn calls_are_recorded_for_the_applications_statistics(b: Backend) {
    let Some(f) = fixture(b, |_| {}).await else {
        return;
    };
    let token = f.token("read").await;
    for _ in 0..3 {
        assert_eq!(f.call("GET", "/menu", Some(&token)).await.status(), 200);
    }
    assert_eq!(f.call("GET", "/fail", Some(&token)).await.status(), 500);
    let update = f.token("update").await;
    assert_eq!(f.call("GET", "/order/1", Some(&update)).await.status(), 403);
    // Refused before the token is known: no application, nothing is recorded.
    assert_eq!(f.call("GET", "/menu", None).await.status(), 401);
    let dev = f.app.services.user("dev").await.unwrap();
    let mut stats = None;
    for _ in 0..50 {
        let s = f
            .app
            .services
            .application_stats(&dev, &f.client.app_id, StatsRange::Hours24)
            .await
            .unwrap();
        if s.call_totals.calls >= 5 {
            stats = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let s = stats.expect("calls are written within seconds");
    assert_eq!((s.call_totals.calls, s.call_totals.errors), (5, 2));
    assert_eq!(s.call_totals.error_permille, Some(400));
    assert!(s.call_totals.p95_ms.is_some());
    assert_eq!(s.calls.iter().map(|c| c.calls).sum::<u64>(), 5);
    let overview = f
        .app
        .services
        .overview_stats(StatsRange::Days7)
        .await
        .unwrap();
    assert_eq!(overview.call_totals.calls, 5);
    assert_eq!(overview.top_by_calls[0].id, f.client.app_id);
    assert_eq!(overview.top_by_calls[0].count, 5);
    let browser = Browser::new(&f.app);
    browser.sign_in("dev", "dev-password-1").await;
    let (_, html) = browser
        .get(&format!("/apps/{}/stats?range=24h", f.client.app_id))
        .await;
    assert!(html.contains("API calls per hour (UTC)"), "{html}");
    assert!(html.contains("error rate 40.0%"));
    assert!(!html.contains("No calls yet"));
}
