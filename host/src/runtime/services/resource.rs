//! `cache_resource`: an expensive object built once per app and page build,
//! reused by every run (Streamlit's `st.cache_resource`).
//!
//! Runs are separate instances and cannot share memory, so a resource lives
//! in an instance of its own: the page's `build-resource` export builds it
//! there (on the server's pool of build threads, not on the asking thread,
//! so a cancelled run does not lose a build half done, and jobs waiting for
//! it never hold up the build) and the instance is kept. Builds are queued
//! fairly per app, at most [`BUILDS_PER_APP`] of an app at once, and clearing
//! the cache stops the builds in flight. Runs reach it through `resource-query`: a
//! serialized request in, a serialized answer out, one query at a time per
//! resource. A query runs on the asking thread under the asking run's cancel
//! switch and CPU budget; if it is interrupted or crashes, the instance is
//! discarded and the next query builds it again.

use crate::runtime::engine::PageEngine;
use crate::runtime::output::CapturedOutput;
use crate::runtime::page::Page;
use crate::runtime::run::{CancelReason, Role, RunControl, RunTrap, StoreData, WaitEnd};
use crate::runtime::runner::{classify, failure_message, fresh_store, thread_cpu_time, Fresh};
use crate::runtime::services::executor::{Executor, Share};
use crate::runtime::services::jobs::JobContext;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Notify;
use wasmtime::Store;

/// Most resources one app may have (each keeps an instance alive).
pub const MAX_RESOURCES: usize = 16;

/// Resource builds of one app running at once; more wait their turn.
pub const BUILDS_PER_APP: usize = 1;

/// A resource's identity: the page build's hash and the page's id for it.
type ResourceKey = ([u8; 32], u64);

/// Every resource of an app, by page build and resource id.
pub struct Resources {
    cells: Mutex<HashMap<ResourceKey, Arc<Cell>>>,
    /// The build threads (shared by every app of the server).
    builds: Arc<Executor>,
    /// The app's queue on them.
    owner: Arc<str>,
    /// At most [`BUILDS_PER_APP`] of the app's builds at once.
    share: Arc<Share>,
}

struct Cell {
    name: String,
    state: Mutex<CellState>,
    changed: Notify,
}

#[derive(Default)]
struct CellState {
    /// The built instance, when it is not being queried.
    instance: Option<Box<Built>>,
    /// A query holds the instance.
    in_use: bool,
    building: bool,
    /// Numbers builds, so a waiter knows whether the failure is its build's.
    generation: u64,
    failure: Option<(u64, String)>,
    builds: u64,
    /// The cancel switch of the build in flight: clearing the cache stops it.
    build: Option<Arc<RunControl>>,
}

struct Built {
    store: Store<StoreData>,
    page: crate::runtime::bindings::Page,
    stderr: CapturedOutput,
}

/// How a query ended without an answer from the resource.
pub enum QueryEnd {
    /// The asking run was cancelled or ran out of wall time while waiting.
    Wait(WaitEnd),
    /// The query trapped (cancel, CPU or memory limit, crash).
    Trap(wasmtime::Error),
}

impl Resources {
    /// No resources yet, for app `owner`, built on `builds`.
    pub fn new(builds: Arc<Executor>, owner: &str) -> Resources {
        Resources {
            cells: Mutex::default(),
            builds,
            owner: Arc::from(owner),
            share: Share::new(BUILDS_PER_APP),
        }
    }

