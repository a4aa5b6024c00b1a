//! Media: the bytes of the images, sounds, videos, documents and HTML frames
//! a session's runs show. They never travel inside a WebSocket message: the
//! host keeps them per session and the browser fetches each from a URL that
//! only that session's deltas name (`/_/media/<session part><item part>`),
//! with its own `Content-Type`. The session part is random per session, the
//! item part a keyed hash of the content, so a rerun that shows the same
//! image names the same URL (the browser neither fetches nor redraws it
//! again) and no other session can guess it. An item goes when no run of its
//! session shows it any more, or when the session ends.

use crate::runtime::limits::{human_bytes, Limits};
use parking_lot::Mutex;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

/// Where media is served, under the app's URL prefix.
pub const MEDIA_PATH: &str = "/_/media/";

/// One item: its type and content.
#[derive(Debug)]
pub struct Item {
    /// The `Content-Type` it is served with.
    pub mime: String,
    /// The content.
    pub bytes: bytes::Bytes,
}

/// Every session's media in one app, within the app's limits
/// (`media_item_bytes`, `media_session_bytes`, `media_app_bytes`).
pub struct Media {
    inner: Mutex<Store>,
    /// Keys the hash that names items; random per process.
    keys: std::collections::hash_map::RandomState,
}

impl Default for Media {
    fn default() -> Self {
        Media {
            inner: Mutex::default(),
            keys: std::collections::hash_map::RandomState::new(),
        }
    }
}

#[derive(Default)]
struct Store {
    /// Items by name (the URL's last segment).
    items: HashMap<String, Arc<Item>>,
    sessions: HashMap<String, SessionMedia>,
    /// Bytes of every item held.
    bytes: usize,
}

struct SessionMedia {
    /// The random first half of every item name of the session.
    prefix: String,
    /// Items the browser shows: drawn by the last run that finished.
    shown: HashSet<String>,
    /// Items drawn by the run going now.
    drawn: HashSet<String>,
    /// Bytes of the session's items.
    bytes: usize,
}

impl Media {
    /// Keeps `bytes` of type `mime` for `session`'s run and returns the path
    /// it is served at (after the app's prefix), or a message naming the
    /// limit it would pass.
    pub fn add(
        &self,
        session: &str,
        bytes: &[u8],
        mime: &str,
        limits: &Limits,
    ) -> Result<String, String> {
        if bytes.len() > limits.media_item_bytes {
            return Err(format!(
                "a media item may have at most {} (media_item_bytes); this one has {}",
                human_bytes(limits.media_item_bytes as u64),
                human_bytes(bytes.len() as u64)
            ));
        }
        let mut store = self.inner.lock();
        let store = &mut *store;
        // Only a session whose run started here: a run still going after
        // its session ended adds nothing that would outlive it.
        let Some(entry) = store.sessions.get_mut(session) else {
            return Err("the session has ended".into());
        };
        let mut hasher = self.keys.build_hasher();
        hasher.write(mime.as_bytes());
        hasher.write_u8(0);
        hasher.write(bytes);
        let mut name = format!("{}{:016x}", entry.prefix, hasher.finish());
        // The same content again (a rerun): the same name, nothing stored.
        // A different content under the same hash gets a name of its own.
        let mut n = 0u32;
        while let Some(held) = store.items.get(&name) {
            if held.mime == mime && held.bytes[..] == *bytes {
                entry.drawn.insert(name.clone());
                return Ok(format!("{MEDIA_PATH}{name}"));
            }
            n += 1;
            name = format!("{}{:016x}{n}", entry.prefix, hasher.finish());
        }
        if entry.bytes + bytes.len() > limits.media_session_bytes {
            return Err(format!(
                "the session's media would pass {} (media_session_bytes)",
                human_bytes(limits.media_session_bytes as u64)
            ));
        }
        if store.bytes + bytes.len() > limits.media_app_bytes {
            return Err(format!(
                "the app's media would pass {} (media_app_bytes)",
                human_bytes(limits.media_app_bytes as u64)
            ));
        }
        entry.bytes += bytes.len();
        entry.drawn.insert(name.clone());
        store.bytes += bytes.len();
        store.items.insert(
            name.clone(),
            Arc::new(Item {
                mime: mime.to_owned(),
                bytes: bytes::Bytes::copy_from_slice(bytes),
            }),
        );
        Ok(format!("{MEDIA_PATH}{name}"))
    }

