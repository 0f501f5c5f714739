//! Admin: APIs, their resources and publication.

use super::admin::AdminNav;
use super::apis::Resources;
use super::load_error;
use crate::domain::api::METHODS;
use crate::server_fns::apis::{
    admin_api, admin_apis, AddResource, DeleteApi, DeleteResource, PublishApi, SaveApi,
};
use crate::server_fns::ApiView;
use crate::ui::components::{Field, Notice, PostForm};
use crate::ui::layout::SignedIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AdminApis() -> impl IntoView {
    let apis = Resource::new_blocking(|| (), |_| admin_apis());
    view! {
        <Title text="APIs · Admin · Portico"/>
        <SignedIn admin=true>
            <AdminNav current="apis"/>
            <Notice param="deleted" text="The API was deleted."/>
            <div class="grid two">
                <section class="card" aria-labelledby="api-list">
                    <h2 id="api-list">"APIs"</h2>
                    <p><a class="button ghost small" href="/admin/import">"Import an OpenAPI document"</a></p>
                    <Suspense fallback=|| "Loading…">
                        {move || Suspend::new(async move {
                            match apis.await {
                                Ok(list) if list.is_empty() => view! { <p class="muted">"No APIs yet."</p> }.into_any(),
                                Ok(list) => view! {
                                    <ul class="app-list">
                                        {list.into_iter().map(|a| view! {
                                            <li>
                                                <a href=format!("/admin/apis/{}", a.id)>{a.name} " " {a.version}</a>
                                                <span class="muted"><code>{a.context}</code> " · "
                                                    {if a.published { "published" } else { "not published" }}
                                                    " · " {a.resources.len()} " resources"</span>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any(),
                                Err(e) => load_error(e),
                            }
                        })}
                    </Suspense>
                </section>
                <section class="card" aria-labelledby="new-api">
                    <h2 id="new-api">"Create an API"</h2>
                    <PostForm action=SaveApi::PATH label="Create an API">
                        <ApiFields api=None/>
                        <button class="button" type="submit">"Create"</button>
                    </PostForm>
                </section>
            </div>
        </SignedIn>
    }
}

/// The fields of an API, empty or filled with `api`.
#[component]
fn ApiFields(api: Option<ApiView>) -> impl IntoView {
    let get = |f: fn(&ApiView) -> String| api.as_ref().map(f).unwrap_or_default();
    view! {
        <Field name="name" label="Name" required=true maxlength=70 value=get(|a| a.name.clone())/>
        <Field name="version" label="Version" required=true maxlength=30 value=get(|a| a.version.clone()) hint="e.g. 1.0.0"/>
        <Field name="context" label="Context" required=true value=get(|a| a.context.clone())
            hint="The gateway path, e.g. /pizzashack/1.0.0"/>
        <Field name="backend_url" label="Backend URL" kind="url" required=true
            value=get(|a| a.backend_url.clone().unwrap_or_default()) hint="Where calls are proxied to"/>
        <div class="field">
            <label for="f-description">"Description"</label>
            <textarea id="f-description" name="description" maxlength="4096" rows="4">{get(|a| a.description.clone())}</textarea>
        </div>
    }
}

#[component]
pub fn AdminApi() -> impl IntoView {
    let params = use_params_map();
    let api = Resource::new_blocking(
        move || params.read().get("id").unwrap_or_default(),
        admin_api,
    );
    view! {
        <SignedIn admin=true>
            <AdminNav current="apis"/>
            <Suspense fallback=|| "Loading…">
                {move || Suspend::new(async move {
                    match api.await {
                        Ok(api) => view! { <ApiBody api/> }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

#[component]
fn ApiBody(api: ApiView) -> impl IntoView {
    let hidden = |id: String| view! { <input type="hidden" name="id" value=id/> };
    let deletes = api
        .resources
        .clone()
        .into_iter()
        .map(|r| {
            let label = format!("Delete {} {}", r.method, r.path);
            let api_id = api.id.clone();
            view! {
                <PostForm action=DeleteResource::PATH class="inline" label=label.clone()>
                    <input type="hidden" name="api_id" value=api_id/>
                    <input type="hidden" name="id" value=r.id/>
                    <button class="button ghost small" type="submit">{label}</button>
                </PostForm>
            }
        })
        .collect_view();
    let title = format!("{} · APIs · Admin · Portico", api.name);
    let crumb = format!("{} {}", api.name, api.version);
    let status = if api.published {
        "Published: listed in the portal and routed by the gateway."
    } else {
        "Not published: hidden from developers and not routed."
    };
    let (toggle, toggle_label) = if api.published {
        ("off", "Unpublish")
    } else {
        ("on", "Publish")
    };
    let resources = api.resources.clone();
    let [id1, id2, id3, id4] = [0; 4].map(|_| api.id.clone());
    view! {
        <Title text=title/>
        <p class="crumbs"><a href="/admin/apis">"APIs"</a> " / " {crumb}</p>
        <Notice param="saved" text="Saved. The gateway uses it at once."/>
        <Notice param="imported" text="Imported. The API's resources now follow the document."/>
        <p><a class="button ghost small" href=format!("/admin/import?api={}", api.id)>"Re-import from an OpenAPI document"</a></p>
        <section class="card">
            <h2>"Publication"</h2>
            <p>{status}</p>
            <PostForm action=PublishApi::PATH label="Publication">
                {hidden(id1)}
                <input type="hidden" name="published" value=toggle/>
                <button class="button" type="submit">{toggle_label}</button>
            </PostForm>
        </section>
        <section class="card" aria-labelledby="resources">
            <h2 id="resources">"Resources"</h2>
            <Resources resources/>
            {deletes}
            <h3>"Add a resource"</h3>
            <PostForm action=AddResource::PATH label="Add a resource">
                <input type="hidden" name="api_id" value=id2/>
                <div class="field">
                    <label for="f-method">"Method"</label>
                    <select id="f-method" name="method">
                        {METHODS.into_iter().map(|m| view! { <option value=m>{m}</option> }).collect_view()}
                    </select>
                </div>
                <Field name="path" label="Path" required=true hint="Relative to the context: /order/{orderId}, /menu or /files/*"/>
                <Field name="scopes" label="Scopes" hint="Comma-separated; any one lets a token through. Empty: no scope needed"/>
                <button class="button" type="submit">"Add resource"</button>
            </PostForm>
        </section>
        <div class="grid two">
            <section class="card">
                <h2>"Details"</h2>
                <PostForm action=SaveApi::PATH label="Edit API">
                    {hidden(id3)}
                    <ApiFields api=Some(api)/>
                    <button class="button" type="submit">"Save"</button>
                </PostForm>
            </section>
            <section class="card danger-zone">
                <h2>"Delete API"</h2>
                <p>"Deleting removes its resources and every subscription to it. This cannot be undone."</p>
                <PostForm action=DeleteApi::PATH label="Delete API">
                    {hidden(id4)}
                    <Field name="confirm_name" label="Type the API's name to confirm" required=true/>
                    <button class="button danger" type="submit">"Delete API"</button>
                </PostForm>
            </section>
        </div>
    }
}
