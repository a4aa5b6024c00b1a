//! `button`: true only in the run its click caused; and the click rules
//! every kind whose value is one click shares.

use super::{Input, Kind, WidgetValue};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

/// A button; its value is a click.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Button;

/// Implements [`Kind`] for a kind whose value is a click (`true` in the run
/// it caused, `false` at rest), with `$identity` feeding its parameters.
macro_rules! click_kind {
    ($kind:ty, |$kind_name:ident, $h:ident| $identity:expr) => {
        impl Kind for $kind {
            fn is_trigger(&self) -> bool {
                true
            }

            fn default_value(&self) -> WidgetValue {
                WidgetValue::Bool(false)
            }

            fn validate(&self, input: &Input) -> Result<WidgetValue, String> {
                input.boolean()
            }

            fn hash_identity(&self, $kind_name: &str, $h: &mut dyn Hasher) {
                $identity
            }
        }
    };
}
pub(super) use click_kind;

click_kind!(Button, |_kind, _h| {});
