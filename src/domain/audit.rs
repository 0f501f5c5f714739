//! The audit log's vocabulary: what happened (an [`Action`]), how it ended, and how the
//! log is searched and paged.

use super::Epoch;
use serde::{Deserialize, Serialize};

/// Every security-relevant event Portico records. The names are stable: operators
/// filter and alert on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignIn,
    SignUp,
    SelfSignupSwitched,
    UserCreated,
    UserLocked,
    UserUnlocked,
    RolesChanged,
    PasswordChanged,
    KeysGenerated,
    SecretRegenerated,
    TokenRevoked,
    ConsentWithdrawn,
    ApiCreated,
    ApiUpdated,
    ApiPublished,
    ApiUnpublished,
    ApiImported,
    ApiDeleted,
    ResourceAdded,
    ResourceRemoved,
    ScopeCreated,
    ScopeUpdated,
    Subscribed,
    Unsubscribed,
}

impl Action {
    pub const ALL: [Action; 24] = [
        Action::SignIn,
        Action::SignUp,
        Action::SelfSignupSwitched,
        Action::UserCreated,
        Action::UserLocked,
        Action::UserUnlocked,
        Action::RolesChanged,
        Action::PasswordChanged,
        Action::KeysGenerated,
        Action::SecretRegenerated,
        Action::TokenRevoked,
        Action::ConsentWithdrawn,
        Action::ApiCreated,
        Action::ApiUpdated,
        Action::ApiPublished,
        Action::ApiUnpublished,
        Action::ApiImported,
        Action::ApiDeleted,
        Action::ResourceAdded,
        Action::ResourceRemoved,
        Action::ScopeCreated,
        Action::ScopeUpdated,
        Action::Subscribed,
        Action::Unsubscribed,
    ];

    /// `area.verb`: the area before the dot is what the log's filter groups by.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SignIn => "session.sign_in",
            Action::SignUp => "user.sign_up",
            Action::SelfSignupSwitched => "settings.self_signup",
            Action::UserCreated => "user.create",
            Action::UserLocked => "user.lock",
            Action::UserUnlocked => "user.unlock",
            Action::RolesChanged => "user.roles",
            Action::PasswordChanged => "user.password",
            Action::KeysGenerated => "keys.generate",
            Action::SecretRegenerated => "keys.regenerate_secret",
            Action::TokenRevoked => "token.revoke",
            Action::ConsentWithdrawn => "consent.withdraw",
            Action::ApiCreated => "api.create",
            Action::ApiUpdated => "api.update",
            Action::ApiPublished => "api.publish",
            Action::ApiUnpublished => "api.unpublish",
            Action::ApiImported => "api.import",
            Action::ApiDeleted => "api.delete",
            Action::ResourceAdded => "api.resource_add",
            Action::ResourceRemoved => "api.resource_remove",
            Action::ScopeCreated => "scope.create",
            Action::ScopeUpdated => "scope.update",
            Action::Subscribed => "subscription.create",
            Action::Unsubscribed => "subscription.delete",
        }
    }
}

/// How an audited attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Refused for what was given (a wrong password, invalid input).
    Failure,
    /// Refused before it was tried: throttled, locked out, not allowed.
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// One recorded event, as the admin page and `portico audit --json` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: String,
    pub at: Epoch,
    /// The signed-in user, the username tried at sign-in, or `cli` for the command line.
    pub actor: String,
    pub address: Option<String>,
    pub action: String,
    pub target: String,
    pub outcome: String,
    pub detail: String,
}

/// What to look for: an action (`api.create`) or an area (`api`), an actor, a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub since: Option<Epoch>,
    pub until: Option<Epoch>,
}

/// Events newest first, at most [`AuditFilter`]'s page; `next` continues after the last.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    pub next: Option<String>,
}

/// Where a page of the log ends: the last event's time and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub at: Epoch,
    pub id: String,
}

impl Cursor {
    pub fn after(event: &AuditEvent) -> String {
        format!("{}.{}", event.at, event.id)
    }

    /// A cursor given back by a client; anything else is no cursor at all.
    pub fn parse(text: &str) -> Option<Cursor> {
        let (at, id) = text.split_once('.')?;
        let id_ok = !id.is_empty() && id.len() <= 64;
        let id_ok = id_ok && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
        Some(Cursor {
            at: at.parse().ok()?,
            id: id_ok.then(|| id.to_owned())?,
        })
    }
}

/// Text bound for a column: attacker-chosen strings (a username tried at sign-in) are
/// kept, cut to `max` characters, with control characters replaced.
pub fn clip(text: &str, max: usize) -> String {
    text.chars()
        .take(max)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names_are_unique_and_grouped_by_area() {
        let names: std::collections::BTreeSet<_> = Action::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), Action::ALL.len());
        assert!(names.iter().all(|n| n.split_once('.').is_some()));
    }

    #[test]
    fn cursors_round_trip_and_junk_is_no_cursor() {
        let e = AuditEvent {
            id: "0190f3c2-aaaa-7bbb-8ccc-000000000001".into(),
            at: 1_765_000_000,
            actor: "a".into(),
            address: None,
            action: "api.create".into(),
            target: String::new(),
            outcome: "success".into(),
            detail: String::new(),
        };
        let c = Cursor::parse(&Cursor::after(&e)).unwrap();
        assert_eq!((c.at, c.id.as_str()), (e.at, e.id.as_str()));
        for junk in ["", "1", "x.abc", "1.", "1.' OR 1=1 --", "1.zz"] {
            assert_eq!(Cursor::parse(junk), None, "{junk}");
        }
    }

    #[test]
    fn clipped_text_is_bounded_and_has_no_control_characters() {
        assert_eq!(clip("mallory\n2026 forged line", 7), "mallory");
        assert_eq!(clip("a\nb", 10), "a\u{fffd}b");
        assert_eq!(clip(&"é".repeat(500), 64).chars().count(), 64);
    }
}
