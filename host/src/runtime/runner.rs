//! The runner: a bounded pool of script threads, and the life of a run on
//! one of them (fresh store, instantiate, call `run`, classify the end).
//!
//! Script threads are plain OS threads, never tokio workers: WASI's
//! synchronous calls block, and a run may compute for seconds.

use crate::model::fragment::FragmentRun;
use crate::model::widget::WidgetInputs;
use crate::runtime::engine::PageEngine;
use crate::runtime::limits::human_bytes;
use crate::runtime::output::{rust_panic, CapturedOutput};
use crate::runtime::page::Page;
use crate::runtime::run::{
    cpu_trap, CancelReason, DeltaSink, Failure, QueryParams, Role, RunContext, RunControl, RunJobs,
    RunOutcome, RunReport, RunTrap, StoreData, WidgetLedger,
};
use crate::runtime::run_output::RunOutput;
use crate::runtime::services::executor::Executor;
use crate::runtime::services::session_state::SharedState;
use crate::runtime::services::{AppServices, AppSettings};
use crossbeam_channel::Receiver;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::{Store, Trap, UpdateDeadline};

/// What a run needs.
pub struct RunRequest {
    /// The page to run.
    pub page: Arc<Page>,
    /// Widget values the client reported, validated on use.
    pub inputs: Arc<WidgetInputs>,
    /// The session's state.
    pub state: SharedState,
    /// The URL's query parameters.
    pub query: Arc<QueryParams>,
    /// The session's request context (`st.context`).
    pub context: Arc<crate::model::context::RequestContext>,
    /// Where the run's deltas go.
    pub sink: Box<dyn DeltaSink>,
    /// The app's shared services (caches, resources, worker pool); `None`
    /// uses the runner's own.
    pub app: Option<Arc<AppServices>>,
    /// The session the run belongs to; `None` is an anonymous one.
    pub session: Option<Arc<str>>,
    /// Callbacks of widgets the user changed, for the page to call first.
    pub callbacks: Vec<crate::model::function::FunctionRef>,
    /// Rerun only this fragment; `None` runs the whole page.
    pub fragment: Option<FragmentRun>,
}

/// The pool of script threads, shared fairly by apps: each app's runs wait
/// in their own queue, apps are served in turn, and an app runs at most its
/// `concurrent_runs` at once.
pub struct Runner {
    engine: Arc<PageEngine>,
    services: Arc<AppServices>,
    pool: Executor,
}

/// A started run: cancel it, or wait for its report.
#[derive(Clone)]
pub struct RunHandle {
    control: Arc<RunControl>,
    engine: Arc<PageEngine>,
}

impl RunHandle {
    /// Cancels the run. It stops at its next host call or epoch check,
    /// whichever comes first (the epoch is bumped now, so that is at most one
    /// basic block away), and draws nothing more.
    pub fn cancel(&self, reason: CancelReason) {
        self.control.cancel(reason);
        self.engine.interrupt();
    }

    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.control.cancelled().is_some()
    }
}

impl Runner {
    /// Starts `threads` script threads, with services (caches, worker pool)
    /// of default settings for runs that bring none.
    pub fn new(engine: Arc<PageEngine>, threads: usize) -> anyhow::Result<Runner> {
        let services = AppServices::new(engine.clone(), AppSettings::default())?;
        Self::with_services(engine, threads, services)
    }

    /// Starts `threads` script threads; runs that bring no services use
    /// `services`.
    pub fn with_services(
        engine: Arc<PageEngine>,
        threads: usize,
        services: Arc<AppServices>,
    ) -> anyhow::Result<Runner> {
        Ok(Runner {
            engine,
            services,
            pool: Executor::named("script", threads)?,
        })
    }

    /// Script threads.
    pub fn threads(&self) -> usize {
        self.pool.threads()
    }

    /// Runs waiting for a script thread.
    pub fn queued(&self) -> usize {
        self.pool.queued()
    }

    /// Runs on script threads now.
    pub fn running(&self) -> usize {
        self.pool.running()
    }

    /// The engine the runs use.
    pub fn engine(&self) -> &Arc<PageEngine> {
        &self.engine
    }

    /// The services of runs that bring none.
    pub fn services(&self) -> &Arc<AppServices> {
        &self.services
    }

