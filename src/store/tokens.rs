use super::batch::Write;
use super::{Store, StoreError, TokenEvent};
use crate::domain::Epoch;
use std::collections::HashMap;
use std::sync::Arc;

/// A token issuance as stored: digests only, never the tokens themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenRow {
    pub id: String,
    pub access_digest: String,
    pub refresh_digest: Option<String>,
    pub family_id: String,
    pub consumer_key: String,
    pub app_id: String,
    pub key_type: String,
    pub grant_type: String,
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub scopes: String,
    pub issued_at: Epoch,
    pub expires_at: Epoch,
    pub refresh_expires_at: Option<Epoch>,
    pub refresh_used_at: Option<Epoch>,
    pub revoked_at: Option<Epoch>,
    /// `opaque`, or `jwt` for a signed access token: then `access_digest` is empty (the
    /// JWT is never stored; its signature proves it) and `id` is its `jti`.
    pub token_type: String,
}

/// What a grant asks the store to keep.
pub type NewToken = TokenRow;

pub(super) const COLUMNS: &str =
    "id, access_digest, refresh_digest, family_id, consumer_key, app_id, \
    key_type, grant_type, user_id, username, scopes, issued_at, expires_at, \
    refresh_expires_at, refresh_used_at, revoked_at, token_type";

/// The two secrets of an issuance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPart {
    Access,
    Refresh,
}

/// Why a refresh token was not rotated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Unknown, another client's, revoked, expired, or not this row's secret.
    Invalid,
    /// Used already, so presented again: the writer revoked its whole family in the same
    /// transaction, since either the client or an attacker holds a stolen copy.
    Replayed,
    /// The requested scope is not within the original grant, which is given.
    ScopeNotGranted(String),
    /// The user may no longer hold any of the token's scopes.
    NoScopeLeft,
}

/// A refresh grant's rule for the successor of the presented refresh token, applied by
/// the token writer to that token's row as its transaction reads it (with any rotation
/// of it earlier in the same batch), so a rotation takes one trip to the database.
pub type Successor =
    Arc<dyn Fn(&TokenRow, &Standing) -> Result<(NewToken, TokenEvent), Refusal> + Send + Sync>;

/// What the writer's transaction reads beside a presented refresh token, so a refresh is
/// decided on the user and scopes as they are now, not as they were at the first grant.
pub struct Standing<'a> {
    /// The token's user now; `None` when there is no such user any more.
    pub user: Option<&'a UserStanding>,
    /// Each existing scope among the token's, with the roles it needs (space-separated;
    /// empty: anyone). A scope missing here was deleted.
    pub scope_roles: &'a HashMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserStanding {
    pub locked: bool,
    pub roles: String,
}

/// The outcome of presenting a refresh token for rotation.
#[derive(Debug, PartialEq, Eq)]
pub enum Rotation {
    /// The successor as stored.
    Rotated(Box<NewToken>),
    Refused(Refusal),
}

impl Store {
    /// Stores a new token and its `issued` event, durably, before returning.
    pub async fn issue_token(
        &self,
        token: &NewToken,
        event: &TokenEvent,
    ) -> Result<(), StoreError> {
        self.writer
            .submit(Write::Issue(Box::new((token.clone(), event.clone()))))
            .await
            .map(|_| ())
    }

    /// Rotates refresh token `old_id`: `successor` decides from its row; a successor is
    /// stored with its event and the refresh token marked used, in one atomic step. `at`
    /// dates a replay's revocation.
    pub async fn rotate_token(
        &self,
        old_id: &str,
        at: Epoch,
        successor: Successor,
    ) -> Result<Rotation, StoreError> {
        let rotation = self
            .writer
            .submit(Write::Rotate {
                old_id: old_id.to_owned(),
                at,
                successor,
            })
            .await?
            .ok_or_else(|| StoreError::Other("the token writer gave no rotation".into()))?;
        if matches!(rotation, Rotation::Refused(Refusal::Replayed)) {
            self.revoked(1);
        }
        Ok(rotation)
    }

