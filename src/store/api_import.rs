//! Writing an imported OpenAPI document in one transaction (the API, its whole set of
//! resources and the scopes it declares), and the drafts waiting for an admin to apply.

use super::apis::{insert_api, insert_resource, update_api};
use super::error::changed;
use super::{ApiRow, ResourceRow, ScopeRow, Store, StoreError};
use crate::domain::Epoch;

/// An uploaded document and where it goes, until it is applied or a day has passed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImportDraftRow {
    pub id: String,
    /// The API it updates; `None` creates one.
    pub api_id: Option<String>,
    pub context: String,
    pub backend_url: String,
    pub document: String,
    pub created_by: String,
    pub created_at: Epoch,
}

const DRAFT_COLUMNS: &str = "id, api_id, context, backend_url, document, created_by, created_at";

impl Store {
    /// Creates the API (`new`) or saves it over `api.revision` (`NotFound` when it moved
    /// on), replaces its resources with `resources` and adds the scopes not yet known:
    /// all of it or, on any failure, none of it.
    pub async fn write_imported_api(
        &self,
        api: &ApiRow,
        new: bool,
        resources: &[ResourceRow],
        scopes: &[ScopeRow],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for s in scopes {
            sqlx::query(
                "INSERT INTO scopes (name, display_name, description, roles, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING",
            )
            .bind(&s.name)
            .bind(&s.display_name)
            .bind(&s.description)
            .bind(&s.roles)
            .bind(s.created_at)
            .execute(&mut *tx)
            .await?;
        }
        if new {
            insert_api(&mut tx, api).await?;
        } else {
            update_api(&mut tx, api).await?;
        }
        sqlx::query("DELETE FROM api_resources WHERE api_id = $1")
            .bind(&api.id)
            .execute(&mut *tx)
            .await?;
        for r in resources {
            insert_resource(&mut tx, r).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn insert_import_draft(&self, d: &ImportDraftRow) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO api_import_drafts ({DRAFT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(&d.id)
        .bind(&d.api_id)
        .bind(&d.context)
        .bind(&d.backend_url)
        .bind(&d.document)
        .bind(&d.created_by)
        .bind(d.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The draft `id` if `user_id` uploaded it.
    pub async fn import_draft(
        &self,
        id: &str,
        user_id: &str,
    ) -> Result<ImportDraftRow, StoreError> {
        let sql = format!(
            "SELECT {DRAFT_COLUMNS} FROM api_import_drafts WHERE id = $1 AND created_by = $2"
        );
        Ok(sqlx::query_as(&sql)
            .bind(id)
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn delete_import_draft(&self, id: &str) -> Result<(), StoreError> {
        changed(
            sqlx::query("DELETE FROM api_import_drafts WHERE id = $1")
                .bind(id)
                .execute(&self.pool)
                .await?,
        )
    }

    pub async fn purge_import_drafts(&self, before: Epoch) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("DELETE FROM api_import_drafts WHERE created_at < $1")
                .bind(before)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}
