//! The one wasmtime `Engine` of the process: its configuration, its epoch
//! ticker, the shared linker, and the on-disk cache of compiled pages.

use crate::capabilities;
use crate::limits::Limits;
use crate::run::StoreData;
use anyhow::Context as _;
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// How often the ticker advances the epoch. Runs check their CPU budget on
/// each tick; cancellation bumps the epoch itself and does not wait for it.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Instance slots whose memory is returned to the kernel in one batch.
const DECOMMIT_BATCH: usize = 16;

/// Bytes of each table reset by zeroing instead of unmapping.
const TABLE_KEEP_RESIDENT: usize = 64 << 10;

/// Settings of the engine.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Limits applied to every run.
    pub limits: Limits,
    /// Instances that may be alive at once (the pooling allocator's slots).
    pub instance_slots: u32,
    /// Where compiled pages are cached; `None` disables the cache.
    pub cache_dir: Option<PathBuf>,
}

impl Default for EngineSettings {
    fn default() -> Self {
        EngineSettings {
            limits: Limits::default(),
            instance_slots: 64,
            cache_dir: default_cache_dir(),
        }
    }
}

/// Converts wasmtime's error type (not a `std::error::Error`) into anyhow's,
/// keeping its chain of causes in the message.
pub(crate) fn wasm_err(e: wasmtime::Error) -> anyhow::Error {
    anyhow::anyhow!("{e:#}")
}

/// `$XDG_CACHE_HOME/wasmlit` or `~/.cache/wasmlit`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("wasmlit"))
}

/// What an operator granted an app beyond the contract; nothing by default.
#[derive(Debug, Clone, Default)]
pub struct Grants {
    /// A directory its pages may read (never write), mounted at `/data`.
    pub data_dir: Option<PathBuf>,
    /// Outbound HTTP to the hosts of an allow list.
    pub outbound: Option<Arc<crate::outbound::Outbound>>,
}

/// The engine, its linker and its ticker; shared by every page and run.
pub struct PageEngine {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<StoreData>,
    pub(crate) limits: Arc<Limits>,
    /// What the app was granted beyond the contract.
    pub(crate) grants: Grants,
    /// Linear memory held by live instances under this view, in bytes.
    pub(crate) memory_in_use: Arc<AtomicU64>,
    cache_dir: Option<PathBuf>,
    ticker: Arc<Ticker>,
}

