// The team leader's field board (docs/field.md): pull the day's disconnection list from
// CMIS by book, assign it to crews by hand or balanced, keep the crews, watch the open
// reconnections count down and the supply changes CMIS refused, print each crew's papers,
// close the round. One source: GET /api/field, fetched again (coalesced) whenever the
// `field` view of the websocket hears a field.* event, so a crew's result or a payment's
// reconnection shows without a reload. The supervisor and the team leader act; the head
// cashier and the admin read (the buttons their role may not use are hidden).
import { $, $$, api, el, HallSocket, showConnection, showError } from "/static/qms.js";
import { date, dateTime, money, time } from "/static/format.js";
import { BOTH, Catalogue } from "/static/i18n.js";
import { SHARED_TEXTS } from "/static/texts.js";
import { FIELD_TEXTS } from "/counters/field-texts.js";

const texts = new Catalogue({ ...SHARED_TEXTS, ...FIELD_TEXTS }, { lang: BOTH });
const msg = (key, vars) => texts.t(key, vars);

/** The counters page keeps its session here too: signed in at /counters/ is signed in here. */
const SESSION_KEY = "qms.session";
const READERS = new Set(["field_leader", "supervisor", "head_cashier", "admin"]); // field.read
const MANAGERS = new Set(["field_leader", "supervisor"]); // field.manage
const LIVE = new Set(["open", "assigned"]);
const REFRESH_MS = 120; // a burst of events makes one fetch
const TICK_MS = 15000; // the reconnections' time left
const BADGE = { open: "", assigned: "info", done: "ok", not_done: "warn", cancelled: "bad" };

const st = {
  session: null, // {token, principal}
  sock: null,
  data: null, // the last GET /api/field
  skew: 0, // server clock minus this device's, ms
  selected: new Set(), // order ids ticked
  autoCrews: new Set(), // crews ticked for auto-assign
  people: new Map(), // crew accounts known: username -> full name
  timer: null,
  loading: false,
  loadFailed: false, // the error box shows the board's fetch failing, not an action's refusal
  again: false,
  clock: null,
};

// ----------------------------------------------------------------------------------
// session and plumbing

function loadSession() {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function saveSession(s) {
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ token: s.token, principal: s.principal }));
  } catch {
    /* storage unavailable: the session lives as long as the page */
  }
}

async function call(path, opts = {}) {
  try {
    return await api(path, { ...opts, token: st.session?.token });
  } catch (err) {
    if (err.status === 401) signedOut(err);
    throw err;
  }
}

const post = (path, body = {}) => call(path, { method: "POST", body });

/** A refusal in the hall's words for its code, both languages. */
function fail(box, err) {
  showError(box, texts.explain(err));
}

function notice(text) {
  const box = $("#fb-notice");
  box.textContent = text;
  box.hidden = !text;
}

/** Run an action; its refusal shows in `box`. Returns the answer, or null when refused. */
async function act(box, fn) {
  showError(box, null);
  try {
    return await fn();
  } catch (err) {
    if (err.status !== 401) fail(box, err);
    return null;
  }
}

const canManage = () => MANAGERS.has(st.session?.principal?.role);

function show(view) {
  document.body.dataset.view = view;
  for (const v of ["login", "board", "denied"]) $(`#${v}-view`).hidden = v !== view;
}

// ----------------------------------------------------------------------------------
// sign in / out

async function onLogin(e) {
  e.preventDefault();
  const box = $("#login-error");
  showError(box, null);
  $("#login-submit").disabled = true;
  try {
    const res = await api("/api/auth/login", {
      method: "POST",
      body: { username: $("#login-username").value.trim(), password: $("#login-password").value, counter: null },
    });
    st.session = { token: res.token, principal: res.principal };
    saveSession(st.session);
    $("#login-password").value = "";
    await enter();
  } catch (err) {
    fail(box, err);
  } finally {
    $("#login-submit").disabled = false;
  }
}

async function onLogout() {
  const token = st.session?.token;
  signedOut(null);
  if (token) {
    try {
      await api("/api/auth/logout", { method: "POST", token });
    } catch {
      /* already gone */
    }
  }
}

