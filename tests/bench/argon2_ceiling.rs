//! The raw Argon2id ceiling on this machine: verifications per second with Portico's
//! parameters (m = 19456 KiB, t = 2, p = 1) on one thread per core. The token benchmark
//! compares the password grant against this number. Run: `cargo bench --features ssr`.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::time::{Duration, Instant};

fn main() {
    let seconds: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.strip_prefix("--seconds=").and_then(|s| s.parse().ok()))
        .unwrap_or(10);
    let argon = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19_456, 2, 1, None).unwrap(),
    );
    let salt = SaltString::encode_b64(b"portico-bench-salt").unwrap();
    let hash = argon
        .hash_password(b"benchmark password", &salt)
        .unwrap()
        .to_string();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let total: u64 = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (argon, hash) = (argon.clone(), hash.clone());
                s.spawn(move || {
                    let parsed = PasswordHash::new(&hash).unwrap();
                    let mut n = 0u64;
                    while Instant::now() < deadline {
                        argon
                            .verify_password(b"benchmark password", &parsed)
                            .unwrap();
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    let rate = total as f64 / started.elapsed().as_secs_f64();
    println!("argon2id_verifications_per_second={rate:.1} threads={threads}");
}
