//! Uploaded files: what `file_uploader` widgets received. The browser sends
//! each file over HTTP (`POST /_/upload`), apart from the session's
//! WebSocket and its small messages; the file waits here, per app and
//! session, until the widget's value names it, a run reads it, and the
//! widget or the session lets go of it.

use crate::limits::{human_bytes, Limits};
use parking_lot::Mutex;
use serde::Serialize;
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

/// What the browser and the page are told about a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileInfo {
    /// The upload's id: what the widget's value lists.
    pub id: String,
    /// The file's name.
    pub name: String,
    /// Its MIME type.
    pub mime: String,
    /// Its size in bytes.
    pub size: u64,
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
#[derive(Default)]
pub struct Uploads {
    inner: Mutex<Store>,
}

#[derive(Default)]
struct Store {
    sessions: HashMap<String, SessionUploads>,
    /// Bytes held for every session together.
    bytes: usize,
}

#[derive(Default)]
struct SessionUploads {
    files: HashMap<String, Arc<Upload>>,
    bytes: usize,
}

impl Uploads {
    /// Keeps `bytes` as a file of `session` for `widget`; returns its
    /// description, or why it was refused (naming the limit).
    pub fn add(
        &self,
        session: &str,
        widget: &str,
        name: &str,
        mime: &str,
        bytes: bytes::Bytes,
        limits: &Limits,
    ) -> Result<FileInfo, String> {
        let size = bytes.len();
        if size > limits.upload_file_bytes {
            return Err(format!(
                "the file has {}; a file may have at most {} (upload_file_bytes)",
                human_bytes(size as u64),
                human_bytes(limits.upload_file_bytes as u64)
            ));
        }
        let mut store = self.inner.lock();
        let held = store.sessions.get(session).map_or(0, |s| s.bytes);
        if held + size > limits.upload_session_bytes {
            return Err(format!(
                "this session already holds {} of files; a session may hold at most {} \
                 (upload_session_bytes): remove a file first",
                human_bytes(held as u64),
                human_bytes(limits.upload_session_bytes as u64)
            ));
        }
        if store.bytes + size > limits.upload_total_bytes {
            return Err(format!(
                "the server holds too many uploaded files right now (upload_total_bytes, {}); \
                 try again later",
                human_bytes(limits.upload_total_bytes as u64)
            ));
        }
        let id = format!("{:016x}", rand::random::<u64>());
        let upload = Upload {
            widget: widget.to_owned(),
            name: clean_name(name),
            mime: clean_mime(mime),
            bytes,
        };
        let info = upload.info(&id);
        store.bytes += size;
        let files = store.sessions.entry(session.to_owned()).or_default();
        files.bytes += size;
        files.files.insert(id, Arc::new(upload));
        Ok(info)
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
    }

    /// Drops every file of `session` (it ended).
    pub fn drop_session(&self, session: &str) {
        let mut store = self.inner.lock();
        if let Some(files) = store.sessions.remove(session) {
            store.bytes -= files.bytes;
        }
    }

    /// Bytes held for every session together.
    pub fn bytes(&self) -> usize {
        self.inner.lock().bytes
    }
}

/// The last path component, at most [`MAX_FILE_NAME`] bytes, without
/// control characters; `file` if nothing is left.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut clean: String = base.chars().filter(|c| !c.is_control()).collect();
    while clean.len() > MAX_FILE_NAME {
        clean.pop();
    }
    if clean.is_empty() {
        "file".into()
    } else {
        clean
    }
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
        assert_eq!(clean_name(""), "file");
        assert_eq!(clean_name(&"x".repeat(1000)).len(), MAX_FILE_NAME);
        assert_eq!(clean_mime("text/csv; charset=utf-8"), "text/csv");
        assert_eq!(clean_mime("text/html\r\nX: y"), "application/octet-stream");
        assert_eq!(clean_mime(""), "application/octet-stream");
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
