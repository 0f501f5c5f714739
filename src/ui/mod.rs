//! The portal's pages, rendered on the server and hydrated in the browser when the client
//! bundle is present. Every form is a plain HTML form posting to a server function, so the
//! portal works the same with JavaScript off.

mod components;
mod layout;
mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around the app. `hydrate` is false when the client bundle was never
/// built: the pages then work as plain server-rendered forms.
pub fn shell(options: LeptosOptions, hydrate: bool) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href="/portico.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                {hydrate.then(|| view! { <HydrationScripts options=options.clone()/> })}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Worked out by the server before rendering and handed to the browser bundle as is,
    // so both render the same page.
    let session = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        return crate::server_fns::context::session_info();
        #[cfg(not(feature = "ssr"))]
        crate::server_fns::SessionInfo::default()
    });
    provide_context(session.into_inner());
    // Marks the document once the bundle has taken over, for people and tests alike.
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title text="Portico developer portal"/>
        <Router>
            <layout::Header/>
            <main id="main" class="page">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::Home ssr=SsrMode::Async/>
                    <Route path=path!("/signin") view=pages::SignIn ssr=SsrMode::Async/>
                    <Route path=path!("/signup") view=pages::SignUp ssr=SsrMode::Async/>
                    <Route path=path!("/account/password") view=pages::ChangePassword ssr=SsrMode::Async/>
                    <Route path=path!("/apps") view=pages::Apps ssr=SsrMode::Async/>
                    <Route path=path!("/apps/:id") view=pages::AppOverview ssr=SsrMode::Async/>
                    <Route path=path!("/apps/:id/keys/:kind") view=pages::KeysTab ssr=SsrMode::Async/>
                    <Route path=path!("/apps/:id/stats") view=pages::AppStats ssr=SsrMode::Async/>
                    <Route path=path!("/tokens") view=pages::MyTokens ssr=SsrMode::Async/>
                    <Route path=path!("/admin/settings") view=pages::AdminSettings ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view=pages::AdminUsers ssr=SsrMode::Async/>
                    <Route path=path!("/admin/apps") view=pages::AdminApps ssr=SsrMode::Async/>
                    <Route path=path!("/admin/stats") view=pages::AdminStats ssr=SsrMode::Async/>
                    <Route path=path!("/admin/apis") view=pages::AdminApis ssr=SsrMode::Async/>
                    <Route path=path!("/admin/apis/:id") view=pages::AdminApi ssr=SsrMode::Async/>
                    <Route path=path!("/admin/scopes") view=pages::AdminScopes ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=pages::AdminAudit ssr=SsrMode::Async/>
                    <Route path=path!("/apis") view=pages::Apis ssr=SsrMode::Async/>
                    <Route path=path!("/apis/:id") view=pages::ApiDetail ssr=SsrMode::Async/>
                    <Route path=path!("/docs/api") view=pages::RestDocs ssr=SsrMode::Async/>
                    <Route path=path!("/admin/import") view=pages::AdminImport ssr=SsrMode::Async/>
                    <Route path=path!("/admin/import/:id") view=pages::AdminImportPreview ssr=SsrMode::Async/>
                    <Route path=path!("/oauth2/authorize") view=pages::Authorize ssr=SsrMode::Async/>
                </Routes>
            </main>
            <layout::Footer/>
        </Router>
    }
}
