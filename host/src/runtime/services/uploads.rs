//! Uploaded files: what `file_uploader` widgets received. The browser sends
//! each file over HTTP (`POST /_/upload`), apart from the session's
//! WebSocket and its small messages; the file waits here, per app and
//! session, until the widget's value names it, a run reads it, and the
//! widget or the session lets go of it.

use crate::model::widget::FileInfo;
use crate::runtime::limits::{human_bytes, Limits};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

/// One uploaded file.
#[derive(Debug)]
pub struct Upload {
    /// The widget it was uploaded to.
    pub widget: String,
    /// The file's name as the browser gave it (no directories).
    pub name: String,
    /// The MIME type the browser reported.
    pub mime: String,
    /// The content.
    pub bytes: bytes::Bytes,
}

impl Upload {
    /// The file's description under `id`.
    pub fn info(&self, id: &str) -> FileInfo {
        FileInfo {
            id: id.to_owned(),
            name: self.name.clone(),
            mime: self.mime.clone(),
            size: self.bytes.len() as u64,
        }
    }
}

/// Longest file name kept, in bytes.
pub const MAX_FILE_NAME: usize = 255;

/// Every session's uploads in one app.
///
/// An upload reserves its bytes as they arrive ([`Uploads::begin`], then
/// [`Reservation::grow`] for each chunk), so the limits hold while bodies
/// are still streaming in, and a failed or abandoned upload gives its bytes
/// and its place back as soon as its [`Reservation`] is dropped.
#[derive(Default)]
pub struct Uploads {
    inner: Mutex<Store>,
    /// What the uploads of every app of the server may hold together, if
    /// bounded (`--upload-total-mib`).
    server: Option<Arc<crate::runtime::services::session_state::Budget>>,
}

#[derive(Default)]
struct Store {
    sessions: HashMap<String, SessionUploads>,
    /// Bytes held for every session together: stored files and bytes
    /// reserved by uploads in flight.
    bytes: usize,
}

#[derive(Default)]
struct SessionUploads {
    files: HashMap<String, Arc<Upload>>,
    /// Bytes of the stored files plus those reserved by uploads in flight.
    bytes: usize,
    /// Uploads of this session in flight.
    active: u32,
    /// The session ended while uploads were in flight: they are refused
    /// when they finish, and the entry goes with the last of them.
    ended: bool,
}

/// An upload in flight: the bytes it has received so far are counted
/// against every limit. Dropping it without [`finish`](Self::finish)
/// releases them and its place among the session's concurrent uploads.
pub struct Reservation<'a> {
    uploads: &'a Uploads,
    session: String,
    reserved: usize,
}

impl Uploads {
    /// No files yet; with `server`, the bytes also count against the
    /// server-wide budget shared by every app.
    pub fn new(server: Option<Arc<crate::runtime::services::session_state::Budget>>) -> Uploads {
        Uploads {
            inner: Mutex::default(),
            server,
        }
    }

    /// Gives `bytes` back to the server-wide budget.
    fn release(&self, bytes: usize) {
        if let Some(server) = &self.server {
            server.give(bytes);
        }
    }

