//! `wasmlit:page/ui`: elements become deltas.

use crate::model::delta::{
    check_table, AlertKind, BlockSpec, Column, ColumnFormat, ColumnValues, DeltaColor, Element, Gap,
};
use crate::model::function::FunctionRef;
use crate::model::markdown;
use crate::runtime::bindings::types::CallError;
use crate::runtime::bindings::ui::{
    self, AlertKind as WitAlertKind, Block as WitBlock, Element as WitElement, Gap as WitGap,
};
use crate::runtime::capabilities::{HostError, HostResult};
use crate::runtime::limits::Limits;
use crate::runtime::run::StoreData;
use crate::runtime::run_output;

impl ui::Host for StoreData {
    fn emit(&mut self, at: u32, element: WitElement) -> HostResult<()> {
        let output = self.drawing("ui.emit", at)?;
        let budget = Budget::of(&self.limits, output.output_bytes());
        let element = match convert(element, &budget) {
            Ok(element) => element,
            Err(e) => return Err(HostError::from(e)),
        };
        super::place_result(output.place(&self.limits, at, element).map(drop))
    }

    fn update_block(&mut self, of: u32, block: WitBlock) -> HostResult<()> {
        if self.role.job().is_some() {
            return Err(HostError::from(CallError::InvalidArgument(
                "`ui.update_block` was called from a job: a job draws only into the one \
                 container it was given"
                    .into(),
            )));
        }
        let output = self.drawing("ui.update_block", of)?;
        let block = block_spec(block);
        if let Err(message) = block.check() {
            return Err(HostError::from(CallError::InvalidArgument(message)));
        }
        if matches!(block, BlockSpec::Fragment { .. }) {
            return Err(HostError::from(CallError::InvalidArgument(
                "update_block: a fragment is redrawn by rerunning it, not updated".into(),
            )));
        }
        super::place_result(output.update_block(of, block))
    }

    fn set_page_config(&mut self, config: ui::PageConfig) -> HostResult<()> {
        let run = self.live("ui.set_page_config")?;
        let element = Element::PageConfig {
            title: config.title,
            icon: config.icon,
            wide: config.wide,
        };
        let output = run.output.clone();
        super::place_result(output.place(&self.limits, 0, element).map(drop))
    }

    fn open_block(&mut self, at: u32, block: WitBlock) -> HostResult<Vec<u32>> {
        if self.role.job().is_some() {
            return Err(HostError::from(CallError::InvalidArgument(
                "`ui.open_block` was called from a job: a job draws only into the one container \
                 it was given"
                    .into(),
            )));
        }
        let output = self.drawing("ui.open_block", at)?;
        let block = block_spec(block);
        if let Err(message) = block.check() {
            return Err(HostError::from(CallError::InvalidArgument(message)));
        }
        if let BlockSpec::Fragment {
            run_every_ms: Some(every),
            ..
        } = &block
        {
            let least = self.limits.run_every_min_ms;
            if *every < least {
                return Err(HostError::from(CallError::InvalidArgument(format!(
                    "fragment: run_every must be at least {least} ms (run_every_min_ms); \
                     it is {every} ms"
                ))));
            }
        }
        super::place_result(output.open_block(&self.limits, at, block))
    }
}

/// What one element may still produce: the least of its own limit and what
/// is left of the run's output.
struct Budget<'a> {
    limits: &'a Limits,
    /// Bytes of the run's output still free.
    run_left: usize,
}

impl Budget<'_> {
    fn of(limits: &Limits, used: usize) -> Budget<'_> {
        Budget {
            limits,
            run_left: limits.run_output_bytes.saturating_sub(used),
        }
    }

    /// Bytes an element limited by `limit` (named `setting`) may still
    /// produce, and the refusal to give when it would produce more.
    fn bytes(&self, limit: usize, setting: &str) -> (usize, CallError) {
        if limit <= self.run_left {
            let message = run_output::element_too_large(limit, setting);
            (limit, CallError::LimitExceeded(message))
        } else {
            let message = run_output::run_output_exceeded(self.limits);
            (self.run_left, CallError::LimitExceeded(message))
        }
    }
}

