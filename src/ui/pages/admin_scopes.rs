//! Admin: scopes and the roles allowed to obtain them.

use super::admin::AdminNav;
use super::load_error;
use crate::server_fns::apis::{admin_scopes, SaveScope};
use crate::server_fns::ScopeView;
use crate::ui::components::{Field, Notice, PostForm};
use crate::ui::layout::SignedIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn AdminScopes() -> impl IntoView {
    let scopes = Resource::new_blocking(|| (), |_| admin_scopes());
    view! {
        <Title text="Scopes · Admin · Portico"/>
        <SignedIn admin=true>
            <AdminNav current="scopes"/>
            <Notice param="saved" text="Saved. New tokens follow it; issued tokens keep their scopes."/>
            <p class="hint">"A scope with roles is granted by the password grant only to users holding one of them, and never to application tokens; a scope without roles to anyone who asks."</p>
            <Suspense fallback=|| "Loading…">
                {move || Suspend::new(async move {
                    match scopes.await {
                        Ok(list) => view! { <ScopeTable list/> }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
            <section class="card" aria-labelledby="new-scope">
                <h2 id="new-scope">"Create a scope"</h2>
                <PostForm action=SaveScope::PATH label="Create a scope">
                    <Field name="name" label="Name" required=true maxlength=100 hint="Letters, digits and _ - . : /"/>
                    <Field name="display_name" label="Display name" maxlength=100/>
                    <Field name="description" label="Description" maxlength=512/>
                    <Field name="roles" label="Roles" hint="Comma-separated; empty lets anyone have it"/>
                    <button class="button" type="submit">"Create scope"</button>
                </PostForm>
            </section>
        </SignedIn>
    }
}

#[component]
fn ScopeTable(list: Vec<ScopeView>) -> impl IntoView {
    view! {
        <div class="table-wrap"><table>
            <thead><tr><th scope="col">"Scope"</th><th scope="col">"Description"</th><th scope="col">"Roles"</th></tr></thead>
            <tbody>
                {list.into_iter().map(|s| view! { <ScopeRow s/> }).collect_view()}
            </tbody>
        </table></div>
    }
}

/// One scope, with its edit form folded away (field ids are made unique per scope).
#[component]
fn ScopeRow(s: ScopeView) -> impl IntoView {
    let slug = s.name.replace(['.', ':', '/'], "_");
    let id = move |field: &str| format!("scope-{slug}-{field}");
    let label = format!("Edit scope {}", s.name);
    view! {
        <tr>
            <td><strong>{s.display_name.clone()}</strong> <br/> <code>{s.name.clone()}</code></td>
            <td>{s.description.clone()}</td>
            <td>
                {if s.roles.is_empty() { "anyone".to_owned() } else { s.roles.replace(' ', ", ") }}
                <details class="dialog">
                    <summary class="button ghost small">"Edit"</summary>
                    <PostForm action=SaveScope::PATH label=label>
                        <input type="hidden" name="name" value=s.name.clone()/>
                        <input type="hidden" name="existing" value="1"/>
                        <div class="field">
                            <label for=id("display")>"Display name"</label>
                            <input id=id("display") name="display_name" value=s.display_name.clone() maxlength="100"/>
                        </div>
                        <div class="field">
                            <label for=id("description")>"Description"</label>
                            <input id=id("description") name="description" value=s.description.clone() maxlength="512"/>
                        </div>
                        <div class="field">
                            <label for=id("roles")>"Roles"</label>
                            <input id=id("roles") name="roles" value=s.roles.replace(' ', ", ")/>
                        </div>
                        <button class="button small" type="submit">"Save"</button>
                    </PostForm>
                </details>
            </td>
        </tr>
    }
}
