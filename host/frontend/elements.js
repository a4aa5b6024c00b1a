// Element renderers, an ES module: one small function per element kind,
// keyed by the `kind` the host sends. Each gets the element and a context
// with `send` (report a widget value) and returns what it made: a DOM node,
// or a view `{ node, update, containers }` when the element can take a new
// value in place (`update`) or holds other elements (`containers`). To add
// a kind, add one entry here and one variant on the host
// (host/src/model/delta.rs); `host/tests/frontend.rs` checks that every
// kind the host can send has its renderer.

// The app's URL prefix when the server hosts several apps ("" otherwise).
const BASE = document.querySelector("meta[name=wasmlit-base]")?.content || "";

const h = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
};

// `open`: levels shown open (Infinity: all).
function jsonTree(value, key, open = Infinity) {
  const label = key === undefined ? null : h("span", { class: "k", text: JSON.stringify(key) + ": " });
  if (value !== null && typeof value === "object") {
    const isArray = Array.isArray(value);
    const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
    const start = isArray ? "[" : "{", close = isArray ? "]" : "}";
    const details = h("details", { open: open > 0 },
      h("summary", {}, label, `${start}${entries.length ? "" : close}`));
    for (const [k, v] of entries) details.append(jsonTree(v, isArray ? undefined : k, open - 1));
    if (entries.length) details.append(h("div", { text: close }));
    return details;
  }
  const cls = typeof value === "string" ? "s" : "n";
  return h("div", {}, label, h("span", { class: cls, text: JSON.stringify(value) }));
}

