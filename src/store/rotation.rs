//! What one batch of the token writer does (`store::batch`): read the rows of every
//! presented refresh token, let each grant's rule decide its successor, claim the refresh
//! tokens, store the successors and their events, and revoke the family of every replay.
//! Reading inside the writer's transaction is what makes a refresh one trip to the
//! database: the request does not read the row first through another connection.

use super::batch::Write;
use super::events::insert_events;
use super::tokens::{insert_tokens, Refusal, Rotation, Standing, TokenRow, UserStanding, COLUMNS};
use super::{NewToken, StoreError, TokenEvent};
use crate::domain::Epoch;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

type Tx<'c> = sqlx::Transaction<'c, sqlx::Any>;

/// Ids per statement, bounding its parameter count.
const IDS_PER_STATEMENT: usize = 64;

/// Applies `writes` in order within `tx`; one answer per write (`None` for an issue).
pub(super) async fn apply(
    tx: &mut Tx<'_>,
    writes: &[&Write],
) -> Result<Vec<Option<Rotation>>, StoreError> {
    let presented: Vec<&str> = writes
        .iter()
        .filter_map(|w| match w {
            Write::Rotate { old_id, .. } => Some(old_id.as_str()),
            Write::Issue(..) => None,
        })
        .collect();
    let mut rows = read_rows(tx, &presented).await?;
    let users = read_users(tx, &rows).await?;
    let scope_roles = read_scope_roles(tx, &rows).await?;
    // Decide in order, each rotation seeing the ones before it in this batch.
    let mut decided: Vec<Decision> = Vec::with_capacity(writes.len());
    for write in writes {
        decided.push(match write {
            Write::Issue(issued) => Decision::Issue(&issued.0, &issued.1),
            Write::Rotate {
                old_id,
                at,
                successor,
            } => match rows.get_mut(old_id.as_str()) {
                None => Decision::Refused(Refusal::Invalid),
                Some(row) => match successor(
                    row,
                    &Standing {
                        user: row.user_id.as_ref().and_then(|id| users.get(id)),
                        scope_roles: &scope_roles,
                    },
                ) {
                    Ok((next, event)) => {
                        row.refresh_used_at = Some(next.issued_at);
                        Decision::Rotate(old_id, Box::new(next), event)
                    }
                    Err(Refusal::Replayed) => Decision::Replayed(row.family_id.clone(), *at),
                    Err(refusal) => Decision::Refused(refusal),
                },
            },
        });
    }
    let claims: Vec<(&str, Epoch)> = decided
        .iter()
        .filter_map(|d| match d {
            Decision::Rotate(old_id, next, _) => Some((old_id.as_str(), next.issued_at)),
            _ => None,
        })
        .collect();
    let claimed = claim_refresh_tokens(tx, &claims).await?;
    // A claim the UPDATE did not make lost to another server sharing the database: that
    // rotation is a replay as well.
    for d in &mut decided {
        if let Decision::Rotate(old_id, next, _) = d {
            if !claimed.contains(old_id.as_str()) {
                let family = next.family_id.clone();
                *d = Decision::Replayed(family, next.issued_at);
            }
        }
    }
    let (tokens, events): (Vec<&NewToken>, Vec<&TokenEvent>) = decided
        .iter()
        .filter_map(|d| match d {
            Decision::Issue(token, event) => Some((*token, *event)),
            Decision::Rotate(_, next, event) => Some((&**next, event)),
            _ => None,
        })
        .unzip();
    insert_tokens(tx, &tokens).await?;
    insert_events(tx, &events).await?;
    revoke_families(tx, &decided).await?;
    Ok(decided.into_iter().map(Decision::answer).collect())
}

enum Decision<'w> {
    Issue(&'w NewToken, &'w TokenEvent),
    Rotate(&'w String, Box<NewToken>, TokenEvent),
    /// The family to revoke, and when.
    Replayed(String, Epoch),
    Refused(Refusal),
}

impl Decision<'_> {
    fn answer(self) -> Option<Rotation> {
        match self {
            Decision::Issue(..) => None,
            Decision::Rotate(_, next, _) => Some(Rotation::Rotated(next)),
            Decision::Replayed(..) => Some(Rotation::Refused(Refusal::Replayed)),
            Decision::Refused(refusal) => Some(Rotation::Refused(refusal)),
        }
    }
}

