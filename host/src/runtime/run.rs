//! One run of a page: the store's data (the run's context), how a run is
//! cancelled, and how it ended.

use crate::model::delta::{Delta, WidgetElement};
use crate::model::function::FunctionRef;
pub use crate::model::protocol::RunStatus;
use crate::model::widget::Rejected;
use crate::model::widget::{WidgetId, WidgetInputs, WidgetSpec};
use crate::runtime::bindings::types::CallError;
use crate::runtime::capabilities::HostResult;
use crate::runtime::limits::{human_bytes, human_duration, Limits};
use crate::runtime::output::CapturedOutput;
use crate::runtime::page::Page;
use crate::runtime::run_output::RunOutput;
use crate::runtime::services::cache::Ticket;
use crate::runtime::services::jobs::{JobContext, JobSlot};
use crate::runtime::services::session_state::SharedState;
use crate::runtime::services::AppServices;
use parking_lot::Mutex;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

/// A URL's query parameters, in order (keys may repeat).
pub type QueryParams = Vec<(String, String)>;

/// Parses a query string (`a=1&b=two%20words`, with or without `?`).
pub fn parse_query(query: &str) -> QueryParams {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .into_owned()
        .collect()
}

/// Receives the deltas of one run, in order, as they are produced.
pub trait DeltaSink: Send {
    /// Called on the script thread for each element the page draws.
    fn delta(&mut self, delta: Delta);
}

impl<F: FnMut(Delta) + Send> DeltaSink for F {
    fn delta(&mut self, delta: Delta) {
        self(delta)
    }
}

/// Why a run was cancelled from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum CancelReason {
    /// A newer rerun request of the same session replaced it.
    Replaced = 1,
    /// The user pressed Stop.
    Stopped = 2,
    /// The server is shutting down.
    Shutdown = 3,
    /// (Jobs only) the run that started the job ended.
    RunEnded = 4,
}

/// Why a blocking host call stopped waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitEnd {
    /// The run was cancelled.
    Cancelled(CancelReason),
    /// The run's wall time limit passed.
    Deadline,
}

/// The shared switch that cancels a run. Set by the session (any thread), read
/// by the script thread at every host call and every epoch tick.
#[derive(Debug, Default)]
pub struct RunControl {
    state: AtomicU8,
    /// Held while a delta is handed to the sink and while cancelling, so once
    /// `cancel` returns no delivery is in progress and none will start.
    gate: Mutex<()>,
    /// Wakes a run that is waiting in a host timer or a blocking call.
    woken: Notify,
    /// The control of the jobs this run started: cancelled with it.
    jobs: OnceLock<Arc<RunControl>>,
}

impl RunControl {
    /// Marks the run cancelled. The first reason wins. When this returns, the
    /// run's sink will not be called again.
    pub fn cancel(&self, reason: CancelReason) {
        let _gate = self.gate.lock();
        let _ = self
            .state
            .compare_exchange(0, reason as u8, Ordering::AcqRel, Ordering::Acquire);
        self.woken.notify_waiters();
        drop(_gate);
        if let Some(jobs) = self.jobs.get() {
            jobs.cancel(reason);
        }
    }

    /// The control shared by this run's jobs, cancelled whenever the run is.
    pub fn jobs(&self) -> Arc<RunControl> {
        // Under the gate, like `cancel`: a cancel either sees the jobs'
        // control or happened before, and then is passed on here.
        let gate = self.gate.lock();
        let jobs = self.jobs.get_or_init(Default::default).clone();
        let cancelled = self.cancelled();
        drop(gate);
        if let Some(reason) = cancelled {
            jobs.cancel(reason);
        }
        jobs
    }

    /// Cancels the jobs of a run that has ended; true if it had any.
    pub fn end_jobs(&self) -> bool {
        match self.jobs.get() {
            Some(jobs) => {
                jobs.cancel(CancelReason::RunEnded);
                true
            }
            None => false,
        }
    }

