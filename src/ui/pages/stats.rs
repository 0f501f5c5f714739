//! Statistics: an application's tab (owner or admin) and the admin overview. Ranges are
//! plain links, so the pages work the same without JavaScript.

use super::app::AppTabs;
use super::load_error;
use crate::domain::stats::{
    AppRanking, ApplicationStats, CallBucket, CallTotals, OverviewStats, StatsRange, TokenBucket,
    HOUR,
};
use crate::domain::{format_day, format_utc};
use crate::server_fns::stats::{get_app_stats, get_overview_stats};
use crate::ui::components::{BarChart, Series};
use crate::ui::layout::SignedIn;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn bucket_label(start: i64, bucket_seconds: i64) -> String {
    if bucket_seconds == HOUR {
        format_utc(start)[11..16].to_owned()
    } else {
        format_day(start)[5..].to_owned()
    }
}

#[component]
fn RangePicker(base: String, current: StatsRange) -> impl IntoView {
    view! {
        <nav class="range-picker" aria-label="Time range">
            {StatsRange::ALL.into_iter().map(|r| {
                let here = r == current;
                view! {
                    <a href=format!("{base}?range={}", r.as_str()) class:active=here
                        aria-current=here.then_some("page")>{r.label()}</a>
                }
            }).collect_view()}
        </nav>
    }
}

#[component]
fn Tile(label: &'static str, value: u64, #[prop(optional)] note: Option<String>) -> impl IntoView {
    view! {
        <div class="tile">
            <span class="tile-label">{label}</span>
            <strong class="tile-value">{value}</strong>
            {note.map(|n| view! { <span class="hint">{n}</span> })}
        </div>
    }
}

/// Tokens issued by grant type and failed grants, one bar per bucket.
#[component]
fn TokenCharts(tokens: Vec<TokenBucket>, bucket_seconds: i64) -> impl IntoView {
    let labels: Vec<String> = tokens
        .iter()
        .map(|b| bucket_label(b.start, bucket_seconds))
        .collect();
    let per = if bucket_seconds == HOUR {
        "hour"
    } else {
        "day"
    };
    let issued = tokens
        .iter()
        .map(|b| vec![b.password, b.refresh_token, b.client_credentials])
        .collect();
    let failed = tokens.iter().map(|b| vec![b.failed]).collect();
    view! {
        <div class="grid two">
            <section class="card">
                <BarChart id="tokens-chart" title=format!("Tokens issued per {per} (UTC)")
                    series=vec![
                        Series { name: "Password", class: "s1" },
                        Series { name: "Refresh", class: "s2" },
                        Series { name: "Client credentials", class: "s3" },
                    ]
                    labels=labels.clone() values=issued/>
            </section>
            <section class="card">
                <BarChart id="failed-chart" title=format!("Failed grants per {per} (UTC)")
                    series=vec![Series { name: "Failed", class: "s4" }]
                    labels values=failed/>
            </section>
        </div>
    }
}

/// Gateway calls: totals, error rate, p95 latency and a chart, or "no calls yet".
#[component]
fn Calls(totals: CallTotals, calls: Vec<CallBucket>, bucket_seconds: i64) -> impl IntoView {
    if totals.calls == 0 {
        return view! {
            <section class="card" aria-labelledby="calls">
                <h2 id="calls">"API calls"</h2>
                <p class="muted">"No calls yet. Calls made through the gateway appear here with their error rate and latency."</p>
            </section>
        }
        .into_any();
    }
    let per = if bucket_seconds == HOUR {
        "hour"
    } else {
        "day"
    };
    let labels = calls
        .iter()
        .map(|b| bucket_label(b.start, bucket_seconds))
        .collect();
    let values = calls
        .iter()
        .map(|b| vec![b.calls - b.errors, b.errors])
        .collect();
    let rate = totals
        .error_permille
        .map(|p| format!("{}.{}%", p / 10, p % 10))
        .unwrap_or_default();
    let p95 = totals
        .p95_ms
        .map(|p| format!("≤ {p} ms"))
        .unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="calls">
            <h2 id="calls">"API calls"</h2>
            <div class="tiles">
                <Tile label="Calls" value=totals.calls/>
                <Tile label="Errors" value=totals.errors note=format!("error rate {rate}")/>
                <div class="tile">
                    <span class="tile-label">"p95 latency"</span>
                    <strong class="tile-value">{p95}</strong>
                    <span class="hint">"backend time to first byte"</span>
                </div>
            </div>
            <BarChart id="calls-chart" title=format!("API calls per {per} (UTC)")
                series=vec![
                    Series { name: "Succeeded", class: "s1" },
                    Series { name: "Errors", class: "s4" },
                ]
                labels values/>
        </section>
    }
    .into_any()
}

fn range_from_query() -> impl Fn() -> String + Copy {
    let query = use_query_map();
    move || query.read().get("range").unwrap_or_default()
}

