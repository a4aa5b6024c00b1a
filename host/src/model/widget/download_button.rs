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
    /// The file is made once clicked: the click reruns the page, whose
    /// run offers the file (`offer-download`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lazy: bool,
    /// A click saves the file without rerunning the page (Streamlit's
    /// `on_click="ignore"`); the value stays false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore_click: bool,
}

impl Kind for DownloadButton {
    fn check(&self) -> Result<(), String> {
        let name = &self.file_name;
        if name.is_empty() || name.contains(['/', '\\']) {
            return Err(format!(
                "download button: {name:?} is not a file name (no slashes, not empty)"
            ));
        }
        if self.lazy && self.ignore_click {
            return Err(
                "download button: a file made once clicked needs the click to rerun the page"
                    .into(),
            );
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
        let clicked = input.boolean()?;
        if self.ignore_click && clicked == WidgetValue::Bool(true) {
            return Err(format!(
                "{}: this button's clicks do not rerun the page",
                input.kind
            ));
        }
        Ok(clicked)
    }

    fn hash_identity(&self, kind: &str, h: &mut dyn Hasher) {
        hash_json(kind, self, h)
    }
}
