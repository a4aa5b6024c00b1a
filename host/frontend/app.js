// The session client, an ES module: one WebSocket, runs, deltas into slots,
// navigation.
import { withArrowColumns, cellJson, h, asView, icon, richHtml, ELEMENTS, typeset, holdCharts, saveFile, BASE as base } from "./elements.js";

// What each slot shows: the view its renderer returned (`update`,
// `containers`), kept beside the DOM rather than on its nodes.
const views = new WeakMap();
// The element each place shows, for rows added to it later (`add_rows`).
const shown = new WeakMap();
// The values a form's widgets hold until its submit button sends them.
const formValues = new WeakMap();

const SESSION_KEY = `wasmlit-session${base}`;
const containers = { 0: document.getElementById("c0"), 1: document.getElementById("c1") };
const runError = document.getElementById("run-error");
const connection = document.getElementById("connection");
let socket = null, pages = [], navPosition = "sidebar", currentRun = 0, page = null, retry = 0, slowFragment = null, reconnectNow = false;
// Whether the user opened or closed the sidebar (then pages no longer do).
let sidebarChosen = false;

// The page the app's root opens: the navigation's default.
const defaultPage = () => (pages.find((p) => p.default) || pages[0])?.name;

const pageFromUrl = () => {
  const path = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : location.pathname;
  const raw = path.replace(/^\/+|\/+$/g, "");
  try { return decodeURIComponent(raw) || null; } catch { return raw || null; }
};

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

// From a user's input until the run it starts has drawn its first frame
// (or half a second), charts wait.
let releaseCharts = null, runAtInput = 0;
function rerun(widgets = {}) {
  if (!page) return;
  runAtInput = currentRun;
  if (!releaseCharts) {
    holdCharts(new Promise((resolve) => {
      releaseCharts = () => { releaseCharts = null; resolve(); };
      setTimeout(() => releaseCharts?.(), 500);
    }));
  }
  send({ type: "rerun", page, widgets, query: location.search.replace(/^\?/, "") });
}

function connect() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  // The session to resume goes in the first message, never in the URL.
  socket = new WebSocket(`${proto}://${location.host}${base}/_/ws`);
  socket.binaryType = "arraybuffer";
  // Arrow streams (tables' columns) for the next text frame.
  let streams = [];
  socket.onopen = () => {
    retry = 0;
    connection.textContent = "";
    const id = sessionStorage.getItem(SESSION_KEY);
    // What the page may read of this browser (`st.context`).
    const context = {
      locale: navigator.language || undefined,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || undefined,
      timezone_offset: new Date().getTimezoneOffset(),
      url: location.href,
      theme: matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light",
    };
    const hello = id ? { type: "hello", session: id, context } : { type: "hello", context };
    // Tables come as Arrow when the vendored library is in (and this
    // browser's storage does not say `wasmlit-tables: json`, which keeps
    // them JSON, to compare the two).
    if (globalThis.Arrow?.tableFromIPC && localStorage.getItem("wasmlit-tables") !== "json") hello.tables = "arrow";
    socket.send(JSON.stringify(hello));
  };
  // A frame holds one message, or several as an array (a short run's
  // messages arrive together and are applied in one task).
  socket.onmessage = (event) => {
    if (event.data instanceof ArrayBuffer) { streams.push(new Uint8Array(event.data)); return; }
    // The streams belong to this text frame alone, whatever happens to it.
    const mine = streams;
    streams = [];
    let data = JSON.parse(event.data);
    if (mine.length) data = withArrowColumns(data, mine);
    if (Array.isArray(data)) data.forEach(handle);
    else handle(data);
  };
  socket.onclose = () => {
    document.body.classList.remove("running");
    if (reconnectNow) {
      reconnectNow = false;
      connect();
      return;
    }
    connection.textContent = "Connecting…";
    setTimeout(connect, Math.min(5000, 200 * 2 ** retry++));
  };
}

