//! Hot reload: watch the pages directory, rebuild or reload the page that
//! changed, swap it in, and rerun the sessions showing it.

use crate::app::catalog::PageSource;
use crate::session::shared::Reload;
use crate::web::server::ServerState;
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Component, Path};
use std::sync::Arc;
use std::time::Duration;

/// How long to wait for a burst of file events to settle before reloading.
const DEBOUNCE: Duration = Duration::from_millis(300);

/// Starts watching. `.wasm` pages reload when their file changes; with
/// `rebuild_crates` (`--watch`), crate and Python pages rebuild when a source
/// file changes. The watcher stops when the returned value is dropped.
pub fn watch(state: Arc<ServerState>, rebuild_crates: bool) -> anyhow::Result<RecommendedWatcher> {
    let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx)?;
    watcher.watch(&state.app.dir, RecursiveMode::Recursive)?;
    std::thread::Builder::new().name("reload".into()).spawn(move || {
        while let Ok(first) = rx.recv() {
            let mut events = vec![first];
            while let Ok(more) = rx.recv_timeout(DEBOUNCE) {
                events.push(more);
            }
            let mut changed: Vec<&PageSource> = Vec::new();
            for event in events.into_iter().flatten() {
                if !(event.kind.is_modify() || event.kind.is_create()) {
                    continue;
                }
                for path in &event.paths {
                    if let Some(source) = owner(state.app.sources(), path, rebuild_crates) {
                        if !changed.iter().any(|c| c.name() == source.name()) {
                            changed.push(source);
                        }
                    }
                }
            }
            for source in changed {
                tracing::info!(page = %source.name(), "page changed; reloading");
                let reloaded = state.app.reload(source);
                if reloaded.is_ok() {
                    state.services.set_page_names(state.app.page_names());
                    // Resources of builds no longer served are dropped;
                    // cached data of old builds is never hit again and
                    // ages out of the bounded cache.
                    state.services.resources.retain_builds(&state.app.builds());
                }
                match reloaded {
                    Ok(name) => {
                        let _ = state.reloads.send(Reload::Reloaded(name));
                    }
                    Err(e) => {
                        let error = format!("{e:#}");
                        tracing::error!(page = %source.name(), error, "reload failed; keeping the previous version");
                        // The author is told in the browser, while they
                        // edit (`--watch`), in the compiler's words.
                        if rebuild_crates {
                            let _ = state.reloads.send(Reload::Failed {
                                page: source.name(),
                                message: compiler_message(&error, source.path()),
                            });
                        }
                    }
                }
            }
        }
    })?;
    Ok(watcher)
}

/// A failed build's error for the browser: the compiler's diagnostics
/// (which name files relative to the crate), without cargo's progress
/// lines, and with the crate's directory shown as `.`.
fn compiler_message(error: &str, dir: &Path) -> String {
    let dir = dir.display().to_string();
    error
        .lines()
        .filter(|line| {
            let progress = line.trim_start();
            !(progress.starts_with("Compiling ")
                || progress.starts_with("Finished ")
                || progress.starts_with("Updating ")
                || progress.starts_with("Locking ")
                || progress.starts_with("Downloaded ")
                || progress.starts_with("Downloading "))
        })
        .map(|line| line.replace(&dir, "."))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The page a changed path belongs to, if a change there should reload it.
fn owner<'a>(
    sources: &'a [PageSource],
    path: &Path,
    rebuild_crates: bool,
) -> Option<&'a PageSource> {
    sources.iter().find(|source| match source {
        PageSource::Wasm(file) => {
            path == file
                || path.canonicalize().ok().as_deref() == file.canonicalize().ok().as_deref()
        }
        PageSource::Crate(dir) => {
            rebuild_crates
                && path.starts_with(dir)
                && !path
                    .strip_prefix(dir)
                    .map(|rest| {
                        rest.components()
                            .any(|c| c == Component::Normal("target".as_ref()))
                    })
                    .unwrap_or(true)
                && path.extension().is_some_and(|e| e == "rs" || e == "toml")
        }
        PageSource::Python(page) => {
            rebuild_crates
                && path.starts_with(page.path())
                && path.extension().is_some_and(|e| e == "py")
        }
    })
}
