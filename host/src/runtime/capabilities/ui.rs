//! `wasmlit:page/ui`: elements become deltas.

use crate::model::delta::{
    self, check_table, AlertKind, BlockSpec, Column, ColumnFormat, ColumnValues, DeltaColor,
    Element, Gap, Heading, Icon, ImageItem, MapPoint, MediaPlayer, Subtitle,
};
use crate::model::function::FunctionRef;
use crate::model::markdown;
use crate::model::table::{ColumnConfig, ColumnDisplay, ColumnEditing};
use crate::runtime::bindings::types::CallError;
use crate::runtime::bindings::ui::{
    self, AlertKind as WitAlertKind, Block as WitBlock, Element as WitElement, Gap as WitGap,
};
use crate::runtime::capabilities::{HostError, HostResult};
use crate::runtime::limits::Limits;
use crate::runtime::run::Role;
use crate::runtime::run::StoreData;
use crate::runtime::run_output;
use crate::runtime::services::media::{self, MediaKind};
use crate::runtime::services::AppServices;
use std::sync::Arc;

impl ui::Host for StoreData {
    fn emit(&mut self, at: u32, element: WitElement) -> HostResult<()> {
        let (output, element) = self.element_for("ui.emit", at, element)?;
        super::place_result(output.place(&self.limits, at, element).map(drop))
    }

    fn emit_data(&mut self, at: u32, element: WitElement) -> HostResult<Option<u32>> {
        let (output, element) = self.element_for("ui.emit_data", at, element)?;
        super::place_result(output.place_data(&self.limits, at, element))
    }

