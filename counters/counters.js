// Staff counters: sign in, then the screen of the counter signed in at
// (lookup, cashier, reception) or the supervisor's hall view; the head cashier and the
// supervisor also reach the cash section (cash.js), the cashier has a drawer (drawer.js).
import {
  $, $$, api, el, money, timeOf, HallSocket, HallState, showConnection, showError,
  normaliseCode, CUSTOMER_CODE, TICKET_STATUS, LOOKUP_STATUS, PAY_STATUS,
} from "/static/qms.js";
import { HourlyCharts } from "/counters/charts.js";
import { canCollect, drawerEvent, drawerRefresh, explainNoCollect, startDrawer, stopDrawer } from "/counters/drawer.js";
import { cashEvent, cashRefresh, hideCash, showCash, startCash, stopCash } from "/counters/cash.js";

const SESSION_KEY = "qms.session";
const VIEWS = ["login", "lookup", "cashier", "reception", "supervisor", "nocounter", "cash"];
const CASH_ROLES = new Set(["head_cashier", "supervisor", "admin"]); // cash.read

let session = null; // {token, principal, counters, branch}
let sock = null;
let mode = "login";
let home = "login"; // the signed-in person's own screen; the cash section is the other tab
const state = new HallState();
let renderTimer = null;

// ----------------------------------------------------------------------------------
// session and plumbing

function loadSession() {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? JSON.parse(raw) : null;
  } catch (e) {
    return null;
  }
}

function saveSession(s) {
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ token: s.token, principal: s.principal }));
  } catch (e) {
    /* storage unavailable: the session lives as long as the page */
  }
}

function clearSession() {
  try {
    sessionStorage.removeItem(SESSION_KEY);
  } catch (e) {
    /* ignore */
  }
}

/** An API call with the session token; an expired session sends the user to sign in. */
async function call(path, opts = {}) {
  try {
    return await api(path, { ...opts, token: session && session.token });
  } catch (err) {
    if (err.status === 401) {
      signedOut("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại. / Session expired: sign in again.");
    }
    throw err;
  }
}

function post(path, body = {}) {
  return call(path, { method: "POST", body });
}

function setMode(m) {
  mode = m;
  document.body.dataset.view = m;
  for (const v of VIEWS) $(`#${v}-view`).hidden = v !== m;
}

function queueRender() {
  if (renderTimer) return;
  renderTimer = setTimeout(() => {
    renderTimer = null;
    render();
  }, 16);
}

function render() {
  if (mode === "lookup") renderLookup();
  else if (mode === "cashier") renderCashier();
  else if (mode === "supervisor") renderSupervisor();
  else if (mode === "reception") renderReceptionLive();
}

function errorBox() {
  const prefix = { lookup: "lookup", cashier: "cashier", reception: "rc", supervisor: "sv", cash: "cash" }[mode] || "login";
  return $(`#${prefix}-error`);
}

function counterName(code) {
  const c = session && session.counters.find((x) => x.code === code);
  return c ? c.name : code;
}

function holder(t) {
  if (!t.counter) return "";
  return `${t.counter.code}${t.counter.name ? ` — ${t.counter.name}` : ""}`;
}

function statusBadge(status, extra = "") {
  const cls = { waiting: "", serving: "info", parked: "warn", no_show: "bad", done: "ok" }[status] || "";
  return el("span", { className: `badge ${cls} ${extra}`.trim(), dataset: { status }, text: TICKET_STATUS[status] || status });
}

/** Name, code, address and book of a customer on a ticket (cashier and reception views). */
function customerHead(c) {
  return [
    el(
      "h3",
      {},
      el("span", { className: "name", text: c.name }),
      " ",
      el("span", { className: "muted num", text: c.code }),
      c.moved_to
        ? el("span", {
            className: "badge warn moved",
            dataset: { movedTo: c.moved_to },
            text: ` Đã chuyển sang vé ${c.moved_to} / Moved to ticket ${c.moved_to}`,
          })
        : null,
    ),
    el("div", { className: "muted", text: `${c.address || ""} · Sổ / book ${c.book_code}` }),
  ];
}

const byPeriod = (a, b) => a.year - b.year || a.month - b.month || a.sub_period - b.sub_period;

// ----------------------------------------------------------------------------------
// sign in / out

async function onLogin(e) {
  e.preventDefault();
  const box = $("#login-error");
  showError(box, null);
  const btn = $("#login-submit");
  btn.disabled = true;
  try {
    const counter = $("#login-counter").value || null;
    const res = await api("/api/auth/login", {
      method: "POST",
      body: { username: $("#login-username").value.trim(), password: $("#login-password").value, counter },
    });
    session = { token: res.token, principal: res.principal };
    saveSession(session);
    $("#login-password").value = "";
    await enter();
  } catch (err) {
    showError(box, { code: err.code, message: counterMessage(err) || err.message });
  } finally {
    btn.disabled = false;
  }
}

/** The refusals of the day's rules (whose counter, whose drawer, one live claim per
 * invoice, one place per paper, a closed day), Vietnamese first; others show the
 * server's message. */
function counterMessage(err) {
  const d = (err && err.details) || {};
  switch (err && err.code) {
    case "customer_on_active_ticket":
      return `Khách hàng ${d.customer} đang có vé số ${d.ticket}: phục vụ trên vé đó. / Customer ${d.customer} is on ticket ${d.ticket}: serve them there.`;
    case "ticket_moved":
      return `Khách của vé ${d.ticket} đã quay lại với vé ${(d.moved_to || []).join(", ")}: phục vụ trên vé mới. / Ticket ${d.ticket}'s customers came back on ticket ${(d.moved_to || []).join(", ")}: serve them there.`;
    case "invoice_moved":
      return `Hoá đơn này đã chuyển sang vé ${d.ticket}: thu hoặc trả lại ở vé đó. / This invoice moved to ticket ${d.ticket}: collect or return it there.`;
    case "already_paid":
      return `Hoá đơn này đã thu${d.ticket ? ` trên vé ${d.ticket}` : ""}: không thu lần nữa. / This invoice is already paid${d.ticket ? ` on ticket ${d.ticket}` : ""}: do not collect it again.`;
    case "already_delivered":
      return `Hoá đơn giấy đã giao quầy ${d.delivered_to}: không hoàn tác F9 được nữa. / The paper was delivered to ${d.delivered_to}: F9 can no longer be undone.`;
    case "not_your_payment":
      return `Khoản thu này do ${d.cashier} thu: chỉ người đó, thủ quỹ trưởng hoặc giám sát viên được huỷ. / ${d.cashier} took this payment: only they, the head cashier or the supervisor may reverse it.`;
    case "ticket_not_done":
      return `Vé ${d.ticket} chưa kết thúc: không cần mở lại. / Ticket ${d.ticket} is not finished: nothing to reopen.`;
    case "nothing_to_collect":
      return `Vé ${d.ticket} không còn gì để thu. / Ticket ${d.ticket} has nothing left to collect.`;
    case "counter_taken":
      return `Quầy ${d.counter} đang do ${d.held_by_name || d.held_by} đăng nhập: người đó đăng xuất, hoặc giám sát viên cho đăng xuất quầy. / Counter ${d.counter} is held by ${d.held_by}: they sign out, or a supervisor signs the counter out.`;
    case "drawer_elsewhere":
      return `Két của bạn mở ở quầy ${d.drawer_counter}: phục vụ khách tại quầy đó. / Your drawer was opened at ${d.drawer_counter}: serve customers there.`;
    case "drawer_not_open":
      return "Chưa mở két: nhập tiền đầu ca trước khi gọi số hoặc thu tiền. / Open your drawer (count the float) before calling or collecting.";
    case "drawer_closed":
      return "Két đã đóng: không gọi số, không thu tiền nữa hôm nay. / Your drawer is closed: no more calls or payments today.";
    case "day_closed":
      return "Ngày làm việc đã kết thúc: không thay đổi gì được nữa. / The business day is closed: nothing more can change.";
    default:
      return null;
  }
}

