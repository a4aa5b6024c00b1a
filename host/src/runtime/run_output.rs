//! What a run draws: its containers, the next position in each, the per-run
//! output limits, and delivery to the sink. Shared by the run and by the
//! jobs it lets draw into one of its containers (`spawn-in`).

use crate::model::delta::{BlockSpec, Delta, Element};
use crate::model::fragment::{Fragment, FragmentPath};
use crate::model::rows::Schema;
use crate::runtime::limits::{human_bytes, Limits};
use crate::runtime::run::{CancelReason, DeltaSink, RunControl};
use parking_lot::Mutex;
use std::sync::Arc;

/// The main container's id.
pub const MAIN: u32 = 0;
/// The sidebar's id.
pub const SIDEBAR: u32 = 1;

/// A run's drawing surface. Locked only for one placement; delivery happens
/// under the run's cancel gate, so nothing is delivered once it is cancelled.
pub struct RunOutput {
    control: Arc<RunControl>,
    state: Mutex<OutputState>,
    /// Each block drawn, by path, for `update_block`.
    blocks: Mutex<std::collections::HashMap<Vec<u32>, BlockSpec>>,
}

struct OutputState {
    sink: Box<dyn DeltaSink>,
    /// Each container, by id.
    containers: Vec<Slot>,
    elements: u32,
    bytes: usize,
    /// The run has ended: its jobs can no longer draw.
    closed: bool,
    /// Fragments opened, in order.
    fragments: Vec<Fragment>,
    /// The elements drawn with a handle for `add_rows`, by handle; `None`
    /// once something else was drawn in an element's place.
    data: Vec<Option<DataTarget>>,
    /// Marks this run's handles, so one kept from another run is refused.
    generation: u32,
}

/// Bits of an `add_rows` handle that number the element within its run.
const HANDLE_INDEX_BITS: u32 = 20;

/// Generations of handles, one per run's output.
static GENERATIONS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Where an element was placed.
struct Placed {
    path: Vec<u32>,
    /// The containers it opened, if it is a block.
    opened: Vec<u32>,
    /// Its `add_rows` handle, if one was asked for.
    handle: Option<u32>,
}

/// A table, dataframe or chart rows can be added to.
struct DataTarget {
    path: Vec<u32>,
    /// The container it was drawn in.
    container: u32,
    schema: Schema,
    /// Bytes it carries, its rows added included (within `table_bytes`).
    bytes: usize,
    /// Cells it shows, for a static table (within `table_cells`).
    cells: Option<usize>,
}

/// A container: its path, its next free position, and whether it holds a
/// single element that each draw replaces (`empty`).
struct Slot {
    path: Vec<u32>,
    next: u32,
    holds_one: bool,
    /// The form the container is in (the form's container id), if any.
    form: Option<(u32, bool)>,
    /// The innermost fragment the container is in, if any.
    fragment: Option<FragmentPath>,
    /// Whether the run may draw into it (a fragment run draws only into
    /// its fragment).
    writable: bool,
}

impl Slot {
    fn new(path: Vec<u32>, holds_one: bool) -> Slot {
        Slot {
            path,
            next: 0,
            holds_one,
            form: None,
            fragment: None,
            writable: true,
        }
    }

    fn read_only(mut self) -> Slot {
        self.writable = false;
        self
    }
}

/// Where a container sits: the form and the fragment it is in.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The form (its container id) and whether it clears on submit.
    pub form: Option<(u32, bool)>,
    /// The innermost fragment's path.
    pub fragment: Option<FragmentPath>,
}

/// The container a fragment run draws into.
pub const FRAGMENT_ROOT: u32 = 2;

/// Why an element could not be placed.
#[derive(Debug)]
pub(crate) enum LimitError {
    /// No such container.
    Container(u32),
    /// A per-run limit; the text names it.
    Limit(String),
    /// The element cannot go where it was drawn; the text says why.
    Invalid(String),
    /// The run was cancelled while drawing.
    Cancelled(CancelReason),
}

