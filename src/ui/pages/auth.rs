use crate::server_fns::auth::{
    ChangePassword as ChangePasswordFn, SignIn as SignInFn, SignUp as SignUpFn,
};
use crate::server_fns::SessionInfo;
use crate::ui::components::{Field, Notice, PostForm};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn SignIn() -> impl IntoView {
    let info = expect_context::<SessionInfo>();
    let query = leptos_router::hooks::use_query_map();
    let next = move || {
        let next = query.read().get("next");
        crate::server_fns::auth::safe_next(next.as_deref()).map(str::to_owned)
    };
    view! {
        <Title text="Sign in · Portico"/>
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <Notice param="created" text="Your account is ready. Sign in to continue."/>
            <PostForm action=SignInFn::PATH label="Sign in">
                {move || next().map(|n| view! { <input type="hidden" name="next" value=n/> })}
                <Field name="username" label="Username" required=true autocomplete="username"/>
                <Field name="password" label="Password" kind="password" required=true autocomplete="current-password"/>
                <button class="button" type="submit">"Sign in"</button>
            </PostForm>
            {info.self_signup.then(|| view! {
                <p class="muted">"New here? " <a href="/signup">"Create an account"</a></p>
            })}
        </section>
    }
}

#[component]
pub fn SignUp() -> impl IntoView {
    let info = expect_context::<SessionInfo>();
    if !info.self_signup {
        return view! {
            <Title text="Sign up · Portico"/>
            <section class="card narrow">
                <h1>"Sign-up is closed"</h1>
                <p>"Self sign-up is disabled on this portal. Ask an administrator for an account."</p>
                <a class="button ghost" href="/signin">"Sign in"</a>
            </section>
        }
        .into_any();
    }
    view! {
        <Title text="Sign up · Portico"/>
        <section class="card narrow">
            <h1>"Create your developer account"</h1>
            <PostForm action=SignUpFn::PATH label="Sign up">
                <Field name="username" label="Username" required=true autocomplete="username"
                    maxlength=64 hint="3–64 letters, digits or . _ - @, starting with a letter or digit"/>
                <Field name="email" label="Email" kind="email" required=true autocomplete="email"/>
                <Field name="password" label="Password" kind="password" required=true autocomplete="new-password"
                    hint="8–128 characters; not your username"/>
                <Field name="confirm_password" label="Confirm password" kind="password" required=true autocomplete="new-password"/>
                <button class="button" type="submit">"Sign up"</button>
            </PostForm>
            <p class="muted">"Already have an account? " <a href="/signin">"Sign in"</a></p>
        </section>
    }
    .into_any()
}

#[component]
pub fn ChangePassword() -> impl IntoView {
    use leptos_router::components::Redirect;
    let info = expect_context::<SessionInfo>();
    let Some(me) = info.user else {
        return view! { <Redirect path="/signin"/> }.into_any();
    };
    view! {
        <Title text="Change password · Portico"/>
        <section class="card narrow">
            <h1>"Change your password"</h1>
            {me.must_change_password.then(|| view! {
                <p class="notice">"Your password was generated for you. Choose your own to continue."</p>
            })}
            <PostForm action=ChangePasswordFn::PATH label="Change password">
                <Field name="current_password" label="Current password" kind="password" required=true autocomplete="current-password"/>
                <Field name="new_password" label="New password" kind="password" required=true autocomplete="new-password"
                    hint="8–128 characters; not your username"/>
                <Field name="confirm_password" label="Confirm new password" kind="password" required=true autocomplete="new-password"/>
                <button class="button" type="submit">"Change password"</button>
            </PostForm>
        </section>
    }
    .into_any()
}
