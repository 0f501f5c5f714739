//! The audit log: security-relevant events with who did them, from where, to what, and
//! how they ended. Recorded after the fact; a failure to record is logged and does not
//! undo or refuse what was done (the action has already happened by then).

use super::{ServiceError, Services};
use crate::domain::audit::{clip, Action, AuditEvent, AuditFilter, AuditPage, Cursor, Outcome};
use crate::store::UserRow;
use std::net::IpAddr;

/// The most events one page holds.
pub const MAX_PAGE: i64 = 500;

/// Who acted, and from where.
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    pub address: Option<IpAddr>,
}

impl Actor {
    pub fn user(user: &UserRow, address: IpAddr) -> Self {
        Actor {
            name: user.username.clone(),
            address: Some(address),
        }
    }

    /// A name tried at sign-in: whatever was typed, bounded.
    pub fn claimed(name: &str, address: IpAddr) -> Self {
        Actor {
            name: clip(name, 64),
            address: Some(address),
        }
    }

    /// The administrator at this machine's command line.
    pub fn cli() -> Self {
        Actor {
            name: "cli".into(),
            address: None,
        }
    }
}

/// How a use case's result is recorded: refusals for rights as `denied`, the rest of
/// the errors as `failure` with their message (never a secret: service errors carry
/// none).
pub fn outcome_of<T>(result: &Result<T, ServiceError>) -> (Outcome, String) {
    match result {
        Ok(_) => (Outcome::Success, String::new()),
        Err(e @ (ServiceError::Forbidden | ServiceError::Throttled(_))) => {
            (Outcome::Denied, e.to_string())
        }
        Err(ServiceError::Internal(_) | ServiceError::Unavailable(_)) => {
            (Outcome::Failure, "internal error".into())
        }
        Err(e) => (Outcome::Failure, e.to_string()),
    }
}

impl Services {
    /// Appends one event.
    pub async fn audit(
        &self,
        actor: &Actor,
        action: Action,
        target: &str,
        outcome: Outcome,
        detail: &str,
    ) {
        let event = AuditEvent {
            id: uuid::Uuid::now_v7().to_string(),
            at: self.clock.now(),
            actor: actor.name.clone(),
            address: actor.address.map(|a| a.to_string()),
            action: action.as_str().into(),
            target: clip(target, 200),
            outcome: outcome.as_str().into(),
            detail: clip(detail, 500),
        };
        if let Err(e) = self.store.append_audit_event(&event).await {
            tracing::error!(error = %e, action = event.action, "the audit event was not recorded");
        }
    }

    /// Records `result` of `action` on `target` and hands it back.
    pub async fn audited<T>(
        &self,
        actor: &Actor,
        action: Action,
        target: &str,
        result: Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let (outcome, detail) = outcome_of(&result);
        self.audit(actor, action, target, outcome, &detail).await;
        result
    }

    /// One page of the log, newest first; `limit` is capped at [`MAX_PAGE`].
    pub async fn audit_log(
        &self,
        filter: &AuditFilter,
        after: Option<&str>,
        limit: i64,
    ) -> Result<AuditPage, ServiceError> {
        let limit = limit.clamp(1, MAX_PAGE);
        let cursor = match after {
            Some(text) => Some(Cursor::parse(text).ok_or_else(|| {
                crate::domain::ValidationError::new("after", "is not a cursor this log gave")
            })?),
            None => None,
        };
        // One more than asked tells whether another page follows.
        let mut events = self
            .store
            .audit_events(filter, cursor.as_ref(), limit + 1)
            .await?;
        let more = events.len() as i64 > limit;
        events.truncate(limit as usize);
        let next = more.then(|| events.last().map(Cursor::after)).flatten();
        Ok(AuditPage { events, next })
    }

    /// Deletes events older than the retention (none when it is 0).
    pub(super) async fn purge_audit_events(&self) -> Result<u64, ServiceError> {
        if self.audit_retention == 0 {
            return Ok(0);
        }
        let before = self.clock.now() - self.audit_retention;
        Ok(self.store.purge_audit_events(before).await?)
    }
}
