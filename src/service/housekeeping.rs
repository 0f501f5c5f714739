//! Periodic clean-up so tables do not grow without bound: expired sessions, and tokens
//! and authorization codes that can no longer be used or refreshed (kept a day longer
//! for introspection answers, replay detection and support questions). Closed days of
//! token events are rolled up for statistics, and raw events older than the configured
//! retention are deleted once rolled up; audit events past theirs; OpenAPI import drafts
//! after a day.

use super::Services;
use std::time::Duration;

/// How long a fully expired token row is kept before it is deleted.
const TOKEN_GRACE: i64 = 86_400;

impl Services {
    /// One clean-up pass; returns (sessions, tokens, events) deleted.
    pub async fn housekeeping(&self) -> Result<(u64, u64, u64), super::ServiceError> {
        let now = self.clock.now();
        let sessions = self.store.delete_expired_sessions(now).await?
            + self.purge_flashes().await?
            + self
                .store
                .purge_import_drafts(now - super::IMPORT_DRAFT_TTL)
                .await?;
        // Spent or expired codes are kept as long as the tokens they could have led to
        // may be asked about, so a late replay still finds what to revoke.
        let tokens = self.store.purge_expired_tokens(now - TOKEN_GRACE).await?
            + self.store.purge_expired_codes(now - TOKEN_GRACE).await?;
        self.roll_up_statistics().await?;
        let before = now - self.event_retention;
        let events = self.store.purge_events(before).await?
            + self.store.purge_calls(before).await?
            + self.store.purge_revocation_feed(now - 3600).await?
            + self.purge_throttle_events().await?
            + self.purge_audit_events().await?;
        Ok((sessions, tokens, events))
    }

    /// Runs [`Services::housekeeping`] every `every` until the task is dropped.
    pub fn spawn_housekeeping(&self, every: Duration) -> tokio::task::JoinHandle<()> {
        let services = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                match services.housekeeping().await {
                    Ok((s, t, e)) if s + t + e > 0 => {
                        tracing::info!(
                            sessions = s,
                            tokens = t,
                            events = e,
                            "housekeeping removed expired rows"
                        )
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
                }
            }
        })
    }
}