    fn add_rows(&mut self, data: u32, rows: ui::Table) -> HostResult<()> {
        // A job draws (and adds rows) only in the container it was given.
        let only_in = self
            .role
            .job()
            .and_then(|job| job.draw.as_ref())
            .map(|(_, granted)| *granted);
        let output = self.drawing("ui.add_rows", only_in.unwrap_or(run_output::MAIN))?;
        let rows = columns(rows).map_err(HostError::from)?;
        super::place_result(output.add_rows(&self.limits, data, rows, only_in))
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
        let menu = menu_items(config.menu_items, self.limits.element_bytes)?;
        let run = self.live("ui.set_page_config")?;
        let element = Element::PageConfig {
            menu,
            title: config.title,
            icon: config.icon,
            wide: config.wide,
            sidebar: match config.initial_sidebar_state {
                ui::SidebarState::Auto => "auto",
                ui::SidebarState::Expanded => "expanded",
                ui::SidebarState::Collapsed => "collapsed",
            },
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

impl StoreData {
    /// The output `call` draws into at `at`, and `element` checked and
    /// converted for it.
    fn element_for(
        &mut self,
        call: &str,
        at: u32,
        element: WitElement,
    ) -> HostResult<(Arc<run_output::RunOutput>, Element)> {
        let output = self.drawing(call, at)?;
        let linked = match &element {
            WitElement::SwitchPage(to) => Some(("switch_page", to.page.as_str())),
            WitElement::PageLink(link) => Some(("page_link", link.page.as_str())),
            _ => None,
        };
        if let Some((what, page)) = linked {
            // A run's app, or a job's (a job draws page links too).
            let app = match self.role.job().and_then(|job| job.services.as_ref()) {
                Some(services) => services.app.clone(),
                None => self.live(call)?.app.clone(),
            };
            if let Some(why) = app.unknown_page(what, page) {
                return Err(HostError::from(CallError::InvalidArgument(why)));
            }
        }
        let budget = Budget::of(&self.limits, output.output_bytes());
        let media = self.media_keeper();
        if matches!(element, WitElement::MarkdownHtml(_)) && !self.unsafe_allow_html {
            return Err(HostError::from(CallError::Denied(
                "markdown with raw HTML (unsafe_allow_html): the operator has not granted this \
                 app `unsafe_allow_html` (`[capabilities] unsafe_allow_html = true` in its \
                 app.toml, or `host serve --unsafe-allow-html`); use `html` for HTML without \
                 the grant"
                    .into(),
            )));
        }
        if matches!(element, WitElement::Login) && !self.login_provider {
            return Err(HostError::from(CallError::Denied(
                "login: this app has no login provider; an operator adds [auth.oidc] to its \
                 app.toml"
                    .into(),
            )));
        }
        match convert(element, &budget, &media) {
            Ok(element) => Ok((output, element)),
            Err(e) => Err(HostError::from(e)),
        }
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

/// Where a run's media goes: the app's media store, under the session.
pub(crate) struct MediaKeeper {
    target: Option<(Arc<AppServices>, Arc<str>)>,
}

impl MediaKeeper {
    /// Keeps `bytes` as media of `kind` (typed `mime`, or sniffed when none)
    /// and returns its URL path and type.
    fn keep(
        &self,
        bytes: &[u8],
        mime: Option<&str>,
        kind: MediaKind,
        limits: &Limits,
    ) -> Result<(String, String), CallError> {
        let Some((app, session)) = &self.target else {
            return Err(CallError::InvalidArgument(
                "media can be shown only by a page's run or its jobs".into(),
            ));
        };
        let mime =
            media::check_mime(kind, mime.unwrap_or_else(|| media::sniff(bytes))).map_err(|e| {
                CallError::InvalidArgument(format!(
                    "{e}; name the type (`mime`) or pass bytes of a format browsers show"
                ))
            })?;
        let url = app
            .media
            .add(session, bytes, &mime, limits)
            .map_err(CallError::LimitExceeded)?;
        Ok((url, mime))
    }
}

impl StoreData {
    /// The media store this instance's elements keep their bytes in.
    fn media_keeper(&self) -> MediaKeeper {
        let target = match &self.role {
            Role::Run(run) => Some((run.app.clone(), run.session.clone())),
            Role::Job(job) => job
                .services
                .as_ref()
                .map(|s| (s.app.clone(), s.session.clone())),
            _ => None,
        };
        MediaKeeper { target }
    }
}

/// `body` rendered by `render` (one of the Markdown renderers) within what
/// an element may carry and the run has left.
fn rendered(
    body: &str,
    budget: &Budget,
    render: fn(&str, usize) -> Result<String, markdown::TooLarge>,
) -> Result<String, CallError> {
    let element_bytes = budget.limits.element_bytes;
    // Checked before rendering so a huge source is not rendered first.
    if body.len() > element_bytes {
        return Err(CallError::LimitExceeded(format!(
            "an element may carry at most {element_bytes} bytes of text (element_bytes)"
        )));
    }
    // Rendering stops as soon as the HTML passes what the element may
    // carry or what the run has left.
    let (bytes, refusal) = budget.bytes(element_bytes, "element_bytes");
    render(body, bytes).map_err(|_| refusal)
}

/// `body` rendered as Markdown.
fn rich(body: &str, budget: &Budget) -> Result<String, CallError> {
    rendered(body, budget, markdown::render_bounded)
}

/// One line of Markdown (a caption, an alert, a toast): its paragraph
/// without the `<p>` around it.
fn rich_line(body: &str, budget: &Budget) -> Result<String, CallError> {
    rendered(body, budget, markdown::render_line_bounded)
}

fn heading(h: ui::Heading, budget: &Budget) -> Result<Heading, CallError> {
    let html = rendered(&h.body, budget, markdown::render_inline_bounded)?;
    let divider =
        match h.divider.as_deref() {
            None => None,
            Some(name) => Some(delta::color(name).filter(|c| *c != "primary").ok_or_else(
                || {
                    CallError::InvalidArgument(format!(
                        "divider {name:?}: give one of blue, green, orange, red, violet, gray, \
                         grey or rainbow"
                    ))
                },
            )?),
        };
    let anchor = markdown::anchor(h.anchor.as_deref().unwrap_or(&h.body));
    Ok(Heading {
        body: h.body,
        html,
        anchor,
        divider,
    })
}

pub(super) fn icon(text: Option<String>) -> Result<Option<Icon>, CallError> {
    text.map(|t| Icon::parse(&t).map_err(CallError::InvalidArgument))
        .transpose()
}

/// A JSON object from the page, within `table_bytes`.
fn json_object(text: &str, what: &str, limits: &Limits) -> Result<serde_json::Value, CallError> {
    if text.len() > limits.table_bytes {
        return Err(CallError::LimitExceeded(run_output::element_too_large(
            limits.table_bytes,
            "table_bytes",
        )));
    }
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| CallError::InvalidArgument(format!("{what}: not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(CallError::InvalidArgument(format!(
            "{what}: the figure must be a JSON object"
        )));
    }
    Ok(value)
}

/// Text of an element, within `element_bytes`.
fn plain(text: String, what: &str, limits: &Limits) -> Result<String, CallError> {
    if text.len() > limits.element_bytes {
        return Err(CallError::LimitExceeded(format!(
            "{what}: an element may carry at most {} bytes of text (element_bytes)",
            limits.element_bytes
        )));
    }
    Ok(text)
}

fn player(
    m: ui::Media,
    kind: MediaKind,
    media: &MediaKeeper,
    limits: &Limits,
) -> Result<MediaPlayer, CallError> {
    let (url, mime) = media.keep(&m.data.bytes, m.data.mime.as_deref(), kind, limits)?;
    if m.end_seconds.is_some_and(|end| end <= m.start_seconds) {
        return Err(CallError::InvalidArgument(format!(
            "end_time ({:?} s) must come after start_time ({} s)",
            m.end_seconds, m.start_seconds
        )));
    }
    let subtitles = m
        .subtitles
        .into_iter()
        .map(|s| {
            let (url, _) = media.keep(&s.data, Some("text/vtt"), MediaKind::Subtitles, limits)?;
            Ok(Subtitle {
                label: plain(s.label, "subtitles", limits)?,
                url,
            })
        })
        .collect::<Result<Vec<_>, CallError>>()?;
    Ok(MediaPlayer {
        url,
        mime,
        start: m.start_seconds,
        end: m.end_seconds,
        looping: m.loop_,
        autoplay: m.autoplay,
        muted: m.muted,
        subtitles,
    })
}

/// Most values a metric's sparkline may have.
pub const METRIC_CHART_POINTS: usize = 10_000;

/// Most points one map may show.
pub const MAP_POINTS: usize = 100_000;

/// Tallest map, in pixels: a map loads tiles for all of its area.
pub const MAP_HEIGHT_MAX: u32 = 2_000;

/// Turns the contract's element into the browser's, rendering Markdown and
/// checking JSON, within `budget`; media goes to `media`.
fn convert(
    element: WitElement,
    budget: &Budget,
    media: &MediaKeeper,
) -> Result<Element, CallError> {
    let element_bytes = budget.limits.element_bytes;
    let limits = budget.limits;
    Ok(match element {
        WitElement::Title(h) => Element::Title(heading(h, budget)?),
        WitElement::Header(h) => Element::Header(heading(h, budget)?),
        WitElement::Subheader(h) => Element::Subheader(heading(h, budget)?),
        WitElement::Markdown(body) => {
            let html = rich(&body, budget)?;
            Element::Markdown { html, source: body }
        }
        WitElement::MarkdownHtml(body) => {
            let html = rendered(&body, budget, markdown::render_html_bounded)?;
            Element::Markdown { html, source: body }
        }
        WitElement::Text(body) => Element::Text { body },
        WitElement::Caption(body) => Element::Caption {
            html: rich_line(&body, budget)?,
            body,
        },
        WitElement::Code(code) => Element::Code {
            body: code.body,
            language: code.language.map(|l| markdown::language_name(&l)),
            line_numbers: code.line_numbers,
            wrap_lines: code.wrap_lines,
            height: code.height,
        },
        WitElement::Json(doc) => {
            let text = doc.value;
            if text.len() > element_bytes {
                return Err(CallError::LimitExceeded(format!(
                    "an element may carry at most {element_bytes} bytes of text (element_bytes)"
                )));
            }
            let value = serde_json::from_str(&text)
                .map_err(|e| CallError::InvalidArgument(format!("json: not valid JSON: {e}")))?;
            Element::Json {
                value,
                expanded: doc.expanded,
            }
        }
        WitElement::Divider => Element::Divider,
        WitElement::Metric(m) => {
            if m.chart.len() > METRIC_CHART_POINTS {
                return Err(CallError::InvalidArgument(format!(
                    "metric: a chart of at most {METRIC_CHART_POINTS} values; this one has {}",
                    m.chart.len()
                )));
            }
            Element::Metric {
                label: m.label,
                value: m.value,
                delta: m.delta,
                delta_color: match m.delta_color {
                    ui::DeltaColor::Normal => DeltaColor::Normal,
                    ui::DeltaColor::Inverse => DeltaColor::Inverse,
                    ui::DeltaColor::Off => DeltaColor::Off,
                },
                help: m.help,
                border: m.border,
                // Values JSON cannot carry are gaps in the line.
                chart: m.chart,
            }
        }
        WitElement::Logo(logo) => {
            let (url, _) = media.keep(
                &logo.image.bytes,
                logo.image.mime.as_deref(),
                MediaKind::Image,
                limits,
            )?;
            if let Some(link) = &logo.link {
                if !(link.starts_with("https://") || link.starts_with("http://")) {
                    return Err(CallError::InvalidArgument(format!(
                        "logo: the link must be an http or https URL, got {link:?}"
                    )));
                }
            }
            Element::Logo {
                url,
                link: logo.link,
            }
        }
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
        WitElement::Toast(body) => Element::Toast {
            html: rich_line(&body, budget)?,
            body,
        },
        WitElement::Empty => Element::Empty,
        WitElement::LinkButton(link) => {
            check_link("link_button", &link.url)?;
            Element::LinkButton {
                label: link.label,
                url: link.url,
                help: link.help,
                emphasis: match link.style {
                    ui::LinkStyle::Primary => "primary",
                    ui::LinkStyle::Secondary => "secondary",
                    ui::LinkStyle::Tertiary => "tertiary",
                },
                icon: icon(link.icon)?,
                disabled: link.disabled,
                stretch: link.stretch,
            }
        }
        WitElement::SwitchPage(to) => Element::SwitchPage {
            page: to.page,
            query: form_urlencoded::Serializer::new(String::new())
                .extend_pairs(to.query.iter())
                .finish(),
        },
        WitElement::Balloons => Element::Balloons,
        WitElement::Login => Element::Login,
        WitElement::Logout => Element::Logout,
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
            html: rich_line(&alert.body, budget)?,
            body: alert.body,
            icon: icon(alert.icon)?,
        },
        WitElement::Snow => Element::Snow,
        WitElement::Latex(tex) => Element::Latex {
            tex: plain(tex, "latex", limits)?,
        },
        WitElement::Badge(b) => Element::Badge {
            color: delta::color(&b.color).ok_or_else(|| {
                CallError::InvalidArgument(format!(
                    "badge color {:?}: give one of blue, green, orange, red, violet, gray, \
                     grey or primary",
                    b.color
                ))
            })?,
            label: plain(b.label, "badge", limits)?,
            icon: icon(b.icon)?,
        },
        WitElement::Html(html) => Element::Html {
            html: markdown::clean_html(&plain(html, "html", limits)?),
        },
        WitElement::HtmlFrame(frame) => {
            let (url, _) = media.keep(
                frame.html.as_bytes(),
                Some("text/html"),
                MediaKind::Frame,
                limits,
            )?;
            Element::HtmlFrame {
                url,
                height: frame.height.unwrap_or(150),
                scrolling: frame.scrolling,
            }
        }
        WitElement::PageLink(link) => Element::PageLink {
            html: match &link.label {
                Some(label) => rich_line(label, budget)?,
                None => String::new(),
            },
            page: link.page,
            icon: icon(link.icon)?,
            help: link.help,
            disabled: link.disabled,
            stretch: link.stretch,
        },
        WitElement::UrlFrame(frame) => Element::UrlFrame {
            url: frame_url(&frame.url)?,
            height: frame.height.unwrap_or(150),
            scrolling: frame.scrolling,
        },
        WitElement::Image(image) => {
            if image.items.is_empty() {
                return Err(CallError::InvalidArgument(
                    "image: give at least one image".into(),
                ));
            }
            let items = image
                .items
                .into_iter()
                .map(|item| {
                    let (url, mime) = media.keep(
                        &item.data.bytes,
                        item.data.mime.as_deref(),
                        MediaKind::Image,
                        limits,
                    )?;
                    Ok(ImageItem {
                        url,
                        mime,
                        caption: item
                            .caption
                            .map(|c| plain(c, "image caption", limits))
                            .transpose()?,
                    })
                })
                .collect::<Result<Vec<_>, CallError>>()?;
            Element::Image {
                items,
                width: image.width,
            }
        }
        WitElement::Audio(m) => Element::Audio(player(m, MediaKind::Audio, media, limits)?),
        WitElement::Video(m) => Element::Video(player(m, MediaKind::Video, media, limits)?),
        WitElement::Pdf(pdf) => {
            if !pdf.data.starts_with(b"%PDF-") {
                return Err(CallError::InvalidArgument(
                    "pdf: the bytes are not a PDF document (they must start with `%PDF-`)".into(),
                ));
            }
            let (url, _) =
                media.keep(&pdf.data, Some("application/pdf"), MediaKind::Pdf, limits)?;
            Element::Pdf {
                url,
                height: pdf.height.unwrap_or(500),
            }
        }
        WitElement::Plotly(text) => Element::Plotly {
            figure: json_object(&text, "plotly_chart", limits)?,
            bytes: text.len(),
        },
        WitElement::Map(map) => {
            if map.points.len() > MAP_POINTS {
                return Err(CallError::LimitExceeded(format!(
                    "map: at most {MAP_POINTS} points; this one has {}",
                    map.points.len()
                )));
            }
            let points = map
                .points
                .into_iter()
                .map(|p| {
                    let on_earth = p.latitude.is_finite()
                        && (-90.0..=90.0).contains(&p.latitude)
                        && p.longitude.is_finite()
                        && (-180.0..=180.0).contains(&p.longitude);
                    if !on_earth {
                        return Err(CallError::InvalidArgument(format!(
                            "map: a point at latitude {} and longitude {} is not on Earth \
                             (latitude -90 to 90, longitude -180 to 180)",
                            p.latitude, p.longitude
                        )));
                    }
                    if p.size.is_some_and(|s| !(s.is_finite() && s >= 0.0)) {
                        return Err(CallError::InvalidArgument(format!(
                            "map: a point's size must be a positive number of metres, got {:?}",
                            p.size
                        )));
                    }
                    let color = p.color.map(|c| css_color(&c)).transpose()?;
                    Ok(MapPoint {
                        lat: p.latitude,
                        lon: p.longitude,
                        size: p.size,
                        color,
                    })
                })
                .collect::<Result<Vec<_>, CallError>>()?;
            if map
                .zoom
                .is_some_and(|z| !(z.is_finite() && (0.0..=22.0).contains(&z)))
            {
                return Err(CallError::InvalidArgument(format!(
                    "map: zoom is 0 to 22, got {:?}",
                    map.zoom
                )));
            }
            let height = map.height.unwrap_or(400);
            if height > MAP_HEIGHT_MAX {
                return Err(CallError::InvalidArgument(format!(
                    "map: height is at most {MAP_HEIGHT_MAX} px (a map loads tiles for all of \
                     it); got {height}"
                )));
            }
            Element::Map {
                points,
                zoom: map.zoom,
                height,
            }
        }
        WitElement::Graphviz(dot) => Element::Graphviz {
            dot: plain(dot, "graphviz_chart", limits)?,
        },
        WitElement::TextAppend(text) => Element::TextAppend { text },
        WitElement::Space(size) => Element::Space {
            size: match size {
                ui::SpaceSize::Small => "small",
                ui::SpaceSize::Medium => "medium",
                ui::SpaceSize::Large => "large",
            },
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
        WitBlock::Dialog(d) => BlockSpec::Dialog {
            title: d.title,
            width: match d.width {
                ui::DialogWidth::Small => "small",
                ui::DialogWidth::Medium => "medium",
                ui::DialogWidth::Large => "large",
            },
            dismissible: d.dismissible,
        },
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
            enter_to_submit: f.enter_to_submit,
        },
    }
}

/// A table's columns, checked to have one value per row each.
pub(crate) fn columns(table: ui::Table) -> Result<Vec<Column>, CallError> {
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
                ui::ColumnValues::Date(v) => ColumnValues::Date(v),
                ui::ColumnValues::Datetime(v) => ColumnValues::Datetime(v),
                ui::ColumnValues::Time(v) => ColumnValues::Time(v),
                ui::ColumnValues::NumberList(v) => ColumnValues::NumberList(v),
                ui::ColumnValues::TextList(v) => ColumnValues::TextList(v),
                ui::ColumnValues::Json(v) => ColumnValues::Json(v),
            },
            format: c.format.map(|f| ColumnFormat {
                decimals: f.decimals,
                prefix: f.prefix,
                suffix: f.suffix,
            }),
            nulls: c.nulls,
            time_zone: c.time_zone,
            config: c.config.map(column_config),
        })
        .collect();
    check_table(&columns).map_err(CallError::InvalidArgument)?;
    Ok(columns)
}

