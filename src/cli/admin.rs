//! Admin subcommands, written once against [`Target`]: this node's database, or another
//! node's REST API with `--server`. Each prints a readable line, or JSON with `--json`.

use super::args::*;
use super::target::{AppOut, KeyArgs, KeysOut, Target, UserOut};
use crate::domain::GrantTypes;
use crate::service::{ApplicationInput, ScopeInput};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

fn read_password() -> anyhow::Result<SecretString> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(SecretString::from(
        line.trim_end_matches(['\r', '\n']).to_owned(),
    ))
}

/// Runs one admin command against `t`.
pub async fn run(t: &impl Target, cmd: AdminCommand) -> anyhow::Result<()> {
    match cmd {
        AdminCommand::User(c) => user(t, c).await,
        AdminCommand::App(c) => app(t, c).await,
        AdminCommand::Keys(c) => keys(t, c).await,
        AdminCommand::Scope(c) => scope(t, c).await,
        AdminCommand::Api(c) => super::apis::run(t, c).await,
        AdminCommand::Settings(c) => settings(t, c).await,
        AdminCommand::Audit(args) => super::audit::run(t, args).await,
        // Machine credentials and signing keys have no REST API: they are a node
        // operator's business, on the node itself.
        AdminCommand::KeyManager(_) | AdminCommand::SigningKey(_) => anyhow::bail!(
            "`key-manager` and `signing-key` work on a node's own database only; run them \
             there without --server"
        ),
    }
}

fn with_id(u: &UserOut, mut value: serde_json::Value) -> serde_json::Value {
    if let Some(id) = &u.id {
        value["id"] = json!(id);
    }
    value
}

async fn user(t: &impl Target, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create {
            username,
            email,
            admin,
            out,
            ..
        } => {
            let pw = read_password()?;
            let u = t
                .create_user(&username, email.as_deref(), &pw, admin)
                .await?;
            let id =
                u.id.as_deref()
                    .map(|id| format!(" ({id})"))
                    .unwrap_or_default();
            out.print(
                with_id(&u, json!({"username": u.username, "admin": admin})),
                format!("Created user {}{id}", u.username),
            );
        }
        UserCommand::Lock { username, out } => {
            let u = t.set_locked(&username, true).await?;
            out.print(
                json!({"username": u.username, "locked": true}),
                format!("Locked {}", u.username),
            );
        }
        UserCommand::Unlock { username, out } => {
            let u = t.set_locked(&username, false).await?;
            out.print(
                json!({"username": u.username, "locked": false}),
                format!("Unlocked {}", u.username),
            );
        }
        UserCommand::Roles { username, set, out } => {
            let u = t.set_roles(&username, &set).await?;
            out.print(
                json!({"username": u.username, "roles": u.roles}),
                format!("{} now has roles: {}", u.username, u.roles.join(" ")),
            );
        }
        UserCommand::SetPassword { username, out, .. } => {
            let pw = read_password()?;
            t.set_password(&username, &pw).await?;
            out.print(
                json!({"username": username, "password_changed": true}),
                "Password changed; the user's tokens were revoked".into(),
            );
        }
    }
    Ok(())
}

async fn app(t: &impl Target, cmd: AppCommand) -> anyhow::Result<()> {
    match cmd {
        AppCommand::Create {
            owner,
            name,
            description,
            out,
        } => {
            let input = ApplicationInput {
                name,
                description,
                token_validity: None,
            };
            let AppOut { id, name, owner } = t.create_app(owner.as_deref(), input).await?;
            let mut value = json!({"id": id, "name": name});
            if let Some(owner) = owner {
                value["owner"] = json!(owner);
            }
            out.print(value, format!("Created application {name} ({id})"));
        }
        AppCommand::Subscribe { app, api, out } => {
            let s = t.subscribe(&app, &api).await?;
            out.print(
                json!({"app": s.app_id, "api": s.api_id, "subscribed": true}),
                format!("{} is subscribed to {}", s.app_name, s.api_label),
            );
        }
    }
    Ok(())
}

async fn keys(t: &impl Target, cmd: KeysCommand) -> anyhow::Result<()> {
    let (made, out): (KeysOut, Output) = match cmd {
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
            let args = KeyArgs {
                key_type: key_type.into(),
                grant_types: GrantTypes::parse_list(&grant_types)?,
                validity,
                token_type: token_type.map(Into::into),
                callback_urls,
                public_client,
                allow_plain_pkce,
            };
            (t.generate_keys(&app, args).await?, out)
        }
        KeysCommand::RegenerateSecret { app, key_type, out } => {
            (t.regenerate_secret(&app, key_type.into()).await?, out)
        }
    };
    let secret = made.consumer_secret.expose_secret();
    let text = if made.public_client {
        format!(
            "consumer key:    {}\nconsumer secret: none (a public client proves itself with PKCE)",
            made.consumer_key
        )
    } else {
        format!(
            "consumer key:    {}\nconsumer secret: {secret}\n(the secret is shown only this once)",
            made.consumer_key
        )
    };
    out.print(
        json!({
            "consumer_key": made.consumer_key,
            "consumer_secret": secret,
            "type": made.key_type,
            "grant_types": made.grant_types,
            "token_type": made.token_type,
            "callback_urls": made.callback_urls,
            "public_client": made.public_client,
        }),
        text,
    );
    Ok(())
}

async fn scope(t: &impl Target, cmd: ScopeCommand) -> anyhow::Result<()> {
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
    let row = t.create_scope(input).await?;
    let text = format!("Created scope {}", row.name);
    out.print(serde_json::to_value(row)?, text);
    Ok(())
}

async fn settings(t: &impl Target, cmd: SettingsCommand) -> anyhow::Result<()> {
    let word = |on: bool| if on { "on" } else { "off" };
    match cmd {
        SettingsCommand::SelfSignup { state } => {
            let on = matches!(state, Switch::On);
            t.set_self_signup(on).await?;
            println!("Self sign-up is now {}", word(on));
        }
        SettingsCommand::Show { out } => {
            let on = t.self_signup().await?;
            out.print(
                json!({"self_signup": on}),
                format!("self sign-up: {}", word(on)),
            );
        }
    }
    Ok(())
}
