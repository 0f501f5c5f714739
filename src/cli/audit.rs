//! `portico audit`: the audit log from the command line, newest first.

use super::args::Output;
use super::target::{AuditSearch, Target};
use crate::domain::audit::AuditEvent;
use crate::domain::format_iso8601;
use clap::Args;

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Events at or after this moment: `2026-12-01`, `2026-12-01T09:30:00Z`, or `24h`, `7d` ago
    #[arg(long)]
    since: Option<String>,
    /// Events before this moment (same forms as --since)
    #[arg(long)]
    until: Option<String>,
    /// One action (`user.lock`) or an area (`user`)
    #[arg(long)]
    action: Option<String>,
    /// Only what this user (or `cli`) did
    #[arg(long)]
    actor: Option<String>,
    /// At most this many events (up to 500)
    #[arg(long, default_value_t = 100)]
    limit: i64,
    #[command(flatten)]
    out: Output,
}

fn line(e: &AuditEvent) -> String {
    format!(
        "{}  {:<22} {:<8} {} {}{}{}",
        format_iso8601(e.at),
        e.action,
        e.outcome,
        e.actor,
        e.address
            .as_deref()
            .map(|a| format!("from {a} "))
            .unwrap_or_default(),
        e.target,
        if e.detail.is_empty() {
            String::new()
        } else {
            format!(" ({})", e.detail)
        },
    )
}

pub async fn run(t: &impl Target, args: AuditArgs) -> anyhow::Result<()> {
    let search = AuditSearch {
        since: args.since,
        until: args.until,
        action: args.action,
        actor: args.actor,
    };
    let events = t.audit(search, args.limit).await?;
    let text = if events.is_empty() {
        "no audit events match".to_owned()
    } else {
        events.iter().map(line).collect::<Vec<_>>().join("\n")
    };
    args.out.print(serde_json::to_value(&events)?, text);
    Ok(())
}
