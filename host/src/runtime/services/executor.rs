//! A bounded pool of threads with a fair queue: the script threads that run
//! pages, and the worker pool that runs jobs (Streamlit's shared thread
//! executor), both shared by every app of the server.
//!
//! Each owner (a session's jobs, an app's runs) has its own queue and the
//! threads take one task from each waiting owner in turn, so an owner that
//! queues a hundred tasks delays another's single task by at most one task
//! per thread. Each owner belongs to a [`Share`]: at most `limit` of its
//! tasks run at once, so one app cannot occupy every thread.

use parking_lot::{Condvar, Mutex};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Native stack of a pool thread: room for the page's WebAssembly stack
/// limit plus the host's own frames.
const WORKER_STACK: usize = 16 << 20;

/// Work for the pool.
pub type Task = Box<dyn FnOnce() + Send>;

/// The part of a pool one group of owners (an app) may use at once.
#[derive(Debug)]
pub struct Share {
    /// Most of the group's tasks running at once.
    pub limit: usize,
    active: AtomicUsize,
}

impl Share {
    /// A share of at most `limit` threads (at least one).
    pub fn new(limit: usize) -> Arc<Share> {
        Arc::new(Share {
            limit: limit.max(1),
            active: AtomicUsize::new(0),
        })
    }

    /// No limit beyond the pool's size.
    pub fn unlimited() -> Arc<Share> {
        Self::new(usize::MAX)
    }

    /// The group's tasks running now.
    pub fn active(&self) -> usize {
        self.active.load(Ordering::Relaxed)
    }
}

/// A bounded pool of worker threads with a fair queue.
pub struct Executor {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

struct Shared {
    queue: Mutex<FairQueue>,
    ready: Condvar,
    running: AtomicUsize,
}

#[derive(Default)]
struct FairQueue {
    /// Waiting tasks by owner (a session), with the owner's share.
    by_owner: HashMap<Arc<str>, (Arc<Share>, VecDeque<Task>)>,
    /// Owners with waiting tasks, in serving order.
    turn: VecDeque<Arc<str>>,
    queued: usize,
    closed: bool,
}

impl FairQueue {
    fn push(&mut self, owner: &Arc<str>, share: &Arc<Share>, task: Task) {
        let (_, queue) = self
            .by_owner
            .entry(owner.clone())
            .or_insert_with(|| (share.clone(), VecDeque::new()));
        if queue.is_empty() {
            self.turn.push_back(owner.clone());
        }
        queue.push_back(task);
        self.queued += 1;
    }

    /// The next task of the first owner in turn whose share has room, and
    /// that share (counted as running one more).
    fn pop(&mut self) -> Option<(Task, Arc<Share>)> {
        for _ in 0..self.turn.len() {
            let owner = self.turn.pop_front()?;
            let Some((share, queue)) = self.by_owner.get_mut(&owner) else {
                continue;
            };
            if share.active() >= share.limit {
                self.turn.push_back(owner);
                continue;
            }
            let Some(task) = queue.pop_front() else {
                self.by_owner.remove(&owner);
                continue;
            };
            let share = share.clone();
            if queue.is_empty() {
                self.by_owner.remove(&owner);
            } else {
                self.turn.push_back(owner);
            }
            self.queued -= 1;
            share.active.fetch_add(1, Ordering::Relaxed);
            return Some((task, share));
        }
        None
    }
}

impl Executor {
    /// Starts `threads` workers (at least one).
    pub fn new(threads: usize) -> anyhow::Result<Executor> {
        Self::named("worker", threads)
    }

    /// Starts `threads` threads (at least one) named `name-N`.
    pub fn named(name: &str, threads: usize) -> anyhow::Result<Executor> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(FairQueue::default()),
            ready: Condvar::new(),
            running: AtomicUsize::new(0),
        });
        let mut handles = Vec::new();
        for i in 0..threads.max(1) {
            let shared = shared.clone();
            handles.push(
                std::thread::Builder::new()
                    .name(format!("{name}-{i}"))
                    .stack_size(WORKER_STACK)
                    .spawn(move || work(&shared))?,
            );
        }
        Ok(Executor {
            shared,
            threads: handles,
        })
    }

    /// Queues `task` in `owner`'s queue, within `share`. Gives it back if
    /// the pool is shutting down.
    pub fn submit(&self, owner: &Arc<str>, share: &Arc<Share>, task: Task) -> Result<(), Task> {
        let mut queue = self.shared.queue.lock();
        if queue.closed {
            return Err(task);
        }
        queue.push(owner, share, task);
        drop(queue);
        self.shared.ready.notify_one();
        Ok(())
    }

    /// Worker threads.
    pub fn threads(&self) -> usize {
        self.threads.len()
    }

    /// Tasks waiting for a worker.
    pub fn queued(&self) -> usize {
        self.shared.queue.lock().queued
    }

    /// Tasks being run now.
    pub fn running(&self) -> usize {
        self.shared.running.load(Ordering::Relaxed)
    }
}

