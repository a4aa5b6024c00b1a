//! Rich content: formulas, badges, HTML, sandboxed HTML frames, Plotly
//! figures, maps, Graphviz graphs, snow and space.

use crate::bindings::wasmlit::page::ui::{
    Badge as WitBadge, Element, HtmlFrame, Map as WitMap, MapPoint as WitMapPoint, SpaceSize,
    UrlFrame,
};
use crate::Ui;
use serde::Serialize;

/// One point on a map: where, and optionally its radius and colour.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    /// Degrees north (-90 to 90).
    pub latitude: f64,
    /// Degrees east (-180 to 180).
    pub longitude: f64,
    /// Radius in metres.
    pub size: Option<f32>,
    /// A CSS colour: `#rrggbb`, `#rrggbbaa` or a name.
    pub color: Option<String>,
}

impl MapPoint {
    /// A point with the map's default size and colour.
    ///
    /// ```no_run
    /// let paris = wasmlit::MapPoint::new(48.8566, 2.3522);
    /// ```
    pub fn new(latitude: f64, longitude: f64) -> MapPoint {
        MapPoint {
            latitude,
            longitude,
            size: None,
            color: None,
        }
    }
}

/// Vertical space, like `st.space`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    /// About a line.
    Small,
    /// Two lines.
    Medium,
    /// Four lines.
    Large,
}

impl Ui {
    /// A LaTeX formula as a block, like `st.latex`, laid out by KaTeX.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.latex(r"a + ar + ar^2 + \cdots + ar^{n-1} = \sum_{k=0}^{n-1} ar^k");
    /// # }
    /// ```
    pub fn latex(&self, tex: impl Into<String>) {
        self.emit(Element::Latex(tex.into()));
    }

    /// A small blue label, like `st.badge`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.badge("New");
    /// # }
    /// ```
    pub fn badge(&self, label: impl Into<String>) {
        self.badge_with(label, "blue", None);
    }

    /// A label of `color` (`blue`, `green`, `orange`, `red`, `violet`,
    /// `gray`, `primary`) with an icon (an emoji or `:material/name:`),
    /// like `st.badge(label, icon=…, color=…)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.badge_with("Success", "green", Some(":material/check:"));
    /// # }
    /// ```
    pub fn badge_with(&self, label: impl Into<String>, color: &str, icon: Option<&str>) {
        self.emit(Element::Badge(WitBadge {
            label: label.into(),
            icon: icon.map(str::to_owned),
            color: color.to_owned(),
        }));
    }

    /// HTML, like `st.html`: the host keeps only tags and attributes that
    /// cannot run script (no `<script>`, no event handlers, no
    /// `javascript:` links); `class` and `style` stay.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.html("<p style='color: teal'>Styled <b>HTML</b></p>");
    /// # }
    /// ```
    pub fn html(&self, html: impl Into<String>) {
        self.emit(Element::Html(html.into()));
    }

    /// HTML with its own scripts in a sandboxed frame, like
    /// `components.html(html, height=…, scrolling=…)`. The frame runs in an
    /// origin of its own: it cannot reach the page, the session or the
    /// server's cookies, and it loads nothing from the network.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.components_html("<button onclick='this.textContent++'>0</button>", Some(60), false);
    /// # }
    /// ```
    pub fn components_html(&self, html: impl Into<String>, height: Option<u32>, scrolling: bool) {
        self.emit(Element::HtmlFrame(HtmlFrame {
            html: html.into(),
            height,
            scrolling,
        }));
    }

    /// A page of another site in a sandboxed frame, like
    /// `components.iframe(url, height=…, scrolling=…)`. The URL must be
    /// `http` or `https`; the frame never runs in this server's origin, and
    /// the browser shows it only when the server's operator allows its
    /// origin (`--frame-origin`); otherwise a notice takes its place.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.iframe("https://example.com/", Some(400), true);
    /// # }
    /// ```
    pub fn iframe(&self, url: impl Into<String>, height: Option<u32>, scrolling: bool) {
        self.emit(Element::UrlFrame(UrlFrame {
            url: url.into(),
            height,
            scrolling,
        }));
    }

    /// A Plotly figure, like `st.plotly_chart`: any value that serializes
    /// to Plotly's figure JSON (`data`, and optionally `layout` and
    /// `config`), drawn by the vendored plotly.js.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.plotly_chart(&serde_json::json!({
    ///     "data": [{"type": "bar", "x": ["a", "b"], "y": [3, 5]}],
    ///     "layout": {"title": {"text": "Votes"}}
    /// }));
    /// # }
    /// ```
    pub fn plotly_chart<T: Serialize + ?Sized>(&self, figure: &T) {
        match serde_json::to_string(figure) {
            Ok(json) => self.emit(Element::Plotly(json)),
            Err(e) => panic!("st.plotly_chart: the figure does not serialize: {e}"),
        }
    }

    /// Points on a map, like `st.map`, fitted to the points. Tiles come
    /// from the server's tile source if the operator set one; otherwise
    /// the points are drawn on a plain grid of latitudes and longitudes.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use wasmlit::MapPoint;
    /// st.map(&[MapPoint::new(48.8566, 2.3522), MapPoint::new(51.5072, -0.1276)]);
    /// # }
    /// ```
    pub fn map(&self, points: &[MapPoint]) {
        self.map_with(points, None, None);
    }

    /// Points on a map at a zoom level (0 the world, 18 a street) and a
    /// height in pixels, like `st.map(…, zoom=…, height=…)`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// use wasmlit::MapPoint;
    /// let stop = MapPoint { size: Some(200.0), color: Some("#ff0000".into()), ..MapPoint::new(52.52, 13.405) };
    /// st.map_with(&[stop], Some(11.0), Some(300));
    /// # }
    /// ```
    pub fn map_with(&self, points: &[MapPoint], zoom: Option<f32>, height: Option<u32>) {
        self.emit(Element::Map(WitMap {
            points: points
                .iter()
                .map(|p| WitMapPoint {
                    latitude: p.latitude,
                    longitude: p.longitude,
                    size: p.size,
                    color: p.color.clone(),
                })
                .collect(),
            zoom,
            height,
        }));
    }

    /// A graph in Graphviz's DOT language, like `st.graphviz_chart`, laid
    /// out in the browser by the vendored Graphviz.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.graphviz_chart("digraph { run -> intr; intr -> runbl; runbl -> run }");
    /// # }
    /// ```
    pub fn graphviz_chart(&self, dot: impl Into<String>) {
        self.emit(Element::Graphviz(dot.into()));
    }

    /// What a value is, like `st.help(obj)`: its type and its contents as
    /// `{:#?}` prints them (a compiled page carries no documentation to
    /// show).
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.help(&vec![(1, "one"), (2, "two")]);
    /// # }
    /// ```
    pub fn help<T: std::fmt::Debug + ?Sized>(&self, value: &T) {
        self.markdown(format!("**`{}`**", std::any::type_name::<T>()));
        self.code(format!("{value:#?}"), Some("rust"));
    }

    /// Snowflakes fall down the window, like `st.snow`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.snow();
    /// # }
    /// ```
    pub fn snow(&self) {
        self.emit(Element::Snow);
    }

    /// Vertical space, like `st.space`.
    ///
    /// ```no_run
    /// # fn page(st: &wasmlit::Ui) {
    /// st.space(wasmlit::Space::Medium);
    /// # }
    /// ```
    pub fn space(&self, size: Space) {
        self.emit(Element::Space(match size {
            Space::Small => SpaceSize::Small,
            Space::Medium => SpaceSize::Medium,
            Space::Large => SpaceSize::Large,
        }));
    }
}