// The navigation: links grouped under their sections, in the sidebar,
// along the top of the page, or not shown, as the session's navigation says.
function renderNav() {
  const nav = document.getElementById("nav");
  const links = [];
  let section;
  for (const p of pages) {
    if ((p.section || null) !== (section || null)) {
      // A page without a section after sectioned ones is set apart from
      // the section above it.
      links.push(p.section ? h("div", { class: "nav-section", text: p.section }) : h("div", { class: "nav-gap", role: "separator" }));
      section = p.section;
    }
    links.push(h("a", {
      href: `${base}/${encodeURIComponent(p.name)}`, "aria-current": p.name === page ? "page" : null,
      onclick: (e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        if (p.name === page) return;
        history.pushState({}, "", `${base}/${encodeURIComponent(p.name)}`);
        openPage(p.name);
      },
    }, icon(p.icon), p.title));
  }
  nav.replaceChildren(...links);
  nav.hidden = navPosition === "hidden";
  document.body.classList.toggle("nav-top", navPosition === "top");
  const home = navPosition === "top" ? document.getElementById("content") : document.getElementById("sidebar");
  if (nav.parentElement !== home) home.prepend(nav);
}

function openPage(name) {
  page = name;
  document.body.classList.remove("wide");
  for (const c of Object.values(containers)) c.replaceChildren();
  // Nothing the previous page's run still had queued is drawn here.
  queued.clear();
  // A page shows a logo only if it draws one.
  document.getElementById("logo")?.remove();
  runError.replaceChildren();
  renderNav();
  const info = pages.find((p) => p.name === page);
  document.title = info ? `${info.title} · wasmlit` : "wasmlit";
  rerun();
}

// The slot at `path`: a top-level container, then pairs of (position,
// container of the block drawn there) down to the slot's own position.
function slot(path) {
  let parent = containers[path[0]];
  for (let depth = 1; parent && depth < path.length; depth += 2) {
    const index = path[depth];
    if (!Number.isInteger(index) || index < 0 || index > 100000) return null;
    while (parent.children.length <= index) parent.append(h("div", { class: "slot" }));
    const target = parent.children[index];
    if (depth === path.length - 1) return target;
    const view = views.get(target);
    parent = view && view.containers ? view.containers[path[depth + 1]] : null;
  }
  return null;
}

// The container at `path` (a top-level one, or one of the block at the
// slot `path` without its last entry).
function containerAt(path) {
  if (path.length === 1) return containers[path[0]] || null;
  const target = slot(path.slice(0, -1));
  const view = target && views.get(target);
  return view && view.containers ? view.containers[path[path.length - 1]] || null : null;
}

// An element's JSON without its value (and the files its value names):
// what must match to update in place.
const shape = (element) => JSON.stringify({ ...element, value: undefined, files: undefined });

