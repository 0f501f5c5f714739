//! The cost of signing one ID token with each algorithm Portico offers, on one core, with
//! the claims a password grant's ID token carries. Next to Argon2 (tens of milliseconds
//! per password grant) it is what OpenID Connect or a JWT access token adds to a grant.
//! Beside it, the cost of verifying one such JWS from a published key set: what a
//! gateway spends on a JWT access token it has not seen before.
//! Run: `cargo bench --features ssr --bench jws_sign [-- --seconds=N]`.

use portico::crypto::jws::{generate, JwsSigner, SigningAlgorithm};
use portico::crypto::jws_verify::{verify, VerifyingKeys};
use std::time::{Duration, Instant};

/// Runs `f` for `seconds` and returns microseconds per call.
fn per_call(seconds: u64, mut f: impl FnMut()) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut n = 0u64;
    while Instant::now() < deadline {
        f();
        n += 1;
    }
    started.elapsed().as_secs_f64() * 1e6 / n as f64
}

fn main() {
    let seconds: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.strip_prefix("--seconds=").and_then(|s| s.parse().ok()))
        .unwrap_or(3);
    let claims = serde_json::json!({
        "iss": "https://portal.example.com",
        "sub": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        "aud": "q6Vxk3rB8mZ0tYwH2nLpJs4d",
        "azp": "q6Vxk3rB8mZ0tYwH2nLpJs4d",
        "exp": 1_800_003_600,
        "iat": 1_800_000_000,
        "at_hash": "x3fTqk1CwHgR4yU7pQ2mZw",
        "preferred_username": "alice",
    });
    for alg in [
        SigningAlgorithm::RS256,
        SigningAlgorithm::ES256,
        SigningAlgorithm::EdDSA,
    ] {
        let made = Instant::now();
        let pair = generate(alg).expect("a key");
        let keygen = made.elapsed();
        let set = serde_json::json!({ "keys": [pair.public_jwk.clone()] });
        let keys = VerifyingKeys::from_jwks(&serde_json::from_value(set).expect("a key set"));
        let signer = JwsSigner::new(pair.kid, alg, &pair.private_der);
        let per = per_call(seconds, || {
            std::hint::black_box(signer.sign("JWT", &claims).expect("signed"));
        });
        let token = signer.sign("at+jwt", &claims).expect("signed");
        let check = per_call(seconds, || {
            let seen: serde_json::Value = verify(&token, &["at+jwt"], &keys).expect("verified");
            std::hint::black_box(seen);
        });
        println!(
            "{} sign_us={per:.1} signatures_per_second={:.0} verify_us={check:.1} key_generation_ms={:.1}",
            alg.as_str(),
            1e6 / per,
            keygen.as_secs_f64() * 1e3
        );
    }
}
