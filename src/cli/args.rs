//! The admin subcommands' arguments, as clap parses them.

use crate::domain::{KeyType, TokenType};
use clap::{Args, Subcommand, ValueEnum};

/// Commands that act on the configured database directly.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Manage user accounts
    #[command(subcommand)]
    User(UserCommand),
    /// Manage applications
    #[command(subcommand)]
    App(AppCommand),
    /// Generate and rotate consumer keys
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Manage OAuth scopes
    #[command(subcommand)]
    Scope(ScopeCommand),
    /// Manage the APIs the gateway serves
    #[command(subcommand)]
    Api(super::apis::ApiCommand),
    /// Show and change portal settings stored in the database
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Machine credentials for nodes that use this key manager
    #[command(subcommand)]
    KeyManager(super::key_manager::KeyManagerCommand),
    /// The keys that sign ID tokens
    #[command(subcommand)]
    SigningKey(super::signing::SigningKeyCommand),
    /// Show the audit log, newest first
    Audit(super::audit::AuditArgs),
}

#[derive(Debug, Args)]
pub struct Output {
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

impl Output {
    pub fn print(&self, value: serde_json::Value, text: String) {
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
    /// Replace a user's roles (comma-separated; empty removes them all)
    Roles {
        username: String,
        #[arg(long)]
        set: String,
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
        /// Its owner (required on the node's own database; with --server the token's
        /// user owns it)
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        #[command(flatten)]
        out: Output,
    },
    /// Subscribe an application to a published API
    Subscribe {
        #[arg(long)]
        app: String,
        #[arg(long)]
        api: String,
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

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TokenTypeArg {
    Opaque,
    Jwt,
}

impl From<TokenTypeArg> for TokenType {
    fn from(t: TokenTypeArg) -> Self {
        match t {
            TokenTypeArg::Opaque => TokenType::Opaque,
            TokenTypeArg::Jwt => TokenType::Jwt,
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
        /// Opaque access tokens, or self-contained JWTs (RFC 9068); unset: the server's
        /// `[oauth] default_token_type`
        #[arg(long, value_enum)]
        token_type: Option<TokenTypeArg>,
        /// Where the authorization code grant may send codes (repeat for several)
        #[arg(long = "callback-url")]
        callback_urls: Vec<String>,
        /// A browser or mobile app: no secret, PKCE always (authorization code only)
        #[arg(long)]
        public_client: bool,
        /// Accept PKCE's `plain` method besides S256
        #[arg(long)]
        allow_plain_pkce: bool,
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
        /// A readable name for the portal (defaults to the name)
        #[arg(long, default_value = "")]
        display_name: String,
        #[arg(long, default_value = "")]
        description: String,
        /// Comma-separated roles allowed to obtain it; none lets anyone have it
        #[arg(long, default_value = "")]
        roles: String,
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
