//! JWT access tokens across nodes and time: revocation on another node within the same
//! bound as opaque tokens, gateways that keep checking JWTs while the key manager is
//! away, and a signing-key rotation in the middle of a load run.

use crate::backend_cases;
use crate::jwt_access::jwt;
use crate::on_both_backends;
use crate::support::gateway::fixture;
use crate::support::Backend;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

on_both_backends!(
    a_jwt_revoked_on_another_node_is_refused_within_the_bound,
    rotating_the_signing_key_under_load_fails_no_request,
);
backend_cases!(a_gateway_node_checks_jwts_while_the_key_manager_is_down: split => Split);

async fn a_jwt_revoked_on_another_node_is_refused_within_the_bound(b: Backend) {
    let Some(f) = fixture(b, jwt).await else {
        return;
    };
    let token = f.token("read").await;
    assert_eq!(f.call("GET", "/menu", Some(&token)).await.status(), 200);
    f.revoke_elsewhere().await;
    // The bound opaque tokens have (`revocation_watch`): a feed poll and the trust window.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let res = f.call("GET", "/menu", Some(&token)).await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        f.app.services.jwt.revoked_listed(),
        1,
        "listed until it expires"
    );
}

/// The gateway node fetched the key set once; with the key manager stopped, tokens it
/// has never seen still pass, which no opaque token could.
async fn a_gateway_node_checks_jwts_while_the_key_manager_is_down(b: Backend) {
    let Some(mut f) = fixture(b, jwt).await else {
        return;
    };
    let (seen, unseen) = (f.token("read").await, f.token("read").await);
    assert_eq!(f.call("GET", "/order/1", Some(&seen)).await.status(), 200);
    f.app.stop().await;
    let token_call = f
        .gw()
        .password_grant(&f.client, "dev", "dev-password-1")
        .await;
    assert_eq!(token_call.status(), 503, "the key manager is really gone");
    assert_eq!(f.call("GET", "/order/1", Some(&unseen)).await.status(), 200);
    assert_eq!(f.call("PUT", "/order/1", Some(&unseen)).await.status(), 403);
}

/// Client-credentials grants and gateway calls in a loop on four workers while the key
/// is rotated and, after the overlap, takes over: not one request may fail, and tokens
/// of both keys are seen.
async fn rotating_the_signing_key_under_load_fails_no_request(b: Backend) {
    let Some(f) = fixture(b, |c| {
        jwt(c);
        c.oauth.signing.rotation_overlap_seconds = 60;
    })
    .await
    else {
        return;
    };
    let f = Arc::new(f);
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (f, stop) = (f.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let res = f
                    .gw()
                    .token(&f.client, &[("grant_type", "client_credentials")])
                    .await;
                let status = res.status().as_u16();
                let body: serde_json::Value = res.json().await.unwrap_or_default();
                let token = body["access_token"].as_str().unwrap_or_default().to_owned();
                let kid = jsonwebtoken::decode_header(&token).ok().and_then(|h| h.kid);
                let call = f.call("GET", "/menu", Some(&token)).await.status().as_u16();
                outcomes.push((status, call, kid));
            }
            outcomes
        }));
    }
    let s = &f.app.services;
    tokio::time::sleep(Duration::from_millis(800)).await;
    // The workers' first grants made the first key, together.
    let mut first = s.signing_keys().await.unwrap();
    for _ in 0..50 {
        if !first.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        first = s.signing_keys().await.unwrap();
    }
    assert_eq!(
        first.len(),
        1,
        "one first key, however many grants asked at once"
    );
    let old = first.remove(0).kid;
    let new = s.rotate_signing_key().await.unwrap().kid;
    // Published ahead of use: gateways learn the new key before it signs.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    f.advance(61);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    let failed: Vec<_> = all
        .iter()
        .filter(|(t, c, _)| *t != 200 || *c != 200)
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} failed: {:?}",
        failed.len(),
        all.len(),
        &failed[..failed.len().min(5)]
    );
    let signed_by = |kid: &str| all.iter().filter(|o| o.2.as_deref() == Some(kid)).count();
    assert!(
        signed_by(&old) > 0 && signed_by(&new) > 0,
        "old {} new {}",
        signed_by(&old),
        signed_by(&new)
    );
}

on_both_backends!(jwts_pass_with_the_caches_off);

/// `[gateway] cache_seconds = 0`: every JWT is verified again, and still passes.
async fn jwts_pass_with_the_caches_off(b: Backend) {
    let Some(f) = fixture(b, |c| {
        jwt(c);
        c.gateway.cache_seconds = 0;
    })
    .await
    else {
        return;
    };
    let token = f.token("read").await;
    for _ in 0..3 {
        let res = f.call("GET", "/order/1", Some(&token)).await;
        assert_eq!(res.status(), 200, "{:?}", res.text().await);
    }
}
