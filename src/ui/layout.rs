use super::components::PostForm;
use crate::server_fns::auth::SignOut;
use crate::server_fns::SessionInfo;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn Header() -> impl IntoView {
    let info = expect_context::<SessionInfo>();
    let nav = match info.user {
        Some(me) => view! {
            <nav aria-label="Main">
                <a href="/apps">"Applications"</a>
                <a href="/apis">"APIs"</a>
                <a href="/tokens">"My tokens"</a>
                {me.is_admin.then(|| view! { <a href="/admin/settings">"Admin"</a> })}
                <span class="who">"Signed in as " <strong>{me.username}</strong></span>
                <PostForm action=SignOut::PATH class="inline" label="Sign out">
                    <button class="button ghost" type="submit">"Sign out"</button>
                </PostForm>
            </nav>
        }
        .into_any(),
        None => view! {
            <nav aria-label="Account">
                <a class="button ghost" href="/signin">"Sign in"</a>
                {info.self_signup.then(|| view! { <a class="button" href="/signup">"Sign up"</a> })}
            </nav>
        }
        .into_any(),
    };
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/">
                <img src="/favicon.svg" alt="" width="28" height="28"/>
                <span>"Portico"</span>
            </a>
            {nav}
        </header>
        {info.key_manager_down.then(|| view! {
            <div class="banner" role="alert">
                <strong>"The key manager is not answering."</strong>
                " Keys and access tokens cannot be generated or regenerated until it is back; "
                "everything else works. This page shows the current state when reloaded."
            </div>
        })}
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="footer">
            <span>"Portico — API developer portal and OAuth 2.0 key manager"</span>
            <a href="/docs/api">"REST API"</a>
            <a href="/.well-known/oauth-authorization-server">"OAuth server metadata"</a>
        </footer>
    }
}

/// Sends visitors who are not signed in to the sign-in page, and users who must change
/// their password to that form. Renders `children` for everyone else.
#[component]
pub fn SignedIn(#[prop(optional)] admin: bool, children: ChildrenFn) -> impl IntoView {
    use leptos_router::components::Redirect;
    let info = expect_context::<SessionInfo>();
    match info.user {
        None => view! { <Redirect path="/signin"/> }.into_any(),
        Some(me) if me.must_change_password => view! { <Redirect path="/account/password"/> }.into_any(),
        Some(me) if admin && !me.is_admin => view! {
            <section class="card narrow"><h1>"Admins only"</h1><p>"This page is for administrators."</p></section>
        }
        .into_any(),
        Some(_) => children().into_any(),
    }
}
