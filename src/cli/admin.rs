//! Admin subcommands. Each prints a readable line, or JSON with `--json` for scripts.

use super::args::*;
use crate::domain::audit::Action;
use crate::domain::redirect_uri::CallbackUrls;
use crate::domain::GrantTypes;
use crate::server::{self, config::Config};
use crate::service::{ApplicationInput, KeyRequest, ScopeInput, Services};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

fn read_password() -> anyhow::Result<SecretString> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(SecretString::from(
        line.trim_end_matches(['\r', '\n']).to_owned(),
    ))
}

/// Opens the database once, runs `cmd`, and closes the pool whatever the outcome.
pub async fn run(config: &Config, cmd: AdminCommand) -> anyhow::Result<()> {
    let s = server::services(config).await?;
    let result = match cmd {
        AdminCommand::User(c) => user(&s, c).await,
        AdminCommand::App(c) => app(&s, c).await,
        AdminCommand::Keys(c) => keys(&s, c).await,
        AdminCommand::Scope(c) => scope(&s, c).await,
        AdminCommand::Api(c) => super::apis::run(&s, c).await,
        AdminCommand::Settings(c) => settings(&s, c).await,
        AdminCommand::KeyManager(c) => super::key_manager::run(&s, c).await,
        AdminCommand::SigningKey(c) => super::signing::run(&s, c).await,
        AdminCommand::Audit(args) => super::audit::run(&s, args).await,
    };
    s.store.close().await;
    result
}

/// Records in the audit log what the command line did, and hands the result back.
pub(super) async fn cli_audited<T>(
    s: &Services,
    action: Action,
    target: &str,
    result: Result<T, crate::service::ServiceError>,
) -> Result<T, crate::service::ServiceError> {
    let actor = crate::service::audit::Actor::cli();
    s.audited(&actor, action, target, result).await
}

async fn user(s: &Services, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create {
            username,
            email,
            admin,
            out,
            ..
        } => {
            let pw = read_password()?;
            let created = s
                .create_user(&username, email.as_deref(), &pw, admin, false)
                .await;
            let u = cli_audited(s, Action::UserCreated, &username, created).await?;
            out.print(
                json!({"id": u.id, "username": u.username, "admin": admin}),
                format!("Created user {} ({})", u.username, u.id),
            );
        }
        UserCommand::Lock { username, out } => {
            let done = s.set_locked(&username, true).await;
            let u = cli_audited(s, Action::UserLocked, &username, done).await?;
            out.print(
                json!({"username": u.username, "locked": true}),
                format!("Locked {}", u.username),
            );
        }
        UserCommand::Unlock { username, out } => {
            let done = s.set_locked(&username, false).await;
            let u = cli_audited(s, Action::UserUnlocked, &username, done).await?;
            out.print(
                json!({"username": u.username, "locked": false}),
                format!("Unlocked {}", u.username),
            );
        }
        UserCommand::Roles { username, set, out } => {
            let done = s.set_roles(&username, &set).await;
            let target = format!("{username} (roles: {set})");
            let u = cli_audited(s, Action::RolesChanged, &target, done).await?;
            out.print(
                json!({"username": u.username, "roles": u.roles.split_whitespace().collect::<Vec<_>>()}),
                format!("{} now has roles: {}", u.username, u.roles),
            );
        }
        UserCommand::SetPassword { username, out, .. } => {
            let pw = read_password()?;
            let done = s.set_password(&username, &pw, false).await;
            cli_audited(s, Action::PasswordChanged, &username, done).await?;
            out.print(
                json!({"username": username, "password_changed": true}),
                "Password changed; the user's tokens were revoked".into(),
            );
        }
    }
    Ok(())
}

async fn app(s: &Services, cmd: AppCommand) -> anyhow::Result<()> {
    match cmd {
        AppCommand::Create {
            owner,
            name,
            description,
            out,
        } => {
            let owner = s.user(&owner).await?;
            let input = ApplicationInput {
                name,
                description,
                token_validity: None,
            };
            let a = s.create_application(&owner, input).await?;
            out.print(
                json!({"id": a.id, "name": a.name, "owner": owner.username}),
                format!("Created application {} ({})", a.name, a.id),
            );
        }
        AppCommand::Subscribe { app, api, out } => {
            let app = application(s, &app).await?;
            let done = s.subscribe_app(&app, &api).await;
            let target = format!("application {} to API {api}", app.id);
            let api = cli_audited(s, Action::Subscribed, &target, done).await?;
            out.print(
                json!({"app": app.id, "api": api.id, "subscribed": true}),
                format!("{} is subscribed to {} {}", app.name, api.name, api.version),
            );
        }
    }
    Ok(())
}

