//! One browser tab's session: its widget values, clicks, fragments and
//! parked state, and the WebSocket task that drives it.

pub mod socket;
