//! The browser frontend, embedded in the binary: no CDN, no network at run time.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

const INDEX: &str = include_str!("../../frontend/index.html");
const APP_JS: &str = include_str!("../../frontend/app.js");
const ELEMENTS_JS: &str = include_str!("../../frontend/elements.js");
const APP_CSS: &str = include_str!("../../frontend/app.css");

/// The app shell for an app served under `base` (`""` at the root, else
/// `/name`): its asset and socket URLs start with it.
pub fn index_for(base: &str) -> String {
    if base.is_empty() {
        return INDEX.to_owned();
    }
    INDEX.replace("\"/_/", &format!("\"{base}/_/")).replace(
        "name=\"wasmlit-base\" content=\"\"",
        &format!("name=\"wasmlit-base\" content=\"{base}\""),
    )
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

/// The vendored charting library (see `frontend/vendor/update.sh`): file
/// name and contents.
const VENDOR: [(&str, &[u8]); 3] = [
    (
        "vega.min.js",
        include_bytes!("../../frontend/vendor/vega.min.js"),
    ),
    (
        "vega-lite.min.js",
        include_bytes!("../../frontend/vendor/vega-lite.min.js"),
    ),
    (
        "vega-embed.min.js",
        include_bytes!("../../frontend/vendor/vega-embed.min.js"),
    ),
];

/// A vendored script, loaded by the browser on its first chart.
pub async fn vendor(Path(file): Path<String>) -> Response {
    match VENDOR.iter().find(|(name, _)| *name == file) {
        Some((_, body)) => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
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
