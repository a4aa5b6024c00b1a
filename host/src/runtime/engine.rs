//! The one wasmtime `Engine` of the process: its configuration, its epoch
//! ticker, the shared linker, and the on-disk cache of compiled pages.

use crate::runtime::capabilities;
use crate::runtime::limits::Limits;
use crate::runtime::run::StoreData;
use anyhow::Context as _;
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
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

/// Core instances one component may contain. A Rust page built for
/// wasm32-wasip2 has three (the page and two adapter shims); a Python page
/// built by componentize-py has fourteen (CPython and its C libraries,
/// dynamically linked, and their shims). A component with more fails in its
/// own run.
pub const MAX_CORE_INSTANCES_PER_COMPONENT: u32 = 16;

/// Linear memories one component may contain (a wasip2 page has one).
pub const MAX_MEMORIES_PER_COMPONENT: u32 = 2;

/// Tables one component may contain (a wasip2 page has a few).
pub const MAX_TABLES_PER_COMPONENT: u32 = 8;

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
    pub outbound: Option<Arc<crate::runtime::services::outbound::Outbound>>,
    /// Raw HTML in its pages' Markdown is kept (cleaned of script) instead
    /// of shown as text: Streamlit's `unsafe_allow_html`.
    pub unsafe_allow_html: bool,
    /// Its secrets file, read by `secrets.get` and redacted from what a
    /// browser or the log is given.
    pub secrets: Option<Arc<crate::runtime::services::secrets::Secrets>>,
    /// Its SQL connections.
    pub databases: Option<Arc<crate::runtime::services::databases::Databases>>,
    /// Which headers and cookies its pages may read (`st.context`).
    pub context: Arc<crate::model::context::ContextPolicy>,
    /// Whether it has a login provider (`[auth.oidc]`), for `st.login`.
    pub login_provider: bool,
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
    /// The instance slots this view's stores may hold at once.
    pub(crate) instances: Arc<InstanceShare>,
    /// Slots of the engine's instance pool.
    slots: u32,
    cache_dir: Option<PathBuf>,
    ticker: Arc<Ticker>,
}

/// The part of the engine's instance pool one app may hold: every store of
/// the app (runs, jobs, resources and their builds) takes a place before it
/// instantiates and gives it back when it is dropped. The shares of all apps
/// add up to no more than the pool, so an app at its share is refused in its
/// own runs and never makes another app's instantiation fail.
#[derive(Debug)]
pub struct InstanceShare {
    /// Most instances at once.
    pub limit: usize,
    live: AtomicUsize,
}

impl InstanceShare {
    /// A share of `limit` instances (at least one).
    pub fn new(limit: usize) -> Arc<InstanceShare> {
        Arc::new(InstanceShare {
            limit: limit.max(1),
            live: AtomicUsize::new(0),
        })
    }

    /// Instances held now.
    pub fn live(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }

    /// A place in the share, or the message for a page whose app holds all.
    pub fn take(self: &Arc<Self>) -> Result<InstanceSlot, String> {
        let taken = self
            .live
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |live| {
                (live < self.limit).then_some(live + 1)
            });
        match taken {
            Ok(_) => Ok(InstanceSlot {
                share: self.clone(),
            }),
            Err(_) => Err(format!(
                "the app is at its limit: its runs, jobs and resources already hold all {} \
                 of its instances (instance_share); try again when some have finished",
                self.limit
            )),
        }
    }
}

/// One place in an [`InstanceShare`], given back on drop.
#[derive(Debug)]
pub struct InstanceSlot {
    share: Arc<InstanceShare>,
}

impl Drop for InstanceSlot {
    fn drop(&mut self) {
        self.share.live.fetch_sub(1, Ordering::AcqRel);
    }
}

