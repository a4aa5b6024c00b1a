//! Shared test support: the example pages compiled once per test binary, and
//! engines and servers built from them.

use host::engine::{EngineSettings, PageEngine};
use host::limits::Limits;
use host::page_build::{build_crates, BuildOptions};
use host::Page;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// Every page crate under `pages/`, compiled for wasm32-wasip2 once per test
/// binary; name → `.wasm`.
pub fn compiled_pages() -> &'static HashMap<String, PathBuf> {
    static PAGES: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(workspace().join("pages"))
            .expect("pages/ exists")
            .map(|e| e.expect("readable pages/ entry").path())
            .filter(|p| p.join("Cargo.toml").is_file())
            .collect();
        dirs.sort();
        let built = build_crates(&dirs, &BuildOptions::default())
            .unwrap_or_else(|e| panic!("building the example pages failed: {e:#}"));
        dirs.iter()
            .map(|d| d.file_name().expect("crate dir name").to_string_lossy().into_owned())
            .zip(built)
            .collect()
    })
}

/// The compiled component of page `name`.
pub fn page_wasm(name: &str) -> PathBuf {
    compiled_pages()
        .get(name)
        .unwrap_or_else(|| panic!("no page crate named {name} under pages/"))
        .clone()
}

/// An engine with these limits and no on-disk cache.
pub fn engine_with(limits: Limits) -> Arc<PageEngine> {
    PageEngine::new(EngineSettings {
        limits,
        instance_slots: 16,
        cache_dir: None,
    })
    .expect("engine starts")
}

/// An engine with default limits.
pub fn engine() -> Arc<PageEngine> {
    engine_with(Limits::default())
}

/// Loads page `name` into `engine`.
pub fn load(engine: &Arc<PageEngine>, name: &str) -> Arc<Page> {
    Arc::new(Page::load(engine, &page_wasm(name)).unwrap_or_else(|e| panic!("loading {name}: {e:#}")))
}

/// A directory holding copies of the compiled pages named, as `host serve` would get.
pub fn wasm_dir(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in names {
        std::fs::copy(page_wasm(name), dir.path().join(format!("{name}.wasm"))).expect("copy page");
    }
    dir
}
