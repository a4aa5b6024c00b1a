//! The wasmlit host: loads pages (WebAssembly components), runs them in fresh
//! sandboxed instances on script threads, and serves them to browsers.
//!
//! The crate is in layers, each a folder that imports only the layers below
//! it (`tests/layers.rs` holds the rule):
//!
//! - [`model`]: what crosses a boundary, as types: deltas, protocol messages,
//!   widget specs and values, fragments, Markdown rendering.
//! - [`runtime`]: the engine, pages and their builds, limits, runs and the
//!   runner, the host side of each WIT interface ([`runtime::capabilities`])
//!   and what one app's runs share ([`runtime::services`]).
//! - [`app`]: an app's catalog of pages, its settings and the tenants.
//! - [`session`]: one browser tab's session and the socket task that drives it.
//! - [`web`]: routes, uploads, origin and admission checks, frontend assets,
//!   metrics and reload.
//! - [`cli`]: `host run`, `host check`, `host serve`.

pub mod app;
pub mod cli;
pub mod model;
pub mod runtime;
pub mod session;
pub mod web;

pub use runtime::engine::{EngineSettings, PageEngine};
pub use runtime::page::Page;
pub use runtime::runner::{RunHandle, RunRequest, Runner};
pub use runtime::services::{AppServices, AppSettings};
