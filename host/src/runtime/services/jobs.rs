//! Jobs: page functions a run hands to the app's worker pool, each run in a
//! fresh instance of the page whose store has no run context, so UI,
//! widget, session-state and cache-writing calls fail with a message saying
//! why. A job started with `spawn-in` may draw into one container of its run.
//! A run's jobs share a cancel switch that is flipped when the run is
//! cancelled or ends.

use crate::runtime::engine::PageEngine;
use crate::runtime::page::Page;
use crate::runtime::run::{Role, RunControl};
use crate::runtime::run_output::RunOutput;
use crate::runtime::runner::{failure_message, fresh_store, thread_cpu_time, Fresh};
use crate::runtime::services::AppServices;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// What a job's store knows about the job.
pub struct JobContext {
    /// The job's name, for messages.
    pub name: String,
    /// The run's output and the one container the job may draw into.
    pub draw: Option<(Arc<RunOutput>, u32)>,
    /// What resource queries from the job need; `None` in a resource's own
    /// instance (a resource cannot query resources).
    pub services: Option<JobServices>,
}

/// The app, page and session a job works for.
pub struct JobServices {
    /// The app's shared services.
    pub app: Arc<AppServices>,
    /// The page (for its build hash).
    pub page: Arc<Page>,
    /// The session that started the job.
    pub session: Arc<str>,
}

/// Where a job's result lands; the run that started it joins it.
pub struct JobSlot {
    result: Mutex<Option<Result<Vec<u8>, String>>>,
    /// The run's "a job finished" signal.
    done: Arc<Notify>,
    /// The run's budget of job bytes (`job_bytes_per_run`), and what this
    /// job's input took from it.
    budget: Arc<AtomicUsize>,
    input_bytes: usize,
}

/// Takes `bytes` from `budget` if it has them.
pub fn reserve(budget: &AtomicUsize, bytes: usize) -> bool {
    budget
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
            left.checked_sub(bytes)
        })
        .is_ok()
}

impl JobSlot {
    /// An empty slot that notifies `done` when filled; `input_bytes` were
    /// reserved from `budget` for the job's input.
    pub fn new(done: Arc<Notify>, budget: Arc<AtomicUsize>, input_bytes: usize) -> Arc<JobSlot> {
        Arc::new(JobSlot {
            result: Mutex::new(None),
            done,
            budget,
            input_bytes,
        })
    }

    /// Whether the job has finished.
    pub fn is_done(&self) -> bool {
        self.result.lock().is_some()
    }

    /// The job's result, once it is done (its bytes go back to the budget).
    pub fn take(&self) -> Option<Result<Vec<u8>, String>> {
        let result = self.result.lock().take();
        if let Some(Ok(bytes)) = &result {
            self.budget.fetch_add(bytes.len(), Ordering::AcqRel);
        }
        result
    }

    fn finish(&self, result: Result<Vec<u8>, String>) {
        // The input is gone; the result is charged instead.
        self.budget.fetch_add(self.input_bytes, Ordering::AcqRel);
        let result = match result {
            Ok(bytes) if !reserve(&self.budget, bytes.len()) => Err(format!(
                "its result of {} is more than the run may hold of job data (job_bytes_per_run)",
                crate::runtime::limits::human_bytes(bytes.len() as u64)
            )),
            other => other,
        };
        let mut slot = self.result.lock();
        if slot.is_none() {
            *slot = Some(result);
        }
        drop(slot);
        self.done.notify_waiters();
    }
}

/// Fills the slot with an error if the job ends without filling it (a
/// panic in the host while running it).
struct FillOnDrop<'a> {
    slot: &'a JobSlot,
    name: &'a str,
}

impl Drop for FillOnDrop<'_> {
    fn drop(&mut self) {
        if !self.slot.is_done() {
            self.slot
                .finish(Err(format!("{} ended without a result", self.name)));
        }
    }
}

/// One job to run.
pub struct JobTask {
    /// The page whose job it is.
    pub page: Arc<Page>,
    /// The page's id for the job function.
    pub job: u64,
    /// The job's input, serialized by the page.
    pub input: Vec<u8>,
    /// What the job's store knows.
    pub context: JobContext,
    /// The run's jobs switch.
    pub control: Arc<RunControl>,
    /// Where the result goes.
    pub slot: Arc<JobSlot>,
}

/// Runs a job to its end on the calling (worker) thread and fills its slot.
pub fn run_job(engine: &PageEngine, task: JobTask) {
    let name = task.context.name.clone();
    let slot = task.slot.clone();
    let _fill = FillOnDrop {
        slot: &slot,
        name: &name,
    };
    if task.control.cancelled().is_some() {
        task.slot
            .finish(Err(format!("{name} was cancelled before it started")));
        return;
    }
    let limits = engine.limits.clone();
    let at = task.context.draw.as_ref().map(|(_, at)| *at);
    let Fresh {
        mut store, stderr, ..
    } = fresh_store(
        engine,
        Role::Job(task.context),
        task.control.clone(),
        thread_cpu_time(),
    );
    let result = task
        .page
        .instantiate(&mut store)
        .and_then(|instance| instance.call_run_job(&mut store, task.job, at, &task.input));
    let result = match result {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(message)) => Err(format!("{name} failed: {message}")),
        Err(error) => Err(format!(
            "{name}: {}",
            failure_message(&error, &stderr, &store, &limits)
        )),
    };
    drop(store);
    task.slot.finish(result);
}

/// Queues `task` on the app's pool, on behalf of `session`.
pub fn submit(app: &AppServices, session: &Arc<str>, task: JobTask) {
    let slot = task.slot.clone();
    let engine = app.engine.clone();
    let queued = app.executor.submit(
        session,
        &app.job_share,
        Box::new(move || run_job(&engine, task)),
    );
    if queued.is_err() {
        slot.finish(Err("the server is shutting down".into()));
    }
}
