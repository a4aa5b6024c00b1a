//! # wasmlit: data apps in Rust, run as sandboxed WebAssembly pages
//!
//! A page is a small crate compiled to a `wasm32-wasip2` component. The host
//! runs it from top to bottom every time the user interacts with it, in a fresh
//! sandboxed instance, exactly like a Streamlit script. Each call on [`Ui`]
//! draws an element; each widget call returns the widget's current value.
//!
//! ```no_run
//! use wasmlit::Ui;
//!
//! #[wasmlit::page]
//! fn counter(st: &Ui) {
//!     st.title("Counter");
//!     let mut count: i64 = st.session_state().get("count").unwrap_or(0);
//!     if st.button("Increment") {
//!         count += 1;
//!         st.session_state().set("count", &count);
//!     }
//!     st.write(format!("count: {count}"));
//! }
//! ```
//!
//! The page's `Cargo.toml` declares `crate-type = ["cdylib"]` and depends on
//! `wasmlit`; `host run path/to/page` builds and runs it.
//!
//! A [`Ui`] exists only inside a run: the page function receives one and
//! cannot keep it (it is borrowed and cannot cross threads), so drawing
//! outside a run is a compile error. The host enforces the same rule at run
//! time for any code that gets around it.
#![deny(missing_docs)]

// Lets the generated bindings name this crate the same way from inside and outside it.
extern crate self as wasmlit;

mod bindings;
mod cache;
mod callbacks;
mod charts;
pub use choices::{AcceptFile, ChatMessage, FeedbackKind};
pub use widgets::{ButtonType, LabelVisibility, NumberInputOptions, NumberValue, TextInputOptions};
mod choices;
mod content;
mod context;
mod control;
mod data;
mod dates;
mod editing;
mod elements;
mod error;
mod fragment;
pub mod http;
mod jobs;
mod layout;
mod media;
mod query_params;
pub mod secrets;
mod session_state;
pub mod sql;
mod status;
mod stream;
mod ui;
mod upload;
mod values;
mod widgets;

pub use cache::{query_resource, CacheData, Resource, ResourceHandle};
pub use charts::{Chart, Stack};
pub use content::{MapPoint, Space};
pub use context::{Context, User};
pub use control::{NavPosition, Page};
pub use data::{ColumnConfig, ColumnData, ColumnWidth, DeltaColor, Format, Metric, Rows, Table};
pub use editing::{Cell, CellEdit, Edited, Editor, Edits, SelectCount, Selection};
pub use elements::{Callout, Code, Heading};
pub use error::CallError;
pub use jobs::{sleep, JobError, JobHandle};
pub use layout::{DialogWidth, Gap, Status, StatusState};
pub use media::{MediaData, Player};
pub use query_params::QueryParams;
pub use session_state::SessionState;
pub use status::{PageConfig, Progress, SidebarState};
pub use ui::Ui;
pub use upload::UploadedFile;
pub use values::{Date, DateTime, Time, Value};
pub use wasmlit_macros::page;

/// Shows a block's source as code, then runs it, like Streamlit's
/// `with st.echo():`; evaluates to the block's value.
///
/// ```no_run
/// # fn page(st: &wasmlit::Ui) {
/// let total = wasmlit::echo!(st, {
///     let prices = [3.5, 4.25];
///     prices.iter().sum::<f64>()
/// });
/// st.write(total);
/// # }
/// ```
pub use wasmlit_macros::echo;

/// Support for the code `#[wasmlit::page]` generates. Not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use crate::bindings::__export_page as export_page;
    pub use crate::bindings::Guest;
    pub use wit_bindgen;

    /// The generated bindings, reachable from the page crate's export macro.
    pub mod bindings {
        pub use crate::bindings::*;
    }

    /// What a page function may return.
    pub trait PageResult {
        /// The run's outcome as the contract's `run` export reports it.
        fn into_run_result(self) -> Result<(), String>;
    }

    impl PageResult for () {
        fn into_run_result(self) -> Result<(), String> {
            Ok(())
        }
    }

    impl<E: core::fmt::Display> PageResult for Result<(), E> {
        fn into_run_result(self) -> Result<(), String> {
            self.map_err(|e| e.to_string())
        }
    }

    /// Runs the page function with the run's [`Ui`](crate::Ui).
    pub fn run_page<R: PageResult>(page: fn(&crate::Ui) -> R) -> Result<(), String> {
        let ui = crate::Ui::main();
        crate::callbacks::run_pending(&ui)?;
        page(&ui).into_run_result()
    }

    /// The `run-fragment` export: callbacks first, then the fragment's
    /// function, drawing into its container.
    pub fn run_fragment(id: u64, args: Vec<u8>, at: u32) -> Result<(), String> {
        let ui = crate::Ui::at(at);
        crate::callbacks::run_pending(&ui)?;
        crate::callbacks::call(id, &ui, &args)
    }

    /// The `run-job` export.
    pub fn run_job(job: u64, at: Option<u32>, input: Vec<u8>) -> Result<Vec<u8>, String> {
        crate::jobs::run_job(job, at, &input)
    }

    /// The `build-resource` export.
    pub fn build_resource(id: u64) -> Result<(), String> {
        crate::cache::resource_call(id, None).map(drop)
    }

    /// The `query-resource` export.
    pub fn query_resource(id: u64, request: Vec<u8>) -> Result<Vec<u8>, String> {
        crate::cache::resource_call(id, Some(&request))
    }
}
