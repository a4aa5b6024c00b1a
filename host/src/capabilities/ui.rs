//! `wasmlit:page/ui`: elements become deltas.

use crate::bindings::types::CallError;
use crate::bindings::ui::{self, AlertKind as WitAlertKind, Element as WitElement};
use crate::delta::{AlertKind, Element};
use crate::markdown;
use crate::run::StoreData;

impl ui::Host for StoreData {
    fn emit(&mut self, at: u32, element: WitElement) -> wasmtime::Result<Result<(), CallError>> {
        let output = match self.drawing("ui.emit", at)? {
            Ok(output) => output,
            Err(e) => return Ok(Err(e)),
        };
        let element = match convert(element, self.limits.element_bytes) {
            Ok(element) => element,
            Err(e) => return Ok(Err(e)),
        };
        super::place_result(output.place(&self.limits, at, element).map(drop))
    }

    fn open_container(
        &mut self,
        at: u32,
        border: bool,
    ) -> wasmtime::Result<Result<u32, CallError>> {
        if self.job.is_some() {
            return Ok(Err(CallError::InvalidArgument(
                "`ui.open_container` was called from a job: a job draws only into the one container \
                 it was given"
                    .into(),
            )));
        }
        let output = match self.drawing("ui.open_container", at)? {
            Ok(output) => output,
            Err(e) => return Ok(Err(e)),
        };
        super::place_result(output.open_container(&self.limits, at, border))
    }
}

/// Turns the contract's element into the browser's, rendering Markdown and
/// checking JSON.
fn convert(element: WitElement, element_bytes: usize) -> Result<Element, CallError> {
    Ok(match element {
        WitElement::Title(body) => Element::Title { body },
        WitElement::Header(body) => Element::Header { body },
        WitElement::Subheader(body) => Element::Subheader { body },
        WitElement::Markdown(body) => {
            // Checked before rendering so a huge source is not rendered first.
            if body.len() > element_bytes {
                return Err(CallError::LimitExceeded(format!(
                    "an element may carry at most {element_bytes} bytes of text (element_bytes)"
                )));
            }
            Element::Markdown {
                html: markdown::render(&body),
                source: body,
            }
        }
        WitElement::Text(body) => Element::Text { body },
        WitElement::Caption(body) => Element::Caption { body },
        WitElement::Code(code) => Element::Code {
            body: code.body,
            language: code.language,
        },
        WitElement::Json(text) => {
            if text.len() > element_bytes {
                return Err(CallError::LimitExceeded(format!(
                    "an element may carry at most {element_bytes} bytes of text (element_bytes)"
                )));
            }
            let value = serde_json::from_str(&text)
                .map_err(|e| CallError::InvalidArgument(format!("json: not valid JSON: {e}")))?;
            Element::Json { value }
        }
        WitElement::Divider => Element::Divider,
        WitElement::Alert(alert) => Element::Alert {
            level: match alert.kind {
                WitAlertKind::Success => AlertKind::Success,
                WitAlertKind::Info => AlertKind::Info,
                WitAlertKind::Warning => AlertKind::Warning,
                WitAlertKind::Error => AlertKind::Error,
            },
            body: alert.body,
        },
    })
}
