//! `download_button`: saves a file the page provided; its value is a click.

use super::id::hash_json;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A button that saves a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DownloadButton {
    /// The name the file is saved under: no slashes.
    pub file_name: String,
    /// Its MIME type.
    pub mime: String,
}

impl Kind for DownloadButton {
    fn check(&self) -> Result<(), String> {
        let name = &self.file_name;
        if name.is_empty() || name.contains(['/', '\\']) {
            return Err(format!(
                "download button: {name:?} is not a file name (no slashes, not empty)"
            ));
        }
        Ok(())
    }

    fn is_trigger(&self) -> bool {
        true
    }

    fn default_value(&self) -> WidgetValue {
        WidgetValue::Bool(false)
    }

    fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
        input.boolean()
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