    /// Sends `request` to resource `id` of `page`, building it first if
    /// needed. `Ok(Err(..))` is a message for the page: the build or query
    /// failed.
    #[allow(clippy::too_many_arguments)]
    pub fn query(
        &self,
        engine: &Arc<PageEngine>,
        page: &Arc<Page>,
        id: u64,
        name: &str,
        request: &[u8],
        asker: Asker<'_>,
    ) -> Result<Result<Vec<u8>, String>, QueryEnd> {
        let Asker {
            control,
            cpu_start,
            started,
        } = asker;
        let deadline = started + engine.limits().wall_time;
        let key = (page.module_hash, id);
        let cell = {
            let mut cells = self.cells.lock();
            if !cells.contains_key(&key) && cells.len() >= MAX_RESOURCES {
                return Ok(Err(format!(
                    "an app may have at most {MAX_RESOURCES} resources; `{name}` would be one more"
                )));
            }
            cells
                .entry(key)
                .or_insert_with(|| {
                    Arc::new(Cell {
                        name: name.to_owned(),
                        state: Mutex::default(),
                        changed: Notify::new(),
                    })
                })
                .clone()
        };
        let mut waited_for = None;
        let mut built = loop {
            {
                let mut state = cell.state.lock();
                if let Some(built) = state.instance.take() {
                    state.in_use = true;
                    break built;
                }
                if let (Some(mine), Some((failed, message))) = (waited_for, &state.failure) {
                    if mine == *failed {
                        let message = message.clone();
                        drop(state);
                        // A failed resource keeps no cell: made-up ids
                        // cannot pile up, and the next query tries afresh.
                        let mut cells = self.cells.lock();
                        if cells.get(&key).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
                            let state = cell.state.lock();
                            if !state.building && !state.in_use && state.instance.is_none() {
                                cells.remove(&key);
                            }
                        }
                        return Ok(Err(message));
                    }
                }
                if !state.building && !state.in_use {
                    state.building = true;
                    state.generation += 1;
                    let task_cell = cell.clone();
                    let task_engine = engine.clone();
                    let task_page = page.clone();
                    let generation = state.generation;
                    let build_control = Arc::new(RunControl::default());
                    state.build = Some(build_control.clone());
                    // Not on the worker pool: jobs that wait for this build
                    // may be holding every worker.
                    let queued = self.builds.submit(
                        &self.owner,
                        &self.share,
                        Box::new(move || {
                            build(
                                &task_engine,
                                &task_page,
                                id,
                                &task_cell,
                                generation,
                                build_control,
                            )
                        }),
                    );
                    if queued.is_err() {
                        state.building = false;
                        state.build = None;
                        return Ok(Err("the server is shutting down".into()));
                    }
                }
                if state.building {
                    waited_for = Some(state.generation);
                }
            }
            control
                .block_until(&cell.changed, deadline, || {
                    let state = cell.state.lock();
                    state.instance.is_some() || (!state.building && !state.in_use)
                })
                .map_err(QueryEnd::Wait)?;
        };

        // A run that is already cancelled does not enter: it would only trap
        // and cost everyone a rebuild.
        if let Some(reason) = control.cancelled() {
            let mut state = cell.state.lock();
            state.in_use = false;
            state.instance = Some(built);
            drop(state);
            cell.changed.notify_waiters();
            return Err(QueryEnd::Wait(WaitEnd::Cancelled(reason)));
        }
        // The query spends the asker's budgets: its CPU clock (this is its
        // thread) and its wall time.
        let data = built.store.data_mut();
        data.control = control.clone();
        data.cpu_start = cpu_start;
        data.started = started;
        // Each query is a call with its own outbound request budget.
        data.outbound_sent = 0;
        built.store.set_epoch_deadline(1);
        let result = built
            .page
            .call_query_resource(&mut built.store, id, request);
        let mut state = cell.state.lock();
        state.in_use = false;
        let answer = match result {
            Ok(answer) => {
                state.instance = Some(built);
                answer.map_err(|message| format!("resource `{}`: {message}", cell.name))
            }
            Err(error) => {
                drop(state);
                cell.changed.notify_waiters();
                if error.downcast_ref::<RunTrap>().is_some() {
                    return Err(QueryEnd::Trap(error));
                }
                let limits = engine.limits();
                let outcome = classify(
                    &error,
                    &built.stderr.text(),
                    built.store.data().memory_exceeded,
                    limits,
                );
                return Ok(Err(format!(
                    "resource `{}`: {}; it will be built again on next use",
                    cell.name,
                    outcome.message().unwrap_or_default()
                )));
            }
        };
        drop(state);
        cell.changed.notify_waiters();
        Ok(answer)
    }

    /// Builds queued or in flight now.
    pub fn building(&self) -> usize {
        self.cells
            .lock()
            .values()
            .filter(|c| c.state.lock().building)
            .count()
    }

    /// Builds of the resources held now (rebuilds included; a cleared
    /// resource's are gone with it).
    pub fn builds(&self) -> u64 {
        self.cells
            .lock()
            .values()
            .map(|c| c.state.lock().builds)
            .sum()
    }

    /// Drops every resource and stops the builds in flight; the next query
    /// builds it again. Returns whether a build was stopped (its instance
    /// notices at the next epoch).
    pub fn clear(&self) -> bool {
        let cells = std::mem::take(&mut *self.cells.lock());
        let mut stopped = false;
        for cell in cells.values() {
            if let Some(build) = cell.state.lock().build.take() {
                build.cancel(CancelReason::Stopped);
                stopped = true;
            }
        }
        stopped
    }

    /// Drops resource `id` of the page build `hash` and stops its build in
    /// flight; the next query builds it again.
    pub fn clear_one(&self, hash: [u8; 32], id: u64) {
        let cell = self.cells.lock().remove(&(hash, id));
        if let Some(cell) = cell {
            if let Some(build) = cell.state.lock().build.take() {
                build.cancel(CancelReason::Stopped);
            }
        }
    }

    /// Drops the resources of page builds not in `current`.
    pub fn retain_builds(&self, current: &[[u8; 32]]) {
        self.cells
            .lock()
            .retain(|(hash, _), _| current.contains(hash));
    }
}