const humanBytes = (n) => (n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`);

// Tables: typed columns of equal length (`type`: text, integer, float,
// boolean, date, datetime, time, number_list, text_list, json), missing
// values at the rows listed in `nulls`, numbers formatted per column,
// datetimes shown in the column's `time_zone`.
const rowCount = (columns) => (columns.length ? columns[0].values.length : 0);

// Columns sent as Arrow: a frame's columns that say `arrow: k` take their
// values and nulls from the k-th Arrow IPC stream (a binary frame) that
// came before it. The values become what the JSON form holds (numbers in
// a Float64Array or Int32Array, strings and lists in arrays), so every
// renderer reads both alike; they are left out of JSON.stringify, and a
// fingerprint of the stream stands in for them when a slot compares an
// element with the one it shows.
function withArrowColumns(message, streams) {
  // Only the columns of the elements that hold tables are looked at, so
  // nothing a page drew elsewhere (a JSON document) is taken for one.
  const TABLES = new Set(["table", "dataframe", "add_rows"]), WIDGETS = new Set(["dataframe_select", "data_editor"]);
  for (const msg of Array.isArray(message) ? message : [message]) {
    const el = msg && msg.type === "delta" ? msg.element : null;
    if (!el || !Array.isArray(el.columns)) continue;
    if (!TABLES.has(el.kind) && !(el.kind === "widget" && WIDGETS.has(el.widget))) continue;
    for (const column of el.columns) {
      if (typeof column.arrow !== "number") continue;
      const bytes = streams[column.arrow];
      try {
        if (!bytes) throw new Error(`no stream ${column.arrow}`);
        fromArrow(column, bytes);
      } catch (e) {
        // A column that cannot be read shows no rows, and says so.
        console.error("an Arrow column could not be read:", e);
        Object.defineProperty(column, "values", { value: [], writable: true, enumerable: false, configurable: true });
        Object.defineProperty(column, "nulls", { value: [], writable: true, enumerable: false, configurable: true });
        column.arrow = `unreadable:${column.arrow}`;
      }
    }
  }
  return message;
}

// Two 32-bit FNV-1a hashes (forward and backward) of a stream's bytes,
// with its length: what stands for its values when elements are compared.
function fingerprint(bytes) {
  let a = 0x811c9dc5, b = 0x01000193 ^ bytes.length;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    a = Math.imul(a ^ bytes[i], 0x01000193);
    b = Math.imul(b ^ bytes[n - 1 - i], 0x01000193);
  }
  return `${n}:${(a >>> 0).toString(36)}${(b >>> 0).toString(36)}`;
}

function fromArrow(column, bytes) {
  const vector = globalThis.Arrow.tableFromIPC(bytes).getChildAt(0);
  const rows = vector ? vector.length : 0;
  let values;
  // A typed array of the stream's numbers, copied out of its chunks; 64-bit
  // integers (integers, datetimes and times) become doubles.
  const numbers = (Out) => {
    const out = new Out(rows);
    let at = 0;
    for (const data of vector.data) {
      const src = data.values.subarray(data.offset, data.offset + data.length);
      if (src instanceof BigInt64Array) for (let i = 0; i < src.length; i++) out[at + i] = Number(src[i]);
      else out.set(src, at);
      at += data.length;
    }
    return out;
  };
  const noNaN = (list) => Array.from(list, (x) => (Number.isNaN(x) ? null : x));
  switch (column.type) {
    case "integer": case "float": case "datetime": case "time": values = rows ? numbers(Float64Array) : new Float64Array(0); break;
    case "date": values = rows ? numbers(Int32Array) : new Int32Array(0); break;
    case "number_list": values = Array.from({ length: rows }, (_, i) => { const l = vector.get(i); return l ? noNaN(l.toArray()) : []; }); break;
    case "text_list": values = Array.from({ length: rows }, (_, i) => { const l = vector.get(i); return l ? Array.from(l.toArray()) : []; }); break;
    case "boolean": values = Array.from({ length: rows }, (_, i) => vector.get(i) === true); break;
    default: values = Array.from({ length: rows }, (_, i) => vector.get(i) ?? "");
  }
  const nulls = [];
  if (vector && vector.nullCount > 0) for (let i = 0; i < rows; i++) if (!vector.isValid(i)) nulls.push(i);
  Object.defineProperty(column, "values", { value: values, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(column, "nulls", { value: nulls, writable: true, enumerable: false, configurable: true });
  column.arrow = fingerprint(bytes);
}
const DAY_MS = 86400000;
const pad = (n, w = 2) => String(n).padStart(w, "0");

// Each column's nulls as a set, rebuilt when rows were added.
const nullSets = new WeakMap();
function isNull(column, row) {
  const nulls = column.nulls;
  if (!nulls || !nulls.length) return false;
  let cached = nullSets.get(column);
  if (!cached || cached.size !== nulls.length) {
    cached = { size: nulls.length, set: new Set(nulls) };
    nullSets.set(column, cached);
  }
  return cached.set.has(row);
}

const isoDate = (days) => {
  const d = new Date(days * DAY_MS);
  return Number.isNaN(d.getTime()) ? String(days) : d.toISOString().slice(0, 10);
};
const isoTime = (micros) => {
  const s = Math.floor(micros / 1e6), frac = micros % 1e6;
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${frac ? `.${pad(frac, 6)}` : ""}`;
};
// One formatter per time zone; an unknown zone shows UTC with its name.
const zoneFormats = new Map();
function inZone(ms, zone) {
  let f = zoneFormats.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short" });
    } catch { f = null; }
    zoneFormats.set(zone, f);
  }
  if (!f) return `${new Date(ms).toISOString().replace("T", " ").slice(0, 19)} (${zone}?)`;
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName || zone}`;
}
function isoDatetime(micros, zone) {
  const ms = Math.floor(micros / 1000);
  if (Number.isNaN(new Date(ms).getTime())) return String(micros);
  return zone ? inZone(ms, zone) : new Date(ms).toISOString().replace("T", " ").replace(/\.000Z$|Z$/, "");
}

// A cell's value as JSON, the way a chart's data holds it.
function cellJson(column, row) {
  if (isNull(column, row)) return null;
  const v = column.values[row];
  switch (column.type) {
    case "date": return isoDate(v);
    case "datetime": { const d = new Date(Math.floor(v / 1000)); return Number.isNaN(d.getTime()) ? null : d.toISOString(); }
    case "time": return isoTime(v);
    case "json": try { return JSON.parse(v); } catch { return null; }
    default: return Number.isNaN(v) ? null : v;
  }
}

function formatValue(column, row) {
  if (isNull(column, row)) return "null";
  const value = column.values[row];
  if (value === null || value === undefined || Number.isNaN(value)) return "";
  switch (column.type) {
    case "date": return isoDate(value);
    case "datetime": return isoDatetime(value, column.time_zone);
    case "time": return isoTime(value);
    case "number_list": return `[${value.map((x) => (x === null ? "NaN" : String(x))).join(", ")}]`;
    case "text_list": return value.join(", ");
    default: break;
  }
  const f = column.format;
  let text = typeof value === "number" && f && f.decimals !== undefined ? value.toFixed(f.decimals) : String(value);
  if (f && typeof value === "number") text = `${f.prefix || ""}${text}${f.suffix || ""}`;
  return text;
}

const cellClass = (column, row, base) => {
  const classes = [base];
  if (column.type === "integer" || column.type === "float") classes.push("num");
  if (isNull(column, row)) classes.push("null");
  return classes.filter(Boolean).join(" ") || null;
};

// Numbers through a column format: a preset or printf-style.
function formatNumber(format, v) {
  const money = (currency, digits = 2) => new Intl.NumberFormat(undefined, { style: "currency", currency, maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v);
  switch (format) {
    case "plain": return String(v);
    case "localized": return v.toLocaleString();
    case "percent": return `${(v * 100).toFixed(2)}%`;
    case "dollar": return money("USD");
    case "euro": return money("EUR");
    case "yen": return money("JPY", 0);
    case "accounting": return v < 0 ? `(${Math.abs(v).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })})`
      : v.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case "compact": return new Intl.NumberFormat(undefined, { notation: "compact" }).format(v);
    case "scientific": return v.toExponential(4);
    case "engineering": return new Intl.NumberFormat("en-US", { notation: "engineering", maximumFractionDigits: 4 }).format(v);
    default: return printf(format, v);
  }
}

// A date, datetime or time (as the column holds it) through a format.
function formatWhen(column, format, v) {
  const ms = column.type === "date" ? v * DAY_MS : column.type === "time" ? v / 1000 : Math.floor(v / 1000);
  const at = new Date(ms);
  if (Number.isNaN(at.getTime())) return String(v);
  switch (format) {
    case "iso8601": return column.type === "date" ? isoDate(v) : column.type === "time" ? isoTime(v) : at.toISOString();
    case "localized":
      if (column.type === "date") return at.toLocaleDateString(undefined, { timeZone: "UTC" });
      if (column.type === "time") return at.toLocaleTimeString(undefined, { timeZone: "UTC" });
      // A zone the browser does not know is shown as UTC, with its name.
      try { return at.toLocaleString(undefined, { timeZone: column.time_zone || "UTC" }); }
      catch { return `${at.toLocaleString(undefined, { timeZone: "UTC" })} (${column.time_zone}?)`; }
    case "distance": {
      const seconds = (ms - Date.now()) / 1000, abs = Math.abs(seconds);
      const [n, unit] = abs < 60 ? [seconds, "second"] : abs < 3600 ? [seconds / 60, "minute"] : abs < 86400 ? [seconds / 3600, "hour"]
        : abs < 2592000 ? [seconds / 86400, "day"] : abs < 31536000 ? [seconds / 2592000, "month"] : [seconds / 31536000, "year"];
      return new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(Math.round(n), unit);
    }
    default: return formatDate(format, at);
  }
}

// What a dataframe cell shows, as its column's `config.display` says (or
// as text).
function displayCell(column, row, base) {
  const cls = cellClass(column, row, base);
  const d = column.config?.display;
  if (!d || isNull(column, row)) return h("div", { class: cls, text: formatValue(column, row) });
  const v = column.values[row];
  switch (d.kind) {
    case "format": {
      const number = column.type === "integer" || column.type === "float";
      // A float that is no number (NaN) arrives as null.
      if (number && (typeof v !== "number" || Number.isNaN(v))) return h("div", { class: cls, text: "NaN" });
      return h("div", { class: cls, text: number ? formatNumber(d.format, v) : formatWhen(column, d.format, v) });
    }
    case "progress": {
      const share = Math.min(1, Math.max(0, (v - d.min) / (d.max - d.min)));
      const bar = h("span", { class: "cell-bar" });
      bar.style.width = `${(share * 100).toFixed(1)}%`;
      return h("div", { class: `${cls} cell-progress` }, h("span", { class: "cell-track" }, bar),
        h("span", { text: d.format ? formatNumber(d.format, v) : String(v) }));
    }
    case "link":
      return /^https?:\/\//i.test(v)
        ? h("div", { class: cls }, h("a", { href: v, target: "_blank", rel: "noopener noreferrer", text: d.display_text || v }))
        : h("div", { class: cls, text: v });
    case "image":
      return /^(https?:\/\/|data:image\/)/i.test(v)
        ? h("div", { class: cls }, h("img", { src: v, alt: "", class: "cell-image", loading: "lazy" }))
        : h("div", { class: cls, text: v });
    case "line_chart": case "area_chart": case "bar_chart":
      return h("div", { class: `${cls} cell-chart` }, cellChart(d, v));
    case "checkbox":
      return h("div", { class: cls }, h("input", { type: "checkbox", disabled: "", checked: v ? "" : null, "aria-label": String(v) }));
    default:
      return h("div", { class: cls, text: formatValue(column, row) });
  }
}

// A small chart of one cell's numbers (nulls leave gaps).
function cellChart(d, values) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 100 24");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("class", `cell-spark ${d.kind}`);
  // Bounds by a loop: spreading a long list into Math.min would overflow
  // the stack.
  let least = Infinity, most = -Infinity;
  for (const v of values) if (typeof v === "number") { if (v < least) least = v; if (v > most) most = v; }
  if (least === Infinity) return svg;
  const lo = d.y_min ?? least, hi = d.y_max ?? most, span = hi - lo || 1;
  const y = (v) => 22 - ((Math.min(hi, Math.max(lo, v)) - lo) / span) * 20;
  if (d.kind === "bar_chart") {
    const w = 100 / values.length;
    values.forEach((v, i) => {
      if (typeof v !== "number") return;
      const rect = document.createElementNS(ns, "rect");
      rect.setAttribute("x", (i * w + w * 0.1).toFixed(2));
      rect.setAttribute("width", (w * 0.8).toFixed(2));
      rect.setAttribute("y", y(v).toFixed(2));
      rect.setAttribute("height", (22 - y(v) + 1).toFixed(2));
      svg.append(rect);
    });
    return svg;
  }
  let path = "", pen = "M";
  values.forEach((v, i) => {
    if (typeof v !== "number") { pen = "M"; return; }
    const x = values.length > 1 ? (i / (values.length - 1)) * 100 : 50;
    path += `${pen}${x.toFixed(2)} ${y(v).toFixed(2)} `;
    pen = "L";
  });
  const line = document.createElementNS(ns, "path");
  line.setAttribute("d", d.kind === "area_chart" && values.length > 1 ? `${path}L100 23 L0 23 Z` : path.trim());
  svg.append(line);
  return svg;
}

function cell(column, row) {
  return h("td", { class: cellClass(column, row, ""), text: formatValue(column, row) });
}

// Orders rows by one column: nulls last, lists by length, text by the
// browser's collation.
function compareRows(column) {
  const values = column.values;
  const text = column.type === "text" || column.type === "json";
  return (a, b) => {
    const na = isNull(column, a), nb = isNull(column, b);
    if (na || nb) return na === nb ? 0 : na ? 1 : -1;
    let x = values[a], y = values[b];
    if (Array.isArray(x)) { x = x.length; y = y.length; }
    // NaN (null in JSON, itself in Arrow) sorts like a null.
    if (x !== x) x = null;
    if (y !== y) y = null;
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    if (text) return String(x).localeCompare(String(y));
    return x === y ? 0 : x < y ? -1 : 1;
  };
}

// A dataframe: a scrolling box that draws only the rows in view (fixed row
// height), sorts by a column when its header is clicked, and has a toolbar:
// a search over every cell as shown, and the rows in view (searched and
// sorted) as a CSV file. `hooks` make it a widget: `lead(r)` a cell before
// each row's (a check box; `r` null for the header), `head(i)` a node in
// column i's header, `cell(c, r, j)` a cell of its own (else null),
// `rowClass(r)`, `extra()` rows past the table's (added ones, numbered
// after its own), `hidden(r)` rows left out, `tools` more toolbar nodes.
function dataframe(el, hooks = {}) {
  const ROW = 30, columns = el.columns;
  const own = () => rowCount(columns);
  let rows = own() + (hooks.extra ? hooks.extra() : 0);
  let order = Array.from({ length: rows }, (_, i) => i), sortBy = -1, ascending = true;
  let query = "", shown = order;
  const head = h("div", { class: "df-row df-head" });
  const spacer = h("div", { class: "df-spacer" });
  const viewport = h("div", { class: "df-rows" });
  const scroller = h("div", { class: "df-scroll", tabindex: "0" }, head, spacer);
  scroller.style.maxHeight = `${el.height || 400}px`;
  spacer.append(viewport);
  // Widths from each column's config; pinned columns stay at the left.
  const PINNED_WIDTH = 150;
  const widths = columns.map((c) => c.config?.width || (c.config?.pinned ? PINNED_WIDTH : null));
  const template = (hooks.lead ? "2.2rem " : "") + widths.map((w) => (w ? `${w}px` : "minmax(7rem, 1fr)")).join(" ");
  const lefts = [];
  columns.reduce((left, c, i) => {
    lefts.push(c.config?.pinned ? left : null);
    return c.config?.pinned ? left + widths[i] : left;
  }, 0);
  const pin = (node, i) => {
    if (lefts[i] !== null) { node.classList.add("df-pinned"); node.style.left = `${lefts[i]}px`; }
    return node;
  };
  head.style.gridTemplateColumns = template;
  const caption = h("div", { class: "caption" });
  const draw = () => {
    const count = shown.length;
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW) - 5);
    const last = Math.min(count, first + Math.ceil(scroller.clientHeight / ROW) + 10);
    viewport.style.transform = `translateY(${first * ROW}px)`;
    const lines = [];
    for (let i = first; i < last; i++) {
      const r = shown[i];
      const cells = columns.map((c, j) => pin((hooks.cell && hooks.cell(c, r, j)) || displayCell(c, r, "df-cell"), j));
      const line = h("div", { class: `df-row${hooks.rowClass ? hooks.rowClass(r) : ""}`, role: "row", "data-row": String(r) },
        hooks.lead ? hooks.lead(r) : null, ...cells);
      line.style.gridTemplateColumns = template;
      lines.push(line);
    }
    viewport.replaceChildren(...lines);
  };
  // The rows in view: the order, less those the search does not find.
  const refresh = () => {
    const q = query.toLowerCase();
    const kept = hooks.hidden ? order.filter((r) => !hooks.hidden(r)) : order;
    shown = q ? kept.filter((r) => columns.some((c) => formatValue(c, r).toLowerCase().includes(q))) : kept;
    spacer.style.height = `${shown.length * ROW}px`;
    caption.textContent = q
      ? `${shown.length.toLocaleString()} of ${rows.toLocaleString()} rows`
      : `${rows.toLocaleString()} rows`;
    draw();
  };
  const sortRows = () => {
    if (sortBy < 0) return;
    const cmp = compareRows(columns[sortBy]), base = own();
    // Added rows stay at the end, in the order they were added.
    order.sort((a, b) => (a >= base || b >= base ? (a >= base) - (b >= base) || a - b : ascending ? cmp(a, b) : -cmp(a, b)));
  };
  if (hooks.lead) head.append(hooks.lead(null));
  columns.forEach((c, i) => {
    const sort = h("button", { type: "button", class: "df-cell df-sort", title: c.config?.help || "Sort",
      onclick: () => {
        ascending = sortBy === i ? !ascending : true;
        sortBy = i;
        sortRows();
        head.querySelectorAll(".df-sort").forEach((b, j) => { b.dataset.sort = j === i ? (ascending ? "asc" : "desc") : ""; });
        refresh();
      } }, c.config?.label || c.name);
    const extra = hooks.head && hooks.head(i);
    head.append(pin(extra ? h("div", { class: "df-headcell" }, extra, sort) : sort, i));
  });
  // At most one redraw per frame, however many scroll events arrive.
  let queued = false;
  scroller.addEventListener("scroll", () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; draw(); });
  });
  let searching = 0;
  const search = h("input", { type: "search", class: "df-search", placeholder: "Search", "aria-label": "Search the table",
    oninput: (e) => {
      cancelAnimationFrame(searching);
      searching = requestAnimationFrame(() => { query = e.target.value; scroller.scrollTop = 0; refresh(); });
    } });
  const download = h("button", { type: "button", class: "df-download", title: "Download as CSV",
    onclick: () => saveBlob("table.csv", new Blob([toCsv(columns, shown)], { type: "text/csv" })) }, "⤓ CSV");
  const toolbar = h("div", { class: "df-toolbar" }, ...(hooks.tools || []), search, download);
  const node = h("div", { class: "dataframe" }, toolbar, scroller, caption);
  refresh();
  // Rows added to `el` (`add_rows`) join the order (sorted in, when a
  // column is sorted) and the scroll position stays.
  const grown = () => {
    const total = own() + (hooks.extra ? hooks.extra() : 0);
    for (let r = rows; r < total; r++) order.push(r);
    if (total < rows) order = order.filter((r) => r < total);
    rows = total;
    sortRows();
    refresh();
  };
  return { node, grown, redraw: draw };
}

// A dataframe whose rows (a check box before each) or columns (one in each
// header) the user selects; the value is `{rows, columns}`: rows by their
// place in the table, columns by name.
function selectableTable(el, ctx) {
  let rows = new Set(el.value.rows), cols = new Set(el.value.columns);
  const send = () => ctx.send(el.id, {
    rows: [...rows].sort((a, b) => a - b),
    columns: el.columns.map((c) => c.name).filter((n) => cols.has(n)),
  });
  const pick = (set, item, multi) => {
    if (set.has(item)) set.delete(item);
    else { if (!multi) set.clear(); set.add(item); }
    send();
    view.redraw();
    paintHeads();
  };
  const heads = [];
  const paintHeads = () => heads.forEach(([box, name]) => { box.checked = cols.has(name); });
  const hooks = {
    lead: el.select_rows === "off" ? null : (r) => (r === null ? h("div", { class: "df-cell df-lead" })
      : h("div", { class: "df-cell df-lead" }, h("input", { type: "checkbox", "aria-label": `Select row ${r + 1}`,
        checked: rows.has(r) ? "" : null, disabled: el.disabled, onchange: () => pick(rows, r, el.select_rows === "multi") }))),
    head: el.select_columns === "off" ? null : (i) => {
      const name = el.columns[i].name;
      const box = h("input", { type: "checkbox", "aria-label": `Select column ${name}`, disabled: el.disabled,
        onchange: () => pick(cols, name, el.select_columns === "multi") });
      heads.push([box, name]);
      return box;
    },
    rowClass: (r) => (rows.has(r) ? " selected" : ""),
  };
  const view = dataframe(el, hooks);
  paintHeads();
  const node = h("div", { class: "table-select" }, el.label ? labelHtml(el) : null, view.node);
  return { node, update: (next) => {
    rows = new Set(next.value.rows);
    cols = new Set(next.value.columns);
    view.redraw();
    paintHeads();
  } };
}

// A table the user edits: a double click (or Enter) on a cell of an
// editable column opens a box of its type; with dynamic rows, rows are
// added (toolbar) and deleted (×). The value is Streamlit's editing state:
// `{edited_rows: {row: {column: value}}, added_rows: [{column: value}],
// deleted_rows: [row]}`, values in their JSON form. What the host refuses
// is checked here first, so an edit the host would refuse is never sent.
function editableTable(el, ctx) {
  const base = rowCount(el.columns);
  // The edits are bound to the table they were made against (its digest):
  // after the page's data changes, the host drops them.
  let state = { ...JSON.parse(JSON.stringify(el.value)), digest: el.digest };
  let deleted = new Set(state.deleted_rows);
  // JSON with keys in order, to know an echo of what was sent.
  const canon = (v) => JSON.stringify(v, (k, x) => (x && typeof x === "object" && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((key) => [key, x[key]])) : x));
  // Added rows not yet sent: a required column is still empty.
  let pending = [];
  const editable = (c) => !["number_list", "text_list", "json"].includes(c.type) && !(el.disabled_columns || []).includes(c.name);
  const added = () => state.added_rows.concat(pending);
  const hasEdit = (c, r) => r < base && state.edited_rows[r] && c.name in state.edited_rows[r];
  const current = (c, r) => (r >= base ? added()[r - base]?.[c.name] ?? null
    : hasEdit(c, r) ? state.edited_rows[r][c.name] : isNull(c, r) ? null : cellJson(c, r));
  const problem = (c, v) => {
    const e = c.config?.editing || {};
    if (v === null) return e.required ? "a value is required" : null;
    if ((c.type === "integer" || c.type === "float") && (e.min !== undefined && v < e.min)) return `at least ${e.min}`;
    if ((c.type === "integer" || c.type === "float") && (e.max !== undefined && v > e.max)) return `at most ${e.max}`;
    if (c.type === "text" && e.max_chars && [...v].length > e.max_chars) return `at most ${e.max_chars} characters`;
    if (c.type === "text" && e.options && !e.options.includes(v)) return "one of the options";
    return null;
  };
  const complete = (row) => el.columns.every((c) => !problem(c, row[c.name] ?? null));
  // The states sent, oldest first: a run's answer to an older one (its
  // echo arriving after a newer edit was sent) is not taken back.
  let sent = [];
  const send = () => {
    const ready = pending.filter(complete);
    pending = pending.filter((row) => !complete(row));
    state.added_rows = state.added_rows.concat(ready);
    sent = sent.slice(-20).concat(canon(state));
    ctx.send(el.id, state);
  };
  // A box for one cell, of its column's type; `done(value)` with the new
  // value (undefined: left as it was). A cell of the table's own rows may
  // not be emptied where a value is required; an added row's may, until
  // it is complete (it is sent once it is).
  const box = (c, value, done, own) => {
    const options = c.config?.editing?.options;
    let input;
    if (options) {
      input = h("select", {}, h("option", { value: "", text: "" }), ...options.map((o) => h("option", { value: o, text: o })));
      input.value = value ?? "";
    } else {
      const type = { integer: "number", float: "number", date: "date", datetime: "datetime-local", time: "time" }[c.type] || "text";
      input = h("input", { type, step: c.type === "float" ? "any" : c.type === "time" || c.type === "datetime" ? "1" : null });
      // Date and time boxes take seconds with at most three decimals.
      input.value = value === null ? "" : c.type === "datetime" ? String(value).replace(/Z$/, "").slice(0, 19)
        : c.type === "time" ? String(value).slice(0, 12) : String(value);
    }
    input.className = "df-edit";
    const read = () => {
      const t = input.value;
      if (t === "") return null;
      switch (c.type) {
        case "integer": { const n = Number(t); return Number.isInteger(n) ? n : undefined; }
        case "float": { const n = Number(t); return Number.isFinite(n) ? n : undefined; }
        case "datetime": return `${t.length === 16 ? `${t}:00` : t}Z`;
        case "time": return t;
        default: return t;
      }
    };
    let finished = false;
    const finish = (keep) => {
      if (finished) return;
      finished = true;
      if (!keep) { done(undefined); return; }
      const v = read();
      const why = v === undefined ? `not a ${c.type} value` : problem(c, v);
      if (why && (v !== null || own)) { input.setCustomValidity(why); input.reportValidity(); finished = false; return; }
      done(v);
    };
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") { e.preventDefault(); finish(true); }
      if (e.key === "Escape") finish(false);
    });
    input.addEventListener("blur", () => finish(true));
    return input;
  };
  const setValue = (c, r, v) => {
    if (v === undefined) { view.redraw(); return; }
    if (r >= base) {
      const i = r - base, sent = state.added_rows.length;
      if (i < sent) state.added_rows[i] = { ...state.added_rows[i], [c.name]: v };
      else pending[i - sent] = { ...pending[i - sent], [c.name]: v };
      // A sent row that is no longer complete goes back to waiting.
      if (i < sent && !complete(state.added_rows[i])) pending.unshift(...state.added_rows.splice(i, 1));
    } else {
      const original = isNull(c, r) ? null : cellJson(c, r);
      const row = { ...(state.edited_rows[r] || {}) };
      if (v === original) delete row[c.name]; else row[c.name] = v;
      if (Object.keys(row).length) state.edited_rows[r] = row; else delete state.edited_rows[r];
    }
    send();
    view.redraw();
  };
  const open = (node, c, r) => {
    if (el.disabled || !editable(c)) return;
    if (c.type === "boolean") { setValue(c, r, !(current(c, r) === true)); return; }
    const input = box(c, current(c, r), (v) => setValue(c, r, v), r < base);
    node.replaceChildren(input);
    input.focus();
    // What the box holds is selected: typing replaces it.
    try { input.select?.(); } catch { /* a box without text selection */ }
  };
  const hooks = {
    cell: (c, r, j) => {
      const changed = r >= base || hasEdit(c, r);
      if (!changed && !editable(c)) return null;
      let node;
      if (changed) {
        const v = current(c, r);
        node = h("div", { class: `df-cell edited${v === null ? " null" : ""}`, text: v === null ? (r >= base ? "" : "null") : typeof v === "object" ? JSON.stringify(v) : String(v) });
      } else node = displayCell(c, r, "df-cell");
      if (editable(c)) {
        node.classList.add("editable");
        node.tabIndex = 0;
        node.addEventListener("dblclick", () => open(node, c, r));
        node.addEventListener("keydown", (e) => { if (e.key === "Enter" && e.target === node) open(node, c, r); });
      }
      return node;
    },
    extra: () => added().length,
    hidden: (r) => r < base && deleted.has(r),
    lead: el.dynamic_rows ? (r) => (r === null ? h("div", { class: "df-cell df-lead" }) : h("div", { class: "df-cell df-lead" },
      h("button", { type: "button", class: "df-delete", title: "Delete the row", "aria-label": `Delete row ${r + 1}`, disabled: el.disabled,
        onclick: () => {
          if (r >= base) {
            const i = r - base, sent = state.added_rows.length;
            if (i < sent) state.added_rows.splice(i, 1); else pending.splice(i - sent, 1);
          } else {
            state.deleted_rows = [...state.deleted_rows, r].sort((a, b) => a - b);
            deleted = new Set(state.deleted_rows);
            delete state.edited_rows[r];
          }
          send();
          view.grown();
        } }, "×"))) : null,
    tools: el.dynamic_rows ? [h("button", { type: "button", class: "df-download df-add", disabled: el.disabled,
      onclick: () => { pending.push({}); view.grown(); } }, "+ Add row")] : [],
  };
  const view = dataframe(el, hooks);
  const node = h("div", { class: "table-editor" }, el.label ? labelHtml(el) : null, view.node);
  return { node, update: (next) => {
    const echo = canon({ ...next.value, digest: el.digest }), at = sent.indexOf(echo);
    if (at >= 0 && at < sent.length - 1) return;
    if (at === sent.length - 1) sent = [];
    state = { ...JSON.parse(JSON.stringify(next.value)), digest: el.digest };
    deleted = new Set(state.deleted_rows);
    view.grown();
  } };
}

