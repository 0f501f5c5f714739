use crate::server_fns::{AppError, SessionInfo};
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_router::hooks::use_query_map;

/// The error a plain form post to `path` came back with (`?__path=..&__err=..`), if any.
pub fn url_error(path: &str) -> Option<AppError> {
    let query = use_query_map();
    let q = query.read_untracked();
    if q.get("__path").as_deref() != Some(path) {
        return None;
    }
    q.get("__err")
        .map(|e| ServerFnUrlError::<AppError>::decode_err(&e))
}

/// Shows the error of the last submission of the form posting to `path`.
#[component]
pub fn FormError(path: &'static str) -> impl IntoView {
    url_error(path).map(|e| {
        view! { <p class="notice error" role="alert">{e.message()}</p> }
    })
}

/// A success message when the page was reached with `?{param}=1`.
#[component]
pub fn Notice(param: &'static str, text: &'static str) -> impl IntoView {
    let query = use_query_map();
    let shown = query.read_untracked().get(param).is_some();
    shown.then(|| view! { <p class="notice ok" role="status">{text}</p> })
}

/// A plain HTML form posting to a server function, carrying the CSRF token and showing
/// the last error for it. Works identically with and without JavaScript.
#[component]
pub fn PostForm(
    action: &'static str,
    #[prop(optional)] class: &'static str,
    #[prop(optional, into)] label: Option<String>,
    /// `multipart/form-data` for the forms whose server function reads multipart.
    #[prop(optional)]
    enctype: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let csrf = use_context::<SessionInfo>()
        .map(|s| s.csrf)
        .unwrap_or_default();
    view! {
        <form method="post" action=action class=class aria-label=label enctype=enctype>
            <FormError path=action/>
            <input type="hidden" name="csrf" value=csrf/>
            {children()}
        </form>
    }
}

/// A labelled input.
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let hint_id = format!("{id}-hint");
    let has_hint = !hint.is_empty();
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                required=required
                autocomplete=autocomplete
                maxlength=maxlength
                aria-describedby=has_hint.then(|| hint_id.clone())
            />
            {has_hint.then(|| view! { <small id=hint_id class="hint">{hint}</small> })}
        </div>
    }
}