function signedOut(err) {
  if (st.sock) st.sock.stop();
  st.sock = null;
  clearInterval(st.clock);
  st.clock = null;
  st.session = null;
  st.data = null;
  st.selected.clear();
  try {
    sessionStorage.removeItem(SESSION_KEY);
  } catch {
    /* ignore */
  }
  showConnection(false);
  $("#logout").hidden = true;
  $("#to-hall").hidden = true;
  $("#read-only").hidden = true;
  $("#whoami").textContent = "";
  $("#board-view").dataset.loaded = "";
  show("login");
  if (err) fail($("#login-error"), err);
  else showError($("#login-error"), null);
  $("#login-username").focus();
}

async function enter() {
  let me;
  try {
    me = await call("/api/me");
  } catch (err) {
    if (err.status !== 401) fail($("#login-error"), err);
    return;
  }
  const p = me.principal;
  st.session.principal = p;
  $("#whoami").textContent = `${p.full_name || p.name} (${p.name})`;
  $("#logout").hidden = false;
  $("#to-hall").hidden = p.role === "field_leader";
  if (!READERS.has(p.role)) {
    show("denied");
    return;
  }
  document.body.dataset.manage = String(canManage());
  $("#read-only").hidden = canManage();
  show("board");
  startSocket();
  refresh();
  clearInterval(st.clock);
  st.clock = setInterval(renderReconnections, TICK_MS);
}

function startSocket() {
  if (st.sock) st.sock.stop();
  st.sock = new HallSocket({
    token: st.session.token,
    view: "field",
    onStatus: (online) => showConnection(online),
    onSnapshot: () => queueRefresh(), // after a (re)connection: what was missed is in the answer
    onEvent: (evt) => {
      if (String(evt.event || "").startsWith("field.")) queueRefresh();
    },
    onError: (frame) => fail($("#fb-error"), frame),
    onUnauthenticated: (frame) => signedOut(frame || { code: "unauthenticated" }),
  });
  st.sock.start();
}

// ----------------------------------------------------------------------------------
// the board's data

function queueRefresh() {
  if (st.timer) return;
  st.timer = setTimeout(() => {
    st.timer = null;
    refresh();
  }, REFRESH_MS);
}

/** One fetch at a time; events during it make one more after it. */
async function refresh() {
  if (st.loading) {
    st.again = true;
    return;
  }
  st.loading = true;
  try {
    const data = await call("/api/field");
    st.data = data;
    st.skew = Date.parse(data.now) - Date.now() || 0;
    if (st.loadFailed) showError($("#fb-error"), null); // an action's refusal stays shown
    st.loadFailed = false;
    render();
    $("#board-view").dataset.loaded = "true";
  } catch (err) {
    if (err.status !== 401) {
      fail($("#fb-error"), err);
      st.loadFailed = true;
    }
  } finally {
    st.loading = false;
    if (st.again) {
      st.again = false;
      queueRefresh();
    }
  }
}

function allOrders() {
  const d = st.data || {};
  return [...(d.books || []).flatMap((b) => b.orders), ...(d.reconnections || [])];
}

function render() {
  const live = new Set(
    allOrders()
      .filter((o) => LIVE.has(o.status))
      .map((o) => o.id),
  );
  for (const id of [...st.selected]) if (!live.has(id)) st.selected.delete(id);
  for (const c of st.data.crew_list || []) {
    for (const m of c.members) st.people.set(m.username, m.full_name);
  }
  renderRound();
  renderBooks();
  renderCrews();
  renderReconnections();
  renderRefusals();
  renderSelection();
}

// ----------------------------------------------------------------------------------
// the round and the pull

function renderRound() {
  const r = st.data.round;
  const box = $("#round-box");
  box.dataset.status = r ? r.status : "";
  box.dataset.stale = r ? String(!!r.stale) : "";
  $("#round-none").hidden = !!r;
  const banner = $("#stale-banner");
  banner.hidden = !r?.stale;
  banner.textContent = r?.stale ? msg("stale_banner", { since: time(r.stale_since), pulled: time(r.pulled_at) }) : "";
  const item = (key, value, id) =>
    el("div", { dataset: { item: id } }, el("dt", { text: msg(key) }), el("dd", { className: "num", text: value }));
  $("#round-info").replaceChildren(
    ...(r
      ? [
          item("day", date(r.business_day), "day"),
          item("books", r.books.join(", "), "books"),
          item("pulled_at", time(r.pulled_at), "pulled_at"),
          item("round_status", msg(`field_round.${r.status}`), "status"),
        ]
      : []),
  );
  const closed = r?.status === "closed";
  $("#close-round").disabled = !r || closed;
  $("#pull-submit").disabled = closed;
}

