"""wasmlit for Python: Streamlit's calls for a page that runs in the host's
WebAssembly sandbox.

Write the script as for Streamlit, with ``import wasmlit as st`` in place
of ``import streamlit as st``. The script runs top to bottom on every
interaction, each run in a fresh instance; ``st.session_state`` keeps
values between runs (JSON-like values: ``None``, ``bool``, ``int``,
``float``, ``str``, and lists and dicts of them). docs/api.md lists every
Streamlit name with what this module offers for it.
"""

import contextlib as _contextlib
import datetime as _datetime
import inspect as _inspect
import json as _json
import pickle as _pickle

from componentize_py_types import Err as _Err
from wit_world.imports import cache as _cache
from wit_world.imports import control as _control
from wit_world.imports import jobs as _jobs
from wit_world.imports import query_params as _query_params
from wit_world.imports import secrets as _secrets
from wit_world.imports import session_state as _session_state
from wit_world.imports import ui as _ui
from wit_world.imports import widgets as _w

from . import _containers, _data, _page

__all__ = []

_VISIBILITY = {
    "visible": _w.LabelVisibility.VISIBLE,
    "hidden": _w.LabelVisibility.HIDDEN,
    "collapsed": _w.LabelVisibility.COLLAPSED,
}
_EMPHASIS = {
    "secondary": _w.Emphasis.SECONDARY,
    "primary": _w.Emphasis.PRIMARY,
    "tertiary": _w.Emphasis.TERTIARY,
}
_GAPS = {"small": _ui.Gap.SMALL, "medium": _ui.Gap.MEDIUM, "large": _ui.Gap.LARGE}
_DELTA_COLORS = {
    "normal": _ui.DeltaColor.NORMAL,
    "inverse": _ui.DeltaColor.INVERSE,
    "off": _ui.DeltaColor.OFF,
}


class StreamlitAPIException(Exception):
    """A call was given arguments it cannot take."""


def _choice(table, value, what):
    try:
        return table[value]
    except (KeyError, TypeError):
        raise StreamlitAPIException(
            f"{what} must be one of {', '.join(map(repr, table))}, not {value!r}"
        ) from None


def _callback(function, args, kwargs):
    if function is None:
        return None
    ident = _page.entry(function)
    return _w.Callback(id=ident, args=_pickle.dumps((tuple(args or ()), dict(kwargs or {}))))


def _options(label, key, help, disabled, on_change, args, kwargs, label_visibility,
             emphasis="secondary", icon=None, stretch=False, format=None):
    return _w.WidgetOptions(
        label=str(label),
        key=None if key is None else str(key),
        help=help,
        disabled=bool(disabled),
        on_change=_callback(on_change, args, kwargs),
        label_visibility=_choice(_VISIBILITY, label_visibility, "label_visibility"),
        emphasis=_choice(_EMPHASIS, emphasis, "type"),
        icon=icon,
        stretch=bool(stretch),
        format=format,
        shortcut=None,
    )


def _seconds_ms(value, what):
    """A duration (seconds, a ``timedelta`` or a string such as ``"10m"``) in ms."""
    if value is None:
        return None
    if isinstance(value, _datetime.timedelta):
        return int(value.total_seconds() * 1000)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value * 1000)
    if isinstance(value, str):
        units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
        text = value.strip().lower()
        for unit in sorted(units, key=len, reverse=True):
            if text.endswith(unit):
                try:
                    return int(float(text[: -len(unit)]) * units[unit] * 1000)
                except ValueError:
                    break
    raise StreamlitAPIException(
        f"{what} must be seconds, a timedelta or a string like '10s', '5m', '1h', not {value!r}"
    )