    /// Blocks the calling thread (a script or worker thread, never a tokio
    /// worker) until `ready()` holds, re-checking whenever `signal` is
    /// notified. Gives up at once when the run is cancelled, or at `deadline`.
    pub fn block_until(
        &self,
        signal: &Notify,
        deadline: Instant,
        mut ready: impl FnMut() -> bool,
    ) -> Result<(), WaitEnd> {
        wasmtime_wasi::runtime::in_tokio(async {
            let deadline = tokio::time::Instant::from_std(deadline);
            loop {
                let notified = signal.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if let Some(reason) = self.cancelled() {
                    return Err(WaitEnd::Cancelled(reason));
                }
                if ready() {
                    return Ok(());
                }
                tokio::select! {
                    _ = notified => {}
                    _ = self.cancelled_wait() => {}
                    _ = tokio::time::sleep_until(deadline) => return Err(WaitEnd::Deadline),
                }
            }
        })
    }

    /// Resolves once the run is cancelled.
    pub async fn cancelled_wait(&self) {
        loop {
            let woken = self.woken.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            if self.cancelled().is_some() {
                return;
            }
            woken.await;
        }
    }

    /// Runs `deliver` unless the run is cancelled; the check and the delivery
    /// are atomic with respect to `cancel`.
    pub(crate) fn deliver(&self, deliver: impl FnOnce()) -> Result<(), CancelReason> {
        let _gate = self.gate.lock();
        match self.cancelled() {
            Some(reason) => Err(reason),
            None => {
                deliver();
                Ok(())
            }
        }
    }

    /// Why the run was cancelled, if it was.
    pub fn cancelled(&self) -> Option<CancelReason> {
        match self.state.load(Ordering::Acquire) {
            0 => None,
            1 => Some(CancelReason::Replaced),
            2 => Some(CancelReason::Stopped),
            3 => Some(CancelReason::Shutdown),
            _ => Some(CancelReason::RunEnded),
        }
    }
}

/// Why a run's instance was stopped mid-flight. Raised as a trap from a host
/// call or the epoch callback, and read back from the call's error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunTrap {
    /// Cancelled from outside.
    #[error("run cancelled")]
    Cancelled(CancelReason),
    /// Used more CPU time than the limit.
    #[error("exceeded the CPU time limit ({0})")]
    CpuTime(String),
    /// Took longer than the wall time limit.
    #[error("exceeded the wall time limit ({0})")]
    WallTime(String),
    /// Tried to grow memory past the limit.
    #[error("exceeded the memory limit ({0})")]
    Memory(String),
    /// The app already holds every instance slot of its share.
    #[error("{0}")]
    AppAtLimit(String),
    /// The page called `rerun()`.
    #[error("rerun requested")]
    Rerun,
    /// The page called `stop()`.
    #[error("stop requested")]
    Stop,
}

/// Why a failed run failed: what the metrics count runs by. Decided where
/// the failure is seen (a trap, the limiter, the page's own `Err`), never
/// recovered from the message's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Failure {
    /// Tried to grow memory (or tables) past the limit.
    Memory,
    /// Used more CPU time than the limit.
    CpuTime,
    /// Took longer than the wall time limit.
    WallTime,
    /// Overflowed the WebAssembly stack.
    Stack,
    /// A Rust panic in the page.
    Panic,
    /// Any other trap: out-of-bounds access, unreachable, a failed exit.
    Crash,
    /// The app already held every instance of its share.
    AppAtLimit,
    /// The page returned an error, or the host refused the run.
    Error,
}

impl Failure {
    /// Every kind, in the order of [`Failure::label`]'s table.
    pub const ALL: [Failure; 8] = [
        Failure::Memory,
        Failure::CpuTime,
        Failure::WallTime,
        Failure::Stack,
        Failure::Panic,
        Failure::Crash,
        Failure::AppAtLimit,
        Failure::Error,
    ];

    /// The name the metrics use (`kind` of `wasmlit_run_failures_total`).
    pub fn label(self) -> &'static str {
        const LABELS: [&str; Failure::ALL.len()] = [
            "memory",
            "cpu_time",
            "wall_time",
            "stack",
            "panic",
            "crash",
            "app_at_limit",
            "error",
        ];
        LABELS[self as usize]
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// The page returned normally.
    Ok,
    /// The user pressed Stop.
    Stopped,
    /// The page called `stop()`: a normal end that keeps what it drew.
    StoppedByPage,
    /// A newer rerun replaced it.
    Replaced,
    /// The page asked to be run again (`rerun()`).
    Rerun,
    /// The server shut down during the run.
    Shutdown,
    /// The run failed: why, and the message for the page's user.
    Error(Failure, String),
}

