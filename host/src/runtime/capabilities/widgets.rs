//! `wasmlit:page/widgets`: draw a widget, return its validated value.

use crate::model::delta::{Element, WidgetElement};
use crate::model::function::FunctionRef;
use crate::model::widget::FileInfo;
use crate::model::widget::{
    check_format, check_shortcut, widget_id, AcceptFile, AudioInput, Button, ButtonOptions,
    CameraInput, Cell, ChatInput, Checkbox, ColorPicker, DataEditor, DataframeSelect, DateInput,
    DatetimeInput, DialogDismiss, DownloadButton, Feedback, FileUploader, FloatRangeSlider,
    FloatSlider, IntRangeSlider, IntSlider, Multiselect, NumberInput, Pills, Radio,
    SegmentedControl, SelectCount, SelectSlider, Selectbox, SliderUnit, SubmitButton, TextArea,
    TextInput, TimeInput, Toggle, WidgetSpec, WidgetValue,
};
use crate::runtime::bindings::types::CallError;
use crate::runtime::bindings::widgets::{self, Widget, WidgetOptions, WidgetValue as WitValue};
use crate::runtime::capabilities::{HostError, HostResult};
use crate::runtime::run::StoreData;

/// Largest serialized arguments of one `on_change` callback.
const MAX_CALLBACK_ARGS: usize = 64 * 1024;

impl widgets::Host for StoreData {
    fn callbacks(&mut self) -> HostResult<Vec<widgets::Callback>> {
        let run = self.live("widgets.callbacks")?;
        Ok(std::mem::take(&mut run.widgets.pending_callbacks)
            .into_iter()
            .map(|FunctionRef { id, args }| widgets::Callback { id, args })
            .collect())
    }

    fn read_file(&mut self, id: String) -> HostResult<Vec<u8>> {
        let run = self.live("widgets.read_file")?;
        match run.app.uploads.get(&run.session, &id) {
            Some(upload) => Ok(upload.bytes.to_vec()),
            None => Err(CallError::InvalidArgument(format!(
                "read_file: this session has no uploaded file `{id}` (the user may have \
                 removed it)"
            ))
            .into()),
        }
    }

    fn offer_download(&mut self, file_name: String, mime: String, data: Vec<u8>) -> HostResult<()> {
        let limits = self.limits.clone();
        let run = self.live("widgets.offer_download")?;
        let button = DownloadButton {
            file_name,
            mime,
            lazy: false,
            ignore_click: false,
        };
        WidgetSpec::DownloadButton(button.clone())
            .check()
            .map_err(|m| HostError::from(CallError::InvalidArgument(m)))?;
        check_mime(&button.mime).map_err(HostError::from)?;
        // The browser saves a file only because the user asked for it: a
        // click of a download button whose file is made once clicked.
        if run.widgets.download_clicks == 0 {
            return Err(HostError::from(CallError::InvalidArgument(
                "offer_download: a file is offered only in the run a click of a download button \
                 made with `download_button_lazy` caused, once per click; no such click is \
                 left in this run"
                    .into(),
            )));
        }
        check_download_size(data.len(), &limits).map_err(HostError::from)?;
        run.widgets.download_clicks -= 1;
        use base64::Engine as _;
        let element = Element::Download {
            file_name: button.file_name,
            mime: button.mime,
            data: base64::engine::general_purpose::STANDARD.encode(&data),
        };
        let placed = run.output.place(&limits, 0, element);
        super::place_result(placed.map(drop))
    }

