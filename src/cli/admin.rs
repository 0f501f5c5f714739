//! Admin subcommands. Each prints a readable line, or JSON with `--json` for scripts.

use crate::domain::{GrantTypes, KeyType};
use crate::server::{self, config::Config};
use crate::service::{ApplicationInput, KeyRequest, Services};
use clap::{Args, Subcommand, ValueEnum};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

#[derive(Debug, Args)]
pub struct Output {
    /// Print the result as JSON
    #[arg(long)]
    json: bool,
}

impl Output {
    fn print(&self, value: serde_json::Value, text: String) {
        if self.json {
            println!("{value}");
        } else {
            println!("{text}");
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: Option<String>,
        /// Read the password from standard input (required: passwords never go in arguments)
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Make the user an administrator
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Lock an account: refuses sign-in and grants, and revokes the user's tokens
    Lock {
        username: String,
        #[command(flatten)]
        out: Output,
    },
    /// Unlock an account
    Unlock {
        username: String,
        #[command(flatten)]
        out: Output,
    },
    /// Set a new password (read from standard input); revokes the user's tokens
    SetPassword {
        username: String,
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppCommand {
    /// Create an application owned by a user
    Create {
        #[arg(long)]
        owner: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KeyTypeArg {
    Production,
    Sandbox,
}

impl From<KeyTypeArg> for KeyType {
    fn from(k: KeyTypeArg) -> Self {
        match k {
            KeyTypeArg::Production => KeyType::Production,
            KeyTypeArg::Sandbox => KeyType::Sandbox,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Generate an application's consumer key and secret (the secret is shown once)
    Generate {
        #[arg(long)]
        app: String,
        #[arg(long = "type", value_enum, default_value = "production")]
        key_type: KeyTypeArg,
        /// Comma-separated: password, refresh_token, client_credentials
        #[arg(long, default_value = "password,refresh_token,client_credentials")]
        grant_types: String,
        /// Access-token lifetime in seconds for this key
        #[arg(long)]
        validity: Option<i64>,
        #[command(flatten)]
        out: Output,
    },
    /// Replace the consumer secret; the old one stops working at once
    RegenerateSecret {
        #[arg(long)]
        app: String,
        #[arg(long = "type", value_enum)]
        key_type: KeyTypeArg,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScopeCommand {
    /// Create a scope
    Create {
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Allow or refuse developer self sign-up
    SelfSignup { state: Switch },
    /// Show the effective settings
    Show {
        #[command(flatten)]
        out: Output,
    },
}

fn read_password() -> anyhow::Result<SecretString> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(SecretString::from(
        line.trim_end_matches(['\r', '\n']).to_owned(),
    ))
}

async fn services(config: &Config) -> anyhow::Result<Services> {
    Ok(server::services(config).await?)
}

pub async fn user(config: Config, cmd: UserCommand) -> anyhow::Result<()> {
    let s = services(&config).await?;
    match cmd {
        UserCommand::Create {
            username,
            email,
            admin,
            out,
            ..
        } => {
            let pw = read_password()?;
            let u = s
                .create_user(&username, email.as_deref(), &pw, admin, false)
                .await?;
            out.print(
                json!({"id": u.id, "username": u.username, "admin": admin}),
                format!("Created user {} ({})", u.username, u.id),
            );
        }
        UserCommand::Lock { username, out } => {
            let u = s.set_locked(&username, true).await?;
            out.print(
                json!({"username": u.username, "locked": true}),
                format!("Locked {}", u.username),
            );
        }
        UserCommand::Unlock { username, out } => {
            let u = s.set_locked(&username, false).await?;
            out.print(
                json!({"username": u.username, "locked": false}),
                format!("Unlocked {}", u.username),
            );
        }
        UserCommand::SetPassword { username, out, .. } => {
            let pw = read_password()?;
            s.set_password(&username, &pw, false).await?;
            out.print(
                json!({"username": username, "password_changed": true}),
                "Password changed; the user's tokens were revoked".into(),
            );
        }
    }
    s.store.close().await;
    Ok(())
}

pub async fn app(config: Config, cmd: AppCommand) -> anyhow::Result<()> {
    let s = services(&config).await?;
    let AppCommand::Create {
        owner,
        name,
        description,
        out,
    } = cmd;
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
    s.store.close().await;
    Ok(())
}

pub async fn keys(config: Config, cmd: KeysCommand) -> anyhow::Result<()> {
    let s = services(&config).await?;
    let (generated, out) = match cmd {
        KeysCommand::Generate {
            app,
            key_type,
            grant_types,
            validity,
            out,
        } => {
            let app = s
                .store
                .application(&app)
                .await
                .map_err(|_| anyhow::anyhow!("application not found"))?;
            let request = KeyRequest {
                key_type: key_type.into(),
                grant_types: GrantTypes::parse_list(&grant_types)?,
                access_token_validity: validity,
            };
            (s.generate_keys(&app, request).await?, out)
        }
        KeysCommand::RegenerateSecret { app, key_type, out } => {
            let app = s
                .store
                .application(&app)
                .await
                .map_err(|_| anyhow::anyhow!("application not found"))?;
            (s.regenerate_secret(&app, key_type.into()).await?, out)
        }
    };
    let secret = generated.consumer_secret.expose_secret();
    out.print(
        json!({
            "consumer_key": generated.consumer_key,
            "consumer_secret": secret,
            "type": generated.key.key_type,
            "grant_types": generated.key.grant_types.split(',').collect::<Vec<_>>(),
        }),
        format!(
            "consumer key:    {}\nconsumer secret: {}\n(the secret is shown only this once)",
            generated.consumer_key, secret
        ),
    );
    s.store.close().await;
    Ok(())
}

pub async fn scope(config: Config, cmd: ScopeCommand) -> anyhow::Result<()> {
    let s = services(&config).await?;
    let ScopeCommand::Create {
        name,
        description,
        out,
    } = cmd;
    let row = s.create_scope(&name, &description).await?;
    out.print(
        json!({"name": row.name, "description": row.description}),
        format!("Created scope {}", row.name),
    );
    s.store.close().await;
    Ok(())
}

pub async fn settings(config: Config, cmd: SettingsCommand) -> anyhow::Result<()> {
    let s = services(&config).await?;
    match cmd {
        SettingsCommand::SelfSignup { state } => {
            let on = matches!(state, Switch::On);
            s.set_self_signup(on).await?;
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
    s.store.close().await;
    Ok(())
}
