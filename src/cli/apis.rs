//! `portico api …`: APIs and resources for scripts and operations.

use super::args::Output;
use super::target::Target;
use crate::service::{ApiInput, ImportRequest};
use clap::Subcommand;
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum ApiCommand {
    /// Create an API (unpublished until `api publish`)
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        version: String,
        /// The gateway path it is served under, e.g. /pizzashack/1.0.0
        #[arg(long)]
        context: String,
        /// Where calls are proxied to, e.g. http://127.0.0.1:9000/api
        #[arg(long)]
        backend: String,
        #[arg(long, default_value = "")]
        description: String,
        /// Publish it at once
        #[arg(long)]
        publish: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Add a resource: a method and a path template, with the scopes that may call it
    Resource {
        #[arg(long)]
        api: String,
        #[arg(long)]
        method: String,
        /// Relative to the context, e.g. /order/{orderId}
        #[arg(long)]
        path: String,
        /// Comma-separated; any one of them lets a token through. None: no scope needed
        #[arg(long, default_value = "")]
        scopes: String,
        #[command(flatten)]
        out: Output,
    },
    /// List it in the portal and route it on the gateway
    Publish {
        id: String,
        #[command(flatten)]
        out: Output,
    },
    /// Remove it from the portal and the gateway; subscriptions are kept
    Unpublish {
        id: String,
        #[command(flatten)]
        out: Output,
    },
    /// Create or update an API from an OpenAPI 3.0/3.1 document (JSON or YAML): prints
    /// what changes, then applies it unless --dry-run. Any problem applies nothing.
    Import {
        /// The document's file
        file: std::path::PathBuf,
        /// The API to update; without it a new API is created
        #[arg(long)]
        api: Option<String>,
        /// The gateway path (required for a new API; empty keeps the API's)
        #[arg(long, default_value = "")]
        context: String,
        /// Empty: the API's current backend, else the document's first server URL
        #[arg(long, default_value = "")]
        backend: String,
        /// Only show what would change
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Every API with its resources
    List {
        #[command(flatten)]
        out: Output,
    },
}

pub async fn run(t: &impl Target, cmd: ApiCommand) -> anyhow::Result<()> {
    match cmd {
        ApiCommand::Create {
            name,
            version,
            context,
            backend,
            description,
            publish,
            out,
        } => {
            let input = ApiInput {
                name,
                version,
                context,
                backend_url: backend,
                description,
            };
            let api = t.create_api(input, publish).await?;
            let text = format!(
                "Created API {} {} at {} ({})",
                api.name, api.version, api.context, api.id
            );
            out.print(serde_json::to_value(&api)?, text);
        }
        ApiCommand::Resource {
            api,
            method,
            path,
            scopes,
            out,
        } => {
            let r = t.add_resource(&api, &method, &path, &scopes).await?;
            let text = format!("Added {} {} ({})", r.method, r.path, r.id);
            out.print(serde_json::to_value(&r)?, text);
        }
        ApiCommand::Import {
            file,
            api,
            context,
            backend,
            dry_run,
            out,
        } => {
            let document = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let req = ImportRequest {
                api_id: api,
                context,
                backend_url: backend,
                document,
            };
            import(t, &req, dry_run, out).await?
        }
        ApiCommand::Publish { id, out } => publish(t, &id, true, out).await?,
        ApiCommand::Unpublish { id, out } => publish(t, &id, false, out).await?,
        ApiCommand::List { out } => {
            let apis = t.apis().await?;
            let text = apis
                .iter()
                .map(|a| format!("{} {} {} {}", a.id, a.context, a.name, a.version))
                .collect::<Vec<_>>()
                .join("\n");
            out.print(serde_json::to_value(&apis)?, text);
        }
    }
    Ok(())
}

async fn import(
    t: &impl Target,
    req: &ImportRequest,
    dry_run: bool,
    out: Output,
) -> anyhow::Result<()> {
    let plan = t.plan_import(req).await?;
    let mut text: Vec<String> = plan.changes.clone();
    text.extend(plan.new_scopes.iter().map(|n| format!("+ scope {n}")));
    text.extend(plan.warnings.iter().map(|w| format!("! {w}")));
    if !plan.problems.is_empty() {
        text.extend(plan.problems.iter().map(|p| format!("✗ {p}")));
        out.print(
            json!({"applied": false, "problems": plan.problems, "warnings": plan.warnings}),
            text.join("\n"),
        );
        anyhow::bail!(
            "the document has {} problem(s); nothing was applied",
            plan.problems.len()
        );
    }
    let applied = if dry_run {
        None
    } else {
        Some(t.apply_import(req, &plan).await?)
    };
    if let Some(api) = &applied {
        text.push(format!(
            "Imported {} {} at {} ({})",
            api.name, api.version, api.context, api.id
        ));
    } else {
        text.push("Dry run: nothing was applied".into());
    }
    out.print(
        json!({
            "applied": applied.is_some(),
            "id": applied.as_ref().map(|a| a.id.clone()),
            "changes": plan.changes,
            "new_scopes": plan.new_scopes,
            "warnings": plan.warnings,
        }),
        text.join("\n"),
    );
    Ok(())
}

async fn publish(t: &impl Target, id: &str, on: bool, out: Output) -> anyhow::Result<()> {
    let api = t.set_published(id, on).await?;
    out.print(
        json!({"id": api.id, "published": on}),
        format!(
            "{} {} is {}",
            api.name,
            api.version,
            if on { "published" } else { "unpublished" }
        ),
    );
    Ok(())
}
