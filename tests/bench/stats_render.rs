//! Statistics at volume: seeds 1,000,000 token events over 90 days for one application
//! (the worst case: every event on the page being measured), rolls them up as the hourly
//! housekeeping would, then times the real HTTPS page and JSON endpoint with a signed-in
//! owner. Run: `cargo bench --features ssr --bench stats_render [-- --events=N]`; set
//! `PORTICO_BENCH_PG` to another PostgreSQL server URL (default 127.0.0.1, trust auth).

use portico::domain::stats::DAY;
use portico::domain::{GrantTypes, KeyType};
use portico::server::config::Config;
use portico::service::{ApplicationInput, KeyRequest, Services};
use secrecy::SecretString;
use sqlx::any::AnyPoolOptions;
use std::sync::Arc;
use std::time::{Duration, Instant};

const USERS: u64 = 5_000;
const BATCH: usize = 1_000;
const RUNS: usize = 20;

fn arg(name: &str, default: u64) -> u64 {
    std::env::args()
        .find_map(|a| {
            a.strip_prefix(&format!("--{name}="))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(default)
}

/// Writes `events` events for `app_id`, spread evenly over the last 90 days, then the
/// registered-user rows the password grants among them imply.
async fn seed(url: &str, app_id: &str, events: u64, now: i64) -> anyhow::Result<()> {
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await?;
    let span = 90 * DAY;
    let mut i = 0u64;
    while i < events {
        let n = BATCH.min((events - i) as usize);
        let mut sql = String::from(
            "INSERT INTO token_events (id, app_id, key_type, grant_type, user_id, username, outcome, at) VALUES ",
        );
        for k in 0..n {
            let seq = i + k as u64;
            let (grant, outcome, user) = match seq % 20 {
                0..=3 => ("password", "issued", true),
                4..=15 => ("refresh_token", "refreshed", true),
                16..=18 => ("client_credentials", "issued", false),
                _ => ("password", "failed", false),
            };
            let at = now - span + (seq * span as u64 / events) as i64;
            let user = if user {
                let u = seq % USERS;
                format!("'user-{u}', 'user{u}'")
            } else {
                "NULL, NULL".into()
            };
            let sep = if k == 0 { "" } else { "," };
            sql.push_str(&format!(
                "{sep}('{}', '{app_id}', 'production', '{grant}', {user}, '{outcome}', {at})",
                uuid::Uuid::new_v4()
            ));
        }
        sqlx::query(&sql).execute(&pool).await?;
        i += n as u64;
    }
    sqlx::query(
        "INSERT INTO app_users (app_id, user_id, username, first_at, last_at, tokens) \
         SELECT app_id, user_id, MAX(username), MIN(at), MAX(at), COUNT(*) FROM token_events \
         WHERE outcome = 'issued' AND grant_type = 'password' GROUP BY app_id, user_id",
    )
    .execute(&pool)
    .await?;
    // A live server's autovacuum would have analysed the table long before it held a
    // million rows; a bulk load outruns it, and without statistics PostgreSQL scans.
    sqlx::query("ANALYZE").execute(&pool).await?;
    pool.close().await;
    Ok(())
}

async fn fresh_postgres(base: &str) -> anyhow::Result<String> {
    let admin = AnyPoolOptions::new()
        .max_connections(1)
        .connect(base)
        .await?;
    sqlx::query("DROP DATABASE IF EXISTS portico_bench_stats WITH (FORCE)")
        .execute(&admin)
        .await?;
    sqlx::query("CREATE DATABASE portico_bench_stats")
        .execute(&admin)
        .await?;
    admin.close().await;
    let (server, _) = base.rsplit_once('/').unwrap_or((base, ""));
    Ok(format!("{server}/portico_bench_stats"))
}

async fn owner_and_app(services: &Services) -> anyhow::Result<String> {
    let pw = SecretString::from("bench-password-1".to_owned());
    let owner = services
        .create_user("owner", None, &pw, true, false)
        .await?;
    let input = ApplicationInput {
        name: "Busy".into(),
        description: String::new(),
        token_validity: None,
    };
    let app = services.create_application(&owner, input).await?;
    let grants = GrantTypes::parse_list("password,refresh_token,client_credentials")?;
    let request = KeyRequest {
        key_type: KeyType::Production,
        grant_types: grants,
        access_token_validity: None,
        token_type: None,
        callback_urls: Default::default(),
        public_client: false,
        allow_plain_pkce: false,
    };
    services.generate_keys(&app, request).await?;
    Ok(app.id)
}

/// Signs in through the portal's own form, as a browser without JavaScript would.
async fn sign_in(http: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let page = http
        .get(format!("{base}/signin"))
        .send()
        .await?
        .text()
        .await?;
    let marker = "name=\"csrf\" value=\"";
    let at = page
        .find(marker)
        .ok_or_else(|| anyhow::anyhow!("no csrf field"))?
        + marker.len();
    let csrf = &page[at..at + 43];
    let res = http
        .post(format!("{base}/api/sign_in"))
        .header("accept", "text/html")
        .form(&[
            ("csrf", csrf),
            ("username", "owner"),
            ("password", "bench-password-1"),
        ])
        .send()
        .await?;
    anyhow::ensure!(res.status() == 302, "sign-in failed: {}", res.status());
    Ok(())
}

async fn time(http: &reqwest::Client, url: &str, expect: &str) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let res = http.get(url).send().await?;
        anyhow::ensure!(res.status() == 200, "{url}: {}", res.status());
        let body = res.text().await?;
        times.push(started.elapsed());
        anyhow::ensure!(body.contains(expect), "{url} lacks {expect}");
    }
    times.sort();
    Ok(times)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn run(label: &str, url: String, events: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut config = Config::default();
    config.database.url = url.clone();
    config.server.data_dir = dir.path().join("data");
    config.log.level = "warn".into();
    let services = portico::server::services(&config).await?;
    let app_id = owner_and_app(&services).await?;
    let started = Instant::now();
    seed(&url, &app_id, events, services.clock.now()).await?;
    let seeded = started.elapsed();
    let started = Instant::now();
    services.roll_up_statistics().await?;
    let rolled = started.elapsed();
    let running = loop {
        config.server.offset = 20_000 + (std::process::id() as u16 % 20_000);
        match portico::server::start(Arc::new(config.clone()), services.clone()).await {
            Ok(r) => break r,
            Err(portico::server::StartError::Bind { .. }) => continue,
            Err(e) => anyhow::bail!(e),
        }
    };
    let base = format!("https://localhost:{}", running.ports.portal_https);
    let http = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    sign_in(&http, &base).await?;
    println!(
        "\n{label}: {events} events seeded in {}, rolled up in {}",
        ms(seeded),
        ms(rolled)
    );
    println!(
        "{:<34} {:>10} {:>10} {:>10}",
        "request", "p50", "p95", "max"
    );
    for range in ["24h", "7d", "30d", "90d"] {
        for (kind, path, expect) in [
            (
                "page",
                format!("/apps/{app_id}/stats?range={range}"),
                "Registered users",
            ),
            (
                "json",
                format!("/api/stats/applications/{app_id}?range={range}"),
                "registered_users",
            ),
            (
                "admin",
                format!("/admin/stats?range={range}"),
                "Top applications",
            ),
        ] {
            let t = time(&http, &format!("{base}{path}"), expect).await?;
            let name = format!("{kind} {range}");
            println!(
                "{name:<34} {:>10} {:>10} {:>10}",
                ms(t[RUNS / 2]),
                ms(t[RUNS * 95 / 100]),
                ms(t[RUNS - 1])
            );
        }
    }
    running.shutdown().await;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let events = arg("events", 1_000_000);
    let dir = tempfile::tempdir()?;
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    run("SQLite", sqlite, events).await?;
    let pg_base = std::env::var("PORTICO_BENCH_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let pg = fresh_postgres(&pg_base).await?;
    run("PostgreSQL", pg, events).await?;
    Ok(())
}
