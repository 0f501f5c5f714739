//! Token writes. Every issued or rotated token must be durable before its response
//! leaves, and each commit costs a flush to disk. So one writer task, on a connection of
//! its own, commits whatever token writes queued up while its previous commit was
//! running, in one transaction (group commit) of a handful of multi-row statements: on a
//! busy machine a statement's round trip costs more than the work it does. On SQLite,
//! whose writers take turns anyway, this is the only way to share a flush; on PostgreSQL
//! it turns five round trips per token into five per batch. Should a statement fail, the
//! batch is run again with each write inside its own savepoint, so the failing write is
//! undone alone and reported to its own caller only.

use super::events::insert_events;
use super::tokens::{insert_tokens, Rotation};
use super::{Backend, NewToken, StoreError, TokenEvent};
use sqlx::{AnyConnection, AnyPool, Connection, Row};
use std::collections::HashSet;
use tokio::sync::{mpsc, oneshot};

/// The most writes one transaction takes; bounds the latency a batch adds.
const MAX_BATCH: usize = 128;

pub(super) enum Write {
    Issue(NewToken, TokenEvent),
    Rotate {
        old_id: String,
        next: NewToken,
        event: TokenEvent,
    },
}

type Reply = oneshot::Sender<Result<Rotation, StoreError>>;

/// The queue of the one task that commits token writes.
#[derive(Clone)]
pub(super) struct Writer(mpsc::Sender<(Write, Reply)>);

impl Writer {
    pub(super) fn new(pool: AnyPool, backend: Backend) -> Self {
        let (queue, rx) = mpsc::channel(4 * MAX_BATCH);
        let (running, stopped) = oneshot::channel();
        if backend == Backend::Sqlite {
            tokio::spawn(checkpoints(pool.clone(), stopped));
        }
        tokio::spawn(run(pool, backend, rx, running));
        Writer(queue)
    }

    pub(super) async fn submit(&self, write: Write) -> Result<Rotation, StoreError> {
        let (tx, rx) = oneshot::channel();
        let gone = || StoreError::Other("the token writer has stopped".into());
        self.0.send((write, tx)).await.map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }
}

/// Commits batches on a connection of its own, kept between batches: a connection's page
/// cache survives its own commits but not another connection's, so a writer that moved
/// from one pooled connection to the next would start every batch with a cold cache. It
/// is detached from the pool, so closing the pool does not wait for it.
async fn run(
    pool: AnyPool,
    backend: Backend,
    mut rx: mpsc::Receiver<(Write, Reply)>,
    _running: oneshot::Sender<()>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut conn: Option<AnyConnection> = None;
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        if conn.is_none() {
            match pool.acquire().await {
                Ok(c) => conn = Some(own_connection(c, backend).await),
                Err(e) => refuse(&mut batch, &e),
            }
        }
        if let Some(c) = conn.as_mut() {
            if !commit(c, &mut batch).await {
                // The transaction itself failed: start again on a fresh connection.
                conn = None;
            }
        }
    }
}

/// Detaches the writer's connection; on SQLite it leaves WAL checkpoints to
/// `checkpoints`, so copying pages back into the database file happens beside the
/// writer, not in its turn.
async fn own_connection(
    conn: sqlx::pool::PoolConnection<sqlx::Any>,
    backend: Backend,
) -> AnyConnection {
    let mut conn = conn.detach();
    if backend != Backend::Sqlite {
        return conn;
    }
    if let Err(e) = sqlx::query("PRAGMA wal_autocheckpoint = 0")
        .execute(&mut conn)
        .await
    {
        tracing::warn!(error = %e, "the token writer checkpoints its own commits");
    }
    conn
}

/// Checkpoints the WAL until the writer stops. PASSIVE never waits for the writer or for
/// readers; the other connections still checkpoint on their own past 1,000 pages.
async fn checkpoints(pool: AnyPool, mut writer_stopped: oneshot::Receiver<()>) {
    let mut every = tokio::time::interval(std::time::Duration::from_millis(250));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut writer_stopped => return,
            _ = every.tick() => {}
        }
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}

/// Answers every write of a batch that could not be attempted.
fn refuse(batch: &mut Vec<(Write, Reply)>, e: &sqlx::Error) {
    for (_, reply) in batch.drain(..) {
        let _ = reply.send(Err(StoreError::Other(format!("token batch failed: {e}"))));
    }
}

