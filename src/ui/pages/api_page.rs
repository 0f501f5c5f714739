//! A published API's page: description, gateway addresses, resources with their
//! parameters and scopes, subscribing, and Try It.

use super::apis::Resources;
use super::load_error;
use crate::server_fns::api_page::{load_api_page, TryIt};
use crate::server_fns::subscriptions::Subscribe;
use crate::server_fns::{ApiPage, ResourceView, TryResult};
use crate::ui::components::{Notice, PostForm};
use crate::ui::layout::SignedIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ApiDetail() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new_blocking(
        move || params.read().get("id").unwrap_or_default(),
        load_api_page,
    );
    view! {
        <SignedIn>
            <Suspense fallback=|| "Loading…">
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <PageBody p/> }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

#[component]
fn PageBody(p: ApiPage) -> impl IntoView {
    let ApiPage {
        api,
        scopes,
        https_url,
        http_url,
        open_apps,
        subscribed_apps,
        tried,
    } = p;
    let title = format!("{} · APIs · Portico", api.name);
    let api_id = api.id.clone();
    let tries = api
        .resources
        .clone()
        .into_iter()
        .map(|r| {
            let shown = tried.clone().filter(|t| t.resource_id == r.id);
            view! { <TryForm api_id=api_id.clone() resource=r apps=subscribed_apps.clone() shown/> }
        })
        .collect_view();
    view! {
        <Title text=title/>
        <p class="crumbs"><a href="/apis">"APIs"</a> " / " {api.name.clone()}</p>
        <Notice param="subscribed" text="Subscribed. Tokens of that application can now call the API."/>
        <section class="card api">
            <h1>{api.name.clone()} " " <span class="muted">{api.version.clone()}</span></h1>
            {(!api.description.is_empty()).then(|| view! { <div class="prose" inner_html=api.description_html.clone()></div> })}
            <dl class="facts">
                <dt>"Context"</dt><dd><code>{api.context.clone()}</code></dd>
                <dt>"Gateway (HTTPS)"</dt><dd><code>{https_url}</code></dd>
                {http_url.map(|u| view! { <dt>"Gateway (HTTP)"</dt><dd><code>{u}</code></dd> })}
            </dl>
        </section>
        <section class="card" aria-labelledby="subs">
            <h2 id="subs">"Subscriptions"</h2>
            {if subscribed_apps.is_empty() {
                view! { <p class="muted">"None of your applications is subscribed yet."</p> }.into_any()
            } else {
                view! { <p>"Subscribed: " {subscribed_apps.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>().join(", ")}</p> }.into_any()
            }}
            {if open_apps.is_empty() {
                view! { <p class="hint">"Nothing left to subscribe: see your " <a href="/apps">"applications"</a></p> }.into_any()
            } else {
                view! {
                    <PostForm action=Subscribe::PATH class="inline-form" label=format!("Subscribe to {}", api.name)>
                        <input type="hidden" name="api_id" value=api.id.clone()/>
                        <input type="hidden" name="back" value="api"/>
                        <label for="subscribe-app">"Application"</label>
                        <select id="subscribe-app" name="app_id">
                            {open_apps.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                        <button class="button" type="submit">"Subscribe"</button>
                    </PostForm>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="resources">
            <h2 id="resources">"Resources"</h2>
            <Resources resources=api.resources.clone()/>
            {(!scopes.is_empty()).then(|| view! {
                <h3>"Scopes"</h3>
                <dl class="facts">
                    {scopes.into_iter().map(|s| view! {
                        <dt><code>{s.name}</code></dt>
                        <dd>{s.display_name} {(!s.description.is_empty()).then(|| format!(" — {}", s.description))}</dd>
                    }).collect_view()}
                </dl>
            })}
        </section>
        <section class="card" aria-labelledby="try">
            <h2 id="try">"Try It"</h2>
            <p class="hint">"Calls go through the gateway with a token of a subscribed application: paste one, "
                "or leave the token empty and Portico gets one for the application's production keys."</p>
            {tries}
        </section>
    }
}

#[component]
fn TryForm(
    api_id: String,
    resource: ResourceView,
    apps: Vec<(String, String)>,
    shown: Option<TryResult>,
) -> impl IntoView {
    let anchor = format!("try-{}", resource.id);
    let label = format!("Try {} {}", resource.method, resource.path);
    let with_body = !matches!(
        resource.method.as_str(),
        "GET" | "HEAD" | "DELETE" | "OPTIONS"
    );
    let open = shown.is_some();
    let app_select = format!("app-{}", resource.id);
    let token_id = format!("token-{}", resource.id);
    view! {
        <details id=anchor open=open>
            <summary><code>{resource.method.clone()} " " {resource.path.clone()}</code> " " {resource.summary.clone()}</summary>
            <PostForm action=TryIt::PATH label=label enctype="multipart/form-data">
                <input type="hidden" name="api_id" value=api_id/>
                <input type="hidden" name="resource_id" value=resource.id.clone()/>
                <div class="field">
                    <label for=app_select.clone()>"Application"</label>
                    <select id=app_select name="app_id">
                        {apps.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=token_id.clone()>"Access token"</label>
                    <input id=token_id name="token" type="password" autocomplete="off" placeholder="empty: get one for the application"/>
                </div>
                {resource.parameters.into_iter().map(|p| {
                    let id = format!("p-{}-{}", resource.id, p.name);
                    let text = format!("{} ({}{})", p.name, p.location, if p.required { ", required" } else { "" });
                    view! {
                        <div class="field">
                            <label for=id.clone()>{text}</label>
                            <input id=id name=format!("p.{}", p.name) required=p.required/>
                            {(!p.description.is_empty()).then(|| view! { <div class="hint prose" inner_html=p.description_html></div> })}
                        </div>
                    }
                }).collect_view()}
                {with_body.then(|| view! {
                    <div class="field">
                        <label for=format!("body-{}", resource.id)>"JSON body"</label>
                        <textarea id=format!("body-{}", resource.id) name="body" rows="4" spellcheck="false"></textarea>
                    </div>
                })}
                <button class="button" type="submit">"Send"</button>
            </PostForm>
            {shown.map(|t| view! { <TryOutcome t/> })}
        </details>
    }
}

#[component]
fn TryOutcome(t: TryResult) -> impl IntoView {
    let ok = (200..300).contains(&t.status);
    view! {
        <div class="try-result" role="status">
            <p><code>{t.request}</code></p>
            <p class=if ok { "notice ok" } else { "notice error" }>"Status " <strong class="status">{t.status}</strong></p>
            {t.issued_token.map(|tok| view! { <p class="hint">"Token used (issued for this call): " <code class="secret">{tok}</code></p> })}
            <details>
                <summary>"Headers"</summary>
                <pre>{t.headers.into_iter().map(|(k, v)| format!("{k}: {v}\n")).collect::<String>()}</pre>
            </details>
            <pre class="body">{t.body}</pre>
            {t.truncated.then(|| view! { <p class="hint">"The body was cut at 64 KiB."</p> })}
        </div>
    }
}
