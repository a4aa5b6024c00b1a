//! The session protocol: JSON messages over one WebSocket per browser tab.
//! Documented for people in `docs/protocol.md`.

use crate::model::delta::Element;
use serde::{Deserialize, Serialize};

/// A message from the browser.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// Run `page` again with these widget values (latest wins; button clicks
    /// are kept until a run that saw them completes).
    Rerun {
        page: String,
        #[serde(default)]
        widgets: serde_json::Map<String, serde_json::Value>,
        #[serde(default)]
        query: String,
    },
    /// Stop the run in flight.
    Stop {},
    /// Keeps the connection alive; answered with `heartbeat`.
    Heartbeat {},
    /// Drops the app's cached data and resources; answered with
    /// `cache_cleared`.
    ClearCache {},
}

/// One page in the navigation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageInfo {
    /// The page's name, used in `rerun` and in the URL.
    pub name: String,
    /// The label shown in the navigation.
    pub title: String,
    /// An icon before the label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<crate::model::delta::Icon>,
    /// The heading of the group it is listed under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// The page the app's root opens.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub default: bool,
}

/// Where the browser shows the navigation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NavPosition {
    /// At the top of the sidebar.
    #[default]
    Sidebar,
    /// Along the top of the page.
    Top,
    /// Not shown (pages are still opened by URL and `switch_page`).
    Hidden,
}

/// The pages a session may open and how they are listed: the app's own
/// (`wasmlit.toml`), or what a run set with `navigation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Navigation {
    /// In order.
    pub pages: Vec<PageInfo>,
    pub position: NavPosition,
}

/// A message to the browser.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// Sent first: the session's id (keep it to resume) and the pages.
    Session {
        id: String,
        resumed: bool,
        pages: Vec<PageInfo>,
        position: NavPosition,
    },
    /// A run began; elements already on screen are now stale.
    RunStarted {
        run: u64,
        page: String,
        /// A fragment run redraws only the container at this path.
        #[serde(skip_serializing_if = "Option::is_none")]
        scope: Option<Vec<u32>>,
    },
    /// One element of run `run`.
    Delta {
        run: u64,
        path: Vec<u32>,
        element: Element,
    },
    /// A run ended, with a message unless it ended well.
    RunFinished {
        run: u64,
        status: RunStatus,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// The requested page does not exist.
    PageNotFound { page: String },
    /// The list of pages changed (a page was added, removed or rebuilt, or
    /// a run set the session's navigation).
    Pages {
        pages: Vec<PageInfo>,
        position: NavPosition,
    },
    /// A message the browser sent was refused; the session goes on.
    Error { message: String },
    /// A widget's value was refused (by the session, or by the run that
    /// drew the widget): the browser shows the widget as the server last
    /// drew it again, and the message.
    Refused {
        widget: crate::model::widget::WidgetId,
        message: String,
    },
    /// Answer to a heartbeat.
    Heartbeat,
    /// The app's caches were cleared.
    CacheCleared,
    /// The server is shutting down.
    Shutdown,
    /// Connect again now, naming the session: this server stopped serving
    /// it (it is draining, or another replica took the session over) and
    /// any replica resumes it from the shared store.
    Reconnect,
    /// The page shown was changed on disk and its rebuild failed (only
    /// while `--watch` runs, for the page's author): the compiler's
    /// message, with files and lines. The previous build stays served.
    BuildFailed { page: String, message: String },
}

/// The first message of a socket: `{"type":"hello"}` for a new session,
/// `{"type":"hello","session":"<id>"}` to resume one; either may carry
/// what the browser says of itself (`"context": {"locale", "timezone",
/// "timezone_offset", "url", "theme"}`).
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum Hello {
    Hello {
        #[serde(default)]
        session: Option<String>,
        #[serde(default)]
        context: Option<serde_json::Value>,
        /// `"arrow"`: the browser reads tables' columns as Arrow IPC
        /// streams in binary frames (see [`crate::model::arrow`]).
        #[serde(default)]
        tables: Option<String>,
    },
}