    fn show(&mut self, at: u32, options: WidgetOptions, widget: Widget) -> HostResult<WitValue> {
        let limits = self.limits.clone();
        let run = self.live("widgets.show")?;
        use base64::Engine as _;
        if let Widget::DownloadButton(d) = &widget {
            if let Some(data) = &d.data {
                check_download_size(data.len(), &limits).map_err(HostError::from)?;
            }
        }
        let data = match &widget {
            Widget::DownloadButton(d) => d
                .data
                .as_ref()
                .map(|data| base64::engine::general_purpose::STANDARD.encode(data)),
            _ => None,
        };
        let mut spec = spec(widget).map_err(HostError::from)?;
        match &mut spec {
            WidgetSpec::FileUploader(FileUploader { max_bytes, .. })
            | WidgetSpec::CameraInput(CameraInput { max_bytes })
            | WidgetSpec::AudioInput(AudioInput { max_bytes }) => {
                *max_bytes = limits.upload_file_bytes as u64;
            }
            WidgetSpec::ChatInput(chat) if chat.accept_file != AcceptFile::None => {
                chat.max_bytes = Some(limits.upload_file_bytes as u64);
            }
            _ => {}
        }
        if let Err(message) = spec.check() {
            return Err(HostError::from(CallError::InvalidArgument(message)));
        }
        if let WidgetSpec::DownloadButton(d) = &spec {
            check_mime(&d.mime).map_err(HostError::from)?;
            if d.lazy != data.is_none() {
                return Err(HostError::from(CallError::InvalidArgument(format!(
                    "download button `{}`: give the file, or make it once clicked, not both",
                    options.label
                ))));
            }
        }
        if let Some(format) = &options.format {
            check_format(&spec, format)
                .map_err(|m| HostError::from(CallError::InvalidArgument(m)))?;
        }
        let shortcut = match &options.shortcut {
            Some(s) => Some(
                check_shortcut(&spec, s)
                    .map_err(|m| HostError::from(CallError::InvalidArgument(m)))?,
            ),
            None => None,
        };
        if let Some(callback) = &options.on_change {
            if callback.args.len() > MAX_CALLBACK_ARGS {
                return Err(HostError::from(CallError::InvalidArgument(format!(
                    "on_change of `{}`: the arguments may have at most {MAX_CALLBACK_ARGS} bytes",
                    options.label
                ))));
            }
        }
        let scope = run.output.scope_of(at);
        let form = scope.form;
        match (&spec, form) {
            (WidgetSpec::SubmitButton(SubmitButton), None) => {
                return Err(HostError::from(CallError::InvalidArgument(format!(
                    "form_submit_button `{}` is not inside a form: draw it through the `Ui` that \
                     `form` returned",
                    options.label
                ))))
            }
            (WidgetSpec::Button(Button), Some(_)) => {
                return Err(HostError::from(CallError::InvalidArgument(format!(
                    "button `{}` is inside a form, whose widgets only reach the page on submit: \
                     use form_submit_button",
                    options.label
                ))))
            }
            _ => {}
        }
        let id = widget_id(&spec, &options.label, options.key.as_deref());
        if let Err(message) = run.widgets.claim(&id, &spec) {
            return Err(HostError::from(CallError::DuplicateWidgetId(message)));
        }
        // The label is Markdown, as in Streamlit (bounded by what one
        // element may carry).
        let label_html =
            crate::model::markdown::render_inline_bounded(&options.label, limits.element_bytes)
                .map_err(|_| {
                    HostError::from(CallError::LimitExceeded(format!(
                        "a widget's label may render to at most {} bytes (element_bytes)",
                        limits.element_bytes
                    )))
                })?;
        let icon = super::ui::icon(options.icon).map_err(HostError::from)?;
        // Options shown as Markdown, as in Streamlit (radio, pills,
        // segmented control; a radio's captions too).
        let (shown_options, captions) = match &spec {
            WidgetSpec::Radio(r) => (Some(&r.options), Some(&r.captions)),
            WidgetSpec::Pills(Pills { choice })
            | WidgetSpec::SegmentedControl(SegmentedControl { choice }) => {
                (Some(&choice.options), None)
            }
            _ => (None, None),
        };
        let options_html = markdown_each(shown_options, limits.element_bytes)?;
        let captions_html = markdown_each(captions, limits.element_bytes)?;
        let mut element = WidgetElement {
            id,
            label_html,
            label: options.label,
            help: options.help,
            disabled: options.disabled,
            spec,
            value: WidgetValue::Bool(false),
            data,
            files: None,
            label_visibility: match options.label_visibility {
                widgets::LabelVisibility::Visible => "visible",
                widgets::LabelVisibility::Hidden => "hidden",
                widgets::LabelVisibility::Collapsed => "collapsed",
            },
            emphasis: match options.emphasis {
                widgets::Emphasis::Primary => "primary",
                widgets::Emphasis::Secondary => "secondary",
                widgets::Emphasis::Tertiary => "tertiary",
            },
            icon,
            stretch: options.stretch,
            format: options.format,
            shortcut,
            options_html,
            captions_html,
        };
        run.widgets.value(
            &mut element,
            options.key.as_deref(),
            &run.state,
            limits.session_state_bytes,
        );
        if let Some((form, clears)) = form {
            if clears {
                if matches!(element.spec, WidgetSpec::SubmitButton(SubmitButton)) {
                    if element.value == WidgetValue::Bool(true) {
                        run.widgets.submitted_forms.push(form);
                    }
                } else {
                    run.widgets.form_widgets.push((element.id.clone(), form));
                }
            }
        }
        // An uploader's value names uploads; those still here are what the
        // page gets (and the browser is shown).
        if let WidgetValue::Files(ids) | WidgetValue::Chat { files: ids, .. } = &mut element.value {
            let uploads = &run.app.uploads;
            let found: Vec<FileInfo> = ids
                .iter()
                .filter_map(|id| uploads.get(&run.session, id).map(|u| u.info(id)))
                .collect();
            *ids = found.iter().map(|f| f.id.clone()).collect();
            element.files = Some(found);
        }
        if matches!(
            &element.spec,
            WidgetSpec::DownloadButton(DownloadButton { lazy: true, .. })
        ) && element.value == WidgetValue::Bool(true)
        {
            run.widgets.download_clicks += 1;
        }
        let value = to_wit(&element.value, element.files.as_deref());
        let record = (element.id.clone(), element.spec.clone(), element.disabled);
        let placed = run
            .output
            .place(&limits, at, Element::Widget(Box::new(element)));
        if placed.is_ok() {
            if let Some(callback) = options.on_change {
                run.widgets.callbacks.push((
                    record.0.clone(),
                    FunctionRef {
                        id: callback.id,
                        args: callback.args,
                    },
                ));
            }
            if let Some(fragment) = scope.fragment {
                run.widgets.fragments.push((record.0.clone(), fragment));
            }
            run.widgets.record(record.0, record.1, record.2);
        }
        super::place_result(placed.map(|_| value))
    }
}