async function onLogout() {
  const token = session && session.token;
  signedOut(null);
  if (token) {
    try {
      await api("/api/auth/logout", { method: "POST", token });
    } catch (e) {
      /* already gone */
    }
  }
}

function signedOut(message) {
  if (sock) sock.stop();
  sock = null;
  stopSupervisor();
  stopDrawer();
  stopCash();
  $("#tabs").hidden = true;
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  session = null;
  clearSession();
  state.snapshot({});
  showConnection(false);
  $("#logout").hidden = true;
  $("#whoami").textContent = "";
  $("#counter-label").textContent = "";
  setMode("login");
  showError($("#login-error"), message);
  $("#login-username").focus();
}

/** After sign-in (or a reload with a saved session): find the counter, open the view. */
async function enter() {
  let me;
  try {
    me = await call("/api/me");
  } catch (err) {
    if (err.status !== 401) showError($("#login-error"), err);
    return;
  }
  session.principal = me.principal;
  session.counters = me.counters;
  session.branch = me.branch;
  const p = me.principal;
  $("#branch-name").textContent = me.branch.name;
  $("#whoami").textContent = `${p.full_name || p.name} (${p.name})`;
  $("#logout").hidden = false;
  const counter = me.counters.find((c) => c.code === p.counter) || null;
  $("#counter-label").textContent = counter ? `${counter.code} — ${counter.name}` : "";

  let view = null;
  if (counter && counter.kind === "lookup") {
    setMode("lookup");
    view = `lookup-${counter.parity}`;
    $("#lookup-parity").textContent =
      counter.parity === "even" ? "chẵn / even" : counter.parity === "odd" ? "lẻ / odd" : "";
  } else if (counter && counter.kind === "cashier") {
    setMode("cashier");
    view = `cashier:${counter.code}`;
    setupCashier(counter);
  } else if (counter && counter.kind === "reception") {
    setMode("reception");
    view = "display"; // reception sees tickets' progress; issuing is over HTTP
    $("#rc-code").focus();
  } else if (["supervisor", "admin", "head_cashier"].includes(p.role)) {
    setMode("supervisor");
    view = "supervisor";
    startSupervisor();
  } else {
    setMode("nocounter");
    return;
  }
  home = mode;
  setupTabs(p, counter);
  startSocket(view);
}

/** The cash section is a second tab for the roles that read the hall's cash. */
function setupTabs(p, counter) {
  const allowed = CASH_ROLES.has(p.role);
  $("#tabs").hidden = !allowed;
  if (!allowed) return;
  const label = counter ? ["Quầy thu ", "Counter"] : ["Phòng thu ", "Hall"];
  $("#tab-home-label").replaceChildren(label[0], el("span", { className: "en", text: label[1] }));
  startCash({
    call,
    post,
    token: () => session && session.token,
    principal: p,
    onUnauthorized: () => signedOut("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại. / Session expired: sign in again."),
  });
  showTab(location.hash === "#cash" ? "cash" : "home");
}

function showTab(which) {
  const cash = which === "cash";
  setMode(cash ? "cash" : home);
  $("#tab-cash").setAttribute("aria-pressed", String(cash));
  $("#tab-home").setAttribute("aria-pressed", String(!cash));
  history.replaceState(null, "", location.pathname + location.search + (cash ? "#cash" : ""));
  if (cash) showCash();
  else {
    hideCash();
    queueRender();
  }
}

function startSocket(view) {
  if (sock) sock.stop();
  state.snapshot({});
  sock = new HallSocket({
    token: session.token,
    view,
    onStatus: (online) => {
      showConnection(online);
      if (online) {
        drawerRefresh(); // events missed while offline are replayed too; this is cheap
        cashRefresh();
      }
    },
    onSnapshot: (data) => {
      state.snapshot(data);
      onSnapshotExtra(data);
      drawerRefresh();
      cashRefresh();
      queueRender();
    },
    onEvent: (evt) => {
      state.event(evt);
      onEventExtra(evt);
      queueRender();
    },
    onError: (frame) => showError(errorBox(), frame),
    onUnauthenticated: () =>
      signedOut("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại. / Session expired: sign in again."),
  });
  sock.start();
}

function onSnapshotExtra(data) {
  if (mode === "supervisor") sv.pending = data.payments_pending || 0;
  rcClosed(Boolean(data.day_closed));
}

/** Reception on a closed day: a notice instead of the code entry (the snapshot or the
 * day.closed event says so); a new day's snapshot brings the entry back. */
function rcClosed(closed) {
  rc.closed = closed;
  $("#rc-closed").hidden = !closed;
  $("#rc-form").hidden = closed;
  $("#rc-issue").disabled = closed || rc.busy || rc.basket.length === 0;
}

const CHART_EVENTS = new Set(["ticket.issued", "ticket.called", "ticket.transferred", "ticket.finished", "payment.collected"]);

function onEventExtra(evt) {
  const d = evt.data || {};
  drawerEvent(evt);
  cashEvent(evt);
  if (evt.event === "day.closed") rcClosed(true);
  if (mode === "supervisor" && sv.charts && CHART_EVENTS.has(evt.event)) sv.charts.poke();
  if (evt.event === "payment.collected" && mode === "supervisor") sv.pending += (d.payments || []).length;
  if (evt.event === "payment.confirmed" || evt.event === "payment.refused") {
    if (mode === "supervisor") sv.pending = Math.max(0, sv.pending - 1);
    if (mode === "cashier" && d.payment) updatePayment(d.payment);
  }
}

// ----------------------------------------------------------------------------------
// lookup counter: F9 found, F10 later, F8 missing, Ctrl+Z undoes an F9 (paper not yet delivered)

const lk = { key: null, index: 0, inflight: new Set(), rows: [] };