impl RunOutcome {
    /// Every outcome's metric label, in the order of [`RunOutcome::slot`].
    pub const LABELS: [&'static str; 7] = [
        "ok",
        "error",
        "stopped",
        "replaced",
        "rerun",
        "stopped_by_page",
        "shutdown",
    ];

    /// A failed run of kind `failure`.
    pub fn failed(failure: Failure, message: impl Into<String>) -> RunOutcome {
        RunOutcome::Error(failure, message.into())
    }

    /// Its place in [`RunOutcome::LABELS`] (and in per-outcome counters).
    pub fn slot(&self) -> usize {
        match self {
            RunOutcome::Ok => 0,
            RunOutcome::Error(..) => 1,
            RunOutcome::Stopped => 2,
            RunOutcome::Replaced => 3,
            RunOutcome::Rerun => 4,
            RunOutcome::StoppedByPage => 5,
            RunOutcome::Shutdown => 6,
        }
    }

    /// The status the protocol and the CLI report.
    pub fn status(&self) -> RunStatus {
        match self {
            RunOutcome::Ok | RunOutcome::Rerun | RunOutcome::StoppedByPage => RunStatus::Ok,
            RunOutcome::Stopped => RunStatus::Stopped,
            RunOutcome::Replaced => RunStatus::Replaced,
            RunOutcome::Shutdown => RunStatus::Shutdown,
            RunOutcome::Error(..) => RunStatus::Error,
        }
    }

    /// The message shown to the user, if any.
    pub fn message(&self) -> Option<String> {
        match self {
            RunOutcome::Replaced => Some("replaced by a newer run".into()),
            RunOutcome::Stopped => Some("stopped".into()),
            RunOutcome::Shutdown => Some("the server is shutting down".into()),
            RunOutcome::Error(_, m) => Some(m.clone()),
            RunOutcome::Ok | RunOutcome::Rerun | RunOutcome::StoppedByPage => None,
        }
    }

    /// Why the run failed, if it did.
    pub fn failure(&self) -> Option<Failure> {
        match self {
            RunOutcome::Error(failure, _) => Some(*failure),
            _ => None,
        }
    }
}

/// Everything a finished run reports.
#[derive(Debug)]
pub struct RunReport {
    /// How it ended.
    pub outcome: RunOutcome,
    /// Enabled widgets drawn in this run, by id, in order: what the session
    /// validates the next values against (a disabled widget takes none).
    pub widgets: Vec<(WidgetId, WidgetSpec)>,
    /// Values the client sent that a widget refused (the widget used its
    /// default); each message names the widget.
    pub rejected: Vec<Rejected>,
    /// Widgets of submitted forms that clear on submit: their values are
    /// forgotten after this run.
    pub cleared: Vec<WidgetId>,
    /// The `on_change` callback of each widget drawn, by widget id.
    pub callbacks: Vec<(WidgetId, FunctionRef)>,
    /// Fragments drawn (in a fragment run: those nested in it).
    pub fragments: Vec<crate::model::fragment::Fragment>,
    /// The innermost fragment of each widget drawn inside one.
    pub widget_fragments: Vec<(WidgetId, crate::model::fragment::FragmentPath)>,
    /// Elements drawn.
    pub elements: u32,
    /// Captured standard output.
    pub stdout: String,
    /// Captured standard error.
    pub stderr: String,
    /// Wall time from start to end.
    pub wall_time: Duration,
    /// CPU time of the script thread during the run.
    pub cpu_time: Duration,
    /// Linear memory the instance held when it ended, over all its memories.
    pub memory_bytes: u64,
    /// The navigation the run set (`navigation`), the last if several.
    pub navigation: Option<crate::model::protocol::Navigation>,
    /// It ended asking to rerun only its fragment (`rerun-fragment`).
    pub rerun_fragment: bool,
}