impl PageEngine {
    /// Builds the engine with the pooling allocator and epoch interruption.
    pub fn new(settings: EngineSettings) -> anyhow::Result<Arc<PageEngine>> {
        let limits = settings.limits;
        let slots = settings.instance_slots.max(1);
        let mut pool = PoolingAllocationConfig::new();
        pool.total_component_instances(slots)
            // A wasip2 component has three core instances (the page and two
            // adapter shims) and one memory.
            .total_core_instances(slots * 4)
            .total_memories(slots * 2)
            .total_tables(slots * 4)
            .max_memory_size(
                usize::try_from(limits.memory_bytes).context("memory limit too large")?,
            )
            // Returning a slot's pages to the kernel flushes every core's TLB;
            // batching those returns amortizes the flush over many runs.
            .decommit_batch_size(DECOMMIT_BATCH)
            // Tables are small: zeroing them in place beats unmapping them.
            .table_keep_resident(TABLE_KEEP_RESIDENT);
        let mut config = Config::new();
        config
            .wasm_component_model(true)
            .epoch_interruption(true)
            // Pages do not use wasm GC; the feature is compiled in only because
            // this wasmtime release needs it to build.
            .gc_support(false)
            .max_wasm_stack(limits.wasm_stack_bytes)
            .memory_init_cow(true)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&config).map_err(wasm_err)?;
        let mut linker = Linker::new(&engine);
        capabilities::add_to_linker(&mut linker).map_err(wasm_err)?;
        let ticker = Arc::new(Ticker::start(engine.clone()));
        Ok(Arc::new(PageEngine {
            engine,
            linker,
            limits: Arc::new(limits),
            grants: Grants::default(),
            memory_in_use: Arc::default(),
            cache_dir: settings.cache_dir,
            ticker,
        }))
    }

    /// The limits every run gets.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The same engine (compiled code, linker, epoch ticker and instance
    /// pool) with other limits and grants (a read-only data directory,
    /// outbound hosts): one app's view of a shared engine. The memory limit may not exceed the
    /// engine's (its instance slots are that large), and the stack limit is
    /// the engine's own.
    pub fn for_app(&self, limits: Limits, grants: Grants) -> anyhow::Result<Arc<PageEngine>> {
        if limits.memory_bytes > self.limits.memory_bytes {
            anyhow::bail!(
                "memory_bytes is {}, more than the server's {} (--memory-mib)",
                limits.memory_bytes,
                self.limits.memory_bytes
            );
        }
        if limits.wasm_stack_bytes != self.limits.wasm_stack_bytes {
            anyhow::bail!(
                "wasm_stack_bytes is set for the whole server ({}), not per app",
                self.limits.wasm_stack_bytes
            );
        }
        Ok(Arc::new(PageEngine {
            engine: self.engine.clone(),
            linker: self.linker.clone(),
            limits: Arc::new(limits),
            grants,
            memory_in_use: Arc::default(),
            cache_dir: self.cache_dir.clone(),
            ticker: self.ticker.clone(),
        }))
    }

    /// This engine granted outbound HTTP to `hosts` (allow-list entries),
    /// or itself if there are none: the single-app form of an app's
    /// `allowed_outbound_hosts`.
    pub fn with_outbound_hosts(
        self: &Arc<PageEngine>,
        hosts: &[String],
    ) -> anyhow::Result<Arc<PageEngine>> {
        if hosts.is_empty() {
            return Ok(self.clone());
        }
        let allow = crate::outbound::AllowList::parse(hosts)?;
        let grants = Grants {
            data_dir: self.grants.data_dir.clone(),
            outbound: Some(Arc::new(crate::outbound::Outbound::new(allow)?)),
        };
        self.for_app((*self.limits).clone(), grants)
    }

    /// The app's outbound HTTP, if it was granted hosts.
    pub fn outbound(&self) -> Option<&Arc<crate::outbound::Outbound>> {
        self.grants.outbound.as_ref()
    }

    /// Linear memory held by live instances under this view, in bytes.
    pub fn memory_in_use(&self) -> u64 {
        self.memory_in_use.load(Ordering::Relaxed)
    }

    /// Advances the epoch now, so running stores look at their cancel flag
    /// without waiting for the next tick.
    pub fn interrupt(&self) {
        self.engine.increment_epoch();
    }

    /// Compiles a component, or loads it from the cache of compiled pages.
    /// Returns the component and whether it came from the cache.
    pub fn compile(&self, wasm: &[u8]) -> anyhow::Result<(Component, bool)> {
        let cached = self.cache_path(wasm);
        if let Some(path) = &cached {
            if path.exists() {
                // SAFETY: the file is in the host's own cache directory, was
                // written by `precompile_component` of an engine with the same
                // compatibility hash (part of the name) and renamed into place
                // whole, so it is a complete artifact made by this engine.
                match unsafe { Component::deserialize_file(&self.engine, path) } {
                    Ok(component) => return Ok((component, true)),
                    Err(e) => {
                        tracing::warn!(path = %path.display(), error = %e, "ignoring unusable cached page")
                    }
                }
            }
        }
        let bytes = self.engine.precompile_component(wasm).map_err(wasm_err)?;
        if let Some(path) = &cached {
            if let Err(e) = write_atomically(path, &bytes) {
                tracing::warn!(path = %path.display(), error = %e, "could not cache compiled page");
            }
        }
        // SAFETY: `bytes` was produced just now by this engine.
        let component =
            unsafe { Component::deserialize(&self.engine, &bytes) }.map_err(wasm_err)?;
        Ok((component, false))
    }

    fn cache_path(&self, wasm: &[u8]) -> Option<PathBuf> {
        let dir = self.cache_dir.as_ref()?;
        let mut compat = std::collections::hash_map::DefaultHasher::new();
        self.engine
            .precompile_compatibility_hash()
            .hash(&mut compat);
        let digest = hex::encode(Sha256::digest(wasm));
        Some(dir.join(format!("{digest}-{:016x}.cwasm", compat.finish())))
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop();
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// The thread that advances the engine's epoch every [`EPOCH_TICK`].
struct Ticker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Ticker {
    fn start(engine: Engine) -> Ticker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("epoch-ticker".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })
            .ok();
        Ticker { stop, thread }
    }

    fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