function lookupRows() {
  const pending = [];
  const later = [];
  const found = []; // found, still owed: where its paper is (an undelivered one may be undone)
  for (const t of state.list()) {
    for (const inv of t.invoices || []) {
      if (inv.pay_status !== "unpaid") continue;
      const row = { t, inv, key: `${t.number}:${inv.invoice_id}` };
      if (inv.lookup_status === "pending") pending.push(row);
      else if (inv.lookup_status === "deferred" || inv.lookup_status === "missing") later.push(row);
      else if (inv.lookup_status === "found" && t.status !== "done") found.push(row);
    }
  }
  const order = (a, b) =>
    a.t.number - b.t.number ||
    String(a.inv.book_code).localeCompare(String(b.inv.book_code)) ||
    byPeriod(a.inv, b.inv);
  pending.sort(order);
  later.sort(order);
  found.sort(order);
  return { pending, later, found };
}

/** Where a found paper is: at a cashier counter since a time, or still here. */
function paperPlace(inv) {
  if (!inv.delivered_to) return el("span", { className: "muted", text: "Chưa giao, còn ở đây / Not delivered, still here" });
  const at = timeOf(inv.delivered_at);
  const name = counterName(inv.delivered_to);
  return el("strong", {
    className: "delivered",
    text: `Đã giao ${name} từ ${at} / At ${name} since ${at}`,
  });
}

function lookupRow(r) {
  const { t, inv } = r;
  const stale = t.status === "done" || t.status === "no_show";
  const tr = el(
    "tr",
    {
      className: [r.key === lk.key ? "selected" : "", stale ? "stale" : ""].join(" ").trim(),
      dataset: {
        key: r.key,
        ticket: t.number,
        invoiceId: inv.invoice_id,
        lookupStatus: inv.lookup_status,
      },
      on: { click: () => selectLookup(r.key) },
    },
    el("td", { className: "ticket num", text: t.number }),
    el("td", { className: "book num", text: inv.book_code }),
    el("td", { className: "num", text: `${inv.series} / ${inv.number}` }),
    el("td", { className: "num", text: inv.period }),
    el("td", { className: "num muted", text: inv.customer_code }),
    el(
      "td",
      {},
      el("span", {
        className: `badge ${{ pending: "", found: "ok" }[inv.lookup_status] ?? "warn"}`,
        text: LOOKUP_STATUS[inv.lookup_status] || inv.lookup_status,
      }),
      r.inflight ? el("span", { className: "muted", text: " …" }) : null,
    ),
    inv.lookup_status === "found"
      ? el("td", { className: "place" }, paperPlace(inv))
      : el(
          "td",
          {},
          t.counter ? el("strong", { text: holder(t) }) : null,
          t.status !== "serving" ? el("span", { className: "muted", text: ` ${TICKET_STATUS[t.status] || t.status}` }) : null,
        ),
  );
  return tr;
}

function renderLookup() {
  const { pending, later, found } = lookupRows();
  lk.rows = pending.concat(later, found);
  if (lk.rows.length === 0) {
    lk.key = null;
    lk.index = 0;
  } else {
    const at = lk.rows.findIndex((r) => r.key === lk.key);
    if (at >= 0) lk.index = at;
    else {
      lk.index = Math.min(Math.max(lk.index, 0), lk.rows.length - 1);
      lk.key = lk.rows[lk.index].key;
    }
  }
  for (const r of lk.rows) r.inflight = lk.inflight.has(r.key);
  const fill = (table, rows, emptyText) => {
    const body = $(`${table} tbody`);
    body.replaceChildren(
      ...(rows.length
        ? rows.map(lookupRow)
        : [el("tr", { className: "empty" }, el("td", { colSpan: 7, text: emptyText }))]),
    );
  };
  fill("#lookup-pending", pending, "Không có hoá đơn cần tìm / Nothing to find");
  fill("#lookup-deferred", later, "Không có / None");
  fill("#lookup-found", found, "Không có / None");
  $("#lookup-pending-count").textContent = String(pending.length);
  $("#lookup-deferred-count").textContent = String(later.length);
  $("#lookup-found-count").textContent = String(found.length);
  const sel = lk.rows[lk.index];
  for (const [id, action] of Object.entries(LOOKUP_BUTTONS)) $(id).disabled = !sel || !canMark(sel, action);
}

const LOOKUP_BUTTONS = {
  "#btn-found": "found",
  "#btn-deferred": "deferred",
  "#btn-missing": "missing",
  "#btn-unfound": "unfound",
};

/** What a row allows (the server checks again): as qms/lookup.py's TRANSITIONS. */
function canMark(row, action) {
  const status = row.inv.lookup_status;
  if (action === "found") return status !== "found";
  if (action === "deferred") return status === "pending";
  if (action === "missing") return status === "pending" || status === "deferred";
  if (action === "unfound") return status === "found" && !row.inv.delivered_to;
  return false;
}

function scrollToSelection() {
  const tr = lk.key && $(`tr[data-key="${lk.key}"]`);
  if (tr) tr.scrollIntoView({ block: "nearest" });
}

function selectLookup(key) {
  lk.key = key;
  const at = lk.rows.findIndex((r) => r.key === key);
  if (at >= 0) lk.index = at;
  renderLookup();
}

function moveLookup(delta) {
  if (!lk.rows.length) return;
  lk.index = Math.min(Math.max(lk.index + delta, 0), lk.rows.length - 1);
  lk.key = lk.rows[lk.index].key;
  renderLookup();
  scrollToSelection();
}

async function markLookup(action) {
  const sel = lk.rows[lk.index];
  if (!sel) return;
  if (!canMark(sel, action)) return;
  if (lk.inflight.has(sel.key)) return;
  showError($("#lookup-error"), null);
  lk.inflight.add(sel.key);
  const next = lk.rows[lk.index + 1] || lk.rows[lk.index - 1] || null;
  renderLookup();
  try {
    // the answer is the full ticket; the row changes when the event arrives on the socket
    await post(`/api/tickets/${sel.t.number}/invoices/${sel.inv.invoice_id}/${action}`);
    // done with this paper: the selection goes on to the next row, not after the moved one
    if (lk.key === sel.key && next) lk.key = next.key;
  } catch (err) {
    showError($("#lookup-error"), { code: err.code, message: counterMessage(err) || err.message });
  } finally {
    lk.inflight.delete(sel.key);
    queueRender();
  }
}

function lookupKeys(e) {
  switch (e.key) {
    case "ArrowDown":
      e.preventDefault();
      moveLookup(1);
      break;
    case "ArrowUp":
      e.preventDefault();
      moveLookup(-1);
      break;
    case "PageDown":
      e.preventDefault();
      moveLookup(10);
      break;
    case "PageUp":
      e.preventDefault();
      moveLookup(-10);
      break;
    case "Home":
      e.preventDefault();
      moveLookup(-lk.rows.length);
      break;
    case "End":
      e.preventDefault();
      moveLookup(lk.rows.length);
      break;
    case "F9":
      e.preventDefault();
      markLookup("found");
      break;
    case "F10":
      e.preventDefault();
      markLookup("deferred");
      break;
    case "F8":
      e.preventDefault();
      markLookup("missing");
      break;
    case "z":
    case "Z":
      if (!e.ctrlKey || e.altKey || e.metaKey) break;
      e.preventDefault();
      markLookup("unfound");
      break;
    default:
      break;
  }
}

