//! What one app's runs share: the data cache, the resources, and the worker
//! pool that runs jobs. Nothing here crosses apps.

use crate::cache::DataCache;
use crate::engine::PageEngine;
use crate::executor::Executor;
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
        }
    }
}

/// An app's shared services.
pub struct AppServices {
    /// The engine jobs and resources run on.
    pub engine: Arc<PageEngine>,
    /// `cache_data` entries.
    pub data: DataCache,
    /// `cache_resource` instances.
    pub resources: Resources,
    /// The worker pool.
    pub executor: Executor,
    /// Files uploaded by the app's sessions.
    pub uploads: crate::uploads::Uploads,
    /// The settings it was built with.
    pub settings: AppSettings,
}

impl AppServices {
    /// Starts the worker pool and empty caches.
    pub fn new(engine: Arc<PageEngine>, settings: AppSettings) -> anyhow::Result<Arc<AppServices>> {
        Ok(Arc::new(AppServices {
            engine,
            data: DataCache::new(settings.cache_bytes),
            resources: Resources::default(),
            executor: Executor::new(settings.worker_threads)?,
            uploads: crate::uploads::Uploads::default(),
            settings,
        }))
    }

    /// Drops every cached value and resource ("Clear cache").
    pub fn clear_caches(&self) {
        self.data.clear();
        self.resources.clear();
    }
}
