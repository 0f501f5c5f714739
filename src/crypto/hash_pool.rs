//! The workers that run Argon2id: at most one per core, each with its own preallocated
//! workspace, each taking the next queued job itself.
//!
//! A worker that finishes a hash pops the next job from the queue on the same thread.
//! The alternative, a semaphore permit handed back to a waiting request task that then
//! asks the runtime for a blocking thread, leaves a core idle through two thread
//! wake-ups between hashes; under load that idle time cost up to a tenth of the
//! password grant's throughput.
//!
//! Jobs whose requester has gone away (its client disconnected) are skipped before they
//! start, so clients that send password grants and hang up cannot make the server hash
//! for nobody. A job already running finishes on its worker, so the number of hashes,
//! and of workspaces, never exceeds the worker count.

use argon2::Block;
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::oneshot;

pub(super) type Workspace = Vec<Block>;
type Job = Box<dyn FnOnce(&mut [Block]) + Send>;

pub(super) struct HashPool {
    state: Mutex<State>,
    /// Jobs that may wait for a worker; a job beyond them is refused unqueued.
    max_queued: usize,
    /// Only the tests ask: the pool itself counts on `free` alone.
    #[cfg(test)]
    workers: usize,
}

struct State {
    queue: VecDeque<Job>,
    /// The workspaces of the workers not running: a worker runs while it holds one, so
    /// `workers - free.len()` are running, and none can start without one.
    free: Vec<Workspace>,
}

pub(super) fn workspace(blocks: usize) -> Workspace {
    vec![Block::new(); blocks]
}

/// Why a job gave no answer.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Unanswered {
    /// The requester went away, or the job panicked.
    Abandoned,
    /// The queue was full; the job was never queued.
    Full,
}

/// Jobs waiting for a worker, for the metrics (set under the lock, so never stale).
fn queue_length(state: &State) {
    metrics::gauge!("portico_password_hash_queue").set(state.queue.len() as f64);
}