class DeltaGenerator:
    """A place to draw: the main area, the sidebar, a column, a tab, a form.
    ``st.x(...)`` draws into the container of the innermost ``with`` block;
    ``column.x(...)`` draws into ``column``."""

    def __init__(self, container=None):
        self._container = container

    @property
    def _at(self):
        return _containers.current() if self._container is None else self._container

    def __enter__(self):
        _containers.push(self._at)
        return self

    def __exit__(self, *exc):
        _containers.pop()
        return False

    def _emit(self, element):
        _ui.emit(self._at, element)
        return self

    def _block(self, block):
        return [DeltaGenerator(c) for c in _ui.open_block(self._at, block)]

    # Text -------------------------------------------------------------

    def title(self, body, anchor=None, *, help=None):
        """A title (``st.title``)."""
        return self._emit(_ui.Element_Title(_heading(body, None, anchor)))

    def header(self, body, anchor=None, *, help=None, divider=False):
        """A header (``st.header``); ``divider`` adds a coloured rule."""
        return self._emit(_ui.Element_Header(_heading(body, divider, anchor)))

    def subheader(self, body, anchor=None, *, help=None, divider=False):
        """A subheader (``st.subheader``)."""
        return self._emit(_ui.Element_Subheader(_heading(body, divider, anchor)))

    def markdown(self, body, unsafe_allow_html=False, *, help=None):
        """Markdown text (``st.markdown``)."""
        if unsafe_allow_html:
            return self._emit(_ui.Element_MarkdownHtml(str(body)))
        return self._emit(_ui.Element_Markdown(str(body)))

    def text(self, body, *, help=None):
        """Plain text (``st.text``)."""
        return self._emit(_ui.Element_Text(str(body)))

    def caption(self, body, unsafe_allow_html=False, *, help=None):
        """Small grey text (``st.caption``)."""
        return self._emit(_ui.Element_Caption(str(body)))

    def code(self, body, language="python", *, line_numbers=False, wrap_lines=False, height=None):
        """A block of code (``st.code``)."""
        return self._emit(_ui.Element_Code(_ui.CodeBlock(
            body=str(body), language=language, line_numbers=bool(line_numbers),
            wrap_lines=bool(wrap_lines), height=height)))

    def latex(self, body, *, help=None):
        """A formula in LaTeX (``st.latex``)."""
        return self._emit(_ui.Element_Latex(str(body)))

    def json(self, body, *, expanded=True):
        """A JSON document as a tree (``st.json``); ``body`` a value or JSON text."""
        text = body if isinstance(body, str) else _json.dumps(body, default=str)
        depth = None if expanded is True else (0 if expanded is False else int(expanded))
        return self._emit(_ui.Element_Json(_ui.JsonDoc(value=text, expanded=depth)))

    def divider(self):
        """A horizontal rule (``st.divider``)."""
        return self._emit(_ui.Element_Divider())

    def html(self, body):
        """HTML, sanitized by the browser side (``st.html``)."""
        return self._emit(_ui.Element_Html(str(body)))

    def badge(self, label, *, icon=None, color="blue"):
        """A small coloured label (``st.badge``)."""
        return self._emit(_ui.Element_Badge(_ui.Badge(label=str(label), icon=icon, color=color)))

    def write(self, *args, unsafe_allow_html=False):
        """Writes each argument the way fits it (``st.write``): text as
        Markdown, numbers as text, dicts and lists as JSON, exceptions as
        errors, tables as dataframes."""
        for arg in args:
            if isinstance(arg, str):
                self.markdown(arg, unsafe_allow_html=unsafe_allow_html)
            elif isinstance(arg, BaseException):
                self.exception(arg)
            elif arg is None or isinstance(arg, (bool, int, float)):
                self.text(arg)
            elif isinstance(arg, (dict, list, tuple)):
                self.json(arg)
            elif hasattr(arg, "to_dict"):
                self.dataframe(arg)
            else:
                self.markdown(f"`{arg!r}`")
        return self

    # Status -----------------------------------------------------------

    def _alert(self, kind, body, icon):
        return self._emit(_ui.Element_Alert(_ui.Alert(kind=kind, body=str(body), icon=icon)))

    def success(self, body, *, icon=None):
        """A green callout (``st.success``)."""
        return self._alert(_ui.AlertKind.SUCCESS, body, icon)

    def info(self, body, *, icon=None):
        """A blue callout (``st.info``)."""
        return self._alert(_ui.AlertKind.INFO, body, icon)

    def warning(self, body, *, icon=None):
        """A yellow callout (``st.warning``)."""
        return self._alert(_ui.AlertKind.WARNING, body, icon)

    def error(self, body, *, icon=None):
        """A red callout (``st.error``)."""
        return self._alert(_ui.AlertKind.ERROR, body, icon)

    def exception(self, exception):
        """An exception with where it was raised (``st.exception``)."""
        import traceback

        frames = traceback.extract_tb(exception.__traceback__)
        location = f"{frames[-1].filename}, line {frames[-1].lineno}" if frames else None
        message = f"{type(exception).__name__}: {exception}"
        return self._emit(_ui.Element_Exception(_ui.Exception(message=message, location=location)))

    def metric(self, label, value, delta=None, delta_color="normal", help=None,
               label_visibility="visible", *, border=False):
        """A number with its change (``st.metric``)."""
        return self._emit(_ui.Element_Metric(_ui.Metric(
            label=str(label), value="—" if value is None else str(value),
            delta=None if delta is None else str(delta),
            delta_color=_choice(_DELTA_COLORS, delta_color, "delta_color"),
            help=help, border=bool(border), chart=[])))

    def progress(self, value, text=None):
        """A progress bar (``st.progress``): an int 0–100 or a float 0.0–1.0."""
        if isinstance(value, int) and not isinstance(value, bool):
            if not 0 <= value <= 100:
                raise StreamlitAPIException(f"progress: {value} is not in 0..=100")
            value = value / 100
        return self._emit(_ui.Element_Progress(_ui.Progress(value=float(value), text=text)))

    def toast(self, body, *, icon=None):
        """A short message in the corner (``st.toast``)."""
        return self._emit(_ui.Element_Toast(str(body)))

    def balloons(self):
        """Balloons (``st.balloons``)."""
        return self._emit(_ui.Element_Balloons())

    def snow(self):
        """Snow (``st.snow``)."""
        return self._emit(_ui.Element_Snow())

    @_contextlib.contextmanager
    def spinner(self, text="In progress..."):
        """A spinner while the ``with`` block runs (``st.spinner``)."""
        (place,) = self._block(_ui.Block_Empty())
        place._emit(_ui.Element_Spinner(str(text)))
        try:
            yield
        finally:
            place._emit(_ui.Element_Empty())

    # Data and charts --------------------------------------------------

    def dataframe(self, data=None, width=None, height=None, *, use_container_width=None,
                  hide_index=None, column_order=None, column_config=None, key=None):
        """An interactive table (``st.dataframe``): a dict of columns, a list
        of row dicts, a list of rows or a list of values."""
        return self._emit(_ui.Element_Dataframe(_ui.Dataframe(data=_data.table(data), height=height)))

    def table(self, data=None):
        """A static table (``st.table``)."""
        return self._emit(_ui.Element_Table(_data.table(data)))

    def vega_lite_chart(self, data=None, spec=None, *, use_container_width=None, **kwargs):
        """A Vega-Lite chart (``st.vega_lite_chart``)."""
        if spec is None and isinstance(data, dict) and ("mark" in data or "layer" in data):
            data, spec = None, data
        spec = dict(spec or {})
        if data is not None:
            names, rows = _data.records(data)
            spec["data"] = {"values": [{k: _data._json_value(v) for k, v in r.items()} for r in rows]}
        return self._emit(_ui.Element_VegaLite(_json.dumps(spec, default=str)))

    def _chart(self, mark, data, x, y):
        spec = _data.chart_spec(data, x, y, mark)
        return self._emit(_ui.Element_VegaLite(_json.dumps(spec, default=str)))

    def line_chart(self, data=None, *, x=None, y=None, **kwargs):
        """A line chart (``st.line_chart``)."""
        return self._chart("line", data, x, y)

    def area_chart(self, data=None, *, x=None, y=None, **kwargs):
        """An area chart (``st.area_chart``)."""
        return self._chart("area", data, x, y)

    def bar_chart(self, data=None, *, x=None, y=None, **kwargs):
        """A bar chart (``st.bar_chart``)."""
        return self._chart("bar", data, x, y)

    def scatter_chart(self, data=None, *, x=None, y=None, **kwargs):
        """A scatter chart (``st.scatter_chart``)."""
        return self._chart("circle", data, x, y)

    def image(self, image, caption=None, width=None):
        """An image (``st.image``): its bytes, or a path under the granted ``/data``."""
        images = image if isinstance(image, list) else [image]
        captions = caption if isinstance(caption, list) else [caption] * len(images)
        items = []
        for one, text in zip(images, captions):
            if isinstance(one, str):
                with open(one, "rb") as f:
                    one = f.read()
            items.append(_ui.ImageItem(data=_ui.MediaData(bytes=bytes(one), mime=None), caption=text))
        width = width if isinstance(width, int) and not isinstance(width, bool) else None
        return self._emit(_ui.Element_Image(_ui.Image(items=items, width=width)))

    def link_button(self, label, url, *, help=None, type="secondary", icon=None,
                    disabled=False, use_container_width=False):
        """A button that opens a URL (``st.link_button``)."""
        style = {"secondary": _ui.LinkStyle.SECONDARY, "primary": _ui.LinkStyle.PRIMARY,
                 "tertiary": _ui.LinkStyle.TERTIARY}
        return self._emit(_ui.Element_LinkButton(_ui.Link(
            label=str(label), url=str(url), help=help, style=_choice(style, type, "type"),
            icon=icon, disabled=bool(disabled), stretch=bool(use_container_width))))

    # Layout -----------------------------------------------------------

    def columns(self, spec, *, gap="small", vertical_alignment="top", border=False):
        """Columns side by side (``st.columns``): a count or relative widths."""
        if isinstance(spec, int) and not isinstance(spec, bool):
            if spec < 1:
                raise StreamlitAPIException("columns: the number of columns must be at least 1")
            widths = [1.0] * spec
        else:
            widths = [float(w) for w in spec]
        return self._block(_ui.Block_Columns(_ui.ColumnsBlock(widths=widths, gap=_choice(_GAPS, gap, "gap"))))

    def container(self, *, height=None, border=None, key=None):
        """A block to draw into later (``st.container``)."""
        (c,) = self._block(_ui.Block_Container(_ui.ContainerBlock(border=bool(border), height=height)))
        return c

    def expander(self, label, expanded=False, *, icon=None):
        """A section that opens and closes (``st.expander``)."""
        (c,) = self._block(_ui.Block_Expander(_ui.ExpanderBlock(label=str(label), expanded=bool(expanded))))
        return c

    def tabs(self, tabs):
        """Tabs (``st.tabs``): one container per label."""
        return self._block(_ui.Block_Tabs([str(t) for t in tabs]))

    def popover(self, label, *, help=None, icon=None, disabled=False, use_container_width=False):
        """A button that opens a floating container (``st.popover``)."""
        (c,) = self._block(_ui.Block_Popover(str(label)))
        return c

    def empty(self):
        """A single-element place: each call into it replaces what it shows (``st.empty``)."""
        (c,) = self._block(_ui.Block_Empty())
        return c

    def form(self, key, clear_on_submit=False, *, enter_to_submit=True, border=True):
        """A form: its widgets reach the page together (``st.form``)."""
        (c,) = self._block(_ui.Block_Form(_ui.FormBlock(
            clear_on_submit=bool(clear_on_submit), border=bool(border),
            enter_to_submit=bool(enter_to_submit))))
        return c

    # Widgets ----------------------------------------------------------

    def _show(self, options, widget):
        return _w.show(self._at, options, widget)

    def button(self, label, key=None, help=None, on_click=None, args=None, kwargs=None, *,
               type="secondary", icon=None, disabled=False, use_container_width=False):
        """A button (``st.button``): ``True`` in the run its click starts."""
        options = _options(label, key, help, disabled, on_click, args, kwargs, "visible",
                           type, icon, use_container_width)
        return self._show(options, _w.Widget_Button()).value

    def form_submit_button(self, label="Submit", help=None, on_click=None, args=None,
                           kwargs=None, *, key=None, type="secondary", icon=None,
                           disabled=False, use_container_width=False):
        """A form's submit button (``st.form_submit_button``)."""
        options = _options(label, key, help, disabled, on_click, args, kwargs, "visible",
                           type, icon, use_container_width)
        return self._show(options, _w.Widget_SubmitButton()).value

    def checkbox(self, label, value=False, key=None, help=None, on_change=None, args=None,
                 kwargs=None, *, disabled=False, label_visibility="visible"):
        """A checkbox (``st.checkbox``)."""
        options = _options(label, key, help, disabled, on_change, args, kwargs, label_visibility)
        return self._show(options, _w.Widget_Checkbox(bool(value))).value

    def toggle(self, label, value=False, key=None, help=None, on_change=None, args=None,
               kwargs=None, *, disabled=False, label_visibility="visible"):
        """A switch (``st.toggle``)."""
        options = _options(label, key, help, disabled, on_change, args, kwargs, label_visibility)
        return self._show(options, _w.Widget_Toggle(bool(value))).value

    def slider(self, label, min_value=None, max_value=None, value=None, step=None, format=None,
               key=None, help=None, on_change=None, args=None, kwargs=None, *, disabled=False,
               label_visibility="visible"):
        """A slider (``st.slider``): an int or a float, or a range when
        ``value`` is a pair."""
        pair = isinstance(value, (list, tuple))
        numbers = [v for v in (min_value, max_value, step, *(value if pair else [value])) if v is not None]
        floats = any(isinstance(v, float) for v in numbers)
        kind = float if floats else int
        # Streamlit's bounds when none are given: 0–100, or 0.0–1.0 for floats.
        low = kind(0 if min_value is None else min_value)
        high = kind((1.0 if floats else 100) if max_value is None else max_value)
        if step is None:
            step = 0.01 if floats else 1
        options = _options(label, key, help, disabled, on_change, args, kwargs, label_visibility,
                           format=format)
        if pair:
            if len(value) != 2:
                raise StreamlitAPIException("slider: a range value must be a pair (low, high)")
            a, b = kind(value[0]), kind(value[1])
            widget = (_w.Widget_FloatRangeSlider(_w.FloatRangeSlider(low, high, float(step), a, b))
                      if floats else
                      _w.Widget_IntRangeSlider(_w.IntRangeSlider(low, high, int(step), a, b, _w.SliderUnit.NUMBER)))
            return tuple(self._show(options, widget).value)
        default = low if value is None else kind(value)
        widget = (_w.Widget_FloatSlider(_w.FloatSlider(low, high, float(step), default))
                  if floats else
                  _w.Widget_IntSlider(_w.IntSlider(low, high, int(step), default, _w.SliderUnit.NUMBER)))
        return self._show(options, widget).value

    def text_input(self, label, value="", max_chars=None, key=None, type="default", help=None,
                   autocomplete=None, on_change=None, args=None, kwargs=None, *, placeholder=None,
                   disabled=False, label_visibility="visible"):
        """A one-line text box (``st.text_input``)."""
        options = _options(label, key, help, disabled, on_change, args, kwargs, label_visibility)
        widget = _w.Widget_TextInput(_w.TextInput(
            default="" if value is None else str(value), max_chars=max_chars,
            placeholder=placeholder, password=type == "password", autocomplete=autocomplete))
        return self._show(options, widget).value

    def text_area(self, label, value="", height=None, max_chars=None, key=None, help=None,
                  on_change=None, args=None, kwargs=None, *, placeholder=None, disabled=False,
                  label_visibility="visible"):
        """A multi-line text box (``st.text_area``)."""
        options = _options(label, key, help, disabled, on_change, args, kwargs, label_visibility)
        height = height if isinstance(height, int) and not isinstance(height, bool) else None
        widget = _w.Widget_TextArea(_w.TextArea(
            default="" if value is None else str(value), max_chars=max_chars,
            placeholder=placeholder, height=height))
        return self._show(options, widget).value

    def number_input(self, label, min_value=None, max_value=None, value="min", step=None,
                     format=None, key=None, help=None, on_change=None, args=None, kwargs=None, *,
                     placeholder=None, disabled=False, label_visibility="visible"):
        """A number box (``st.number_input``): an int when every number given is one."""
        given = [v for v in (min_value, max_value, None if value == "min" else value, step)
                 if v is not None]
        # As Streamlit: whole numbers only when every number given is an int.
        integer = bool(given) and all(isinstance(v, int) and not isinstance(v, bool) for v in given)
        if value == "min":
            value = min_value if min_value is not None else (0 if integer else 0.0)
        if step is None:
            step = 1 if integer else 0.01
        options = _options(label, key, help, disabled, on_change, args, kwargs, label_visibility,
                           format=format)
        widget = _w.Widget_NumberInput(_w.NumberInput(
            min=None if min_value is None else float(min_value),
            max=None if max_value is None else float(max_value),
            step=float(step), default=None if value is None else float(value),
            integer=integer, placeholder=placeholder))
        result = self._show(options, widget)
        if isinstance(result, _w.WidgetValue_Empty):
            return None
        return int(result.value) if integer else float(result.value)

    def selectbox(self, label, options, index=0, format_func=str, key=None, help=None,
                  on_change=None, args=None, kwargs=None, *, placeholder=None, disabled=False,
                  label_visibility="visible", accept_new_options=False):
        """A drop-down choice (``st.selectbox``): returns the chosen option."""
        options = list(options)
        widget_options = _options(label, key, help, disabled, on_change, args, kwargs, label_visibility)
        labels = [str(format_func(o)) for o in options]
        widget = _w.Widget_Selectbox(_w.Selectbox(
            options=labels, default=index if options else None,
            placeholder=placeholder, accept_new_options=bool(accept_new_options)))
        result = self._show(widget_options, widget)
        if isinstance(result, _w.WidgetValue_Text):
            return _option_of(options, labels, result.value)
        return None if result.value is None else options[result.value]

    def radio(self, label, options, index=0, format_func=str, key=None, help=None,
              on_change=None, args=None, kwargs=None, *, disabled=False, horizontal=False,
              captions=None, label_visibility="visible"):
        """Radio buttons (``st.radio``): returns the chosen option."""
        options = list(options)
        widget_options = _options(label, key, help, disabled, on_change, args, kwargs, label_visibility)
        widget = _w.Widget_Radio(_w.Radio(
            options=[str(format_func(o)) for o in options], default=index if options else None,
            horizontal=bool(horizontal), captions=[str(c) for c in captions or []]))
        result = self._show(widget_options, widget)
        return None if result.value is None else options[result.value]

    def multiselect(self, label, options, default=None, format_func=str, key=None, help=None,
                    on_change=None, args=None, kwargs=None, *, max_selections=None,
                    placeholder=None, disabled=False, label_visibility="visible",
                    accept_new_options=False):
        """Any number of choices (``st.multiselect``): returns the chosen options."""
        options = list(options)
        if default is None:
            default = []
        elif not isinstance(default, (list, tuple)):
            default = [default]
        try:
            chosen = [options.index(d) for d in default]
        except ValueError:
            raise StreamlitAPIException(
                f"multiselect: every default must be one of the options; got {list(default)!r}"
            ) from None
        widget_options = _options(label, key, help, disabled, on_change, args, kwargs, label_visibility)
        widget = _w.Widget_Multiselect(_w.Multiselect(
            options=[str(format_func(o)) for o in options], default=chosen,
            max_selections=max_selections, placeholder=placeholder,
            accept_new_options=bool(accept_new_options)))
        result = self._show(widget_options, widget)
        if isinstance(result, _w.WidgetValue_Texts):
            labels = [str(format_func(o)) for o in options]
            return [_option_of(options, labels, text) for text in result.value]
        return [options[i] for i in result.value]

    # Jobs -------------------------------------------------------------

    def spawn_in(self, function, *args, **kwargs):
        """Starts ``function(*args, **kwargs)`` as a job that may draw into
        this container, and nowhere else (docs/threads.md, pattern 2)."""
        return _start(self._at, function, args, kwargs)


