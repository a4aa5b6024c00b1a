//! Embeds the sources a page author's own crate builds against (the SDK, its
//! macros, the contract, and the host and AppTest for tests) so that
//! `host new` can set them up without a clone of this repository.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What is embedded, relative to the workspace root.
const ROOTS: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "wit",
    "guest-sdk",
    "apptest/Cargo.toml",
    "apptest/src",
    "host/Cargo.toml",
    "host/build.rs",
    "host/src",
    "host/wit",
    "host/benches",
    "host/frontend",
    "pages",
];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest
        .parent()
        .expect("the host is in a workspace")
        .to_owned();
    let mut files = Vec::new();
    for entry in ROOTS {
        let path = root.join(entry);
        println!("cargo:rerun-if-changed={}", path.display());
        collect(&path, &mut files);
    }
    files.sort();
    // The vendored browser libraries are embedded once, for the server to
    // serve (`vendor_files.rs`); `host new` writes them from there. Found
    // beside this manifest, so a packaged host carries them too.
    let vendor_dir = manifest.join("frontend/vendor");
    println!("cargo:rerun-if-changed={}", vendor_dir.display());
    let mut vendor = Vec::new();
    collect(&vendor_dir, &mut vendor);
    vendor.sort();
    let in_workspace_vendor = root.join("host/frontend/vendor");
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| !f.starts_with(&in_workspace_vendor))
        .collect();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(
        out.join("vendor_files.rs"),
        listing(&vendor, &vendor_dir, BYTES),
    )
    .expect("OUT_DIR is writable");
    std::fs::write(
        out.join("embedded_sources.rs"),
        listing(&files, &root, BYTES),
    )
    .expect("OUT_DIR is writable");

    // The Python SDK, written next to each Python page's build. A host
    // packaged on its own has none, and says so when asked to build one.
    let python_dir = root.join("guest-sdk-py");
    println!("cargo:rerun-if-changed={}", python_dir.display());
    let mut python = Vec::new();
    collect(&python_dir.join("wasmlit"), &mut python);
    python.retain(|f| f.extension().is_some_and(|e| e == "py"));
    python.sort();
    std::fs::write(
        out.join("python_sdk.rs"),
        listing(&python, &python_dir, TEXT),
    )
    .expect("OUT_DIR is writable");
}

/// How a listed file is embedded: as bytes, or as text.
const BYTES: &str = "include_bytes!({:?}) as &[u8]";
const TEXT: &str = "include_str!({:?})";

/// Rust source for a slice of `(path under base, contents)`, each file
/// embedded with `embed` (`BYTES` or `TEXT`).
fn listing(files: &[PathBuf], base: &Path, embed: &str) -> String {
    let mut code = String::from("&[\n");
    for file in files {
        let relative = file.strip_prefix(base).expect("under its base");
        let name = relative.to_string_lossy().replace('\\', "/");
        let path = format!("{:?}", file.display().to_string());
        let _ = writeln!(code, "    ({name:?}, {}),", embed.replace("{:?}", &path));
    }
    code.push(']');
    code
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_file() {
        files.push(path.to_owned());
    } else if let Ok(entries) = std::fs::read_dir(path) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            collect(&path, files);
        }
    }
}
