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

/// The name of the guest SDK's package: what a page crate depends on.
pub const SDK_PACKAGE: &str = "wasmlit";

/// What a directory with a `Cargo.toml` is to a pages directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrateKind {
    /// A `cdylib` that depends on the SDK: a page.
    Page,
    /// It depends on the SDK but is not a `cdylib`: meant as a page, and
    /// cannot be one as it is. The message says what to add.
    NotCdylib(String),
    /// Anything else (a shared utility crate, a tool): not a page, left alone.
    Other(String),
}

/// Reads `dir/Cargo.toml` to tell a page crate from other crates. `None`:
/// no `Cargo.toml`.
pub fn crate_kind(dir: &Path) -> Option<CrateKind> {
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).ok()?;
    let toml: toml::Table = match toml::from_str(&text) {
        Ok(t) => t,
        Err(e) => {
            return Some(CrateKind::Other(format!(
                "{} is not valid TOML: {}",
                manifest.display(),
                e.message()
            )))
        }
    };
    let depends = toml
        .get("dependencies")
        .and_then(|d| d.as_table())
        .is_some_and(|deps| {
            deps.iter().any(|(name, spec)| {
                name == SDK_PACKAGE
                    || spec.get("package").and_then(|p| p.as_str()) == Some(SDK_PACKAGE)
            })
        });
    let cdylib = toml
        .get("lib")
        .and_then(|lib| lib.get("crate-type"))
        .and_then(|types| types.as_array())
        .is_some_and(|types| types.iter().any(|t| t.as_str() == Some("cdylib")));
    Some(match (depends, cdylib) {
        (true, true) => CrateKind::Page,
        (true, false) => CrateKind::NotCdylib(format!(
            "{} depends on {SDK_PACKAGE} but is not a cdylib, so it builds no page: add\n\n    \
             [lib]\n    crate-type = [\"cdylib\"]\n\nto its Cargo.toml (or list it under `skip` in \
             wasmlit.toml if it is not a page)",
            dir.display()
        )),
        (false, _) => CrateKind::Other(format!(
            "{} does not depend on {SDK_PACKAGE}",
            dir.display()
        )),
    })
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
        if let Some(CrateKind::NotCdylib(message)) = crate_kind(dir) {
            bail!("{message}");
        }
        let workspace = workspace_root(&manifest)?;
        let target_dir = match &options.target_dir {
            Some(t) => t.clone(),
            None => workspace.join("target").join("wasmlit-pages"),
        };
        let mut rustflags = inherited_rustflags();
        rustflags.extend(remap_flags(&PathPrefixes::find(&workspace, &target_dir)));
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
            // Panic locations name files relative to their crate, not where
            // they were on this machine.
            .env("CARGO_ENCODED_RUSTFLAGS", rustflags.join("\x1f"))
            .env_remove("RUSTFLAGS")
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

/// The directories whose absolute paths would end up in a page's panic
/// locations, each with the short name it is shown as.
#[derive(Debug, Clone, PartialEq)]
pub struct PathPrefixes {
    /// `(directory, shown as)`, most general first: rustc applies the last
    /// prefix that matches.
    pub prefixes: Vec<(PathBuf, String)>,
}

impl PathPrefixes {
    /// The prefixes of a build of the workspace at `workspace` into
    /// `target_dir`: cargo's home (and each registry source directory in
    /// it), the Rust sysroot, the workspace and the target directory. The
    /// same for every page of a workspace, so their builds share
    /// dependencies.
    pub fn find(workspace: &Path, target_dir: &Path) -> PathPrefixes {
        let mut prefixes = Vec::new();
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".cargo")));
        if let Some(home) = &home {
            prefixes.push((home.clone(), "~".to_owned()));
        }
        if let Some(cargo_home) = cargo_home {
            let registry = cargo_home.join("registry").join("src");
            let mut sources: Vec<PathBuf> = std::fs::read_dir(&registry)
                .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            sources.sort();
            prefixes.push((cargo_home.clone(), "cargo".to_owned()));
            prefixes.extend(sources.into_iter().map(|s| (s, "crates".to_owned())));
            prefixes.push((cargo_home.join("git").join("checkouts"), "git".to_owned()));
        }
        if let Some(sysroot) = sysroot() {
            prefixes.push((sysroot, "rust".to_owned()));
        }
        let name = |dir: &Path| {
            dir.file_name()
                .map(|n| n.to_string_lossy().replace('=', "_"))
                .unwrap_or_else(|| "page".to_owned())
        };
        prefixes.push((workspace.to_owned(), name(workspace)));
        prefixes.push((target_dir.to_owned(), "target".to_owned()));
        PathPrefixes { prefixes }
    }
}

/// `--remap-path-prefix` flags for `prefixes`, each directory as given and
/// canonicalized (cargo may name either).
pub fn remap_flags(prefixes: &PathPrefixes) -> Vec<String> {
    let mut flags = Vec::new();
    for (dir, shown) in &prefixes.prefixes {
        let mut forms = vec![dir.clone()];
        if let Ok(canonical) = dir.canonicalize() {
            if canonical != *dir {
                forms.push(canonical);
            }
        }
        for form in forms {
            flags.push(format!("--remap-path-prefix={}={shown}", form.display()));
        }
    }
    flags
}

/// Flags the caller gave rustc for every build, kept under ours.
fn inherited_rustflags() -> Vec<String> {
    if let Some(encoded) = std::env::var_os("CARGO_ENCODED_RUSTFLAGS") {
        let encoded = encoded.to_string_lossy().into_owned();
        return encoded
            .split('\x1f')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect();
    }
    std::env::var("RUSTFLAGS")
        .map(|flags| flags.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The Rust sysroot pages are built with.
fn sysroot() -> Option<PathBuf> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    let path = String::from_utf8(output.stdout).ok()?;
    let path = path.trim();
    (output.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_machine_directories_are_remapped_most_specific_last() {
        let prefixes = PathPrefixes::find(Path::new("/home/me/pages"), Path::new("/tmp/t"));
        let flags = remap_flags(&prefixes);
        let shown = |flag: &str| flags.iter().position(|f| f == flag);
        let workspace = shown("--remap-path-prefix=/home/me/pages=pages").expect("the workspace");
        let target = shown("--remap-path-prefix=/tmp/t=target").expect("the target directory");
        assert!(workspace < target);
        let cargo = flags
            .iter()
            .position(|f| f.ends_with("=cargo"))
            .expect("cargo's home");
        let sysroot = flags
            .iter()
            .position(|f| f.ends_with("=rust"))
            .expect("the sysroot");
        // Registry sources come after cargo's home (rustc takes the last
        // match), and before the workspace.
        if let Some(crates) = flags.iter().position(|f| f.ends_with("=crates")) {
            assert!(cargo < crates && crates < workspace);
        }
        assert!(cargo < workspace && sysroot < workspace);
        // The same flags for every page of a workspace: builds share
        // their dependencies.
        assert_eq!(
            flags,
            remap_flags(&PathPrefixes::find(
                Path::new("/home/me/pages"),
                Path::new("/tmp/t")
            ))
        );
    }
}