def _option_of(options, labels, text):
    """The option shown as ``text``, or the text itself when it is a new one."""
    return options[labels.index(text)] if text in labels else text


def _heading(body, divider, anchor):
    if divider is True:
        divider = "blue"
    elif divider is False:
        divider = None
    return _ui.Heading(body=str(body), divider=divider, anchor=None if anchor in (None, False) else str(anchor))


# Session state --------------------------------------------------------


class SessionState:
    """Values kept for the browser session between runs (``st.session_state``),
    read and written as attributes or items. Values are JSON-like: ``None``,
    ``bool``, ``int``, ``float``, ``str``, and lists and dicts (with string
    keys) of them; a tuple comes back as a list."""

    def __getitem__(self, key):
        text = _session_state.get(str(key))
        if text is None:
            raise KeyError(
                f'st.session_state has no key "{key}". Did you forget to initialize it?'
            )
        return _json.loads(text)

    def __setitem__(self, key, value):
        try:
            text = _json.dumps(value, allow_nan=False, default=_refuse)
        except (TypeError, ValueError) as e:
            raise TypeError(
                f'st.session_state["{key}"] cannot keep {type(value).__name__}: {e}. Session '
                "state keeps JSON-like values only (None, bool, int, float, str, and lists and "
                "dicts of them)"
            ) from None
        _session_state.set(str(key), text)

    def __delitem__(self, key):
        if not _session_state.remove(str(key)):
            raise KeyError(f'st.session_state has no key "{key}"')

    def __contains__(self, key):
        return _session_state.get(str(key)) is not None

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError as e:
            raise AttributeError(e.args[0]) from None

    def __setattr__(self, key, value):
        self[key] = value

    def __delattr__(self, key):
        try:
            del self[key]
        except KeyError as e:
            raise AttributeError(e.args[0]) from None

    def __iter__(self):
        return iter(_session_state.keys())

    def __len__(self):
        return len(_session_state.keys())

    def keys(self):
        return list(_session_state.keys())

    def values(self):
        return [self[k] for k in self.keys()]

    def items(self):
        return [(k, self[k]) for k in self.keys()]

    def get(self, key, default=None):
        text = _session_state.get(str(key))
        return default if text is None else _json.loads(text)

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def to_dict(self):
        return dict(self.items())

    def clear(self):
        for key in self.keys():
            _session_state.remove(key)

    def __repr__(self):
        return repr(self.to_dict())


