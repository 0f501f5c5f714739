use super::load_error;
use crate::server_fns::apps::{get_app, DeleteApp, UpdateApp};
use crate::server_fns::subscriptions::{app_subscriptions, Unsubscribe};
use crate::server_fns::{ApiView, AppError, AppView};
use crate::ui::components::{Field, Notice, PostForm};
use crate::ui::layout::SignedIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Overview, Production Keys, Sandbox Keys.
#[component]
pub fn AppTabs(id: String, current: &'static str) -> impl IntoView {
    let tabs = [
        ("overview", "Overview", format!("/apps/{id}")),
        (
            "production",
            "Production Keys",
            format!("/apps/{id}/keys/production"),
        ),
        (
            "sandbox",
            "Sandbox Keys",
            format!("/apps/{id}/keys/sandbox"),
        ),
        ("stats", "Statistics", format!("/apps/{id}/stats")),
    ];
    view! {
        <nav class="tabs" aria-label="Application">
            {tabs.into_iter().map(|(key, label, href)| {
                let here = key == current;
                view! { <a href=href class:active=here aria-current=here.then_some("page")>{label}</a> }
            }).collect_view()}
        </nav>
    }
}

#[component]
pub fn AppOverview() -> impl IntoView {
    view! {
        <SignedIn>
            <Overview/>
        </SignedIn>
    }
}

#[component]
fn Overview() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    // One resource for both, so the page renders in one pass.
    let data = Resource::new_blocking(id, |id| async move {
        let app = get_app(id.clone()).await?;
        let subscriptions = app_subscriptions(id).await?;
        Ok::<_, AppError>((app, subscriptions))
    });
    view! {
        <Suspense fallback=|| "Loading…">
            {move || Suspend::new(async move {
                match data.await {
                    Ok((app, subscriptions)) => view! { <OverviewBody app subscriptions/> }.into_any(),
                    Err(e) => load_error(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OverviewBody(app: AppView, subscriptions: Vec<ApiView>) -> impl IntoView {
    let validity = app
        .token_validity
        .map(|v| v.to_string())
        .unwrap_or_default();
    let (edit_id, delete_id, app_id) = (app.id.clone(), app.id.clone(), app.id.clone());
    view! {
        <Title text=format!("{} · Portico", app.name)/>
        <p class="crumbs"><a href="/apps">"Applications"</a> " / " {app.name.clone()}</p>
        <h1>{app.name.clone()}</h1>
        <AppTabs id=app.id.clone() current="overview"/>
        <Notice param="saved" text="Saved."/>
        <Notice param="unsubscribed" text="Unsubscribed. Its tokens can no longer call that API."/>
        <Subscriptions app_id subscriptions/>
        <div class="grid two">
            <section class="card" aria-labelledby="edit-app">
                <h2 id="edit-app">"Details"</h2>
                <p class="muted">"Created " {crate::domain::format_utc(app.created_at)}</p>
                <PostForm action=UpdateApp::PATH label="Edit application">
                    <input type="hidden" name="id" value=edit_id/>
                    <Field name="name" label="Name" required=true maxlength=70 value=app.name.clone()/>
                    <div class="field">
                        <label for="f-description">"Description"</label>
                        <textarea id="f-description" name="description" maxlength="512" rows="3">{app.description.clone()}</textarea>
                        <small class="hint">"Up to 512 characters"</small>
                    </div>
                    <Field name="token_validity" label="Access-token validity (seconds)" kind="number" value=validity
                        hint="Leave empty for the server default"/>
                    <button class="button" type="submit">"Save"</button>
                </PostForm>
            </section>
            <section class="card danger-zone" aria-labelledby="delete-app">
                <h2 id="delete-app">"Delete application"</h2>
                <p>"Deleting removes its keys and revokes every token issued to it. This cannot be undone."</p>
                <PostForm action=DeleteApp::PATH label="Delete application">
                    <input type="hidden" name="id" value=delete_id/>
                    <Field name="confirm_name" label="Type the application's name to confirm" required=true/>
                    <button class="button danger" type="submit">"Delete application"</button>
                </PostForm>
            </section>
        </div>
    }
}

/// The APIs this application may call through the gateway.
#[component]
fn Subscriptions(app_id: String, subscriptions: Vec<ApiView>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="subscriptions">
            <h2 id="subscriptions">"Subscriptions"</h2>
            {if subscriptions.is_empty() {
                view! { <p class="muted">"Not subscribed to any API yet. Browse the " <a href="/apis">"APIs"</a> " to subscribe."</p> }.into_any()
            } else {
                view! {
                    <ul class="app-list">
                        {subscriptions.into_iter().map(|api| {
                            let app_id = app_id.clone();
                            view! {
                            <li>
                                <span><strong>{api.name.clone()}</strong> " " {api.version.clone()} " · " <code>{api.context.clone()}</code></span>
                                <PostForm action=Unsubscribe::PATH class="inline" label=format!("Unsubscribe from {}", api.name)>
                                    <input type="hidden" name="app_id" value=app_id/>
                                    <input type="hidden" name="api_id" value=api.id.clone()/>
                                    <button class="button ghost small" type="submit">"Unsubscribe"</button>
                                </PostForm>
                            </li>
                        }}).collect_view()}
                    </ul>
                    <p class="hint"><a href="/apis">"Browse APIs"</a></p>
                }.into_any()
            }}
        </section>
    }
}