/// Who is asking: the run's (or job's) cancel switch, and the start of its
/// CPU and wall-time budgets.
pub struct Asker<'a> {
    /// The asker's cancel switch.
    pub control: &'a Arc<RunControl>,
    /// The asking thread's CPU clock when the asker began.
    pub cpu_start: std::time::Duration,
    /// When the asker began.
    pub started: Instant,
}

/// Builds a resource's instance on a build thread and stores it in `cell`;
/// a panic while building is reported as a failed build.
fn build(
    engine: &PageEngine,
    page: &Arc<Page>,
    id: u64,
    cell: &Cell,
    generation: u64,
    control: Arc<RunControl>,
) {
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        build_instance(engine, page, id, cell, generation, control)
    }));
    if built.is_err() {
        let mut state = cell.state.lock();
        state.building = false;
        state.failure = Some((
            generation,
            format!("building resource `{}` failed inside the host", cell.name),
        ));
        drop(state);
        cell.changed.notify_waiters();
    }
}

fn build_instance(
    engine: &PageEngine,
    page: &Arc<Page>,
    id: u64,
    cell: &Cell,
    generation: u64,
    control: Arc<RunControl>,
) {
    let limits = engine.limits.clone();
    // Not tied to any run: a build finishes even if the run that asked for
    // it was cancelled. Bounded by the CPU and wall time limits, and stopped
    // when the app's cache is cleared.
    let stopped = control.clone();
    let context = JobContext {
        name: format!("resource `{}`", cell.name),
        draw: None,
        services: None,
    };
    let Fresh {
        mut store, stderr, ..
    } = fresh_store(engine, Role::Resource(context), control, thread_cpu_time());
    let result = page.instantiate(&mut store).and_then(|instance| {
        instance
            .call_build_resource(&mut store, id)
            .map(|built| (instance, built))
    });
    let mut state = cell.state.lock();
    state.building = false;
    state.build = None;
    if stopped.cancelled().is_some() {
        state.failure = Some((
            generation,
            format!(
                "building resource `{}` was stopped because the app's cache was cleared; \
                 it is built again on next use",
                cell.name
            ),
        ));
        drop(state);
        cell.changed.notify_waiters();
        return;
    }
    match result {
        Ok((instance, Ok(()))) => {
            state.builds += 1;
            state.failure = None;
            state.instance = Some(Box::new(Built {
                store,
                page: instance,
                stderr,
            }));
        }
        Ok((_, Err(message))) => {
            state.failure = Some((
                generation,
                format!("building resource `{}` failed: {message}", cell.name),
            ));
        }
        Err(error) => {
            state.failure = Some((
                generation,
                format!(
                    "building resource `{}` failed: {}",
                    cell.name,
                    failure_message(&error, &stderr, &store, &limits)
                ),
            ));
        }
    }
    drop(state);
    cell.changed.notify_waiters();
}