def _refuse(value):
    raise TypeError(f"{type(value).__name__} is not JSON-like")


class QueryParams:
    """The page URL's query parameters (``st.query_params``)."""

    def __getitem__(self, key):
        value = _query_params.get(str(key))
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key, value):
        if isinstance(value, (list, tuple)):
            _query_params.set_all(str(key), [str(v) for v in value])
        else:
            _query_params.set(str(key), str(value))

    def __delitem__(self, key):
        if not _query_params.remove(str(key)):
            raise KeyError(key)

    def __contains__(self, key):
        return _query_params.get(str(key)) is not None

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key, value):
        self[key] = value

    def __iter__(self):
        seen = []
        for k, _ in _query_params.all():
            if k not in seen:
                seen.append(k)
        return iter(seen)

    def get(self, key, default=None):
        value = _query_params.get(str(key))
        return default if value is None else value

    def get_all(self, key):
        return [v for k, v in _query_params.all() if k == key]

    def to_dict(self):
        return {k: self[k] for k in self}

    def from_dict(self, params):
        pairs = []
        for k, v in dict(params).items():
            for one in v if isinstance(v, (list, tuple)) else [v]:
                pairs.append((str(k), str(one)))
        _query_params.replace(pairs)

    def clear(self):
        _query_params.replace([])


