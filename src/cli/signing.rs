//! `portico signing-key rotate|list`: the keys that sign ID tokens.

use super::args::Output;
use crate::service::Services;
use clap::Subcommand;
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum SigningKeyCommand {
    /// Publish a new key now; it signs from [oauth.signing] rotation_overlap_seconds on,
    /// and the keys before it stay published until the tokens they signed have expired
    Rotate {
        #[command(flatten)]
        out: Output,
    },
    /// List the published keys
    List {
        #[command(flatten)]
        out: Output,
    },
}

pub async fn run(s: &Services, cmd: SigningKeyCommand) -> anyhow::Result<()> {
    match cmd {
        SigningKeyCommand::Rotate { out } => {
            let key = s.rotate_signing_key().await?;
            out.print(
                json!({"kid": key.kid, "algorithm": key.algorithm, "activates_at": key.activates_at}),
                format!(
                    "Published the {} key {}; it signs from {} (epoch seconds) on.",
                    key.algorithm, key.kid, key.activates_at
                ),
            );
        }
        SigningKeyCommand::List { out } => {
            let keys = s.signing_keys().await?;
            let list: Vec<_> = keys
                .iter()
                .map(|k| {
                    json!({"kid": k.kid, "algorithm": k.algorithm, "activates_at": k.activates_at,
                           "published_until": k.published_until})
                })
                .collect();
            let text = keys
                .iter()
                .map(|k| {
                    let until = k
                        .published_until
                        .map_or("published".to_owned(), |t| format!("published until {t}"));
                    format!(
                        "{}  {}  signs from {}, {until}",
                        k.kid, k.algorithm, k.activates_at
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            out.print(
                json!(list),
                if text.is_empty() {
                    "No keys yet.".into()
                } else {
                    text
                },
            );
        }
    }
    Ok(())
}