    /// Queues a run; `finish` is called on the script thread with its report.
    pub fn start(
        &self,
        request: RunRequest,
        finish: impl FnOnce(RunReport) + Send + 'static,
    ) -> RunHandle {
        let control = Arc::new(RunControl::default());
        let handle = RunHandle {
            control: control.clone(),
            engine: self.engine.clone(),
        };
        let app = request.app.clone().unwrap_or_else(|| self.services.clone());
        let (owner, share) = (app.name.clone(), app.run_share.clone());
        let run_control = control;
        let task = Box::new(move || {
            let report = execute(request, app, &run_control);
            finish(report);
        });
        // The pool closes only when the runner is dropped, so a run queued
        // through a live runner is always taken.
        if self.pool.submit(&owner, &share, task).is_err() {
            tracing::error!("a run was queued on a stopped runner");
        }
        handle
    }

    /// Starts a run and returns its handle and a receiver for its report.
    pub fn spawn(&self, request: RunRequest) -> (RunHandle, Receiver<RunReport>) {
        let (tx, rx) = crossbeam_channel::bounded(1);
        let handle = self.start(request, move |report| {
            let _ = tx.send(report);
        });
        (handle, rx)
    }

    /// Runs to the end and returns the report.
    pub fn run(&self, request: RunRequest) -> RunReport {
        let (_, rx) = self.spawn(request);
        rx.recv()
            .unwrap_or_else(|_| RunReport::ended(RunOutcome::Shutdown))
    }
}

/// CPU time consumed by the calling thread.
pub(crate) fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant
    // Linux supports for the calling thread.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// A fresh store for one instance and the output it captures.
pub(crate) struct Fresh {
    /// The store, ready to instantiate the page in.
    pub store: Store<StoreData>,
    /// What the page writes to stdout.
    pub stdout: CapturedOutput,
    /// What the page writes to stderr (its panic message, for one).
    pub stderr: CapturedOutput,
}

/// The one place stores are built, for runs, fragments, jobs and resources
/// alike: an instance in `role`, stopped by `control`, its CPU time counted
/// from `cpu_start`, under the engine's limits and grants.
pub(crate) fn fresh_store(
    engine: &PageEngine,
    role: Role,
    control: Arc<RunControl>,
    cpu_start: Duration,
) -> Fresh {
    let limits = &engine.limits;
    let stdout = CapturedOutput::new(limits.captured_output_bytes);
    let stderr = CapturedOutput::new(limits.captured_output_bytes);
    let data = StoreData::new(engine, role, control, cpu_start, &stdout, &stderr);
    Fresh {
        store: new_store(engine, data),
        stdout,
        stderr,
    }
}

/// A store for one instance: memory limited, epoch checks wired to the
/// data's cancel switch, CPU budget and wall time limit.
fn new_store(engine: &PageEngine, data: StoreData) -> Store<StoreData> {
    let limits = engine.limits.clone();
    let mut store = Store::new(&engine.engine, data);
    store.limiter(|data| data);
    store.set_epoch_deadline(1);
    let cpu_limit = limits.cpu_time;
    let cpu_error = cpu_trap(&limits);
    let wall_limit = limits.wall_time;
    let wall_error = RunTrap::WallTime(crate::runtime::limits::human_duration(wall_limit));
    store.epoch_deadline_callback(move |store| {
        let data = store.data();
        if let Some(reason) = data.control.cancelled() {
            return Err(wasmtime::Error::new(RunTrap::Cancelled(reason)));
        }
        if thread_cpu_time().saturating_sub(data.cpu_start) > cpu_limit {
            return Err(wasmtime::Error::new(cpu_error.clone()));
        }
        if data.started.elapsed() > wall_limit {
            return Err(wasmtime::Error::new(wall_error.clone()));
        }
        Ok(UpdateDeadline::Continue(1))
    });
    store
}

/// Calls a page's `run` export in a store that is *not* a page run, as a
/// background job's store is: every UI, widget and session-state call is
/// refused with an error naming the call. Returns how the call ended.
pub fn call_outside_run(engine: &PageEngine, page: &Page) -> RunOutcome {
    let limits = engine.limits.clone();
    let control = Arc::new(RunControl::default());
    let Fresh {
        mut store, stderr, ..
    } = fresh_store(engine, Role::Outside, control, thread_cpu_time());
    let result = page
        .instantiate(&mut store)
        .and_then(|instance| instance.call_run(&mut store));
    match result {
        Ok(Ok(())) => RunOutcome::Ok,
        Ok(Err(message)) => RunOutcome::failed(Failure::Error, message),
        Err(error) => classify(
            &error,
            &stderr.text(),
            store.data().memory_exceeded,
            &limits,
        ),
    }
}