class Secrets:
    """The app's secrets (``st.secrets``), read-only: ``st.secrets["name"]``."""

    def __getitem__(self, key):
        value = _secrets.get(str(key))
        if value is None:
            raise KeyError(f'st.secrets has no key "{key}"')
        try:
            return _json.loads(value)
        except ValueError:
            return value

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError as e:
            raise AttributeError(e.args[0]) from None

    def __contains__(self, key):
        return _secrets.get(str(key)) is not None

    def __iter__(self):
        return iter(_secrets.keys())

    def get(self, key, default=None):
        return self[key] if key in self else default

    def keys(self):
        return list(_secrets.keys())


# Control --------------------------------------------------------------


def rerun(*, scope="app"):
    """Ends this run and starts a new one (``st.rerun``); ``scope="fragment"``
    reruns only the fragment this run is rerunning."""
    if scope == "fragment":
        _control.rerun_fragment()
    elif scope == "app":
        _control.rerun()
    else:
        raise StreamlitAPIException(f"rerun: scope must be 'app' or 'fragment', not {scope!r}")


def stop():
    """Ends this run now, keeping what was drawn (``st.stop``)."""
    _control.stop()


def switch_page(page):
    """Opens another page of the app (``st.switch_page``)."""
    name = str(page)
    if name.endswith(".py"):
        name = name[:-3]
    _ui.emit(_containers.current(), _ui.Element_SwitchPage(_ui.SwitchPage(page=name.rsplit("/", 1)[-1], query=[])))
    _control.stop()