// ----------------------------------------------------------------------------------
// cashier counter

const cs = {
  code: null,
  busy: false,
  pick: { ticket: null, ids: new Set(), touched: false },
  payments: new Map(), // txn_id -> payment
  // CMIS may confirm a payment before the F4 answer reaches this page: keep the news
  early: new Map(), // txn_id -> payment update not yet matched to our F4
};

function setupCashier(counter) {
  cs.code = counter.code;
  cs.pick = { ticket: null, ids: new Set(), touched: false };
  const sel = $("#transfer-to");
  sel.replaceChildren(
    ...session.counters
      .filter((c) => c.kind === "cashier" && c.code !== counter.code)
      .map((c) => el("option", { value: c.code, text: `${c.code} — ${c.name}` })),
  );
  renderCashier();
  $("#call-number").focus();
  startDrawer({ call, post, counter: counter.code, principal: session.principal, onChange: queueRender });
}

function currentTicket() {
  return state.list((t) => t.status === "serving" && t.counter && t.counter.code === cs.code)[0] || null;
}

/** Per customer, the unpaid invoices a collection may take: oldest first, no gaps. */
function eligible(t) {
  const ok = new Set();
  for (const c of t.customers || []) {
    const open = c.invoices.filter((i) => i.pay_status !== "paid").sort(byPeriod);
    for (const inv of open) {
      if (inv.pay_status === "unpaid" && inv.lookup_status === "found") ok.add(inv.invoice_id);
      else break;
    }
  }
  return ok;
}

function syncPick(t) {
  if (!t) {
    cs.pick = { ticket: null, ids: new Set(), touched: false };
    return;
  }
  const ok = eligible(t);
  if (cs.pick.ticket !== t.number) cs.pick = { ticket: t.number, ids: new Set(), touched: false };
  if (!cs.pick.touched) cs.pick.ids = new Set(ok);
  else cs.pick.ids = new Set([...cs.pick.ids].filter((id) => ok.has(id)));
}

function togglePick(t, customer, inv, checked) {
  const open = customer.invoices.filter((i) => i.pay_status !== "paid").sort(byPeriod);
  const at = open.findIndex((i) => i.invoice_id === inv.invoice_id);
  const ok = eligible(t);
  cs.pick.touched = true;
  open.forEach((i, n) => {
    if (checked && n <= at && ok.has(i.invoice_id)) cs.pick.ids.add(i.invoice_id);
    if (!checked && n >= at) cs.pick.ids.delete(i.invoice_id);
  });
  renderCashier();
}

function pickedInvoices(t) {
  const out = [];
  for (const c of t.customers || []) for (const i of c.invoices) if (cs.pick.ids.has(i.invoice_id)) out.push(i);
  return out;
}

function invoiceRow(t, c, inv, ok) {
  const paper =
    inv.lookup_status === "found"
      ? el("span", { className: "badge ok", text: "Đã có hoá đơn / Found" })
      : el("span", {
          className: "badge warn",
          text: `Chờ hoá đơn / Waiting for paper (${LOOKUP_STATUS[inv.lookup_status] || inv.lookup_status})`,
        });
  const payCls = { paid: "ok", returned: "bad", unpaid: "" }[inv.pay_status] || "";
  return el(
    "tr",
    {
      className: inv.pay_status !== "unpaid" ? "settled" : "",
      dataset: { invoiceId: inv.invoice_id, lookupStatus: inv.lookup_status, payStatus: inv.pay_status },
    },
    el(
      "td",
      {},
      el("input", {
        type: "checkbox",
        className: "pick",
        dataset: { invoiceId: inv.invoice_id },
        checked: cs.pick.ids.has(inv.invoice_id),
        disabled: !ok.has(inv.invoice_id) || cs.busy,
        "aria-label": `Thu kỳ ${inv.period} / Collect ${inv.period}`,
        on: { change: (e) => togglePick(t, c, inv, e.target.checked) },
      }),
    ),
    el("td", { className: "num", text: inv.period }),
    el("td", { className: "num muted", text: `${inv.series} / ${inv.number}` }),
    el("td", { className: "money", text: money(inv.total) }),
    el("td", {}, paper),
    el("td", {}, el("span", { className: `badge ${payCls}`, text: PAY_STATUS[inv.pay_status] || inv.pay_status })),
  );
}

function renderCurrent(t) {
  syncPick(t);
  const box = $("#current");
  box.dataset.ticket = t ? String(t.number) : "";
  box.classList.toggle("idle", !t);
  $("#current-number").textContent = t ? String(t.number) : "—";
  const st = $("#current-status");
  st.textContent = t ? TICKET_STATUS[t.status] || t.status : "Chưa gọi số / No ticket";
  st.dataset.status = t ? t.status : "";
  const ready = $("#ready");
  if (!t) {
    ready.hidden = true;
    ready.dataset.ready = "";
  } else {
    const unpaid = t.customers.flatMap((c) => c.invoices).filter((i) => i.pay_status === "unpaid");
    const missing = unpaid.filter((i) => i.lookup_status !== "found");
    ready.hidden = false;
    if (unpaid.length === 0) {
      ready.dataset.ready = "paid";
      ready.className = "badge ok";
      ready.textContent = "Không còn nợ / Nothing left to pay";
    } else if (missing.length === 0) {
      ready.dataset.ready = "true";
      ready.className = "badge ok";
      ready.textContent = "Sẵn sàng thu / Ready to collect";
    } else {
      ready.dataset.ready = "false";
      ready.className = "badge warn";
      ready.textContent = `Đang chờ hoá đơn (${missing.length}) / Waiting for invoices (${missing.length})`;
    }
  }

  const ok = t ? eligible(t) : new Set();
  $("#current-customers").replaceChildren(
    ...(t ? t.customers : []).map((c) =>
      el(
        "div",
        { className: "customer", dataset: { code: c.code } },
        ...customerHead(c),
        el(
          "table",
          { className: "invoices" },
          el(
            "thead",
            {},
            el(
              "tr",
              {},
              el("th", { text: "Thu" }),
              el("th", { text: "Kỳ / Period" }),
              el("th", { text: "Ký hiệu / Số" }),
              el("th", { className: "money", text: "Số tiền / Amount" }),
              el("th", { text: "Hoá đơn giấy / Paper" }),
              el("th", { text: "Thanh toán / Payment" }),
            ),
          ),
          el("tbody", {}, ...c.invoices.slice().sort(byPeriod).map((inv) => invoiceRow(t, c, inv, ok))),
        ),
      ),
    ),
  );
  const picked = t ? pickedInvoices(t) : [];
  $("#current-total").textContent = t ? money(t.total_due) : "—";
  $("#collect-amount").textContent = t ? money(picked.reduce((s, i) => s + i.total, 0)) : "—";
  $("#btn-collect").disabled = cs.busy || !t || picked.length === 0 || !canCollect();
  for (const id of ["#btn-recall", "#btn-park", "#btn-no-show", "#btn-finish", "#btn-transfer"]) {
    $(id).disabled = cs.busy || !t;
  }
  $("#transfer-to").disabled = !t || !$("#transfer-to").options.length;
  $("#btn-call-next").disabled = cs.busy || !!t;
  $("#btn-call").disabled = cs.busy;
}

