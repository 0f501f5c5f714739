use super::app::AppTabs;
use super::load_error;
use crate::domain::{format_duration, TokenType};
use crate::server_fns::keys::{load_key_tab, GenerateKeys, GenerateToken, RegenerateSecret};
use crate::server_fns::{curl_snippet, KeyTab};
use crate::ui::components::{CopyButton, Field, PostForm};
use crate::ui::layout::SignedIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn KeysTab() -> impl IntoView {
    view! {
        <SignedIn>
            <KeysLoader/>
        </SignedIn>
    }
}

#[component]
fn KeysLoader() -> impl IntoView {
    let params = use_params_map();
    let source = move || {
        let p = params.read();
        (
            p.get("id").unwrap_or_default(),
            p.get("kind").unwrap_or_default(),
        )
    };
    let tab = Resource::new_blocking(source, |(id, kind)| load_key_tab(id, kind));
    view! {
        <Suspense fallback=|| "Loading…">
            {move || Suspend::new(async move {
                match tab.await {
                    Ok(tab) => view! { <KeysBody tab/> }.into_any(),
                    Err(e) => load_error(e),
                }
            })}
        </Suspense>
    }
}

/// A value with a copy button beside it.
#[component]
fn Copyable(label: &'static str, #[prop(into)] value: String) -> impl IntoView {
    view! {
        <div class="copyable">
            <span class="label">{label}</span>
            <code class="value">{value.clone()}</code>
            <CopyButton text=value label=label/>
        </div>
    }
}

#[component]
fn KeysBody(tab: KeyTab) -> impl IntoView {
    let title = if tab.key_type == "production" {
        "Production Keys"
    } else {
        "Sandbox Keys"
    };
    let current = if tab.key_type == "production" {
        "production"
    } else {
        "sandbox"
    };
    let app = tab.app.clone();
    view! {
        <Title text=format!("{title} · {} · Portico", app.name)/>
        <p class="crumbs"><a href="/apps">"Applications"</a> " / " {app.name.clone()}</p>
        <h1>{app.name.clone()}</h1>
        <AppTabs id=app.id.clone() current=current/>
        {match tab.key.clone() {
            None => view! { <GenerateKeysForm tab=tab.clone()/> }.into_any(),
            Some(_) => view! { <KeyDetails tab=tab.clone()/> }.into_any(),
        }}
        <section class="card" aria-labelledby="endpoints">
            <h2 id="endpoints">"Endpoints"</h2>
            <Copyable label="Token" value=tab.endpoints.token.clone()/>
            <Copyable label="Revoke" value=tab.endpoints.revoke.clone()/>
            <Copyable label="Introspect" value=tab.endpoints.introspect.clone()/>
            {tab.key.as_ref().filter(|k| k.token_type == TokenType::Jwt).map(|_| view! {
                <Copyable label="JWKS" value=tab.endpoints.jwks.clone()/>
            })}
        </section>
    }
}

/// Whether the key manager cannot make keys or tokens now, and a note saying so beside
/// the buttons it disables.
fn key_manager_down() -> (bool, Option<AnyView>) {
    let down = use_context::<crate::server_fns::SessionInfo>().is_some_and(|i| i.key_manager_down);
    let note = down.then(|| {
        view! { <p class="hint warning">"Unavailable while the key manager is not answering."</p> }
            .into_any()
    });
    (down, note)
}

#[component]
fn GenerateKeysForm(tab: KeyTab) -> impl IntoView {
    let (down, note) = key_manager_down();
    view! {
        <section class="card" aria-labelledby="generate">
            <h2 id="generate">"Generate Keys"</h2>
            <p>"Create the consumer key and secret this application uses to get tokens."</p>
            <PostForm action=GenerateKeys::PATH label="Generate keys">
                <input type="hidden" name="app_id" value=tab.app.id.clone()/>
                <input type="hidden" name="key_type" value=tab.key_type.clone()/>
                <fieldset>
                    <legend>"Grant types"</legend>
                    <label class="check"><input type="checkbox" name="grant_password" value="on" checked/>" Password"</label>
                    <p class="hint note">
                        "RFC 9700 (OAuth 2.0 Security Best Current Practice) deprecates the password grant for new "
                        "designs: use the authorization code flow with PKCE for users, or client credentials for services."
                    </p>
                    <label class="check"><input type="checkbox" name="grant_refresh_token" value="on" checked/>" Refresh token"</label>
                    <label class="check"><input type="checkbox" name="grant_client_credentials" value="on" checked/>" Client credentials"</label>
                    <label class="check"><input type="checkbox" name="grant_authorization_code" value="on"/>" Authorization code (with PKCE)"</label>
                </fieldset>
                <div class="field">
                    <label for="f-callback_urls">"Callback URLs (one per line)"</label>
                    <textarea id="f-callback_urls" name="callback_urls" rows="3" aria-describedby="f-callback_urls-hint"></textarea>
                    <p class="hint" id="f-callback_urls-hint">
                        "For the authorization code grant: https, or http://localhost and http://127.0.0.1 (any port) for "
                        "native apps, or a private-use scheme such as com.example.app:/callback. Matched exactly."
                    </p>
                </div>
                <label class="check"><input type="checkbox" name="public_client" value="on"/>
                    " Public client (a single-page or mobile app): no secret, authorization code with PKCE only"</label>
                <label class="check"><input type="checkbox" name="allow_plain_pkce" value="on"/>
                    " Also accept PKCE's plain method (only for clients that cannot hash)"</label>
                <Field name="validity" label="Access-token validity (seconds)" kind="number"
                    hint="Leave empty to use the application's validity"/>
                <TokenTypeChoice default=tab.default_token_type/>
                {note}
                <button class="button" type="submit" disabled=down>"Generate Keys"</button>
            </PostForm>
        </section>
    }
}