/** What the leader typed: book codes one a line or separated by commas or spaces. */
function typedBooks() {
  const raw = $("#pull-books")
    .value.toUpperCase()
    .split(/[\s,;]+/);
  return [...new Set(raw.filter(Boolean))];
}

async function onPull(e) {
  e.preventDefault();
  const box = $("#fb-error");
  const books = typedBooks();
  if (!books.length) {
    showError(box, msg("no_books_typed"));
    return;
  }
  notice("");
  $("#pull-submit").disabled = true;
  const out = await act(box, () => post("/api/field/rounds/pull", { books }));
  $("#pull-submit").disabled = false;
  if (out) notice(msg("pulled_notice", out));
  refresh(); // a failed pull marks the kept list stale
}

async function onCloseYes() {
  $("#close-confirm").hidden = true;
  const out = await act($("#fb-error"), () => post("/api/field/rounds/close"));
  if (out) notice(msg("round_closed_notice"));
  refresh();
}

// ----------------------------------------------------------------------------------
// the list by book, and assignment

function statusCell(o) {
  return el(
    "td",
    { className: "status" },
    el("span", { className: `badge ${BADGE[o.status] || ""}`.trim(), text: msg(`field_status.${o.status}`) }),
    o.reason ? el("div", { className: "muted reason", text: msg(`field_reason.${o.reason}`) }) : null,
    o.receipt_no ? el("div", { className: "muted", text: `${msg("receipt")}: ${o.receipt_no}` }) : null,
  );
}

function pickBox(o, label) {
  return el(
    "td",
    { className: "manage pick-cell" },
    el("input", {
      type: "checkbox",
      className: "pick",
      checked: st.selected.has(o.id),
      disabled: !LIVE.has(o.status),
      "aria-label": `${msg(label)} ${o.id}`,
      dataset: { order: o.id },
      on: { change: (e) => toggle([o.id], e.target.checked) },
    }),
  );
}

/** One order's slip (cut or reconnection) as A4 PDF. */
function slipCell(o) {
  return el(
    "td",
    { className: "slip" },
    el("button", {
      type: "button",
      className: "slip-pdf",
      text: msg("slip_pdf"),
      title: msg("slip_pdf_title"),
      on: { click: () => download(`/api/field/orders/${o.id}/slip.pdf`, `phieu-${o.id}.pdf`) },
    }),
  );
}

function orderRow(o) {
  return el(
    "tr",
    { dataset: { order: o.id, status: o.status, crew: o.crew || "", customer: o.customer_code } },
    pickBox(o, "pick_order"),
    el("td", { className: "num route", text: o.route_no ?? "" }),
    el(
      "td",
      { className: "customer" },
      el("span", { className: "num", text: o.customer_code }),
      el("div", { text: o.customer_name }),
    ),
    el("td", { className: "address", text: o.address }),
    el("td", { className: "num", text: o.periods }),
    el("td", { className: "money", dataset: { amount: o.overdue }, text: money(o.overdue) }),
    el("td", { className: "num", text: date(o.oldest_due) }),
    el("td", { className: "crew num", text: o.crew || "" }),
    statusCell(o),
    slipCell(o),
  );
}

function bookSection(b) {
  const live = b.orders.filter((o) => LIVE.has(o.status)).map((o) => o.id);
  const open = b.orders.filter((o) => o.status === "open").length;
  const all = live.length > 0 && live.every((id) => st.selected.has(id));
  const head = el(
    "tr",
    {},
    el("th", { className: "manage" }),
    ...[
      "fb.no",
      "fb.customer",
      "fb.address",
      "fb.periods",
      "fb.overdue",
      "fb.oldest_due",
      "fb.crew",
      "fb.status",
      "fb.slip",
    ].map((k) => el("th", { text: msg(k) })),
  );
  return el(
    "section",
    { className: "book", dataset: { book: b.book_code } },
    el(
      "h3",
      {},
      el(
        "label",
        { className: "manage pick-book-label" },
        el("input", {
          type: "checkbox",
          className: "pick-book",
          checked: all,
          disabled: !live.length,
          "aria-label": `${msg("pick_book")} ${b.book_code}`,
          on: { change: (e) => toggle(live, e.target.checked) },
        }),
      ),
      el("span", { className: "num", text: b.book_code }),
      " ",
      el("span", { className: "muted", text: msg("book_count", { n: b.orders.length, open }) }),
    ),
    el("table", { className: "orders" }, el("thead", {}, head), el("tbody", {}, ...b.orders.map(orderRow))),
  );
}

