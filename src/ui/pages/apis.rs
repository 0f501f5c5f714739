//! The API catalogue: published APIs with their resources and scopes, and subscribing an
//! application to one.

use super::load_error;
use crate::server_fns::subscriptions::{get_catalogue, Subscribe};
use crate::server_fns::{ApiView, Catalogue, ResourceView};
use crate::ui::components::{Notice, PostForm};
use crate::ui::layout::SignedIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn Apis() -> impl IntoView {
    let catalogue = Resource::new_blocking(|| (), |_| get_catalogue());
    view! {
        <Title text="APIs · Portico"/>
        <SignedIn>
            <h1>"APIs"</h1>
            <Notice param="subscribed" text="Subscribed. Tokens of that application can now call the API."/>
            <Suspense fallback=|| "Loading…">
                {move || Suspend::new(async move {
                    match catalogue.await {
                        Ok(c) if c.apis.is_empty() => view! {
                            <p class="card muted">"No APIs are published yet."</p>
                        }.into_any(),
                        Ok(c) => view! { <CatalogueBody c/> }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

#[component]
fn CatalogueBody(c: Catalogue) -> impl IntoView {
    let Catalogue {
        apis,
        apps,
        subscribed,
        gateway_url,
    } = c;
    apis.into_iter()
        .map(|api| {
            let open: Vec<(String, String)> = apps
                .iter()
                .filter(|(app, _)| !subscribed.contains(&(app.clone(), api.id.clone())))
                .cloned()
                .collect();
            let mine: Vec<String> = apps
                .iter()
                .filter(|(app, _)| subscribed.contains(&(app.clone(), api.id.clone())))
                .map(|(_, name)| name.clone())
                .collect();
            let base = format!("{gateway_url}{}", api.context);
            view! { <ApiCard api base open mine/> }
        })
        .collect_view()
}

#[component]
fn ApiCard(
    api: ApiView,
    base: String,
    open: Vec<(String, String)>,
    mine: Vec<String>,
) -> impl IntoView {
    let heading = format!("api-{}", api.id);
    let labelled_by = heading.clone();
    let select_id = format!("app-for-{}", api.id);
    view! {
        <section class="card api" aria-labelledby=labelled_by>
            <h2 id=heading><a href=format!("/apis/{}", api.id)>{api.name.clone()}</a> " " <span class="muted">{api.version.clone()}</span></h2>
            {(!api.description.is_empty()).then(|| view! { <div class="prose" inner_html=api.description_html.clone()></div> })}
            <p>"Base URL: " <code>{base}</code></p>
            <Resources resources=api.resources.clone()/>
            {(!mine.is_empty()).then(|| view! {
                <p class="hint">"Subscribed: " {mine.join(", ")}</p>
            })}
            {if open.is_empty() {
                view! { <p class="hint">"All your applications are subscribed, or you have none yet: "
                    <a href="/apps">"applications"</a></p> }.into_any()
            } else {
                view! {
                    <PostForm action=Subscribe::PATH class="inline-form" label=format!("Subscribe to {}", api.name)>
                        <input type="hidden" name="api_id" value=api.id.clone()/>
                        <label for=select_id.clone()>"Application"</label>
                        <select id=select_id name="app_id">
                            {open.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                        <button class="button" type="submit">"Subscribe"</button>
                    </PostForm>
                }.into_any()
            }}
        </section>
    }
}

/// The resources of an API with the scopes that may call each.
#[component]
pub fn Resources(resources: Vec<ResourceView>) -> impl IntoView {
    if resources.is_empty() {
        return view! { <p class="muted">"No resources yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap"><table>
            <thead><tr><th scope="col">"Method"</th><th scope="col">"Path"</th><th scope="col">"Scopes (any one)"</th></tr></thead>
            <tbody>
                {resources.into_iter().map(|r| view! {
                    <tr>
                        <td><code>{r.method}</code></td>
                        <td><code>{r.path}</code></td>
                        <td>{if r.scopes.is_empty() { "none needed".to_owned() } else { r.scopes.join(", ") }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}
