//! A page: one compiled component, checked against the contract and ready to
//! instantiate many times.

use crate::runtime::bindings::PagePre;
use crate::runtime::engine::PageEngine;
use crate::runtime::page_build;
use anyhow::{bail, Context as _};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wasmtime::component::Component;

/// A loaded page: its component and the pre-instantiated form every run
/// instantiates from.
pub struct Page {
    /// The name shown in navigation (file stem or crate name).
    pub name: String,
    /// The `.wasm` file it was loaded from.
    pub wasm_path: PathBuf,
    /// Every import the component declares, as `interface#function` names
    /// or interface names.
    pub imports: Vec<String>,
    /// Whether the compiled code came from the on-disk cache.
    pub from_cache: bool,
    /// SHA-256 of the component: a new build of the page has a new hash, so
    /// cached values and resources of the old one are not reused.
    pub module_hash: [u8; 32],
    pub(crate) pre: PagePre<crate::runtime::run::StoreData>,
}

impl Page {
    /// Loads `path`: a compiled `.wasm` component, or a page crate directory
    /// (built for wasm32-wasip2 first).
    pub fn load(engine: &Arc<PageEngine>, path: &Path) -> anyhow::Result<Page> {
        let python = crate::runtime::python_build::PythonPage::at(path);
        let wasm_path = if let Some(python) = &python {
            crate::runtime::python_build::build(
                python,
                &page_build::BuildOptions::default(),
                &mut |line| eprintln!("building {line}"),
            )?
        } else if path.is_dir() {
            page_build::build_crate(path, &page_build::BuildOptions::default())?
        } else {
            path.to_owned()
        };
        let name = match &python {
            Some(python) => python.name(),
            None => page_name(&wasm_path),
        };
        let wasm = std::fs::read(&wasm_path)
            .with_context(|| format!("reading page {}", wasm_path.display()))?;
        Self::from_bytes(engine, name, wasm_path, &wasm)
    }

    /// Compiles and links a component from memory.
    pub fn from_bytes(
        engine: &Arc<PageEngine>,
        name: String,
        wasm_path: PathBuf,
        wasm: &[u8],
    ) -> anyhow::Result<Page> {
        if !wasm.starts_with(b"\0asm") {
            bail!("{} is not a WebAssembly file", wasm_path.display());
        }
        if wasmparser_is_core_module(wasm) {
            bail!(
                "{} is a core WebAssembly module, not a component: build the page for the \
                 wasm32-wasip2 target",
                wasm_path.display()
            );
        }
        let (component, from_cache) = engine
            .compile(wasm)
            .with_context(|| format!("compiling {}", wasm_path.display()))?;
        let imports = list_imports(engine, &component);
        if let Err(message) = check_contract(&imports) {
            bail!("{}: {message}", wasm_path.display());
        }
        if !exports_run(engine, &component) {
            bail!(
                "{} exports no page: mark the page function with #[wasmlit::page] \
                 (`#[wasmlit::page] fn app(st: &wasmlit::Ui) {{ … }}`)",
                wasm_path.display()
            );
        }
        let instance_pre = engine.linker.instantiate_pre(&component).map_err(|e| {
            anyhow::anyhow!(
                "{} cannot run here: {e}. A page may import only the `wasmlit:page` interfaces \
                 and WASI; it imports: {}",
                wasm_path.display(),
                imports.join(", ")
            )
        })?;
        let pre = PagePre::new(instance_pre).map_err(|e| {
            anyhow::anyhow!(
                "{} does not export the page contract (`run`, `run-job`, `build-resource`, \
                 `query-resource`; rebuild it against this version of the SDK): {e}",
                wasm_path.display()
            )
        })?;
        Ok(Page {
            name,
            wasm_path,
            imports,
            from_cache,
            module_hash: Sha256::digest(wasm).into(),
            pre,
        })
    }
}

impl Page {
    /// A fresh instance in `store`, once the store has its place in its app's
    /// instance share (an app at its share gets an error naming it, and
    /// takes nothing from the engine's pool).
    pub(crate) fn instantiate(
        &self,
        store: &mut wasmtime::Store<crate::runtime::run::StoreData>,
    ) -> wasmtime::Result<crate::runtime::bindings::Page> {
        store.data_mut().take_instance_slot()?;
        self.pre.instantiate(store)
    }
}

/// A page's name from its file: `counter.wasm` → `counter`.
pub fn page_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "page".into())
}

fn list_imports(engine: &PageEngine, component: &Component) -> Vec<String> {
    let ty = component.component_type();
    ty.imports(&engine.engine)
        .map(|(name, _)| name.to_owned())
        .collect()
}

/// The version of the contract (`wit/page.wit`) this host implements.
pub const CONTRACT_VERSION: &str = "0.2.0";

/// The package every contract interface is in.
const CONTRACT_PACKAGE: &str = "wasmlit:page/";

/// Checks that a page was built against this host's contract: every
/// `wasmlit:page` interface it imports names [`CONTRACT_VERSION`]. A page
/// built with another version of the SDK gets a message saying which side
/// to update, instead of a linker error about a missing interface.
pub fn check_contract(imports: &[String]) -> Result<(), String> {
    let theirs = imports.iter().find_map(|name| {
        let (_, version) = name.strip_prefix(CONTRACT_PACKAGE)?.split_once('@')?;
        (version != CONTRACT_VERSION).then_some(version)
    });
    let Some(theirs) = theirs else {
        return Ok(());
    };
    let newer = version_key(theirs) > version_key(CONTRACT_VERSION);
    let what = if newer {
        "newer than this host: upgrade the host, or build the page with the SDK version the \
         host has"
    } else {
        "older than this host: rebuild the page with the SDK version the host has"
    };
    Err(format!(
        "the page was built against the page contract {theirs}, and this host implements \
         {CONTRACT_VERSION}; the page is {what} (wasmlit {CONTRACT_VERSION})"
    ))
}

/// `1.2.3` as numbers, for comparing versions (a part that is not a number counts as 0).
fn version_key(version: &str) -> Vec<u64> {
    version
        .split(['.', '-', '+'])
        .map(|part| part.parse().unwrap_or(0))
        .collect()
}

/// Whether the component exports the page's `run` function.
fn exports_run(engine: &PageEngine, component: &Component) -> bool {
    let ty = component.component_type();
    let found = ty.exports(&engine.engine).any(|(name, _)| name == "run");
    found
}

/// A component's binary header has layer 1; a core module's has layer 0.
fn wasmparser_is_core_module(wasm: &[u8]) -> bool {
    wasm.len() >= 8 && wasm[4..8] == [1, 0, 0, 0]
}
