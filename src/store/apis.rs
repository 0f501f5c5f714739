//! APIs, their resources, and applications' subscriptions to them.

use super::error::changed;
use super::{Store, StoreError};
use crate::domain::Epoch;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiRow {
    pub id: String,
    pub name: String,
    pub version: String,
    pub context: String,
    pub backend_url: String,
    pub description: String,
    pub published: i64,
    pub created_at: Epoch,
    pub updated_at: Epoch,
    /// Grows by one with every change to the API or its resources: the REST API's `ETag`.
    pub revision: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ResourceRow {
    pub id: String,
    pub api_id: String,
    pub method: String,
    pub path: String,
    /// Space-separated scope names; any one suffices. Empty: no scope needed.
    pub scopes: String,
    /// What it does, from an imported OpenAPI document; empty when added by hand.
    pub summary: String,
    /// A JSON array of `domain::openapi::Param`.
    pub parameters: String,
}

const API_COLUMNS: &str = "id, name, version, context, backend_url, description, published, \
    created_at, updated_at, revision";
const API_INSERTED: &str =
    "id, name, version, context, backend_url, description, published, created_at, updated_at";
const RESOURCE_COLUMNS: &str = "id, api_id, method, path, scopes, summary, parameters";

impl Store {
    pub async fn insert_api(&self, api: &ApiRow) -> Result<ApiRow, StoreError> {
        let mut tx = self.pool.begin().await?;
        let row = insert_api(&mut tx, api).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Saves every field but the id and creation time if the API is still at
    /// `api.revision`; `NotFound` if it changed or went since it was read.
    pub async fn update_api(&self, api: &ApiRow) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        update_api(&mut tx, api).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_api(&self, id: &str) -> Result<(), StoreError> {
        changed(
            sqlx::query("DELETE FROM apis WHERE id = $1")
                .bind(id)
                .execute(&self.pool)
                .await?,
        )
    }

    pub async fn api(&self, id: &str) -> Result<ApiRow, StoreError> {
        let sql = format!("SELECT {API_COLUMNS} FROM apis WHERE id = $1");
        Ok(sqlx::query_as(&sql).bind(id).fetch_one(&self.pool).await?)
    }

    /// Every API, or only the published ones, by name and version.
    pub async fn list_apis(&self, published_only: bool) -> Result<Vec<ApiRow>, StoreError> {
        let filter = if published_only {
            "WHERE published = 1"
        } else {
            ""
        };
        let sql = format!("SELECT {API_COLUMNS} FROM apis {filter} ORDER BY name, version");
        Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
    }

    /// Adds a resource and moves its API to the next revision, together.
    pub async fn insert_resource(&self, r: &ResourceRow) -> Result<ResourceRow, StoreError> {
        let mut tx = self.pool.begin().await?;
        let row = insert_resource(&mut tx, r).await?;
        next_revision(&mut tx, &r.api_id).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Removes a resource and moves its API to the next revision, together.
    pub async fn delete_resource(&self, api_id: &str, id: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        changed(
            sqlx::query("DELETE FROM api_resources WHERE api_id = $1 AND id = $2")
                .bind(api_id)
                .bind(id)
                .execute(&mut *tx)
                .await?,
        )?;
        next_revision(&mut tx, api_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The resources of one API.
    pub async fn resources(&self, api_id: &str) -> Result<Vec<ResourceRow>, StoreError> {
        let sql = format!(
            "SELECT {RESOURCE_COLUMNS} FROM api_resources WHERE api_id = $1 ORDER BY path, method"
        );
        Ok(sqlx::query_as(&sql)
            .bind(api_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The resources of every API, or of the published ones, in one query.
    pub async fn all_resources(
        &self,
        published_only: bool,
    ) -> Result<Vec<ResourceRow>, StoreError> {
        let filter = if published_only {
            "WHERE a.published = 1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT r.{} FROM api_resources r JOIN apis a ON a.id = r.api_id {filter} \
             ORDER BY r.path, r.method",
            RESOURCE_COLUMNS.replace(", ", ", r.")
        );
        Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
    }

    /// Subscribes; subscribing twice changes nothing.
    pub async fn subscribe(
        &self,
        app_id: &str,
        api_id: &str,
        now: Epoch,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO subscriptions (app_id, api_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (app_id, api_id) DO NOTHING",
        )
        .bind(app_id)
        .bind(api_id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn unsubscribe(&self, app_id: &str, api_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM subscriptions WHERE app_id = $1 AND api_id = $2")
            .bind(app_id)
            .bind(api_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn is_subscribed(&self, app_id: &str, api_id: &str) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM subscriptions WHERE app_id = $1 AND api_id = $2",
        )
        .bind(app_id)
        .bind(api_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// `(application, API)` pairs subscribed by the applications of one owner.
    pub async fn subscriptions_of_owner(
        &self,
        owner_id: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT s.app_id, s.api_id FROM subscriptions s \
             JOIN applications a ON a.id = s.app_id WHERE a.owner_id = $1",
        )
        .bind(owner_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The APIs an application is subscribed to.
    pub async fn subscribed_apis(&self, app_id: &str) -> Result<Vec<ApiRow>, StoreError> {
        let sql = format!(
            "SELECT a.{} FROM apis a JOIN subscriptions s ON s.api_id = a.id \
             WHERE s.app_id = $1 ORDER BY a.name, a.version",
            API_COLUMNS.replace(", ", ", a.")
        );
        Ok(sqlx::query_as(&sql)
            .bind(app_id)
            .fetch_all(&self.pool)
            .await?)
    }
}

pub(super) async fn insert_api(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    api: &ApiRow,
) -> Result<ApiRow, StoreError> {
    let sql = format!(
        "INSERT INTO apis ({API_INSERTED}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING {API_COLUMNS}"
    );
    Ok(sqlx::query_as(&sql)
        .bind(&api.id)
        .bind(&api.name)
        .bind(&api.version)
        .bind(&api.context)
        .bind(&api.backend_url)
        .bind(&api.description)
        .bind(api.published)
        .bind(api.created_at)
        .bind(api.updated_at)
        .fetch_one(&mut **tx)
        .await?)
}

pub(super) async fn update_api(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    api: &ApiRow,
) -> Result<(), StoreError> {
    changed(
        sqlx::query(
            "UPDATE apis SET name = $2, version = $3, context = $4, backend_url = $5, \
             description = $6, published = $7, updated_at = $8, revision = revision + 1 \
             WHERE id = $1 AND revision = $9",
        )
        .bind(&api.id)
        .bind(&api.name)
        .bind(&api.version)
        .bind(&api.context)
        .bind(&api.backend_url)
        .bind(&api.description)
        .bind(api.published)
        .bind(api.updated_at)
        .bind(api.revision)
        .execute(&mut **tx)
        .await?,
    )
}

pub(super) async fn insert_resource(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    r: &ResourceRow,
) -> Result<ResourceRow, StoreError> {
    let sql = format!(
        "INSERT INTO api_resources ({RESOURCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         RETURNING {RESOURCE_COLUMNS}"
    );
    Ok(sqlx::query_as(&sql)
        .bind(&r.id)
        .bind(&r.api_id)
        .bind(&r.method)
        .bind(&r.path)
        .bind(&r.scopes)
        .bind(&r.summary)
        .bind(&r.parameters)
        .fetch_one(&mut **tx)
        .await?)
}

async fn next_revision(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    api_id: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE apis SET revision = revision + 1 WHERE id = $1")
        .bind(api_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
