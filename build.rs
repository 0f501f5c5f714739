//! Embeds the client bundle in release builds of the server when `cargo leptos build
//! --release --precompress` has produced it, so the binary alone serves a hydrated
//! portal. (`--precompress` is what makes cargo-leptos 0.3.8 build the bundle before the
//! server; without it the two are built at once and the server finds no bundle yet.) Debug builds and builds without a bundle read `target/site` from disk
//! at run time, as before.

use std::path::Path;

const FILES: [&str; 3] = ["portico.js", "portico.wasm", "portico.css"];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(portico_bundle)");
    println!("cargo::rerun-if-changed=build.rs");
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let server = std::env::var_os("CARGO_FEATURE_SSR").is_some();
    if !(release && server) {
        return;
    }
    let pkg = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/site/pkg");
    // Watched whether or not it is there yet: a bundle built later rebuilds the server.
    println!("cargo::rerun-if-changed={}", pkg.display());
    if FILES.iter().all(|f| pkg.join(f).is_file()) {
        println!("cargo::rustc-cfg=portico_bundle");
    }
}