/// One run, start to end, on the calling (script) thread, under its app's
/// limits.
fn execute(request: RunRequest, app: Arc<AppServices>, control: &Arc<RunControl>) -> RunReport {
    let engine = &*app.engine.clone();
    if let Some(reason) = control.cancelled() {
        return RunReport::ended(cancelled_outcome(reason));
    }
    let started = Instant::now();
    let cpu_start = thread_cpu_time();
    let limits = engine.limits.clone();
    let fragment = request.fragment;
    let output = Arc::new(match &fragment {
        Some(fragment) => {
            RunOutput::for_fragment(control.clone(), request.sink, fragment.path.clone())
        }
        None => RunOutput::new(control.clone(), request.sink),
    });
    let page = request.page;
    let session = request.session.unwrap_or_else(|| Arc::from("anonymous"));
    app.media.run_started(&session);
    let run = RunContext {
        control: control.clone(),
        output: output.clone(),
        state: request.state,
        query: request.query,
        request: request.context,
        page: page.clone(),
        app: app.clone(),
        session: session.clone(),
        widgets: WidgetLedger::new(request.inputs, request.callbacks),
        jobs: RunJobs::new(limits.job_bytes_per_run),
        tickets: HashMap::new(),
        navigation: None,
        rerun_fragment: false,
    };
    let Fresh {
        mut store,
        stdout,
        stderr,
    } = fresh_store(engine, Role::Run(run), control.clone(), cpu_start);
    let result = page
        .instantiate(&mut store)
        .and_then(|instance| match &fragment {
            Some(fragment) => instance.call_run_fragment(
                &mut store,
                fragment.call.id,
                &fragment.call.args,
                crate::runtime::run_output::FRAGMENT_ROOT,
            ),
            None => instance.call_run(&mut store),
        });
    // Jobs belong to their run: whatever is still going stops now, and
    // draws nothing more.
    output.close();
    if control.end_jobs() {
        engine.interrupt();
    }

    let mut stderr_text = stderr.text();
    let mut stdout_text = stdout.text();
    let mut outcome = match result {
        Ok(Ok(())) => RunOutcome::Ok,
        Ok(Err(message)) => RunOutcome::failed(Failure::Error, message),
        Err(error) => classify(&error, &stderr_text, store.data().memory_exceeded, &limits),
    };
    // What the log and the browser are told of the run: never a secret.
    if let Some(secrets) = &engine.grants.secrets {
        secrets.redact_in_place(&mut stderr_text);
        secrets.redact_in_place(&mut stdout_text);
        if let RunOutcome::Error(_, message) = &mut outcome {
            secrets.redact_in_place(message);
        }
    }
    let run = store.data_mut().role.take_run();
    let memory_bytes = store.data().memory_held;
    drop(store);
    // What the browser shows from now on: a whole page unless a newer run
    // replaced this one or it was a fragment.
    let replaces_page =
        fragment.is_none() && !matches!(outcome, RunOutcome::Replaced | RunOutcome::Shutdown);
    app.media.run_ended(&session, replaces_page);
    let (ledger, navigation, rerun_fragment) = run.map_or_else(Default::default, |r| {
        (r.widgets, r.navigation, r.rerun_fragment)
    });
    let cleared = ledger.cleared();
    let WidgetLedger {
        drawn: widgets,
        rejected,
        callbacks,
        fragments: widget_fragments,
        ..
    } = ledger;
    let elements = output.elements();
    let report = RunReport {
        outcome,
        widgets,
        rejected,
        cleared,
        callbacks,
        fragments: output.take_fragments(),
        widget_fragments,
        elements,
        stdout: stdout_text,
        stderr: stderr_text,
        wall_time: started.elapsed(),
        cpu_time: thread_cpu_time().saturating_sub(cpu_start),
        memory_bytes,
        navigation,
        rerun_fragment,
    };
    app.metrics.record(&report);
    report
}

fn cancelled_outcome(reason: CancelReason) -> RunOutcome {
    match reason {
        CancelReason::Replaced => RunOutcome::Replaced,
        CancelReason::Stopped | CancelReason::RunEnded => RunOutcome::Stopped,
        CancelReason::Shutdown => RunOutcome::Shutdown,
    }
}

