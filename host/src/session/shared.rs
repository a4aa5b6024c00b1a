//! What every session of one app shares: the app, the script threads, the
//! app's services, its parked sessions, the session settings and the
//! shutdown and reload signals.

use crate::app::catalog::App;
use crate::runtime::limits::Limits;
use crate::runtime::runner::Runner;
use crate::runtime::services::AppServices;
use crate::session::socket::ParkedSessions;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use tokio_util::task::TaskTracker;

/// Settings a session runs into.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// Largest text message accepted from a browser; larger ones get an
    /// error and the session goes on.
    pub message_bytes: usize,
    /// How long a send to a browser may wait for it to read; a client that
    /// reads nothing for this long is disconnected (its session is parked).
    pub send_timeout: Duration,
    /// Messages one session may send per second, on average.
    pub messages_per_second: f64,
    /// Messages one session may send at once after being quiet.
    pub messages_burst: f64,
    /// How long a new WebSocket may take to send its first message (the
    /// `hello` naming the session to resume).
    pub hello_timeout: Duration,
}

/// What every session of one app shares.
pub struct AppSessions {
    /// The pages served.
    pub app: App,
    /// The script threads (shared by every app of the server).
    pub runner: Arc<Runner>,
    /// Caches, resources and the worker pool the app's runs share.
    pub services: Arc<AppServices>,
    /// Disconnected sessions awaiting their tab.
    pub parked: ParkedSessions,
    /// Settings.
    pub session: SessionSettings,
    /// Flips to true when the server shuts down.
    pub shutdown: watch::Sender<bool>,
    /// Pages that were just reloaded, or failed to rebuild.
    pub reloads: broadcast::Sender<Reload>,
    /// Every session task, so shutdown can wait for them: upgraded
    /// WebSockets are not part of the HTTP server's own graceful shutdown.
    pub sessions: TaskTracker,
    /// The shared session store, if any: sessions are saved to it as
    /// their runs end and resumed from it by any replica.
    pub store: Option<Arc<crate::session::store::SharedStore>>,
}

/// What the reload watcher tells every session of an app.
#[derive(Debug, Clone)]
pub enum Reload {
    /// The page of this name was reloaded: sessions showing it rerun.
    Reloaded(String),
    /// The page's rebuild failed (`--watch`): sessions showing it are told why.
    Failed {
        /// The page's name.
        page: String,
        /// What the compiler said.
        message: String,
    },
}

impl AppSessions {
    /// The limits this app's runs and sessions get.
    pub fn engine_limits(&self) -> &Limits {
        self.services.engine.limits()
    }

    /// Tells every session the server is going away and cancels their runs.
    pub fn begin_shutdown(&self) {
        let _ = self.shutdown.send(true);
    }
}
