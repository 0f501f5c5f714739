//! Admin: importing an OpenAPI 3.0/3.1 document into a new or an existing API, with a
//! preview of the changes before they apply.

use super::admin::AdminNav;
use super::load_error;
use crate::server_fns::api_import::{
    load_import_preview, ApplyImport, DiscardImport, UploadImport,
};
use crate::server_fns::ImportPreview;
use crate::ui::components::{Field, PostForm};
use crate::ui::layout::SignedIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The upload form; `?api=<id>` re-imports into that API.
#[component]
pub fn AdminImport() -> impl IntoView {
    let target = use_query_map()
        .read_untracked()
        .get("api")
        .unwrap_or_default();
    let updating = !target.is_empty();
    let target = StoredValue::new(target);
    view! {
        <Title text="Import OpenAPI · Admin · Portico"/>
        <SignedIn admin=true>
            <AdminNav current="apis"/>
            <p class="crumbs"><a href="/admin/apis">"APIs"</a> " / Import OpenAPI"</p>
            <section class="card">
                <h1>{if updating { "Re-import an OpenAPI document" } else { "Import an OpenAPI document" }}</h1>
                <p>"OpenAPI 3.0 or 3.1, JSON or YAML, up to 2 MiB. Each operation becomes a resource; "
                   "the scopes of its OAuth2 security requirements become the resource's scopes. "
                   "You see every change before anything is applied."</p>
                <PostForm action=UploadImport::PATH label="Import OpenAPI" enctype="multipart/form-data">
                    <input type="hidden" name="api_id" value=target.get_value()/>
                    <div class="field">
                        <label for="f-file">"Document file"</label>
                        <input id="f-file" name="file" type="file" accept=".json,.yaml,.yml,application/json,application/yaml"/>
                    </div>
                    <div class="field">
                        <label for="f-text">"… or paste it"</label>
                        <textarea id="f-text" name="text" rows="6" spellcheck="false"></textarea>
                    </div>
                    <Field name="context" label="Context" hint=if updating {
                        "Empty keeps the API's context"
                    } else {
                        "The gateway path it is served under, e.g. /petstore/v3"
                    }/>
                    <Field name="backend_url" label="Backend URL" kind="url" hint="Empty: the API's current backend, else the document's first absolute server URL"/>
                    <button class="button" type="submit">"Preview the import"</button>
                </PostForm>
            </section>
        </SignedIn>
    }
}

#[component]
pub fn AdminImportPreview() -> impl IntoView {
    let params = use_params_map();
    let preview = Resource::new_blocking(
        move || params.read().get("id").unwrap_or_default(),
        load_import_preview,
    );
    view! {
        <Title text="Import preview · Admin · Portico"/>
        <SignedIn admin=true>
            <AdminNav current="apis"/>
            <p class="crumbs"><a href="/admin/apis">"APIs"</a> " / Import preview"</p>
            <Suspense fallback=|| "Loading…">
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(p) => view! { <PreviewBody p/> }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

fn list(class: &'static str, items: Vec<String>) -> impl IntoView {
    view! { <ul class=class>{items.into_iter().map(|i| view! { <li><code>{i}</code></li> }).collect_view()}</ul> }
}

#[component]
fn PreviewBody(p: ImportPreview) -> impl IntoView {
    let heading = match &p.target {
        Some((_, name, _)) => format!("Changes to {name}"),
        None => "A new API".to_owned(),
    };
    let revision = p
        .target
        .as_ref()
        .map(|t| t.2.to_string())
        .unwrap_or_default();
    let again = match &p.target {
        Some((id, _, _)) => format!("/admin/import?api={id}"),
        None => "/admin/import".to_owned(),
    };
    let (id1, id2) = (p.draft_id.clone(), p.draft_id.clone());
    let problems = p.problems.len();
    view! {
        <section class="card">
            <h1>{heading}</h1>
            {(problems > 0).then(|| view! {
                <div class="notice error" role="alert">
                    <p>{format!("The document has {problems} problem(s); nothing can be applied until they are fixed:")}</p>
                    {list("problems", p.problems.clone())}
                </div>
                <a class="button" href=again.clone()>"Upload a corrected document"</a>
            })}
            {(problems == 0).then(|| view! {
                <h2>"What changes"</h2>
                {if p.changes.is_empty() {
                    view! { <p class="muted">"Nothing: the API already matches the document."</p> }.into_any()
                } else {
                    list("changes", p.changes.clone()).into_any()
                }}
                {(!p.new_scopes.is_empty()).then(|| view! {
                    <h2>"New scopes"</h2>
                    <ul>{p.new_scopes.clone().into_iter().map(|(n, d)| view! { <li><code>{n}</code> " " <span class="muted">{d}</span></li> }).collect_view()}</ul>
                })}
                {(!p.warnings.is_empty()).then(|| view! {
                    <h2>"Worth knowing"</h2>
                    {list("warnings", p.warnings.clone())}
                })}
                <PostForm action=ApplyImport::PATH label="Apply the import" class="inline">
                    <input type="hidden" name="id" value=id1/>
                    <input type="hidden" name="revision" value=revision/>
                    <button class="button" type="submit">"Apply"</button>
                </PostForm>
            })}
            <PostForm action=DiscardImport::PATH label="Discard the import" class="inline">
                <input type="hidden" name="id" value=id2/>
                <button class="button ghost" type="submit">"Discard"</button>
            </PostForm>
        </section>
    }
}