#[component]
pub fn AppStats() -> impl IntoView {
    let params = use_params_map();
    let range = range_from_query();
    let key = move || (params.read().get("id").unwrap_or_default(), range());
    let stats = Resource::new_blocking(key, |(id, range)| get_app_stats(id, range));
    view! {
        <SignedIn>
            <Suspense fallback=|| "Loading…">
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(s) => view! { <AppStatsBody s/> }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

#[component]
fn AppStatsBody(s: ApplicationStats) -> impl IntoView {
    let id = s.application.id.clone();
    let base = format!("/apps/{id}/stats");
    view! {
        <Title text=format!("Statistics · {} · Portico", s.application.name)/>
        <p class="crumbs"><a href="/apps">"Applications"</a> " / " {s.application.name.clone()}</p>
        <h1>{s.application.name.clone()}</h1>
        <AppTabs id=id.clone() current="stats"/>
        <RangePicker base current=s.range/>
        <p class="muted">"From " {format_utc(s.from)} " to " {format_utc(s.to)}</p>
        <div class="tiles">
            <Tile label="Registered users" value=s.registered_users
                note=format!("{} new in this range", s.new_users)/>
            <Tile label="Tokens issued" value=s.totals.issued/>
            <Tile label="Failed grants" value=s.totals.failed/>
            <Tile label="Revocations" value=s.totals.revoked/>
        </div>
        <TokenCharts tokens=s.tokens bucket_seconds=s.bucket_seconds/>
        <Calls totals=s.call_totals calls=s.calls bucket_seconds=s.bucket_seconds/>
        <section class="card" aria-labelledby="users">
            <h2 id="users">"Registered users"</h2>
            <p class="hint">"Users who obtained a token for this application with the password grant, from the API or this portal."</p>
            <p class="actions">
                <a class="button ghost small" href=format!("/api/stats/applications/{id}/users.csv") download="">"Download CSV"</a>
                <a class="button ghost small" href=format!("/api/stats/applications/{id}?range={}", s.range.as_str())>"JSON"</a>
            </p>
            {if s.users.is_empty() {
                view! { <p class="muted">"No registered users yet."</p> }.into_any()
            } else {
                let shown = s.users.len() as u64;
                view! {
                    {(shown < s.registered_users).then(|| view! {
                        <p class="hint">{format!("The {shown} most recently active of {}; the CSV has them all.", s.registered_users)}</p>
                    })}
                    <div class="table-wrap">
                        <table>
                            <thead><tr><th>"User"</th><th>"First token"</th><th>"Last token"</th><th>"Tokens"</th><th>"Grants"</th></tr></thead>
                            <tbody>
                                {s.users.into_iter().map(|u| view! {
                                    <tr>
                                        <td>{u.username}</td>
                                        <td>{format_utc(u.first_token_at)}</td>
                                        <td>{format_utc(u.last_token_at)}</td>
                                        <td>{u.tokens}</td>
                                        <td>{u.grants.replace('_', " ")}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn AdminStats() -> impl IntoView {
    let range = range_from_query();
    let stats = Resource::new_blocking(range, get_overview_stats);
    view! {
        <Title text="Statistics · Admin · Portico"/>
        <SignedIn admin=true>
            <super::admin::AdminNav current="stats"/>
            <Suspense fallback=|| "Loading…">
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(s) => view! { <OverviewBody s/> }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

#[component]
fn OverviewBody(s: OverviewStats) -> impl IntoView {
    view! {
        <RangePicker base="/admin/stats".into() current=s.range/>
        <p class="muted">"All applications, from " {format_utc(s.from)} " to " {format_utc(s.to)}</p>
        <div class="tiles">
            <Tile label="Registered users" value=s.registered_users
                note="across applications, all time".into()/>
            <Tile label="Tokens issued" value=s.totals.issued/>
            <Tile label="Failed grants" value=s.totals.failed/>
            <Tile label="Revocations" value=s.totals.revoked/>
        </div>
        <TokenCharts tokens=s.tokens bucket_seconds=s.bucket_seconds/>
        <section class="card" aria-labelledby="top-users">
            <h2 id="top-users">"Top applications by registered users"</h2>
            <Ranking rows=s.top_by_users what="Registered users" empty="No application has registered users yet."/>
        </section>
        <Calls totals=s.call_totals calls=s.calls bucket_seconds=s.bucket_seconds/>
        <section class="card" aria-labelledby="top-calls">
            <h2 id="top-calls">"Top applications by API calls"</h2>
            <Ranking rows=s.top_by_calls what="Calls" empty="No calls yet. Calls made through the gateway are ranked here."/>
        </section>
    }
}

#[component]
fn Ranking(rows: Vec<AppRanking>, what: &'static str, empty: &'static str) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    view! {
        <div class="table-wrap"><table>
            <thead><tr><th>"Application"</th><th>"Owner"</th><th>{what}</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|a| view! {
                    <tr>
                        <td><a href=format!("/apps/{}/stats", a.id)>{a.name}</a></td>
                        <td>{a.owner}</td>
                        <td>{a.count}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}
