//! `chat_input`: a chat message box whose value lasts one run; it may take
//! files with a message.

use super::file_uploader::{check_types, upload_ids, MAX_UPLOADER_FILES};
use super::id::hash_json;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// How many files a message may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AcceptFile {
    /// Text only.
    #[default]
    None,
    /// At most one file.
    One,
    /// Several files.
    Multiple,
}

impl AcceptFile {
    fn is_none(&self) -> bool {
        *self == AcceptFile::None
    }
}

/// A chat message box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatInput {
    /// Shown while the box is empty.
    pub placeholder: Option<String>,
    /// Most characters a message may have.
    pub max_chars: Option<u32>,
    /// Whether files may come with a message: the value is then
    /// [`WidgetValue::Chat`].
    #[serde(default, skip_serializing_if = "AcceptFile::is_none")]
    pub accept_file: AcceptFile,
    /// Accepted file types (as a file uploader's); empty accepts any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_types: Vec<String>,
    /// The server's size limit per file (`upload_file_bytes`), set by the
    /// host when files are accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bytes: Option<u64>,
}

impl Kind for ChatInput {
    fn check(&self) -> Result<(), String> {
        if self.accept_file.is_none() && !self.file_types.is_empty() {
            return Err("chat input: file types are for a chat input that accepts files".into());
        }
        check_types("chat input", &self.file_types)
    }

    fn is_trigger(&self) -> bool {
        true
    }

    fn default_value(&self) -> WidgetValue {
        if self.accept_file.is_none() {
            return WidgetValue::Text(String::new());
        }
        WidgetValue::Chat {
            text: String::new(),
            files: Vec::new(),
        }
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        let most = match self.accept_file {
            AcceptFile::None => return input.text(self.max_chars),
            AcceptFile::One => 1,
            AcceptFile::Multiple => MAX_UPLOADER_FILES,
        };
        let kind = input.kind;
        let expected = "a message: {\"text\": …, \"files\": [upload ids]}";
        let message = input
            .value
            .as_object()
            .filter(|m| m.len() == 2)
            .ok_or_else(|| input.wrong_type(expected))?;
        let (Some(text), Some(files)) = (message.get("text"), message.get("files")) else {
            return Err(input.wrong_type(expected));
        };
        let Ok(WidgetValue::Text(text)) = (Input { kind, value: text }).text(self.max_chars) else {
            return Err(format!(
                "{kind}: a message's text is a string of at most {} characters",
                self.max_chars
                    .map_or("any number of".into(), |m| m.to_string())
            ));
        };
        let WidgetValue::Files(files) = upload_ids(&Input { kind, value: files }, most)? else {
            return Err(input.wrong_type(expected));
        };
        Ok(WidgetValue::Chat { text, files })
    }

    fn text_bytes(&self) -> usize {
        self.placeholder.as_ref().map_or(0, String::len)
            + self.file_types.iter().map(String::len).sum::<usize>()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        // The server's size limit is no part of the identity.
        let ChatInput { max_bytes: _, .. } = self;
        hash_json(
            kind,
            &ChatInput {
                max_bytes: None,
                ..self.clone()
            },
            h,
        )
    }
}