fn work(shared: &Shared) {
    loop {
        let (task, share) = {
            let mut queue = shared.queue.lock();
            loop {
                if let Some(next) = queue.pop() {
                    break next;
                }
                // Queued tasks are run even after close; only an empty (or
                // share-blocked and empty-handed) queue ends the thread.
                if queue.closed && queue.queued == 0 {
                    return;
                }
                shared.ready.wait(&mut queue);
            }
        };
        shared.running.fetch_add(1, Ordering::Relaxed);
        // A panicking task must not take the worker with it; its own drop
        // guards report the failure.
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(task)).is_err() {
            tracing::error!("a worker task panicked");
        }
        shared.running.fetch_sub(1, Ordering::Relaxed);
        // A task of a share at its limit may be waiting for this one.
        let queue = shared.queue.lock();
        share.active.fetch_sub(1, Ordering::Relaxed);
        drop(queue);
        shared.ready.notify_all();
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        self.shared.queue.lock().closed = true;
        self.shared.ready.notify_all();
        let me = std::thread::current().id();
        for thread in self.threads.drain(..) {
            // The last owner may be a task on one of the workers.
            if thread.thread().id() != me {
                let _ = thread.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn serves_owners_in_turn() {
        let mut queue = FairQueue::default();
        let (tx, rx) = mpsc::channel();
        let a: Arc<str> = Arc::from("a");
        let b: Arc<str> = Arc::from("b");
        let share = Share::unlimited();
        for i in 0..3 {
            let tx = tx.clone();
            queue.push(
                &a,
                &share,
                Box::new(move || tx.send(format!("a{i}")).unwrap()),
            );
        }
        let tx2 = tx.clone();
        queue.push(&b, &share, Box::new(move || tx2.send("b0".into()).unwrap()));
        while let Some((task, share)) = queue.pop() {
            task();
            share.active.fetch_sub(1, Ordering::Relaxed);
        }
        let order: Vec<String> = rx.try_iter().collect();
        assert_eq!(order, ["a0", "b0", "a1", "a2"]);
        assert_eq!(queue.queued, 0);
    }

    #[test]
    fn an_owner_at_its_share_waits_while_others_are_served() {
        let mut queue = FairQueue::default();
        let (tx, rx) = mpsc::channel();
        let (a, b): (Arc<str>, Arc<str>) = (Arc::from("a"), Arc::from("b"));
        let one = Share::new(1);
        let free = Share::unlimited();
        for i in 0..3 {
            let tx = tx.clone();
            queue.push(
                &a,
                &one,
                Box::new(move || tx.send(format!("a{i}")).unwrap()),
            );
        }
        for i in 0..2 {
            let tx = tx.clone();
            queue.push(
                &b,
                &free,
                Box::new(move || tx.send(format!("b{i}")).unwrap()),
            );
        }
        // `a0` holds a's only place: until it ends, only b is served.
        let (a0, held) = queue.pop().unwrap();
        let (b0, _) = queue.pop().unwrap();
        let (b1, _) = queue.pop().unwrap();
        assert!(queue.pop().is_none(), "a is at its share");
        for task in [a0, b0, b1] {
            task();
        }
        held.active.fetch_sub(1, Ordering::Relaxed);
        let (a1, _) = queue.pop().unwrap();
        a1();
        let order: Vec<String> = rx.try_iter().collect();
        assert_eq!(order, ["a0", "b0", "b1", "a1"]);
    }

    #[test]
    fn runs_tasks_on_its_threads_and_refuses_after_shutdown() {
        let pool = Executor::new(2).unwrap();
        let (tx, rx) = mpsc::channel();
        let owner: Arc<str> = Arc::from("s");
        let share = Share::new(1);
        for i in 0..8 {
            let tx = tx.clone();
            assert!(pool
                .submit(&owner, &share, Box::new(move || tx.send(i).unwrap()))
                .is_ok());
        }
        let mut got: Vec<i32> = (0..8).map(|_| rx.recv().unwrap()).collect();
        got.sort();
        assert_eq!(got, (0..8).collect::<Vec<_>>());
        pool.shared.queue.lock().closed = true;
        assert!(pool.submit(&owner, &share, Box::new(|| {})).is_err());
    }
}