fn spec(widget: Widget) -> Result<WidgetSpec, CallError> {
    let select = |c: widgets::SelectCount| match c {
        widgets::SelectCount::Off => SelectCount::Off,
        widgets::SelectCount::Single => SelectCount::Single,
        widgets::SelectCount::Multi => SelectCount::Multi,
    };
    Ok(match widget {
        Widget::DataframeSelect(d) => WidgetSpec::DataframeSelect(DataframeSelect {
            columns: std::sync::Arc::new(super::ui::columns(d.data)?),
            height: d.height,
            select_rows: select(d.rows),
            select_columns: select(d.columns),
        }),
        Widget::DataEditor(d) => {
            let columns = super::ui::columns(d.data)?;
            WidgetSpec::DataEditor(DataEditor {
                digest: crate::model::table::table_digest(&columns),
                columns: std::sync::Arc::new(columns),
                height: d.height,
                dynamic_rows: d.dynamic_rows,
                disabled: d.disabled,
            })
        }
        Widget::Button => WidgetSpec::Button(Button),
        Widget::Checkbox(default) => WidgetSpec::Checkbox(Checkbox { default }),
        Widget::IntSlider(s) => WidgetSpec::IntSlider(IntSlider {
            min: s.min,
            max: s.max,
            step: s.step,
            default: s.default,
            unit: unit(s.unit),
        }),
        Widget::FloatSlider(s) => WidgetSpec::FloatSlider(FloatSlider {
            min: s.min,
            max: s.max,
            step: s.step,
            default: s.default,
        }),
        Widget::TextInput(t) => WidgetSpec::TextInput(TextInput {
            default: t.default,
            max_chars: t.max_chars,
            placeholder: t.placeholder,
            password: t.password,
            autocomplete: t.autocomplete,
        }),
        Widget::NumberInput(n) => WidgetSpec::NumberInput(NumberInput {
            min: n.min,
            max: n.max,
            step: n.step,
            default: n.default,
            integer: n.integer,
            placeholder: n.placeholder,
        }),
        Widget::Selectbox(s) => WidgetSpec::Selectbox(Selectbox {
            options: s.options,
            default: s.default,
            placeholder: s.placeholder,
            accept_new_options: s.accept_new_options,
        }),
        Widget::Toggle(default) => WidgetSpec::Toggle(Toggle { default }),
        Widget::SubmitButton => WidgetSpec::SubmitButton(SubmitButton),
        Widget::DownloadButton(d) => WidgetSpec::DownloadButton(DownloadButton {
            lazy: d.data.is_none(),
            ignore_click: !d.rerun,
            file_name: d.file_name,
            mime: d.mime,
        }),
        Widget::Feedback(kind) => WidgetSpec::Feedback(Feedback {
            options: match kind {
                widgets::FeedbackKind::Thumbs => 2,
                widgets::FeedbackKind::Stars | widgets::FeedbackKind::Faces => 5,
            },
            faces: kind == widgets::FeedbackKind::Faces,
        }),
        Widget::ChatInput(c) => WidgetSpec::ChatInput(ChatInput {
            placeholder: c.placeholder,
            max_chars: c.max_chars,
            accept_file: match c.accept_file {
                widgets::AcceptFile::None => AcceptFile::None,
                widgets::AcceptFile::One => AcceptFile::One,
                widgets::AcceptFile::Multiple => AcceptFile::Multiple,
            },
            file_types: c.file_types,
            max_bytes: None,
        }),
        Widget::Radio(r) => WidgetSpec::Radio(Radio {
            options: r.options,
            default: r.default,
            horizontal: r.horizontal,
            captions: r.captions,
        }),
        Widget::SelectSlider(s) => WidgetSpec::SelectSlider(SelectSlider {
            options: s.options,
            default: s.default,
            high: s.high,
        }),
        Widget::Multiselect(m) => WidgetSpec::Multiselect(Multiselect {
            options: m.options,
            default: m.default,
            max_selections: m.max_selections,
            placeholder: m.placeholder,
            accept_new_options: m.accept_new_options,
        }),
        Widget::TextArea(t) => WidgetSpec::TextArea(TextArea {
            default: t.default,
            max_chars: t.max_chars,
            placeholder: t.placeholder,
            height: t.height,
        }),
        Widget::ColorPicker(default) => WidgetSpec::ColorPicker(ColorPicker { default }),
        Widget::DateInput(d) => WidgetSpec::DateInput(DateInput {
            default: d.default,
            min: d.min,
            max: d.max,
            range: d.range,
            end: d.end,
        }),
        Widget::DatetimeInput(d) => WidgetSpec::DatetimeInput(DatetimeInput {
            default: d.default,
            min: d.min,
            max: d.max,
            step_minutes: d.step_minutes,
        }),
        Widget::DialogDismiss => WidgetSpec::DialogDismiss(DialogDismiss),
        Widget::CameraInput => WidgetSpec::CameraInput(CameraInput { max_bytes: 0 }),
        Widget::AudioInput => WidgetSpec::AudioInput(AudioInput { max_bytes: 0 }),
        Widget::TimeInput(t) => WidgetSpec::TimeInput(TimeInput {
            default: t.default,
            step_minutes: t.step_minutes,
        }),
        Widget::FileUploader(f) => WidgetSpec::FileUploader(FileUploader {
            types: f.types,
            multiple: f.multiple,
            max_bytes: 0,
        }),
        Widget::IntRangeSlider(s) => WidgetSpec::IntRangeSlider(IntRangeSlider {
            min: s.min,
            max: s.max,
            step: s.step,
            default: [s.low, s.high],
            unit: unit(s.unit),
        }),
        Widget::FloatRangeSlider(s) => WidgetSpec::FloatRangeSlider(FloatRangeSlider {
            min: s.min,
            max: s.max,
            step: s.step,
            default: [s.low, s.high],
        }),
        Widget::Pills(b) => WidgetSpec::Pills(Pills {
            choice: button_options(b),
        }),
        Widget::SegmentedControl(b) => WidgetSpec::SegmentedControl(SegmentedControl {
            choice: button_options(b),
        }),
    })
}