// Rows of `columns` as CSV (RFC 4180): a header, then each row's cells as
// shown (missing ones empty); a cell a spreadsheet would read as a formula
// starts with `'`.
function toCsv(columns, rows) {
  // Only text can be a formula: numbers (a negative one starts with `-`)
  // and dates stay numbers and dates.
  const field = (text, asText = true) => {
    const safe = asText && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const textual = (c) => c.type === "text" || c.type === "json" || c.type === "text_list";
  const lines = [columns.map((c) => field(c.name)).join(",")];
  for (const r of rows) lines.push(columns.map((c) => field(isNull(c, r) ? "" : formatValue(c, r), textual(c))).join(","));
  return lines.join("\r\n") + "\r\n";
}

// Vendored libraries, each loaded (once) by the first element that needs
// it: `vendor("katex.min.js", "katex.min.css")` resolves when all are in.
const loaded = new Map();
function vendor(...files) {
  return Promise.all(files.map((file) => {
    if (!loaded.has(file)) {
      const src = `${BASE}/_/vendor/${file}`;
      loaded.set(file, new Promise((resolve, reject) => {
        const node = file.endsWith(".css") ? h("link", { rel: "stylesheet", href: src }) : h("script", { src });
        node.onload = resolve;
        node.onerror = () => reject(new Error(`could not load ${src}`));
        document.head.append(node);
      }));
    }
    return loaded.get(file);
  }));
}

// Why a chart was not drawn: a newer drawing took its place.
const REPLACED = new Error("replaced");
// The last chart drawing begun: the next one starts after it.
let chartsDrawn = Promise.resolve();
// Holds chart drawing back until `until` settles: the app shell does so
// from a user's input until the run it started has drawn its first frame,
// so that frame is not kept waiting behind a chart.
function holdCharts(until) {
  chartsDrawn = Promise.all([chartsDrawn, until]).catch(() => {});
}
// Calls `then` when the browser is idle (within 100 ms however busy).
const idle = (then) => (window.requestIdleCallback ? requestIdleCallback(then, { timeout: 100 }) : setTimeout(then, 16));

// Charts: the vendored Vega-Lite, loaded with the first chart.
const loadVega = () => vendor("vega.min.js").then(() => vendor("vega-lite.min.js")).then(() => vendor("vega-embed.min.js"));

// Formulas in `root` (the host marks them `.math`) laid out by KaTeX, which
// builds its own DOM from the formula's text: `trust: false` keeps
// `\href`, `\url` and `\htmlClass` from making links or markup.
const KATEX = { throwOnError: false, trust: false, maxExpand: 1000, maxSize: 50, strict: "ignore" };
function typeset(root) {
  const formulas = root.querySelectorAll(".math");
  if (!formulas.length) return;
  vendor("katex.min.js", "katex.min.css").then(() => {
    for (const f of formulas) {
      if (f.dataset.typeset) continue;
      f.dataset.typeset = "true";
      window.katex.render(f.textContent, f, { ...KATEX, displayMode: f.classList.contains("math-display") });
    }
  }).catch(() => {});
}

// An element holding the host's sanitized HTML, with its formulas laid out.
function richHtml(tag, attrs, html) {
  const node = h(tag, attrs);
  node.innerHTML = html; // rendered and sanitized by the host
  typeset(node);
  return node;
}

// An icon: an emoji as text, a Material Symbol by its name (a ligature of
// the vendored font).
const icon = (i) => (!i ? null : i.type === "material"
  ? h("span", { class: "wl-icon", "aria-hidden": "true", text: i.name })
  : h("span", { class: "emoji-icon", "aria-hidden": "true", text: i.name }));

// A metric's past values as a small line (gaps where a value is missing).
function sparkline(values, tone) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 100 24");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("class", `sparkline ${tone}`);
  const finite = values.filter((v) => typeof v === "number");
  const lo = Math.min(...finite), hi = Math.max(...finite), span = hi - lo || 1;
  let d = "", pen = "M";
  values.forEach((v, i) => {
    if (typeof v !== "number") { pen = "M"; return; }
    const x = values.length > 1 ? (i / (values.length - 1)) * 100 : 50;
    d += `${pen}${x.toFixed(2)} ${(22 - ((v - lo) / span) * 20).toFixed(2)} `;
    pen = "L";
  });
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", d.trim());
  svg.append(path);
  return svg;
}

function heading(tag, el) {
  const node = richHtml(tag, { class: "el heading", id: el.anchor ? `wl-u-${el.anchor}` : null }, el.html);
  if (!el.divider) return node;
  return h("div", { class: "heading-block" }, node, h("hr", { class: `heading-rule rule-${el.divider}` }));
}