async fn read_rows(tx: &mut Tx<'_>, ids: &[&str]) -> Result<HashMap<String, TokenRow>, StoreError> {
    let mut rows = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let sql = format!(
            "SELECT {COLUMNS} FROM tokens WHERE id IN ({})",
            super::markers(tx, 1, chunk.len())
        );
        let keep = super::keep_prepared(chunk.len(), IDS_PER_STATEMENT);
        let mut q = sqlx::query_as::<_, TokenRow>(&sql).persistent(keep);
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut **tx).await? {
            rows.insert(row.id.clone(), row);
        }
    }
    Ok(rows)
}

/// The users of the presented tokens as they are now, by id.
async fn read_users(
    tx: &mut Tx<'_>,
    rows: &HashMap<String, TokenRow>,
) -> Result<HashMap<String, UserStanding>, StoreError> {
    let ids: HashSet<&str> = rows.values().filter_map(|r| r.user_id.as_deref()).collect();
    let ids: Vec<&str> = ids.into_iter().collect();
    let mut users = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let sql = format!(
            "SELECT id, locked, roles, is_admin FROM users WHERE id IN ({})",
            super::markers(tx, 1, chunk.len())
        );
        let keep = super::keep_prepared(chunk.len(), IDS_PER_STATEMENT);
        let mut q = sqlx::query(&sql).persistent(keep);
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut **tx).await? {
            let standing = UserStanding {
                locked: row.try_get::<i64, _>(1)? != 0,
                roles: crate::domain::api::RoleSet::held(
                    &row.try_get::<String, _>(2)?,
                    row.try_get::<i64, _>(3)? != 0,
                )
                .to_string(),
            };
            users.insert(row.try_get(0)?, standing);
        }
    }
    Ok(users)
}

/// The roles each existing scope of the presented tokens needs, by scope name.
async fn read_scope_roles(
    tx: &mut Tx<'_>,
    rows: &HashMap<String, TokenRow>,
) -> Result<HashMap<String, String>, StoreError> {
    let names: HashSet<&str> = rows
        .values()
        .flat_map(|r| r.scopes.split_whitespace())
        .collect();
    let names: Vec<&str> = names.into_iter().collect();
    let mut roles = HashMap::with_capacity(names.len());
    for chunk in names.chunks(IDS_PER_STATEMENT) {
        let sql = format!(
            "SELECT name, roles FROM scopes WHERE name IN ({})",
            super::markers(tx, 1, chunk.len())
        );
        let mut q = sqlx::query(&sql).persistent(false);
        for name in chunk {
            q = q.bind(*name);
        }
        for row in q.fetch_all(&mut **tx).await? {
            roles.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }
    Ok(roles)
}

/// Marks refresh tokens used, at the latest of their successors' issue times, unless
/// they were used or revoked already; returns the ids it marked.
async fn claim_refresh_tokens(
    tx: &mut Tx<'_>,
    claims: &[(&str, Epoch)],
) -> Result<HashSet<String>, StoreError> {
    let mut claimed = HashSet::with_capacity(claims.len());
    for chunk in claims.chunks(IDS_PER_STATEMENT) {
        let at = chunk.iter().map(|(_, at)| *at).max().unwrap_or_default();
        let sql = format!(
            "UPDATE tokens SET refresh_used_at = {} WHERE id IN ({}) \
             AND refresh_used_at IS NULL AND revoked_at IS NULL RETURNING id",
            super::markers(tx, 1, 1),
            super::markers(tx, 2, chunk.len())
        );
        let keep = super::keep_prepared(chunk.len(), IDS_PER_STATEMENT);
        let mut q = sqlx::query(&sql).persistent(keep).bind(at);
        for (id, _) in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut **tx).await? {
            claimed.insert(row.try_get::<String, _>(0)?);
        }
    }
    Ok(claimed)
}

/// Revokes the family of every replay, after this batch's successors went in, so a
/// successor of the same family issued in this batch is revoked with it.
async fn revoke_families(tx: &mut Tx<'_>, decided: &[Decision<'_>]) -> Result<(), StoreError> {
    for d in decided {
        if let Decision::Replayed(family, at) = d {
            super::tokens::revoke_in(tx, "family_id = $2", family, *at).await?;
        }
    }
    Ok(())
}
