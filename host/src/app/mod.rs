//! Apps: an app's catalog of pages and its build, its settings (`app.toml`)
//! and the tenants of an apps root.

pub mod catalog;
pub mod tenant;