fn unit(unit: widgets::SliderUnit) -> SliderUnit {
    match unit {
        widgets::SliderUnit::Number => SliderUnit::Number,
        widgets::SliderUnit::Date => SliderUnit::Date,
        widgets::SliderUnit::Time => SliderUnit::Time,
        widgets::SliderUnit::Datetime => SliderUnit::Datetime,
    }
}

/// A file's bytes, base64-encoded as they travel, must fit `table_bytes`:
/// checked before any encoding.
fn check_download_size(
    bytes: usize,
    limits: &crate::runtime::limits::Limits,
) -> Result<(), CallError> {
    if bytes.div_ceil(3).saturating_mul(4) > limits.table_bytes {
        return Err(CallError::LimitExceeded(format!(
            "a file to download may carry at most {} bytes as it travels, in base64 (table_bytes)",
            limits.table_bytes
        )));
    }
    Ok(())
}

/// A MIME type the browser is given for a file: `type/subtype`, short,
/// of the characters such names use.
fn check_mime(mime: &str) -> Result<(), CallError> {
    let valid = mime.len() <= 128
        && mime.split_once('/').is_some_and(|(t, s)| {
            let part = |p: &str| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
            };
            // Parameters (`; charset=utf-8`) follow the subtype.
            let (sub, params) = s.split_once(';').unwrap_or((s, ""));
            part(t)
                && part(sub)
                && params
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || " =;-_.+".contains(c))
        });
    if valid {
        Ok(())
    } else {
        Err(CallError::InvalidArgument(format!(
            "download: {mime:?} is not a MIME type like `text/csv`"
        )))
    }
}

