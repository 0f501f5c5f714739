use leptos::prelude::*;

#[component]
pub fn Header() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/">
                <img src="/favicon.svg" alt="" width="28" height="28"/>
                <span>"Portico"</span>
            </a>
            <nav aria-label="Account">
                <a class="button ghost" href="/signin">"Sign in"</a>
                <a class="button" href="/signup">"Sign up"</a>
            </nav>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="footer">
            <span>"Portico — API developer portal and OAuth 2.0 key manager"</span>
            <a href="/.well-known/oauth-authorization-server">"OAuth server metadata"</a>
        </footer>
    }
}
