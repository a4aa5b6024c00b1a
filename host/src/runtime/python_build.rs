//! Building Python pages into components with componentize-py: a `.py`
//! script, or a folder with one and its pure-Python modules.
//!
//! The host carries the Python SDK and the contract, writes them next to
//! each build, and runs componentize-py, which compiles nothing natively:
//! the script's imports and definitions run at build time inside
//! componentize-py's own WebAssembly sandbox, and the component starts from
//! that snapshot. Built components are cached by the hash of everything
//! that went into them.

use crate::runtime::page_build::BuildOptions;
use anyhow::{bail, Context as _};
use sha2::{Digest, Sha256};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt as _;

/// The componentize-py release Python pages are built and tested with.
pub const COMPONENTIZE_PY_VERSION: &str = "0.25.1";

/// The names a folder's main script may have, in the order they are looked for.
pub const SCRIPT_NAMES: [&str; 3] = ["streamlit_app.py", "app.py", "main.py"];

/// Longest one Python page may take to build (the script's imports and
/// top-level definitions run then); a build past it is stopped.
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(300);

/// The Python SDK's files (`guest-sdk-py/`), as the host writes them for
/// each build: path under the SDK, text.
const SDK_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/python_sdk.rs"));

/// The contract the SDK is generated against.
const WIT: &str = include_str!("../../wit/page.wit");

/// The marker the SDK puts before a build error meant for the page's author.
const ERROR_MARKER: &str = "wasmlit-build-error: ";

/// A Python page on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonPage {
    /// The script that runs on each run.
    pub script: PathBuf,
    /// The folder whose modules the script may import; none for a lone script.
    pub folder: Option<PathBuf>,
}

impl PythonPage {
    /// What `path` is as a Python page: a `.py` file, or a folder (without a
    /// `Cargo.toml`) holding one of [`SCRIPT_NAMES`]. `None`: neither.
    pub fn at(path: &Path) -> Option<PythonPage> {
        if path.is_file() {
            return path
                .extension()
                .is_some_and(|e| e == "py")
                .then(|| PythonPage {
                    script: path.to_owned(),
                    folder: None,
                });
        }
        if !path.is_dir() || path.join("Cargo.toml").exists() {
            return None;
        }
        SCRIPT_NAMES
            .iter()
            .map(|name| path.join(name))
            .find(|script| script.is_file())
            .map(|script| PythonPage {
                script,
                folder: Some(path.to_owned()),
            })
    }

    /// The page's name: the script's stem, or the folder's name.
    pub fn name(&self) -> String {
        let named = self.folder.as_deref().unwrap_or(&self.script);
        let stem = if self.folder.is_some() {
            named.file_name()
        } else {
            named.file_stem()
        };
        stem.map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "page".into())
    }

    /// The path the page is watched at.
    pub fn path(&self) -> &Path {
        self.folder.as_deref().unwrap_or(&self.script)
    }

    /// The script as its errors name it: `counter.py` or `report/app.py`.
    fn display(&self) -> String {
        let file = self
            .script
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match &self.folder {
            Some(_) => format!("{}/{file}", self.name()),
            None => file,
        }
    }

    /// The Python files that go into the build, sorted.
    fn sources(&self) -> anyhow::Result<Vec<PathBuf>> {
        let Some(folder) = &self.folder else {
            return Ok(vec![self.script.clone()]);
        };
        let mut files = Vec::new();
        let mut dirs = vec![folder.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in
                std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
            {
                let path = entry?.path();
                let hidden = path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'));
                if hidden || path.file_name().is_some_and(|n| n == "__pycache__") {
                    continue;
                }
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "py") {
                    files.push(path);
                }
            }
        }
        files.sort();
        Ok(files)
    }
}

