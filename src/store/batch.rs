//! Token writes. Every issued or rotated token must be durable before its response
//! leaves, and each commit costs a flush to disk. So one writer, on a thread and a
//! connection of its own, commits whatever token writes queued up while its previous
//! commit was running, in one transaction (group commit) of a handful of multi-row
//! statements: on a busy machine a statement's round trip costs more than the work it
//! does. On SQLite, whose writers take turns anyway, this is the only way to share a
//! flush; on PostgreSQL it turns six round trips per token (a rotation's read among them,
//! `store::rotation`) into six per batch. Should a statement fail, the batch is run again
//! with each write inside its own savepoint, so the failing write is undone alone and
//! reported to its own caller only.

use super::rotation::apply;
use super::tokens::{Rotation, Successor};
use super::{Backend, NewToken, StoreError, TokenEvent};
use crate::domain::Epoch;
use sqlx::{AnyConnection, AnyPool, Connection};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The most writes one transaction takes; bounds the latency a batch adds.
const MAX_BATCH: usize = 128;

pub(super) enum Write {
    Issue(Box<(NewToken, TokenEvent)>),
    Rotate {
        old_id: String,
        at: Epoch,
        successor: Successor,
    },
}

/// A write's answer: its rotation's outcome, `None` for an issue.
pub(super) type Answer = Result<Option<Rotation>, StoreError>;
type Reply = oneshot::Sender<Answer>;

/// The queue of the one task that commits token writes.
#[derive(Clone)]
pub(super) struct Writer(mpsc::Sender<(Write, Reply)>);

impl Writer {
    pub(super) fn new(pool: AnyPool, backend: Backend) -> Self {
        let (queue, rx) = mpsc::channel(4 * MAX_BATCH);
        let (running, stopped) = oneshot::channel();
        // Set by the background checkpoint when the WAL should start over.
        let reset_due = Arc::new(AtomicBool::new(false));
        if backend == Backend::Sqlite {
            tokio::spawn(checkpoints(pool.clone(), reset_due.clone(), stopped));
        }
        // A thread of its own: on the shared runtime, each wake-up of the writer (one per
        // statement it sends to the database) waited behind every ready request task,
        // and the writer is the one step all token writes go through in turn.
        let spawned = std::thread::Builder::new()
            .name("portico-token-writer".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(run(pool, backend, reset_due, rx, running)),
                    Err(e) => tracing::error!(error = %e, "the token writer cannot start"),
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "the token writer cannot start");
        }
        Writer(queue)
    }

    pub(super) async fn submit(&self, write: Write) -> Answer {
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
    reset_due: Arc<AtomicBool>,
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
            } else if reset_due.swap(false, Ordering::Relaxed) {
                // If the background checkpoint held the lock, or a reader kept frames
                // from being copied, try again after the next batch.
                let done = passive_checkpoint(&mut *c)
                    .await
                    .is_some_and(|c| !c.busy && c.copied == c.frames);
                if !done {
                    reset_due.store(true, Ordering::Relaxed);
                }
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

/// WAL frames past which the WAL should start again from its beginning (about 4 MiB).
///
/// SQLite starts the WAL over only when a writer begins while every frame is already
/// checkpointed, and a checkpoint beside a busy writer never catches up with it: its
/// commits land while the checkpoint copies, so under a steady stream of token writes the
/// WAL would grow without bound. So once the WAL is this long, the background checkpoint
/// sets the writer's `reset_due`, and the writer checkpoints the few frames still left
/// between two batches; its next batch then writes from the WAL's start, over pages the
/// kernel already holds, instead of growing the file.
const RESET_AFTER_FRAMES: i64 = 1000;

/// What one PASSIVE checkpoint did. PASSIVE never waits for the writer or for readers.
struct Checkpoint {
    /// Another checkpoint held the lock.
    busy: bool,
    frames: i64,
    copied: i64,
}

async fn passive_checkpoint<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
) -> Option<Checkpoint> {
    match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(db)
        .await
    {
        Ok((busy, frames, copied)) => Some(Checkpoint {
            busy: busy != 0,
            frames,
            copied,
        }),
        Err(e) => {
            tracing::warn!(error = %e, "WAL checkpoint failed");
            None
        }
    }
}

/// Checkpoints the WAL until the writer stops; the other connections still checkpoint
/// on their own past 1,000 pages.
async fn checkpoints(
    pool: AnyPool,
    reset_due: Arc<AtomicBool>,
    mut writer_stopped: oneshot::Receiver<()>,
) {
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
        if passive_checkpoint(&pool)
            .await
            .is_some_and(|c| c.frames >= RESET_AFTER_FRAMES)
        {
            reset_due.store(true, Ordering::Relaxed);
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

type Results = Vec<Answer>;

/// Starts a batch's transaction. On SQLite it takes the write lock at once: a batch reads
/// before it writes, and a deferred transaction whose snapshot another connection's commit
/// has outdated cannot take the lock later (it fails as busy, without waiting).
async fn begin(conn: &mut AnyConnection) -> Result<sqlx::Transaction<'_, sqlx::Any>, sqlx::Error> {
    if super::is_sqlite(conn) {
        conn.begin_with("BEGIN IMMEDIATE").await
    } else {
        conn.begin().await
    }
}

/// The common case: every write succeeds, in one transaction. `None` when a statement
/// failed (the transaction is dropped, so rolled back).
async fn all_or_nothing(
    conn: &mut AnyConnection,
    batch: &[(Write, Reply)],
) -> Result<Option<Results>, sqlx::Error> {
    let mut tx = begin(conn).await?;
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
        let mut tx = begin(conn).await?;
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

async fn apply_one(tx: &mut sqlx::Transaction<'_, sqlx::Any>, write: &Write) -> Answer {
    let mut outcome = apply(tx, &[write]).await?;
    outcome
        .pop()
        .ok_or_else(|| StoreError::Other("token write not applied".into()))
}
