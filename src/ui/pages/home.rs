use crate::server_fns::SessionInfo;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let info = expect_context::<SessionInfo>();
    let actions = match info.user {
        Some(_) => view! { <a class="button large" href="/apps">"Go to your applications"</a> }.into_any(),
        None => view! {
            {info.self_signup.then(|| view! { <a class="button large" href="/signup">"Create an account"</a> })}
            <a class="button ghost large" href="/signin">"Sign in"</a>
        }
        .into_any(),
    };
    view! {
        <section class="hero">
            <h1>"Build on our APIs"</h1>
            <p class="lead">
                "Create an application, generate its consumer key and secret, and get OAuth 2.0 "
                "access tokens for your programs — all in one place."
            </p>
            <div class="actions">{actions}</div>
        </section>
        <section class="steps" aria-label="How it works">
            <article class="card">
                <h2>"1. Create an application"</h2>
                <p>"An application stands for one of your programs and holds its keys."</p>
            </article>
            <article class="card">
                <h2>"2. Generate keys"</h2>
                <p>"Production and Sandbox keys: a consumer key and a secret shown once."</p>
            </article>
            <article class="card">
                <h2>"3. Get tokens"</h2>
                <p>
                    "Call " <code>"POST /token"</code>
                    " with the password, refresh token or client credentials grant."
                </p>
            </article>
        </section>
    }
}
