//! The browser frontend, embedded in the binary: no CDN, no network at run time.

use axum::http::header;
use axum::response::{Html, IntoResponse};

const INDEX: &str = include_str!("../frontend/index.html");
const APP_JS: &str = include_str!("../frontend/app.js");
const ELEMENTS_JS: &str = include_str!("../frontend/elements.js");
const APP_CSS: &str = include_str!("../frontend/app.css");

/// The app shell; the script picks the page from the URL.
pub async fn index() -> Html<&'static str> {
    Html(INDEX)
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

/// The stylesheet.
pub async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], APP_CSS)
}
