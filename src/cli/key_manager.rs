//! `portico key-manager credential create|list|revoke`: the machine credentials gateway
//! and portal nodes present to this key manager's internal API.

use super::args::Output;
use crate::service::Services;
use clap::Subcommand;
use secrecy::ExposeSecret;
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum KeyManagerCommand {
    /// Credentials of the gateway and portal nodes that use this key manager
    #[command(subcommand)]
    Credential(CredentialCommand),
}

#[derive(Debug, Subcommand)]
pub enum CredentialCommand {
    /// Make a credential; its password is printed once and stored only as a digest
    Create {
        /// A name for the node or group of nodes (3-64 of a-z 0-9 - _ .)
        name: String,
        #[command(flatten)]
        out: Output,
    },
    /// List the credentials and when each was last used
    List {
        #[command(flatten)]
        out: Output,
    },
    /// Delete a credential; nodes using it are refused within [oauth] client_cache_seconds
    Revoke {
        name: String,
        #[command(flatten)]
        out: Output,
    },
}

pub async fn run(s: &Services, cmd: KeyManagerCommand) -> anyhow::Result<()> {
    let KeyManagerCommand::Credential(cmd) = cmd;
    match cmd {
        CredentialCommand::Create { name, out } => {
            let c = s.create_node_credential(&name).await?;
            let password = c.password.expose_secret();
            out.print(
                json!({"username": c.username, "password": password}),
                format!(
                    "Created the node credential `{}`. Set on each node that uses this key \
                     manager, in [apim.key_manager]:\n\n    username = \"{}\"\n    password = \
                     \"{password}\"\n\nThe password is shown only this once.",
                    c.username, c.username
                ),
            );
        }
        CredentialCommand::List { out } => {
            let rows = s.node_credentials().await?;
            let list: Vec<_> = rows
                .iter()
                .map(|r| json!({"username": r.username, "created_at": r.created_at, "last_used_at": r.last_used_at}))
                .collect();
            let text = if rows.is_empty() {
                "No node credentials.".to_owned()
            } else {
                rows.iter()
                    .map(|r| {
                        let used = r
                            .last_used_at
                            .map_or("never used".to_owned(), |t| format!("last used at {t}"));
                        format!("{}  created at {}, {used}", r.username, r.created_at)
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            out.print(json!(list), text);
        }
        CredentialCommand::Revoke { name, out } => {
            s.revoke_node_credential(&name).await?;
            out.print(
                json!({"username": name, "revoked": true}),
                format!("Revoked the node credential `{name}`"),
            );
        }
    }
    Ok(())
}