def set_page_config(page_title=None, page_icon=None, layout="centered",
                    initial_sidebar_state="auto", menu_items=None):
    """The browser tab's title and icon, and the page's width (``st.set_page_config``)."""
    states = {"auto": _ui.SidebarState.AUTO, "expanded": _ui.SidebarState.EXPANDED,
              "collapsed": _ui.SidebarState.COLLAPSED}
    menu = dict(menu_items or {})
    _ui.set_page_config(_ui.PageConfig(
        title=page_title, icon=page_icon, wide=layout == "wide",
        initial_sidebar_state=_choice(states, initial_sidebar_state, "initial_sidebar_state"),
        menu_items=_ui.MenuItems(get_help=menu.get("Get help"), report_a_bug=menu.get("Report a bug"),
                                 about=menu.get("About"))))


# Caching --------------------------------------------------------------


class _CacheData:
    """``st.cache_data``: a decorator that keeps a function's results, per
    arguments, for every session of the app (``scope="session"``: only this
    one). Results and arguments must pickle."""

    def __call__(self, func=None, *, ttl=None, max_entries=None, show_spinner=True,
                 persist=None, hash_funcs=None, scope="global"):
        options = _cache.CacheOptions(
            ttl_ms=_seconds_ms(ttl, "ttl"), max_entries=max_entries,
            scope=_choice({"global": _cache.Scope.GLOBAL, "session": _cache.Scope.SESSION}, scope, "scope"),
            spinner=None if show_spinner is False else (
                show_spinner if isinstance(show_spinner, str) else "Running {}(...)."))

        def decorate(function):
            return _Cached(function, options)

        return decorate if func is None else decorate(func)

    def clear(self):
        """Drops every stored value of every function of the app."""
        _cache.clear(None)


