"""Tables: Python data (a dict of columns, a list of rows, a list of values)
as the contract's columnar ``table``, and as records for charts."""

import datetime
import json
import math

from wit_world.imports import ui as _ui


def records(data):
    """``data`` as (column names, list of row dicts)."""
    if data is None:
        return [], []
    if hasattr(data, "to_dict") and callable(data.to_dict):
        try:
            data = data.to_dict("list")
        except TypeError:
            data = data.to_dict()
    if isinstance(data, dict):
        names = [str(k) for k in data]
        columns = [list(v) if isinstance(v, (list, tuple, range)) else [v] for v in data.values()]
        length = max((len(c) for c in columns), default=0)
        for c in columns:
            if len(c) != length:
                raise ValueError(
                    f"every column must have the same length: got {[len(c) for c in columns]}"
                )
        rows = [{n: c[i] for n, c in zip(names, columns)} for i in range(length)]
        return names, rows
    if isinstance(data, (list, tuple, range)):
        data = list(data)
        if data and all(isinstance(r, dict) for r in data):
            names = []
            for r in data:
                for k in r:
                    if str(k) not in names:
                        names.append(str(k))
            return names, [{n: r.get(n, r.get(_key(r, n))) for n in names} for r in data]
        if data and all(isinstance(r, (list, tuple)) for r in data):
            width = max(len(r) for r in data)
            names = [str(i) for i in range(width)]
            return names, [
                {n: (r[i] if i < len(r) else None) for i, n in enumerate(names)} for r in data
            ]
        return ["value"], [{"value": v} for v in data]
    raise TypeError(
        f"cannot show {type(data).__name__} as a table: pass a dict of columns, a list of "
        "row dicts, a list of rows or a list of values"
    )


def _key(row, name):
    for k in row:
        if str(k) == name:
            return k
    return name


def _column(name, values):
    nulls = [i for i, v in enumerate(values) if v is None or (isinstance(v, float) and math.isnan(v))]
    missing = set(nulls)
    present = [v for i, v in enumerate(values) if i not in missing]
    if present and all(isinstance(v, bool) for v in present):
        column = _ui.ColumnValues_Boolean([bool(v) if v is not None else False for v in values])
    elif present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        column = _ui.ColumnValues_Integer([v if isinstance(v, int) else 0 for v in values])
    elif present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        column = _ui.ColumnValues_Float(
            [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0 for v in values]
        )
    elif present and all(isinstance(v, (dict, list, tuple)) for v in present):
        column = _ui.ColumnValues_Json([json.dumps(v, default=str) for v in values])
    else:
        column = _ui.ColumnValues_Text(["" if v is None else _text(v) for v in values])
    return _ui.Column(name=name, values=column, format=None, nulls=nulls, time_zone=None, config=None)


def _text(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    return str(value)


def table(data):
    """``data`` as the contract's table."""
    names, rows = records(data)
    return _ui.Table([_column(n, [r.get(n) for r in rows]) for n in names])


def chart_spec(data, x, y, mark):
    """A Vega-Lite spec of ``data`` drawn as ``mark`` (Streamlit's simple charts)."""
    names, rows = records(data)
    if x is None:
        x = "index"
        rows = [dict(r, index=i) for i, r in enumerate(rows)]
    elif x not in names:
        raise ValueError(f"x: no column {x!r} (columns: {', '.join(names)})")
    if y is None:
        y = [
            n
            for n in names
            if n != x and all(isinstance(r.get(n), (int, float)) or r.get(n) is None for r in rows)
        ]
    elif isinstance(y, str):
        y = [y]
    for name in y:
        if name not in names:
            raise ValueError(f"y: no column {name!r} (columns: {', '.join(names)})")
    keep = [x, *y]
    values = [{k: _json_value(r.get(k)) for k in keep} for r in rows]
    xs = [r.get(x) for r in rows if r.get(x) is not None]
    if xs and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in xs):
        x_type = "ordinal" if mark == "bar" else "quantitative"
    elif xs and all(isinstance(v, (datetime.date, datetime.datetime)) for v in xs):
        x_type = "temporal"
    else:
        x_type = "nominal"
    zero = mark != "circle"
    marks = {
        "line": {"type": "line", "tooltip": True},
        "area": {"type": "area", "tooltip": True, "opacity": 0.8},
        "bar": {"type": "bar", "tooltip": True},
        "circle": {"type": "circle", "tooltip": True, "size": 60},
    }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": values},
        "transform": [{"fold": y, "as": ["series", "value"]}],
        "mark": marks[mark],
        "encoding": {
            "x": {"field": x, "type": x_type},
            "y": {
                "field": "value",
                "type": "quantitative",
                "scale": {"zero": zero},
                "title": y[0] if len(y) == 1 else "value",
            },
            "color": {"field": "series", "type": "nominal", "title": None},
        },
    }


def _json_value(v):
    if isinstance(v, (datetime.date, datetime.datetime, datetime.time)):
        return v.isoformat()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v
