//! The audit log's table: appended to, read newest first in pages, trimmed by age.

use super::{Store, StoreError};
use crate::domain::audit::{AuditEvent, AuditFilter, Cursor};
use crate::domain::Epoch;

/// A filter's value, bound in order.
enum Arg {
    Text(String),
    Int(i64),
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: String,
    at: Epoch,
    actor: String,
    address: Option<String>,
    action: String,
    target: String,
    outcome: String,
    detail: String,
}

impl From<AuditRow> for AuditEvent {
    fn from(r: AuditRow) -> Self {
        AuditEvent {
            id: r.id,
            at: r.at,
            actor: r.actor,
            address: r.address,
            action: r.action,
            target: r.target,
            outcome: r.outcome,
            detail: r.detail,
        }
    }
}

impl Store {
    pub async fn append_audit_event(&self, e: &AuditEvent) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_events (id, at, actor, address, action, target, outcome, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&e.id)
        .bind(e.at)
        .bind(&e.actor)
        .bind(&e.address)
        .bind(&e.action)
        .bind(&e.target)
        .bind(&e.outcome)
        .bind(&e.detail)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Events matching `filter`, newest first, after `cursor`, at most `limit`. An action
    /// without a dot is an area and matches every action in it.
    pub async fn audit_events(
        &self,
        filter: &AuditFilter,
        cursor: Option<&Cursor>,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let mut sql = String::from(
            "SELECT id, at, actor, address, action, target, outcome, detail \
             FROM audit_events WHERE 1 = 1",
        );
        let mut args: Vec<Arg> = Vec::new();
        // `$n` for the next argument: both databases number their placeholders so.
        let mut bind = |sql: &mut String, arg: Arg| {
            args.push(arg);
            sql.push_str(&format!("${}", args.len()));
        };
        match filter.action.as_deref() {
            Some(area) if !area.contains('.') => {
                let prefix = format!("{area}.");
                sql.push_str(&format!(" AND substr(action, 1, {}) = ", prefix.len()));
                bind(&mut sql, Arg::Text(prefix));
            }
            Some(action) => {
                sql.push_str(" AND action = ");
                bind(&mut sql, Arg::Text(action.to_owned()));
            }
            None => {}
        }
        if let Some(actor) = &filter.actor {
            sql.push_str(" AND actor = ");
            bind(&mut sql, Arg::Text(actor.clone()));
        }
        if let Some(since) = filter.since {
            sql.push_str(" AND at >= ");
            bind(&mut sql, Arg::Int(since));
        }
        if let Some(until) = filter.until {
            sql.push_str(" AND at < ");
            bind(&mut sql, Arg::Int(until));
        }
        if let Some(c) = cursor {
            sql.push_str(" AND (at < ");
            bind(&mut sql, Arg::Int(c.at));
            sql.push_str(" OR (at = ");
            bind(&mut sql, Arg::Int(c.at));
            sql.push_str(" AND id < ");
            bind(&mut sql, Arg::Text(c.id.clone()));
            sql.push_str("))");
        }
        sql.push_str(" ORDER BY at DESC, id DESC LIMIT ");
        bind(&mut sql, Arg::Int(limit));
        let mut query = sqlx::query_as::<_, AuditRow>(&sql);
        for arg in args {
            query = match arg {
                Arg::Text(t) => query.bind(t),
                Arg::Int(i) => query.bind(i),
            };
        }
        let rows = query.fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(AuditEvent::from).collect())
    }

    pub async fn purge_audit_events(&self, before: Epoch) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM audit_events WHERE at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
