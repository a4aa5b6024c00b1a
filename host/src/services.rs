//! What one app's runs share: its limits, the data cache, the resources,
//! uploaded files, and its share of the worker pool and script threads.
//! Nothing here crosses apps except the pools, which are shared fairly.

use crate::cache::DataCache;
use crate::engine::PageEngine;
use crate::executor::{Executor, Share};
use crate::resource::Resources;
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
}

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
        }
    }
}

/// An app's shared services.
pub struct AppServices {
    /// The app's name (its URL prefix when several apps are served).
    pub name: Arc<str>,
    /// Its display name.
    pub title: String,
    /// What its runs did, for the metrics endpoint.
    pub metrics: crate::metrics::AppMetrics,
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
    pub uploads: crate::uploads::Uploads,
    /// The settings it was built with.
    pub settings: AppSettings,
}

impl AppServices {
    /// Starts a worker pool of its own and empty caches.
    pub fn new(engine: Arc<PageEngine>, settings: AppSettings) -> anyhow::Result<Arc<AppServices>> {
        let executor = Arc::new(Executor::new(settings.worker_threads)?);
        Ok(Self::shared("app", engine, settings, executor))
    }

    /// Empty caches for app `name`, whose jobs run on `executor` (shared
    /// with other apps) within its `worker_share`.
    pub fn shared(
        name: &str,
        engine: Arc<PageEngine>,
        settings: AppSettings,
        executor: Arc<Executor>,
    ) -> Arc<AppServices> {
        Arc::new(AppServices {
            name: Arc::from(name),
            title: settings
                .title
                .clone()
                .unwrap_or_else(|| crate::app::title_case(name)),
            metrics: crate::metrics::AppMetrics::default(),
            engine,
            data: DataCache::new(settings.cache_bytes),
            resources: Resources::default(),
            executor,
            job_share: settings
                .worker_share
                .map_or_else(Share::unlimited, Share::new),
            run_share: settings
                .concurrent_runs
                .map_or_else(Share::unlimited, Share::new),
            uploads: crate::uploads::Uploads::default(),
            settings,
        })
    }

    /// Drops every cached value and resource ("Clear cache").
    pub fn clear_caches(&self) {
        self.data.clear();
        self.resources.clear();
    }
}