function ticketItem(t, actionLabel) {
  return el(
    "li",
    { dataset: { ticket: t.number, status: t.status } },
    el("span", { className: "n num", text: t.number }),
    el("span", {
      className: `badge ${t.ready ? "ok" : "warn"}`,
      dataset: { ready: t.ready ? "true" : "false" },
      title: t.ready ? "Ready: all paper found" : "Waiting for paper invoices",
      text: t.ready ? "Sẵn sàng" : "Chờ hoá đơn",
    }),
    el("span", { className: "muted", title: "customers", text: `${t.customers.length} KH` }),
    el("span", { className: "money", text: money(t.total_due) }),
    el("button", {
      type: "button",
      className: "call",
      text: actionLabel,
      disabled: cs.busy,
      on: { click: () => callNumber(t.number) },
    }),
  );
}

function renderCashier() {
  if (!cs.code) return;
  renderCurrent(currentTicket());
  const waiting = state.list((t) => t.status === "waiting");
  const parked = state.list((t) => t.status === "parked" && t.counter && t.counter.code === cs.code);
  $("#waiting-count").textContent = String(waiting.length);
  $("#parked-count").textContent = String(parked.length);
  const empty = (text) => el("li", { className: "empty", text });
  $("#waiting-list").replaceChildren(
    ...(waiting.length ? waiting.map((t) => ticketItem(t, "Gọi")) : [empty("Không có ai chờ / Nobody waiting")]),
  );
  $("#parked-list").replaceChildren(
    ...(parked.length ? parked.map((t) => ticketItem(t, "Gọi lại")) : [empty("Không có / None")]),
  );
}

function renderPayments() {
  const list = [...cs.payments.values()].slice(-15).reverse();
  $("#payments-log").replaceChildren(
    ...list.map((p) =>
      el(
        "li",
        { dataset: { txn: p.txn_id, status: p.status } },
        el("span", {
          className: `badge ${{ confirmed: "ok", refused: "bad", pending: "warn" }[p.status] || ""}`,
          text: { confirmed: "Đã xác nhận / Confirmed", refused: "Bị từ chối / Refused", pending: "Đang gửi / Posting" }[p.status] || p.status,
        }),
        el("span", { className: "num", text: ` ${p.customer_code} ` }),
        el("span", { className: "money", text: money(p.total) }),
        p.receipt_no ? el("div", { className: "muted num", text: `Biên lai / receipt ${p.receipt_no}` }) : null,
        p.error ? el("div", { className: "error-text", text: p.error }) : null,
      ),
    ),
  );
}

function updatePayment(p) {
  if (!cs.payments.has(p.txn_id)) {
    // maybe ours, its F4 answer still on the way; or another counter's (dropped later)
    cs.early.set(p.txn_id, p);
    if (cs.early.size > 200) cs.early.delete(cs.early.keys().next().value);
    return;
  }
  cs.payments.set(p.txn_id, { ...cs.payments.get(p.txn_id), ...p });
  renderPayments();
}

async function cashierAction(action, body = {}, { after } = {}) {
  if (cs.busy) return null;
  showError($("#cashier-error"), null);
  cs.busy = true;
  renderCashier();
  try {
    const res = await post(`/api/counters/${cs.code}/${action}`, body);
    state.put(res && res.ticket ? res.ticket : res);
    if (after) after(res);
    return res;
  } catch (err) {
    if (err.code === "confirm_unpaid" && action === "finish") {
      const d = err.details || {};
      askFinish(currentTicket()?.number ?? "", (d.unpaid || []).length, d.total || 0);
      return null;
    }
    showError($("#cashier-error"), { code: err.code, message: counterMessage(err) || err.message });
    if (err.code === "drawer_not_open" || err.code === "drawer_closed") drawerRefresh();
    return null;
  } finally {
    cs.busy = false;
    queueRender();
  }
}

function callNumber(n) {
  $("#collect-result").hidden = true;
  return cashierAction("call", { number: n }, { after: () => ($("#call-number").value = "") });
}

function callNext() {
  $("#collect-result").hidden = true;
  return cashierAction("call-next");
}

function collect() {
  const t = currentTicket();
  if (!t || cs.busy) return;
  if (!canCollect()) {
    explainNoCollect($("#cashier-error"));
    return;
  }
  const picked = pickedInvoices(t);
  if (!picked.length) {
    showError(
      $("#cashier-error"),
      "Chưa có hoá đơn nào sẵn sàng để thu. / No invoice is ready to collect yet.",
    );
    return;
  }
  const amount = picked.reduce((s, i) => s + i.total, 0);
  const body = { invoices: picked.map((i) => i.invoice_id), amount };
  const raw = $("#tendered").value.replace(/[^0-9]/g, "");
  if (raw) body.tendered = Number(raw);
  cashierAction("collect", body, {
    after: (res) => {
      $("#tendered").value = "";
      cs.pick.touched = false;
      for (const p of res.payments || []) {
        cs.payments.set(p.txn_id, { ...p, ...(cs.early.get(p.txn_id) || {}) });
        cs.early.delete(p.txn_id);
      }
      renderPayments();
      const box = $("#collect-result");
      box.textContent =
        `Vé ${res.ticket.number}: đã thu ${money(amount)}` +
        (res.change ? `, tiền thừa ${money(res.change)}` : "") +
        ` / collected ${money(amount)}` +
        (res.change ? `, change ${money(res.change)}` : "");
      box.dataset.ticket = String(res.ticket.number);
      box.hidden = false;
    },
  });
}

/** F8. With invoices still unpaid, finishing lets the customer go without paying them:
 * a dialog asks to confirm, with a reason (the server asks the same: confirm_unpaid). */
function finish() {
  const t = currentTicket();
  if (!t || cs.busy) return;
  const unpaid = t.customers.flatMap((c) => c.invoices).filter((i) => i.pay_status === "unpaid");
  if (unpaid.length === 0) {
    cashierAction("finish");
    return;
  }
  askFinish(t.number, unpaid.length, unpaid.reduce((s, i) => s + i.total, 0));
}

function askFinish(number, count, total) {
  $("#finish-text").textContent =
    `Vé ${number} còn ${count} hoá đơn chưa thu (${money(total)}). Khách sẽ ra về mà không trả các hoá đơn này. / ` +
    `Ticket ${number} still has ${count} unpaid invoice(s) (${money(total)}): the customer goes without paying them.`;
  const dlg = $("#finish-dialog");
  dlg.dataset.ticket = String(number);
  if (!dlg.open) dlg.showModal();
  $("#finish-reason").focus();
}

async function confirmFinish() {
  const dlg = $("#finish-dialog");
  if (!dlg.open) return;
  const reason = $("#finish-reason").value;
  dlg.close();
  const res = await cashierAction("finish", { confirm: true, reason });
  if (res) {
    const box = $("#collect-result");
    box.textContent = `Vé ${res.number}: kết thúc, còn nợ / ticket ${res.number} finished, left unpaid`;
    box.dataset.ticket = String(res.number);
    box.hidden = false;
  }
}