impl HashPool {
    /// A pool of `workers` workers whose workspaces hold `blocks` Argon2 blocks each, and
    /// a queue of at most `max_queued` jobs.
    pub(super) fn new(
        workers: usize,
        blocks: usize,
        first: Workspace,
        max_queued: usize,
    ) -> Arc<Self> {
        let mut free = vec![first];
        free.extend((1..workers).map(|_| workspace(blocks)));
        Arc::new(Self {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                free,
            }),
            max_queued,
            #[cfg(test)]
            workers,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A job never runs under the lock, so a poisoned lock still holds a whole state.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `work` and waits for its result. Dropping the returned future before the
    /// job starts means the job never runs.
    pub(super) async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, Unanswered> {
        let (answer, result) = oneshot::channel();
        let queued = std::time::Instant::now();
        let job: Job = Box::new(move |memory| {
            metrics::histogram!("portico_password_hash_wait_seconds")
                .record(queued.elapsed().as_secs_f64());
            if !answer.is_closed() {
                let _ = answer.send(work(memory));
            }
        });
        let idle = {
            let mut state = self.lock();
            // A job that would wait behind a full queue is refused before any work, so
            // a flood of password checks costs memory for the queue only, never more.
            if state.queue.len() >= self.max_queued {
                return Err(Unanswered::Full);
            }
            state.queue.push_back(job);
            queue_length(&state);
            state.free.pop()
        };
        if let Some(memory) = idle {
            let pool = Arc::clone(self);
            // Detached: the worker outlives this request if it has to.
            drop(tokio::task::spawn_blocking(move || pool.work(memory)));
        }
        result.await.map_err(|_| Unanswered::Abandoned)
    }

    /// A worker's life: jobs until the queue is empty, then its workspace goes back.
    fn work(&self, mut memory: Workspace) {
        loop {
            let job = {
                let mut state = self.lock();
                let next = state.queue.pop_front();
                queue_length(&state);
                match next {
                    Some(job) => job,
                    None => {
                        state.free.push(memory);
                        return;
                    }
                }
            };
            // A panicking job drops its answer, so its requester sees `Abandoned`; the
            // worker and its workspace carry on (every hash overwrites the workspace).
            let _ = catch_unwind(AssertUnwindSafe(|| job(&mut memory)));
        }
    }

    /// Workspaces are allocated in `new` only, one per worker; a worker cannot start
    /// without taking one from `free`, so no load or disconnect makes more.
    #[cfg(test)]
    pub(super) fn workspaces_made(&self) -> usize {
        self.workers
    }

    /// (jobs waiting, workers running).
    #[cfg(test)]
    pub(super) fn load(&self) -> (usize, usize) {
        let state = self.lock();
        (state.queue.len(), self.workers - state.free.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::mpsc;

    fn pool(workers: usize) -> Arc<HashPool> {
        HashPool::new(workers, 8, workspace(8), 1_000)
    }

    /// Waits until no job is queued and `running` workers are busy.
    async fn until_running(pool: &HashPool, running: usize) {
        let settled = async {
            while pool.load() != (0, running) {
                tokio::task::yield_now().await;
            }
        };
        let waited = tokio::time::timeout(std::time::Duration::from_secs(10), settled).await;
        assert!(
            waited.is_ok(),
            "expected {running} busy workers, saw {:?}",
            pool.load()
        );
    }

    /// Occupies every worker with a job that runs until the returned sender is dropped.
    async fn occupy(pool: &Arc<HashPool>) -> (mpsc::Sender<()>, Vec<tokio::task::JoinHandle<()>>) {
        let (release, held) = mpsc::channel::<()>();
        let held = Arc::new(Mutex::new(held));
        let jobs = (0..pool.workers)
            .map(|_| {
                let (pool, held) = (Arc::clone(pool), Arc::clone(&held));
                tokio::spawn(async move {
                    let wait = move |_: &mut [Block]| {
                        let _ = held.lock().unwrap().recv();
                    };
                    pool.run(wait).await.unwrap();
                })
            })
            .collect();
        until_running(pool, pool.workers).await;
        (release, jobs)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn jobs_whose_requester_left_before_they_started_never_run() {
        let pool = pool(2);
        let (release, busy) = occupy(&pool).await;
        let ran = Arc::new(AtomicBool::new(false));
        let abandoned = tokio::spawn({
            let (pool, ran) = (Arc::clone(&pool), Arc::clone(&ran));
            async move { pool.run(move |_| ran.store(true, Ordering::SeqCst)).await }
        });
        while pool.load().0 == 0 {
            tokio::task::yield_now().await;
        }
        abandoned.abort();
        assert!(abandoned.await.unwrap_err().is_cancelled());
        drop(release);
        for job in busy {
            job.await.unwrap();
        }
        until_running(&pool, 0).await;
        assert!(!ran.load(Ordering::SeqCst));
        assert_eq!(pool.run(|_| 7).await.unwrap(), 7);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_job_beyond_a_full_queue_is_refused_unqueued() {
        let pool = HashPool::new(2, 8, workspace(8), 3);
        let (release, busy) = occupy(&pool).await;
        let queued: Vec<_> = (0..3)
            .map(|i| {
                tokio::spawn({
                    let pool = Arc::clone(&pool);
                    async move { pool.run(move |_| i).await }
                })
            })
            .collect();
        while pool.load().0 < 3 {
            tokio::task::yield_now().await;
        }
        assert_eq!(pool.run(|_| 99).await, Err(Unanswered::Full));
        drop(release);
        for job in busy {
            job.await.unwrap();
        }
        for (i, job) in queued.into_iter().enumerate() {
            assert_eq!(job.await.unwrap(), Ok(i));
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn never_more_jobs_run_at_once_than_there_are_workers() {
        let pool = pool(3);
        let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let jobs = (0..64).map(|_| {
            let (now, most) = (Arc::clone(&now), Arc::clone(&most));
            pool.run(move |_| {
                most.fetch_max(now.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(1));
                now.fetch_sub(1, Ordering::SeqCst);
            })
        });
        futures_util::future::join_all(jobs).await;
        assert_eq!(most.load(Ordering::SeqCst), 3);
        assert_eq!(pool.workspaces_made(), 3);
        until_running(&pool, 0).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_requester_dropped_mid_job_keeps_its_worker_busy_until_the_job_ends() {
        let pool = pool(2);
        let (release, held) = mpsc::channel::<()>();
        let dropped = tokio::spawn({
            let pool = Arc::clone(&pool);
            async move { pool.run(move |_| held.recv()).await }
        });
        until_running(&pool, 1).await;
        dropped.abort();
        assert!(dropped.await.unwrap_err().is_cancelled());
        // Two more jobs at once: they share the one free worker instead of one running
        // beside the dropped request's job on a workspace of its own.
        let (first, second) = futures_util::future::join(pool.run(|_| 1), pool.run(|_| 2)).await;
        assert_eq!((first.unwrap(), second.unwrap()), (1, 2));
        until_running(&pool, 1).await;
        assert_eq!(pool.workspaces_made(), 2);
        drop(release);
        until_running(&pool, 0).await;
    }

    #[tokio::test]
    async fn a_panicking_job_answers_abandoned_and_its_worker_carries_on() {
        let pool = pool(1);
        let panicked = pool.run(|_| -> u8 { panic!("deliberate") }).await;
        assert!(panicked.is_err());
        assert_eq!(pool.run(|memory| memory.len()).await.unwrap(), 8);
        assert_eq!(pool.workspaces_made(), 1);
    }
}
