//! The REST API's reference, rendered by the portal from its own OpenAPI document: no
//! external script or stylesheet, and it reads the same with JavaScript off.

use super::load_error;
use crate::domain::api_scope::ApiScope;
use crate::server_fns::api_page::rest_reference;
use crate::server_fns::ResourceView;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RestDocs() -> impl IntoView {
    let ops = Resource::new_blocking(|| (), |_| rest_reference());
    view! {
        <Title text="REST API reference · Portico"/>
        <section class="card">
            <h1>"REST API reference"</h1>
            <p>"Everything the portal does, as JSON under " <code>"/api/v1"</code> " on the portal's address. "
               "Authenticate with " <code>"Authorization: Bearer <token>"</code> ": a token from Portico's own token endpoint, "
               "for a user, carrying the scopes of the areas you call. Errors are one JSON shape "
               "(" <code>"code"</code> ", " <code>"message"</code> ", " <code>"request_id"</code> "); lists page with "
               <code>"limit"</code> " and " <code>"cursor"</code> "; updates take " <code>"If-Match"</code> "."</p>
            <p><a class="button ghost small" href="/api/v1/openapi.json">"The OpenAPI 3.1 document"</a></p>
            <h2>"Scopes"</h2>
            <dl class="facts">
                {ApiScope::ALL.into_iter().map(|s| view! {
                    <dt><code>{s.name()}</code></dt>
                    <dd>{s.description()} {s.admins_only().then_some(" (administrators only)")}</dd>
                }).collect_view()}
            </dl>
        </section>
        <Suspense fallback=|| "Loading…">
            {move || Suspend::new(async move {
                match ops.await {
                    Ok(ops) => view! { <section class="card"><h2>"Operations"</h2>{ops.into_iter().map(|op| view! { <Operation op/> }).collect_view()}</section> }.into_any(),
                    Err(e) => load_error(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Operation(op: ResourceView) -> impl IntoView {
    view! {
        <article class="operation" id=op.id.clone()>
            <h3><code>{format!("{} {}", op.method, op.path)}</code></h3>
            <p>{op.summary}</p>
            <p class="hint">{if op.scopes.is_empty() { "Any valid token".to_owned() } else { format!("Scope: {}", op.scopes.join(" or ")) }}</p>
            {(!op.parameters.is_empty()).then(|| view! {
                <div class="table-wrap"><table>
                    <thead><tr><th scope="col">"Parameter"</th><th scope="col">"In"</th><th scope="col">"Description"</th></tr></thead>
                    <tbody>
                        {op.parameters.into_iter().map(|p| view! {
                            <tr>
                                <td><code>{p.name}</code>{p.required.then_some(" (required)")}</td>
                                <td>{p.location}</td>
                                <td>{p.description}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table></div>
            })}
        </article>
    }
}
