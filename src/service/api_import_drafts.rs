//! Import drafts: the portal keeps an uploaded document in the database between its
//! preview and its apply, which may land on different portal nodes.

use super::api_import::{ImportRequest, MAX_DOCUMENT_BYTES};
use super::error::not_found;
use super::{ServiceError, Services};
use crate::domain::{Epoch, ValidationError};
use crate::store::{ApiRow, ImportDraftRow, UserRow};

/// How long an uploaded document waits for its apply.
pub const IMPORT_DRAFT_TTL: Epoch = 86_400;

impl Services {
    /// Keeps an uploaded document for its preview; returns the draft's id.
    pub async fn stage_import(
        &self,
        user: &UserRow,
        req: ImportRequest,
    ) -> Result<String, ServiceError> {
        if req.document.trim().is_empty() {
            return Err(
                ValidationError::new("document", "choose a file or paste a document").into(),
            );
        }
        if req.document.len() > MAX_DOCUMENT_BYTES {
            return Err(ValidationError::new("document", "must be at most 2 MiB").into());
        }
        if let Some(id) = &req.api_id {
            self.store.api(id).await.map_err(not_found("API"))?;
        }
        let draft = ImportDraftRow {
            id: uuid::Uuid::new_v4().to_string(),
            api_id: req.api_id,
            context: req.context,
            backend_url: req.backend_url,
            document: req.document,
            created_by: user.id.clone(),
            created_at: self.clock.now(),
        };
        self.store.insert_import_draft(&draft).await?;
        Ok(draft.id)
    }

    /// The draft `id` of `user`, as a request to plan or apply.
    pub async fn import_draft(
        &self,
        user: &UserRow,
        id: &str,
    ) -> Result<ImportRequest, ServiceError> {
        let d = self
            .store
            .import_draft(id, &user.id)
            .await
            .map_err(not_found("import"))?;
        if d.created_at < self.clock.now() - IMPORT_DRAFT_TTL {
            return Err(ServiceError::NotFound("import"));
        }
        Ok(ImportRequest {
            api_id: d.api_id,
            context: d.context,
            backend_url: d.backend_url,
            document: d.document,
        })
    }

    /// Applies the draft and forgets it.
    pub async fn apply_import_draft(
        &self,
        user: &UserRow,
        id: &str,
        expected_revision: Option<i64>,
    ) -> Result<ApiRow, ServiceError> {
        let req = self.import_draft(user, id).await?;
        let api = self
            .apply_import(&req, expected_revision.as_ref().map(std::slice::from_ref))
            .await?;
        // Already applied by a double submit, or purged: the API is written either way.
        let _ = self.store.delete_import_draft(id).await;
        Ok(api)
    }
}