// Code: highlighted by the vendored highlight.js once it is in; plain
// text until then. It writes only its own spans around escaped text.
function code(el) {
  const lang = el.language ? el.language.replace(/[^A-Za-z0-9_+#.-]/g, "") : "";
  const body = h("code", { class: lang ? `language-${lang}` : null, text: el.body });
  const pre = h("pre", { class: `code${el.wrap_lines ? " wrap" : ""}${el.line_numbers ? " numbered" : ""}` });
  if (el.line_numbers) {
    const lines = el.body.split("\n").length;
    pre.append(h("span", { class: "line-numbers", "aria-hidden": "true",
      text: Array.from({ length: lines }, (_, i) => i + 1).join("\n") }));
  }
  pre.append(body);
  if (el.height) { pre.style.maxHeight = `${el.height}px`; pre.style.overflow = "auto"; }
  const copy = h("button", { type: "button", class: "copy", "aria-label": "Copy", title: "Copy",
    onclick: () => navigator.clipboard?.writeText(el.body).then(() => { copy.textContent = "✓"; setTimeout(() => { copy.textContent = "⧉"; }, 1500); }) }, "⧉");
  if (lang) {
    vendor("highlight.min.js", "highlight-github.min.css").then(() => {
      if (window.hljs.getLanguage(lang)) {
        window.hljs.highlightElement(body);
        pre.dataset.highlighted = "true";
      }
    }).catch(() => {});
  }
  return h("div", { class: "code-box" }, pre, copy);
}

function media(tag, el) {
  const node = h(tag, { controls: true, loop: el.loop, muted: el.muted, autoplay: el.autoplay, preload: "metadata", class: tag });
  node.muted = el.muted;
  const fragment = el.end ? `#t=${el.start},${el.end}` : el.start ? `#t=${el.start}` : "";
  node.append(h("source", { src: `${BASE}${el.url}${fragment}`, type: el.mime }));
  el.subtitles.forEach((s, i) => node.append(h("track", { kind: "subtitles", label: s.label, src: `${BASE}${s.url}`, default: i === 0 })));
  return node;
}

// A figure without what Plotly would fetch: images and templates (which
// may carry images) at any depth.
function withoutLoads(value) {
  if (Array.isArray(value)) return value.map(withoutLoads);
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) if (k !== "images" && k !== "template") out[k] = withoutLoads(v);
  return out;
}

// Plotly: the figure is drawn without anything it could load (images,
// map tiles, topojson) and without Plotly's links out.
function plotly(el) {
  const node = h("div", { class: "plotly" });
  const { data = [], layout = {}, config = {} } = withoutLoads(el.figure);
  const { mapbox, map: tiles, ...ownLayout } = layout;
  const refused = fetchingValue(data) || fetchingValue(ownLayout);
  if (refused) {
    return h("div", { class: "alert warning", text: `This figure was not drawn: ${NO_FETCH} (${refused}).` });
  }
  const dark = matchMedia("(prefers-color-scheme: dark)").matches;
  const look = { paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", font: { color: dark ? "#e6e6e6" : "#262730" } };
  vendor("plotly.min.js")
    .then(() => window.Plotly.newPlot(node, data, { ...look, ...ownLayout, autosize: true },
      { responsive: false, displaylogo: false, showLink: false, showSendToCloud: false, showEditInChartStudio: false,
        displayModeBar: config.displayModeBar, staticPlot: config.staticPlot, scrollZoom: config.scrollZoom }))
    .then(() => {
      node.dataset.rendered = "true";
      // Drawn in a hidden tab, the figure takes its width when shown.
      new ResizeObserver(() => { if (node.clientWidth) window.Plotly.Plots.resize(node); }).observe(node);
    })
    .catch((e) => node.replaceChildren(h("div", { class: "alert error", text: `This figure could not be drawn: ${e.message}` })));
  return node;
}

// Maps: Leaflet, over the operator's tiles when the server has a tile
// source (the only place the browser fetches map images from), else over a
// grid of latitudes and longitudes.
const TILES = document.querySelector("meta[name=wasmlit-tiles]")?.content || "";
// Origins the server's policy lets frames load from (`--frame-origin`);
// `https://*.example.com` covers the subdomains of example.com.
const FRAME_ORIGINS = (document.querySelector("meta[name=wasmlit-frame-origins]")?.content || "")
  .split(" ").filter(Boolean);

function frameAllowed(url) {
  let target;
  try { target = new URL(url); } catch { return false; }
  return FRAME_ORIGINS.some((origin) => {
    const [scheme, host] = origin.split("://");
    if (!host || `${scheme.toLowerCase()}:` !== target.protocol) return false;
    const want = host.toLowerCase();
    if (want.startsWith("*.")) {
      const parent = want.slice(1);
      return target.host.endsWith(parent) && target.host.length > parent.length;
    }
    return target.host === want;
  });
}
const TILES_CREDIT = document.querySelector("meta[name=wasmlit-tiles-credit]")?.content || "";
function map(el) {
  const node = h("div", { class: "map" });
  node.style.height = `${el.height}px`;
  let view = null;
  // Leaflet measures its container: the map is made once the node is laid
  // out with a size (a map in a hidden tab waits until the tab opens).
  const draw = () => {
    const L = window.L;
    // Resized by the observer below, not by a window listener that would
    // outlive a redrawn map.
    view = L.map(node, { attributionControl: Boolean(TILES), worldCopyJump: true, trackResize: false });
    // The view first: Leaflet draws layers only on a map that has one.
    const bounds = L.latLngBounds(el.points.map((p) => [p.lat, p.lon]));
    if (el.zoom !== undefined && el.points.length) view.setView(bounds.getCenter(), el.zoom);
    else if (el.points.length) view.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
    else view.setView([20, 0], el.zoom ?? 1);
    if (TILES) {
      L.tileLayer(TILES, { maxZoom: 19, attribution: TILES_CREDIT.replace(/[<>&"]/g, "") }).addTo(view);
    } else {
      node.classList.add("tileless");
      const grid = [];
      for (let lat = -80; lat <= 80; lat += 10) grid.push([[lat, -180], [lat, 180]]);
      for (let lon = -180; lon <= 180; lon += 10) grid.push([[-85, lon], [85, lon]]);
      L.polyline(grid, { color: "#9aa0a6", weight: 0.5, interactive: false }).addTo(view);
    }
    const marks = el.points.map((p) => {
      const style = { color: p.color || "#ff4b4b", fillColor: p.color || "#ff4b4b", fillOpacity: 0.7, weight: 1 };
      return p.size ? L.circle([p.lat, p.lon], { ...style, radius: p.size }) : L.circleMarker([p.lat, p.lon], { ...style, radius: 5 });
    });
    L.featureGroup(marks).addTo(view);
    node.dataset.points = String(marks.length);
    node.dataset.rendered = "true";
  };
  vendor("leaflet.js", "leaflet.css").then(() => {
    new ResizeObserver(() => {
      if (!node.clientWidth) return;
      if (view) view.invalidateSize();
      else draw();
    }).observe(node);
  }).catch((e) => node.replaceChildren(h("div", { class: "alert error", text: `This map could not be drawn: ${e.message}` })));
  return node;
}

// Graphviz: laid out by the vendored Graphviz (WebAssembly); links in the
// drawing keep only http and https targets.
function graphviz(el) {
  const node = h("div", { class: "graphviz" });
  vendor("viz-standalone.js")
    .then(() => window.Viz.instance())
    .then((viz) => {
      const svg = viz.renderSVGElement(el.dot);
      for (const a of [svg, ...svg.querySelectorAll("*")]) {
        for (const attr of Array.from(a.attributes)) {
          const name = attr.name.toLowerCase();
          // No ids (a graph could take the app shell's), only Graphviz's
          // own classes.
          if (name.startsWith("on") || name === "id") a.removeAttribute(attr.name);
          if (name === "class" && !/^(graph|node|edge|cluster)$/.test(attr.value)) a.removeAttribute(attr.name);
          if ((name === "href" || name === "xlink:href") && !/^https?:/i.test(attr.value.trim())) a.removeAttribute(attr.name);
        }
        if (a.localName === "image" || a.localName === "script" || a.localName === "foreignObject") a.remove();
      }
      node.replaceChildren(svg);
      node.dataset.rendered = "true";
    })
    .catch((e) => node.replaceChildren(h("div", { class: "alert error", text: `This graph could not be drawn: ${e.message}` })));
  return node;
}

// A chart draws only the data in its specification. Vega would otherwise
// fetch any URL a page's specification names (data, images, links), from
// this origin, which other apps of the server share, or from any other.
const NO_URLS = "charts draw only the data in their specification; loading URLs is not allowed";

// Nor can any value in it make the browser fetch by another route: a CSS
// value such as `cursor: url(…)` on a mark or in the config, a fill, a
// font. Charts are drawn on a canvas (no page value becomes an attribute
// or a style of an element), every string in a specification is checked
// before it is drawn, and the one style Vega sets from page values at run
// time, `cursor` (which an expression may compute), takes keywords only.
const NO_FETCH = "charts may not load anything";

// CSS functions that load a resource.
const FETCHING = /(?:url|src|image|image-set|cross-fade|element|paint)\(/;

// The cursor keywords of CSS: the only cursors a chart may set.
const CURSORS = new Set(["auto", "default", "none", "context-menu", "help", "pointer", "progress", "wait",
  "cell", "crosshair", "text", "vertical-text", "alias", "copy", "move", "no-drop", "not-allowed", "grab",
  "grabbing", "all-scroll", "col-resize", "row-resize", "n-resize", "e-resize", "s-resize", "w-resize",
  "ne-resize", "nw-resize", "se-resize", "sw-resize", "ew-resize", "ns-resize", "nesw-resize",
  "nwse-resize", "zoom-in", "zoom-out", ""]);

// `text` as CSS reads it: escapes decoded, comments and controls dropped,
// lower case.
function cssText(text) {
  return text
    .replace(/\/\*[\s\S]*?(?:\*\/|$)/g, "")
    .replace(/\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|([\s\S]))/g, (_, hex, ch) => {
      if (!hex) return ch;
      const code = parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
    })
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .toLowerCase();
}

const isCursor = (value) => CURSORS.has(String(value).trim().toLowerCase());

// The first string in `spec` that could make the browser fetch, as
// `path: problem`, or null. Walked without recursion (specifications may
// nest deeply).
function fetchingValue(spec) {
  const stack = [["spec", spec, ""]];
  let seen = 0;
  while (stack.length) {
    const [path, value, key] = stack.pop();
    if (++seen > 5000000) return `${path}: too large to check`;
    if (typeof value === "string") {
      if (FETCHING.test(cssText(value))) return `${path}: ${JSON.stringify(value.slice(0, 120))} loads a resource`;
      if (key.toLowerCase() === "cursor" && !isCursor(value)) return `${path}: ${JSON.stringify(value.slice(0, 120))} is not a cursor keyword`;
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (FETCHING.test(cssText(k))) return `${path}: the key ${JSON.stringify(k.slice(0, 120))} loads a resource`;
        stack.push([`${path}.${k}`, v, k]);
      }
    }
  }
  return null;
}

// Vega sets the cursor from page values (a mark's `cursor`, a `cursor`
// signal's expression) as `style.cursor` on the chart or the page's body.
// Every cursor set from script is held to the keywords, so no computed
// value can name an image. The app shell sets no cursor from script.
(function cursorsAreKeywords() {
  // `style.cursor` is no accessor on a prototype in Chromium: each style
  // declaration gets its own, when an element's `style` is first read.
  const guarded = new WeakSet();
  const guard = (style) => {
    if (!style || guarded.has(style)) return style;
    guarded.add(style);
    Object.defineProperty(style, "cursor", {
      configurable: true,
      get() { return this.getPropertyValue("cursor"); },
      set(value) { this.setProperty("cursor", value); },
    });
    return style;
  };
  for (const proto of [HTMLElement.prototype, SVGElement.prototype]) {
    const own = Object.getOwnPropertyDescriptor(proto, "style");
    if (!own || !own.get) continue;
    Object.defineProperty(proto, "style", { ...own, get() { return guard(own.get.call(this)); } });
  }
  const setProperty = CSSStyleDeclaration.prototype.setProperty;
  CSSStyleDeclaration.prototype.setProperty = function (name, value, priority) {
    if (String(name).trim().toLowerCase() === "cursor" && !isCursor(value)) value = "";
    else if (FETCHING.test(cssText(String(value)))) value = "";
    return setProperty.call(this, name, value, priority);
  };
})();

// `notice` is where the first refusal is shown (not inside the chart's own
// node, whose children Vega replaces).
function refusingLoader(notice) {
  const refuse = (uri) => {
    if (!notice.childElementCount) {
      notice.append(h("div", { class: "alert warning", text: `${NO_URLS} (${String(uri).slice(0, 200)})` }));
    }
    return Promise.reject(new Error(NO_URLS));
  };
  return { load: refuse, sanitize: refuse, http: refuse, file: refuse };
}

// Tooltips as Vega's default shows them, minus its `image` field (an
// image the browser would fetch). Every value is text, never HTML.
function tooltipText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value !== "object") return String(value);
  return Object.entries(value)
    .filter(([key]) => key !== "image")
    .map(([key, v]) => (key === "title" ? String(v) : `${key}: ${typeof v === "object" ? JSON.stringify(v) : v}`))
    .join("\n");
}

function chartTooltip(handler, event, item, value) {
  let tip = document.getElementById("chart-tooltip");
  if (!tip) {
    tip = h("div", { id: "chart-tooltip", class: "chart-tooltip" });
    document.body.append(tip);
  }
  const text = tooltipText(value);
  tip.textContent = text;
  tip.style.display = text ? "block" : "none";
  tip.style.left = `${event.clientX + 12}px`;
  tip.style.top = `${event.clientY + 12}px`;
}

function chart(el) {
  const node = h("div", { class: "chart" });
  const dark = matchMedia("(prefers-color-scheme: dark)").matches;
  // `usermeta.embedOptions` would let the specification override the
  // options below (actions, their HTML, the tooltip): it is dropped.
  const { usermeta, ...own } = el.spec;
  const spec = { width: "container", ...own, config: { background: null, ...(own.config || {}) } };
  const notice = h("div");
  const refused = fetchingValue(el.spec);
  if (refused) {
    return h("div", { class: "chart-box" },
      h("div", { class: "alert warning", text: `This chart was not drawn: ${NO_FETCH} (${refused}).` }));
  }
  const loader = refusingLoader(notice);
  // `ast: true`: Vega evaluates expressions with vega-embed's interpreter
  // instead of compiling them with `new Function`, so the page's
  // Content-Security-Policy needs no 'unsafe-eval'.
  const options = { actions: false, theme: dark ? "dark" : undefined, renderer: "canvas", loader, tooltip: chartTooltip, ast: true };
  // Charts are drawn one at a time, each once the browser has nothing
  // else to do (every message that arrived meanwhile handled), and only if
  // still on the page: a chart that a newer drawing replaced while it
  // waited is never computed.
  // A chart of a run the user has just replaced (its slot is stale) waits
  // for the new run's drawing instead of holding the browser up.
  const replaced = () => Promise.reject(REPLACED);
  // Waits (at most 2 s) while the chart's slot is stale: the new run
  // either keeps it (drawn then) or drops it (never drawn).
  const settled = async () => {
    const until = performance.now() + 2000;
    while (node.isConnected && node.closest(".stale") && performance.now() < until) {
      await new Promise((resolve) => idle(resolve));
    }
  };
  const drawn = chartsDrawn
    .then(() => (node.isConnected ? loadVega() : replaced()))
    .then(() => new Promise((resolve) => idle(resolve)))
    .then(settled)
    .then(() => (node.isConnected ? window.vegaEmbed(node, spec, options) : replaced()));
  chartsDrawn = drawn.catch(() => {});
  drawn
    .then(() => {
      // The rows drawn (inline data only), as a map gives its points.
      if (Array.isArray(spec.data?.values)) node.dataset.points = String(spec.data.values.length);
      node.dataset.rendered = "true";
    })
    .catch((e) => {
      if (e !== REPLACED && node.isConnected) node.replaceChildren(h("div", { class: "alert error", text: `This chart could not be drawn: ${e.message}` }));
    });
  return h("div", { class: "chart-box" }, node, notice);
}

// A widget's label: Markdown the host rendered and sanitized.
const labelHtml = (el) => richHtml("span", { class: "label-text" }, el.label);
// The label as plain text (for `aria-label`).
const labelText = (el) => { const t = document.createElement("template"); t.innerHTML = el.label; return t.content.textContent; };

// The "?" beside a label that shows the widget's `help` on hover.
const helpIcon = (el) => (el.help ? h("span", { class: "help", title: el.help, "aria-label": el.help, text: "?" }) : null);

function labelFor(el, inputId) {
  return h("label", { class: "label", for: inputId }, labelHtml(el), helpIcon(el));
}

// A legend (radio, pills, …): the label and its help.
const legendFor = (el) => h("legend", { class: "label" }, labelHtml(el), helpIcon(el));

// A button's classes: its emphasis (`primary`, `secondary`, `tertiary`)
// and whether it stretches to its container's width.
const buttonClass = (el, fallback = "secondary") =>
  `btn ${["primary", "tertiary"].includes(el.emphasis) ? el.emphasis : fallback}${el.stretch ? " stretch" : ""}`;

// Options as buttons (pills, a segmented control): a press chooses an
// option, or takes it back; with `multi`, each press adds or removes one.
function buttonChoice(el, ctx, look) {
  let value = el.value;
  const chosen = (i) => (el.multi ? Array.isArray(value) && value.includes(i) : value === i);
  const paint = () => buttons.forEach((b, i) => b.setAttribute("aria-pressed", String(chosen(i))));
  const buttons = el.options.map((option, i) => h("button", { type: "button", class: "choice-button",
    disabled: el.disabled, text: el.options_html ? null : option,
    onclick: () => {
      const current = Array.isArray(value) ? value : [];
      value = el.multi ? (chosen(i) ? current.filter((v) => v !== i) : [...current, i]) : (chosen(i) ? null : i);
      paint();
      ctx.send(el.id, value);
    } }));
  // Options' Markdown, as the host rendered and sanitized it.
  if (el.options_html) buttons.forEach((b, i) => { b.innerHTML = el.options_html[i]; typeset(b); });
  paint();
  const node = h("fieldset", { class: `button-choice ${look}` },
    legendFor(el),
    h("div", { class: "choice-buttons", role: "group" }, ...buttons));
  // (A form that clears gives back the default: a list, one item at most
  // when one option is chosen.)
  const one = (v) => (Array.isArray(v) ? (v[0] ?? null) : v);
  return { node, update: (next) => { value = el.multi ? next.value : one(next.value); paint(); } };
}

const WIDGETS = {
  dataframe_select: (el, ctx) => selectableTable(el, ctx),
  data_editor: (el, ctx) => editableTable(el, ctx),
  button(el, ctx) {
    const node = h("button", { class: buttonClass(el), type: "button", disabled: el.disabled, title: el.help,
      "data-shortcut": el.shortcut, onclick: () => ctx.send(el.id, true) }, icon(el.icon), labelHtml(el));
    // A click's value lasts one run and is not shown: the redrawn button
    // keeps its node, so a second click landing meanwhile is not lost.
    return { node, update: () => {} };
  },
  checkbox(el, ctx) {
    const box = h("input", { type: "checkbox", id: ctx.domId, disabled: el.disabled,
      onchange: (e) => ctx.send(el.id, e.target.checked) });
    box.checked = el.value;
    const node = h("div", { class: "checkbox" }, h("label", {}, box, labelHtml(el)), helpIcon(el));
    return { node, update: (next) => { box.checked = next.value; } };
  },
  slider(el, ctx) {
    return rangeWidget(el, ctx, (v) => parseInt(v, 10), shownAs(el) || String);
  },
  range_slider(el, ctx) {
    return twoHandles(el, ctx, (v) => parseInt(v, 10), shownAs(el) || String);
  },
  float_range_slider(el, ctx) {
    return twoHandles(el, ctx, parseFloat, shownAs(el) || fixedFor(el.step));
  },
  float_slider(el, ctx) {
    return rangeWidget(el, ctx, parseFloat, shownAs(el) || fixedFor(el.step));
  },
  text_input(el, ctx) {
    const input = h("input", { type: el.password ? "password" : "text", id: ctx.domId, disabled: el.disabled,
      maxlength: el.max_chars, placeholder: el.placeholder, autocomplete: el.autocomplete,
      onchange: (e) => ctx.send(el.id, e.target.value) });
    input.value = el.value;
    const box = el.icon ? h("div", { class: "input-with-icon" }, icon(el.icon), input) : input;
    return withUpdate(h("div", {}, labelFor(el, ctx.domId), box), input, (v) => v);
  },
  // A number box; with a `format`, the number is shown formatted until
  // the box is focused. One that started empty may be emptied again.
  number_input(el, ctx) {
    const nullable = el.default === null;
    const shown = (v) => (v === null ? "" : el.format ? printf(el.format, v) : String(v));
    let value = el.value;
    const input = h("input", { type: el.format ? "text" : "number", inputmode: el.format ? "decimal" : null,
      id: ctx.domId, disabled: el.disabled, placeholder: el.placeholder,
      min: el.min, max: el.max, step: el.step,
      // Focused, it shows the bare number, selected (typing replaces it).
      onfocus: (e) => { if (el.format) { e.target.value = value === null ? "" : String(value); e.target.select(); } },
      onblur: (e) => { if (el.format) e.target.value = shown(value); },
      onchange: (e) => {
        const text = e.target.value.trim();
        if (text === "" && nullable) { value = null; ctx.send(el.id, null); return; }
        const v = el.format ? readFormatted(el.format, text) : parseFloat(text);
        // In integer mode only whole numbers are sent (others are refused).
        const ok = Number.isFinite(v) && (!el.integer || Number.isInteger(v));
        e.target.setCustomValidity(ok ? "" : "Write a number");
        if (ok) { value = v; ctx.send(el.id, v); } else e.target.reportValidity();
      } });
    input.value = shown(value);
    // An icon inside the box, as a text input's.
    const box = el.icon ? h("div", { class: "input-with-icon" }, icon(el.icon), input) : input;
    return withUpdate(h("div", {}, labelFor(el, ctx.domId), box), input, (v) => { value = v; return shown(v); });
  },
  selectbox(el, ctx) {
    if (el.accept_new_options) return typedChoice(el, ctx);
    const select = h("select", { id: ctx.domId, disabled: el.disabled,
      onchange: (e) => ctx.send(el.id, e.target.value === "" ? null : parseInt(e.target.value, 10)) });
    if (el.value === null) select.append(h("option", { value: "", text: el.placeholder || "Choose an option" }));
    el.options.forEach((o, i) => select.append(h("option", { value: String(i), text: o })));
    const shown = (v) => (v === null ? "" : String(v));
    select.value = shown(el.value);
    return withUpdate(h("div", {}, labelFor(el, ctx.domId), select), select, shown);
  },
};

Object.assign(WIDGETS, {
  // A message box; with `accept_file`, a 📎 button attaches files, which
  // are uploaded when the message is sent and listed in its value.
  chat_input(el, ctx) {
    const input = h("input", { type: "text", id: ctx.domId, disabled: el.disabled, maxlength: el.max_chars,
      placeholder: el.placeholder || "Your message", "aria-label": labelText(el) });
    let attached = [];
    const chips = h("div", { class: "chips chat-files" });
    const status = h("span", { class: "upload-status", role: "status" });
    const showAttached = () => chips.replaceChildren(...attached.map((f) => h("span", { class: "chip" }, f.name,
      h("button", { type: "button", "aria-label": `Remove ${f.name}`, onclick: () => { attached = attached.filter((g) => g !== f); showAttached(); } }, "×"))));
    let picker = null;
    if (el.accept_file) {
      const accept = (el.file_types || []).map((t) => (t.includes("/") ? t : `.${t.replace(/^\./, "")}`)).join(",");
      picker = h("input", { type: "file", class: "file-input", accept: accept || null, multiple: el.accept_file === "multiple",
        "aria-label": "Attach files", disabled: el.disabled });
      picker.addEventListener("change", () => {
        const picked = Array.from(picker.files || []);
        picker.value = "";
        attached = el.accept_file === "multiple" ? [...attached, ...picked] : picked.slice(0, 1);
        showAttached();
      });
    }
    const send = async () => {
      const text = input.value.trim();
      if (!text && !attached.length) return;
      if (!el.accept_file) {
        input.value = "";
        ctx.send(el.id, text);
        return;
      }
      const files = [];
      try {
        for (const file of attached) {
          status.textContent = `Uploading ${file.name}…`;
          files.push((await upload(el, file, file.name)).id);
        }
      } catch (e) {
        status.textContent = e.message;
        return;
      }
      status.textContent = "";
      input.value = "";
      attached = [];
      showAttached();
      ctx.send(el.id, { text, files });
    };
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); send(); } });
    const attach = picker && h("label", { class: "btn secondary chat-attach", title: "Attach files" }, picker, "📎");
    const node = h("div", { class: "chat-input-box" }, chips, status, h("div", { class: "chat-input" }, attach, input,
      h("button", { type: "button", class: "btn primary", disabled: el.disabled, "aria-label": "Send", onclick: send }, "➤")));
    // What was sent lasts one run: the redrawn box keeps its node, so what
    // the user types meanwhile (and the focus) stays.
    return { node, update: () => {} };
  },
  // The file comes with the button, or (`lazy`) from the run its click
  // causes; a button that ignores clicks saves it without a rerun.
  download_button(el, ctx) {
    return h("button", { class: buttonClass(el), type: "button", disabled: el.disabled, title: el.help,
      "data-shortcut": el.shortcut,
      onclick: () => {
        if (!el.lazy) saveFile(el.file_name, el.mime, el.data);
        if (!el.ignore_click) ctx.send(el.id, true);
      } }, el.icon ? icon(el.icon) : "⬇ ", labelHtml(el));
  },
  feedback(el, ctx) {
    const thumbs = el.options === 2;
    const look = thumbs ? "thumbs" : el.faces ? "faces" : "stars";
    const symbols = { thumbs: ["👎", "👍"], faces: ["😞", "🙁", "😐", "🙂", "😀"], stars: ["★", "★", "★", "★", "★"] }[look];
    const names = { thumbs: ["thumbs down", "thumbs up"], faces: ["very unhappy", "unhappy", "neutral", "happy", "very happy"] }[look];
    const buttons = symbols.map((symbol, i) => h("button", { type: "button", class: "feedback-option", disabled: el.disabled,
      "aria-label": names ? names[i] : `${i + 1} star${i ? "s" : ""}`,
      onclick: () => ctx.send(el.id, i) }, symbol));
    // Stars fill up to the one chosen; thumbs and faces mark only it.
    const show = (v) => buttons.forEach((b, i) => b.classList.toggle("chosen", look === "stars" ? v !== null && i <= v : v === i));
    show(el.value);
    const node = h("div", {}, h("div", { class: "label" }, labelHtml(el), helpIcon(el)), h("div", { class: `feedback ${look}` }, ...buttons));
    return { node, update: (next) => show(next.value) };
  },
  // Files go to the server over HTTP, one request each; the widget's value
  // is the list of their ids.
  file_uploader(el, ctx) {
    const accept = el.types.map((t) => (t.includes("/") ? t : `.${t.replace(/^\./, "")}`)).join(",");
    const input = h("input", { type: "file", id: ctx.domId, class: "file-input", accept: accept || null,
      multiple: el.multiple, disabled: el.disabled });
    const list = h("ul", { class: "files" });
    const status = h("div", { class: "upload-status", role: "status" });
    let files = el.files || [];
    const send = () => ctx.send(el.id, files.map((f) => f.id));
    const show = () => list.replaceChildren(...files.map((f) => h("li", {},
      h("span", { class: "file-name", text: f.name }), h("span", { class: "file-size", text: humanBytes(f.size) }),
      h("button", { type: "button", class: "file-remove", "aria-label": `Remove ${f.name}`, disabled: el.disabled,
        onclick: () => { files = files.filter((g) => g.id !== f.id); show(); send(); } }, "×"))));
    input.addEventListener("change", async () => {
      const picked = Array.from(input.files || []);
      input.value = "";
      status.textContent = "";
      const added = [], problems = [];
      for (const file of el.multiple ? picked : picked.slice(0, 1)) {
        status.textContent = `Uploading ${file.name}…`;
        try {
          added.push(await upload(el, file, file.name));
        } catch (e) {
          problems.push(e.message);
        }
      }
      status.textContent = problems.join(" ");
      if (!added.length) return;
      files = el.multiple ? [...files, ...added] : added;
      show();
      send();
    });
    const zone = h("label", { class: "dropzone", for: ctx.domId, title: el.help }, input,
      h("span", { text: el.multiple ? "Drop files here, or browse" : "Drop a file here, or browse" }),
      h("small", { text: `Up to ${humanBytes(el.max_bytes)} per file${el.types.length ? ` · ${el.types.join(", ")}` : ""}` }));
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      if (el.disabled || !e.dataTransfer) return;
      input.files = e.dataTransfer.files;
      input.dispatchEvent(new Event("change"));
    });
    show();
    const node = h("div", {}, labelFor(el, ctx.domId), zone, status, list);
    return { node, update: (next) => { files = next.files || []; show(); } };
  },
  submit_button(el, ctx) {
    const node = h("button", { class: buttonClass(el, "primary"), type: "button", disabled: el.disabled, title: el.help,
      "data-shortcut": el.shortcut, onclick: () => ctx.send(el.id, true) }, icon(el.icon), labelHtml(el));
    return { node, update: () => {} };
  },
  toggle(el, ctx) {
    const box = h("input", { type: "checkbox", role: "switch", id: ctx.domId, disabled: el.disabled,
      onchange: (e) => ctx.send(el.id, e.target.checked) });
    box.checked = el.value;
    const node = h("div", { class: "checkbox toggle" }, h("label", {}, box, h("span", { class: "switch" }), labelHtml(el)), helpIcon(el));
    return { node, update: (next) => { box.checked = next.value; } };
  },
  radio(el, ctx) {
    const inputs = el.options.map((o, i) => h("input", { type: "radio", name: ctx.domId, value: String(i),
      disabled: el.disabled, onchange: () => ctx.send(el.id, i) }));
    const set = (v) => inputs.forEach((r, i) => { r.checked = v === i; });
    set(el.value);
    const node = h("fieldset", { class: `radio${el.horizontal ? " horizontal" : ""}` },
      legendFor(el),
      ...inputs.map((r, i) => {
        const option = el.options_html ? richHtml("span", { class: "option-text" }, el.options_html[i]) : h("span", { text: el.options[i] });
        const caption = el.captions_html?.[i] ? richHtml("span", { class: "radio-caption" }, el.captions_html[i]) : null;
        return h("label", {}, r, caption ? h("span", { class: "radio-option" }, option, caption) : option);
      }));
    return { node, update: (next) => set(next.value) };
  },
  pills(el, ctx) {
    return buttonChoice(el, ctx, "pills");
  },
  segmented_control(el, ctx) {
    return buttonChoice(el, ctx, "segmented");
  },
  select_slider(el, ctx) {
    if (Array.isArray(el.value)) {
      const over = { ...el, min: 0, max: el.options.length - 1, step: 1 };
      return twoHandles(over, ctx, (v) => parseInt(v, 10), (v) => el.options[v]);
    }
    const shown = h("span", { class: "value", text: el.options[el.value] });
    const input = h("input", { type: "range", id: ctx.domId, disabled: el.disabled, min: 0, max: el.options.length - 1, step: 1,
      "aria-valuetext": el.options[el.value],
      oninput: (e) => { shown.textContent = el.options[e.target.value]; },
      onchange: (e) => ctx.send(el.id, parseInt(e.target.value, 10)) });
    input.value = el.value;
    const node = h("div", { class: "slider" }, labelFor(el, ctx.domId), shown, input,
      h("div", { class: "range" }, h("span", { text: el.options[0] }), h("span", { text: el.options[el.options.length - 1] })));
    return { node, update: (next) => { input.value = next.value; shown.textContent = el.options[next.value]; } };
  },
  multiselect(el, ctx) {
    if (el.accept_new_options) return typedChoices(el, ctx);
    let chosen = el.value.slice();
    const chips = h("div", { class: "chips" });
    const select = h("select", { id: ctx.domId, disabled: el.disabled, onchange: (e) => {
      if (e.target.value === "") return;
      chosen = chosen.concat(parseInt(e.target.value, 10));
      ctx.send(el.id, chosen);
      draw();
    } });
    const draw = () => {
      chips.replaceChildren(...chosen.map((i) => h("span", { class: "chip" }, el.options[i],
        h("button", { type: "button", "aria-label": `Remove ${el.options[i]}`, disabled: el.disabled, onclick: () => {
          chosen = chosen.filter((j) => j !== i);
          ctx.send(el.id, chosen);
          draw();
        } }, "×"))));
      select.replaceChildren(h("option", { value: "", text: chosen.length ? "Add an option" : el.placeholder || "Choose options" }),
        ...el.options.map((o, i) => (chosen.includes(i) ? null : h("option", { value: String(i), text: o }))).filter(Boolean));
      select.value = "";
    };
    draw();
    const node = h("div", {}, labelFor(el, ctx.domId), chips, select);
    return { node, update: (next) => { chosen = next.value.slice(); draw(); } };
  },
  text_area(el, ctx) {
    const area = h("textarea", { id: ctx.domId, disabled: el.disabled, maxlength: el.max_chars, placeholder: el.placeholder,
      rows: 4, onchange: (e) => ctx.send(el.id, e.target.value) });
    if (el.height) area.style.height = `${el.height}px`;
    area.value = el.value;
    return withUpdate(h("div", {}, labelFor(el, ctx.domId), area), area, (v) => v);
  },
  color_picker(el, ctx) {
    const input = h("input", { type: "color", id: ctx.domId, disabled: el.disabled,
      onchange: (e) => ctx.send(el.id, e.target.value) });
    input.value = el.value;
    return withUpdate(h("div", {}, labelFor(el, ctx.domId), input), input, (v) => v);
  },
  // One date, or (`range`) a first and a last; one that started empty
  // may be emptied again. A `format` shows (and reads) dates as written.
  date_input(el, ctx) {
    const nullable = el.default === null;
    if (!el.range) {
      const box = dateBox(el, ctx.domId, "date", (v) => {
        if (v) ctx.send(el.id, v);
        else if (nullable) ctx.send(el.id, null);
      });
      box.set(el.value);
      return { node: h("div", {}, labelFor(el, ctx.domId), box.node), update: (next) => box.set(next.value) };
    }
    const ends = [0, 1].map((i) => dateBox(el, i ? null : ctx.domId, "date", () => {
      const [a, b] = ends.map((e) => e.get());
      if (a && b && a <= b) ctx.send(el.id, [a, b]);
      else if (!a && !b && nullable) ctx.send(el.id, null);
    }, i ? "Last" : "First"));
    const set = (v) => ends.forEach((e, i) => e.set(Array.isArray(v) ? v[i] : null));
    set(el.value);
    const node = h("div", {}, labelFor(el, ctx.domId), h("div", { class: "date-range" }, ends[0].node, h("span", { text: "–" }), ends[1].node));
    return { node, update: (next) => set(next.value) };
  },
  datetime_input(el, ctx) {
    const nullable = el.default === null;
    const box = dateBox(el, ctx.domId, "datetime-local", (v) => {
      if (v) ctx.send(el.id, v.slice(0, 16));
      else if (nullable) ctx.send(el.id, null);
    });
    box.set(el.value);
    return { node: h("div", {}, labelFor(el, ctx.domId), box.node), update: (next) => box.set(next.value) };
  },
  time_input(el, ctx) {
    const input = h("input", { type: "time", id: ctx.domId, disabled: el.disabled, step: (el.step_minutes || 15) * 60,
      onchange: (e) => { if (e.target.value) ctx.send(el.id, e.target.value.slice(0, 5)); } });
    input.value = el.value;
    return withUpdate(h("div", {}, labelFor(el, ctx.domId), input), input, (v) => v);
  },
});

