use super::load_error;
use crate::domain::format_utc;
use crate::server_fns::admin::{admin_apps, admin_users, AdminUserAction, SetSelfSignup};
use crate::server_fns::apis::SetUserRoles;
use crate::server_fns::SessionInfo;
use crate::ui::components::{Notice, PostForm};
use crate::ui::layout::SignedIn;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub(super) fn AdminNav(current: &'static str) -> impl IntoView {
    let links = [
        ("settings", "Settings"),
        ("users", "Users"),
        ("apps", "Applications"),
        ("apis", "APIs"),
        ("scopes", "Scopes"),
        ("stats", "Statistics"),
        ("audit", "Audit log"),
    ];
    view! {
        <h1>"Administration"</h1>
        <nav class="tabs" aria-label="Administration">
            {links.into_iter().map(|(key, label)| {
                let here = key == current;
                view! { <a href=format!("/admin/{key}") class:active=here aria-current=here.then_some("page")>{label}</a> }
            }).collect_view()}
        </nav>
    }
}

#[component]
pub fn AdminSettings() -> impl IntoView {
    let info = expect_context::<SessionInfo>();
    let on = info.self_signup;
    view! {
        <Title text="Settings · Admin · Portico"/>
        <SignedIn admin=true>
            <AdminNav current="settings"/>
            <Notice param="saved" text="Saved. The setting applies at once on every node."/>
            <section class="card">
                <h2>"Self sign-up"</h2>
                <p>"Developers can create their own accounts: "
                    <strong>{if on { "on" } else { "off" }}</strong></p>
                <PostForm action=SetSelfSignup::PATH label="Self sign-up">
                    <input type="hidden" name="enabled" value=if on { "off" } else { "on" }/>
                    <button class="button" type="submit">
                        {if on { "Disable self sign-up" } else { "Enable self sign-up" }}
                    </button>
                </PostForm>
            </section>
        </SignedIn>
    }
}

#[component]
pub fn AdminUsers() -> impl IntoView {
    view! {
        <Title text="Users · Admin · Portico"/>
        <SignedIn admin=true>
            <AdminNav current="users"/>
            <UserList/>
        </SignedIn>
    }
}

#[component]
fn UserList() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let users = Resource::new_blocking(search, admin_users);
    let action = |name: String, act: &'static str, label: &'static str| {
        view! {
            <PostForm action=AdminUserAction::PATH class="inline" label=label>
                <input type="hidden" name="username" value=name/>
                <input type="hidden" name="action" value=act/>
                <button class="button ghost small" type="submit">{label}</button>
            </PostForm>
        }
    };
    view! {
        <Notice param="saved" text="Saved."/>
        <form method="get" action="/admin/users" class="search" role="search">
            <label for="q">"Search users"</label>
            <input id="q" name="q" type="search" value=search/>
            <button class="button ghost" type="submit">"Search"</button>
        </form>
        <Suspense fallback=|| "Loading…">
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => view! {
                        <div class="table-wrap"><table>
                            <thead><tr><th scope="col">"User"</th><th scope="col">"Email"</th><th scope="col">"Role"</th>
                                <th scope="col">"Status"</th><th scope="col">"Roles"</th><th scope="col">"Since"</th><th scope="col"><span class="sr-only">"Actions"</span></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|u| view! {
                                    <tr>
                                        <td>{u.username.clone()}</td>
                                        <td>{u.email.unwrap_or_default()}</td>
                                        <td>{if u.is_admin { "admin" } else { "developer" }}</td>
                                        <td>{if u.locked { "locked" } else { "active" }}</td>
                                        <td><RolesForm username=u.username.clone() roles=u.roles.clone()/></td>
                                        <td>{format_utc(u.created_at)}</td>
                                        <td class="actions">
                                            {if u.locked { action(u.username.clone(), "unlock", "Unlock") } else { action(u.username.clone(), "lock", "Lock") }}
                                            {if u.is_admin { action(u.username.clone(), "remove_admin", "Remove admin") } else { action(u.username.clone(), "make_admin", "Make admin") }}
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any(),
                    Err(e) => load_error(e),
                }
            })}
        </Suspense>
    }
}

/// A user's roles, edited in place (ids unique per user).
#[component]
fn RolesForm(username: String, roles: String) -> impl IntoView {
    let id = format!("roles-{username}");
    view! {
        <PostForm action=SetUserRoles::PATH class="roles" label=format!("Roles of {username}")>
            <input type="hidden" name="username" value=username.clone()/>
            <label class="sr-only" for=id.clone()>{format!("Roles of {username}")}</label>
            <input id=id name="roles" value=roles.replace(' ', ", ") placeholder="none" size="14"/>
            <button class="button ghost small" type="submit">"Save"</button>
        </PostForm>
    }
}

#[component]
pub fn AdminApps() -> impl IntoView {
    view! {
        <Title text="Applications · Admin · Portico"/>
        <SignedIn admin=true>
            <AdminNav current="apps"/>
            <AppList/>
        </SignedIn>
    }
}

#[component]
fn AppList() -> impl IntoView {
    let apps = Resource::new_blocking(|| (), |_| admin_apps());
    view! {
        <Suspense fallback=|| "Loading…">
            {move || Suspend::new(async move {
                match apps.await {
                    Ok(list) if list.is_empty() => view! { <p class="card">"No applications yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap"><table>
                            <thead><tr><th scope="col">"Application"</th><th scope="col">"Owner"</th><th scope="col">"Created"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|a| view! {
                                    <tr>
                                        <td><a href=format!("/apps/{}", a.id)>{a.name}</a></td>
                                        <td>{a.owner}</td>
                                        <td>{format_utc(a.created_at)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any(),
                    Err(e) => load_error(e),
                }
            })}
        </Suspense>
    }
}