function renderBooks() {
  const books = st.data.books || [];
  $("#books").replaceChildren(
    ...(books.length ? books.map(bookSection) : [el("p", { className: "muted empty", text: msg("no_orders") })]),
  );
}

function toggle(ids, on) {
  for (const id of ids) {
    if (on) st.selected.add(id);
    else st.selected.delete(id);
  }
  renderBooks();
  renderReconnections();
  renderSelection();
}

function renderSelection() {
  $("#selected-count").textContent = String(st.selected.size);
  const select = $("#assign-crew");
  const keep = select.value;
  const active = (st.data?.crew_list || []).filter((c) => c.active);
  select.replaceChildren(...active.map((c) => el("option", { value: c.code, text: `${c.code} — ${c.name}` })));
  if (active.some((c) => c.code === keep)) select.value = keep;
}

async function onAssign() {
  const box = $("#fb-error");
  const orders = [...st.selected];
  const crew = $("#assign-crew").value;
  if (!orders.length) return showError(box, msg("nothing_selected"));
  if (!crew) return showError(box, msg("no_crew_chosen"));
  const out = await act(box, () => post("/api/field/orders/assign", { orders, crew }));
  if (out) {
    st.selected.clear();
    notice(msg("assigned_notice", { n: orders.length, crew }));
  }
  refresh();
}

async function onUnassign() {
  const box = $("#fb-error");
  const orders = [...st.selected];
  if (!orders.length) return showError(box, msg("nothing_selected"));
  const out = await act(box, () => post("/api/field/orders/unassign", { orders }));
  if (out) {
    st.selected.clear();
    notice(msg("unassigned_notice", { n: orders.length }));
  }
  refresh();
}

async function onAutoAssign() {
  const active = new Set((st.data?.crew_list || []).filter((c) => c.active).map((c) => c.code));
  const chosen = [...st.autoCrews].filter((c) => active.has(c));
  const body = chosen.length ? { crews: chosen } : {};
  const out = await act($("#fb-error"), () => post("/api/field/orders/auto-assign", body));
  if (out) {
    const crews = Object.entries(out.crews || {})
      .map(([c, n]) => `${c} ${n}`)
      .join(", ");
    notice(msg("auto_notice", { n: out.assigned, crews }));
  }
  refresh();
}

// ----------------------------------------------------------------------------------
// crews: load, papers, the form

function crewRow(c) {
  const load = st.data.crews?.[c.code] || { orders: 0, done: 0, not_done: 0 };
  const code = encodeURIComponent(c.code);
  return el(
    "tr",
    { dataset: { crew: c.code, active: String(c.active), orders: load.orders, done: load.done } },
    el(
      "td",
      { className: "manage" },
      el("input", {
        type: "checkbox",
        className: "auto-pick",
        checked: st.autoCrews.has(c.code),
        disabled: !c.active,
        "aria-label": `${msg("fb.auto")} ${c.code}`,
        on: {
          change: (e) => (e.target.checked ? st.autoCrews.add(c.code) : st.autoCrews.delete(c.code)),
        },
      }),
    ),
    el(
      "td",
      {},
      el("strong", { className: "num", text: c.code }),
      el("div", { text: c.name }),
      c.active ? null : el("span", { className: "badge warn", text: msg("stood_down") }),
    ),
    el("td", { text: c.members.map((m) => m.full_name || m.username).join(", ") }),
    el("td", { className: "num load", text: `${load.orders} / ${load.done} / ${load.not_done}` }),
    el(
      "td",
      { className: "papers" },
      el("button", {
        type: "button",
        className: "manage edit",
        text: msg("edit"),
        on: { click: () => editCrew(c) },
      }),
      el("button", {
        type: "button",
        className: "manage print",
        text: msg("print_papers"),
        on: { click: () => printPapers(c.code) },
      }),
      el("button", {
        type: "button",
        className: "pdf",
        text: msg("download_pdf"),
        on: { click: () => download(`/api/field/crews/${code}/papers.pdf`, `to-${c.code}.pdf`) },
      }),
    ),
  );
}