function rangeWidget(el, ctx, parse, format) {
  const shown = h("span", { class: "value", text: format(el.value) });
  const input = h("input", { type: "range", id: ctx.domId, disabled: el.disabled,
    min: el.min, max: el.max, step: el.step, "aria-valuetext": format(el.value),
    oninput: (e) => { shown.textContent = format(e.target.value); },
    onchange: (e) => ctx.send(el.id, parse(e.target.value)) });
  input.value = el.value;
  const node = h("div", { class: "slider" }, labelFor(el, ctx.domId), shown, input,
    h("div", { class: "range" }, h("span", { text: format(el.min) }), h("span", { text: format(el.max) })));
  return { node, update: (next) => {
    input.value = next.value;
    shown.textContent = format(next.value);
    input.setAttribute("aria-valuetext", format(next.value));
  } };
}

// A slider with two handles: a low and a high handle over the same range
// (each kept on its side of the other); the value is `[low, high]`.
function twoHandles(el, ctx, parse, format) {
  const text = (v) => `${format(v[0])} – ${format(v[1])}`;
  const shown = h("span", { class: "value", text: text(el.value) });
  let value = [...el.value];
  const handle = (which) => h("input", { type: "range", disabled: el.disabled, min: el.min, max: el.max, step: el.step,
    id: which ? null : ctx.domId, "aria-label": which ? "High" : "Low",
    oninput: (e) => {
      const v = parse(e.target.value);
      value = which ? [value[0], Math.max(v, value[0])] : [Math.min(v, value[1]), value[1]];
      e.target.value = value[which];
      shown.textContent = text(value);
    },
    onchange: () => ctx.send(el.id, value) });
  const inputs = [handle(0), handle(1)];
  const set = (v) => { value = [...v]; inputs[0].value = v[0]; inputs[1].value = v[1]; shown.textContent = text(v); };
  set(el.value);
  const node = h("div", { class: "slider range-slider" }, labelFor(el, ctx.domId), shown, ...inputs,
    h("div", { class: "range" }, h("span", { text: format(el.min) }), h("span", { text: format(el.max) })));
  return { node, update: (next) => set(next.value) };
}