impl PageEngine {
    /// Builds the engine with the pooling allocator and epoch interruption.
    pub fn new(settings: EngineSettings) -> anyhow::Result<Arc<PageEngine>> {
        let limits = settings.limits;
        let slots = settings.instance_slots.max(1);
        let mut pool = PoolingAllocationConfig::new();
        // Every component instance may hold its whole allowance of core
        // instances, memories and tables at once: no component, however it is
        // built, can take a pool entry that another instance's slot needs.
        pool.total_component_instances(slots)
            .max_core_instances_per_component(MAX_CORE_INSTANCES_PER_COMPONENT)
            .max_memories_per_component(MAX_MEMORIES_PER_COMPONENT)
            .max_tables_per_component(MAX_TABLES_PER_COMPONENT)
            .total_core_instances(slots.saturating_mul(MAX_CORE_INSTANCES_PER_COMPONENT))
            .total_memories(slots.saturating_mul(MAX_MEMORIES_PER_COMPONENT))
            .total_tables(slots.saturating_mul(MAX_TABLES_PER_COMPONENT))
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
            instances: InstanceShare::new(slots as usize),
            slots,
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
        Ok(self.view(limits, grants, self.slots as usize))
    }

    fn view(&self, limits: Limits, grants: Grants, instances: usize) -> Arc<PageEngine> {
        Arc::new(PageEngine {
            engine: self.engine.clone(),
            linker: self.linker.clone(),
            limits: Arc::new(limits),
            grants,
            memory_in_use: Arc::default(),
            instances: InstanceShare::new(instances),
            slots: self.slots,
            cache_dir: self.cache_dir.clone(),
            ticker: self.ticker.clone(),
        })
    }

    /// This view with a share of at most `instances` instances at once
    /// (runs, jobs, resources and builds together).
    pub fn with_instance_share(
        self: &Arc<PageEngine>,
        instances: usize,
    ) -> anyhow::Result<Arc<PageEngine>> {
        if instances > self.slots as usize {
            anyhow::bail!(
                "an instance share of {instances} is more than the engine's {} instance slots",
                self.slots
            );
        }
        Ok(self.view((*self.limits).clone(), self.grants.clone(), instances))
    }

    /// Slots of the engine's instance pool (shared by every app).
    pub fn instance_slots(&self) -> u32 {
        self.slots
    }

    /// The instances this view's stores may hold at once.
    pub fn instance_share(&self) -> &Arc<InstanceShare> {
        &self.instances
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
        let allow = crate::runtime::services::outbound::AllowList::parse(hosts)?;
        let grants = Grants {
            outbound: Some(Arc::new(crate::runtime::services::outbound::Outbound::new(
                allow,
            )?)),
            ..self.grants.clone()
        };
        self.for_app((*self.limits).clone(), grants)
    }

    /// This engine with raw HTML in Markdown kept (cleaned of script): the
    /// single-app form of an app's `unsafe_allow_html`.
    pub fn with_unsafe_html(
        self: &Arc<PageEngine>,
        allow: bool,
    ) -> anyhow::Result<Arc<PageEngine>> {
        if !allow {
            return Ok(self.clone());
        }
        let grants = Grants {
            unsafe_allow_html: true,
            ..self.grants.clone()
        };
        self.for_app((*self.limits).clone(), grants)
    }

