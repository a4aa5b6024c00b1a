//! What a run draws: its containers, the next position in each, the per-run
//! output limits, and delivery to the sink. Shared by the run and by the
//! jobs it lets draw into one of its containers (`spawn-in`).

use crate::delta::{Delta, Element};
use crate::limits::{human_bytes, Limits};
use crate::run::{CancelReason, DeltaSink, RunControl};
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
}

struct OutputState {
    sink: Box<dyn DeltaSink>,
    /// Each container's path and next free position, by id.
    containers: Vec<(Vec<u32>, u32)>,
    elements: u32,
    bytes: usize,
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

impl RunOutput {
    /// An empty surface with the main container and the sidebar.
    pub fn new(control: Arc<RunControl>, sink: Box<dyn DeltaSink>) -> RunOutput {
        RunOutput {
            control,
            state: Mutex::new(OutputState {
                sink,
                containers: vec![(vec![MAIN], 0), (vec![SIDEBAR], 0)],
                elements: 0,
                bytes: 0,
            }),
        }
    }

    /// Whether container `id` exists in this run.
    pub fn has_container(&self, id: u32) -> bool {
        (id as usize) < self.state.lock().containers.len()
    }

    /// Elements placed so far (the run's and its jobs').
    pub fn elements(&self) -> u32 {
        self.state.lock().elements
    }

    /// Places `element` at the next position of `container` and delivers
    /// it, enforcing the per-run limits. Returns the element's path.
    pub(crate) fn place(
        &self,
        limits: &Limits,
        container: u32,
        element: Element,
    ) -> Result<Vec<u32>, LimitError> {
        self.place_opening(limits, container, element)
            .map(|(path, _)| path)
    }

    /// [`place`](Self::place), also returning the id of the container the
    /// element opens, if it is one.
    fn place_opening(
        &self,
        limits: &Limits,
        container: u32,
        element: Element,
    ) -> Result<(Vec<u32>, Option<u32>), LimitError> {
        let mut state = self.state.lock();
        let state = &mut *state;
        if state.containers.get(container as usize).is_none() {
            return Err(LimitError::Container(container));
        }
        if state.elements >= limits.elements_per_run {
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
        if state.bytes + bytes > limits.run_output_bytes {
            return Err(LimitError::Limit(format!(
                "a run may produce at most {} of output (run_output_bytes)",
                human_bytes(limits.run_output_bytes as u64)
            )));
        }
        let (prefix, next) = &mut state.containers[container as usize];
        let mut path = Vec::with_capacity(prefix.len() + 1);
        path.extend_from_slice(prefix);
        path.push(*next);
        *next += 1;
        state.elements += 1;
        state.bytes += bytes;
        let opened = if matches!(element, Element::Container { .. }) {
            state.containers.push((path.clone(), 0));
            Some(state.containers.len() as u32 - 1)
        } else {
            None
        };
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
        Ok((path, opened))
    }

    /// Opens a container at the next position of `at`; returns its id.
    pub(crate) fn open_container(
        &self,
        limits: &Limits,
        at: u32,
        border: bool,
    ) -> Result<u32, LimitError> {
        let (_, opened) = self.place_opening(limits, at, Element::Container { border })?;
        Ok(opened.unwrap_or(at))
    }

    /// Draws `element` over what is at `path` (a spinner's place, once its
    /// work is done). Nothing is counted: the place was paid for.
    pub(crate) fn replace(&self, path: Vec<u32>, element: Element) -> Result<(), LimitError> {
        let mut state = self.state.lock();
        let sink = &mut state.sink;
        self.control
            .deliver(|| sink.delta(Delta { path, element }))
            .map_err(LimitError::Cancelled)
    }
}
