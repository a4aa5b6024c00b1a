//! `camera_input` and `audio_input`: a photo or a recording the browser
//! makes and sends through the upload path; the value is that one file.

use super::file_uploader::upload_ids;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A photo from the user's camera (a PNG image).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CameraInput {
    /// The server's size limit per file (`upload_file_bytes`), set by
    /// the host.
    pub max_bytes: u64,
}

/// A recording from the user's microphone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioInput {
    /// The server's size limit per file (`upload_file_bytes`), set by
    /// the host.
    pub max_bytes: u64,
}

macro_rules! capture_kind {
    ($kind:ty) => {
        impl Kind for $kind {
            fn default_value(&self) -> WidgetValue {
                WidgetValue::Files(Vec::new())
            }

            fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
                upload_ids(input, 1)
            }

            // The size limit is the server's, not the page's: no part of
            // the identity.
            fn hash_identity(&self, _kind: &str, _h: &mut dyn Hasher) {}
        }
    };
}

capture_kind!(CameraInput);
capture_kind!(AudioInput);
