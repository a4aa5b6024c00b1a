//! Fragments: parts of a page that rerun on their own (Streamlit's
//! `st.fragment`). A fragment is known by the path of its container; the
//! widgets drawn inside it rerun only it, and one with `run_every` reruns
//! on a timer while the session is idle.

use crate::model::function::FunctionRef;
use std::sync::Arc;
use std::time::Duration;

/// The path of a fragment's container: its identity within a page.
pub type FragmentPath = Arc<[u32]>;

/// A fragment a run drew.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Fragment {
    /// Where its container is.
    pub path: FragmentPath,
    /// The page's function for it and its arguments.
    pub call: FunctionRef,
    /// How often it reruns on its own, if at all.
    pub every: Option<Duration>,
}

/// What a fragment run redraws: the fragment's container and its function.
#[derive(Debug, Clone)]
pub struct FragmentRun {
    /// The fragment's container.
    pub path: FragmentPath,
    /// The function to call, with its arguments.
    pub call: FunctionRef,
}

/// Whether `path` is `scope` or inside it.
pub fn within(path: &[u32], scope: &[u32]) -> bool {
    path.starts_with(scope)
}
