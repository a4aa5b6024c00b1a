//! The wasmlit host: loads pages (WebAssembly components), runs them in fresh
//! sandboxed instances on script threads, and serves them to browsers.
//!
//! The pieces, from the bottom up: [`engine`] (wasmtime, its ticker and the
//! compiled-page cache), [`page`] (a loaded component), [`run`] (one run's
//! context and how it ended), [`capabilities`] (the host side of each
//! interface in `wit/`), [`runner`] (script threads and cancellation),
//! [`services`] (what an app's runs share: [`cache`], [`resource`] and the
//! [`executor`] that runs [`jobs`]).

pub mod admission;
pub mod app;
mod bindings;
pub mod cache;
pub mod capabilities;
pub mod cli;
pub mod delta;
pub mod engine;
pub mod executor;
pub mod fragment;
pub mod frontend;
pub mod http;
pub mod jobs;
pub mod limits;
pub mod markdown;
pub mod metrics;
pub mod outbound;
pub mod output;
pub mod page;
pub mod page_build;
pub mod protocol;
pub mod reload;
pub mod resource;
pub mod run;
pub mod run_output;
pub mod runner;
pub mod server;
pub mod services;
pub mod session;
pub mod session_state;
pub mod tenant;
pub mod uploads;
pub mod widget;

pub use engine::{EngineSettings, PageEngine};
pub use page::Page;
pub use runner::{RunHandle, RunRequest, Runner};
pub use services::{AppServices, AppSettings};
