//! The audit log for administrators: filters in a plain GET form, newest first, 50 a
//! page with a link to older events.

use super::admin::AdminNav;
use super::load_error;
use crate::domain::audit::{Action, AuditEvent};
use crate::domain::format_utc;
use crate::server_fns::admin::audit_events;
use crate::ui::layout::SignedIn;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const FIELDS: [&str; 4] = ["action", "actor", "since", "until"];

/// The areas (`user`) and then every action, for the filter's choices.
fn action_choices() -> Vec<String> {
    let mut areas: Vec<String> = Action::ALL
        .iter()
        .filter_map(|a| a.as_str().split_once('.').map(|(area, _)| area.to_owned()))
        .collect();
    areas.dedup();
    areas.extend(Action::ALL.iter().map(|a| a.as_str().to_owned()));
    areas
}

#[component]
pub fn AdminAudit() -> impl IntoView {
    view! {
        <Title text="Audit log · Admin · Portico"/>
        <SignedIn admin=true>
            <AdminNav current="audit"/>
            <AuditLog/>
        </SignedIn>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let field = move |name: &'static str| move || query.read().get(name).unwrap_or_default();
    let events = Resource::new_blocking(
        move || {
            let q = query.read();
            let get = |n: &str| q.get(n).unwrap_or_default();
            (
                get("action"),
                get("actor"),
                get("since"),
                get("until"),
                get("after"),
            )
        },
        |(action, actor, since, until, after)| audit_events(action, actor, since, until, after),
    );
    let chosen = field("action");
    view! {
        <form method="get" action="/admin/audit" class="search filters" role="search">
            <label for="action">"Action"</label>
            <select id="action" name="action">
                <option value="">"Any"</option>
                {action_choices().into_iter().map(|a| {
                    let selected = a == chosen();
                    view! { <option value=a.clone() selected=selected>{a.clone()}</option> }
                }).collect_view()}
            </select>
            <label for="actor">"Actor"</label>
            <input id="actor" name="actor" value=field("actor") size="12"/>
            <label for="since">"Since"</label>
            <input id="since" name="since" value=field("since") placeholder="2026-12-01 or 24h" size="12"/>
            <label for="until">"Until"</label>
            <input id="until" name="until" value=field("until") placeholder="2026-12-31" size="12"/>
            <button class="button ghost" type="submit">"Filter"</button>
        </form>
        <Suspense fallback=|| "Loading…">
            {move || Suspend::new(async move {
                match events.await {
                    Ok(page) if page.events.is_empty() => view! {
                        <p class="empty">"No audit events match."</p>
                    }.into_any(),
                    Ok(page) => {
                        let older = page.next.map(|next| older_link(&query.read(), &next));
                        view! {
                            <div class="table-wrap"><table class="audit">
                                <thead><tr><th scope="col">"When"</th><th scope="col">"Action"</th>
                                    <th scope="col">"Outcome"</th><th scope="col">"Actor"</th>
                                    <th scope="col">"Address"</th><th scope="col">"Target"</th>
                                    <th scope="col">"Detail"</th></tr></thead>
                                <tbody>{page.events.into_iter().map(row).collect_view()}</tbody>
                            </table></div>
                            {older.map(|href| view! { <p><a class="button ghost" href=href>"Older events →"</a></p> })}
                        }.into_any()
                    }
                    Err(e) => load_error(e),
                }
            })}
        </Suspense>
    }
}

fn row(e: AuditEvent) -> impl IntoView {
    let outcome_class = format!("outcome {}", e.outcome);
    view! {
        <tr>
            <td>{format_utc(e.at)}</td>
            <td><code>{e.action}</code></td>
            <td class=outcome_class>{e.outcome}</td>
            <td>{e.actor}</td>
            <td>{e.address.unwrap_or_default()}</td>
            <td>{e.target}</td>
            <td>{e.detail}</td>
        </tr>
    }
}

/// This page's filters with the cursor of the next page.
fn older_link(query: &leptos_router::params::ParamsMap, next: &str) -> String {
    let mut pairs: Vec<(&str, String)> = FIELDS
        .into_iter()
        .filter_map(|name| query.get(name).filter(|v| !v.is_empty()).map(|v| (name, v)))
        .collect();
    pairs.push(("after", next.to_owned()));
    let encoded: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={}", encode(&v)))
        .collect();
    format!("/admin/audit?{}", encoded.join("&"))
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_older_link_keeps_the_filters_encoded() {
        let mut q = leptos_router::params::ParamsMap::new();
        q.insert("actor", "a b&c".to_owned());
        q.insert("since", String::new());
        let href = super::older_link(&q, "17.0190-ab");
        assert_eq!(href, "/admin/audit?actor=a%20b%26c&after=17.0190-ab");
    }
}