impl RunReport {
    /// The report of a run that ended as `outcome` before drawing anything.
    pub fn ended(outcome: RunOutcome) -> RunReport {
        RunReport {
            outcome,
            widgets: Vec::new(),
            rejected: Vec::new(),
            cleared: Vec::new(),
            callbacks: Vec::new(),
            fragments: Vec::new(),
            widget_fragments: Vec::new(),
            elements: 0,
            stdout: String::new(),
            stderr: String::new(),
            wall_time: Duration::ZERO,
            cpu_time: Duration::ZERO,
            memory_bytes: 0,
            navigation: None,
            rerun_fragment: false,
        }
    }
}

/// Context of a live page run, present in the store only while the page's
/// `run` export is executing: what the run was given, and by concern what
/// it builds up (its widgets, its jobs, its cache tickets).
pub struct RunContext {
    /// Cancellation switch shared with the session.
    pub control: Arc<RunControl>,
    /// What the run draws (shared with jobs started by `spawn-in`).
    pub output: Arc<RunOutput>,
    /// The session's state.
    pub state: SharedState,
    /// The URL's query parameters for this run.
    pub query: Arc<QueryParams>,
    /// The request context of the run's session (`st.context`).
    pub request: Arc<crate::model::context::RequestContext>,
    /// The page being run (jobs instantiate it again).
    pub page: Arc<Page>,
    /// What the app's runs share: caches, resources, worker pool.
    pub app: Arc<AppServices>,
    /// The session the run belongs to (session-scoped cache entries, fair
    /// sharing of the worker pool).
    pub session: Arc<str>,
    /// The values the run was sent and the widgets it draws.
    pub widgets: WidgetLedger,
    /// The jobs it starts.
    pub(crate) jobs: RunJobs,
    /// Cache entries this run is computing, by ticket.
    pub(crate) tickets: HashMap<u64, Ticket>,
    /// The navigation the page set (`navigation`), for the session.
    pub(crate) navigation: Option<crate::model::protocol::Navigation>,
    /// The page asked to rerun only the fragment (`rerun-fragment`).
    pub(crate) rerun_fragment: bool,
}

/// What a run knows and learns about its widgets: the values the browser
/// sent, the widgets drawn (what the session validates the next values
/// against), the values refused, callbacks, fragments and forms.
#[derive(Default)]
pub struct WidgetLedger {
    /// Values reported by the client, validated on use.
    pub inputs: Arc<WidgetInputs>,
    /// Ids seen in this run, to refuse duplicates.
    seen_ids: HashSet<WidgetId>,
    /// Enabled widgets drawn, in order.
    pub drawn: Vec<(WidgetId, WidgetSpec)>,
    /// Client values refused by their widget.
    pub rejected: Vec<Rejected>,
    /// Callbacks of changed widgets, for the page to call first.
    pub(crate) pending_callbacks: Vec<FunctionRef>,
    /// The `on_change` callback of each widget drawn, by widget id.
    pub(crate) callbacks: Vec<(WidgetId, FunctionRef)>,
    /// The innermost fragment of each widget drawn inside one.
    pub(crate) fragments: Vec<(WidgetId, crate::model::fragment::FragmentPath)>,
    /// Widgets drawn in forms that clear on submit, with their form.
    pub(crate) form_widgets: Vec<(WidgetId, u32)>,
    /// Forms (that clear on submit) submitted in this run.
    pub(crate) submitted_forms: Vec<u32>,
    /// Clicks of download buttons whose file is made once clicked, seen in
    /// this run and not yet answered with a file: each lets the page offer
    /// one file (`offer-download`), and nothing else does.
    pub(crate) download_clicks: u32,
}

/// The jobs a run started.
pub(crate) struct RunJobs {
    /// Started and not yet joined, by handle.
    pub(crate) open: HashMap<u64, Arc<JobSlot>>,
    /// How many were started so far.
    pub(crate) started: u64,
    /// Bytes of job inputs and results this run may still hold.
    pub(crate) bytes_left: Arc<std::sync::atomic::AtomicUsize>,
    /// Notified whenever one of them finishes.
    pub(crate) done: Arc<Notify>,
}

