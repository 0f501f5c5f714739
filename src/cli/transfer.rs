//! `portico export` and `portico import`: a portal's users, applications, keys, scopes,
//! APIs and subscriptions as one JSON document, to move between SQLite and PostgreSQL.

use crate::server::{self, config::Config};
use crate::store::transfer::Tables;
use clap::Args;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::PathBuf;

const FORMAT: &str = "portico-export";
const VERSION: u32 = 1;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to write the document (created with owner-only permissions); `-` or none:
    /// standard output
    file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A document written by `portico export`
    file: PathBuf,
}

/// The document. Password hashes and secret digests are in it, never passwords or
/// secrets; it is still a credential store and is written readable by its owner only.
#[derive(Serialize, Deserialize)]
struct Document {
    format: String,
    version: u32,
    exported_at: String,
    tables: Tables,
}

pub async fn export(config: &Config, args: ExportArgs) -> anyhow::Result<()> {
    let services = server::services(config).await?;
    let tables = services.store.export_tables().await;
    services.store.close().await;
    let document = Document {
        format: FORMAT.into(),
        version: VERSION,
        exported_at: crate::domain::format_iso8601(services.clock.now()),
        tables: tables?,
    };
    let json = serde_json::to_vec_pretty(&document)?;
    match args.file.filter(|f| f.as_os_str() != "-") {
        Some(file) => {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut out = options.open(&file).map_err(|e| {
                anyhow::anyhow!(
                    "cannot create {} (an existing file is never overwritten): {e}",
                    file.display()
                )
            })?;
            out.write_all(&json)?;
            out.sync_all()?;
            let counts: Vec<String> = document
                .tables
                .iter()
                .map(|(table, rows)| format!("{} {table}", rows.len()))
                .collect();
            eprintln!("Exported {} to {}", counts.join(", "), file.display());
        }
        None => std::io::stdout().write_all(&json)?,
    }
    Ok(())
}

pub async fn import(config: &Config, args: ImportArgs) -> anyhow::Result<()> {
    let text = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let document: Document = serde_json::from_slice(&text)
        .map_err(|e| anyhow::anyhow!("{} is not a Portico export: {e}", args.file.display()))?;
    if document.format != FORMAT || document.version != VERSION {
        anyhow::bail!(
            "{} is a `{}` document version {}; this build reads `{FORMAT}` version {VERSION}",
            args.file.display(),
            document.format,
            document.version
        );
    }
    let services = server::services(config).await?;
    let imported = services.store.import_tables(&document.tables).await;
    services.store.close().await;
    let counts: Vec<String> = imported?
        .iter()
        .map(|(table, n)| format!("{n} {table}"))
        .collect();
    println!("Imported {}", counts.join(", "));
    Ok(())
}
