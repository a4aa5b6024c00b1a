//! An app: the directory of pages served together, found on disk and
//! swapped atomically when one is rebuilt.

use crate::model::protocol::{title_case, PageInfo};
use crate::runtime::engine::PageEngine;
use crate::runtime::page::{page_name, Page};
use crate::runtime::page_build::{self, BuildOptions};
use crate::runtime::python_build::{self, PythonPage};
use anyhow::{bail, Context as _};
use parking_lot::RwLock;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a page comes from.
#[derive(Debug, Clone)]
pub enum PageSource {
    /// A compiled component.
    Wasm(PathBuf),
    /// A page crate, built with cargo.
    Crate(PathBuf),
    /// A Python page (a script, or a folder with one), built with componentize-py.
    Python(PythonPage),
}

impl PageSource {
    /// The page's name: file stem or directory name.
    pub fn name(&self) -> String {
        match self {
            PageSource::Wasm(p) => page_name(p),
            PageSource::Crate(d) => d
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "page".into()),
            PageSource::Python(page) => page.name(),
        }
    }

    /// The path watched for changes.
    pub fn path(&self) -> &Path {
        match self {
            PageSource::Wasm(p) | PageSource::Crate(p) => p,
            PageSource::Python(page) => page.path(),
        }
    }
}

/// The optional `wasmlit.toml` of a pages directory: navigation order and labels.
///
/// ```toml
/// skip = ["shared"]        # directories and .wasm files that are not pages
///
/// [[pages]]
/// name = "counter"          # listed pages come first, in this order
/// title = "Click counter"   # optional label (default: the name in title case)
/// icon = "🔢"               # optional: an emoji or ":material/name:"
/// section = "Tools"         # optional: the heading it is listed under
///
/// [[pages]]
/// name = "admin"
/// hidden = true             # not listed, and not opened, until a run's
///                           # `navigation` lists it for its session
/// ```
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// Names (directories or `.wasm` stems) that are not pages.
    #[serde(default)]
    pub skip: Vec<String>,
    /// Pages in navigation order.
    #[serde(default)]
    pub pages: Vec<PageEntry>,
}

/// One `[[pages]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageEntry {
    /// The page's name (file stem or crate directory).
    pub name: String,
    /// The label in the navigation.
    pub title: Option<String>,
    /// An icon before the label: an emoji or `:material/name:`.
    pub icon: Option<String>,
    /// The heading of the group it is listed under.
    pub section: Option<String>,
    /// Not listed or opened until a run's `navigation` lists it.
    #[serde(default)]
    pub hidden: bool,
}

/// The name of the optional config file in a pages directory.
pub const CONFIG_FILE: &str = "wasmlit.toml";