impl RunJobs {
    /// No jobs yet, `bytes` of inputs and results allowed.
    pub(crate) fn new(bytes: usize) -> RunJobs {
        RunJobs {
            open: HashMap::new(),
            started: 0,
            bytes_left: Arc::new(std::sync::atomic::AtomicUsize::new(bytes)),
            done: Arc::default(),
        }
    }
}

impl WidgetLedger {
    /// A ledger for a run sent `inputs`, which calls `pending_callbacks`
    /// first.
    pub(crate) fn new(inputs: Arc<WidgetInputs>, pending_callbacks: Vec<FunctionRef>) -> Self {
        WidgetLedger {
            inputs,
            pending_callbacks,
            ..WidgetLedger::default()
        }
    }

    /// Widgets whose values the session forgets after this run: those of
    /// forms that clear on submit and were submitted.
    pub(crate) fn cleared(&self) -> Vec<WidgetId> {
        self.form_widgets
            .iter()
            .filter(|(_, form)| self.submitted_forms.contains(form))
            .map(|(id, _)| id.clone())
            .collect()
    }
}

/// What an instance is for, which decides what its page may call: UI,
/// widget, session-state and cache calls only in a run; a job draws only
/// into the container it was given; a resource draws nothing.
// One per store and never in a collection: boxing the run would only add
// an allocation to every run.
#[allow(clippy::large_enum_variant)]
pub enum Role {
    /// A page run or a fragment run.
    Run(RunContext),
    /// A job on the app's worker pool.
    Job(JobContext),
    /// A `cache_resource` instance, built once and then queried.
    Resource(JobContext),
    /// None of these (a page called outside any run): every run-only call
    /// is refused with an error naming it.
    Outside,
}

impl Role {
    /// The run, if the instance is one.
    pub(crate) fn run_mut(&mut self) -> Option<&mut RunContext> {
        match self {
            Role::Run(run) => Some(run),
            _ => None,
        }
    }

    /// Whether the instance is a page or fragment run.
    pub(crate) fn is_run(&self) -> bool {
        matches!(self, Role::Run(_))
    }

    /// The job's (or resource's) context, if the instance is one.
    pub(crate) fn job(&self) -> Option<&JobContext> {
        match self {
            Role::Job(job) | Role::Resource(job) => Some(job),
            _ => None,
        }
    }

    /// Takes the run out when it ended (the instance is then outside any run).
    pub(crate) fn take_run(&mut self) -> Option<RunContext> {
        match std::mem::replace(self, Role::Outside) {
            Role::Run(run) => Some(run),
            other => {
                *self = other;
                None
            }
        }
    }
}

/// The data of every store: WASI, the memory limiter, and what the instance
/// is for ([`Role`]).
pub struct StoreData {
    pub(crate) wasi: WasiCtx,
    pub(crate) table: ResourceTable,
    pub(crate) limits: Arc<Limits>,
    /// What the instance is for.
    pub(crate) role: Role,
    /// What the epoch check and timers look at: the run's (or job's) cancel
    /// switch. Replaced per call in a long-lived resource instance.
    pub(crate) control: Arc<RunControl>,
    /// The thread's CPU clock when the current call began.
    pub(crate) cpu_start: Duration,
    /// Set when the memory limiter refused a growth.
    pub(crate) memory_exceeded: bool,
    /// The app's gauge of memory held by live instances.
    memory_gauge: Arc<std::sync::atomic::AtomicU64>,
    /// What this instance added to it: the sum of its memories.
    pub(crate) memory_held: u64,
    /// Table elements of all its tables.
    table_elements: usize,
    /// The app's instance share, and this store's place in it once taken.
    instances: Arc<crate::runtime::engine::InstanceShare>,
    slot: Option<crate::runtime::engine::InstanceSlot>,
    /// Zero of the page's monotonic clock.
    pub(crate) clock_origin: Instant,
    /// When the current call began: the wall time limit counts from here.
    pub(crate) started: Instant,
    /// Whether the app has a login provider (`st.login` goes nowhere
    /// otherwise).
    pub(crate) login_provider: bool,
    /// The app's secrets, if it has a secrets file.
    pub(crate) secrets: Option<Arc<crate::runtime::services::secrets::Secrets>>,
    /// The app's SQL connections, if it has any.
    pub(crate) databases: Option<Arc<crate::runtime::services::databases::Databases>>,
    /// The app's outbound HTTP, if it was granted any hosts.
    pub(crate) outbound: Option<Arc<crate::runtime::services::outbound::Outbound>>,
    /// Outbound requests this instance has sent.
    pub(crate) outbound_sent: u32,
    /// Whether raw HTML in Markdown is kept (`unsafe_allow_html`).
    pub(crate) unsafe_allow_html: bool,
}

