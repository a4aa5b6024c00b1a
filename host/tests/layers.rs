//! The host's layers import only the layers below them. Read from the source:
//! every `crate::` path in a file under `host/src/<layer>/` must name a layer
//! at or below `<layer>`. With that rule no import cycle can span two layers.

use std::path::{Path, PathBuf};

/// Bottom to top; each may import itself and the ones before it.
const LAYERS: &[&str] = &["model", "runtime", "app", "session", "web", "cli"];

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == layer)
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read host/src") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer each `crate::` path in `code` starts with, grouped imports
/// (`crate::{a::x, b}`) included.
fn crate_paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let preceded_by_ident = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
        rest = &rest[at + "crate::".len()..];
        if preceded_by_ident {
            continue; // e.g. `$crate::` in a macro or `some_crate::`
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        found.push(name);
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push(name);
        }
    }
    found
}

/// Code without `//` comments (doc links are not imports).
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn each_layer_imports_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut violations = Vec::new();
    let mut checked = 0;
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src");
        let mut parts = relative.components();
        let first = parts.next().expect("a path").as_os_str().to_string_lossy();
        if parts.next().is_none() {
            // lib.rs and main.rs sit above every layer.
            assert!(
                first == "lib.rs" || first == "main.rs",
                "{} is outside every layer: put it in one of {LAYERS:?}",
                relative.display()
            );
            continue;
        }
        let own = rank(&first)
            .unwrap_or_else(|| panic!("{first}/ is not a layer: add it to LAYERS in order"));
        let text = std::fs::read_to_string(file).expect("read source");
        for name in crate_paths(&without_comments(&text)) {
            checked += 1;
            match rank(&name) {
                Some(r) if r <= own => {}
                Some(_) => violations.push(format!(
                    "{} ({first}) imports crate::{name}, a higher layer",
                    relative.display()
                )),
                None => violations.push(format!(
                    "{} imports crate::{name}, which is not a layer",
                    relative.display()
                )),
            }
        }
    }
    assert!(checked > 100, "the scan found only {checked} crate paths");
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_scan_sees_plain_grouped_and_nested_paths() {
    let code = "use crate::model::delta::Delta;\nuse crate::{web::x, runtime::{a, b}};\nlet v = crate::session::f();\nmacro $crate::no; other_crate::no;";
    assert_eq!(
        crate_paths(code),
        vec!["model", "web", "runtime", "session"]
    );
    assert_eq!(without_comments("let a = 1; // crate::web"), "let a = 1; ");
}