function cashierKeys(e) {
  const map = {
    F2: callNext,
    F3: () => cashierAction("recall"),
    F4: collect,
    F6: () => cashierAction("park"),
    F7: () => cashierAction("no-show"),
    F8: finish,
  };
  if ($("#finish-dialog").open) return; // the dialog has its own keys: Enter, Esc
  const fn = map[e.key];
  if (fn) {
    e.preventDefault();
    fn();
    return;
  }
  // digits typed anywhere go to the ticket number box
  const tag = (e.target && e.target.tagName) || "";
  if (/^[0-9]$/.test(e.key) && !["INPUT", "SELECT", "TEXTAREA"].includes(tag) && !e.ctrlKey && !e.altKey && !e.metaKey) {
    e.preventDefault();
    const input = $("#call-number");
    input.value += e.key;
    input.focus();
  }
}

function wireCashier() {
  $("#call-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const raw = $("#call-number").value.trim();
    if (!raw) return;
    if (!/^[0-9]+$/.test(raw)) {
      showError($("#cashier-error"), "Số vé là một số nguyên dương. / A ticket number is a positive whole number.");
      return;
    }
    callNumber(Number(raw));
  });
  $("#btn-call-next").addEventListener("click", callNext);
  $("#btn-recall").addEventListener("click", () => cashierAction("recall"));
  $("#btn-park").addEventListener("click", () => cashierAction("park"));
  $("#btn-no-show").addEventListener("click", () => cashierAction("no-show"));
  $("#btn-finish").addEventListener("click", finish);
  $("#finish-form").addEventListener("submit", (e) => {
    e.preventDefault();
    confirmFinish();
  });
  $("#finish-dialog").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.id !== "finish-cancel") {
      e.preventDefault();
      confirmFinish();
    }
  });
  $("#finish-cancel").addEventListener("click", () => $("#finish-dialog").close());
  $("#btn-collect").addEventListener("click", collect);
  $("#btn-transfer").addEventListener("click", () => {
    const to = $("#transfer-to").value;
    if (to) cashierAction("transfer", { to });
  });
}

// ----------------------------------------------------------------------------------
// reception

const rc = { basket: [], busy: false, shown: null, hits: [], searching: false, closed: false };

function renderBasket() {
  $("#rc-basket").replaceChildren(
    ...rc.basket.map((c) =>
      el(
        "li",
        { dataset: { code: c.code }, className: c.bad ? "bad" : "" },
        el(
          "div",
          { className: "who" },
          el("strong", { text: c.name }),
          " ",
          el("span", { className: "muted num", text: c.code }),
          el("div", { className: "muted", text: `${c.address || ""} · Sổ / book ${c.book_code || ""}` }),
          el("div", { className: "muted", text: `Kỳ / periods: ${c.invoices.map((i) => i.period).join(", ")}` }),
        ),
        el("span", { className: "money", text: money(c.total) }),
        el("button", {
          type: "button",
          className: "remove",
          text: "✕",
          title: "Bỏ / Remove",
          on: { click: () => {
            rc.basket = rc.basket.filter((x) => x.code !== c.code);
            renderBasket();
          } },
        }),
      ),
    ),
  );
  $("#rc-basket-total").textContent = money(rc.basket.reduce((s, c) => s + c.total, 0));
  $("#rc-issue").disabled = rc.closed || rc.busy || rc.basket.length === 0;
  $("#rc-add").disabled = rc.busy;
  renderHits();
}

async function rcAdd() {
  const input = $("#rc-code");
  const code = normaliseCode(input.value);
  if (!code || rc.busy) return;
  if (await rcAddCode(code, input)) input.value = "";
  input.focus();
}

/**
 * Preview a customer's debts and put them in the basket; ``input`` (the code box) is
 * selected again on a refusal. True when the customer was added.
 */
async function rcAddCode(code, input = null) {
  const box = $("#rc-error");
  if (rc.busy) return false;
  showError(box, null);
  if (!CUSTOMER_CODE.test(code)) {
    showError(box, { code: "invalid_customer_code", message: "Mã khách hàng gồm 2 chữ cái và 11 chữ số. / A customer code is 2 letters and 11 digits." });
    if (input) input.select();
    return false;
  }
  if (rc.basket.some((c) => c.code === code)) {
    showError(box, `${code} đã có trong danh sách / is already in the list`);
    if (input) input.value = "";
    return false;
  }
  rc.busy = true;
  renderBasket();
  let added = false;
  try {
    const c = await call(`/api/customers/${encodeURIComponent(code)}`);
    if (!c.invoices.length) {
      showError(box, { code: "no_debt", message: `Khách hàng ${c.code} (${c.name}) không còn nợ. / Customer ${c.code} has nothing to pay.` });
    } else {
      rc.basket.push(c);
      added = true;
    }
  } catch (err) {
    showError(box, err);
    if (input) input.select();
  } finally {
    rc.busy = false;
    renderBasket();
  }
  return added;
}

async function rcIssue() {
  if (rc.busy || !rc.basket.length) return;
  const box = $("#rc-error");
  showError(box, null);
  rc.busy = true;
  rc.basket.forEach((c) => (c.bad = false));
  renderBasket();
  try {
    const t = await post("/api/tickets", { customers: rc.basket.map((c) => c.code) });
    rc.basket = [];
    showTicket(t);
  } catch (err) {
    const d = err.details || {};
    const bad = d.customers || [d.customer];
    rc.basket.forEach((c) => (c.bad = bad.includes(c.code)));
    showError(box, { code: err.code, message: counterMessage(err) || err.message });
  } finally {
    rc.busy = false;
    renderBasket();
    $("#rc-code").focus();
  }
}