/// A column's display settings from the contract's; widths in pixels.
fn column_config(c: ui::ColumnConfig) -> ColumnConfig {
    use crate::model::table::COLUMN_WIDTHS;
    let chart = |c: ui::ChartColumn| (c.y_min, c.y_max);
    ColumnConfig {
        label: c.label,
        help: c.help,
        width: c.width.map(|w| match w {
            ui::ColumnWidth::Small => COLUMN_WIDTHS[0],
            ui::ColumnWidth::Medium => COLUMN_WIDTHS[1],
            ui::ColumnWidth::Large => COLUMN_WIDTHS[2],
            ui::ColumnWidth::Pixels(px) => px,
        }),
        pinned: c.pinned,
        display: c.display.map(|d| match d {
            ui::ColumnDisplay::Format(format) => ColumnDisplay::Format { format },
            ui::ColumnDisplay::Progress(p) => ColumnDisplay::Progress {
                min: p.min,
                max: p.max,
                format: p.format,
            },
            ui::ColumnDisplay::Link(display_text) => ColumnDisplay::Link { display_text },
            ui::ColumnDisplay::Image => ColumnDisplay::Image,
            ui::ColumnDisplay::LineChart(c) => {
                let (y_min, y_max) = chart(c);
                ColumnDisplay::LineChart { y_min, y_max }
            }
            ui::ColumnDisplay::BarChart(c) => {
                let (y_min, y_max) = chart(c);
                ColumnDisplay::BarChart { y_min, y_max }
            }
            ui::ColumnDisplay::AreaChart(c) => {
                let (y_min, y_max) = chart(c);
                ColumnDisplay::AreaChart { y_min, y_max }
            }
            ui::ColumnDisplay::Checkbox => ColumnDisplay::Checkbox,
        }),
        editing: c.editing.map(|e| ColumnEditing {
            required: e.required,
            min: e.min,
            max: e.max,
            max_chars: e.max_chars,
            options: e.options,
        }),
    }
}