fn button_options(b: widgets::ButtonOptions) -> ButtonOptions {
    ButtonOptions {
        options: b.options,
        multi: b.multi,
        default: b.default,
    }
}

/// Each text's inline Markdown, rendered and sanitized, all within
/// `budget` bytes (what one element may carry).
fn markdown_each(texts: Option<&Vec<String>>, budget: usize) -> HostResult<Option<Vec<String>>> {
    let Some(texts) = texts else {
        return Ok(None);
    };
    let mut left = budget;
    let mut out = Vec::with_capacity(texts.len());
    for text in texts {
        let html = crate::model::markdown::render_inline_bounded(text, left).map_err(|_| {
            HostError::from(CallError::LimitExceeded(format!(
                "a widget's options may render to at most {budget} bytes (element_bytes)"
            )))
        })?;
        left = left.saturating_sub(html.len());
        out.push(html);
    }
    Ok(Some(out))
}

/// Uploaded files as the page is told of them.
fn uploaded(files: Option<&[FileInfo]>) -> Vec<widgets::UploadedFile> {
    files
        .unwrap_or_default()
        .iter()
        .map(|f| widgets::UploadedFile {
            id: f.id.clone(),
            name: f.name.clone(),
            mime: f.mime.clone(),
            size: f.size,
        })
        .collect()
}

fn to_wit(value: &WidgetValue, files: Option<&[FileInfo]>) -> WitValue {
    match value {
        WidgetValue::Files(_) => WitValue::Files(uploaded(files)),
        WidgetValue::Bool(b) => WitValue::Boolean(*b),
        WidgetValue::Int(i) => WitValue::Integer(*i),
        WidgetValue::Float(f) => WitValue::Float(*f),
        WidgetValue::Text(s) => WitValue::Text(s.clone()),
        WidgetValue::Index(i) => WitValue::Index(*i),
        WidgetValue::Indices(v) => WitValue::Indices(v.clone()),
        WidgetValue::IntRange(low, high) => WitValue::IntegerRange((*low, *high)),
        WidgetValue::FloatRange(low, high) => WitValue::FloatRange((*low, *high)),
        WidgetValue::Empty => WitValue::Empty,
        WidgetValue::TextRange(first, last) => WitValue::TextRange((first.clone(), last.clone())),
        WidgetValue::Texts(texts) => WitValue::Texts(texts.clone()),
        WidgetValue::Chat { text, .. } => WitValue::Chat(widgets::ChatMessage {
            text: text.clone(),
            files: uploaded(files),
        }),
        WidgetValue::Selection { rows, columns } => WitValue::Selection(widgets::TableSelection {
            rows: rows.clone(),
            columns: columns.clone(),
        }),
        WidgetValue::Edits(edits) => WitValue::Edits(widgets::TableEdits {
            edited: edits
                .edited
                .iter()
                .map(|(row, column, value)| widgets::CellEdit {
                    row: *row,
                    column: column.clone(),
                    value: wit_cell(value),
                })
                .collect(),
            added: edits
                .added
                .iter()
                .map(|row| row.iter().map(wit_cell).collect())
                .collect(),
            deleted: edits.deleted.clone(),
        }),
    }
}

fn wit_cell(cell: &Cell) -> widgets::Cell {
    match cell {
        Cell::Null => widgets::Cell::Null,
        Cell::Text(t) => widgets::Cell::Text(t.clone()),
        Cell::Integer(i) => widgets::Cell::Integer(*i),
        Cell::Float(f) => widgets::Cell::Float(*f),
        Cell::Boolean(b) => widgets::Cell::Boolean(*b),
        Cell::Date(d) => widgets::Cell::Date(*d),
        Cell::Datetime(us) => widgets::Cell::Datetime(*us),
        Cell::Time(us) => widgets::Cell::Time(*us),
    }
}
