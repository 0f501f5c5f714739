//! Page rendering while other servers start in the same process: Leptos suppresses every
//! resource load process-wide while it walks the app to list its routes, so a page whose
//! data began loading in that window never finished (its request hung for good).

use crate::support::{spawn_app, Backend};
use std::time::Duration;

/// Long enough for a debug build on a loaded machine, far below a hung request.
const PAGE_BOUND: Duration = Duration::from_secs(10);
/// Servers started beside the renders: before the fix, about half the runs hung.
const STARTS: usize = 16;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_servers_start() {
    let app = spawn_app(Backend::Sqlite).await.expect("sqlite app");
    let (browser, id) = crate::portal_apps::signed_in_with_app(&app, "alice").await;
    let overview = format!("/apps/{id}");
    let keys = format!("/apps/{id}/keys/production");
    let starting = tokio::spawn(async {
        let mut servers = Vec::new();
        for _ in 0..STARTS {
            servers.push(spawn_app(Backend::Sqlite).await.expect("another server"));
        }
        servers.len()
    });
    let mut rendered = 0;
    while !starting.is_finished() {
        // Each page loads its data as a resource, which the route listing would suspend.
        for page in ["/apps", &overview, &keys] {
            let res = tokio::time::timeout(PAGE_BOUND, browser.get(page)).await;
            let (status, html) = res.unwrap_or_else(|_| {
                panic!("{page} did not render within {PAGE_BOUND:?} while servers started")
            });
            assert_eq!(status, 200, "{page}: {html}");
            assert!(html.contains("Pizza"), "{page} shows its data: {html}");
            rendered += 1;
        }
    }
    assert_eq!(starting.await.unwrap(), STARTS);
    assert!(rendered > 0, "pages rendered while the servers started");
}
