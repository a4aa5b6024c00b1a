//! The load generator's parts: clicking sessions under load, the spawned
//! server, and the sweep that writes the published numbers.

pub mod server;
pub mod session;
pub mod sweep;