class _Cached:
    def __init__(self, function, options):
        self.__wrapped__ = function
        self.__wasmlit_function__ = function
        self.__name__ = getattr(function, "__name__", "function")
        self.__qualname__ = getattr(function, "__qualname__", self.__name__)
        self.__doc__ = getattr(function, "__doc__", None)
        self.__module__ = getattr(function, "__module__", None)
        self._options = options

    def _key(self, args, kwargs):
        """The arguments that identify an entry: as Streamlit, those whose
        names start with ``_`` are left out (a connection, a client)."""
        try:
            bound = _inspect.signature(self.__wrapped__).bind(*args, **kwargs)
            items = [(k, v) for k, v in bound.arguments.items() if not k.startswith("_")]
        except (TypeError, ValueError):
            items = [args, sorted(kwargs.items())]
        try:
            return _pickle.dumps(items)
        except Exception as e:  # noqa: BLE001 - reported with the function's name
            raise TypeError(
                f"the arguments of cached function {self.__qualname__} do not pickle: {e} "
                "(name a parameter with a leading _ to leave it out of the cache key)"
            ) from None

    def __call__(self, *args, **kwargs):
        key = self._key(args, kwargs)
        options = self._options
        if options.spinner and "{}" in options.spinner:
            options = _cache.CacheOptions(options.ttl_ms, options.max_entries, options.scope,
                                          options.spinner.format(self.__name__))
        found = _cache.get(_containers.current(), self._name, key, options)
        if isinstance(found, _cache.Lookup_Hit):
            return _page.loads(found.value)
        try:
            value = self.__wrapped__(*args, **kwargs)
            data = _pickle.dumps(value)
        except BaseException:
            _cache.abandon(found.value)
            raise
        _cache.fill(found.value, data)
        return value

    def clear(self):
        """Drops this function's stored values."""
        _cache.clear(self._name)

    @property
    def _name(self):
        return f"{self.__module__}.{self.__qualname__}"