    /// Starts an upload for `session`; refused (naming
    /// `upload_concurrent_per_session`) when the session already sends as
    /// many as it may.
    pub fn begin(&self, session: &str, limits: &Limits) -> Result<Reservation<'_>, String> {
        let mut store = self.inner.lock();
        let files = store.sessions.entry(session.to_owned()).or_default();
        if files.active >= limits.upload_concurrent_per_session {
            let most = limits.upload_concurrent_per_session;
            if files.active == 0 && files.files.is_empty() {
                store.sessions.remove(session);
            }
            return Err(format!(
                "this session is already sending {most} uploads; a session may send at most \
                 {most} at once (upload_concurrent_per_session): wait for one to finish"
            ));
        }
        files.active += 1;
        Ok(Reservation {
            uploads: self,
            session: session.to_owned(),
            reserved: 0,
        })
    }

    /// Keeps `bytes` as a file of `session` for `widget` in one step;
    /// returns its description, or why it was refused (naming the limit).
    pub fn add(
        &self,
        session: &str,
        widget: &str,
        name: &str,
        mime: &str,
        bytes: bytes::Bytes,
        limits: &Limits,
    ) -> Result<FileInfo, String> {
        self.restore(session, &new_upload_id(), widget, name, mime, bytes, limits)
    }

    /// Keeps again, under its own `id`, a file session `session` uploaded
    /// before (a session resumed from the shared store brings its files),
    /// within the same limits as an upload.
    #[allow(clippy::too_many_arguments)]
    pub fn restore(
        &self,
        session: &str,
        id: &str,
        widget: &str,
        name: &str,
        mime: &str,
        bytes: bytes::Bytes,
        limits: &Limits,
    ) -> Result<FileInfo, String> {
        if !is_upload_id(id) {
            return Err(format!("{id:?} is not an upload id"));
        }
        let mut reservation = self.begin(session, limits)?;
        reservation.grow(bytes.len(), limits)?;
        reservation.finish_as(id.to_owned(), widget, name, mime, bytes)
    }

    /// The file `id` of `session`, if it is there.
    pub fn get(&self, session: &str, id: &str) -> Option<Arc<Upload>> {
        self.inner
            .lock()
            .sessions
            .get(session)
            .and_then(|s| s.files.get(id))
            .cloned()
    }

    /// Drops the files of `widget` in `session` except those in `keep`:
    /// the widget's value no longer names them.
    pub fn keep_only(&self, session: &str, widget: &str, keep: &[String]) {
        let mut store = self.inner.lock();
        let Some(files) = store.sessions.get_mut(session) else {
            return;
        };
        let mut freed = 0;
        files.files.retain(|id, upload| {
            let stays = upload.widget != widget || keep.contains(id);
            if !stays {
                freed += upload.bytes.len();
            }
            stays
        });
        files.bytes -= freed;
        store.bytes -= freed;
        self.release(freed);
    }

    /// Drops every file of `session` (it ended). Its uploads in flight are
    /// refused when they finish.
    pub fn drop_session(&self, session: &str) {
        let mut store = self.inner.lock();
        let Some(files) = store.sessions.get_mut(session) else {
            return;
        };
        let freed: usize = files.files.values().map(|u| u.bytes.len()).sum();
        files.files.clear();
        files.bytes -= freed;
        files.ended = true;
        if files.active == 0 {
            store.sessions.remove(session);
        }
        store.bytes -= freed;
        self.release(freed);
    }

    /// Bytes held for every session together, uploads in flight included.
    pub fn bytes(&self) -> usize {
        self.inner.lock().bytes
    }

    /// Uploads in flight, over every session.
    pub fn in_flight(&self) -> usize {
        self.inner
            .lock()
            .sessions
            .values()
            .map(|s| s.active as usize)
            .sum()
    }
}