impl RunOutput {
    /// An empty surface with the main container and the sidebar.
    pub fn new(control: Arc<RunControl>, sink: Box<dyn DeltaSink>) -> RunOutput {
        Self::with_containers(
            control,
            sink,
            vec![
                Slot::new(vec![MAIN], false),
                Slot::new(vec![SIDEBAR], false),
            ],
        )
    }

    /// The surface of a fragment run: only the fragment's container
    /// ([`FRAGMENT_ROOT`], at `path`) can be drawn into, from its start.
    pub fn for_fragment(
        control: Arc<RunControl>,
        sink: Box<dyn DeltaSink>,
        path: FragmentPath,
    ) -> RunOutput {
        let mut root = Slot::new(path.to_vec(), false);
        root.fragment = Some(path);
        Self::with_containers(
            control,
            sink,
            vec![
                Slot::new(vec![MAIN], false).read_only(),
                Slot::new(vec![SIDEBAR], false).read_only(),
                root,
            ],
        )
    }

    fn with_containers(
        control: Arc<RunControl>,
        sink: Box<dyn DeltaSink>,
        containers: Vec<Slot>,
    ) -> RunOutput {
        RunOutput {
            control,
            blocks: Mutex::default(),
            state: Mutex::new(OutputState {
                sink,
                containers,
                elements: 0,
                bytes: 0,
                closed: false,
                fragments: Vec::new(),
                data: Vec::new(),
                generation: GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                    & ((1 << (32 - HANDLE_INDEX_BITS)) - 1),
            }),
        }
    }

    /// The fragments opened so far.
    pub fn take_fragments(&self) -> Vec<Fragment> {
        std::mem::take(&mut self.state.lock().fragments)
    }

    /// Ends drawing: the run is over, and nothing a job of it draws later
    /// is delivered.
    pub fn close(&self) {
        self.state.lock().closed = true;
    }

    /// The form and fragment container `id` is in.
    pub fn scope_of(&self, id: u32) -> Scope {
        self.state
            .lock()
            .containers
            .get(id as usize)
            .map(|slot| Scope {
                form: slot.form,
                fragment: slot.fragment.clone(),
            })
            .unwrap_or_default()
    }

    /// Whether container `id` exists in this run.
    pub fn has_container(&self, id: u32) -> bool {
        (id as usize) < self.state.lock().containers.len()
    }

    /// Elements placed so far (the run's and its jobs').
    pub fn elements(&self) -> u32 {
        self.state.lock().elements
    }

    /// Bytes of output placed so far (the run's and its jobs'), as counted
    /// against `run_output_bytes`.
    pub fn output_bytes(&self) -> usize {
        self.state.lock().bytes
    }

    /// Places `element` at the next position of `container` and delivers
    /// it, enforcing the per-run limits. Returns the element's path.
    pub(crate) fn place(
        &self,
        limits: &Limits,
        container: u32,
        element: Element,
    ) -> Result<Vec<u32>, LimitError> {
        self.place_opening(limits, container, element, None)
            .map(|placed| placed.path)
    }