/// A socket's `hello`: the session to resume, if any, and the browser's
/// context.
#[derive(Debug, Default, PartialEq)]
pub struct HelloMessage {
    pub session: Option<String>,
    pub browser: crate::model::context::BrowserContext,
    /// Whether the browser reads tables as Arrow (`"tables": "arrow"`).
    pub arrow_tables: bool,
}

/// Reads a socket's first message as `hello`: `Some` when it is one,
/// `None` when it is not. A context that does not read as one is dropped,
/// not refused: it only ever serves display.
pub fn parse_hello(text: &str) -> Option<HelloMessage> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    match serde_json::from_str(text) {
        Ok(Hello::Hello {
            session,
            context,
            tables,
        }) => Some(HelloMessage {
            session,
            arrow_tables: tables.as_deref() == Some("arrow"),
            browser: context
                .and_then(|c| serde_json::from_value(c).ok())
                .unwrap_or_default(),
        }),
        Err(_) => None,
    }
}

/// Parses a client message, with an error that says what was wrong.
pub fn parse_client(text: &str) -> Result<ClientMessage, String> {
    // Every message is a JSON object (serde would also take an array).
    if !text.trim_start().starts_with('{') {
        return Err("malformed message: a message is a JSON object".into());
    }
    serde_json::from_str(text).map_err(|e| format!("malformed message: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hello() {
        assert_eq!(
            parse_hello(r#"{"type":"hello"}"#),
            Some(HelloMessage::default())
        );
        assert_eq!(
            parse_hello(r#"{"type":"hello","session":"ab"}"#).map(|h| h.session),
            Some(Some("ab".into()))
        );
        let with_context = parse_hello(
            r#"{"type":"hello","context":{"locale":"nb-NO","timezone":"Europe/Oslo","theme":"dark"}}"#,
        )
        .unwrap();
        assert_eq!(
            with_context.browser.timezone.as_deref(),
            Some("Europe/Oslo")
        );
        // A context that is not one is dropped, the hello kept.
        let odd = parse_hello(r#"{"type":"hello","context":{"locale":5}}"#).unwrap();
        assert_eq!(odd.browser, Default::default());
        // Arrow tables only when asked for by name.
        assert!(
            parse_hello(r#"{"type":"hello","tables":"arrow"}"#)
                .unwrap()
                .arrow_tables
        );
        assert!(
            !parse_hello(r#"{"type":"hello","tables":"csv"}"#)
                .unwrap()
                .arrow_tables
        );
        assert_eq!(parse_hello(r#"{"type":"stop"}"#), None);
        assert_eq!(parse_hello(r#"{"type":"hello","x":1}"#), None);
        assert_eq!(parse_hello("[]"), None);
    }

    #[test]
    fn parses_rerun_with_widgets() {
        let m =
            parse_client(r#"{"type":"rerun","page":"counter","widgets":{"slider:1":5}}"#).unwrap();
        match m {
            ClientMessage::Rerun { page, widgets, .. } => {
                assert_eq!(page, "counter");
                assert_eq!(widgets["slider:1"], 5);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refuses_unknown_types_and_fields() {
        assert!(parse_client(r#"{"type":"explode"}"#)
            .unwrap_err()
            .starts_with("malformed message"));
        assert!(parse_client(r#"{"type":"stop","extra":1}"#).is_err());
        assert!(parse_client("not json").is_err());
    }
}

/// `memory_hog` → `Memory hog`.
pub fn title_case(name: &str) -> String {
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

/// How a run ended, as the browser and `host run` are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// It ended well (including `stop()` and `rerun()` from the page).
    Ok,
    /// It failed; the message says why.
    Error,
    /// The user pressed Stop.
    Stopped,
    /// A newer run replaced it.
    Replaced,
    /// The server is shutting down.
    Shutdown,
}

impl RunStatus {
    /// The word on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Ok => "ok",
            RunStatus::Error => "error",
            RunStatus::Stopped => "stopped",
            RunStatus::Replaced => "replaced",
            RunStatus::Shutdown => "shutdown",
        }
    }
}
