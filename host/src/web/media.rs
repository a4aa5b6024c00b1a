//! `GET /_/media/<name>`: a session's images, sounds, videos, documents and
//! HTML frames, with their own type, byte ranges for players, and a policy
//! per type: nothing served here can run script in the app's origin.

use crate::runtime::services::media::Item;
use crate::web::server::ServerState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The policy of an item that is not a frame: no script, no plugin, no
/// loads, and a sandbox (an SVG opened on its own runs nothing and reaches
/// nothing of the origin).
const INERT_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                            sandbox; frame-ancestors 'self'";

/// The policy of an HTML frame: its own inline scripts and styles run, in an
/// origin of its own (the sandbox without `allow-same-origin`), and it loads
/// nothing from anywhere (no `connect-src`, no remote images or scripts).
const FRAME_POLICY: &str = "default-src 'none'; script-src 'unsafe-inline'; \
                            style-src 'unsafe-inline'; img-src data: blob:; font-src data:; \
                            media-src data: blob:; form-action 'none'; \
                            sandbox allow-scripts; frame-ancestors 'self'";

/// A PDF is shown by the browser's own viewer, which a sandbox would stop.
const PDF_POLICY: &str = "default-src 'none'; frame-ancestors 'self'";

/// Serves one item of the app's media.
pub async fn media(
    State(state): State<Arc<ServerState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    match state.services.media.get(&name) {
        Some(item) => respond(&item, headers.get(header::RANGE)),
        None => (StatusCode::NOT_FOUND, "no such media item").into_response(),
    }
}

/// The response for `item`: whole, or the one byte range asked for.
fn respond(item: &Item, range: Option<&HeaderValue>) -> Response {
    let policy = match item.mime.as_str() {
        "text/html" => FRAME_POLICY,
        "application/pdf" => PDF_POLICY,
        _ => INERT_POLICY,
    };
    let content_type = if item.mime == "text/html" {
        "text/html; charset=utf-8".to_owned()
    } else {
        item.mime.clone()
    };
    let disposition = if item.mime == "application/pdf" {
        "inline; filename=\"document.pdf\""
    } else {
        "inline"
    };
    let common = [
        (header::CONTENT_DISPOSITION, disposition.to_owned()),
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_SECURITY_POLICY, policy.to_owned()),
        (header::X_FRAME_OPTIONS, "SAMEORIGIN".to_owned()),
        (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
        (header::ACCEPT_RANGES, "bytes".to_owned()),
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin".to_owned(),
        ),
    ];
    let total = item.bytes.len();
    match range.map(|r| byte_range(r.to_str().unwrap_or_default(), total)) {
        None | Some(Range::Ignored) => (common, item.bytes.clone()).into_response(),
        Some(Range::Unsatisfiable) => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            common,
            [(header::CONTENT_RANGE, format!("bytes */{total}"))],
        )
            .into_response(),
        Some(Range::Part(start, end)) => (
            StatusCode::PARTIAL_CONTENT,
            common,
            [(
                header::CONTENT_RANGE,
                format!("bytes {start}-{end}/{total}"),
            )],
            item.bytes.slice(start..=end),
        )
            .into_response(),
    }
}

/// What a `Range` header asks of `total` bytes.
#[derive(Debug, PartialEq, Eq)]
enum Range {
    /// Bytes `start..=end`.
    Part(usize, usize),
    /// A range past the end.
    Unsatisfiable,
    /// Not one range of bytes (several, or another unit): the whole item
    /// is sent, as HTTP allows.
    Ignored,
}

fn byte_range(header: &str, total: usize) -> Range {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return Range::Ignored;
    };
    if spec.contains(',') {
        return Range::Ignored;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Range::Ignored;
    };
    let (first, last) = (first.trim(), last.trim());
    let parse = |s: &str| s.parse::<usize>().ok();
    let (start, end) = match (first.is_empty(), last.is_empty()) {
        // `bytes=-n`: the last n bytes.
        (true, false) => match parse(last) {
            Some(0) => return Range::Unsatisfiable,
            Some(n) => (total.saturating_sub(n), total.saturating_sub(1)),
            None => return Range::Ignored,
        },
        (false, true) => match parse(first) {
            Some(start) => (start, total.saturating_sub(1)),
            None => return Range::Ignored,
        },
        (false, false) => match (parse(first), parse(last)) {
            (Some(start), Some(end)) if start <= end => (start, end.min(total.saturating_sub(1))),
            _ => return Range::Ignored,
        },
        (true, true) => return Range::Ignored,
    };
    if total == 0 || start >= total {
        Range::Unsatisfiable
    } else {
        Range::Part(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_read_as_http_has_them() {
        assert_eq!(byte_range("bytes=0-9", 100), Range::Part(0, 9));
        assert_eq!(byte_range("bytes=90-", 100), Range::Part(90, 99));
        assert_eq!(byte_range("bytes=-10", 100), Range::Part(90, 99));
        assert_eq!(byte_range("bytes=50-500", 100), Range::Part(50, 99));
        assert_eq!(byte_range("bytes=100-", 100), Range::Unsatisfiable);
        assert_eq!(byte_range("bytes=-0", 100), Range::Unsatisfiable);
        assert_eq!(byte_range("bytes=0-1,5-6", 100), Range::Ignored);
        assert_eq!(byte_range("items=0-1", 100), Range::Ignored);
        assert_eq!(byte_range("bytes=9-0", 100), Range::Ignored);
        assert_eq!(byte_range("bytes=x-", 100), Range::Ignored);
    }

    #[test]
    fn an_svg_cannot_run_script_and_a_frame_runs_in_an_origin_of_its_own() {
        let svg = Item {
            mime: "image/svg+xml".into(),
            bytes: bytes::Bytes::from_static(b"<svg><script>alert(1)</script></svg>"),
        };
        let response = respond(&svg, None);
        let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(policy.contains("sandbox;"), "{policy}");
        assert!(!policy.contains("script-src"), "{policy}");
        let frame = Item {
            mime: "text/html".into(),
            bytes: bytes::Bytes::from_static(b"<p>hi</p>"),
        };
        let response = respond(&frame, None);
        let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(policy.contains("sandbox allow-scripts"), "{policy}");
        assert!(!policy.contains("allow-same-origin"), "{policy}");
        assert!(!policy.contains("connect-src"), "{policy}");
    }
}