async fn application(s: &Services, id: &str) -> anyhow::Result<crate::store::ApplicationRow> {
    s.store
        .application(id)
        .await
        .map_err(|_| anyhow::anyhow!("application not found"))
}

async fn keys(s: &Services, cmd: KeysCommand) -> anyhow::Result<()> {
    let (generated, out) = match cmd {
        KeysCommand::Generate {
            app,
            key_type,
            grant_types,
            validity,
            token_type,
            callback_urls,
            public_client,
            allow_plain_pkce,
            out,
        } => {
            let app = application(s, &app).await?;
            let request = KeyRequest {
                key_type: key_type.into(),
                grant_types: GrantTypes::parse_list(&grant_types)?,
                access_token_validity: validity,
                token_type: token_type.map(Into::into),
                callback_urls: CallbackUrls::parse(&callback_urls.join("\n"))?,
                public_client,
                allow_plain_pkce,
            };
            let done = s.generate_keys(&app, request).await;
            let target = format!("{} ({key_type:?})", app.name);
            (
                cli_audited(s, Action::KeysGenerated, &target, done).await?,
                out,
            )
        }
        KeysCommand::RegenerateSecret { app, key_type, out } => {
            let app = application(s, &app).await?;
            let done = s.regenerate_secret(&app, key_type.into()).await;
            let target = format!("{} ({key_type:?})", app.name);
            (
                cli_audited(s, Action::SecretRegenerated, &target, done).await?,
                out,
            )
        }
    };
    let secret = generated.consumer_secret.expose_secret();
    out.print(
        json!({
            "consumer_key": generated.consumer_key,
            "consumer_secret": secret,
            "type": generated.key.key_type,
            "grant_types": generated.key.grant_types.split(',').collect::<Vec<_>>(),
            "token_type": generated.key.token_type,
            "callback_urls": generated.key.callback_urls.lines().collect::<Vec<_>>(),
            "public_client": generated.key.public_client != 0,
        }),
        if generated.key.public_client != 0 {
            format!(
                "consumer key:    {}\nconsumer secret: none (a public client proves itself with PKCE)",
                generated.consumer_key
            )
        } else {
            format!(
                "consumer key:    {}\nconsumer secret: {}\n(the secret is shown only this once)",
                generated.consumer_key, secret
            )
        },
    );
    Ok(())
}

async fn scope(s: &Services, cmd: ScopeCommand) -> anyhow::Result<()> {
    let ScopeCommand::Create {
        name,
        display_name,
        description,
        roles,
        out,
    } = cmd;
    let input = ScopeInput {
        name,
        display_name,
        description,
        roles,
    };
    let target = format!("{} (roles: {})", input.name, input.roles);
    let done = s.create_scope(input).await;
    let row = cli_audited(s, Action::ScopeCreated, &target, done).await?;
    out.print(
        json!({"name": row.name, "display_name": row.display_name, "description": row.description, "roles": row.roles}),
        format!("Created scope {}", row.name),
    );
    Ok(())
}

async fn settings(s: &Services, cmd: SettingsCommand) -> anyhow::Result<()> {
    match cmd {
        SettingsCommand::SelfSignup { state } => {
            let on = matches!(state, Switch::On);
            let done = s.set_self_signup(on).await;
            let state = if on { "on" } else { "off" };
            cli_audited(s, Action::SelfSignupSwitched, state, done).await?;
            println!("Self sign-up is now {}", if on { "on" } else { "off" });
        }
        SettingsCommand::Show { out } => {
            let on = s.self_signup_enabled().await?;
            out.print(
                json!({"self_signup": on}),
                format!("self sign-up: {}", if on { "on" } else { "off" }),
            );
        }
    }
    Ok(())
}