// A number typed into a box shown with a `format`: the format's own text
// around the number (`$`, ` kg`, `%`) and thousands separators are left
// out; anything else makes it no number (NaN).
function readFormatted(format, text) {
  const [before, after] = format.split(/%[-+ 0#,']*\d*(?:\.\d*)?[diufFeEgGxXo]/).map((t) => (t || "").replace(/%%/g, "%"));
  let rest = text;
  if (before && rest.startsWith(before.trim())) rest = rest.slice(before.trim().length);
  if (after && rest.endsWith(after.trim())) rest = rest.slice(0, rest.length - after.trim().length);
  rest = rest.replace(/[,\s]/g, "");
  return rest === "" ? NaN : Number(rest);
}

// printf-style formatting of one number, as a `format` asks (the host
// checked it: one conversion among d i u f F e E g G x X o, flags
// `-+ 0#,'`, width and precision; `%%` is a percent sign).
function printf(format, value) {
  const n = Number(value);
  return format.replace(/%([-+ 0#,']*)(\d*)(?:\.(\d*))?([diufFeEgGxXo%])/g, (all, flags, width, precision, conv) => {
    if (conv === "%") return "%";
    // `%.f` is a precision of 0, as in C.
    const p = precision === undefined ? undefined : parseInt(precision || "0", 10);
    let body;
    switch (conv) {
      case "d": case "i": body = Math.trunc(Math.abs(n)).toString(); break;
      case "u": body = Math.trunc(Math.abs(n)).toString(); break;
      case "f": case "F": body = Math.abs(n).toFixed(p ?? 6); break;
      case "e": case "E": body = Math.abs(n).toExponential(p ?? 6).replace(/e([+-])(\d)$/, "e$10$2"); break;
      case "g": case "G": body = String(Number(Math.abs(n).toPrecision(p || 6))); break;
      case "x": case "X": body = Math.trunc(Math.abs(n)).toString(16); break;
      case "o": body = Math.trunc(Math.abs(n)).toString(8); break;
    }
    if (conv === conv.toUpperCase() && conv !== "F") body = body.toUpperCase();
    if (/[,']/.test(flags)) {
      const [whole, fraction] = body.split(".");
      body = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (fraction !== undefined ? `.${fraction}` : "");
    }
    const negative = n < 0 && conv !== "u" && body !== "0";
    const sign = negative ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
    const w = width ? parseInt(width, 10) : 0;
    if (flags.includes("-")) return (sign + body).padEnd(w);
    if (flags.includes("0")) return sign + body.padStart(Math.max(0, w - sign.length), "0");
    return (sign + body).padStart(w);
  });
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const DATE_TOKENS = /YYYY|YY|MMMM|MMM|MM|M|dddd|ddd|DD|D|HH|H|hh|h|mm|m|ss|s|A|a/g;

// A moment (its UTC fields) written as a date `format` asks.
function formatDate(format, at) {
  const pad = (n) => String(n).padStart(2, "0");
  const hour12 = at.getUTCHours() % 12 || 12;
  const values = {
    YYYY: String(at.getUTCFullYear()).padStart(4, "0"), YY: pad(at.getUTCFullYear() % 100),
    MMMM: MONTHS[at.getUTCMonth()], MMM: MONTHS[at.getUTCMonth()].slice(0, 3),
    MM: pad(at.getUTCMonth() + 1), M: String(at.getUTCMonth() + 1),
    dddd: WEEKDAYS[at.getUTCDay()], ddd: WEEKDAYS[at.getUTCDay()].slice(0, 3),
    DD: pad(at.getUTCDate()), D: String(at.getUTCDate()),
    HH: pad(at.getUTCHours()), H: String(at.getUTCHours()), hh: pad(hour12), h: String(hour12),
    mm: pad(at.getUTCMinutes()), m: String(at.getUTCMinutes()), ss: pad(at.getUTCSeconds()), s: String(at.getUTCSeconds()),
    A: at.getUTCHours() < 12 ? "AM" : "PM", a: at.getUTCHours() < 12 ? "am" : "pm",
  };
  return format.replace(DATE_TOKENS, (t) => values[t]);
}

// Reads text written in a date `format` back as `YYYY-MM-DD` (and
// `THH:MM` when `withTime`); null if it does not read (names of months
// and days are not read back).
function parseDate(format, text, withTime) {
  const fields = [];
  const source = format.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(DATE_TOKENS, (t) => {
    fields.push(t);
    return { YYYY: "(\\d{4})", YY: "(\\d{2})", MM: "(\\d{2})", M: "(\\d{1,2})", DD: "(\\d{2})", D: "(\\d{1,2})",
      HH: "(\\d{2})", H: "(\\d{1,2})", mm: "(\\d{2})", m: "(\\d{1,2})" }[t] || "(?!)";
  });
  const match = new RegExp(`^${source}$`).exec(text.trim());
  if (!match) return null;
  const got = { Y: 1970, M: 1, D: 1, H: 0, m: 0 };
  fields.forEach((t, i) => {
    const v = parseInt(match[i + 1], 10);
    if (t === "YY") got.Y = 2000 + v; else if (t === "YYYY") got.Y = v;
    else if (t[0] === "M") got.M = v; else if (t[0] === "D") got.D = v;
    else if (t[0] === "H") got.H = v; else if (t[0] === "m") got.m = v;
  });
  // Not Date.UTC, which reads years 0 to 99 as 1900 to 1999.
  const at = new Date(0);
  at.setUTCFullYear(got.Y, got.M - 1, got.D);
  at.setUTCHours(got.H, got.m, 0, 0);
  if (at.getUTCDate() !== got.D || at.getUTCMonth() !== got.M - 1 || got.H > 23 || got.m > 59) return null;
  const iso = at.toISOString();
  return withTime ? iso.slice(0, 16) : iso.slice(0, 10);
}

// A date (or date and time) box: the browser's picker, or with a `format`
// a text box that shows and reads dates as written. `get()` gives
// `YYYY-MM-DD` (`YYYY-MM-DDTHH:MM`) or "".
function dateBox(el, id, type, changed, label) {
  const withTime = type === "datetime-local";
  const asMoment = (v) => new Date(`${v}${withTime ? ":00Z" : "T00:00:00Z"}`);
  if (!el.format) {
    const input = h("input", { type, id, disabled: el.disabled, min: el.min, max: el.max, "aria-label": label,
      step: withTime ? (el.step_minutes || 15) * 60 : null, onchange: (e) => changed(e.target.value) });
    return { node: input, get: () => input.value, set: (v) => { if (document.activeElement !== input) input.value = v || ""; } };
  }
  let value = "";
  const input = h("input", { type: "text", id, disabled: el.disabled, placeholder: el.format, "aria-label": label,
    onchange: (e) => {
      const text = e.target.value.trim();
      const read = text ? parseDate(el.format, text, withTime) : "";
      e.target.setCustomValidity(read === null ? `Write the date as ${el.format}` : "");
      if (read === null) return e.target.reportValidity();
      value = read;
      changed(read);
    } });
  const set = (v) => { value = v || ""; if (document.activeElement !== input) input.value = value ? formatDate(el.format, asMoment(value)) : ""; };
  return { node: input, get: () => value, set };
}

// How a slider shows its values: dates and times by their unit, numbers
// by the page's `format`; null for the kind's own display.
function shownAs(el) {
  const unit = el.unit || "number";
  if (unit !== "number") {
    const format = el.format || { date: "YYYY-MM-DD", time: "HH:mm", datetime: "YYYY-MM-DD HH:mm" }[unit];
    const ms = unit === "date" ? 86400000 : 60000;
    return (v) => formatDate(format, new Date(Number(v) * ms));
  }
  return el.format ? (v) => printf(el.format, v) : null;
}

// Floating-point values with as many decimals as the step has.
const fixedFor = (step) => {
  const digits = Math.min(20, Math.max(0, -Math.floor(Math.log10(step))));
  return (v) => Number(v).toFixed(digits);
};

// Saves a file (base64 data) as a download.
function saveFile(name, mime, data) {
  const bytes = Uint8Array.from(atob(data || ""), (c) => c.charCodeAt(0));
  saveBlob(name, new Blob([bytes], { type: mime }));
}

// Saves `blob` as file `name` (the browser's download).
function saveBlob(name, blob) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// Sends a file (a Blob) for widget `el` over HTTP; gives its description
// (`id`, `name`, `mime`, `size`) or throws with the server's reason.
async function upload(el, blob, name) {
  if (blob.size > el.max_bytes) throw new Error(`${name} is too large: at most ${humanBytes(el.max_bytes)} per file.`);
  // The session id travels in a header: never in a URL.
  const session = sessionStorage.getItem(`wasmlit-session${BASE}`) || "";
  const query = new URLSearchParams({ widget: el.id, name });
  let reply;
  try {
    reply = await fetch(`${BASE}/_/upload?${query}`, { method: "POST", body: blob,
      headers: { "content-type": blob.type || "application/octet-stream", "x-wasmlit-session": session } });
  } catch {
    throw new Error(`${name}: the upload failed.`);
  }
  if (!reply.ok) throw new Error(`${name}: ${await reply.text()}`);
  return reply.json();
}

// A choice the user may also type a new option into (a selectbox with
// `accept_new_options`): the value is the option's text, or null.
function typedChoice(el, ctx) {
  const list = h("datalist", { id: `${ctx.domId}-options` }, ...el.options.map((o) => h("option", { value: o })));
  const input = h("input", { type: "text", id: ctx.domId, list: `${ctx.domId}-options`, disabled: el.disabled,
    placeholder: el.placeholder || "Choose or type an option", autocomplete: "off",
    onchange: (e) => {
      const text = e.target.value;
      ctx.send(el.id, text.trim() ? text : null);
    } });
  input.value = el.value ?? "";
  return withUpdate(h("div", {}, labelFor(el, ctx.domId), input, list), input, (v) => v ?? "");
}

// Several choices the user may also type new options into (a multiselect
// with `accept_new_options`): the value lists the options' texts.
function typedChoices(el, ctx) {
  let chosen = el.value.slice();
  const chips = h("div", { class: "chips" });
  const list = h("datalist", { id: `${ctx.domId}-options` });
  const input = h("input", { type: "text", id: ctx.domId, list: `${ctx.domId}-options`, disabled: el.disabled,
    placeholder: el.placeholder || "Choose or type options", autocomplete: "off" });
  const add = () => {
    const text = input.value;
    input.value = "";
    if (!text.trim() || chosen.includes(text)) return;
    chosen = chosen.concat(text);
    ctx.send(el.id, chosen);
    draw();
  };
  input.addEventListener("change", add);
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); add(); } });
  const draw = () => {
    chips.replaceChildren(...chosen.map((text) => h("span", { class: "chip" }, text,
      h("button", { type: "button", "aria-label": `Remove ${text}`, disabled: el.disabled, onclick: () => {
        chosen = chosen.filter((t) => t !== text);
        ctx.send(el.id, chosen);
        draw();
      } }, "×"))));
    list.replaceChildren(...el.options.filter((o) => !chosen.includes(o)).map((o) => h("option", { value: o })));
  };
  draw();
  return { node: h("div", {}, labelFor(el, ctx.domId), chips, input, list), update: (next) => { chosen = next.value.slice(); draw(); } };
}

// A photo or recording the browser makes (camera_input, audio_input):
// `capture(stream)` shows the device and resolves to a Blob once the user
// takes it; the blob goes through the upload path, and the value lists its id.
// What the user took last, by widget id (with its upload id): shown again
// when the widget is redrawn with that file.
const captured = new Map();
function captureWidget(el, ctx, { device, start, name, preview }) {
  const status = h("div", { class: "upload-status", role: "status" });
  const stage = h("div", { class: "capture-stage" });
  const shown = h("div", { class: "capture-shown" });
  let stream = null;
  const stop = () => { stream?.getTracks().forEach((t) => t.stop()); stream = null; };
  // The camera or microphone goes off when the widget leaves the page.
  const watch = () => { if (stream) (node.isConnected ? setTimeout(watch, 1000) : stop()); };
  const show = (files) => {
    const file = files?.[0];
    const kept = captured.get(el.id);
    if (file && kept?.id === file.id && !stream) stage.replaceChildren(kept.made);
    else if (!stream) stage.replaceChildren();
    shown.replaceChildren(...(file ? [h("span", { class: "file-name", text: `${file.name} · ${humanBytes(file.size)}` }),
      h("button", { type: "button", class: "btn secondary", disabled: el.disabled, onclick: () => { ctx.send(el.id, []); show([]); } }, "Clear")] : []));
  };
  const open = h("button", { type: "button", class: "btn secondary", disabled: el.disabled, onclick: async () => {
    status.textContent = "";
    try {
      stream = await navigator.mediaDevices.getUserMedia(device);
    } catch (e) {
      status.textContent = `The browser gave no ${device.video ? "camera" : "microphone"}: ${e.message}`;
      return;
    }
    open.hidden = true;
    setTimeout(watch, 1000);
    try {
      const blob = await start(stream, stage);
      stop();
      const made = preview(blob);
      stage.replaceChildren(made);
      status.textContent = "Uploading…";
      const info = await upload(el, blob, name(blob));
      // Only the widget's latest is kept.
      captured.set(el.id, { id: info.id, made });
      status.textContent = "";
      show([info]);
      ctx.send(el.id, [info.id]);
    } catch (e) {
      stop();
      status.textContent = e.message;
    }
    open.hidden = false;
  } }, device.video ? "Open camera" : "Record");
  show(el.files);
  const node = h("div", { class: "capture" }, labelFor(el, ctx.domId), open, stage, shown, status);
  return { node, update: (next) => show(next.files) };
}

Object.assign(WIDGETS, {
  // Nothing to see: once inside its dialog, the user's closing of the
  // dialog (close button or Esc) sends true, which reruns the page.
  dialog_dismiss(el, ctx) {
    const node = h("span", { class: "dialog-dismiss", hidden: true });
    requestAnimationFrame(() => {
      const dialog = node.closest("dialog");
      if (!dialog) return;
      dialog.dismissed = () => { if (node.isConnected) ctx.send(el.id, true); };
      if (!dialog.dataset.dismissWatched) {
        dialog.dataset.dismissWatched = "true";
        dialog.addEventListener("close", () => dialog.dismissed?.());
      }
    });
    return { node, update: () => {} };
  },
  camera_input(el, ctx) {
    return captureWidget(el, ctx, {
      device: { video: true },
      name: () => "photo.png",
      // A data: URL, which the app's policy allows for images (not blob:).
      preview: (blob) => {
        const img = h("img", { alt: "The photo taken", class: "capture-photo" });
        const reader = new FileReader();
        reader.addEventListener("load", () => { img.src = reader.result; });
        reader.readAsDataURL(blob);
        return img;
      },
      start: (stream, stage) => new Promise((resolve, reject) => {
        const video = h("video", { autoplay: true, playsinline: true, muted: true, class: "capture-video" });
        video.srcObject = stream;
        const take = h("button", { type: "button", class: "btn primary", onclick: () => {
          const canvas = h("canvas", { width: video.videoWidth || 640, height: video.videoHeight || 480 });
          canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
          canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("The photo could not be taken."))), "image/png");
        } }, "Take photo");
        stage.replaceChildren(video, take);
      }),
    });
  },
  audio_input(el, ctx) {
    return captureWidget(el, ctx, {
      device: { audio: true },
      name: (blob) => (blob.type.includes("ogg") ? "recording.ogg" : "recording.webm"),
      preview: (blob) => h("span", { class: "file-size", text: `Recorded ${humanBytes(blob.size)}` }),
      start: (stream, stage) => new Promise((resolve, reject) => {
        const recorder = new MediaRecorder(stream);
        const chunks = [];
        recorder.addEventListener("dataavailable", (e) => chunks.push(e.data));
        recorder.addEventListener("stop", () => resolve(new Blob(chunks, { type: recorder.mimeType || "audio/webm" })));
        recorder.addEventListener("error", () => reject(new Error("The recording failed.")));
        const done = h("button", { type: "button", class: "btn primary", onclick: () => recorder.stop() }, "Stop recording");
        stage.replaceChildren(h("span", { class: "recording", text: "● Recording…" }), done);
        recorder.start();
      }),
    });
  },
});