/// A colour a map point may have: `#rgb`, `#rrggbb`, `#rrggbbaa` or a CSS
/// name of letters, so no value can be more than a colour.
fn css_color(text: &str) -> Result<String, CallError> {
    let t = text.trim();
    let hex = t.strip_prefix('#').is_some_and(|h| {
        matches!(h.len(), 3 | 4 | 6 | 8) && h.bytes().all(|b| b.is_ascii_hexdigit())
    });
    let name = !t.is_empty() && t.len() <= 32 && t.bytes().all(|b| b.is_ascii_alphabetic());
    if hex || name {
        Ok(t.to_ascii_lowercase())
    } else {
        Err(CallError::InvalidArgument(format!(
            "map: color {text:?}: give `#rrggbb`, `#rrggbbaa` or a CSS colour name"
        )))
    }
}

/// Longest URL a framed page may have.
const FRAME_URL_BYTES: usize = 4096;

/// The URL of a framed page of another site: `http` or `https` with a host,
/// serialized as the URL parser reads it so the browser loads the same thing.
fn frame_url(text: &str) -> Result<String, CallError> {
    let invalid = |why: &str| CallError::InvalidArgument(format!("iframe: {text:?}: {why}"));
    if text.len() > FRAME_URL_BYTES {
        return Err(invalid(&format!("longer than {FRAME_URL_BYTES} bytes")));
    }
    let url = url::Url::parse(text).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid("give an http or https URL"));
    }
    Ok(url.into())
}

