//! The `portico` command line: `serve` (the default), `migrate`, and admin commands that
//! act on the configured database directly, or with `--server` on another node through
//! its REST API.

mod admin;
mod apis;
mod args;
mod audit;
mod backup;
mod key_manager;
mod local;
mod remote;
mod remote_answers;
mod remote_ops;
mod serve;
mod signing;
mod target;
mod transfer;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "portico",
    version,
    about = "API developer portal and OAuth 2.0 key manager"
)]
pub struct Cli {
    /// Configuration file (default: ./deployment.toml when it exists, else built-in defaults)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Write logs as JSON lines instead of human-readable text
    #[arg(long, global = true)]
    pub log_json: bool,
    /// Run the admin command on this node through its REST API instead of on the local
    /// database, e.g. https://portal.example.com:9443
    #[arg(long, global = true, env = "PORTICO_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// An access token with the command's `apim:*` scope, for --server (prefer the
    /// environment variable: arguments are visible to other local users)
    #[arg(
        long,
        global = true,
        env = "PORTICO_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    /// Trust this PEM certificate (or CA) for --server, e.g. a node's self-signed
    /// data/tls/portico.crt
    #[arg(long, global = true, env = "PORTICO_CA_CERT", value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the portal (HTTPS 9443) and the gateway (HTTPS 8243, HTTP 8280), plus [server] offset
    Serve {
        /// Run only this part of Portico (default: `[server] profile`, else all)
        #[arg(long, value_enum)]
        profile: Option<crate::server::config::Profile>,
    },
    /// Apply database migrations and exit
    Migrate,
    /// Copy the SQLite database to a new file while Portico runs
    Backup(backup::BackupArgs),
    /// Replace the SQLite database with a backup (stop the node first)
    Restore(backup::RestoreArgs),
    /// Write users, applications, keys, scopes, APIs and subscriptions as JSON
    Export(transfer::ExportArgs),
    /// Load an export into a new database (SQLite or PostgreSQL)
    Import(transfer::ImportArgs),
    #[command(flatten)]
    Admin(args::AdminCommand),
}

/// Runs the parsed command line; the result is the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let command = cli.command.unwrap_or(Command::Serve { profile: None });
    if let Some(server) = &cli.server {
        return exit_code(remotely(server, cli.token, cli.ca_cert.as_deref(), command).await);
    }
    let profile = match &command {
        Command::Serve { profile } => *profile,
        _ => None,
    };
    let mut config = match crate::server::config::Config::load_as(cli.config.as_deref(), profile) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("portico: {e}");
            return 2;
        }
    };
    if cli.log_json {
        config.log.format = crate::server::config::LogFormat::Json;
    }
    if let Err(e) = crate::server::telemetry::init(&config.log, &config.telemetry) {
        eprintln!("portico: {e}");
        return 2;
    }
    let result = match command {
        Command::Serve { .. } => serve::serve(config).await,
        Command::Migrate => serve::migrate(config).await,
        Command::Backup(args) => backup::backup(&config, args).await,
        Command::Restore(args) => backup::restore(&config, args).await,
        Command::Export(args) => transfer::export(&config, args).await,
        Command::Import(args) => transfer::import(&config, args).await,
        Command::Admin(c) => locally(&config, c).await,
    };
    exit_code(result)
}

fn exit_code(result: anyhow::Result<()>) -> i32 {
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("portico: {e}");
            1
        }
    }
}

/// An admin command on the configured database: opened once, closed whatever the outcome.
async fn locally(
    config: &crate::server::config::Config,
    cmd: args::AdminCommand,
) -> anyhow::Result<()> {
    let s = crate::server::services(config).await?;
    let result = match cmd {
        args::AdminCommand::KeyManager(c) => key_manager::run(&s, c).await,
        args::AdminCommand::SigningKey(c) => signing::run(&s, c).await,
        other => admin::run(&s, other).await,
    };
    s.store.close().await;
    result
}

/// An admin command on another node, through its REST API with the token's rights.
async fn remotely(
    server: &str,
    token: Option<String>,
    ca_cert: Option<&std::path::Path>,
    command: Command,
) -> anyhow::Result<()> {
    let Command::Admin(cmd) = command else {
        anyhow::bail!(
            "--server works with the admin commands (user, app, keys, scope, api, settings, \
             audit); serve, migrate, backup, restore, export and import run on the node itself"
        );
    };
    let token = secrecy::SecretString::from(token.unwrap_or_default());
    let remote = remote::Remote::new(server, &token, ca_cert)?;
    admin::run(&remote, cmd).await
}