/// Builds the Python page at `path` (a script or a folder) and returns its
/// component, from the cache when nothing that goes into it changed.
/// `progress` is told when a build starts (it takes seconds).
pub fn build(
    page: &PythonPage,
    options: &BuildOptions,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<PathBuf> {
    if options.untrusted {
        bail!(
            "{} is a Python page, and pages are not built from source in an apps root: ship \
             the page as a compiled .wasm component (componentize-py builds one), or start \
             the server with --trust-page-crates if every app's authors are trusted with the \
             server's account",
            page.script.display()
        );
    }
    if SDK_FILES.is_empty() {
        bail!(
            "this host was built without the Python SDK (guest-sdk-py/ was not beside it), so \
             it cannot build {}",
            page.script.display()
        );
    }
    let cache = python_cache_dir(options)?;
    let sources = page.sources()?;
    let module = script_module(page);
    let display = page.display();
    let mut hash = Sha256::new();
    for part in [COMPONENTIZE_PY_VERSION, WIT, &module, &display] {
        hash.update(part.len().to_le_bytes());
        hash.update(part);
    }
    for &(name, text) in SDK_FILES {
        hash.update(name);
        hash.update(text);
    }
    let base = page
        .folder
        .as_deref()
        .unwrap_or_else(|| page.script.parent().unwrap_or_else(|| Path::new(".")));
    for file in &sources {
        let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        let relative = file.strip_prefix(base).unwrap_or(file);
        hash.update(relative.to_string_lossy().as_bytes());
        hash.update(bytes.len().to_le_bytes());
        hash.update(&bytes);
    }
    let digest = hex::encode(hash.finalize());
    let out = cache.join(format!("{}-{}.wasm", page.name(), &digest[..24]));
    // A file another user could have written is built again, not served.
    if out.is_file() && crate::runtime::engine::cache_file_is_ours(&out) {
        return Ok(out);
    }
    progress(&format!(
        "{display} with componentize-py (seconds on a first build; cached afterwards)"
    ));
    let work = tempfile::Builder::new()
        .prefix("build-")
        .tempdir_in(&cache)
        .with_context(|| format!("creating a build directory in {}", cache.display()))?;
    let sdk = work.path().join("sdk");
    for &(name, text) in SDK_FILES {
        let file = sdk.join(name);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&file, text)?;
    }
    let wit = work.path().join("wit");
    std::fs::create_dir_all(&wit)?;
    std::fs::write(wit.join("page.wit"), WIT)?;
    let entry = work.path().join("entry");
    std::fs::create_dir_all(&entry)?;
    std::fs::write(
        entry.join("wasmlit_entry.py"),
        format!(
            "from wasmlit._page import WitWorld, load\nload({}, {})\n",
            serde_json::to_string(&module)?,
            serde_json::to_string(&display)?
        ),
    )?;
    // The build reads copies of exactly the files hashed above: what runs at
    // build time can neither write into the author's folder nor see other files.
    let script_dir = work.path().join("script");
    std::fs::create_dir_all(&script_dir)?;
    for file in &sources {
        let copy = match &page.folder {
            Some(_) => script_dir.join(file.strip_prefix(base).unwrap_or(file)),
            None => script_dir.join(format!("{module}.py")),
        };
        if let Some(parent) = copy.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(file, &copy).with_context(|| format!("reading {}", file.display()))?;
    }
    let built = work.path().join("page.wasm");
    let mut command = componentize_py(&cache, progress)?;
    command
        .arg("-d")
        .arg(&wit)
        .arg("-w")
        .arg("page")
        .arg("componentize")
        .arg("wasmlit_entry")
        .arg("-p")
        .arg(&entry)
        .arg("-p")
        .arg(&script_dir)
        .arg("-p")
        .arg(&sdk)
        .arg("-o")
        .arg(&built)
        .current_dir(work.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .with_context(|| format!("running componentize-py to build {display}"))?;
    // Both pipes are drained on threads so a chatty build cannot block on them.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let status = match child.wait_timeout(BUILD_TIMEOUT)? {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "building {display} took longer than {} s and was stopped: its imports or \
                 top-level definitions do not finish",
                BUILD_TIMEOUT.as_secs()
            );
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if !status.success() || !built.is_file() {
        bail!("{}", build_error(&display, &stdout, &stderr));
    }
    std::fs::rename(&built, &out)
        .with_context(|| format!("storing the built page at {}", out.display()))?;
    Ok(out)
}