/// A link the page gives the browser to open: http, https or mailto.
fn check_link(what: &str, url: &str) -> Result<(), CallError> {
    let scheme = url.split(':').next().unwrap_or("").to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https" | "mailto") || !url.contains(':') {
        return Err(CallError::InvalidArgument(format!(
            "{what}: only http, https and mailto links are allowed, got {url:?}"
        )));
    }
    Ok(())
}

/// The app menu's entries: links checked, the About text rendered from
/// Markdown (bounded by what one element may carry); none when all are empty.
fn menu_items(
    items: ui::MenuItems,
    element_bytes: usize,
) -> Result<Option<Box<crate::model::delta::MenuItems>>, HostError> {
    for (what, link) in [
        ("menu_items get_help", &items.get_help),
        ("menu_items report_a_bug", &items.report_a_bug),
    ] {
        if let Some(link) = link {
            check_link(what, link).map_err(HostError::from)?;
        }
    }
    let about = match &items.about {
        Some(text) => Some(
            crate::model::markdown::render_bounded(text, element_bytes).map_err(|_| {
                HostError::from(CallError::LimitExceeded(format!(
                    "menu_items about may render to at most {element_bytes} bytes (element_bytes)"
                )))
            })?,
        ),
        None => None,
    };
    if items.get_help.is_none() && items.report_a_bug.is_none() && about.is_none() {
        return Ok(None);
    }
    Ok(Some(Box::new(crate::model::delta::MenuItems {
        get_help: items.get_help,
        report_a_bug: items.report_a_bug,
        about,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_links_are_http_https_or_mailto_and_about_is_sanitized_markdown() {
        let items = |help: &str, about: &str| ui::MenuItems {
            get_help: Some(help.to_owned()),
            report_a_bug: None,
            about: Some(about.to_owned()),
        };
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "//evil.example",
            "help",
        ] {
            assert!(menu_items(items(bad, "a"), 1 << 16).is_err(), "{bad}");
        }
        let menu = menu_items(
            items("mailto:a@b.c", "**hi** <script>alert(1)</script>"),
            1 << 16,
        )
        .ok()
        .flatten()
        .expect("a menu");
        let about = menu.about.unwrap_or_default();
        assert!(about.contains("<strong>hi</strong>"), "{about}");
        assert!(!about.contains("<script"), "{about}");
        assert!(
            menu_items(items("https://example.com", &"x".repeat(1000)), 100).is_err(),
            "past element_bytes"
        );
        let none = ui::MenuItems {
            get_help: None,
            report_a_bug: None,
            about: None,
        };
        assert!(matches!(menu_items(none, 1 << 16), Ok(None)));
    }

    #[test]
    fn a_framed_page_is_an_http_or_https_url_and_nothing_else() {
        assert_eq!(
            frame_url("https://example.com/a b?q=1").ok().as_deref(),
            Some("https://example.com/a%20b?q=1")
        );
        assert!(frame_url("http://127.0.0.1:8080/").is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,<script>1</script>",
            "file:///etc/passwd",
            "/_/media/x",
            "blob:https://example.com/1",
            "https://",
            "",
        ] {
            let error = frame_url(bad).err().map(|e| format!("{e:?}"));
            assert!(
                error.is_some_and(|e| e.contains("iframe")),
                "{bad:?} was accepted"
            );
        }
        let long = format!("https://example.com/{}", "a".repeat(FRAME_URL_BYTES));
        assert!(frame_url(&long).is_err());
    }
}