function renderCrews() {
  const crews = st.data.crew_list || [];
  $("#crews tbody").replaceChildren(
    ...(crews.length
      ? crews.map(crewRow)
      : [el("tr", { className: "empty" }, el("td", { colSpan: 5, text: msg("no_crews_yet") }))]),
  );
  renderPeople();
}

/** The crew accounts known (members of the crews, and those typed), as ticks. */
function renderPeople(checked = null) {
  const ticked = checked || new Set($$("#crew-people input:checked").map((i) => i.value));
  const names = [...st.people.keys()].sort();
  $("#crew-people").replaceChildren(
    ...names.map((u) =>
      el(
        "label",
        { className: "inline person" },
        el("input", { type: "checkbox", value: u, checked: ticked.has(u), dataset: { user: u } }),
        ` ${st.people.get(u)} (${u})`,
      ),
    ),
  );
}

function editCrew(c) {
  $("#crew-code").value = c.code;
  $("#crew-name").value = c.name;
  $("#crew-active").checked = c.active;
  $("#crew-more").value = "";
  renderPeople(new Set(c.members.map((m) => m.username)));
  showError($("#crew-error"), null);
  $("#crew-name").focus();
}

function newCrew() {
  $("#crew-form").reset();
  $("#crew-active").checked = true;
  renderPeople(new Set());
  showError($("#crew-error"), null);
  $("#crew-code").focus();
}

async function onSaveCrew(e) {
  e.preventDefault();
  const box = $("#crew-error");
  const typed = $("#crew-more")
    .value.split(/[\s,;]+/)
    .filter(Boolean);
  const members = [...new Set([...$$("#crew-people input:checked").map((i) => i.value), ...typed])];
  if (!members.length) return showError(box, msg("no_members_chosen"));
  const body = {
    code: $("#crew-code").value.trim().toUpperCase(),
    name: $("#crew-name").value.trim(),
    members,
    active: $("#crew-active").checked,
  };
  const out = await act(box, () => post("/api/field/crews", body));
  if (!out) return;
  for (const m of out.members) st.people.set(m.username, m.full_name);
  newCrew();
  notice(msg("crew_saved", { crew: out.code }));
  refresh();
}

async function printPapers(code) {
  const out = await act($("#fb-error"), () => post(`/api/field/crews/${encodeURIComponent(code)}/print`));
  if (out) notice(msg("print_sent", { crew: code, orders: out.orders }));
}

/** Papers are behind the bearer token: fetch the file, then hand it to the browser. */
async function download(path, fallback) {
  const box = $("#fb-error");
  showError(box, null);
  let res;
  try {
    res = await fetch(path, {
      headers: { Authorization: `Bearer ${st.session?.token}` },
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    fail(box, { code: "network", details: {} });
    return;
  }
  if (!res.ok) {
    let err = {};
    try {
      err = (await res.json()).error || {};
    } catch {
      /* not JSON */
    }
    const refusal = { code: err.code || `http_${res.status}`, message: err.message, details: err.details || {} };
    if (res.status === 401) signedOut(refusal);
    else fail(box, refusal);
    return;
  }
  const blob = await res.blob();
  const given = /filename="?([^";]+)"?/.exec(res.headers.get("Content-Disposition") || "");
  const name = given ? given[1] : fallback;
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  $("#board-view").dataset.downloaded = name;
}

// ----------------------------------------------------------------------------------
// reconnections and CMIS's refusals

