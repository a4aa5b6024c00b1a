//! `submit_button`: submits the form it is in.

use super::button::click_kind;
use super::id::hash_json;
use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A form's submit button; its value is a click.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmitButton;

click_kind!(SubmitButton, |kind, h| hash_json(
    kind,
    &serde_json::Map::new(),
    h
));
