//! Building page crates into components with cargo, for `host run <crate-dir>`
//! and `host serve <dir>`.

use anyhow::{bail, Context as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The target every page is built for.
pub const PAGE_TARGET: &str = "wasm32-wasip2";

/// How to build page crates.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Cargo's target directory; default: `<workspace>/target/wasmlit-pages`
    /// (separate from the host's, so building pages never waits on it).
    pub target_dir: Option<PathBuf>,
    /// Print cargo's progress to the terminal.
    pub verbose: bool,
    /// Refuse to build crates: their pages come from tenants the operator
    /// does not trust with native code (an apps root without
    /// `--trust-page-crates`). Building a crate runs its build scripts and
    /// procedural macros on the server, as the server's user.
    pub untrusted: bool,
}

/// Whether `dir` looks like a page crate.
pub fn is_page_crate(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file()
}

/// Builds one page crate and returns its `.wasm` component.
pub fn build_crate(dir: &Path, options: &BuildOptions) -> anyhow::Result<PathBuf> {
    if options.untrusted {
        bail!(
            "{} is a page crate, and crates are not built in an apps root: building one runs \
             its author's build scripts and macros on this server. Ship the page as a compiled \
             .wasm component, or start the server with --trust-page-crates if every app's \
             authors are trusted with the server's account",
            dir.display()
        );
    }
    let mut built = build_crates(&[dir.to_owned()], options)?;
    built.pop().context("cargo produced no component")
}

/// Builds page crates (in one cargo call per workspace) and returns their
/// `.wasm` components in the order given.
pub fn build_crates(dirs: &[PathBuf], options: &BuildOptions) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let manifest = dir.join("Cargo.toml");
        if !manifest.is_file() {
            bail!("{} is not a page crate (no Cargo.toml)", dir.display());
        }
        let target_dir = match &options.target_dir {
            Some(t) => t.clone(),
            None => workspace_root(&manifest)?
                .join("target")
                .join("wasmlit-pages"),
        };
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.arg("build")
            .arg("--release")
            .arg("--target")
            .arg(PAGE_TARGET)
            .arg("--manifest-path")
            .arg(&manifest)
            .arg("--message-format=json-render-diagnostics")
            .env("CARGO_TARGET_DIR", &target_dir)
            // Pages are small and shipped to the engine, not debugged.
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            .env("CARGO_PROFILE_RELEASE_STRIP", "debuginfo")
            .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "false")
            .stdout(Stdio::piped())
            .stderr(if options.verbose {
                Stdio::inherit()
            } else {
                Stdio::piped()
            });
        let output = cmd
            .output()
            .with_context(|| format!("running cargo to build {}", dir.display()))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            if stderr.contains("may not be installed")
                || stderr.contains("can't find crate for `std`")
            {
                bail!(
                    "the {PAGE_TARGET} target is not installed; add it with:\n\n    rustup target add {PAGE_TARGET}\n"
                );
            }
            bail!("building {} failed:\n{}", dir.display(), stderr.trim_end());
        }
        let artifact = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|msg| msg["reason"] == "compiler-artifact")
            .filter(|msg| {
                msg["manifest_path"]
                    .as_str()
                    .is_some_and(|p| Path::new(p) == manifest || same_file(Path::new(p), &manifest))
            })
            .flat_map(|msg| {
                msg["filenames"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|f| f.as_str().map(PathBuf::from))
                    .collect::<Vec<_>>()
            })
            .find(|f| f.extension().is_some_and(|e| e == "wasm"));
        match artifact {
            Some(wasm) => out.push(wasm),
            None => bail!(
                "{} built no .wasm: a page crate needs `crate-type = [\"cdylib\"]` under [lib]",
                dir.display()
            ),
        }
    }
    Ok(out)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The root directory of the cargo workspace that `manifest` belongs to.
fn workspace_root(manifest: &Path) -> anyhow::Result<PathBuf> {
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "locate-project",
            "--workspace",
            "--message-format",
            "plain",
            "--manifest-path",
        ])
        .arg(manifest)
        .output()
        .context("running cargo locate-project")?;
    if !output.status.success() {
        bail!(
            "cargo could not read {}: {}",
            manifest.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let root_manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    Ok(root_manifest
        .parent()
        .map(Path::to_owned)
        .unwrap_or_else(|| PathBuf::from(".")))
}