/// The module name the script is imported under.
fn script_module(page: &PythonPage) -> String {
    match &page.folder {
        Some(_) => page
            .script
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "app".into()),
        None => "wasmlit_script".into(),
    }
}

/// What the author should read of a failed build: the SDK's own message
/// (file, line and what to do) when it gave one, else componentize-py's
/// last lines without its native backtrace.
fn build_error(display: &str, stdout: &str, stderr: &str) -> String {
    let text = format!("{stdout}\n{stderr}");
    if let Some(start) = text.find(ERROR_MARKER) {
        let rest = &text[start + ERROR_MARKER.len()..];
        // The message runs to the first line that is not its continuation.
        let mut lines = rest.lines();
        let mut message = lines.next().unwrap_or_default().to_owned();
        for line in lines {
            if !line.starts_with("    ") {
                break;
            }
            message.push('\n');
            message.push_str(line);
        }
        return message;
    }
    let useful: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take_while(|l| !l.starts_with("Stack backtrace"))
        .collect();
    let tail = &useful[useful.len().saturating_sub(20)..];
    format!(
        "building Python page {display} failed:\n{}",
        tail.join("\n")
    )
}

/// Where built Python pages are kept: private to this user (0700), never a
/// shared temporary directory.
fn python_cache_dir(options: &BuildOptions) -> anyhow::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt as _;
    let base = match &options.target_dir {
        Some(dir) => dir.clone(),
        None => crate::runtime::engine::default_cache_dir().context(
            "Python pages are built into the cache directory, and neither HOME nor \
             XDG_CACHE_HOME is set",
        )?,
    };
    let dir = base.join("python");
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// The componentize-py command: `WASMLIT_COMPONENTIZE_PY` if set; else
/// the one on `PATH` if it is the pinned version; else the pinned version
/// installed from PyPI into the cache (`tools/`) with `python3 -m pip`, once.
fn componentize_py(cache: &Path, progress: &mut dyn FnMut(&str)) -> anyhow::Result<Command> {
    if let Some(program) = std::env::var_os("WASMLIT_COMPONENTIZE_PY") {
        return Ok(Command::new(program));
    }
    let on_path = Command::new("componentize-py")
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    if let Ok(out) = on_path {
        if out.status.success()
            && String::from_utf8_lossy(&out.stdout).trim()
                == format!("componentize-py {COMPONENTIZE_PY_VERSION}")
        {
            return Ok(Command::new("componentize-py"));
        }
    }
    let tools = cache
        .parent()
        .unwrap_or(cache)
        .join("tools")
        .join(format!("componentize-py-{COMPONENTIZE_PY_VERSION}"));
    if !tools.join("componentize_py").is_dir() {
        progress(&format!(
            "componentize-py {COMPONENTIZE_PY_VERSION}: installing it from PyPI into {} (once)",
            tools.display()
        ));
        let parent = tools.parent().unwrap_or(cache);
        {
            use std::os::unix::fs::DirBuilderExt as _;
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(parent)?;
        }
        // Each install stages in a directory of its own and is renamed whole,
        // so two servers installing at once cannot see each other's half.
        let staging = tempfile::Builder::new()
            .prefix(".install-")
            .tempdir_in(parent)?;
        let installed = Command::new("python3")
            .args([
                "-I",
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(["--only-binary=:all:", "--no-deps", "--target"])
            .arg(staging.path())
            .arg(format!("componentize-py=={COMPONENTIZE_PY_VERSION}"))
            .current_dir(parent)
            .stdin(Stdio::null())
            .output();
        match installed {
            Ok(out) if out.status.success() => {
                let staged = staging.keep();
                if std::fs::rename(&staged, &tools).is_err() {
                    // Another server installed it meanwhile: keep theirs.
                    let _ = std::fs::remove_dir_all(&staged);
                }
            }
            other => {
                let why = match other {
                    Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_owned(),
                    Err(e) => format!("python3 could not be started: {e}"),
                };
                bail!(
                    "Python pages are built with componentize-py {COMPONENTIZE_PY_VERSION}, \
                     which is not installed, and installing it with pip failed:\n{why}\n\n\
                     Install Python 3 with pip (Debian: apt-get install python3-pip), or \
                     componentize-py itself (python3 -m pip install \
                     componentize-py=={COMPONENTIZE_PY_VERSION}), or point \
                     WASMLIT_COMPONENTIZE_PY at it"
                );
            }
        }
    }
    // The package is put on Python's path: it must be this user's own.
    if !crate::runtime::engine::cache_file_is_ours(&tools.join("componentize_py")) {
        bail!(
            "{} is not private to this user (owned by another, writable by others, or a \
             link): remove it, and the host installs componentize-py again",
            tools.display()
        );
    }
    let mut command = Command::new("python3");
    command
        .arg("-I")
        .arg("-c")
        .arg(
            "import sys; sys.path.insert(0, sys.argv.pop(1)); \
             from componentize_py import script; sys.exit(script())",
        )
        .arg(&tools);
    Ok(command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_or_a_folder_with_a_main_script_is_a_python_page_and_a_crate_is_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("counter.py"), "import wasmlit as st\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "").unwrap();
        std::fs::create_dir_all(dir.path().join("report")).unwrap();
        std::fs::write(dir.path().join("report/app.py"), "").unwrap();
        std::fs::write(dir.path().join("report/helpers.py"), "").unwrap();
        std::fs::create_dir_all(dir.path().join("crate")).unwrap();
        std::fs::write(dir.path().join("crate/Cargo.toml"), "").unwrap();
        std::fs::write(dir.path().join("crate/app.py"), "").unwrap();
        std::fs::create_dir_all(dir.path().join("lib")).unwrap();
        std::fs::write(dir.path().join("lib/util.py"), "").unwrap();

        let script = PythonPage::at(&dir.path().join("counter.py")).unwrap();
        assert_eq!(script.name(), "counter");
        assert_eq!(script.display(), "counter.py");
        let folder = PythonPage::at(&dir.path().join("report")).unwrap();
        assert_eq!(folder.name(), "report");
        assert_eq!(folder.display(), "report/app.py");
        assert_eq!(folder.sources().unwrap().len(), 2);
        assert_eq!(PythonPage::at(&dir.path().join("notes.txt")), None);
        assert_eq!(PythonPage::at(&dir.path().join("crate")), None);
        assert_eq!(PythonPage::at(&dir.path().join("lib")), None);
    }

    #[test]
    fn an_apps_root_refuses_to_build_python_pages() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("page.py");
        std::fs::write(&script, "import wasmlit as st\n").unwrap();
        let options = BuildOptions {
            untrusted: true,
            target_dir: Some(dir.path().join("cache")),
            ..BuildOptions::default()
        };
        let page = PythonPage::at(&script).unwrap();
        let error = build(&page, &options, &mut |_| {}).unwrap_err().to_string();
        assert!(
            error.contains("not built from source in an apps root"),
            "{error}"
        );
        assert!(error.contains("--trust-page-crates"), "{error}");
        assert!(!dir.path().join("cache").exists(), "nothing was built");
    }

    #[test]
    fn a_build_error_shows_the_sdk_message_and_not_the_native_backtrace() {
        let stderr = "Traceback (most recent call last):\n  File x\nwasmlit-build-error: \
                      counter.py, line 3: SyntaxError: invalid syntax\n    x = = 1\nAssertionError\n\
                      Stack backtrace:\n  0: foo";
        assert_eq!(
            build_error("counter.py", "", stderr),
            "counter.py, line 3: SyntaxError: invalid syntax\n    x = = 1"
        );
        let other = build_error("counter.py", "", "boom\nStack backtrace:\n  0: native");
        assert!(
            other.contains("boom") && !other.contains("native"),
            "{other}"
        );
    }
}
