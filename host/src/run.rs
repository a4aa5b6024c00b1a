//! One run of a page: the store's data (the run's context), how a run is
//! cancelled, and how it ended.

use crate::delta::{Delta, Element, WidgetElement};
use crate::limits::{human_bytes, human_duration, Limits};
use crate::session_state::SharedState;
use crate::widget::{WidgetInputs, WidgetSpec};
use parking_lot::Mutex;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

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
}

/// The shared switch that cancels a run. Set by the session (any thread), read
/// by the script thread at every host call and every epoch tick.
#[derive(Debug, Default)]
pub struct RunControl {
    state: AtomicU8,
    /// Held while a delta is handed to the sink and while cancelling, so once
    /// `cancel` returns no delivery is in progress and none will start.
    gate: Mutex<()>,
    /// Wakes a run that is waiting in a host timer.
    woken: tokio::sync::Notify,
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
    fn deliver(&self, deliver: impl FnOnce()) -> Result<(), CancelReason> {
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
            _ => Some(CancelReason::Shutdown),
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
    /// The page called `rerun()`.
    #[error("rerun requested")]
    Rerun,
    /// The page called `stop()`.
    #[error("stop requested")]
    Stop,
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
    /// The run failed; the message is for the page's user.
    Error(String),
}

impl RunOutcome {
    /// The status word used by the protocol and the CLI.
    pub fn status(&self) -> &'static str {
        match self {
            RunOutcome::Ok | RunOutcome::Rerun | RunOutcome::StoppedByPage => "ok",
            RunOutcome::Stopped => "stopped",
            RunOutcome::Replaced => "replaced",
            RunOutcome::Shutdown => "shutdown",
            RunOutcome::Error(_) => "error",
        }
    }