/// Opaque or JWT access tokens, as WSO2's Generate Keys dialog offers.
#[component]
fn TokenTypeChoice(default: TokenType) -> impl IntoView {
    let option = |t: TokenType, text: &'static str| {
        view! {
            <label class="check">
                <input type="radio" name="token_type" value=t.as_str() checked=default == t/>
                {text}
            </label>
        }
    };
    view! {
        <fieldset>
            <legend>"Access token type"</legend>
            {option(TokenType::Opaque, " Opaque: a reference the gateway checks with the key manager")}
            {option(TokenType::Jwt, " JWT: self-contained and signed (RFC 9068); resource servers verify it with the published keys")}
        </fieldset>
    }
}

#[component]
fn KeyDetails(tab: KeyTab) -> impl IntoView {
    let key = tab.key.clone().expect("shown only with a key");
    let secret = tab.revealed.as_ref().map(|r| r.consumer_secret.clone());
    let curl = curl_snippet(&tab.endpoints.token, &key.consumer_key, secret.as_deref());
    let validity = key
        .access_token_validity
        .map_or("the application's".to_owned(), format_duration);
    let (app_id, key_type) = (tab.app.id.clone(), tab.key_type.clone());
    let (down, note) = key_manager_down();
    view! {
        <section class="card" aria-labelledby="keys">
            <h2 id="keys">"Consumer key and secret"</h2>
            <Copyable label="Consumer key" value=key.consumer_key.clone()/>
            {match secret.clone().filter(|_| !key.public_client) {
                _ if key.public_client => view! {
                    <div class="copyable"><span class="label">"Consumer secret"</span>
                        <span class="value muted">"None: a public client proves itself with PKCE"</span></div>
                }.into_any(),
                Some(s) => view! {
                    <Copyable label="Consumer secret" value=s/>
                    <p class="notice" role="status">
                        "Copy the consumer secret now. It is stored only as a digest and cannot be shown again."
                    </p>
                }.into_any(),
                None => view! {
                    <div class="copyable"><span class="label">"Consumer secret"</span>
                        <code class="value masked" aria-label="hidden">"••••••••••••••••"</code></div>
                }.into_any(),
            }}
            <p class="muted">"Grant types: " {key.grant_types.join(", ")} " · Token validity: " {validity}
                " · Access tokens: " {key.token_type.label()}
                {key.public_client.then_some(" · Public client")}</p>
            {(!key.callback_urls.is_empty()).then(|| view! {
                <p class="muted">"Callback URLs: "
                    {key.callback_urls.iter().map(|u| view! { <code>{u.clone()}</code> " " }).collect_view()}
                </p>
            })}
            <details class="dialog" hidden=key.public_client>
                <summary class="button ghost">"Regenerate Secret"</summary>
                <PostForm action=RegenerateSecret::PATH label="Regenerate secret">
                    <input type="hidden" name="app_id" value=app_id/>
                    <input type="hidden" name="key_type" value=key_type/>
                    <label class="check"><input type="checkbox" name="confirm" value="yes" required/>
                        " I understand the current secret stops working at once."</label>
                    {note}
                    <button class="button danger" type="submit" disabled=down>"Regenerate Secret"</button>
                </PostForm>
            </details>
        </section>
        <TokenDialog tab=tab.clone()/>
        <section class="card" aria-labelledby="curl">
            <h2 id="curl">"Try it with cURL"</h2>
            <p class="muted">"Replace the placeholders in angle brackets with real values."</p>
            <pre><code>{curl.clone()}</code></pre>
            <CopyButton text=curl label="cURL command"/>
        </section>
    }
}

#[component]
fn TokenDialog(tab: KeyTab) -> impl IntoView {
    let scopes = tab.scopes.join(", ");
    let issued = tab.issued.clone();
    let (down, note) = key_manager_down();
    view! {
        <section class="card" aria-labelledby="token">
            <h2 id="token">"Access tokens"</h2>
            {issued.map(|t| view! {
                <div class="issued" role="status">
                    <Copyable label="Access token" value=t.access_token/>
                    {t.refresh_token.map(|r| view! { <Copyable label="Refresh token" value=r/> })}
                    <p class="muted">"Scope: " {t.scope} " · Expires in " {format_duration(t.expires_in)}
                        ". Copy it now: it is not shown again."</p>
                </div>
            })}
            <details class="dialog">
                <summary class="button">"Generate Access Token"</summary>
                <PostForm action=GenerateToken::PATH label="Generate access token">
                    <input type="hidden" name="app_id" value=tab.app.id.clone()/>
                    <input type="hidden" name="key_type" value=tab.key_type.clone()/>
                    <fieldset>
                        <legend>"Token for"</legend>
                        <label class="check"><input type="radio" name="token_kind" value="application" checked/>
                            " The application (client credentials)"</label>
                        <label class="check"><input type="radio" name="token_kind" value="user"/>
                            " Me (password grant: enter your password below)"</label>
                    </fieldset>
                    <Field name="password" label="Your password (user token only)" kind="password" autocomplete="current-password"/>
                    <Field name="scope" label="Scopes (space-separated)" hint="Leave empty for `default`"/>
                    <p class="hint">"Scopes of the APIs this application subscribes to: " {scopes}</p>
                    <Field name="validity" label="Validity (seconds)" kind="number" hint="At most the key's validity"/>
                    {note}
                    <button class="button" type="submit" disabled=down>"Generate"</button>
                </PostForm>
            </details>
        </section>
    }
}