    /// A run of `session` starts: its items can be added from now until
    /// the session ends.
    pub fn run_started(&self, session: &str) {
        self.inner
            .lock()
            .sessions
            .entry(session.to_owned())
            .or_insert_with(|| SessionMedia {
                prefix: format!("{:032x}", rand::random::<u128>()),
                shown: HashSet::new(),
                drawn: HashSet::new(),
                bytes: 0,
            });
    }

    /// The item named `name` (the part of its path after [`MEDIA_PATH`]).
    pub fn get(&self, name: &str) -> Option<Arc<Item>> {
        self.inner.lock().items.get(name).cloned()
    }

    /// A run of `session` ended. After a whole-page run that was not
    /// replaced, the items it drew are what the browser shows, and the rest
    /// go; after a fragment or a replaced run the browser still shows the
    /// earlier items too, so they stay.
    pub fn run_ended(&self, session: &str, replaces_page: bool) {
        let mut store = self.inner.lock();
        let store = &mut *store;
        let Some(entry) = store.sessions.get_mut(session) else {
            return;
        };
        let drawn = std::mem::take(&mut entry.drawn);
        if replaces_page {
            let gone: Vec<String> = entry.shown.difference(&drawn).cloned().collect();
            for name in gone {
                if let Some(item) = store.items.remove(&name) {
                    entry.bytes -= item.bytes.len();
                    store.bytes -= item.bytes.len();
                }
            }
            entry.shown = drawn;
        } else {
            entry.shown.extend(drawn);
        }
    }

    /// The session ended: its items go.
    pub fn drop_session(&self, session: &str) {
        let mut store = self.inner.lock();
        let store = &mut *store;
        if let Some(entry) = store.sessions.remove(session) {
            for name in entry.shown.iter().chain(&entry.drawn) {
                if let Some(item) = store.items.remove(name) {
                    store.bytes -= item.bytes.len();
                }
            }
        }
    }

    /// Bytes held for every session.
    pub fn bytes(&self) -> usize {
        self.inner.lock().bytes
    }
}

/// The MIME type of `bytes` when the page named none: from their first
/// bytes for the image, sound, video and document formats browsers show,
/// `application/octet-stream` otherwise.
pub fn sniff(bytes: &[u8]) -> &'static str {
    let starts = |prefix: &[u8]| bytes.starts_with(prefix);
    if starts(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if starts(b"\xff\xd8\xff") {
        "image/jpeg"
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        "image/gif"
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WAVE" {
        "audio/wav"
    } else if starts(b"%PDF-") {
        "application/pdf"
    } else if starts(b"OggS") {
        "audio/ogg"
    } else if starts(b"ID3") || starts(b"\xff\xfb") || starts(b"\xff\xf3") {
        "audio/mpeg"
    } else if starts(b"fLaC") {
        "audio/flac"
    } else if starts(b"\x1a\x45\xdf\xa3") {
        "video/webm"
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        "video/mp4"
    } else if looks_like_svg(bytes) {
        "image/svg+xml"
    } else {
        "application/octet-stream"
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    text.contains("<svg")
}

/// The MIME types an item of `kind` may be served as: a page's `mime` is
/// checked against it, so no item becomes a type the browser would run as
/// a document in the app's origin.
pub fn check_mime(kind: MediaKind, mime: &str) -> Result<String, String> {
    let mime = mime.trim().to_ascii_lowercase();
    let essence = mime.split(';').next().unwrap_or_default().trim();
    // `type/subtype` of token characters only (no `,` that a browser
    // could read as a list of types).
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_'))
    };
    if !essence
        .split_once('/')
        .is_some_and(|(a, b)| token(a) && token(b))
    {
        return Err(format!("{mime:?} is not a MIME type"));
    }
    let ok = match kind {
        MediaKind::Image => matches!(
            essence,
            "image/png"
                | "image/jpeg"
                | "image/gif"
                | "image/webp"
                | "image/svg+xml"
                | "image/avif"
                | "image/bmp"
        ),
        MediaKind::Audio => essence.starts_with("audio/"),
        MediaKind::Video => essence.starts_with("video/"),
        MediaKind::Pdf => essence == "application/pdf",
        MediaKind::Subtitles => essence == "text/vtt",
        MediaKind::Frame => essence == "text/html",
    };
    if ok {
        Ok(essence.to_owned())
    } else {
        Err(format!("{mime:?} is not a type {} may have", kind.name()))
    }
}