// A button's keyboard shortcut (`data-shortcut`, as the host wrote it:
// modifiers then the key) presses it. Without ctrl, alt or meta it is not
// taken while the user types in a box.
const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
const KEY_NAMES = { " ": "space", arrowup: "up", arrowdown: "down", arrowleft: "left", arrowright: "right", esc: "escape", del: "delete" };
function pressedKey(e) {
  if (/^Key[A-Z]$/.test(e.code)) return e.code.slice(3).toLowerCase();
  if (/^Digit[0-9]$/.test(e.code)) return e.code.slice(5);
  const key = (e.key || "").toLowerCase();
  return KEY_NAMES[key] || key;
}
document.addEventListener("keydown", (e) => {
  const buttons = document.querySelectorAll("button[data-shortcut]:not([disabled])");
  if (!buttons.length) return;
  const key = pressedKey(e);
  const typing = e.target.closest && e.target.closest("input, textarea, select, [contenteditable]");
  for (const button of buttons) {
    const parts = button.dataset.shortcut.split("+");
    const wanted = parts.pop();
    const mod = parts.includes("mod");
    const ctrl = parts.includes("ctrl") || (mod && !IS_MAC);
    const meta = parts.includes("meta") || (mod && IS_MAC);
    if (wanted !== key || e.ctrlKey !== ctrl || e.metaKey !== meta || e.altKey !== parts.includes("alt")
      || e.shiftKey !== parts.includes("shift")) continue;
    // Without ctrl, alt or meta, a key belongs to the control that has the
    // focus (a box being typed in, a focused button or link).
    const focused = e.target.closest && e.target.closest("input, textarea, select, button, a, summary, [contenteditable], [role=menuitem]");
    if ((typing || focused) && !ctrl && !meta && !parts.includes("alt")) return;
    if (button.closest(".stale")) return;
    e.preventDefault();
    button.click();
    return;
  }
});

// Lets a redrawn widget take its new value in place, so the node (and the
// user's focus and caret) survives. A focused input keeps what is typed.
function withUpdate(node, input, show) {
  return { node, update: (next, force) => {
    if (force || document.activeElement !== input) input.value = show(next.value);
  } };
}

