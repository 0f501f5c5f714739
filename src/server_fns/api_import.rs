//! Importing an OpenAPI document: upload (a file or pasted text), a preview of what it
//! changes, then apply or discard. Admins only.

use super::{AppError, ImportPreview};
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

#[cfg(feature = "ssr")]
use super::context as cx;
#[cfg(feature = "ssr")]
use crate::domain::audit::Action;

/// Fields: `csrf`, `api_id` (empty: a new API), `context`, `backend_url`, and the
/// document as the file `file` or the text `text`.
#[server(endpoint = "upload_import", input = MultipartFormData)]
pub async fn upload_import(data: MultipartData) -> Result<(), AppError> {
    let mut f = super::multipart::fields(data, crate::http::body::UPLOAD_FORM_BYTES).await?;
    cx::check_csrf(f.get("csrf").map(String::as_str).unwrap_or_default())?;
    let me = cx::require_admin().await?;
    let mut take = |k: &str| f.remove(k).unwrap_or_default();
    let (file, text) = (take("file"), take("text"));
    let req = crate::service::ImportRequest {
        api_id: Some(take("api_id")).filter(|s| !s.trim().is_empty()),
        context: take("context"),
        backend_url: take("backend_url"),
        document: if file.trim().is_empty() { text } else { file },
    };
    let id = cx::services()?.stage_import(&me, req).await?;
    cx::redirect(&format!("/admin/import/{id}"));
    Ok(())
}

#[server(endpoint = "import_preview")]
pub async fn load_import_preview(id: String) -> Result<ImportPreview, AppError> {
    let me = cx::require_admin().await?;
    let services = cx::services()?;
    let req = services.import_draft(&me, &id).await?;
    let plan = services.plan_import(&req).await?;
    Ok(ImportPreview {
        draft_id: id,
        target: plan
            .target
            .map(|a| (a.id, format!("{} {}", a.name, a.version), a.revision)),
        changes: plan.changes.iter().map(|c| c.line()).collect(),
        new_scopes: plan.new_scopes,
        warnings: plan.warnings,
        problems: plan.problems,
    })
}

/// `revision`: the API's revision the preview showed (empty for a new API).
#[server(endpoint = "apply_import")]
pub async fn apply_import(
    csrf: String,
    id: String,
    revision: Option<String>,
) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let me = cx::require_admin().await?;
    let expected = match revision.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(
            r.parse::<i64>()
                .map_err(|_| AppError::invalid("revision", "must be a number"))?,
        ),
        None => None,
    };
    let services = cx::services()?;
    let done = services.apply_import_draft(&me, &id, expected).await;
    let target = match &done {
        Ok(api) => format!("{} {} ({})", api.name, api.version, api.id),
        Err(_) => format!("import {id}"),
    };
    let api = cx::audited(&services, &me, Action::ApiImported, &target, done).await?;
    cx::redirect(&format!("/admin/apis/{}?imported=1", api.id));
    Ok(())
}

#[server(endpoint = "discard_import")]
pub async fn discard_import(csrf: String, id: String) -> Result<(), AppError> {
    cx::check_csrf(&csrf)?;
    let me = cx::require_admin().await?;
    let services = cx::services()?;
    // Only the uploader's own draft; another id is simply not found.
    services.import_draft(&me, &id).await?;
    services
        .store
        .delete_import_draft(&id)
        .await
        .map_err(crate::service::ServiceError::from)?;
    cx::redirect("/admin/apis?discarded=1");
    Ok(())
}