    /// A token from before row ids (`crypto::token`) by the digest of its value. Newer
    /// rows are not indexed by digest and are never found this way.
    pub async fn legacy_token_by_digest(
        &self,
        part: TokenPart,
        digest: &str,
    ) -> Result<TokenRow, StoreError> {
        let column = match part {
            TokenPart::Access => "access_digest",
            TokenPart::Refresh => "refresh_digest",
        };
        let sql = format!("SELECT {COLUMNS} FROM tokens WHERE {column} = $1 AND legacy_lookup = 1");
        Ok(sqlx::query_as(&sql)
            .bind(digest)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Revokes every token of a user (lock, password change).
    pub async fn revoke_tokens_of_user(
        &self,
        user_id: &str,
        now: Epoch,
    ) -> Result<u64, StoreError> {
        self.revoke_where("user_id = $2", user_id, now).await
    }

    async fn revoke_where(&self, filter: &str, value: &str, now: Epoch) -> Result<u64, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let revoked = revoke_in(&mut conn, filter, value, now).await?;
        self.revoked(revoked);
        Ok(revoked)
    }

    /// Revokes one issuance (`family` false) or its whole family and records `event` in
    /// the same transaction. Revoking what is already revoked records nothing.
    pub async fn revoke_recorded(
        &self,
        id: &str,
        family: bool,
        event: &TokenEvent,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let filter = if family { "family_id = $2" } else { "id = $2" };
        let revoked = revoke_in(&mut tx, filter, id, event.at).await?;
        if revoked > 0 {
            super::events::insert_events(&mut tx, &[event]).await?;
        }
        tx.commit().await?;
        self.revoked(revoked);
        Ok(revoked)
    }

    /// Tokens of a user that are neither revoked nor expired, newest first.
    pub async fn active_tokens_of_user(
        &self,
        user_id: &str,
        now: Epoch,
    ) -> Result<Vec<TokenRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM tokens WHERE user_id = $1 AND revoked_at IS NULL \
             AND (expires_at > $2 OR (refresh_used_at IS NULL AND refresh_expires_at > $2)) \
             ORDER BY issued_at DESC"
        );
        Ok(sqlx::query_as(&sql)
            .bind(user_id)
            .bind(now)
            .fetch_all(&self.pool)
            .await?)
    }
}

/// Rows per INSERT, so a batch of rotations is a statement or two.
const TOKENS_PER_STATEMENT: usize = 32;

/// Stores new tokens, several rows per statement (a batch of rotations is a handful of
/// statements instead of one per token).
pub(super) async fn insert_tokens(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tokens: &[&NewToken],
) -> Result<(), StoreError> {
    for chunk in tokens.chunks(TOKENS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO tokens ({COLUMNS}) VALUES {}",
            super::placeholders(tx, chunk.len(), 17)
        );
        let mut q =
            sqlx::query(&sql).persistent(super::keep_prepared(chunk.len(), TOKENS_PER_STATEMENT));
        for t in chunk {
            q = q
                .bind(&t.id)
                .bind(&t.access_digest)
                .bind(&t.refresh_digest)
                .bind(&t.family_id)
                .bind(&t.consumer_key)
                .bind(&t.app_id)
                .bind(&t.key_type)
                .bind(&t.grant_type)
                .bind(&t.user_id)
                .bind(&t.username)
                .bind(&t.scopes)
                .bind(t.issued_at)
                .bind(t.expires_at)
                .bind(t.refresh_expires_at)
                .bind(t.refresh_used_at)
                .bind(t.revoked_at)
                .bind(&t.token_type);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// The JWT access tokens revoked before they expire, as (jti, revoked at), for
    /// gateways' revocation lists; expired ones need no listing, their `exp` refuses them.
    pub async fn revoked_jwts(&self, now: Epoch) -> Result<Vec<(String, Epoch)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, revoked_at FROM tokens WHERE token_type = 'jwt' \
             AND revoked_at IS NOT NULL AND expires_at > $1",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn token_by_id(&self, id: &str) -> Result<TokenRow, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM tokens WHERE id = $1");
        Ok(sqlx::query_as(&sql).bind(id).fetch_one(&self.pool).await?)
    }
}

impl Store {
    /// Deletes tokens whose access and refresh tokens both expired before `cutoff`.
    /// Their events stay, so statistics keep counting them.
    pub async fn purge_expired_tokens(&self, cutoff: Epoch) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM tokens WHERE expires_at < $1 \
             AND (refresh_expires_at IS NULL OR refresh_expires_at < $1)",
        )
        .bind(cutoff)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}

pub(super) async fn revoke_in(
    conn: &mut sqlx::AnyConnection,
    filter: &str,
    value: &str,
    now: Epoch,
) -> Result<u64, StoreError> {
    let sql = format!("UPDATE tokens SET revoked_at = $1 WHERE {filter} AND revoked_at IS NULL");
    let done = sqlx::query(&sql)
        .bind(now)
        .bind(value)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() > 0 {
        super::feed::announce(conn, now).await?;
    }
    Ok(done.rows_affected())
}
