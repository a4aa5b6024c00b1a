//! `dialog_dismiss`: drawn inside a dialog as nothing; true in the run the
//! user's closing of that dialog caused.

use super::button::click_kind;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// Tells the page its dialog was closed; its value is that event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DialogDismiss;

click_kind!(DialogDismiss, |_kind, _h| {});
