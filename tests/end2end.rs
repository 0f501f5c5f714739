//! Runs the Playwright suite in `end2end/` against the release build with its client
//! bundle, on a fresh SQLite database, in Debian's Chromium. Needs
//! `cargo leptos build --release --precompress` first (README command 2 does it). Outside CI a missing
//! prerequisite skips the suite with a message; in CI it fails.

// Shared with the integration suite, of which this target uses a part.
#[allow(dead_code)]
#[path = "integration/support/process.rs"]
mod process;

use process::{command_for, free_offset, Portico};
use std::path::{Path, PathBuf};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("target"))
}

/// Where `cargo leptos build` left the site (it honours `CARGO_TARGET_DIR`).
fn site_root() -> Option<PathBuf> {
    [
        target_dir().join("site"),
        manifest_dir().join("target/site"),
    ]
    .into_iter()
    .find(|p| p.join("pkg/portico.wasm").is_file())
}

fn missing(what: &str) -> bool {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(!in_ci, "end2end prerequisite missing in CI: {what}");
    eprintln!("skipping end2end: {what}");
    true
}

/// The release binary and the site `cargo leptos build --release --precompress` left.
fn release_build() -> Option<(PathBuf, PathBuf)> {
    let binary = target_dir().join("release/portico");
    let Some(site) = site_root() else {
        missing("no client bundle; run `cargo leptos build --release --precompress`");
        return None;
    };
    if !binary.is_file()
        && missing("no release binary; run `cargo leptos build --release --precompress`")
    {
        return None;
    }
    Some((binary, site))
}

#[test]
fn playwright_journeys_pass_in_chromium() {
    let end2end = manifest_dir().join("end2end");
    let Some((binary, site)) = release_build() else {
        return;
    };
    if !Path::new("/usr/bin/chromium").is_file() && missing("/usr/bin/chromium is not installed") {
        return;
    }
    if !end2end.join("node_modules/@playwright/test").is_dir()
        && missing("end2end/node_modules missing; run `npm ci` in end2end/")
    {
        return;
    }

    let dir = tempfile::tempdir().unwrap();
    let offset = free_offset();
    let password = "admin-e2e-password";
    let mut cmd = command_for(&binary, dir.path());
    cmd.env("PORTICO_SERVER__OFFSET", offset.to_string())
        .env("PORTICO_ADMIN_PASSWORD", password)
        .env("LEPTOS_SITE_ROOT", &site);
    let server = Portico::start(cmd);
    let portal = format!("https://localhost:{}", 9443 + offset);
    let home = reqwest::blocking::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap()
        .get(&portal)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        home.contains("/pkg/portico"),
        "the release build serves the hydration scripts"
    );

    let status = std::process::Command::new("npx")
        .args(["playwright", "test"])
        .current_dir(&end2end)
        .env("PORTICO_PORTAL_URL", &portal)
        .env(
            "PORTICO_GATEWAY_URL",
            format!("https://localhost:{}", 8243 + offset),
        )
        .env("PORTICO_ADMIN_PASSWORD", password)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .status()
        .expect("npx runs");
    drop(server);
    assert!(
        status.success(),
        "Playwright journeys failed; see end2end/test-results"
    );
}

/// The release binary copied alone to an empty folder: no `target/site` beside it, yet
/// the portal hydrates from the bundle built into it (`build.rs`, `http::bundle`).
#[test]
fn the_release_binary_alone_serves_the_hydrated_portal() {
    let Some((built, site)) = release_build() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("portico");
    std::fs::copy(&built, &binary).unwrap();
    let offset = free_offset();
    let mut cmd = command_for(&binary, dir.path());
    cmd.env("PORTICO_SERVER__OFFSET", offset.to_string())
        .env("LEPTOS_SITE_ROOT", dir.path().join("no-site-here"));
    let server = Portico::start(cmd);
    let http = reqwest::blocking::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let portal = format!("https://localhost:{}", 9443 + offset);
    let home = http.get(&portal).send().unwrap().text().unwrap();
    assert!(
        home.contains("/pkg/portico.js"),
        "the page asks for the bundle"
    );
    for (file, content_type) in [
        ("portico.wasm", "application/wasm"),
        ("portico.js", "text/javascript"),
    ] {
        let res = http.get(format!("{portal}/pkg/{file}")).send().unwrap();
        assert_eq!(res.status(), 200, "{file}");
        let served_type = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(
            served_type.starts_with(content_type),
            "{file}: {served_type}"
        );
        let bytes = res.bytes().unwrap();
        let built = std::fs::read(site.join("pkg").join(file)).unwrap();
        assert!(
            bytes[..] == built[..],
            "{file} is the bundle that was built"
        );
    }
    server.terminate();
}
