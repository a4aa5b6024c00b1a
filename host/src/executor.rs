//! The app's worker pool (Streamlit's shared thread executor): a bounded set
//! of threads that run jobs, shared fairly by sessions.
//!
//! Each session has its own queue and the workers take one task from each
//! waiting session in turn, so a session that queues a hundred jobs delays
//! another session's single job by at most one task per worker.

use parking_lot::{Condvar, Mutex};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Native stack of a worker thread: the same room as a script thread.
const WORKER_STACK: usize = 16 << 20;

/// Work for the pool.
pub type Task = Box<dyn FnOnce() + Send>;

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
    /// Waiting tasks by owner (a session).
    by_owner: HashMap<Arc<str>, VecDeque<Task>>,
    /// Owners with waiting tasks, in serving order.
    turn: VecDeque<Arc<str>>,
    queued: usize,
    closed: bool,
}

impl FairQueue {
    fn push(&mut self, owner: &Arc<str>, task: Task) {
        let queue = self.by_owner.entry(owner.clone()).or_default();
        if queue.is_empty() {
            self.turn.push_back(owner.clone());
        }
        queue.push_back(task);
        self.queued += 1;
    }

    fn pop(&mut self) -> Option<Task> {
        let owner = self.turn.pop_front()?;
        let queue = self.by_owner.get_mut(&owner)?;
        let task = queue.pop_front();
        if queue.is_empty() {
            self.by_owner.remove(&owner);
        } else {
            self.turn.push_back(owner);
        }
        self.queued -= usize::from(task.is_some());
        task
    }
}

impl Executor {
    /// Starts `threads` workers (at least one).
    pub fn new(threads: usize) -> anyhow::Result<Executor> {
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
                    .name(format!("worker-{i}"))
                    .stack_size(WORKER_STACK)
                    .spawn(move || work(&shared))?,
            );
        }
        Ok(Executor {
            shared,
            threads: handles,
        })
    }

    /// Queues `task` in `owner`'s queue. Gives it back if the pool is
    /// shutting down.
    pub fn submit(&self, owner: &Arc<str>, task: Task) -> Result<(), Task> {
        let mut queue = self.shared.queue.lock();
        if queue.closed {
            return Err(task);
        }
        queue.push(owner, task);
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
        let task = {
            let mut queue = shared.queue.lock();
            loop {
                if let Some(task) = queue.pop() {
                    break task;
                }
                if queue.closed {
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
        for i in 0..3 {
            let tx = tx.clone();
            queue.push(&a, Box::new(move || tx.send(format!("a{i}")).unwrap()));
        }
        let tx2 = tx.clone();
        queue.push(&b, Box::new(move || tx2.send("b0".into()).unwrap()));
        while let Some(task) = queue.pop() {
            task();
        }
        let order: Vec<String> = rx.try_iter().collect();
        assert_eq!(order, ["a0", "b0", "a1", "a2"]);
        assert_eq!(queue.queued, 0);
    }

    #[test]
    fn runs_tasks_on_its_threads_and_refuses_after_shutdown() {
        let pool = Executor::new(2).unwrap();
        let (tx, rx) = mpsc::channel();
        let owner: Arc<str> = Arc::from("s");
        for i in 0..8 {
            let tx = tx.clone();
            assert!(pool
                .submit(&owner, Box::new(move || tx.send(i).unwrap()))
                .is_ok());
        }
        let mut got: Vec<i32> = (0..8).map(|_| rx.recv().unwrap()).collect();
        got.sort();
        assert_eq!(got, (0..8).collect::<Vec<_>>());
        pool.shared.queue.lock().closed = true;
        assert!(pool.submit(&owner, Box::new(|| {})).is_err());
    }
}