    /// The message shown to the user, if any.
    pub fn message(&self) -> Option<String> {
        match self {
            RunOutcome::Replaced => Some("replaced by a newer run".into()),
            RunOutcome::Stopped => Some("stopped".into()),
            RunOutcome::Shutdown => Some("the server is shutting down".into()),
            RunOutcome::Error(m) => Some(m.clone()),
            RunOutcome::Ok | RunOutcome::Rerun | RunOutcome::StoppedByPage => None,
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
    pub widgets: Vec<(String, WidgetSpec)>,
    /// Values the client sent that a widget refused (the widget used its
    /// default); each message names the widget.
    pub rejected: Vec<String>,
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
}

/// Context of a live page run, present in the store only while the page's
/// `run` export is executing.
pub struct RunContext {
    /// Cancellation switch shared with the session.
    pub control: Arc<RunControl>,
    /// Where deltas go.
    pub sink: Box<dyn DeltaSink>,
    /// Values reported by the client, validated on use.
    pub inputs: Arc<WidgetInputs>,
    /// The session's state.
    pub state: SharedState,
    /// The URL's query parameters for this run.
    pub query: Arc<QueryParams>,
    /// Next index in each top-level container (main, sidebar).
    pub next_index: [u32; 2],
    /// Elements drawn so far.
    pub elements: u32,
    /// Bytes of element text so far.
    pub output_bytes: usize,
    /// Ids seen in this run, to refuse duplicates.
    pub seen_ids: HashSet<String>,
    /// Widgets drawn, in order.
    pub widgets: Vec<(String, WidgetSpec)>,
    /// Client values refused by their widget.
    pub rejected: Vec<String>,
}

/// The data of every store: WASI, the memory limiter, and the run context
/// when the store is running a page.
pub struct StoreData {
    pub(crate) wasi: WasiCtx,
    pub(crate) table: ResourceTable,
    pub(crate) limits: Arc<Limits>,
    /// `Some` only during a genuine page run; host calls made without it are
    /// refused with an error naming the call.
    pub(crate) run: Option<RunContext>,
    /// Set when the memory limiter refused a growth.
    pub(crate) memory_exceeded: bool,
    /// Zero of the page's monotonic clock.
    pub(crate) clock_origin: std::time::Instant,
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
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired as u64 > self.limits.memory_bytes {
            self.memory_exceeded = true;
            return Err(wasmtime::Error::new(RunTrap::Memory(human_bytes(
                self.limits.memory_bytes,
            ))));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

impl StoreData {
    /// The live run, or the trap/error a call named `call` gets without one.
    ///
    /// Cancelled runs trap (the instance must stop at once); stores that are
    /// not page runs get a guest-visible `outside-run` error.
    pub(crate) fn live(&mut self, call: &str) -> wasmtime::Result<Result<&mut RunContext, String>> {
        match self.run.as_mut() {
            None => Ok(Err(format!(
                "`{call}` was called outside a script run: UI, widget and session-state calls \
                 are only allowed while the page's run is live"
            ))),
            Some(run) => match run.control.cancelled() {
                Some(reason) => Err(wasmtime::Error::new(RunTrap::Cancelled(reason))),
                None => Ok(Ok(run)),
            },
        }
    }
}

impl RunContext {
    /// Places `element` at the next position of `container` and hands it to
    /// the sink, enforcing the per-run output limits.
    pub(crate) fn place(
        &mut self,
        limits: &Limits,
        container: u32,
        element: Element,
    ) -> Result<(), LimitError> {
        let slot = self
            .next_index
            .get_mut(container as usize)
            .ok_or(LimitError::Container(container))?;
        if self.elements >= limits.elements_per_run {
            return Err(LimitError::Limit(format!(
                "a run may draw at most {} elements (elements_per_run)",
                limits.elements_per_run
            )));
        }
        let bytes = element.text_bytes();
        if bytes > limits.element_bytes {
            return Err(LimitError::Limit(format!(
                "an element may carry at most {} of text (element_bytes); this one has {}",
                human_bytes(limits.element_bytes as u64),
                human_bytes(bytes as u64)
            )));
        }
        if self.output_bytes + bytes > limits.run_output_bytes {
            return Err(LimitError::Limit(format!(
                "a run may produce at most {} of output (run_output_bytes)",
                human_bytes(limits.run_output_bytes as u64)
            )));
        }
        let index = *slot;
        *slot += 1;
        self.elements += 1;
        self.output_bytes += bytes;
        let sink = &mut self.sink;
        self.control
            .deliver(|| {
                sink.delta(Delta {
                    path: vec![container, index],
                    element,
                })
            })
            .map_err(LimitError::Cancelled)
    }

    /// Registers a widget id for this run, refusing duplicates.
    pub(crate) fn claim_widget(&mut self, id: &str, spec: &WidgetSpec) -> Result<(), String> {
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
    pub(crate) fn record_widget(&mut self, id: String, spec: WidgetSpec, disabled: bool) {
        if !disabled {
            self.widgets.push((id, spec));
        }
    }

    /// The value a widget returns: the client's, if valid, else its default.
    pub(crate) fn widget_value(&mut self, element: &mut WidgetElement) {
        element.value = match self.inputs.get(&element.id) {
            None => element.spec.default_value(),
            Some(raw) => match element.spec.validate(raw) {
                Ok(v) => v,
                Err(message) => {
                    self.rejected.push(format!(
                        "widget `{}` ({}): {message}",
                        element.label, element.id
                    ));
                    element.spec.default_value()
                }
            },
        };
    }
}

/// Why an element could not be placed.
#[derive(Debug)]
pub(crate) enum LimitError {
    /// No such container.
    Container(u32),
    /// A per-run limit; the text names it.
    Limit(String),
    /// The run was cancelled while drawing.
    Cancelled(CancelReason),
}

/// Describes a CPU-time trap for the user.
pub(crate) fn cpu_trap(limits: &Limits) -> RunTrap {
    RunTrap::CpuTime(human_duration(limits.cpu_time))
}