/** Seconds as hh:mm, whole minutes. */
function hm(seconds) {
  const minutes = Math.floor(Math.abs(seconds) / 60);
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

function reconnectionRow(o, now) {
  const left = o.deadline ? Math.floor((Date.parse(o.deadline) - now) / 1000) : 0;
  const late = LIVE.has(o.status) && left < 0;
  return el(
    "tr",
    {
      className: late ? "overdue" : "",
      dataset: { order: o.id, status: o.status, crew: o.crew || "", customer: o.customer_code, overdue: String(late) },
    },
    pickBox(o, "pick_order"),
    el(
      "td",
      { className: "customer" },
      el("span", { className: "num", text: o.customer_code }),
      el("div", { text: o.customer_name }),
    ),
    el("td", { className: "address", text: o.address }),
    el("td", { className: "crew num", text: o.crew || msg("not_assigned") }),
    el("td", { className: "num", text: dateTime(o.paid_at) }),
    el("td", { className: "num deadline", dataset: { deadline: o.deadline || "" }, text: dateTime(o.deadline) }),
    el("td", {
      className: `num left ${late ? "late" : ""}`.trim(),
      dataset: { seconds: left },
      text: LIVE.has(o.status) ? msg(late ? "overdue_by" : "left", { hm: hm(left) }) : "",
    }),
    statusCell(o),
    slipCell(o),
  );
}

function renderReconnections() {
  if (!st.data) return;
  const list = st.data.reconnections || [];
  const now = Date.now() + st.skew;
  $("#reconnections tbody").replaceChildren(
    ...(list.length
      ? list.map((o) => reconnectionRow(o, now))
      : [el("tr", { className: "empty" }, el("td", { colSpan: 9, text: msg("no_reconnections") }))]),
  );
}

function cmisWhy(code) {
  const key = `supply_error.${code}`;
  return texts.has(key) ? msg(key) : msg("supply_error_other", { code });
}

function refusalRow(c, orders) {
  const o = orders.get(c.order_id);
  const invoices = o?.cmis_error?.invoices || [];
  return el(
    "tr",
    { dataset: { change: c.id, order: c.order_id, code: c.error_code || "", customer: c.customer_code } },
    el(
      "td",
      { className: "customer" },
      el("span", { className: "num", text: c.customer_code }),
      o ? el("div", { text: o.customer_name }) : null,
    ),
    el("td", { text: `${msg(`supply.${c.supply}`)} · ${dateTime(c.at)}` }),
    el("td", { className: "why", text: cmisWhy(c.error_code) }),
    el(
      "td",
      { className: "invoices" },
      el(
        "ul",
        { className: "plain" },
        ...invoices.map((i) =>
          el("li", {
            dataset: { invoice: i.invoice_id ?? "" },
            text: msg("invoice_line", { period: i.period, amount: money(i.total), due: date(i.due) }),
          }),
        ),
      ),
    ),
    el(
      "td",
      { className: "manage" },
      el("button", { type: "button", className: "retry", text: msg("retry"), on: { click: () => retry(c.id) } }),
    ),
  );
}

function renderRefusals() {
  const refused = (st.data.supply_changes || []).filter((c) => c.status === "refused");
  const orders = new Map(allOrders().map((o) => [o.id, o]));
  $("#refusals tbody").replaceChildren(
    ...(refused.length
      ? refused.map((c) => refusalRow(c, orders))
      : [el("tr", { className: "empty" }, el("td", { colSpan: 5, text: msg("no_refusals") }))]),
  );
}

async function retry(id) {
  const out = await act($("#fb-error"), () => post(`/api/field/supply/${id}/retry`));
  if (out) notice(msg("retry_sent", { id }));
  refresh();
}

// ----------------------------------------------------------------------------------

function main() {
  texts.apply();
  showConnection(false);
  $("#login-form").addEventListener("submit", onLogin);
  $("#logout").addEventListener("click", onLogout);
  $("#pull-form").addEventListener("submit", onPull);
  $("#assign").addEventListener("click", onAssign);
  $("#unassign").addEventListener("click", onUnassign);
  $("#auto-assign").addEventListener("click", onAutoAssign);
  $("#crew-form").addEventListener("submit", onSaveCrew);
  $("#crew-new").addEventListener("click", newCrew);
  $("#close-round").addEventListener("click", () => {
    $("#close-confirm").hidden = false;
    $("#close-yes").focus();
  });
  $("#close-no").addEventListener("click", () => {
    $("#close-confirm").hidden = true;
  });
  $("#close-yes").addEventListener("click", onCloseYes);
  st.session = loadSession();
  if (st.session?.token) enter();
  else {
    show("login");
    $("#login-username").focus();
  }
}

main();
