//! `portico backup FILE` (online, SQLite) and `portico restore FILE` (to a stopped node).

use crate::server::config::Config;
use crate::store::backup::{inspect_backup, known_schema_version};
use crate::store::{Backend, DatabaseUrl, Store};
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new file to write (an existing file is never overwritten)
    file: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file written by `portico backup`
    file: PathBuf,
    /// Restore even though something answers on this node's ports
    #[arg(long)]
    force: bool,
}

const PG_ADVICE: &str = "PostgreSQL is backed up and restored with pg_dump and pg_restore \
                         (docs/operations.md)";

fn sqlite_path(config: &Config) -> anyhow::Result<PathBuf> {
    let url = DatabaseUrl::parse(&config.database.url).map_err(anyhow::Error::msg)?;
    match (url.backend, url.sqlite_path) {
        (Backend::Sqlite, Some(path)) => Ok(path),
        (Backend::Sqlite, None) => anyhow::bail!("an in-memory database has nothing to back up"),
        (Backend::Postgres, _) => anyhow::bail!(PG_ADVICE),
    }
}

pub async fn backup(config: &Config, args: BackupArgs) -> anyhow::Result<()> {
    sqlite_path(config)?;
    if args.file.exists() {
        anyhow::bail!("{} exists; name a new file", args.file.display());
    }
    let url = DatabaseUrl::parse(&config.database.url).map_err(anyhow::Error::msg)?;
    let store = Store::connect(&url, 1).await?;
    let done = store.backup_into(&args.file).await;
    store.close().await;
    done?;
    let info = inspect_backup(&args.file).await?;
    println!(
        "Backed up to {} (schema {}, {} users)",
        args.file.display(),
        info.schema_version,
        info.users
    );
    Ok(())
}

/// The first of this node's listeners that answers, if any: a running node must not
/// have its database swapped from under it.
fn listening(config: &Config) -> Option<u16> {
    let p = config.ports();
    [p.portal_https, p.gateway_https, p.gateway_http]
        .into_iter()
        .find(|port| {
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], *port));
            std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_ok()
        })
}

/// `file` with `suffix` appended to its name.
fn beside(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

pub async fn restore(config: &Config, args: RestoreArgs) -> anyhow::Result<()> {
    let db = sqlite_path(config)?;
    if let Some(port) = listening(config).filter(|_| !args.force) {
        anyhow::bail!(
            "something answers on port {port}: stop this node before restoring \
             (or pass --force if that is another program)"
        );
    }
    let info = inspect_backup(&args.file).await?;
    // Copied next to the database first, so the swap itself is one rename.
    let incoming = beside(&db, ".restoring");
    std::fs::copy(&args.file, &incoming)?;
    std::fs::File::open(&incoming)?.sync_all()?;
    let kept = beside(
        &db,
        &format!(".before-restore-{}", crate::service::Clock::default().now()),
    );
    if db.exists() {
        std::fs::rename(&db, &kept)?;
        // A write-ahead log left by a node that did not stop cleanly belongs to the old
        // file: it goes with it, or SQLite would replay it onto the restored one.
        for tail in ["-wal", "-shm"] {
            let old = beside(&db, tail);
            if old.exists() {
                std::fs::rename(&old, beside(&kept, tail))?;
            }
        }
    }
    std::fs::rename(&incoming, &db)?;
    println!(
        "Restored {} into {} (schema {} of {}, {} users){}",
        args.file.display(),
        db.display(),
        info.schema_version,
        known_schema_version(),
        info.users,
        if kept.exists() {
            format!("; the previous database is kept as {}", kept.display())
        } else {
            String::new()
        }
    );
    println!("Migrations newer than the backup run when Portico starts.");
    Ok(())
}