/// Turns the contract's element into the browser's, rendering Markdown and
/// checking JSON, within `budget`.
fn convert(element: WitElement, budget: &Budget) -> Result<Element, CallError> {
    let element_bytes = budget.limits.element_bytes;
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
            // Rendering stops as soon as the HTML passes what the element
            // may carry or what the run has left.
            let (bytes, refusal) = budget.bytes(element_bytes, "element_bytes");
            let html = markdown::render_bounded(&body, bytes).map_err(|_| refusal)?;
            Element::Markdown { html, source: body }
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
        WitElement::Metric(m) => Element::Metric {
            label: m.label,
            value: m.value,
            delta: m.delta,
            delta_color: match m.delta_color {
                ui::DeltaColor::Normal => DeltaColor::Normal,
                ui::DeltaColor::Inverse => DeltaColor::Inverse,
                ui::DeltaColor::Off => DeltaColor::Off,
            },
        },
        WitElement::Table(t) => {
            let columns = columns(t)?;
            let rows = columns.first().map_or(0, |c| c.values.len());
            let cells = rows.saturating_mul(columns.len());
            let most = budget.limits.table_cells;
            if cells > most {
                return Err(CallError::LimitExceeded(format!(
                    "a table may show at most {most} cells (table_cells); this one has {cells} \
                     ({rows} rows of {} columns): draw it as a dataframe, which shows only the \
                     rows in view",
                    columns.len()
                )));
            }
            Element::Table { columns }
        }
        WitElement::Dataframe(d) => Element::Dataframe {
            columns: columns(d.data)?,
            height: d.height,
        },
        WitElement::Progress(p) => {
            if !(0.0..=1.0).contains(&p.value) {
                return Err(CallError::InvalidArgument(format!(
                    "progress: the value must be between 0.0 and 1.0, got {}",
                    p.value
                )));
            }
            Element::Progress {
                value: p.value,
                text: p.text,
            }
        }
        WitElement::Spinner(body) => Element::Spinner { body },
        WitElement::Exception(e) => Element::Exception {
            message: e.message,
            location: e.location,
        },
        WitElement::Toast(body) => Element::Toast { body },
        WitElement::Empty => Element::Empty,
        WitElement::LinkButton(link) => {
            let scheme = link
                .url
                .split(':')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            if !matches!(scheme.as_str(), "http" | "https" | "mailto") || !link.url.contains(':') {
                return Err(CallError::InvalidArgument(format!(
                    "link_button: only http, https and mailto links are allowed, got {:?}",
                    link.url
                )));
            }
            Element::LinkButton {
                label: link.label,
                url: link.url,
            }
        }
        WitElement::SwitchPage(page) => Element::SwitchPage { page },
        WitElement::Balloons => Element::Balloons,
        WitElement::VegaLite(text) => {
            let table_bytes = budget.limits.table_bytes;
            if text.len() > table_bytes {
                return Err(CallError::LimitExceeded(run_output::element_too_large(
                    table_bytes,
                    "table_bytes",
                )));
            }
            let spec: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                CallError::InvalidArgument(format!("vega_lite_chart: not valid JSON: {e}"))
            })?;
            if !spec.is_object() {
                return Err(CallError::InvalidArgument(
                    "vega_lite_chart: the specification must be a JSON object".into(),
                ));
            }
            Element::VegaLite {
                spec,
                bytes: text.len(),
            }
        }
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

/// The contract's block as the browser receives it.
fn block_spec(block: WitBlock) -> BlockSpec {
    match block {
        WitBlock::Container(c) => BlockSpec::Container {
            border: c.border,
            height: c.height,
        },
        WitBlock::Columns(c) => BlockSpec::Columns {
            widths: c.widths,
            gap: match c.gap {
                WitGap::Small => Gap::Small,
                WitGap::Medium => Gap::Medium,
                WitGap::Large => Gap::Large,
            },
        },
        WitBlock::Tabs(labels) => BlockSpec::Tabs { labels },
        WitBlock::Expander(e) => BlockSpec::Expander {
            label: e.label,
            expanded: e.expanded,
        },
        WitBlock::Popover(label) => BlockSpec::Popover { label },
        WitBlock::Empty => BlockSpec::Empty,
        WitBlock::Dialog(title) => BlockSpec::Dialog { title },
        WitBlock::Status(s) => BlockSpec::Status {
            label: s.label,
            state: match s.state {
                ui::StatusState::Running => "running",
                ui::StatusState::Complete => "complete",
                ui::StatusState::Error => "error",
            },
            expanded: s.expanded,
        },
        WitBlock::ChatMessage(m) => BlockSpec::ChatMessage {
            name: m.name,
            avatar: m.avatar,
        },
        WitBlock::Fragment(f) => BlockSpec::Fragment {
            call: FunctionRef {
                id: f.id,
                args: f.args,
            },
            run_every_ms: f.run_every_ms,
        },
        WitBlock::Form(f) => BlockSpec::Form {
            clear_on_submit: f.clear_on_submit,
            border: f.border,
        },
    }
}

/// A table's columns, checked to have one value per row each.
fn columns(table: ui::Table) -> Result<Vec<Column>, CallError> {
    let columns: Vec<Column> = table
        .columns
        .into_iter()
        .map(|c| Column {
            name: c.name,
            values: match c.values {
                ui::ColumnValues::Text(v) => ColumnValues::Text(v),
                ui::ColumnValues::Integer(v) => ColumnValues::Integer(v),
                ui::ColumnValues::Float(v) => ColumnValues::Float(v),
                ui::ColumnValues::Boolean(v) => ColumnValues::Boolean(v),
            },
            format: c.format.map(|f| ColumnFormat {
                decimals: f.decimals,
                prefix: f.prefix,
                suffix: f.suffix,
            }),
        })
        .collect();
    check_table(&columns).map_err(CallError::InvalidArgument)?;
    Ok(columns)
}