impl Reservation<'_> {
    /// Counts `more` bytes that just arrived; refused (naming
    /// `upload_file_bytes`, `upload_session_bytes` or `upload_total_bytes`)
    /// at the first byte past any of them. A refused chunk is not counted.
    pub fn grow(&mut self, more: usize, limits: &Limits) -> Result<(), String> {
        let mut store = self.uploads.inner.lock();
        let (file, session, total) = self.after(&store, more, limits)?;
        if let Some(server) = &self.uploads.server {
            if !server.take(more) {
                return Err(format!(
                    "the server holds too many uploaded files right now, over all its apps \
                     ({}, --upload-total-mib); try again later",
                    human_bytes(server.limit as u64)
                ));
            }
        }
        store.bytes = total;
        if let Some(files) = store.sessions.get_mut(&self.session) {
            files.bytes = session;
        }
        self.reserved = file;
        Ok(())
    }

    /// Whether `more` bytes would still fit (a declared length, checked
    /// before anything is read); nothing is reserved.
    pub fn check(&self, more: usize, limits: &Limits) -> Result<(), String> {
        self.after(&self.uploads.inner.lock(), more, limits)
            .map(|_| ())
    }

    /// The file's, the session's and the app's bytes once `more` arrived,
    /// or the limit they would pass.
    fn after(
        &self,
        store: &Store,
        more: usize,
        limits: &Limits,
    ) -> Result<(usize, usize, usize), String> {
        let file = self.reserved.saturating_add(more);
        if file > limits.upload_file_bytes {
            return Err(format!(
                "a file may have at most {} (upload_file_bytes)",
                human_bytes(limits.upload_file_bytes as u64)
            ));
        }
        let session = store
            .sessions
            .get(&self.session)
            .map_or(usize::MAX, |s| s.bytes.saturating_add(more));
        if session > limits.upload_session_bytes {
            return Err(format!(
                "a session may hold at most {} of files, uploads still arriving included \
                 (upload_session_bytes): remove a file first",
                human_bytes(limits.upload_session_bytes as u64)
            ));
        }
        if let Some(server) = &self.uploads.server {
            if server.used().saturating_add(more) > server.limit {
                return Err(format!(
                    "the server holds too many uploaded files right now, over all its apps \
                     ({}, --upload-total-mib); try again later",
                    human_bytes(server.limit as u64)
                ));
            }
        }
        let total = store.bytes.saturating_add(more);
        if total > limits.upload_total_bytes {
            return Err(format!(
                "the server holds too many uploaded files right now (upload_total_bytes, {}); \
                 try again later",
                human_bytes(limits.upload_total_bytes as u64)
            ));
        }
        Ok((file, session, total))
    }

    /// Bytes this upload has reserved so far.
    pub fn reserved(&self) -> usize {
        self.reserved
    }

    /// Keeps the whole file (whose bytes were reserved) for `widget` and
    /// returns its description; refused if the session ended meanwhile.
    pub fn finish(
        self,
        widget: &str,
        name: &str,
        mime: &str,
        bytes: bytes::Bytes,
    ) -> Result<FileInfo, String> {
        self.finish_as(new_upload_id(), widget, name, mime, bytes)
    }

    /// [`Reservation::finish`], keeping the file under `id`.
    fn finish_as(
        mut self,
        id: String,
        widget: &str,
        name: &str,
        mime: &str,
        bytes: bytes::Bytes,
    ) -> Result<FileInfo, String> {
        if bytes.len() != self.reserved {
            return Err("the upload's size does not match what arrived".into());
        }
        let mut store = self.uploads.inner.lock();
        let Some(files) = store.sessions.get_mut(&self.session) else {
            return Err("the session ended during the upload".into());
        };
        if files.ended {
            return Err("the session ended during the upload".into());
        }
        let upload = Upload {
            widget: widget.to_owned(),
            name: clean_name(name),
            mime: clean_mime(mime),
            bytes,
        };
        let info = upload.info(&id);
        files.files.insert(id, Arc::new(upload));
        files.active -= 1;
        // The bytes now belong to the stored file.
        self.reserved = 0;
        self.session.clear();
        Ok(info)
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if self.session.is_empty() {
            return;
        }
        let mut store = self.uploads.inner.lock();
        store.bytes -= self.reserved;
        self.uploads.release(self.reserved);
        if let Some(files) = store.sessions.get_mut(&self.session) {
            files.bytes -= self.reserved;
            files.active -= 1;
            if files.active == 0 && (files.ended || files.files.is_empty()) {
                store.sessions.remove(&self.session);
            }
        }
    }
}