/// What the user is told when an instance that is not a run (a job, a
/// resource) ends with `error`.
pub(crate) fn failure_message(
    error: &wasmtime::Error,
    stderr: &CapturedOutput,
    store: &Store<StoreData>,
    limits: &crate::runtime::limits::Limits,
) -> String {
    classify(error, &stderr.text(), store.data().memory_exceeded, limits)
        .message()
        .unwrap_or_else(|| "ended early".into())
}

/// Turns the error that ended a run into what the user is told.
pub(crate) fn classify(
    error: &wasmtime::Error,
    stderr: &str,
    memory_exceeded: bool,
    limits: &crate::runtime::limits::Limits,
) -> RunOutcome {
    // Browsers see what follows: no build machine's paths in it.
    let stderr = &crate::runtime::output::relative_paths(stderr);
    if let Some(trap) = error.downcast_ref::<RunTrap>() {
        return match trap {
            RunTrap::Cancelled(reason) => cancelled_outcome(*reason),
            RunTrap::Rerun => RunOutcome::Rerun,
            RunTrap::Stop => RunOutcome::StoppedByPage,
            RunTrap::CpuTime(_) => RunOutcome::failed(Failure::CpuTime, trap.to_string()),
            RunTrap::WallTime(_) => RunOutcome::failed(Failure::WallTime, trap.to_string()),
            RunTrap::Memory(_) => RunOutcome::failed(Failure::Memory, trap.to_string()),
            RunTrap::AppAtLimit(_) => RunOutcome::failed(Failure::AppAtLimit, trap.to_string()),
        };
    }
    if memory_exceeded {
        return RunOutcome::failed(
            Failure::Memory,
            RunTrap::Memory(human_bytes(limits.memory_bytes)).to_string(),
        );
    }
    if let Some(exit) = error.downcast_ref::<wasmtime_wasi::I32Exit>() {
        // `std::process::exit`: a page ends its run, not the server.
        return match exit.0 {
            0 => RunOutcome::StoppedByPage,
            // WASI 0.2 carries only success or failure, not the status.
            _ => RunOutcome::failed(Failure::Crash, "the page called exit with a failure status"),
        };
    }
    let handles_full = error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<wasmtime::component::ResourceTableError>(),
            Some(wasmtime::component::ResourceTableError::Full)
        )
    });
    if handles_full {
        return RunOutcome::failed(
            Failure::Crash,
            "the page holds too many WASI handles (streams, pollables, timers): the handle \
             limit of an instance is wasmtime's 100,000",
        );
    }
    if let Some(trap) = error.downcast_ref::<Trap>() {
        match trap {
            Trap::StackOverflow => {
                return RunOutcome::failed(
                    Failure::Stack,
                    format!(
                        "stack overflow: the page used more than {} of stack (wasm_stack_bytes)",
                        human_bytes(limits.wasm_stack_bytes as u64)
                    ),
                )
            }
            Trap::MemoryOutOfBounds => return RunOutcome::failed(
                Failure::Crash,
                with_stderr(
                    "the page crashed: out-of-bounds memory access (in a Rust page this is often \
                     its own data stack overflowing: recursion with large locals)"
                        .into(),
                    stderr,
                ),
            ),
            Trap::UnreachableCodeReached => {
                if let Some(panic) = rust_panic(stderr) {
                    return RunOutcome::failed(
                        Failure::Panic,
                        format!("the page panicked: {panic}"),
                    );
                }
            }
            _ => {}
        }
        return RunOutcome::failed(
            Failure::Crash,
            with_stderr(format!("the page crashed: {trap}"), stderr),
        );
    }
    // The error's own text is wasmtime's context ("error while executing
    // at wasm backtrace: …"); what happened is its root cause.
    RunOutcome::failed(
        Failure::Crash,
        with_stderr(format!("the page failed: {}", error.root_cause()), stderr),
    )
}

/// Appends the last lines of stderr, where a guest usually explains itself.
fn with_stderr(message: String, stderr: &str) -> String {
    let tail: Vec<&str> = stderr.lines().rev().take(10).collect();
    if tail.is_empty() {
        return message;
    }
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    format!("{message}\n{}", tail.join("\n"))
}
