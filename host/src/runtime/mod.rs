//! Running pages: the engine and its compiled-page cache, pages and their
//! builds, limits, one run's context and how it ended, the script threads,
//! the host side of each WIT interface and what an app's runs share.

pub(crate) mod bindings;
pub mod capabilities;
pub mod engine;
pub mod limits;
pub mod output;
pub mod page;
pub mod page_build;
pub mod python_build;
pub mod run;
pub mod run_output;
pub mod runner;
pub mod services;