/// A new upload id: 64 random bits, hex.
fn new_upload_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// Whether `id` has the form of the ids uploads get (16 hex digits).
pub fn is_upload_id(id: &str) -> bool {
    id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The last path component, at most [`MAX_FILE_NAME`] bytes, without
/// control or format characters; `file` if nothing is left.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut clean: String = base
        .chars()
        .filter(|&c| !c.is_control() && !is_format(c))
        .collect();
    while clean.len() > MAX_FILE_NAME {
        clean.pop();
    }
    let clean = clean.trim();
    if clean.is_empty() {
        "file".into()
    } else {
        clean.to_owned()
    }
}

/// Whether `c` is of Unicode's general category Cf ("format"): invisible
/// characters that change how text around them is shown, such as the
/// bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069),
/// the direction marks (U+200E, U+200F, U+061C), zero-width characters
/// (U+200B–U+200D, U+2060, U+FEFF), the soft hyphen and tag characters.
/// The full list of Cf as of Unicode 15.1; no crate of the workspace
/// exposes general categories.
pub fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// A MIME type of the shape `type/subtype` (parameters dropped), or
/// `application/octet-stream`.
fn clean_mime(mime: &str) -> String {
    let essence = mime.split(';').next().unwrap_or("").trim();
    let valid = essence.len() <= 127
        && essence.split('/').count() == 2
        && essence
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/.+-_".contains(c));
    if valid {
        essence.to_ascii_lowercase()
    } else {
        "application/octet-stream".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(file: usize, session: usize, total: usize) -> Limits {
        Limits {
            upload_file_bytes: file,
            upload_session_bytes: session,
            upload_total_bytes: total,
            ..Limits::default()
        }
    }

    #[test]
    fn the_servers_upload_budget_holds_over_apps_and_frees_with_them() {
        let server =
            crate::runtime::services::session_state::Budget::new(100, "--upload-total-mib");
        let one = Uploads::new(Some(server.clone()));
        let two = Uploads::new(Some(server.clone()));
        let roomy = limits(1000, 1000, 1000);
        one.add("a", "w", "f", "text/plain", bytes(60), &roomy)
            .unwrap();
        // The other app is under its own limits, but the server is full.
        let refused = two
            .add("b", "w", "f", "text/plain", bytes(60), &roomy)
            .unwrap_err();
        assert!(refused.contains("--upload-total-mib"), "{refused}");
        assert_eq!(server.used(), 60, "a refused upload holds nothing");
        two.add("b", "w", "f", "text/plain", bytes(40), &roomy)
            .unwrap();
        // Dropped files and abandoned uploads give their bytes back.
        one.drop_session("a");
        assert_eq!(server.used(), 40);
        let mut partial = one.begin("c", &roomy).unwrap();
        partial.grow(30, &roomy).unwrap();
        assert_eq!(server.used(), 70);
        drop(partial);
        assert_eq!(server.used(), 40);
        two.keep_only("b", "w", &[]);
        assert_eq!(server.used(), 0);
    }

    fn bytes(n: usize) -> bytes::Bytes {
        bytes::Bytes::from(vec![7u8; n])
    }

    #[test]
    fn each_limit_refuses_by_name_and_freeing_makes_room() {
        let uploads = Uploads::default();
        let l = limits(10, 15, 25);
        let err = uploads.add("s", "w", "a", "", bytes(11), &l).unwrap_err();
        assert!(err.contains("upload_file_bytes"), "{err}");
        let a = uploads.add("s", "w", "a", "", bytes(10), &l).unwrap();
        let err = uploads.add("s", "w", "b", "", bytes(6), &l).unwrap_err();
        assert!(err.contains("upload_session_bytes"), "{err}");
        uploads.add("t", "w", "c", "", bytes(10), &l).unwrap();
        let err = uploads.add("u", "w", "d", "", bytes(6), &l).unwrap_err();
        assert!(err.contains("upload_total_bytes"), "{err}");
        // The widget lets go of `a`: its bytes are free again.
        uploads.keep_only("s", "w", &[]);
        assert!(uploads.get("s", &a.id).is_none());
        uploads.add("u", "w", "d", "", bytes(6), &l).unwrap();
        uploads.drop_session("t");
        uploads.drop_session("u");
        assert_eq!(uploads.bytes(), 0);
    }

    #[test]
    fn names_and_types_are_cleaned() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\me\\data.csv"), "data.csv");
        assert_eq!(clean_name("a\u{0}b\nc.txt"), "abc.txt");
        // Bidi overrides, isolates, marks and zero-width characters go:
        // "invoice\u{202E}fdp.exe" would show as "invoiceexe.pdf".
        assert_eq!(clean_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        for c in [
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{200E}',
            '\u{200F}',
            '\u{061C}',
            '\u{200B}',
            '\u{200D}',
            '\u{FEFF}',
            '\u{2060}',
            '\u{00AD}',
            '\u{E0041}',
            '\u{0085}',
            '\u{009B}',
            '\u{007F}',
        ] {
            assert_eq!(
                clean_name(&format!("a{c}b.txt")),
                "ab.txt",
                "U+{:04X}",
                c as u32
            );
        }
        assert_eq!(clean_name("\u{202E}\u{200B}"), "file");
        // Letters of every script stay.
        assert_eq!(clean_name("отчёт 数据 تقرير.csv"), "отчёт 数据 تقرير.csv");
        assert_eq!(clean_name(""), "file");
        assert_eq!(clean_name(&"x".repeat(1000)).len(), MAX_FILE_NAME);
        assert_eq!(clean_mime("text/csv; charset=utf-8"), "text/csv");
        assert_eq!(clean_mime("text/html\r\nX: y"), "application/octet-stream");
        assert_eq!(clean_mime(""), "application/octet-stream");
    }

    #[test]
    fn bytes_are_reserved_as_they_arrive_and_released_when_an_upload_fails() {
        let uploads = Uploads::default();
        let l = Limits {
            upload_concurrent_per_session: 2,
            ..limits(10, 15, 25)
        };
        let mut first = uploads.begin("s", &l).unwrap();
        first.grow(6, &l).unwrap();
        let mut second = uploads.begin("s", &l).unwrap();
        second.grow(6, &l).unwrap();
        // Both are counted while they arrive.
        assert_eq!(uploads.bytes(), 12);
        assert_eq!(uploads.in_flight(), 2);
        let err = uploads.begin("s", &l).err().unwrap();
        assert!(err.contains("upload_concurrent_per_session"), "{err}");
        // The session's limit holds across both uploads in flight.
        let err = second.grow(4, &l).unwrap_err();
        assert!(err.contains("upload_session_bytes"), "{err}");
        let err = first.grow(5, &l).unwrap_err();
        assert!(err.contains("upload_file_bytes"), "{err}");
        // A failed upload gives back its bytes and its place at once.
        drop(second);
        assert_eq!(uploads.bytes(), 6);
        assert_eq!(uploads.in_flight(), 1);
        let info = first.finish("w", "a", "", bytes(6)).unwrap();
        assert_eq!(info.size, 6);
        assert_eq!(uploads.bytes(), 6);
        assert_eq!(uploads.in_flight(), 0);
        // The session ends while an upload arrives: it is refused and
        // nothing stays.
        let mut late = uploads.begin("s", &l).unwrap();
        late.grow(3, &l).unwrap();
        uploads.drop_session("s");
        assert_eq!(uploads.bytes(), 3);
        assert!(late.finish("w", "b", "", bytes(3)).is_err());
        assert_eq!(uploads.bytes(), 0);
        assert_eq!(uploads.in_flight(), 0);
        assert!(uploads.inner.lock().sessions.is_empty());
    }

    #[test]
    fn files_are_per_session() {
        let uploads = Uploads::default();
        let f = uploads
            .add(
                "s",
                "w",
                "a.txt",
                "text/plain",
                bytes(3),
                &Limits::default(),
            )
            .unwrap();
        assert!(uploads.get("s", &f.id).is_some());
        assert!(uploads.get("other", &f.id).is_none());
    }
}
