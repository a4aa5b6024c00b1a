//! What one app's runs share: its limits, the data cache, the resources,
//! uploaded files, and its share of the worker pool and script threads.
//! Nothing here crosses apps except the pools, which are shared fairly.

pub mod cache;
pub mod databases;
pub mod executor;
pub mod jobs;
pub mod media;
pub mod metrics;
pub mod outbound;
pub mod resource;
pub mod secrets;
pub mod session_state;
pub mod uploads;

use crate::runtime::engine::PageEngine;
use crate::runtime::services::cache::DataCache;
use crate::runtime::services::executor::{Executor, Share};
use crate::runtime::services::resource::Resources;
use std::sync::Arc;

/// Per-app settings of the shared services.
#[derive(Debug, Clone)]
pub struct AppSettings {
    /// Worker threads running the app's jobs (default: CPUs + 4, at most 32).
    pub worker_threads: usize,
    /// Bytes of `cache_data` values the app may keep; past it the least
    /// useful entries are evicted.
    pub cache_bytes: u64,
    /// Most runs of the app on script threads at once; `None`: as many as
    /// there are threads.
    pub concurrent_runs: Option<usize>,
    /// Most of the app's jobs on worker threads at once; `None`: the whole
    /// pool.
    pub worker_share: Option<usize>,
    /// The app's display name; its name in title case otherwise.
    pub title: Option<String>,
    /// Whether a browser may clear the app's caches ("Clear cache").
    pub cache_clear_allowed: bool,
    /// Shortest time between two clears of the app's caches, whichever of
    /// its sessions asks.
    pub cache_clear_interval: std::time::Duration,
    /// What the uploads of every app of the server may hold together
    /// (shared by the apps' settings); `None`: only each app's own limits.
    pub upload_budget: Option<Arc<crate::runtime::services::session_state::Budget>>,
}

/// Shortest time between two clears of one app's caches, by default.
pub const CACHE_CLEAR_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            // Jobs often wait (sleep, fetch) rather than compute, so the
            // pool is larger than the CPU count, like Python's default
            // thread pool: CPUs + 4, at most 32.
            worker_threads: std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .saturating_add(4)
                .min(32),
            cache_bytes: 256 << 20,
            concurrent_runs: None,
            worker_share: None,
            title: None,
            cache_clear_allowed: true,
            cache_clear_interval: CACHE_CLEAR_INTERVAL,
            upload_budget: None,
        }
    }
}

/// Instances an app may need at once: one per script thread and worker it
/// may hold, one per resource it may keep, and one per resource build.
pub fn instances_needed(runs: usize, workers: usize) -> usize {
    runs.saturating_add(workers)
        .saturating_add(crate::runtime::services::resource::MAX_RESOURCES)
        .saturating_add(crate::runtime::services::resource::BUILDS_PER_APP)
}

/// An app's shared services.
pub struct AppServices {
    /// The app's name (its URL prefix when several apps are served).
    pub name: Arc<str>,
    /// Its display name.
    pub title: String,
    /// What its runs did, for the metrics endpoint.
    pub metrics: crate::runtime::services::metrics::AppMetrics,
    /// The engine the app's runs, jobs and resources run on, with the
    /// app's limits.
    pub engine: Arc<PageEngine>,
    /// `cache_data` entries.
    pub data: DataCache,
    /// `cache_resource` instances.
    pub resources: Resources,
    /// The worker pool (shared by every app of a server).
    pub executor: Arc<Executor>,
    /// The part of the worker pool the app's jobs may use.
    pub job_share: Arc<Share>,
    /// The part of the script threads the app's runs may use.
    pub run_share: Arc<Share>,
    /// Files uploaded by the app's sessions.
    pub uploads: crate::runtime::services::uploads::Uploads,
    /// Images, sounds, videos, documents and frames its sessions show.
    pub media: crate::runtime::services::media::Media,
    /// The settings it was built with.
    pub settings: AppSettings,
    /// When a session last cleared the app's caches.
    last_clear: parking_lot::Mutex<Option<std::time::Instant>>,
    /// The names of the app's pages, for the checks of `navigation` and
    /// `switch_page` (kept up to date by whoever serves the app; empty: not
    /// checked).
    page_names: parking_lot::RwLock<Arc<[String]>>,
}

