//! The web server: routes, uploads, origin and admission checks, the
//! frontend's assets, metrics and live reload.

pub mod admission;
pub mod auth;
pub mod frontend;
pub mod http;
pub mod media;
pub mod metrics;
pub mod reload;
pub mod server;