// Blocks: each returns a view whose `containers` are the elements'
// parents, in the order the host numbers them.
const withContainers = (node, containers) => ({ node, containers });
const BLOCKS = {
  container(el) {
    const node = h("div", { class: `block${el.border ? " bordered" : ""}${el.height ? " scrolls" : ""}` });
    if (el.height) node.style.height = `${el.height}px`;
    return withContainers(node, [node]);
  },
  // A fragment reruns on its own; it looks like the page around it.
  fragment() { const node = h("div", { class: "block fragment" }); return withContainers(node, [node]); },
  columns(el) {
    const cols = el.widths.map((w) => {
      const col = h("div", { class: "block column" });
      col.style.flex = `${w} 1 0`;
      return col;
    });
    return withContainers(h("div", { class: `columns gap-${el.gap}` }, ...cols), cols);
  },
  tabs(el) {
    const panels = el.labels.map((_, i) => h("div", { class: "block tab-panel", role: "tabpanel", hidden: i !== 0 }));
    const buttons = el.labels.map((label, i) => h("button", {
      type: "button", role: "tab", class: "tab", "aria-selected": String(i === 0),
      onclick: () => {
        buttons.forEach((b, j) => b.setAttribute("aria-selected", String(i === j)));
        panels.forEach((p, j) => { p.hidden = i !== j; });
        // Charts sized to their container measure it again once visible.
        window.dispatchEvent(new Event("resize"));
      },
    }, label));
    return withContainers(h("div", { class: "tabs" }, h("div", { class: "tab-list", role: "tablist" }, ...buttons), ...panels), panels);
  },
  expander(el) {
    const body = h("div", { class: "block" });
    return withContainers(h("details", { class: "expander", open: el.expanded }, h("summary", { text: el.label }), body), [body]);
  },
  popover(el) {
    const panel = h("div", { class: "block popover-panel", hidden: true });
    const button = h("button", { type: "button", class: "btn", "aria-expanded": "false",
      onclick: () => {
        panel.hidden = !panel.hidden;
        button.setAttribute("aria-expanded", String(!panel.hidden));
      } }, el.label);
    const node = h("div", { class: "popover" }, button, panel);
    document.addEventListener("click", (e) => {
      if (!panel.hidden && !node.contains(e.target)) { panel.hidden = true; button.setAttribute("aria-expanded", "false"); }
    });
    return withContainers(node, [panel]);
  },
  empty: () => { const node = h("div", { class: "block placeholder" }); return withContainers(node, [node]); },
  status(el) {
    const icon = h("span", { class: "status-icon" });
    const label = h("span", { text: el.label });
    const body = h("div", { class: "block" });
    const node = h("details", { class: "expander status", open: el.expanded }, h("summary", {}, icon, label), body);
    const update = (next) => {
      node.dataset.state = next.state;
      label.textContent = next.label;
      icon.className = next.state === "running" ? "status-icon spinner" : "status-icon";
      icon.textContent = next.state === "complete" ? "✓" : next.state === "error" ? "✕" : "";
      node.open = next.expanded;
    };
    update(el);
    return { node, update, containers: [body] };
  },
  dialog(el) {
    const body = h("div", { class: "block dialog-body" });
    const close = el.dismissible === false ? null
      : h("button", { type: "button", class: "dialog-close", "aria-label": "Close", onclick: () => dialog.close() }, "×");
    const width = ["small", "medium", "large"].includes(el.width) ? el.width : "medium";
    const dialog = h("dialog", { class: `dialog dialog-${width}` },
      h("div", { class: "dialog-head" }, h("strong", { text: el.title }), close),
      body);
    // One the user may not close ignores Esc.
    if (!close) dialog.addEventListener("cancel", (e) => e.preventDefault());
    requestAnimationFrame(() => { if (dialog.isConnected && !dialog.open) dialog.showModal(); });
    return withContainers(dialog, [body]);
  },
  chat_message(el) {
    const avatars = { user: "🧑", assistant: "🤖" };
    const avatar = el.avatar || avatars[el.name] || (el.name.trim()[0] || "?").toUpperCase();
    // An emoji or letter, or a Material icon named `:material/name:`.
    const material = /^:material\/([a-z0-9_]+):$/.exec(avatar);
    const face = h("div", { class: "avatar", "aria-label": el.name, text: material ? null : avatar },
      material ? icon({ type: "material", name: material[1] }) : null);
    const body = h("div", { class: "block chat-body" });
    return withContainers(h("div", { class: `chat-message ${el.name === "user" ? "from-user" : ""}` }, face, body), [body]);
  },
  form(el) {
    const node = h("div", { class: `block form${el.border ? " bordered" : ""}`, "data-form": el.clear_on_submit ? "clear" : "keep" });
    // Enter in one of its text inputs submits it (once the input's change
    // is in the form's values).
    if (el.enter_to_submit) {
      node.addEventListener("keydown", (e) => {
        // (Not when a control used the Enter itself: adding a typed option.)
        if (e.key !== "Enter" || e.isComposing || e.defaultPrevented
          || !e.target.matches("input[type=text], input[type=password], input[type=number]")) return;
        if (e.target.closest("[data-form]") !== node) return;
        // The input's value joins the form's values first, whether or not
        // the browser has reported its change yet (setting it twice is
        // harmless).
        const input = e.target;
        setTimeout(() => {
          input.dispatchEvent(new Event("change"));
          node.querySelector(".widget.submit_button button:not(:disabled)")?.click();
        }, 0);
      });
    }
    return withContainers(node, [node]);
  },
};

const ELEMENTS = {
  title: (el) => heading("h1", el),
  header: (el) => heading("h2", el),
  subheader: (el) => heading("h3", el),
  markdown: (el) => richHtml("div", { class: "markdown" }, el.html),
  text: (el) => h("pre", { class: "text", text: el.body }),
  caption: (el) => richHtml("div", { class: "caption markdown" }, el.html),
  code: (el) => code(el),
  json: (el) => h("div", { class: "json" }, jsonTree(el.value, undefined, el.expanded ?? Infinity)),
  divider: () => h("hr", { class: "divider" }),
  alert: (el) => h("div", { class: `alert ${el.level}`, role: el.level === "error" ? "alert" : null },
    icon(el.icon), richHtml("div", { class: "alert-body markdown" }, el.html)),
  latex: (el) => {
    const node = h("div", { class: "latex" }, h("span", { class: "math math-display", text: el.tex }));
    typeset(node);
    return node;
  },
  badge: (el) => h("span", { class: `wl-badge wl-badge-${el.color} badge-el` }, icon(el.icon), el.label),
  html: (el) => richHtml("div", { class: "html" }, el.html),
  // The page's own HTML and scripts, in an origin of their own: the frame
  // is sandboxed without same-origin, and its document is served with a
  // sandboxing policy of its own as well.
  html_frame: (el) => {
    const frame = h("iframe", { class: "html-frame", src: `${BASE}${el.url}`, sandbox: "allow-scripts",
      referrerpolicy: "no-referrer", scrolling: el.scrolling ? "auto" : "no", title: "HTML component" });
    frame.style.height = `${el.height}px`;
    return frame;
  },
  // A link to another page of the app: opened in place, like the
  // navigation's links (the shell listens for `wasmlit:open-page`).
  page_link: (el) => {
    const ask = { page: el.page, title: null };
    if (!el.html) window.dispatchEvent(new CustomEvent("wasmlit:page-title", { detail: ask }));
    const label = el.html ? richHtml("span", {}, el.html) : h("span", { text: ask.title || el.page });
    // A disabled one is no link at all (nothing to open).
    if (el.disabled) return h("span", { class: "page-link disabled", title: el.help, "aria-disabled": "true" }, icon(el.icon), label);
    return h("a", { class: `page-link${el.stretch ? " stretch" : ""}`, href: `${BASE}/${encodeURIComponent(el.page)}`, title: el.help,
      onclick: (e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        window.dispatchEvent(new CustomEvent("wasmlit:open-page", { detail: el.page }));
      } }, icon(el.icon), label);
  },
  // A page of another site, sandboxed without same-origin. The server's
  // policy lets frames load only from the origins its operator allowed, so
  // a page from elsewhere is named here instead of left as a blank frame.
  url_frame: (el) => {
    if (!frameAllowed(el.url)) {
      let origin = el.url;
      try { origin = new URL(el.url).origin; } catch { /* named as given */ }
      return h("div", { class: "url-frame-blocked alert warning",
        text: `This server does not show pages from ${origin} (its operator allows frames only from the origins given with --frame-origin).` });
    }
    const frame = h("iframe", { class: "url-frame", src: el.url,
      sandbox: "allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox",
      referrerpolicy: "no-referrer", scrolling: el.scrolling ? "auto" : "no", title: "Embedded page" });
    frame.style.height = `${el.height}px`;
    return frame;
  },
  image: (el) => h("div", { class: "images" }, ...el.items.map((item) => {
    const img = h("img", { src: `${BASE}${item.url}`, alt: item.caption || "", decoding: "async" });
    if (el.width) img.style.width = `${el.width}px`;
    img.addEventListener("load", () => { img.dataset.loaded = "true"; });
    return h("figure", { class: "image" }, img, item.caption ? h("figcaption", { class: "caption", text: item.caption }) : null);
  })),
  audio: (el) => media("audio", el),
  video: (el) => media("video", el),
  pdf: (el) => {
    const frame = h("iframe", { class: "pdf", src: `${BASE}${el.url}`, title: "PDF document", referrerpolicy: "no-referrer" });
    frame.style.height = `${el.height}px`;
    return frame;
  },
  plotly: (el) => plotly(el),
  map: (el) => map(el),
  graphviz: (el) => graphviz(el),
  space: (el) => h("div", { class: `space space-${el.size}`, "aria-hidden": "true" }),
  // A stream in progress: plain text, with more appended as it comes.
  text_append: (el) => {
    const node = h("div", { class: "stream-text", text: el.text });
    return { node, append: (text) => node.append(text) };
  },
  block: (el) => {
    const view = (BLOCKS[el.block] || BLOCKS.container)(el);
    view.node.dataset.block = el.block;
    return view;
  },
  spinner: (el) => h("div", { class: "working", role: "status" },
    h("span", { class: "spinner", "aria-hidden": "true" }), h("span", { text: el.body })),
  empty: () => h("div", { class: "empty" }),
  metric: (el) => {
    const down = el.delta && el.delta.trim().startsWith("-");
    const tone = el.delta_color === "off" ? "off" : (down !== (el.delta_color === "inverse") ? "bad" : "good");
    return h("div", { class: `metric${el.border ? " bordered" : ""}` },
      h("div", { class: "metric-label", text: el.label },
        el.help ? h("span", { class: "help", title: el.help, "aria-label": el.help, text: "?" }) : null),
      h("div", { class: "metric-value", text: el.value }),
      el.delta ? h("div", { class: `metric-delta ${tone}`, text: `${down ? "↓" : "↑"} ${el.delta.replace(/^[+-]\s*/, "")}` }) : null,
      el.chart ? sparkline(el.chart, tone) : null);
  },
  table: (el) => {
    let rows = 0;
    const body = h("tbody");
    const head = h("tr");
    // Rows added to `el` (`add_rows`) are drawn on the end.
    const grown = () => {
      if (!head.childElementCount) head.append(...el.columns.map((c) => h("th", { text: c.name })));
      const total = rowCount(el.columns);
      for (; rows < total; rows++) body.append(h("tr", {}, ...el.columns.map((c) => cell(c, rows))));
    };
    grown();
    const node = h("div", { class: "table-wrap" }, h("table", { class: "data" }, h("thead", {}, head), body));
    return { node, grown };
  },
  dataframe: (el) => dataframe(el),
  vega_lite: (el) => chart(el),
  // A disabled one is no link at all (nothing to open).
  link_button: (el) => h(el.disabled ? "span" : "a", { class: `${buttonClass(el)} link-button${el.disabled ? " disabled" : ""}`,
    href: el.disabled ? null : el.url, target: el.disabled ? null : "_blank", rel: "noopener noreferrer", title: el.help,
    "aria-disabled": el.disabled ? "true" : null }, icon(el.icon), el.label),
  progress: (el) => h("div", { class: "progress" },
    el.text ? h("div", { class: "progress-text", text: el.text }) : null,
    h("div", { class: "progress-track", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
      "aria-valuenow": String(Math.round(el.value * 100)) },
      h("div", { class: "progress-fill", style: `width: ${Math.max(0, Math.min(1, el.value)) * 100}%` }))),
  exception: (el) => h("div", { class: "alert error exception", role: "alert" },
    h("strong", { text: el.message }), el.location ? h("div", { class: "location", text: `at ${el.location}` }) : null),
  widget: (el, ctx) => {
    const render = WIDGETS[el.widget];
    const body = asView(render ? render(el, ctx) : h("div", { text: `unsupported widget ${el.widget}` }));
    const labels = el.label_visibility && el.label_visibility !== "visible" ? ` label-${el.label_visibility}` : "";
    const node = h("div", { class: `widget ${el.widget}${el.disabled ? " disabled" : ""}${labels}`, "data-widget-id": el.id }, body.node);
    return { node, update: body.update };
  },
};

// A renderer's result as a view: `{ node, update?, containers? }`.
const asView = (made) => (made instanceof Node ? { node: made } : made);

export { withArrowColumns, cellJson, h, asView, icon, richHtml, ELEMENTS, WIDGETS, BLOCKS, BASE, typeset, holdCharts, saveFile };