impl WasiView for StoreData {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl wasmtime::ResourceLimiter for StoreData {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // The limit is on the instance: every memory of it counts, so a
        // component with many memories holds no more than one with one.
        let grown = desired.saturating_sub(current) as u64;
        if self.memory_held.saturating_add(grown) > self.limits.memory_bytes {
            self.memory_exceeded = true;
            return Err(wasmtime::Error::new(RunTrap::Memory(human_bytes(
                self.limits.memory_bytes,
            ))));
        }
        self.memory_held += grown;
        self.memory_gauge.fetch_add(grown, Ordering::Relaxed);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Like memory, counted over every table of the instance.
        let grown = desired.saturating_sub(current);
        if self.table_elements.saturating_add(grown) > TABLE_ELEMENTS {
            return Ok(false);
        }
        self.table_elements += grown;
        Ok(true)
    }
}

impl Drop for StoreData {
    fn drop(&mut self) {
        self.memory_gauge
            .fetch_sub(self.memory_held, Ordering::Relaxed);
    }
}

/// Most table elements (function references) one instance may hold, over
/// all its tables.
pub const TABLE_ELEMENTS: usize = 100_000;

/// Where a page sees its app's data directory, if it was granted one.
pub const DATA_DIR_MOUNT: &str = "/data";

impl StoreData {
    /// The data of a fresh store under `engine`'s limits: no environment,
    /// arguments or network, no files unless the app was granted a
    /// read-only data directory; output captured into `stdout` and `stderr`.
    pub(crate) fn new(
        engine: &crate::runtime::engine::PageEngine,
        role: Role,
        control: Arc<RunControl>,
        cpu_start: Duration,
        stdout: &CapturedOutput,
        stderr: &CapturedOutput,
    ) -> StoreData {
        let mut wasi = WasiCtxBuilder::new();
        wasi.stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false);
        if let Some(dir) = &engine.grants.data_dir {
            let opened = wasi.preopened_dir(dir, DATA_DIR_MOUNT, wasmtime_wasi::FsPerms::ReadOnly);
            if let Err(e) = opened {
                tracing::warn!(dir = %dir.display(), error = %e, "could not open the app's data directory");
            }
        }
        let wasi = wasi.build();
        let limits = engine.limits.clone();
        let memory_gauge = engine.memory_in_use.clone();
        let now = Instant::now();
        StoreData {
            wasi,
            table: ResourceTable::new(),
            limits,
            role,
            control,
            cpu_start,
            memory_exceeded: false,
            memory_gauge,
            memory_held: 0,
            table_elements: 0,
            instances: engine.instances.clone(),
            slot: None,
            clock_origin: now,
            started: now,
            login_provider: engine.grants.login_provider,
            secrets: engine.grants.secrets.clone(),
            databases: engine.grants.databases.clone(),
            outbound: engine.grants.outbound.clone(),
            outbound_sent: 0,
            unsafe_allow_html: engine.grants.unsafe_allow_html,
        }
    }

    /// Takes this store's place in its app's instance share, or fails with
    /// the trap that tells the page's user the app is at its limit. Called
    /// before instantiating, so an app at its share never takes a slot of the
    /// engine's pool that another app's run would need.
    pub(crate) fn take_instance_slot(&mut self) -> wasmtime::Result<()> {
        if self.slot.is_none() {
            let slot = self
                .instances
                .take()
                .map_err(|message| wasmtime::Error::new(RunTrap::AppAtLimit(message)))?;
            self.slot = Some(slot);
        }
        Ok(())
    }

    /// When the current run or job must stop waiting: its wall time limit.
    pub(crate) fn deadline(&self) -> Instant {
        // An operator may set a wall time too large to add to an instant.
        self.started
            .checked_add(self.limits.wall_time)
            .unwrap_or_else(|| self.started + Duration::from_secs(100 * 365 * 86_400))
    }

    /// The trap that ends a blocking call which stopped waiting.
    pub(crate) fn wait_trap(&self, end: WaitEnd) -> wasmtime::Error {
        match end {
            WaitEnd::Cancelled(reason) => wasmtime::Error::new(RunTrap::Cancelled(reason)),
            WaitEnd::Deadline => {
                wasmtime::Error::new(RunTrap::WallTime(human_duration(self.limits.wall_time)))
            }
        }
    }

    /// The live run, or the trap/error a call named `call` gets without one.
    ///
    /// Cancelled runs trap (the instance must stop at once); stores that are
    /// not page runs get a guest-visible `outside-run` error.
    pub(crate) fn live(&mut self, call: &str) -> HostResult<&mut RunContext> {
        match &mut self.role {
            Role::Run(run) => match run.control.cancelled() {
                Some(reason) => Err(RunTrap::Cancelled(reason).into()),
                None => Ok(run),
            },
            Role::Job(job) | Role::Resource(job) => Err(CallError::OutsideRun(format!(
                "`{call}` was called from {}: UI, widget, session-state and cache \
                 calls are only allowed in the page's run; return data from the job and render \
                 it in the run (or start the job with `spawn_in` to let it draw into one container)",
                job.name
            ))
            .into()),
            Role::Outside => Err(CallError::OutsideRun(format!(
                "`{call}` was called outside a script run: UI, widget and session-state calls \
                 are only allowed while the page's run is live"
            ))
            .into()),
        }
    }
}

