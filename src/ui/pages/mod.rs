mod admin;
mod admin_apis;
mod admin_audit;
mod admin_import;
mod admin_scopes;
mod api_page;
mod apis;
mod app;
mod apps;
mod auth;
mod authorize;
mod home;
mod keys;
mod rest_docs;
mod stats;
mod tokens;

pub use admin::{AdminApps, AdminSettings, AdminUsers};
pub use admin_apis::{AdminApi, AdminApis};
pub use admin_audit::AdminAudit;
pub use admin_import::{AdminImport, AdminImportPreview};
pub use admin_scopes::AdminScopes;
pub use api_page::ApiDetail;
pub use apis::Apis;
pub use app::AppOverview;
pub use apps::Apps;
pub use auth::{ChangePassword, SignIn, SignUp};
pub use authorize::Authorize;
pub use home::Home;
pub use keys::KeysTab;
pub use rest_docs::RestDocs;
pub use stats::{AdminStats, AppStats};
pub use tokens::MyTokens;

use crate::server_fns::AppError;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <a class="button" href="/">"Back to the portal"</a>
        </section>
    }
}

/// A page-level failure to load data, as a readable message.
fn load_error(e: AppError) -> AnyView {
    view! {
        <section class="card narrow">
            <h1>"Cannot show this page"</h1>
            <p class="notice error" role="alert">{e.message()}</p>
            <a class="button ghost" href="/apps">"Back to applications"</a>
        </section>
    }
    .into_any()
}