impl AppConfig {
    /// Reads `<dir>/wasmlit.toml` if it exists.
    pub fn read(dir: &Path) -> anyhow::Result<AppConfig> {
        let path = dir.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                toml::from_str(&text).with_context(|| format!("reading {}", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AppConfig::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Puts `sources` in the configured order, then checks every listed
    /// name exists (the order holds for the pages that do).
    fn order(&self, sources: &mut [PageSource]) -> anyhow::Result<()> {
        let rank = |s: &PageSource| {
            self.pages
                .iter()
                .position(|e| e.name == s.name())
                .unwrap_or(usize::MAX)
        };
        sources.sort_by_key(|s| (rank(s), s.name()));
        for entry in &self.pages {
            if let Some(icon) = &entry.icon {
                crate::model::delta::Icon::parse(icon).map_err(|e| {
                    anyhow::anyhow!("{CONFIG_FILE}: page `{}`: icon: {e}", entry.name)
                })?;
            }
            if !sources.iter().any(|s| s.name() == entry.name) {
                bail!(
                    "{CONFIG_FILE} lists a page `{}` that does not exist; pages found: {}",
                    entry.name,
                    sources
                        .iter()
                        .map(PageSource::name)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        Ok(())
    }

    fn title(&self, name: &str) -> String {
        self.entry(name)
            .and_then(|e| e.title.clone())
            .unwrap_or_else(|| title_case(name))
    }

    fn entry(&self, name: &str) -> Option<&PageEntry> {
        self.pages.iter().find(|e| e.name == name)
    }

    /// Whether page `name` is left out of the navigation until a run lists it.
    fn hidden(&self, name: &str) -> bool {
        self.entry(name).is_some_and(|e| e.hidden)
    }

    /// Page `name` as the navigation shows it.
    fn info(&self, name: &str) -> PageInfo {
        let entry = self.entry(name);
        PageInfo {
            name: name.to_owned(),
            title: self.title(name),
            icon: entry
                .and_then(|e| e.icon.as_deref())
                .and_then(|i| crate::model::delta::Icon::parse(i).ok()),
            section: entry.and_then(|e| e.section.clone()),
            default: false,
        }
    }
}

/// Something of an app that could not be loaded: a page (by name), its
/// `wasmlit.toml`, or the app itself. The rest of the app, and every other
/// app, is served; the failure is reported on the index page, by
/// `/_/ready`, in the metrics and in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadFailure {
    /// The page's name, or the file or app that failed.
    pub name: String,
    /// Why, for the operator (may name paths on the server: not for browsers).
    pub error: String,
}

/// The pages of one app. Readers take a snapshot (`Arc<Page>`); a reload
/// swaps one entry, so runs in flight finish on the version they started with.
pub struct App {
    /// The directory served.
    pub dir: PathBuf,
    engine: Arc<PageEngine>,
    sources: Vec<PageSource>,
    config: AppConfig,
    pages: RwLock<Vec<Arc<Page>>>,
    /// What could not be loaded; a reload that fixes a page removes it.
    failures: RwLock<Vec<LoadFailure>>,
    build: BuildOptions,
}

/// Finds pages in `dir`: every `*.wasm` file and every subdirectory that is
/// a page crate (a `cdylib` depending on the SDK; a crate that depends on it
/// without being one is kept, to fail with what to add), minus the names in
/// `skip`; sorted by name (a `.wasm` wins over a crate of the same name).
/// Other crates (shared utilities) are left alone.
pub fn discover(dir: &Path, skip: &[String]) -> anyhow::Result<Vec<PageSource>> {
    // A page crate served on its own (`host serve .` inside it).
    if page_build::crate_kind(dir) == Some(page_build::CrateKind::Page) {
        return Ok(vec![PageSource::Crate(dir.to_owned())]);
    }
    let mut found: Vec<PageSource> = Vec::new();
    let mut passed_over: Vec<String> = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let source = if let Some(python) = PythonPage::at(&path) {
            PageSource::Python(python)
        } else if path.is_dir() {
            match page_build::crate_kind(&path) {
                None => continue,
                Some(page_build::CrateKind::Other(why)) => {
                    tracing::debug!(dir = %path.display(), why, "not a page crate; left alone");
                    passed_over.push(why);
                    continue;
                }
                Some(_) => PageSource::Crate(path),
            }
        } else if path.extension().is_some_and(|e| e == "wasm") {
            PageSource::Wasm(path)
        } else {
            continue;
        };
        if !skip.contains(&source.name()) {
            found.push(source);
        }
    }
    // Of two pages with one name, a compiled component wins, then a crate.
    found.sort_by_key(|s| {
        let rank = match s {
            PageSource::Wasm(_) => 0,
            PageSource::Crate(_) => 1,
            PageSource::Python(_) => 2,
        };
        (s.name(), rank)
    });
    found.dedup_by_key(|s| s.name());
    if found.is_empty() {
        passed_over.sort();
        let others = if passed_over.is_empty() {
            String::new()
        } else {
            format!(" (crates left alone: {})", passed_over.join("; "))
        };
        bail!(
            "{} has no pages: put compiled .wasm components, page crates or Python scripts in it — \
             a page crate is a cdylib that depends on {} (`host new <name>` makes one), a \
             Python page a .py script (or a folder with an app.py){others}",
            dir.display(),
            page_build::SDK_PACKAGE,
        );
    }
    Ok(found)
}

impl App {
    /// Loads (building crates first) every page in `dir`. `progress` is told
    /// about each page as it is built. A page that fails to load, a missing
    /// directory or a bad `wasmlit.toml` does not stop the rest: each is kept
    /// as a [`LoadFailure`] (see [`App::failures`]) and logged.
    pub fn load(
        engine: Arc<PageEngine>,
        dir: &Path,
        build: BuildOptions,
        progress: &mut dyn FnMut(&str),
    ) -> App {
        // Absolute, so the reload watcher's paths (which start with the
        // watched directory's) compare with the pages' (`host serve .`).
        let dir = &dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
        let mut failures = Vec::new();
        let mut failed = |name: &str, error: anyhow::Error| {
            let error = format!("{error:#}");
            tracing::error!(dir = %dir.display(), name, error, "could not load; serving the rest");
            failures.push(LoadFailure {
                name: name.to_owned(),
                error,
            });
        };
        let config = AppConfig::read(dir).unwrap_or_else(|e| {
            failed(CONFIG_FILE, e);
            AppConfig::default()
        });
        let mut sources = discover(dir, &config.skip).unwrap_or_else(|e| {
            failed(&dir.display().to_string(), e);
            Vec::new()
        });
        if let Err(e) = config.order(&mut sources) {
            failed(CONFIG_FILE, e);
        }
        let mut pages = Vec::with_capacity(sources.len());
        for (i, source) in sources.iter().enumerate() {
            progress(&format!("[{}/{}] {}", i + 1, sources.len(), source.name()));
            match load_source(&engine, source, &build, progress) {
                Ok(page) => pages.push(Arc::new(page)),
                Err(e) => failed(&source.name(), e),
            }
        }
        App {
            dir: dir.to_owned(),
            engine,
            sources,
            config,
            pages: RwLock::new(pages),
            failures: RwLock::new(failures),
            build,
        }
    }

    /// An app that could not be loaded at all (a bad `app.toml`): no pages,
    /// one failure.
    pub fn not_loaded(
        engine: Arc<PageEngine>,
        dir: &Path,
        name: &str,
        error: &anyhow::Error,
    ) -> App {
        let error = format!("{error:#}");
        tracing::error!(
            app = name,
            error,
            "app could not be loaded; serving the others"
        );
        App {
            dir: dir.to_owned(),
            engine,
            sources: Vec::new(),
            config: AppConfig::default(),
            pages: RwLock::new(Vec::new()),
            failures: RwLock::new(vec![LoadFailure {
                name: name.to_owned(),
                error,
            }]),
            build: BuildOptions::default(),
        }
    }

    /// What could not be loaded, now.
    pub fn failures(&self) -> Vec<LoadFailure> {
        self.failures.read().clone()
    }

    /// Whether the page `name` failed to load (and is not served).
    pub fn failed(&self, name: &str) -> bool {
        self.failures.read().iter().any(|f| f.name == name)
    }

    /// The page called `name`.
    pub fn page(&self, name: &str) -> Option<Arc<Page>> {
        self.pages.read().iter().find(|p| p.name == name).cloned()
    }

    /// The navigation of a session no run has set one for: every page not
    /// `hidden`, the first one the default.
    pub fn page_infos(&self) -> Vec<PageInfo> {
        let mut infos: Vec<PageInfo> = self
            .pages
            .read()
            .iter()
            .filter(|p| !self.config.hidden(&p.name))
            .map(|p| self.config.info(&p.name))
            .collect();
        if let Some(first) = infos.first_mut() {
            first.default = true;
        }
        infos
    }

    /// Page `name` as the navigation shows it, if the app has it (hidden
    /// or not).
    pub fn page_info(&self, name: &str) -> Option<PageInfo> {
        self.page(name).map(|_| self.config.info(name))
    }

    /// The first page not hidden (the one `/` opens).
    pub fn default_page(&self) -> Option<String> {
        self.pages
            .read()
            .iter()
            .find(|p| !self.config.hidden(&p.name))
            .map(|p| p.name.clone())
    }

    /// Whether page `name` is `hidden` in `wasmlit.toml`.
    pub fn is_hidden(&self, name: &str) -> bool {
        self.config.hidden(name)
    }

    /// The name of every page served now, hidden ones included.
    pub fn page_names(&self) -> Vec<String> {
        self.pages.read().iter().map(|p| p.name.clone()).collect()
    }

    /// The build hash of every page served now.
    pub fn builds(&self) -> Vec<[u8; 32]> {
        self.pages.read().iter().map(|p| p.module_hash).collect()
    }

    /// Where each page comes from.
    pub fn sources(&self) -> &[PageSource] {
        &self.sources
    }

    /// Rebuilds and reloads the page from `source`; on success swaps it in
    /// and returns its name. On failure the old version stays.
    pub fn reload(&self, source: &PageSource) -> anyhow::Result<String> {
        let page = Arc::new(load_source(
            &self.engine,
            source,
            &self.build,
            &mut |line| tracing::info!("{line}"),
        )?);
        let name = page.name.clone();
        self.failures.write().retain(|f| f.name != name);
        let mut pages = self.pages.write();
        match pages.iter_mut().find(|p| p.name == name) {
            Some(slot) => *slot = page,
            None => pages.push(page),
        }
        Ok(name)
    }
}

fn load_source(
    engine: &Arc<PageEngine>,
    source: &PageSource,
    build: &BuildOptions,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<Page> {
    let name = source.name();
    let wasm_path = match source {
        PageSource::Wasm(p) => p.clone(),
        PageSource::Crate(dir) => page_build::build_crate(dir, build)?,
        PageSource::Python(page) => python_build::build(page, build, progress)?,
    };
    let wasm =
        std::fs::read(&wasm_path).with_context(|| format!("reading {}", wasm_path.display()))?;
    Page::from_bytes(engine, name, wasm_path, &wasm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, manifest: &str) {
        std::fs::create_dir_all(dir.join(name)).unwrap();
        std::fs::write(dir.join(name).join("Cargo.toml"), manifest).unwrap();
    }

    const PAGE: &str = "[package]\nname = \"p\"\n[lib]\ncrate-type = [\"cdylib\"]\n\
                        [dependencies]\nwasmlit = { path = \"../sdk\" }\n";
    const RENAMED: &str = "[package]\nname = \"r\"\n[lib]\ncrate-type = [\"cdylib\", \"rlib\"]\n\
                           [dependencies]\nsdk = { package = \"wasmlit\", version = \"0.1\" }\n";
    const UTILITY: &str = "[package]\nname = \"shared\"\n[dependencies]\nserde = \"1\"\n";
    const NOT_CDYLIB: &str =
        "[package]\nname = \"lib\"\n[dependencies]\nwasmlit.workspace = true\n";

    #[test]
    fn only_cdylibs_on_the_sdk_are_pages_and_skip_leaves_the_rest_alone() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "page", PAGE);
        write(dir.path(), "renamed", RENAMED);
        write(dir.path(), "shared", UTILITY);
        write(dir.path(), "lib", NOT_CDYLIB);
        write(dir.path(), "skipped", PAGE);
        std::fs::create_dir(dir.path().join("assets")).unwrap();
        std::fs::write(dir.path().join("compiled.wasm"), b"\0asm").unwrap();
        let found = discover(dir.path(), &["skipped".to_owned()]).unwrap();
        let names: Vec<String> = found.iter().map(PageSource::name).collect();
        // `lib` is kept: it is meant as a page, and its build says what to add.
        assert_eq!(names, ["compiled", "lib", "page", "renamed"]);
        let error = page_build::build_crate(&dir.path().join("lib"), &BuildOptions::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains("is not a cdylib"), "{error}");
        assert!(error.contains("crate-type = [\"cdylib\"]"), "{error}");
    }

    #[test]
    fn a_directory_with_no_page_says_what_a_page_is_and_what_was_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "shared", UTILITY);
        let error = discover(dir.path(), &[]).unwrap_err().to_string();
        assert!(error.contains("has no pages"), "{error}");
        assert!(error.contains("host new"), "{error}");
        assert!(
            error.contains("shared does not depend on wasmlit"),
            "{error}"
        );
    }

    #[test]
    fn skip_is_read_from_wasmlit_toml() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "skip = [\"tools\"]\n").unwrap();
        assert_eq!(AppConfig::read(dir.path()).unwrap().skip, ["tools"]);
    }
}
