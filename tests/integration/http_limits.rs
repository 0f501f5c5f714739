//! Slow and greedy clients: header and request deadlines, the connection cap, and a
//! slowloris crowd that must not keep an honest token request from its answer. Only
//! loopback is used; every loop is bounded.

use crate::support::app::spawn_with;
use crate::support::Backend;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection; how long that took, or `None` if it
/// was still open after `within`.
async fn closed_within(s: &mut TcpStream, within: Duration) -> Option<(Duration, Vec<u8>)> {
    let started = Instant::now();
    let mut seen = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok().map(|_| (started.elapsed(), seen))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_trickles_its_headers_is_cut_off() {
    let app = spawn_with(Backend::Sqlite, |c| c.server.header_timeout_seconds = 1)
        .await
        .unwrap();
    let mut s = TcpStream::connect(("127.0.0.1", app.ports.gateway_http))
        .await
        .unwrap();
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let closed = closed_within(&mut s, Duration::from_secs(5)).await;
    let (after, _) = closed.expect("the server closes a connection whose headers never end");
    assert!(after < Duration::from_secs(4), "{after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_body_never_ends_gets_408() {
    let app = spawn_with(Backend::Sqlite, |c| c.server.request_timeout_seconds = 1)
        .await
        .unwrap();
    let mut s = TcpStream::connect(("127.0.0.1", app.ports.gateway_http))
        .await
        .unwrap();
    s.write_all(
        b"POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 100\r\n\r\ngrant_type",
    )
    .await
    .unwrap();
    let (_, seen) = closed_within(&mut s, Duration::from_secs(5))
        .await
        .expect("answered and closed");
    let text = String::from_utf8_lossy(&seen);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"invalid_request\""), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_are_closed_on_arrival() {
    let app = spawn_with(Backend::Sqlite, |c| c.server.max_connections = 4)
        .await
        .unwrap();
    let port = app.ports.gateway_http;
    // Each held connection is answered once (and kept alive), so all four are accepted
    // before the fifth arrives: two runtimes accept in parallel, in no fixed order.
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut conn = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        conn.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut first = [0u8; 12];
        tokio::time::timeout(Duration::from_secs(10), conn.read_exact(&mut first))
            .await
            .expect("answered")
            .unwrap();
        assert_eq!(&first, b"HTTP/1.1 200");
        held.push(conn);
    }
    let mut extra = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let _ = extra
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let (_, seen) = closed_within(&mut extra, Duration::from_secs(5))
        .await
        .expect("the fifth connection is closed");
    assert!(seen.is_empty(), "closed without an answer");
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let res = reqwest::get(app.gateway_http("/health")).await.unwrap();
    assert_eq!(res.status(), 200, "room again once the others closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slowloris_crowd_does_not_stop_a_token_request() {
    let app = spawn_with(Backend::Sqlite, |c| c.server.header_timeout_seconds = 2)
        .await
        .unwrap();
    app.user("alice", "alice-password").await;
    let c = app.client("alice", "password").await;
    let port = app.ports.gateway_http;
    // 300 connections, each sending one header byte a second for three seconds.
    let crowd: Vec<_> = (0..300)
        .map(|_| {
            tokio::spawn(async move {
                let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)).await else {
                    return;
                };
                let _ = s.write_all(b"POST /token HTTP/1.1\r\n").await;
                for _ in 0..3 {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    if s.write_all(b"X").await.is_err() {
                        return;
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let res = app.password_grant(&c, "alice", "alice-password").await;
    assert_eq!(res.status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    for task in crowd {
        task.await.unwrap();
    }
}
