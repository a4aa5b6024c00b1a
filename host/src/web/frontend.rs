//! The browser frontend, embedded in the binary: no CDN, no network at run time.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

const INDEX: &str = include_str!("../../frontend/index.html");
const APP_JS: &str = include_str!("../../frontend/app.js");
const ELEMENTS_JS: &str = include_str!("../../frontend/elements.js");
const APP_CSS: &str = include_str!("../../frontend/app.css");

/// The app shell for an app served under `base` (`""` at the root, else
/// `/name`): its asset and socket URLs start with it. `tiles` is the
/// operator's map tile source and its credit, if any.
pub fn index_for(base: &str, tiles: Option<&(String, String)>, frame_origins: &[String]) -> String {
    let mut index = INDEX.to_owned();
    if !frame_origins.is_empty() {
        index = index.replace(
            "<meta name=\"wasmlit-base\"",
            &format!(
                "<meta name=\"wasmlit-frame-origins\" content=\"{}\">\n<meta name=\"wasmlit-base\"",
                attribute(&frame_origins.join(" "))
            ),
        );
    }
    if !base.is_empty() {
        index = index.replace("\"/_/", &format!("\"{base}/_/")).replace(
            "name=\"wasmlit-base\" content=\"\"",
            &format!("name=\"wasmlit-base\" content=\"{}\"", attribute(base)),
        );
    }
    if let Some((url, credit)) = tiles {
        index = index.replace(
            "<meta name=\"wasmlit-base\"",
            &format!(
                "<meta name=\"wasmlit-tiles\" content=\"{}\">\n<meta name=\"wasmlit-tiles-credit\" content=\"{}\">\n<meta name=\"wasmlit-base\"",
                attribute(url),
                attribute(credit)
            ),
        );
    }
    index
}

/// `text` escaped for a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The app shell; the script picks the page from the URL.
pub async fn index(
    axum::extract::State(state): axum::extract::State<
        std::sync::Arc<crate::web::server::ServerState>,
    >,
) -> Html<String> {
    Html(state.index_html.clone())
}

/// The session client.
pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        APP_JS,
    )
}

/// The element renderers.
pub async fn elements() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        ELEMENTS_JS,
    )
}

/// The vendored browser libraries (see `frontend/vendor/update.sh`): path
/// under the vendor folder and contents. Each is loaded by the browser the
/// first time an element needs it.
pub static VENDOR: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/vendor_files.rs"));

/// The `Content-Type` of a vendored file, by its extension.
fn vendor_type(file: &str) -> &'static str {
    match file.rsplit('.').next().unwrap_or_default() {
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "woff2" => "font/woff2",
        "png" => "image/png",
        _ => "text/plain; charset=utf-8",
    }
}

/// A vendored file (a script, a stylesheet, a font or an image).
pub async fn vendor(Path(file): Path<String>) -> Response {
    match VENDOR.iter().find(|(name, _)| *name == file) {
        Some((name, body)) => (
            [
                (header::CONTENT_TYPE, vendor_type(name)),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The stylesheet.
pub async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], APP_CSS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The keys of the object `name`, as written at two spaces' indent in
    /// `source`: in `const {name} = {` and in every `Object.assign({name}, {`.
    fn keys(source: &str, name: &str) -> BTreeSet<String> {
        let openings = [
            format!("const {name} = {{"),
            format!("Object.assign({name}, {{"),
        ];
        let mut found = BTreeSet::new();
        for opening in &openings {
            for (start, _) in source.match_indices(opening.as_str()) {
                let body = source[start..]
                    .lines()
                    .skip(1)
                    .take_while(|line| !line.starts_with("};") && !line.starts_with("});"));
                found.extend(body.filter_map(|line| {
                    let key = line.strip_prefix("  ")?;
                    let name: String = key
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    (!name.is_empty() && key[name.len()..].starts_with([':', '('])).then_some(name)
                }));
            }
        }
        assert!(!found.is_empty(), "no object `{name}` in the frontend");
        found
    }

    /// Every element, block and widget the host can send has a renderer:
    /// checked without a browser, from one sample of each serialized as
    /// the browser receives it.
    #[test]
    fn the_frontend_renders_every_kind_the_host_sends() {
        let elements = keys(ELEMENTS_JS, "ELEMENTS");
        let blocks = keys(ELEMENTS_JS, "BLOCKS");
        let widgets = keys(ELEMENTS_JS, "WIDGETS");
        let page_level = keys(APP_JS, "PAGE_LEVEL");
        assert!(elements.len() > 10 && widgets.len() > 10 && blocks.len() > 5);
        let mut missing = Vec::new();
        for element in crate::model::delta::one_of_each() {
            let json = serde_json::to_value(&element).expect("serializes");
            let kind = json["kind"].as_str().expect("a kind").to_owned();
            let known = if element.is_page_level() {
                page_level.contains(&kind)
            } else {
                match kind.as_str() {
                    "block" => json["block"].as_str().is_some_and(|b| blocks.contains(b)),
                    "widget" => json["widget"].as_str().is_some_and(|w| widgets.contains(w)),
                    // Rows join the element at their place (`place`).
                    "add_rows" => APP_JS.contains("element.kind === \"add_rows\""),
                    _ => elements.contains(&kind),
                }
            };
            if !known {
                missing.push(json.to_string());
            }
        }
        assert!(missing.is_empty(), "no renderer for: {missing:#?}");
    }

    #[test]
    fn the_key_scan_reads_object_literals() {
        let source = "const X = {\n  a: 1,\n  b(el) {\n    c: 2,\n  },\n};\n\
                      Object.assign(X, {\n  d: 3,\n});\n";
        assert_eq!(
            keys(source, "X"),
            BTreeSet::from(["a".into(), "b".into(), "d".into()])
        );
    }
}
