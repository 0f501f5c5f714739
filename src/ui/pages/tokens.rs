use super::load_error;
use crate::domain::format_utc;
use crate::server_fns::tokens::{my_consents, my_tokens, RevokeMyToken, WithdrawConsent};
use crate::ui::components::{Notice, PostForm};
use crate::ui::layout::SignedIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn MyTokens() -> impl IntoView {
    view! {
        <Title text="My tokens · Portico"/>
        <SignedIn>
            <TokenList/>
            <ConsentList/>
        </SignedIn>
    }
}

#[component]
fn TokenList() -> impl IntoView {
    let tokens = Resource::new_blocking(|| (), |_| my_tokens());
    view! {
        <h1>"My tokens"</h1>
        <p class="muted">"Active tokens issued for you, from any application. Revoking one also ends its refresh token."</p>
        <Notice param="revoked" text="The token was revoked."/>
        <Suspense fallback=|| "Loading…">
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(list) if list.is_empty() => view! { <p class="card">"You have no active tokens."</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                        <table>
                            <caption class="sr-only">"Active tokens"</caption>
                            <thead><tr>
                                <th scope="col">"Application"</th><th scope="col">"Client"</th>
                                <th scope="col">"Scopes"</th><th scope="col">"Issued"</th>
                                <th scope="col">"Expires"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|t| view! {
                                    <tr>
                                        <td>{t.app_name}" "<span class="muted">"("{t.key_type}")"</span></td>
                                        <td><code>{t.client_id}</code></td>
                                        <td>{t.scopes}</td>
                                        <td>{format_utc(t.issued_at)}</td>
                                        <td>{format_utc(t.expires_at)}</td>
                                        <td>
                                            <PostForm action=RevokeMyToken::PATH class="inline" label="Revoke token">
                                                <input type="hidden" name="id" value=t.id/>
                                                <button class="button ghost small" type="submit">"Revoke"</button>
                                            </PostForm>
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                    Err(e) => load_error(e),
                }
            })}
        </Suspense>
    }
}

/// Applications allowed on the consent page (authorization code grant).
#[component]
fn ConsentList() -> impl IntoView {
    let consents = Resource::new_blocking(|| (), |_| my_consents());
    view! {
        <h2 id="consents">"Applications you allowed"</h2>
        <p class="muted">"Withdrawing ends the tokens the application got through your consent, and it must ask again."</p>
        <Notice param="withdrawn" text="The consent was withdrawn and its tokens revoked."/>
        <Suspense fallback=|| "Loading…">
            {move || Suspend::new(async move {
                match consents.await {
                    Ok(list) if list.is_empty() => view! { <p class="card">"You have not allowed any application."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="consents card">
                            {list.into_iter().map(|c| view! {
                                <li>
                                    <strong>{c.app_name}</strong> " " <span class="muted">{c.scopes} " · since " {format_utc(c.granted_at)}</span>
                                    <PostForm action=WithdrawConsent::PATH class="inline" label="Withdraw consent">
                                        <input type="hidden" name="app_id" value=c.app_id/>
                                        <button class="button ghost small" type="submit">"Withdraw"</button>
                                    </PostForm>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => load_error(e),
                }
            })}
        </Suspense>
    }
}
