//! Apps: an app's catalog of pages and its build, its settings (`app.toml`),
//! who may open it, and the tenants of an apps root.

pub mod access;
pub mod catalog;
pub mod tenant;