/// Commits a batch and answers its writers; `false` when the connection failed.
async fn commit(conn: &mut AnyConnection, batch: &mut Vec<(Write, Reply)>) -> bool {
    let (outcome, results) = match all_or_nothing(conn, batch).await {
        Ok(Some(results)) => (Ok(()), results),
        // A write failed (or the commit did): nothing was kept, so run them again one
        // savepoint each, to keep the good ones and report the bad one to its caller.
        _ => isolated(conn, batch).await,
    };
    if let Err(e) = &outcome {
        refuse(batch, e);
        return false;
    }
    let mut results = results.into_iter();
    for (_, reply) in batch.drain(..) {
        let answer = results
            .next()
            .unwrap_or_else(|| Err(StoreError::Other("token write not applied".into())));
        let _ = reply.send(answer);
    }
    true
}

type Results = Vec<Result<Rotation, StoreError>>;

/// The common case: every write succeeds, in one transaction. `None` when a statement
/// failed (the transaction is dropped, so rolled back).
async fn all_or_nothing(
    conn: &mut AnyConnection,
    batch: &[(Write, Reply)],
) -> Result<Option<Results>, sqlx::Error> {
    let mut tx = conn.begin().await?;
    let writes: Vec<&Write> = batch.iter().map(|(w, _)| w).collect();
    let Ok(rotations) = apply(&mut tx, &writes).await else {
        return Ok(None);
    };
    tx.commit().await?;
    Ok(Some(rotations.into_iter().map(Ok).collect()))
}

async fn isolated(
    conn: &mut AnyConnection,
    batch: &[(Write, Reply)],
) -> (Result<(), sqlx::Error>, Results) {
    let mut results = Vec::with_capacity(batch.len());
    let outcome = async {
        let mut tx = conn.begin().await?;
        for (write, _) in batch {
            sqlx::query("SAVEPOINT token_write")
                .execute(&mut *tx)
                .await?;
            let result = apply_one(&mut tx, write).await;
            if result.is_err() {
                sqlx::query("ROLLBACK TO SAVEPOINT token_write")
                    .execute(&mut *tx)
                    .await?;
            }
            // Both backends keep the savepoint after ROLLBACK TO; release it either way.
            sqlx::query("RELEASE SAVEPOINT token_write")
                .execute(&mut *tx)
                .await?;
            results.push(result);
        }
        tx.commit().await
    }
    .await;
    (outcome, results)
}

async fn apply_one(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    write: &Write,
) -> Result<Rotation, StoreError> {
    let mut outcome = apply(tx, &[write]).await?;
    outcome
        .pop()
        .ok_or_else(|| StoreError::Other("token write not applied".into()))
}

/// Applies `writes` in order within `tx`: one UPDATE claims every presented refresh
/// token, then the new tokens and their events go in multi-row INSERTs. A rotation whose
/// refresh token was used or revoked already, by an earlier write in the same batch too,
/// stores nothing and answers `AlreadyUsed`.
async fn apply(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    writes: &[&Write],
) -> Result<Vec<Rotation>, StoreError> {
    let presented: Vec<(&str, i64)> = writes
        .iter()
        .filter_map(|w| match w {
            Write::Rotate { old_id, next, .. } => Some((old_id.as_str(), next.issued_at)),
            Write::Issue(..) => None,
        })
        .collect();
    let claimed = claim_refresh_tokens(tx, &presented).await?;
    let mut used = HashSet::new();
    let (mut tokens, mut events, mut outcome) = (Vec::new(), Vec::new(), Vec::new());
    for write in writes {
        let (token, event) = match write {
            Write::Issue(token, event) => (token, event),
            Write::Rotate {
                old_id,
                next,
                event,
            } => {
                if !claimed.contains(old_id.as_str()) || !used.insert(old_id.as_str()) {
                    outcome.push(Rotation::AlreadyUsed);
                    continue;
                }
                (next, event)
            }
        };
        tokens.push(token);
        events.push(event);
        outcome.push(Rotation::Rotated);
    }
    insert_tokens(tx, &tokens).await?;
    insert_events(tx, &events).await?;
    Ok(outcome)
}

/// Ids per UPDATE, bounding its parameter count.
const CLAIMS_PER_STATEMENT: usize = 64;

/// Marks refresh tokens used, at the latest of their successors' issue times, unless
/// they were used or revoked already; returns the ids it marked.
async fn claim_refresh_tokens(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    presented: &[(&str, i64)],
) -> Result<HashSet<String>, StoreError> {
    let mut claimed = HashSet::with_capacity(presented.len());
    for chunk in presented.chunks(CLAIMS_PER_STATEMENT) {
        let at = chunk.iter().map(|(_, at)| *at).max().unwrap_or_default();
        let sql = format!(
            "UPDATE tokens SET refresh_used_at = {} WHERE id IN ({}) \
             AND refresh_used_at IS NULL AND revoked_at IS NULL RETURNING id",
            super::markers(tx, 1, 1),
            super::markers(tx, 2, chunk.len())
        );
        let keep = super::keep_prepared(chunk.len(), CLAIMS_PER_STATEMENT);
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
