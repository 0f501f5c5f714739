//! The `portico` command line: `serve` (the default), `migrate`, and admin commands that
//! act on the configured database directly.

mod admin;
mod apis;
mod args;
mod audit;
mod backup;
mod key_manager;
mod serve;
mod signing;
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
        Command::Admin(c) => admin::run(&config, c).await,
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("portico: {e}");
            1
        }
    }
}
