//! `host new`: a page crate (or an app root with a first page) that builds
//! outside this repository, against the SDK sources the binary carries.

use anyhow::{bail, Context as _};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The SDK, its macros, the contract, the host and AppTest, as this binary
/// was built from them: `(path relative to the workspace, bytes)`.
static SOURCES: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/embedded_sources.rs"));

/// Every embedded file: [`SOURCES`] and the vendored browser libraries the
/// server serves (embedded once, with the server's assets).
fn all_sources() -> impl Iterator<Item = (std::borrow::Cow<'static, str>, &'static [u8])> {
    SOURCES
        .iter()
        .map(|(name, bytes)| (std::borrow::Cow::Borrowed(*name), *bytes))
        .chain(crate::web::frontend::VENDOR.iter().map(|(name, bytes)| {
            (
                std::borrow::Cow::Owned(format!("host/frontend/vendor/{name}")),
                *bytes,
            )
        }))
}

/// The workspace members a page author's crate depends on, and the example
/// pages `host hello` serves.
const MEMBERS: &str =
    r#"members = ["guest-sdk", "guest-sdk/macros", "host", "apptest", "pages/*"]"#;

/// Writes the embedded sources under `cache` (once per version of them)
/// and returns the root of that small workspace.
pub fn unpack_sdk(cache: &Path) -> anyhow::Result<PathBuf> {
    if !SOURCES
        .iter()
        .any(|(name, _)| *name == "guest-sdk/src/lib.rs")
    {
        bail!(
            "this build of the host carries no SDK sources (it was built outside the wasmlit \
             repository); build the host from the repository to use `host new` and `host hello`"
        );
    }
    let mut hash = Sha256::new();
    for (name, bytes) in all_sources() {
        hash.update(name.as_bytes());
        hash.update([0]);
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    }
    let digest = hash.finalize();
    let short: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let root = cache
        .join("sdk")
        .join(format!("{}-{short}", env!("CARGO_PKG_VERSION")));
    if root.join("Cargo.toml").is_file() {
        return Ok(root);
    }
    let parent = root.parent().context("the SDK directory has a parent")?;
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".sdk-")
        .tempdir_in(parent)
        .with_context(|| format!("creating a directory in {}", parent.display()))?;
    for (name, bytes) in all_sources() {
        let path = staging.path().join(&*name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let bytes = if name == "Cargo.toml" {
            only_sdk_members(bytes)?
        } else {
            bytes.to_vec()
        };
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    let staged = staging.keep();
    if let Err(e) = std::fs::rename(&staged, &root) {
        // Another `host new` may have unpacked the same sources meanwhile.
        let _ = std::fs::remove_dir_all(&staged);
        if !root.join("Cargo.toml").is_file() {
            return Err(e).with_context(|| format!("moving the SDK to {}", root.display()));
        }
    }
    Ok(root)
}

/// The workspace manifest with only the members a page author needs.
fn only_sdk_members(manifest: &[u8]) -> anyhow::Result<Vec<u8>> {
    let text = std::str::from_utf8(manifest).context("the workspace manifest is UTF-8")?;
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let key = line.trim_start();
        if key.starts_with("members = [") || key.starts_with("default-members = [") {
            let mut closing = line.contains(']');
            while !closing {
                closing = lines.next().is_none_or(|l| l.contains(']'));
            }
            if key.starts_with("members") {
                out.push_str(MEMBERS);
                out.push('\n');
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out.into_bytes())
}

/// Whether `name` can name a crate and a page (`my_page`, `sales-report`).
fn check_name(name: &str) -> anyhow::Result<()> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && name.len() <= 64;
    if !ok {
        bail!(
            "`{name}` cannot name a page: use lower-case letters, digits, `_` and `-`, starting \
             with a letter (for example `sales_report`)"
        );
    }
    Ok(())
}

/// Creates a page crate `name` in `parent`, depending on the SDK at `sdk`.
pub fn new_page(parent: &Path, name: &str, sdk: &Path) -> anyhow::Result<PathBuf> {
    check_name(name)?;
    let dir = parent.join(name);
    if dir.exists() {
        bail!("{} already exists: pick another name", dir.display());
    }
    let title = crate::model::protocol::title_case(name);
    let sdk = sdk.display().to_string();
    // The versions the SDK and the host were built and tested with.
    let lock = SOURCES
        .iter()
        .find(|(name, _)| *name == "Cargo.lock")
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .unwrap_or_default();
    let files: [(&str, String); 5] = [
        ("Cargo.lock", lock),
        ("Cargo.toml", manifest(name, &sdk)),
        ("src/lib.rs", PAGE.replace("{title}", &title)),
        ("tests/page.rs", TEST.replace("{title}", &title)),
        (".gitignore", "/target\n".to_owned()),
    ];
    for (file, text) in files {
        let path = dir.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(dir)
}

/// Creates an app root `name` in `parent`: its `app.toml`, its `pages/`
/// and a first page in it.
pub fn new_app(parent: &Path, name: &str, sdk: &Path) -> anyhow::Result<PathBuf> {
    check_name(name)?;
    let dir = parent.join(name);
    if dir.exists() {
        bail!("{} already exists: pick another name", dir.display());
    }
    let pages = dir.join("pages");
    std::fs::create_dir_all(&pages).with_context(|| format!("creating {}", pages.display()))?;
    std::fs::write(dir.join("app.toml"), APP_TOML)
        .with_context(|| format!("writing {}", dir.join("app.toml").display()))?;
    new_page(&pages, "home", sdk)?;
    Ok(dir)
}

fn manifest(name: &str, sdk: &str) -> String {
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
crate-type = ["cdylib"]

[dependencies]
wasmlit = {{ path = "{sdk}/guest-sdk" }}

[dev-dependencies]
wasmlit-apptest = {{ path = "{sdk}/apptest" }}

# A crate of its own, even inside another workspace.
[workspace]

# Tests build the page with the real runtime: keep its compiler optimized.
[profile.dev.package."*"]
opt-level = 2
debug = false

# As the host's own workspace builds it, so a shared target directory is reused.
[profile.release]
debug = "line-tables-only"
incremental = true
"#
    )
}

const PAGE: &str = r#"//! A wasmlit page: this function runs from top to bottom on every interaction.

use wasmlit::Ui;

#[wasmlit::page]
fn page(st: &Ui) {
    st.title("{title}");
    let mut count: i64 = st.session_state().get("count").unwrap_or(0);
    if st.button("Increment") {
        count += 1;
        st.session_state().set("count", &count);
    }
    st.write(format!("count: {count}"));
}
"#;

const TEST: &str = r#"//! The page on the real runtime, without a browser (`cargo test`).

use wasmlit_apptest::AppTest;

#[test]
fn increment_counts() {
    let mut at = AppTest::from_crate(env!("CARGO_MANIFEST_DIR")).unwrap();
    at.run();
    assert_eq!(at.markdown(), ["count: 0"]);
    at.button("Increment").click().run();
    assert_eq!(at.markdown(), ["count: 1"]);
    assert_eq!(at.session_state::<i64>("count"), Some(1));
    assert!(at.exception().is_none());
}
"#;

const APP_TOML: &str = "# This app's settings; see `host serve --help` for what an app may set.\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_workspace_keeps_only_what_pages_need() {
        let (_, manifest) = SOURCES
            .iter()
            .find(|(name, _)| *name == "Cargo.toml")
            .expect("the workspace manifest is embedded");
        let text = String::from_utf8(only_sdk_members(manifest).unwrap()).unwrap();
        let toml: toml::Table = toml::from_str(&text).unwrap();
        let members = toml["workspace"]["members"].as_array().unwrap();
        assert_eq!(members.len(), 5, "{text}");
        assert!(toml["workspace"].get("default-members").is_none());
        assert!(toml["workspace"].get("dependencies").is_some());
        for needed in [
            "guest-sdk/src/lib.rs",
            "wit/page.wit",
            "host/src/lib.rs",
            "apptest/src/lib.rs",
            "pages/counter/src/lib.rs",
            "pages/wasmlit.toml",
        ] {
            assert!(SOURCES.iter().any(|(name, _)| *name == needed), "{needed}");
        }
    }

    #[test]
    fn names_that_cannot_name_a_crate_are_refused() {
        for bad in ["", "Page", "1st", "my page", "../x", "a/b"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        check_name("sales_report-2").unwrap();
    }
}