function showTicket(t) {
  rc.shown = t;
  const box = $("#rc-ticket");
  box.hidden = false;
  box.dataset.ticket = String(t.number);
  $("#rc-ticket-number").textContent = String(t.number);
  $("#rc-ticket-branch").textContent = (session && session.branch && session.branch.name) || "";
  $("#rc-ticket-issued").textContent = `${t.business_day || ""} ${timeOf(t.issued_at)}`.trim();
  const qr = $("#rc-ticket-qr");
  if (t.follow_token) {
    const path = `/t/${encodeURIComponent(t.follow_token)}`;
    qr.dataset.url = `${location.origin}${path}`;
    qr.src = `${path}/qr.svg`;
    qr.hidden = false;
  } else {
    qr.removeAttribute("src");
    qr.hidden = true;
  }
  renderReceptionLive();
  // customers back after a no-show or an unpaid finish: the new ticket took them over
  const notices = t.notices || [];
  $("#rc-ticket-notices").hidden = notices.length === 0;
  $("#rc-ticket-notices").replaceChildren(
    ...notices.map((n) =>
      el("li", {
        dataset: { code: n.code, ticket: n.ticket },
        text:
          `Khách ${n.customers.join(", ")} chuyển từ vé ${n.ticket} sang vé này, cùng hoá đơn giấy / ` +
          `Customer(s) ${n.customers.join(", ")} taken over from ticket ${n.ticket}, with their paper`,
      }),
    ),
  );
  $("#rc-ticket-total").textContent = money(t.total_due);
  $("#rc-ticket-customers").replaceChildren(
    ...t.customers.map((c) =>
      el(
        "div",
        { className: "customer", dataset: { code: c.code } },
        ...customerHead(c),
        el(
          "table",
          { className: "invoices" },
          el(
            "thead",
            {},
            el(
              "tr",
              {},
              el("th", { text: "Kỳ / Period" }),
              el("th", { text: "Ký hiệu / Số" }),
              el("th", { text: "Quầy tra cứu / Lookup" }),
              el("th", { className: "money", text: "Số tiền / Amount" }),
            ),
          ),
          el(
            "tbody",
            {},
            ...c.invoices.map((i) =>
              el(
                "tr",
                { dataset: { invoiceId: i.invoice_id } },
                el("td", { className: "num", text: i.period }),
                el("td", { className: "num muted", text: `${i.series} / ${i.number}` }),
                el("td", { text: i.lookup === "even" ? "Chẵn / even" : i.lookup === "odd" ? "Lẻ / odd" : i.lookup }),
                el("td", { className: "money", text: money(i.total) }),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The shown ticket's status follows the hall live (the display view carries it). */
function renderReceptionLive() {
  if (!rc.shown) return;
  const live = state.tickets.get(rc.shown.number);
  const t = live || rc.shown;
  const badge = $("#rc-ticket-status");
  badge.replaceWith(
    el("span", {
      id: "rc-ticket-status",
      className: "badge",
      dataset: { status: t.status },
      text: (TICKET_STATUS[t.status] || t.status) + (t.counter ? ` — ${holder(t)}` : ""),
    }),
  );
}

async function rcFind() {
  const raw = $("#rc-find-number").value.trim();
  if (!/^[0-9]+$/.test(raw)) return false;
  showError($("#rc-error"), null);
  try {
    showTicket(await call(`/api/tickets/${Number(raw)}`));
    return true;
  } catch (err) {
    showError($("#rc-error"), err);
    return false;
  }
}

/** "Reprint": the ticket typed (or the one shown) as a printable ticket, then print. */
async function rcReprint() {
  const raw = $("#rc-find-number").value.trim();
  const wanted = /^[0-9]+$/.test(raw) ? Number(raw) : null;
  if (wanted !== null && (!rc.shown || rc.shown.number !== wanted)) {
    if (!(await rcFind())) return;
  }
  if (!rc.shown) {
    showError($("#rc-error"), "Nhập số vé cần in lại. / Type the number of the ticket to reprint.");
    return;
  }
  const qr = $("#rc-ticket-qr");
  if (qr.src && !qr.complete) {
    // print with its QR code, not a blank square
    await new Promise((resolve) => {
      qr.addEventListener("load", resolve, { once: true });
      qr.addEventListener("error", resolve, { once: true });
    });
  }
  document.body.dataset.printed = String(rc.shown.number);
  window.print();
}

// --- customer search (no receipt: name, address, meter, ID card, bank account) ---

const SEARCH_MIN = 2;

async function rcSearch() {
  const box = $("#rc-search-error");
  const by = $("#rc-search-by").value;
  const q = $("#rc-search-q").value.trim();
  showError(box, null);
  if (q.length < SEARCH_MIN) {
    showError(box, { code: "invalid_request", message: `Nhập ít nhất ${SEARCH_MIN} ký tự. / Type at least ${SEARCH_MIN} characters.` });
    return;
  }
  if (rc.searching) return;
  rc.searching = true;
  $("#rc-search-submit").disabled = true;
  const status = $("#rc-search-status");
  status.hidden = false;
  status.textContent = "Đang tìm… / Searching…";
  try {
    const res = await call(`/api/customers?by=${encodeURIComponent(by)}&q=${encodeURIComponent(q)}&limit=20`);
    rc.hits = res.customers || [];
    status.textContent = rc.hits.length
      ? `${rc.hits.length} kết quả / results${rc.hits.length >= 20 ? " (thu hẹp tìm kiếm / narrow the search)" : ""}`
      : "Không tìm thấy / Nothing found";
    status.dataset.count = String(rc.hits.length);
  } catch (err) {
    rc.hits = [];
    status.hidden = true;
    showError(box, err);
  } finally {
    rc.searching = false;
    $("#rc-search-submit").disabled = false;
    renderHits();
  }
}

function renderHits() {
  const table = $("#rc-search-results");
  table.hidden = rc.hits.length === 0;
  $("#rc-search-results tbody").replaceChildren(
    ...rc.hits.map((h) => {
      const inBasket = rc.basket.some((c) => c.code === h.code);
      return el(
        "tr",
        { dataset: { code: h.code } },
        el("td", { className: "num", text: h.code }),
        el(
          "td",
          {},
          el("div", { className: "name", text: h.name }),
          el("div", { className: "address muted", text: h.address }),
        ),
        el("td", { className: "num", text: h.book_code }),
        el(
          "td",
          {},
          el("button", {
            type: "button",
            className: "add",
            text: inBasket ? "Đã thêm / Added" : "Thêm vào vé / Add",
            disabled: inBasket || rc.busy,
            on: { click: () => rcAddCode(h.code) },
          }),
        ),
      );
    }),
  );
}

function wireReception() {
  $("#rc-form").addEventListener("submit", (e) => {
    e.preventDefault();
    rcAdd();
  });
  $("#rc-issue").addEventListener("click", rcIssue);
  $("#rc-clear").addEventListener("click", () => {
    rc.basket = [];
    showError($("#rc-error"), null);
    renderBasket();
    $("#rc-code").focus();
  });
  $("#rc-find-form").addEventListener("submit", (e) => {
    e.preventDefault();
    rcFind();
  });
  $("#rc-reprint").addEventListener("click", rcReprint);
  $("#rc-search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    rcSearch();
  });
}

// ----------------------------------------------------------------------------------
// supervisor

const sv = { pending: 0, charts: null, clock: null };

const ACTIVE = new Set(["waiting", "serving", "parked"]);

/** Whole minutes since an ISO time (the hall's devices keep the hall's clock). */
function minutesSince(iso, now = Date.now()) {
  if (!iso) return null;
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? null : Math.max(0, Math.floor((now - t) / 60000));
}

/** Tickets still being served or waited for, with paper not yet found (pending / F10). */
function waitingForPaper(tickets) {
  const out = [];
  for (const t of tickets) {
    if (!ACTIVE.has(t.status)) continue;
    const invs = (t.customers || []).flatMap((c) => c.invoices).filter((i) => i.pay_status === "unpaid");
    const pending = invs.filter((i) => i.lookup_status === "pending").length;
    const deferred = invs.filter((i) => i.lookup_status === "deferred" || i.lookup_status === "missing").length;
    if (pending || deferred) out.push({ t, pending, deferred });
  }
  return out;
}

function counterRow(c, tickets, now) {
  const serving = tickets.find((t) => t.status === "serving" && t.counter && t.counter.code === c.code);
  const parked = tickets.filter((t) => t.status === "parked" && t.counter && t.counter.code === c.code);
  let state = "";
  let servingText = "";
  let since = "";
  if (c.kind === "cashier") {
    state = serving ? "serving" : "idle";
    servingText = serving ? String(serving.number) : "Rảnh / Idle";
    if (serving) since = `${timeOf(serving.called_at)} (${minutesSince(serving.called_at, now)}′)`;
  } else if (c.kind === "lookup") {
    const left = tickets
      .filter((t) => ACTIVE.has(t.status))
      .flatMap((t) => (t.customers || []).flatMap((x) => x.invoices))
      .filter((i) => i.lookup === c.parity && i.pay_status === "unpaid" && i.lookup_status === "pending").length;
    state = left ? "busy" : "idle";
    servingText = left ? `${left} hoá đơn chờ tìm / to find` : "Rảnh / Idle";
  }
  return el(
    "tr",
    { dataset: { counter: c.code, state } },
    el("td", { className: "num", text: c.code }),
    el("td", { text: c.name }),
    el("td", { text: c.kind + (c.parity ? ` (${c.parity})` : "") }),
    el("td", { className: `num ${state === "serving" ? "serving" : state}`, text: servingText }),
    el("td", { className: "num since", text: since }),
    el("td", { className: "num", text: parked.map((t) => t.number).join(", ") }),
  );
}

function renderSupervisor() {
  const tickets = state.list();
  const now = Date.now();
  const counts = { waiting: 0, serving: 0, parked: 0, no_show: 0, done: 0 };
  for (const t of tickets) counts[t.status] = (counts[t.status] || 0) + 1;
  $("#sv-summary").replaceChildren(
    ...Object.entries(counts).map(([k, n]) =>
      el("span", { className: "stat", dataset: { status: k } }, el("strong", { className: "num", text: n }), " ", TICKET_STATUS[k] || k),
    ),
    el("span", { className: "stat", id: "sv-payments-pending" }, el("strong", { className: "num", text: sv.pending }), " Chờ CMIS xác nhận / Awaiting CMIS"),
  );
  const waiting = tickets.filter((t) => t.status === "waiting");
  const oldest = waiting.reduce((m, t) => Math.max(m, minutesSince(t.issued_at, now) ?? 0), -1);
  $("#sv-waiting").textContent = String(waiting.length);
  $("#sv-oldest").textContent = oldest < 0 ? "—" : `${oldest} phút / min`;
  $("#sv-oldest").dataset.minutes = oldest < 0 ? "" : String(oldest);
  $("#sv-serving").textContent = String(counts.serving);
  $("#sv-counters tbody").replaceChildren(...state.counters.map((c) => counterRow(c, tickets, now)));
  const paper = waitingForPaper(tickets);
  $("#sv-lookup-count").textContent = String(paper.length);
  $("#sv-lookup tbody").replaceChildren(
    ...(paper.length
      ? paper.map(({ t, pending, deferred }) =>
          el(
            "tr",
            { dataset: { ticket: t.number, status: t.status } },
            el("td", { className: "num", text: t.number }),
            el("td", {}, statusBadge(t.status), t.counter ? ` ${t.counter.code}` : ""),
            el("td", { className: "num", text: pending || "" }),
            el("td", { className: `num ${deferred ? "deferred" : ""}`.trim(), text: deferred || "" }),
            el("td", { className: "num", text: `${minutesSince(t.issued_at, now) ?? ""}′` }),
          ),
        )
      : [el("tr", { className: "empty" }, el("td", { colSpan: 5, text: "Không có / None" }))]),
  );
  $("#sv-tickets tbody").replaceChildren(
    ...(tickets.length
      ? tickets.map((t) => {
          const invs = (t.customers || []).flatMap((c) => c.invoices);
          const unpaid = invs.filter((i) => i.pay_status === "unpaid");
          const found = unpaid.filter((i) => i.lookup_status === "found").length;
          return el(
            "tr",
            { dataset: { ticket: t.number, status: t.status } },
            el("td", { className: "num", text: t.number }),
            el("td", {}, statusBadge(t.status)),
            el("td", { text: t.counter ? t.counter.code : "" }),
            el("td", { text: (t.customers || []).map((c) => c.name).join(", ") }),
            el("td", { className: "num", text: unpaid.length ? `${found}/${unpaid.length}` : "—" }),
            el("td", { className: "money", text: money(t.total_due) }),
            el("td", { className: "money", text: money(t.total_paid) }),
            el("td", { className: "num", text: timeOf(t.issued_at) }),
            el("td", { className: "num", text: timeOf(t.called_at) }),
          );
        })
      : [el("tr", { className: "empty" }, el("td", { colSpan: 9, text: "Chưa có vé / No tickets yet" }))]),
  );
}

/** Charts and the minute counters of the supervisor view run only while it is open. */
function startSupervisor() {
  stopSupervisor();
  sv.charts = new HourlyCharts({
    fetchStats: () => call("/api/stats/hourly"),
    canvases: { wait: $("#sv-chart-wait"), service: $("#sv-chart-service") },
    onError: (err) => showError($("#sv-charts-error"), err),
  });
  sv.charts.start();
  sv.clock = setInterval(queueRender, 30000); // waits grow without events
}

function stopSupervisor() {
  if (sv.charts) sv.charts.stop();
  sv.charts = null;
  clearInterval(sv.clock);
  sv.clock = null;
}

// ----------------------------------------------------------------------------------

/** The counters come from the server's config, so a hall with other desks needs no edit. */
async function loadCounters() {
  try {
    const { branches } = await api("/api/counters");
    const select = $("#login-counter");
    const keep = select.value;
    for (const opt of [...select.options]) if (opt.value) opt.remove();
    for (const b of branches) {
      for (const c of b.counters) {
        select.append(el("option", { value: c.code, text: `${c.code} — ${c.name}` }));
      }
    }
    select.value = keep;
  } catch {
    // offline: the list written in the page still works for the demo hall
  }
}

function main() {
  showConnection(false);
  loadCounters();
  $("#login-form").addEventListener("submit", onLogin);
  $("#logout").addEventListener("click", onLogout);
  $("#tab-home").addEventListener("click", () => showTab("home"));
  $("#tab-cash").addEventListener("click", () => showTab("cash"));
  $("#btn-found").addEventListener("click", () => markLookup("found"));
  $("#btn-deferred").addEventListener("click", () => markLookup("deferred"));
  $("#btn-missing").addEventListener("click", () => markLookup("missing"));
  $("#btn-unfound").addEventListener("click", () => markLookup("unfound"));
  wireCashier();
  wireReception();
  document.addEventListener("keydown", (e) => {
    if (mode === "lookup") lookupKeys(e);
    else if (mode === "cashier") cashierKeys(e);
  });
  session = loadSession();
  if (session && session.token) {
    enter();
  } else {
    setMode("login");
    $("#login-username").focus();
  }
}

main();
