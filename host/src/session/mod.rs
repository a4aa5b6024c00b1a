//! One browser tab's session: its widget values, clicks, fragments and
//! parked state, and the WebSocket task that drives it.

pub mod local;
pub mod model;
pub mod outbox;
pub mod rate;
pub mod shared;
pub mod socket;
pub mod store;
