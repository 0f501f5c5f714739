//! Moving a portal between databases (SQLite ↔ PostgreSQL): the tables that define it,
//! read as JSON rows and written back in one transaction. Both schemas hold the same
//! columns as TEXT or integers, so one description of each table serves both.

use super::{Store, StoreError};
use serde_json::{Map, Value};
use sqlx::Row;
use std::collections::BTreeMap;

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Int,
    /// Text added after the first export format: documents from before it lack the
    /// column, which then takes this value.
    Later(&'static str),
}

use Kind::{Int, Later, Text};

/// A table and its columns, in the order rows must be written (parents first).
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Kind)],
    order_by: &'static str,
}

/// What an export holds: accounts (password hashes, never passwords), applications,
/// consumer keys (secret digests, never secrets), scopes, APIs and subscriptions.
/// Tokens, sessions, statistics and signing keys stay behind: tokens and sessions are
/// short-lived, and signing keys are sealed with the source's key-encryption key.
const TABLES: [Table; 7] = [
    Table {
        name: "users",
        columns: &[
            ("id", Text),
            ("username", Text),
            ("email", Text),
            ("password_hash", Text),
            ("is_admin", Int),
            ("locked", Int),
            ("must_change_password", Int),
            ("created_at", Int),
            ("password_changed_at", Int),
            ("roles", Text),
        ],
        order_by: "created_at, id",
    },
    Table {
        name: "applications",
        columns: &[
            ("id", Text),
            ("owner_id", Text),
            ("name", Text),
            ("description", Text),
            ("token_validity", Int),
            ("created_at", Int),
            ("updated_at", Int),
        ],
        order_by: "created_at, id",
    },
    Table {
        name: "app_keys",
        columns: &[
            ("consumer_key", Text),
            ("app_id", Text),
            ("key_type", Text),
            ("secret_digest", Text),
            ("grant_types", Text),
            ("access_token_validity", Int),
            ("created_at", Int),
            ("secret_rotated_at", Int),
            ("token_type", Text),
            ("callback_urls", Text),
            ("public_client", Int),
            ("allow_plain_pkce", Int),
        ],
        order_by: "created_at, consumer_key",
    },
    Table {
        name: "scopes",
        columns: &[
            ("name", Text),
            ("description", Text),
            ("created_at", Int),
            ("display_name", Text),
            ("roles", Text),
        ],
        order_by: "name",
    },
    Table {
        name: "apis",
        columns: &[
            ("id", Text),
            ("name", Text),
            ("version", Text),
            ("context", Text),
            ("backend_url", Text),
            ("description", Text),
            ("published", Int),
            ("created_at", Int),
            ("updated_at", Int),
        ],
        order_by: "created_at, id",
    },
    Table {
        name: "api_resources",
        columns: &[
            ("id", Text),
            ("api_id", Text),
            ("method", Text),
            ("path", Text),
            ("scopes", Text),
            ("summary", Later("")),
            ("parameters", Later("[]")),
        ],
        order_by: "api_id, id",
    },
    Table {
        name: "subscriptions",
        columns: &[("app_id", Text), ("api_id", Text), ("created_at", Int)],
        order_by: "app_id, api_id",
    },
];

/// Rows by table name.
pub type Tables = BTreeMap<String, Vec<Map<String, Value>>>;

fn column_list(table: &Table) -> String {
    table
        .columns
        .iter()
        .map(|(c, _)| *c)
        .collect::<Vec<_>>()
        .join(", ")
}

fn invalid(table: &str, why: String) -> StoreError {
    StoreError::Other(format!("table `{table}`: {why}"))
}

impl Store {
    /// Every row of the exported tables.
    pub async fn export_tables(&self) -> Result<Tables, StoreError> {
        let mut out = Tables::new();
        for table in &TABLES {
            let sql = format!(
                "SELECT {} FROM {} ORDER BY {}",
                column_list(table),
                table.name,
                table.order_by
            );
            let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
            let mut list = Vec::with_capacity(rows.len());
            for row in rows {
                let mut object = Map::new();
                for (i, (column, kind)) in table.columns.iter().enumerate() {
                    let value = match kind {
                        Text | Later(_) => row.try_get::<Option<String>, _>(i)?.map(Value::from),
                        Int => row.try_get::<Option<i64>, _>(i)?.map(Value::from),
                    };
                    object.insert((*column).into(), value.unwrap_or(Value::Null));
                }
                list.push(object);
            }
            out.insert(table.name.into(), list);
        }
        Ok(out)
    }

    /// Writes `tables` into this database in one transaction: all of it or none. Refused
    /// unless the database holds no users, applications or APIs yet; the scope
    /// `default`, which every database starts with, is replaced by the imported one.
    pub async fn import_tables(
        &self,
        tables: &Tables,
    ) -> Result<BTreeMap<String, usize>, StoreError> {
        for name in tables.keys() {
            if !TABLES.iter().any(|t| t.name == name) {
                return Err(invalid(name, "is not a table an export holds".into()));
            }
        }
        let mut tx = self.pool.begin().await?;
        for table in ["users", "applications", "apis"] {
            let count: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            if count > 0 {
                return Err(StoreError::Conflict(format!(
                    "this database already has {table}; import into a new one"
                )));
            }
        }
        sqlx::query("DELETE FROM scopes").execute(&mut *tx).await?;
        let mut counts = BTreeMap::new();
        for table in &TABLES {
            let rows = tables
                .get(table.name)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let placeholders: Vec<String> =
                (1..=table.columns.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                table.name,
                column_list(table),
                placeholders.join(", ")
            );
            for (n, row) in rows.iter().enumerate() {
                let mut query = sqlx::query(&sql);
                for (column, kind) in table.columns {
                    let absent = match kind {
                        Later(default) => Value::from(*default),
                        _ => Value::Null,
                    };
                    let value = row.get(*column).unwrap_or(&absent);
                    let wrong = || {
                        invalid(
                            table.name,
                            format!("row {n}: `{column}` has the wrong type"),
                        )
                    };
                    query = match (kind, value) {
                        (_, Value::Null) => match kind {
                            Text | Later(_) => query.bind(None::<String>),
                            Int => query.bind(None::<i64>),
                        },
                        (Text | Later(_), Value::String(s)) => query.bind(s.clone()),
                        (Int, Value::Number(v)) => query.bind(v.as_i64().ok_or_else(wrong)?),
                        _ => return Err(wrong()),
                    };
                }
                query.execute(&mut *tx).await.map_err(|e| {
                    invalid(
                        table.name,
                        format!("row {n} could not be written: {}", StoreError::from(e)),
                    )
                })?;
            }
            counts.insert(table.name.to_owned(), rows.len());
        }
        tx.commit().await?;
        Ok(counts)
    }
}
