//! `file_uploader`: files the user uploads; its value lists the uploads' ids.

use super::id::hash_json;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// Most files one uploader may hold, and most accepted types it may list.
pub const MAX_UPLOADER_FILES: usize = 100;

/// A file uploader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileUploader {
    /// Accepted extensions (`csv`) or MIME types (`image/*`); empty: any.
    pub types: Vec<String>,
    /// Whether it holds several files.
    pub multiple: bool,
    /// The server's size limit per file (`upload_file_bytes`), set by
    /// the host.
    pub max_bytes: u64,
}

/// Checks accepted file types: at most [`MAX_UPLOADER_FILES`] extensions
/// (`csv`) or MIME types (`image/*`).
pub(super) fn check_types(kind: &str, types: &[String]) -> Result<(), String> {
    if types.len() > MAX_UPLOADER_FILES {
        return Err(format!(
            "{kind}: at most {MAX_UPLOADER_FILES} accepted types"
        ));
    }
    let valid = |t: &String| {
        !t.is_empty()
            && t.len() <= 64
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "./*-+_".contains(c))
    };
    match types.iter().find(|t| !valid(t)) {
        Some(t) => Err(format!(
            "{kind}: `{t}` is not an extension (`csv`) or a MIME type (`image/*`)"
        )),
        None => Ok(()),
    }
}

impl Kind for FileUploader {
    fn check(&self) -> Result<(), String> {
        check_types("file uploader", &self.types)
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Files(Vec::new())
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        upload_ids(input, if self.multiple { MAX_UPLOADER_FILES } else { 1 })
    }

    fn text_bytes(&self) -> usize {
        self.types.iter().map(String::len).sum()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}

/// A list of at most `most` distinct upload ids (16 hex digits each), the
/// value of every widget whose files come through the upload path.
pub(super) fn upload_ids(input: &Input, most: usize) -> Result<WidgetValue, String> {
    {
        let kind = input.kind;
        let items = input
            .value
            .as_array()
            .ok_or_else(|| input.wrong_type("an array of upload ids"))?;
        if items.len() > most {
            return Err(format!("{kind}: at most {most} files, got {}", items.len()));
        }
        let mut ids: Vec<String> = Vec::with_capacity(items.len());
        for item in items {
            let id = item
                .as_str()
                .filter(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()))
                .ok_or_else(|| format!("{kind}: an upload id is 16 hex digits"))?;
            if ids.iter().any(|seen| seen == id) {
                return Err(format!("{kind}: file {id} listed twice"));
            }
            ids.push(id.to_owned());
        }
        Ok(WidgetValue::Files(ids))
    }
}
