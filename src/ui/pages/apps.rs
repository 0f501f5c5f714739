use super::load_error;
use crate::server_fns::apps::{list_apps, CreateApp};
use crate::ui::components::{Field, Notice, PostForm};
use crate::ui::layout::SignedIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn Apps() -> impl IntoView {
    view! {
        <Title text="Applications · Portico"/>
        <SignedIn>
            <AppList/>
        </SignedIn>
    }
}

#[component]
fn AppList() -> impl IntoView {
    let apps = Resource::new_blocking(|| (), |_| list_apps());
    view! {
        <h1>"Applications"</h1>
        <Notice param="deleted" text="The application was deleted and its tokens revoked."/>
        <Notice param="password_changed" text="Your password was changed."/>
        <div class="grid two">
            <section class="card" aria-labelledby="your-apps">
                <h2 id="your-apps">"Your applications"</h2>
                <Suspense fallback=|| "Loading…">
                    {move || Suspend::new(async move {
                        match apps.await {
                            Ok(list) if list.is_empty() => view! {
                                <p class="muted">"No applications yet. Create one to get keys."</p>
                            }.into_any(),
                            Ok(list) => view! {
                                <ul class="app-list">
                                    {list.into_iter().map(|a| view! {
                                        <li>
                                            <a href=format!("/apps/{}", a.id)>{a.name}</a>
                                            <span class="muted">{a.description}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(e) => load_error(e),
                        }
                    })}
                </Suspense>
            </section>
            <section class="card" aria-labelledby="new-app">
                <h2 id="new-app">"Create an application"</h2>
                <CreateForm/>
            </section>
        </div>
    }
}

#[component]
fn CreateForm() -> impl IntoView {
    let (count, set_count) = signal(0usize);
    view! {
        <PostForm action=CreateApp::PATH label="Create an application">
            <Field name="name" label="Name" required=true maxlength=70 hint="Up to 70 characters, unique among your applications"/>
            <div class="field">
                <label for="f-description">"Description"</label>
                <textarea id="f-description" name="description" maxlength="512" rows="3"
                    aria-describedby="f-description-count"
                    on:input=move |ev| set_count.set(event_target_value(&ev).chars().count())></textarea>
                <small id="f-description-count" class="hint">{move || format!("{}/512 characters", count.get())}</small>
            </div>
            <Field name="token_validity" label="Access-token validity (seconds)" kind="number"
                hint="Leave empty for the server default (3600)"/>
            <button class="button" type="submit">"Create"</button>
        </PostForm>
    }
}