impl AppServices {
    /// Starts a worker pool and build threads of its own and empty caches.
    pub fn new(engine: Arc<PageEngine>, settings: AppSettings) -> anyhow::Result<Arc<AppServices>> {
        let executor = Arc::new(Executor::new(settings.worker_threads)?);
        let builds = Arc::new(build_pool(1)?);
        Ok(Self::shared("app", engine, settings, executor, builds))
    }

    /// Empty caches for app `name`, whose jobs run on `executor` and whose
    /// resources are built on `builds` (both shared with other apps) within
    /// its shares.
    pub fn shared(
        name: &str,
        engine: Arc<PageEngine>,
        settings: AppSettings,
        executor: Arc<Executor>,
        builds: Arc<Executor>,
    ) -> Arc<AppServices> {
        Arc::new(AppServices {
            name: Arc::from(name),
            title: settings
                .title
                .clone()
                .unwrap_or_else(|| crate::model::protocol::title_case(name)),
            metrics: crate::runtime::services::metrics::AppMetrics::default(),
            engine,
            data: DataCache::new(settings.cache_bytes),
            resources: Resources::new(builds, name),
            executor,
            job_share: settings
                .worker_share
                .map_or_else(Share::unlimited, Share::new),
            run_share: settings
                .concurrent_runs
                .map_or_else(Share::unlimited, Share::new),
            uploads: crate::runtime::services::uploads::Uploads::new(
                settings.upload_budget.clone(),
            ),
            media: crate::runtime::services::media::Media::default(),
            settings,
            last_clear: parking_lot::Mutex::new(None),
            page_names: parking_lot::RwLock::new(Arc::from(Vec::new())),
        })
    }

    /// Sets the names of the app's pages (after it loaded or reloaded).
    pub fn set_page_names(&self, names: Vec<String>) {
        *self.page_names.write() = Arc::from(names);
    }

    /// The names of the app's pages; empty when nobody said.
    pub fn page_names(&self) -> Arc<[String]> {
        self.page_names.read().clone()
    }

    /// Why page `name` cannot be opened (`call` names the caller), if the
    /// app's pages are known and it is not one of them.
    pub fn unknown_page(&self, call: &str, name: &str) -> Option<String> {
        let names = self.page_names();
        if names.is_empty() || names.iter().any(|n| n == name) {
            return None;
        }
        // (The app's pages are not listed: some may be hidden.)
        Some(format!("{call}: this app has no page named {name:?}"))
    }

    /// Drops every cached value and resource and stops resource builds in
    /// flight ("Clear cache" from a browser), if the app allows it and its
    /// caches were not cleared within `cache_clear_interval`; otherwise a
    /// message for the asking session.
    pub fn clear_caches(&self) -> Result<(), String> {
        if !self.settings.cache_clear_allowed {
            return Err("this app's caches cannot be cleared from the browser \
                        (cache_clear = false in its app.toml)"
                .into());
        }
        {
            let mut last = self.last_clear.lock();
            let interval = self.settings.cache_clear_interval;
            if let Some(at) = *last {
                let since = at.elapsed();
                if since < interval {
                    return Err(format!(
                        "the app's caches were cleared {} s ago; they may be cleared once every \
                         {} s (cache_clear_interval)",
                        since.as_secs(),
                        interval.as_secs()
                    ));
                }
            }
            *last = Some(std::time::Instant::now());
        }
        self.data.clear();
        if self.resources.clear() {
            self.engine.interrupt();
        }
        Ok(())
    }
}

/// The server's resource build threads: one per app (at most 32), each app
/// holding at most [`crate::runtime::services::resource::BUILDS_PER_APP`] of them, so no app's
/// builds wait for another's.
pub fn build_pool(apps: usize) -> anyhow::Result<Executor> {
    Executor::named("resource-build", apps.clamp(1, 32))
}