// Elements that belong to the page, not to a place in it (empty path),
// by kind.
const PAGE_LEVEL = {
  toast: (element) => toastHtml(element.html),
  // A file the page offers now (a download button whose file is made
  // once clicked).
  download: (element) => saveFile(element.file_name, element.mime, element.data),
  balloons: () => balloons(),
  snow: () => snow(),
  // The app's login provider, coming back to this page; or the end of a login.
  login: () => { location.assign(`${base}/_/auth/login?next=${encodeURIComponent(location.pathname + location.search)}`); },
  logout: () => {
    // The next login starts a session of its own.
    sessionStorage.removeItem(SESSION_KEY);
    location.assign(`${base}/_/auth/logout`);
  },
  // The app's logo at the top of the sidebar.
  logo: (element) => {
    const img = (url, cls) => h("img", { src: `${base}${url}`, alt: "", class: cls });
    const logo = element.link
      ? h("a", { href: element.link, target: "_blank", rel: "noopener noreferrer", id: "logo" }, img(element.url, "logo"))
      : h("div", { id: "logo" }, img(element.url, "logo"));
    document.getElementById("logo")?.remove();
    document.getElementById("sidebar").prepend(logo);
  },
  switch_page: (element) => {
    const query = element.query ? `?${element.query}` : "";
    if (element.page === page && location.search === query) return;
    history.pushState({}, "", `${base}/${encodeURIComponent(element.page)}${query}`);
    openPage(element.page);
  },
  query_params: (element) => {
    history.replaceState(history.state, "", `${location.pathname}${element.query ? `?${element.query}` : ""}`);
  },
  page_config: (element) => {
    appMenu(element.menu);
    if (element.title) document.title = element.title;
    document.body.classList.toggle("wide", element.wide);
    // How the sidebar starts, until the user opens or closes it.
    if (!sidebarChosen && element.sidebar) {
      const collapsed = element.sidebar === "collapsed"
        || (element.sidebar === "auto" && matchMedia("(max-width: 760px)").matches);
      document.body.classList.toggle("sidebar-collapsed", collapsed);
    }
    if (element.icon) {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><text y=".9em" font-size="90">${element.icon.replace(/[<&>"]/g, "")}</text></svg>`;
      let link = document.querySelector("link[rel=icon]");
      if (!link) document.head.append(link = h("link", { rel: "icon" }));
      link.href = `data:image/svg+xml,${encodeURIComponent(svg)}`;
    }
  },
};
const pageLevel = (element) => PAGE_LEVEL[element.kind]?.(element);

function place(path, element) {
  if (path.length === 0) return pageLevel(element);
  const target = slot(path);
  if (!target) return;
  const wasStale = target.classList.contains("stale");
  // Rows for an element of a stopped run have nothing to join.
  if (element.kind === "add_rows" && wasStale) return;
  target.classList.remove("stale");
  const existing = target.firstElementChild;
  const view = existing && views.get(target);
  // Streamed text goes on the end of the text already there (of this run:
  // a stale slot's text belongs to a run that was stopped).
  if (element.kind === "text_append" && view && view.append && !wasStale) {
    view.append(element.text);
    target.dataset.json = "";
    return;
  }
  // Rows added to the table, dataframe or chart this run drew here (only
  // the rows came over the wire): they join the element it shows; a table
  // or dataframe shows them in place (keeping its sort and scroll), a
  // chart is drawn again.
  let grown = false;
  if (element.kind === "add_rows") {
    const current = shown.get(target);
    if (!current || !withRows(current, element.columns)) return;
    target.dataset.json = "";
    if (view && view.grown) return view.grown();
    element = current;
    grown = true;
  }
  // (A grown element is not compared: it differs, and may be large.)
  const json = grown ? "" : JSON.stringify(element);
  // An element redrawn unchanged keeps its DOM (and a widget its focus,
  // caret or drag); anything else is replaced.
  if (!grown && existing && target.dataset.json === json) return;
  // A block redrawn with new parameters of the same kind (a status's
  // label and state) is updated in place: its content stays.
  if (view && view.update && element.kind === "block" && existing.dataset.block === element.block) {
    view.update(element);
    target.dataset.json = json;
    return;
  }
  // The same widget with a new value is updated in place.
  if (view && view.update && element.kind === "widget" && existing.dataset.widgetId === element.id
      && target.dataset.shape === shape(element)) {
    view.update(element);
    target.dataset.json = json;
    return;
  }
  const domId = `w-${path.join("-")}`;
  const ctx = { domId, send: (id, value) => sendValue(target, element, id, value) };
  const render = ELEMENTS[element.kind];
  const made = asView(render ? render(element, ctx) : h("div", { text: `unknown element ${element.kind}` }));
  const node = made.node;
  const hadFocus = existing && existing.contains(document.activeElement);
  target.replaceChildren(node);
  views.set(target, made);
  target.dataset.json = json;
  target.dataset.shape = shape(element);
  shown.set(target, element);
  if (hadFocus) node.querySelector("input, select, button")?.focus();
  if (path[0] === 1) document.getElementById("sidebar").classList.add("has-content");
}

// A widget in a form keeps its change in the form until the form's submit
// button sends them all, with the press, in one rerun.
let clearing = null;
function sendValue(target, element, id, value) {
  const form = target.closest("[data-form]");
  if (!form) return rerun({ [id]: value });
  if (element.widget !== "submit_button") {
    formValues.set(form, { ...formValues.get(form), [id]: value });
    return;
  }
  const values = { ...formValues.get(form), [id]: value };
  formValues.delete(form);
  if (form.dataset.form === "clear") clearing = form;
  rerun(values);
}

// After a submit of a form that clears, its widgets show their defaults.
function resetForm(form) {
  for (const node of form.querySelectorAll("[data-widget-id]")) {
    const slot = node.parentElement;
    const view = slot && views.get(slot);
    if (!view || !view.update || !slot.dataset.json) continue;
    const el = JSON.parse(slot.dataset.json);
    if (!("default" in el)) continue;
    view.update({ ...el, value: el.default }, true);
  }
}

function finishRun(status, message) {
  clearTimeout(slowFragment);
  if (status !== "replaced") {
    if (clearing && status === "ok") resetForm(clearing);
    clearing = null;
  }
  document.body.classList.remove("running");
  if (status === "replaced") return;
  for (const c of Object.values(containers)) c.querySelectorAll(".slot.stale").forEach((s) => s.remove());
  document.getElementById("sidebar").classList.toggle("has-content", containers[1].children.length > 0);
  runError.replaceChildren();
  if (status === "error") {
    runError.append(h("div", { class: "alert error" }, h("strong", { text: "This run failed" }), h("pre", { text: message || "" })));
  } else if (status === "stopped" && message) {
    runError.append(h("div", { class: "alert warning", text: "Stopped." }));
  }
}

// A refused widget value (a `refused` message) is put back to the value
// the page last drew, so the control never shows what the page did not get.
function restoreRefused(widget) {
  for (const node of document.querySelectorAll("[data-widget-id]")) {
    if (node.dataset.widgetId !== widget) continue;
    const slot = node.parentElement;
    const view = slot && views.get(slot);
    if (view && view.update && slot.dataset.json) view.update(JSON.parse(slot.dataset.json), true);
  }
}

function balloons() {
  if (matchMedia("(prefers-reduced-motion: reduce)").matches) return toast("🎈🎈🎈");
  for (let i = 0; i < 24; i++) {
    const b = h("span", { class: "balloon", "aria-hidden": "true", text: "🎈" });
    b.style.left = `${Math.random() * 95}vw`;
    b.style.animationDelay = `${Math.random() * 0.8}s`;
    b.style.fontSize = `${1.6 + Math.random() * 1.6}rem`;
    document.body.append(b);
    setTimeout(() => b.remove(), 4500);
  }
}

function snow() {
  if (matchMedia("(prefers-reduced-motion: reduce)").matches) return toast("❄️❄️❄️");
  for (let i = 0; i < 40; i++) {
    const f = h("span", { class: "snowflake", "aria-hidden": "true", text: "❄" });
    f.style.left = `${Math.random() * 98}vw`;
    f.style.animationDelay = `${Math.random() * 1.5}s`;
    f.style.fontSize = `${0.8 + Math.random() * 1.2}rem`;
    document.body.append(f);
    setTimeout(() => f.remove(), 7000);
  }
}

// The app menu (⋮) with the page's entries (`menu_items`): links that
// open in a new tab, and an About text in a dialog. None without entries.
function appMenu(menu) {
  document.getElementById("app-menu")?.remove();
  document.querySelectorAll("dialog.about").forEach((d) => d.remove());
  if (!menu) return;
  const list = h("div", { class: "menu-list", role: "menu", hidden: true });
  const link = (text, href) => h("a", { role: "menuitem", class: "menu-item", href, target: "_blank", rel: "noopener noreferrer", text });
  if (menu.get_help) list.append(link("Get help", menu.get_help));
  if (menu.report_a_bug) list.append(link("Report a bug", menu.report_a_bug));
  if (menu.about) {
    const about = h("dialog", { class: "dialog dialog-small about", "aria-label": "About" },
      h("div", { class: "dialog-head" }, h("strong", { text: "About" }),
        h("button", { type: "button", class: "dialog-close", "aria-label": "Close", onclick: () => about.close() }, "×")),
      richHtml("div", { class: "markdown" }, menu.about));
    list.append(h("button", { type: "button", role: "menuitem", class: "menu-item", onclick: () => {
      list.hidden = true;
      document.body.append(about);
      about.showModal();
    } }, "About"));
  }
  const open = h("button", { id: "app-menu-button", type: "button", title: "App menu", "aria-label": "App menu",
    "aria-haspopup": "menu", onclick: () => { list.hidden = !list.hidden; } }, "⋮");
  document.getElementById("toolbar").append(h("div", { id: "app-menu" }, open, list));
}

// A toast from the page: Markdown the host rendered and sanitized.
function toastHtml(html) {
  const t = h("div", { class: "toast markdown" });
  t.innerHTML = html;
  typeset(t);
  document.getElementById("toasts").append(t);
  setTimeout(() => t.remove(), 6000);
}

// `element` with `columns` (in its column order) added to its end, or
// null when rows cannot be added to it.
// Adds `columns` (in its column order) to the end of `element`, in place;
// false when rows cannot be added to it.
function withRows(element, columns) {
  const extend = (to, from) => { for (const v of from) to.push(v); };
  // Columns from Arrow hold typed arrays: plain arrays take more rows.
  const growable = (c) => { if (!Array.isArray(c.values)) c.values = Array.from(c.values); return c.values; };
  if (element.kind === "table" || element.kind === "dataframe" || element.kind === "add_rows") {
    if (!element.columns.length) {
      element.columns.push(...columns);
      return true;
    }
    if (element.columns.length !== columns.length
        || element.columns.some((c, i) => c.name !== columns[i].name)) return false;
    element.columns.forEach((c, i) => {
      const offset = c.values.length, nulls = columns[i].nulls;
      if (nulls && nulls.length) c.nulls = (c.nulls || []).concat(nulls.map((r) => r + offset));
      extend(growable(c), columns[i].values);
      // A column from Arrow is compared by its fingerprint: the rows
      // joined change it, so a grown element is never taken as unchanged.
      if (typeof c.arrow === "string") c.arrow += `+${typeof columns[i].arrow === "string" ? columns[i].arrow : JSON.stringify(columns[i].values)}`;
    });
    return true;
  }
  if (element.kind === "vega_lite" && Array.isArray(element.spec?.data?.values)) {
    const count = columns.length ? columns[0].values.length : 0;
    const values = element.spec.data.values;
    for (let r = 0; r < count; r++) values.push(Object.fromEntries(columns.map((c) => [c.name, cellJson(c, r)])));
    return true;
  }
  return false;
}

function toast(text) {
  const t = h("div", { class: "toast", text });
  document.getElementById("toasts").append(t);
  setTimeout(() => t.remove(), 6000);
}

// Deltas wait for the next frame, the newest per place: a page redrawing
// one placeholder many times a frame costs one drawing per frame, and a
// newer run drops what an older one still had queued.
const queued = new Map();
let frameAsked = false;
function queueDelta(msg) {
  if (!msg.path.length) return place(msg.path, msg.element);
  const key = msg.path.join("/");
  const before = queued.get(key);
  if (before) {
    // Appended text joins queued text; added rows join the queued element
    // they are added to.
    if (msg.element.kind === "text_append" && before.element.kind === "text_append") {
      before.element = { kind: "text_append", text: before.element.text + msg.element.text };
      return;
    }
    // (The queued element is this queue's own: it is extended in place.)
    if (msg.element.kind === "add_rows" && withRows(before.element, msg.element.columns)) return;
    // A redrawing that needs what is queued before it (appended text after
    // an element; a place whose content is queued too) waits for it to be
    // drawn first, in order.
    const prefix = `${key}/`;
    if (msg.element.kind === "text_append" || msg.element.kind === "add_rows"
        || [...queued.keys()].some((k) => k.startsWith(prefix))) drawQueued();
  }
  queued.set(key, msg);
  if (!frameAsked) {
    frameAsked = true;
    requestAnimationFrame(drawQueued);
  }
}
function drawQueued() {
  frameAsked = false;
  const batch = Array.from(queued.values());
  queued.clear();
  for (const msg of batch) {
    if (msg.run !== currentRun) continue;
    // One element that cannot be drawn leaves the rest of the batch drawn.
    try {
      place(msg.path, msg.element);
    } catch (e) {
      console.error("could not draw", msg.path, e);
    }
  }
  if (batch.length && currentRun > runAtInput) releaseCharts?.();
}

let firstRender = false;
function handle(msg) {
  switch (msg.type) {
    case "session":
      sessionStorage.setItem(SESSION_KEY, msg.id);
      pages = msg.pages;
      navPosition = msg.position || "sidebar";
      openPage(pageFromUrl() || defaultPage());
      break;
    case "pages":
      pages = msg.pages;
      navPosition = msg.position || "sidebar";
      renderNav();
      break;
    case "run_started": {
      queued.clear();
      currentRun = msg.run;
      clearTimeout(slowFragment);
      // A fragment's run makes only the fragment stale, and shows the
      // running indicator only if it takes a while (a fragment may rerun
      // every second).
      const scope = msg.scope ? containerAt(msg.scope) : null;
      if (msg.scope) slowFragment = setTimeout(() => document.body.classList.add("running"), 300);
      else document.body.classList.add("running");
      const stale = msg.scope ? (scope ? [scope] : []) : Object.values(containers);
      for (const c of stale) c.querySelectorAll(".slot").forEach((s) => s.classList.add("stale"));
      break;
    }
    case "delta":
      if (msg.run === currentRun) queueDelta(msg);
      break;
    case "run_finished":
      // What the run drew is shown before its end is (one task for a short run).
      drawQueued();
      if (msg.run === currentRun) finishRun(msg.status, msg.message);
      if (msg.run > runAtInput) releaseCharts?.();
      if (!firstRender) {
        firstRender = true;
        performance.mark("wasmlit:first-render");
      }
      break;
    case "page_not_found": {
      document.body.classList.remove("running");
      // As Streamlit: a page this session cannot open leads to the default.
      const home = defaultPage();
      if (home && home !== msg.page) {
        toast(`There is no page named “${msg.page}”; showing “${pages.find((p) => p.name === home)?.title || home}”.`);
        history.replaceState({}, "", `${base}/${encodeURIComponent(home)}`);
        openPage(home);
        break;
      }
      containers[0].replaceChildren(h("div", { class: "alert warning",
        text: `There is no page named “${msg.page}”.` }));
      break;
    }
    case "error":
      toast(msg.message);
      break;
    case "build_failed":
      // While the author edits (`--watch`): the compiler's message, until
      // a build that works reruns the page.
      runError.replaceChildren(h("div", { class: "alert error" },
        h("strong", { text: `${msg.page} failed to build; the last build that worked is still served` }),
        h("pre", { text: msg.message })));
      break;
    case "refused":
      toast(msg.message);
      restoreRefused(msg.widget);
      break;
    case "cache_cleared":
      toast("Cache cleared: cached data and resources are computed again.");
      rerun();
      break;
    case "shutdown":
      connection.textContent = "The server stopped.";
      break;
    case "reconnect":
      // This server stopped serving the session; another resumes it, at
      // once and without a word to the user.
      reconnectNow = true;
      break;
  }
}

const clearCache = () => send({ type: "clear_cache" });
document.getElementById("stop").addEventListener("click", () => send({ type: "stop" }));
document.getElementById("clear-cache").addEventListener("click", clearCache);
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && document.body.classList.contains("running")) send({ type: "stop" });
  // "c" clears the cache, as in Streamlit, unless the user is typing.
  const typing = e.target.closest && e.target.closest("input, textarea, select, [contenteditable]");
  if (e.key === "c" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) clearCache();
});
window.addEventListener("popstate", () => openPage(pageFromUrl() || defaultPage()));
// The user opens and closes the sidebar; their choice outlasts the page's.
const setSidebar = (collapsed) => {
  sidebarChosen = true;
  document.body.classList.toggle("sidebar-collapsed", collapsed);
};
document.getElementById("sidebar-close").addEventListener("click", () => setSidebar(true));
document.getElementById("sidebar-open").addEventListener("click", () => setSidebar(false));
// A page link (`page_link`) opens its page as the navigation does, and is
// labelled with the page's title when the page gave no label.
window.addEventListener("wasmlit:open-page", (e) => {
  if (e.detail === page) return;
  history.pushState({}, "", `${base}/${encodeURIComponent(e.detail)}`);
  openPage(e.detail);
});
window.addEventListener("wasmlit:page-title", (e) => {
  e.detail.title = pages.find((p) => p.name === e.detail.page)?.title || null;
});
setInterval(() => send({ type: "heartbeat" }), 30000);
connect();