/// What an item is shown as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// `image`.
    Image,
    /// `audio`.
    Audio,
    /// `video`.
    Video,
    /// `pdf`.
    Pdf,
    /// A video's subtitles (WebVTT).
    Subtitles,
    /// An HTML frame's document.
    Frame,
}

impl MediaKind {
    fn name(self) -> &'static str {
        match self {
            MediaKind::Image => "an image",
            MediaKind::Audio => "audio",
            MediaKind::Video => "a video",
            MediaKind::Pdf => "a PDF",
            MediaKind::Subtitles => "subtitles",
            MediaKind::Frame => "an HTML frame",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(item: usize, session: usize, app: usize) -> Limits {
        Limits {
            media_item_bytes: item,
            media_session_bytes: session,
            media_app_bytes: app,
            ..Limits::default()
        }
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\nrest";

    #[test]
    fn the_same_content_in_a_session_keeps_its_url_and_another_session_gets_another() {
        let media = Media::default();
        let l = limits(100, 1000, 10_000);
        media.run_started("s");
        media.run_started("t");
        let a = media.add("s", PNG, "image/png", &l).unwrap();
        let again = media.add("s", PNG, "image/png", &l).unwrap();
        let other = media.add("t", PNG, "image/png", &l).unwrap();
        assert_eq!(a, again);
        assert_ne!(a, other);
        assert_eq!(media.bytes(), 2 * PNG.len());
        let name = a.strip_prefix(MEDIA_PATH).unwrap();
        assert_eq!(media.get(name).unwrap().mime, "image/png");
        assert!(name.len() >= 48, "{name}");
    }

    #[test]
    fn an_item_goes_when_a_whole_run_no_longer_shows_it() {
        let media = Media::default();
        let l = limits(100, 1000, 10_000);
        media.run_started("s");
        let first = media.add("s", PNG, "image/png", &l).unwrap();
        media.run_ended("s", true);
        // A fragment run and a replaced run keep what the page shows.
        media.run_ended("s", false);
        let name = first.strip_prefix(MEDIA_PATH).unwrap().to_owned();
        assert!(media.get(&name).is_some());
        // A whole run that draws another item lets the first go.
        media.add("s", b"GIF89a..", "image/gif", &l).unwrap();
        media.run_ended("s", true);
        assert!(media.get(&name).is_none());
        assert_eq!(media.bytes(), 8);
        media.drop_session("s");
        assert_eq!(media.bytes(), 0);
        // A run still going after its session ended adds nothing.
        let err = media.add("s", PNG, "image/png", &l).unwrap_err();
        assert!(err.contains("ended"), "{err}");
        media.run_ended("s", true);
        assert_eq!(media.bytes(), 0);
    }

    #[test]
    fn each_limit_is_named_when_passed() {
        let media = Media::default();
        media.run_started("s");
        media.run_started("t");
        let err = media
            .add("s", &[0; 11], "image/png", &limits(10, 100, 100))
            .unwrap_err();
        assert!(err.contains("media_item_bytes"), "{err}");
        let l = limits(10, 15, 100);
        media.add("s", &[1; 10], "image/png", &l).unwrap();
        let err = media.add("s", &[2; 10], "image/png", &l).unwrap_err();
        assert!(err.contains("media_session_bytes"), "{err}");
        let l = limits(10, 100, 15);
        let err = media.add("t", &[3; 10], "image/png", &l).unwrap_err();
        assert!(err.contains("media_app_bytes"), "{err}");
    }

    #[test]
    fn types_are_sniffed_and_checked_per_kind() {
        assert_eq!(sniff(PNG), "image/png");
        assert_eq!(
            sniff(b"<?xml version='1.0'?><svg xmlns=''/>"),
            "image/svg+xml"
        );
        assert_eq!(sniff(b"%PDF-1.7"), "application/pdf");
        assert!(check_mime(MediaKind::Image, "text/html").is_err());
        assert!(check_mime(MediaKind::Image, "image/svg+xml").is_ok());
        assert!(check_mime(MediaKind::Audio, "audio/ogg; codecs=opus").is_ok());
        assert!(check_mime(MediaKind::Video, "image/png").is_err());
        assert!(check_mime(MediaKind::Audio, "audio/x,text/html").is_err());
        assert!(check_mime(MediaKind::Audio, "audio/").is_err());
    }
}