    /// [`place`](Self::place), also returning the ids of the containers the
    /// element opens, if it is a block, and, with `rows` (the element's
    /// columns, and cells for a static table), a handle for `add_rows`
    /// recorded under the same lock as the placement.
    fn place_opening(
        &self,
        limits: &Limits,
        container: u32,
        element: Element,
        rows: Option<(Schema, Option<usize>)>,
    ) -> Result<Placed, LimitError> {
        // Measured as the browser receives it, before taking the lock, and
        // only up to the element's own limit: a larger one is refused as soon
        // as that is known.
        let (limit, setting) = if element.is_table() {
            (limits.table_bytes, "table_bytes")
        } else {
            (limits.element_bytes, "element_bytes")
        };
        let measured = element.wire_bytes(limit);
        let mut state = self.state.lock();
        let state = &mut *state;
        if state.closed {
            return Err(LimitError::Cancelled(CancelReason::RunEnded));
        }
        let appends = matches!(element, Element::TextAppend { .. });
        match state.containers.get(container as usize) {
            None => return Err(LimitError::Container(container)),
            Some(slot) if !slot.writable => {
                return Err(LimitError::Limit(
                    "a fragment's rerun draws only into the fragment: draw into the `Ui` the \
                     fragment function was given"
                        .into(),
                ))
            }
            Some(slot) if appends && !slot.holds_one => {
                return Err(LimitError::Invalid(
                    "text is appended only to a placeholder (`empty`)".into(),
                ))
            }
            Some(_) => {}
        }
        // Appended text is counted by its bytes (and the message around
        // it), not as an element: a stream of many small pieces is one
        // element on the page.
        let bytes_of = |measured: usize| {
            if appends {
                measured + crate::model::delta::APPEND_OVERHEAD_BYTES
            } else {
                measured
            }
        };
        if !appends && state.elements >= limits.elements_per_run {
            return Err(LimitError::Limit(format!(
                "a run may draw at most {} elements (elements_per_run)",
                limits.elements_per_run
            )));
        }
        let Some(bytes) = measured.map(bytes_of) else {
            return Err(LimitError::Limit(element_too_large(limit, setting)));
        };
        if state.bytes + bytes > limits.run_output_bytes {
            return Err(LimitError::Limit(run_output_exceeded(limits)));
        }
        if element.is_page_level() {
            state.elements += 1;
            state.bytes += bytes;
            let sink = &mut state.sink;
            self.control
                .deliver(|| {
                    sink.delta(Delta {
                        path: Vec::new(),
                        element,
                    })
                })
                .map_err(LimitError::Cancelled)?;
            return Ok(Placed {
                path: Vec::new(),
                opened: Vec::new(),
                handle: None,
            });
        }
        let slot = &mut state.containers[container as usize];
        let mut path = Vec::with_capacity(slot.path.len() + 1);
        path.extend_from_slice(&slot.path);
        path.push(slot.next);
        let replaces = slot.holds_one;
        if !slot.holds_one {
            slot.next += 1;
        }
        if !appends {
            state.elements += 1;
        }
        // Only a placeholder's place is drawn again: what was there (or
        // inside it) takes no more rows.
        if replaces && !state.data.is_empty() {
            for target in &mut state.data {
                if target.as_ref().is_some_and(|t| t.path.starts_with(&path)) {
                    *target = None;
                }
            }
        }
        let handle = match rows {
            Some((schema, cells)) => {
                let index = state.data.len() as u32;
                if index >= 1 << HANDLE_INDEX_BITS {
                    return Err(LimitError::Limit(format!(
                        "a run may draw at most {} tables and charts that take rows",
                        1u32 << HANDLE_INDEX_BITS
                    )));
                }
                state.data.push(Some(DataTarget {
                    path: path.clone(),
                    container,
                    schema,
                    bytes,
                    cells,
                }));
                Some(state.generation << HANDLE_INDEX_BITS | index)
            }
            None => None,
        };
        state.bytes += bytes;
        let mut opened = Vec::new();
        if let Element::Block(block) = &element {
            let parent = &state.containers[container as usize];
            let (parent_form, parent_fragment) = (parent.form, parent.fragment.clone());
            for c in 0..block.containers() as u32 {
                let mut child = path.clone();
                child.push(c);
                let id = state.containers.len() as u32;
                opened.push(id);
                let mut slot = Slot::new(child, block.holds_one());
                slot.form = match block {
                    BlockSpec::Form {
                        clear_on_submit, ..
                    } => Some((id, *clear_on_submit)),
                    _ => parent_form,
                };
                slot.fragment = match block {
                    BlockSpec::Fragment { call, run_every_ms } => {
                        let fragment: FragmentPath = slot.path.as_slice().into();
                        state.fragments.push(Fragment {
                            path: fragment.clone(),
                            call: call.clone(),
                            every: run_every_ms
                                .map(|ms| std::time::Duration::from_millis(ms.into())),
                        });
                        Some(fragment)
                    }
                    _ => parent_fragment.clone(),
                };
                state.containers.push(slot);
            }
        }
        let sink = &mut state.sink;
        let delivered = path.clone();
        self.control
            .deliver(|| {
                sink.delta(Delta {
                    path: delivered,
                    element,
                })
            })
            .map_err(LimitError::Cancelled)?;
        Ok(Placed {
            path,
            opened,
            handle,
        })
    }