cache_data = _CacheData()


# Fragments ------------------------------------------------------------


class _Fragment:
    def __init__(self, function, run_every_ms):
        self.__wrapped__ = function
        self.__wasmlit_function__ = function
        self.__name__ = getattr(function, "__name__", "fragment")
        self.__qualname__ = getattr(function, "__qualname__", self.__name__)
        self.__module__ = getattr(function, "__module__", None)
        self._every = run_every_ms

    def __call__(self, *args, **kwargs):
        ident = _page.entry(self.__wrapped__)
        data = _pickle.dumps((args, kwargs)) if args or kwargs else b""
        (place,) = _ui.open_block(_containers.current(), _ui.Block_Fragment(
            _ui.FragmentBlock(id=ident, args=data, run_every_ms=self._every)))
        _containers.push(place)
        try:
            return self.__wrapped__(*args, **kwargs)
        finally:
            _containers.pop()


def fragment(func=None, *, run_every=None):
    """``@st.fragment``: a function whose widgets rerun only it, in a fresh
    instance; ``run_every`` (seconds, a timedelta or ``"5s"``) reruns it on a
    timer. Define it at the top level of the script."""
    every = _seconds_ms(run_every, "run_every")

    def decorate(function):
        return _Fragment(function, every)

    return decorate if func is None else decorate(func)


# Jobs -----------------------------------------------------------------


class JobError(Exception):
    """A job failed: its exception, or a limit it hit."""


class JobHandle:
    """A job started with :func:`spawn`; :meth:`join` waits for its result."""

    def __init__(self, handle, name):
        self._handle = handle
        self.name = name
        self._done = False
        self._result = None

    def join(self):
        """Waits for the job and returns its result, or raises ``JobError``."""
        if not self._done:
            self._result = _jobs.join(self._handle)
            self._done = True
        if isinstance(self._result, _Err):
            raise JobError(self._result.value)
        return _page.loads(self._result.value)


def _start(at, function, args, kwargs):
    ident = _page.entry(function)
    try:
        data = _pickle.dumps((args, kwargs))
    except Exception as e:  # noqa: BLE001 - reported with the job's name
        raise TypeError(f"the input of job {function.__qualname__} does not pickle: {e}") from None
    name = function.__qualname__
    if at is None:
        handle = _jobs.spawn(ident, name, data)
    else:
        handle = _jobs.spawn_in(at, ident, name, data)
    return JobHandle(handle, name)


def spawn(function, *args, **kwargs):
    """Starts ``function(*args, **kwargs)`` on the app's worker pool, in a
    fresh instance, and returns a handle (docs/threads.md, pattern 1). The
    function must be defined at the top level of the script; arguments and
    result must pickle. The job cannot draw; return data and draw it here."""
    return _start(None, function, args, kwargs)


def wait_any(handles):
    """Waits until one of ``handles`` has finished; returns its index."""
    handles = list(handles)
    done = _jobs.wait_any([h._handle for h in handles])
    for i, h in enumerate(handles):
        if h._handle == done:
            return i
    return 0


def parallel_map(function, inputs):
    """``function`` over ``inputs`` on the app's worker pool (the shared
    executor's ``map``): the results in input order; the first failure
    raises ``JobError``."""
    handles = [_start(None, function, (x,), {}) for x in inputs]
    return [h.join() for h in handles]


def sleep(seconds):
    """Pauses the run (``time.sleep`` does the same): the thread parks, and a
    cancelled run stops at once."""
    import time

    time.sleep(seconds)


# The module's own calls draw into the innermost ``with`` block.
_main = DeltaGenerator()
sidebar = DeltaGenerator(1)
session_state = SessionState()
query_params = QueryParams()
secrets = Secrets()

for _name in dir(DeltaGenerator):
    if not _name.startswith("_"):
        globals()[_name] = getattr(_main, _name)
del _name
