//! The cost of signing one ID token with each algorithm Portico offers, on one core, with
//! the claims a password grant's ID token carries. Next to Argon2 (tens of milliseconds
//! per password grant) it is what OpenID Connect adds to a grant.
//! Run: `cargo bench --features ssr --bench jws_sign [-- --seconds=N]`.

use portico::crypto::jws::{generate, JwsSigner, SigningAlgorithm};
use std::time::{Duration, Instant};

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
        let signer = JwsSigner::new(pair.kid, alg, &pair.private_der);
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let started = Instant::now();
        let mut n = 0u64;
        while Instant::now() < deadline {
            std::hint::black_box(signer.sign("JWT", &claims).expect("signed"));
            n += 1;
        }
        let per = started.elapsed().as_secs_f64() * 1e6 / n as f64;
        println!(
            "{} sign_us={per:.1} signatures_per_second={:.0} key_generation_ms={:.1}",
            alg.as_str(),
            1e6 / per,
            keygen.as_secs_f64() * 1e3
        );
    }
}