    /// [`place`](Self::place), and a handle for [`add_rows`](Self::add_rows)
    /// when rows can be added to `element` (a table, a dataframe, a chart
    /// with inline data).
    pub(crate) fn place_data(
        &self,
        limits: &Limits,
        container: u32,
        element: Element,
    ) -> Result<Option<u32>, LimitError> {
        let rows = Schema::of(&element).map(|schema| {
            let cells = match &element {
                Element::Table { columns } => {
                    Some(columns.first().map_or(0, |c| c.values.len()) * columns.len())
                }
                _ => None,
            };
            (schema, cells)
        });
        Ok(self.place_opening(limits, container, element, rows)?.handle)
    }

    /// Adds `rows` to the end of the element behind `handle`, sending only
    /// them; counted against `run_output_bytes` (and `table_bytes` per
    /// call), not as an element. `only_in`: the one container a job may
    /// draw into.
    pub(crate) fn add_rows(
        &self,
        limits: &Limits,
        handle: u32,
        rows: Vec<crate::model::delta::Column>,
        only_in: Option<u32>,
    ) -> Result<(), LimitError> {
        let mut state = self.state.lock();
        let state = &mut *state;
        if state.closed {
            return Err(LimitError::Cancelled(CancelReason::RunEnded));
        }
        let index = (handle & ((1 << HANDLE_INDEX_BITS) - 1)) as usize;
        let found = if handle >> HANDLE_INDEX_BITS == state.generation {
            state.data.get_mut(index)
        } else {
            None
        };
        let target = match found {
            Some(Some(target)) => target,
            Some(None) => {
                return Err(LimitError::Invalid(
                    "add_rows: something else was drawn in the element's place since".into(),
                ))
            }
            None => {
                return Err(LimitError::Invalid(format!(
                    "add_rows: {handle} is not a table, dataframe or chart of this run"
                )))
            }
        };
        if only_in.is_some_and(|c| c != target.container) {
            return Err(LimitError::Invalid(
                "add_rows: a job adds rows only to what it drew in its own container".into(),
            ));
        }
        if !state
            .containers
            .get(target.container as usize)
            .is_some_and(|slot| slot.writable)
        {
            return Err(LimitError::Limit(
                "a fragment's rerun draws only into the fragment".into(),
            ));
        }
        if rows.first().is_none_or(|c| c.values.is_empty()) {
            return Ok(());
        }
        // Limits first (none depends on the order of the columns), so rows
        // past one are refused before their columns are checked.
        let count = rows.first().map_or(0, |c| c.values.len());
        let cells = match target.cells {
            Some(cells) => {
                let shown = cells.saturating_add(count.saturating_mul(rows.len()));
                let most = limits.table_cells;
                if shown > most {
                    return Err(LimitError::Limit(format!(
                        "a table may show at most {most} cells (table_cells); with these rows \
                         it would show {shown}: draw it as a dataframe, which shows only the \
                         rows in view"
                    )));
                }
                Some(shown)
            }
            None => None,
        };
        let too_large = || {
            LimitError::Limit(format!(
                "a table or chart may carry at most {} of data (table_bytes), rows added \
                 included; with these rows it would carry more",
                human_bytes(limits.table_bytes as u64)
            ))
        };
        let left = limits.table_bytes.saturating_sub(target.bytes);
        let element = Element::AddRows { columns: rows };
        let sent = element.wire_bytes(left).ok_or_else(too_large)?;
        let Element::AddRows { columns: rows } = element else {
            unreachable!("built just above")
        };
        // A chart's rows become one object per row in the browser, each
        // naming every column: they weigh that much against `table_bytes`.
        let weight = if target.schema.is_chart() {
            let names: usize = rows.iter().map(|c| c.name.len() + 4).sum();
            sent.saturating_add(count.saturating_mul(names))
        } else {
            sent
        };
        if weight > left {
            return Err(too_large());
        }
        // Counted like appended text: by its bytes and the message's.
        let counted = sent + crate::model::delta::APPEND_OVERHEAD_BYTES;
        if state.bytes + counted > limits.run_output_bytes {
            return Err(LimitError::Limit(run_output_exceeded(limits)));
        }
        let columns = target.schema.accept(rows).map_err(LimitError::Invalid)?;
        state.bytes += counted;
        target.bytes += weight;
        target.cells = cells;
        let element = Element::AddRows { columns };
        let path = target.path.clone();
        let sink = &mut state.sink;
        self.control
            .deliver(|| sink.delta(Delta { path, element }))
            .map_err(LimitError::Cancelled)
    }