    /// The app's outbound HTTP, if it was granted hosts.
    pub fn outbound(&self) -> Option<&Arc<crate::runtime::services::outbound::Outbound>> {
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
            if path.exists() && cache_file_is_ours(path) {
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

/// Whether a cached compiled page may be trusted: a regular file owned by
/// this process's user in a directory owned by it, neither writable by
/// group or others. Anything else (a cache dir shared with other accounts)
/// is recompiled instead of loaded, with a warning.
pub(crate) fn cache_file_is_ours(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let private = |p: &Path| {
        std::fs::symlink_metadata(p)
            .is_ok_and(|m| m.uid() == me && m.mode() & 0o022 == 0 && !m.file_type().is_symlink())
    };
    let ok = private(path) && path.parent().is_some_and(private);
    if !ok {
        tracing::warn!(path = %path.display(), "ignoring a cached page not private to this user");
    }
    ok
}

/// Writes the file whole under a temporary name, then renames it; the cache
/// directory is created private to this user (0700), files 0600.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    file.write_all(bytes)?;
    drop(file);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::run::{Role, RunControl, StoreData};
    use crate::runtime::runner::{fresh_store, thread_cpu_time};

    fn engine() -> Arc<PageEngine> {
        PageEngine::new(EngineSettings {
            limits: Limits::default(),
            instance_slots: 4,
            cache_dir: None,
        })
        .expect("engine starts")
    }

    /// Instantiates the component in `text` in a fresh store of `engine`.
    fn instantiate(engine: &PageEngine, text: &str) -> Result<(), String> {
        let wasm = wat::parse_str(text).expect("valid component text");
        let component = Component::new(&engine.engine, wasm).map_err(|e| format!("{e:#}"))?;
        let mut store = fresh_store(
            engine,
            Role::Outside,
            Arc::new(RunControl::default()),
            thread_cpu_time(),
        )
        .store;
        let linker: Linker<StoreData> = Linker::new(&engine.engine);
        linker
            .instantiate(&mut store, &component)
            .map(drop)
            .map_err(|e| format!("{e:#}"))
    }

    /// A component with `n` instances of a core module holding `memory`.
    fn component(n: usize, memory: &str) -> String {
        let instances: String = (0..n)
            .map(|i| format!("(core instance $i{i} (instantiate $m))"))
            .collect();
        format!("(component (core module $m {memory}) {instances})")
    }

    #[test]
    fn memory_is_limited_per_instance_over_all_its_memories() {
        let engine = engine();
        // 33 MiB each: one fits in the 64 MiB limit, two do not.
        let memory = "(memory 528)";
        assert_eq!(instantiate(&engine, &component(1, memory)), Ok(()));
        let error = instantiate(&engine, &component(2, memory)).unwrap_err();
        assert!(
            error.contains("exceeded the memory limit (64 MiB)"),
            "{error}"
        );
    }

    #[test]
    fn a_component_may_not_hold_more_core_instances_memories_or_tables_than_its_allowance() {
        let engine = engine();
        let over = MAX_CORE_INSTANCES_PER_COMPONENT as usize + 1;
        let error = instantiate(&engine, &component(over, "")).unwrap_err();
        assert!(error.contains("core"), "{error}");
        // In one core instance, so only the memory or table count is over.
        let many = |n: u32, what: &str| (0..n).map(|_| what).collect::<String>();
        let memories = many(MAX_MEMORIES_PER_COMPONENT + 1, "(memory 1)");
        let error = instantiate(&engine, &component(1, &memories)).unwrap_err();
        assert!(error.contains("memories"), "{error}");
        let tables = many(MAX_TABLES_PER_COMPONENT + 1, "(table 1 funcref)");
        let error = instantiate(&engine, &component(1, &tables)).unwrap_err();
        assert!(error.contains("tables"), "{error}");
        // Within the allowance, the same shapes instantiate.
        assert_eq!(instantiate(&engine, &component(2, "(memory 1)")), Ok(()));
    }

    #[test]
    fn only_private_cache_files_are_loaded() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        let file = cache.join("page.cwasm");
        write_atomically(&file, b"compiled").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&cache), 0o700, "the cache directory is private");
        assert_eq!(mode(&file), 0o600);
        assert!(cache_file_is_ours(&file));
        // Writable by others (file or directory), or a link: recompiled.
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
        assert!(!cache_file_is_ours(&file));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(!cache_file_is_ours(&file));
        std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o700)).unwrap();
        let link = cache.join("link.cwasm");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(!cache_file_is_ours(&link));
    }

    #[test]
    fn an_instance_share_gives_places_back_when_they_are_dropped() {
        let share = InstanceShare::new(2);
        let a = share.take().expect("first");
        let _b = share.take().expect("second");
        let refused = share.take().unwrap_err();
        assert!(refused.contains("instance_share"), "{refused}");
        drop(a);
        assert!(share.take().is_ok(), "a place came back");
    }
}