impl WidgetLedger {
    /// Registers a widget id for this run, refusing duplicates.
    pub(crate) fn claim(&mut self, id: &WidgetId, spec: &WidgetSpec) -> Result<(), String> {
        if !self.seen_ids.insert(id.to_owned()) {
            return Err(format!(
                "there are multiple widgets with the id `{id}` in this run: give each `{}` a unique key",
                spec.kind()
            ));
        }
        Ok(())
    }

    /// Records a widget the page has received (after it was placed), so the
    /// session accepts values for it and knows its click was delivered.
    pub(crate) fn record(&mut self, id: WidgetId, spec: WidgetSpec, disabled: bool) {
        if !disabled {
            self.drawn.push((id, spec));
        }
    }

    /// The value a widget returns: the client's, if valid; else, for a
    /// keyed widget, the value in session state under its key (which the
    /// page may have set); else its default. A keyed widget's value is then
    /// stored under its key, like Streamlit's `st.session_state[key]` (a
    /// choice among options as the option itself).
    pub(crate) fn value(
        &mut self,
        element: &mut WidgetElement,
        key: Option<&str>,
        state: &SharedState,
        limit: usize,
    ) {
        let stored = match (self.inputs.get(&element.id), key) {
            // A click lasts one run: it is never restored from state.
            (None, Some(key)) if !element.spec.is_trigger() => state
                .lock()
                .get(key)
                .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok())
                .and_then(|raw| element.spec.read_state(&raw)),
            _ => None,
        };
        self.client_value(element);
        if let Some(value) = stored {
            element.value = value;
        }
        if let Some(key) = key {
            // As Streamlit: a choice is kept as the option, not its index.
            if let Ok(json) = serde_json::to_string(&element.spec.to_state(&element.value)) {
                // Past the session's limit the widget still works; only the
                // copy in session state is missing.
                let _ = state.lock().set(key, json, limit);
            }
        }
    }

    fn client_value(&mut self, element: &mut WidgetElement) {
        element.value = match self.inputs.get(&element.id) {
            None => element.spec.default_value(),
            Some(raw) => match element.spec.validate(raw) {
                Ok(v) => v,
                Err(message) => {
                    self.rejected.push(Rejected {
                        widget: element.id.clone(),
                        message: format!("widget `{}` ({}): {message}", element.label, element.id),
                    });
                    element.spec.default_value()
                }
            },
        };
    }
}

/// Describes a CPU-time trap for the user.
pub(crate) fn cpu_trap(limits: &Limits) -> RunTrap {
    RunTrap::CpuTime(human_duration(limits.cpu_time))
}