    /// Opens a block at the next position of `at`; returns the ids of its
    /// containers.
    pub(crate) fn open_block(
        &self,
        limits: &Limits,
        at: u32,
        block: BlockSpec,
    ) -> Result<Vec<u32>, LimitError> {
        let Placed { path, opened, .. } =
            self.place_opening(limits, at, Element::Block(block.clone()), None)?;
        self.blocks.lock().insert(path, block);
        Ok(opened)
    }

    /// Redraws the block holding container `of` with `block`, which must be
    /// of the same kind and hold as many containers.
    pub(crate) fn update_block(&self, of: u32, block: BlockSpec) -> Result<(), LimitError> {
        let path = {
            let state = self.state.lock();
            let slot = state
                .containers
                .get(of as usize)
                .filter(|slot| slot.path.len() >= 3)
                .ok_or(LimitError::Container(of))?;
            slot.path[..slot.path.len() - 1].to_vec()
        };
        let kind = |b: &BlockSpec| std::mem::discriminant(b);
        let same =
            self.blocks.lock().get(&path).is_some_and(|old| {
                kind(old) == kind(&block) && old.containers() == block.containers()
            });
        if !same {
            return Err(LimitError::Limit(
                "update_block: the new block must be of the same kind as the one it replaces"
                    .into(),
            ));
        }
        self.blocks.lock().insert(path.clone(), block.clone());
        self.replace(path, Element::Block(block))
    }

    /// Draws `element` over what is at `path` (a spinner's place, once its
    /// work is done). Nothing is counted: the place was paid for.
    pub(crate) fn replace(&self, path: Vec<u32>, element: Element) -> Result<(), LimitError> {
        let mut state = self.state.lock();
        if state.closed {
            return Err(LimitError::Cancelled(CancelReason::RunEnded));
        }
        let sink = &mut state.sink;
        self.control
            .deliver(|| sink.delta(Delta { path, element }))
            .map_err(LimitError::Cancelled)
    }
}

/// The refusal of an element larger than `limit`, the value of `setting`
/// (`element_bytes`, or `table_bytes` for tables, charts and downloads).
pub(crate) fn element_too_large(limit: usize, setting: &str) -> String {
    let limit = human_bytes(limit as u64);
    if setting == "table_bytes" {
        format!("a table may carry at most {limit} of data (table_bytes); this one is larger")
    } else {
        format!("an element may carry at most {limit} of text ({setting}); this one is larger")
    }
}

/// The refusal of an element past the run's `run_output_bytes`.
pub(crate) fn run_output_exceeded(limits: &Limits) -> String {
    format!(
        "a run may produce at most {} of output (run_output_bytes)",
        human_bytes(limits.run_output_bytes as u64)
    )
}
