//! `GET /oauth2/authorize`: the consent page of the authorization code grant. Sign-in,
//! remembered consent and the client's errors are redirects made on the server.

use crate::server_fns::authorize::{authorization, AuthorizeView, DecideAuthorization};
use crate::ui::components::PostForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Authorize() -> impl IntoView {
    let query = use_query_map();
    let raw = move || {
        query
            .read()
            .to_query_string()
            .trim_start_matches('?')
            .to_owned()
    };
    let view = Resource::new_blocking(raw, authorization);
    view! {
        <Title text="Authorize · Portico"/>
        <Suspense fallback=|| "Loading…">
            {move || Suspend::new(async move {
                match view.await {
                    Ok(AuthorizeView::Consent { app_name, owner, redirect_uri, scopes, request }) => {
                        view! { <Consent app_name owner redirect_uri scopes request/> }.into_any()
                    }
                    Ok(AuthorizeView::Refused(message)) => view! {
                        <section class="card narrow">
                            <h1>"This sign-in request cannot be completed"</h1>
                            <p class="notice error" role="alert">{message}</p>
                            <p class="muted">"Go back to the application you came from and try again, or tell its developers."</p>
                        </section>
                    }.into_any(),
                    Ok(AuthorizeView::Redirecting(to)) => view! {
                        <section class="card narrow">
                            <p>"Continuing… " <a href=to>"Continue"</a></p>
                        </section>
                    }.into_any(),
                    Err(e) => super::load_error(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Consent(
    app_name: String,
    owner: String,
    redirect_uri: String,
    scopes: Vec<(String, String)>,
    request: String,
) -> impl IntoView {
    let host = redirect_uri
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?']).next())
        .unwrap_or(&redirect_uri)
        .to_owned();
    view! {
        <section class="card narrow consent" aria-labelledby="consent">
            <h1 id="consent">"Allow " {app_name.clone()} "?"</h1>
            <p>
                <strong>{app_name}</strong> ", an application by " <strong>{owner}</strong>
                ", asks to act on your behalf with these permissions:"
            </p>
            <ul class="scopes">
                {scopes.into_iter().map(|(name, description)| view! {
                    <li><code>{name}</code> " " <span class="muted">{description}</span></li>
                }).collect_view()}
            </ul>
            <p class="muted">"You will be sent back to " <code>{host}</code> ". You can withdraw this later on the Tokens page."</p>
            <PostForm action=DecideAuthorization::PATH label="Allow or deny">
                <input type="hidden" name="request" value=request/>
                <div class="actions">
                    <button class="button" type="submit" name="decision" value="allow">"Allow"</button>
                    <button class="button ghost" type="submit" name="decision" value="deny">"Deny"</button>
                </div>
            </PostForm>
        </section>
    }
}
