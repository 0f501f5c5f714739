//! Token writes. Every issued or rotated token must be durable before its response
//! leaves. On SQLite, where writers take turns anyway and each commit costs an fsync, one
//! writer task commits whatever token writes queued up while the previous commit was
//! running, in one transaction (group commit). Should one write fail, the batch is run
//! again with each write inside its own savepoint, so the failing write is undone alone
//! and reported to its own caller only. PostgreSQL commits concurrently on many
//! connections, so there each write is its own transaction.

use super::events::insert_event;
use super::tokens::{insert_token, Rotation};
use super::{NewToken, StoreError, TokenEvent};
use sqlx::AnyPool;
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

#[derive(Clone)]
pub(super) enum Writer {
    Batched(mpsc::Sender<(Write, Reply)>),
    Direct(AnyPool),
}

impl Writer {
    pub(super) fn new(pool: AnyPool, backend: super::Backend) -> Self {
        match backend {
            super::Backend::Postgres => Writer::Direct(pool),
            super::Backend::Sqlite => {
                let (queue, rx) = mpsc::channel(4 * MAX_BATCH);
                tokio::spawn(run(pool, rx));
                Writer::Batched(queue)
            }
        }
    }

    pub(super) async fn submit(&self, write: Write) -> Result<Rotation, StoreError> {
        match self {
            Writer::Direct(pool) => {
                let mut tx = pool.begin().await?;
                let result = apply(&mut tx, &write).await?;
                tx.commit().await?;
                Ok(result)
            }
            Writer::Batched(queue) => {
                let (tx, rx) = oneshot::channel();
                let gone = || StoreError::Other("the token writer has stopped".into());
                queue.send((write, tx)).await.map_err(|_| gone())?;
                rx.await.map_err(|_| gone())?
            }
        }
    }
}

async fn run(pool: AnyPool, mut rx: mpsc::Receiver<(Write, Reply)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        commit(&pool, &mut batch).await;
    }
}

async fn commit(pool: &AnyPool, batch: &mut Vec<(Write, Reply)>) {
    let (outcome, results) = match all_or_nothing(pool, batch).await {
        Ok(Some(results)) => (Ok(()), results),
        // A write failed (or the commit did): nothing was kept, so run them again one
        // savepoint each, to keep the good ones and report the bad one to its caller.
        _ => isolated(pool, batch).await,
    };
    let mut results = results.into_iter();
    for (_, reply) in batch.drain(..) {
        let answer = match &outcome {
            Ok(()) => results
                .next()
                .unwrap_or_else(|| Err(StoreError::Other("token write not applied".into()))),
            Err(e) => Err(StoreError::Other(format!("token batch failed: {e}"))),
        };
        let _ = reply.send(answer);
    }
}

type Results = Vec<Result<Rotation, StoreError>>;

/// The common case: every write succeeds, in one transaction, without a savepoint's two
/// extra statements per write. `None` when one failed (the transaction is dropped, so
/// rolled back).
async fn all_or_nothing(
    pool: &AnyPool,
    batch: &[(Write, Reply)],
) -> Result<Option<Results>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut results = Vec::with_capacity(batch.len());
    for (write, _) in batch {
        match apply(&mut tx, write).await {
            Ok(r) => results.push(Ok(r)),
            Err(_) => return Ok(None),
        }
    }
    tx.commit().await?;
    Ok(Some(results))
}

async fn isolated(pool: &AnyPool, batch: &[(Write, Reply)]) -> (Result<(), sqlx::Error>, Results) {
    let mut results = Vec::with_capacity(batch.len());
    let outcome = async {
        let mut tx = pool.begin().await?;
        for (write, _) in batch {
            sqlx::query("SAVEPOINT token_write")
                .execute(&mut *tx)
                .await?;
            let result = apply(&mut tx, write).await;
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

async fn apply(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    write: &Write,
) -> Result<Rotation, StoreError> {
    match write {
        Write::Issue(token, event) => {
            insert_token(tx, token).await?;
            insert_event(tx, event).await?;
            Ok(Rotation::Rotated)
        }
        Write::Rotate {
            old_id,
            next,
            event,
        } => {
            let marked = sqlx::query(
                "UPDATE tokens SET refresh_used_at = $1 \
                 WHERE id = $2 AND refresh_used_at IS NULL AND revoked_at IS NULL",
            )
            .bind(next.issued_at)
            .bind(old_id)
            .execute(&mut **tx)
            .await?;
            if marked.rows_affected() == 0 {
                return Ok(Rotation::AlreadyUsed);
            }
            insert_token(tx, next).await?;
            insert_event(tx, event).await?;
            Ok(Rotation::Rotated)
        }
    }
}
