// The crew's phone (docs/field.md, "The crew's phone"): the crew's orders in route order,
// reconnections first; at the door, a check with CMIS before cutting, then the result
// (cut / reconnected, or not done with a reason). Results go through the outbox
// (crew-outbox.js): kept on the phone, sent once the phone is online, exactly once by key.
// The crew view of the socket says which orders changed: the page fetches its orders
// again, and an order cancelled while open (paid at the counter) shows "do not cut".
import { dateTime, money, time } from "/static/format.js";
import { Catalogue } from "/static/i18n.js";
import { $, api, endSession, el, HallSocket, showConnection, showError } from "/static/qms.js";
import { SHARED_TEXTS } from "/static/texts.js";
import { CREW_TEXTS } from "/counters/crew-texts.js";
import { newKey, Outbox } from "/counters/crew-outbox.js";

const SESSION_KEY = "qms.session"; // as the counters' shell: a crew may come from /counters/
const ORDERS_KEY = "qms.crew.orders"; // the last list, shown when the phone has no signal
const REFUSED_KEY = "qms.crew.refused"; // refusals of queued results, shown on their order
const LIVE = new Set(["open", "assigned"]);
const REASONS = ["paid_on_spot", "absent", "inaccessible", "refused", "wrong_address"];

const lang = new Catalogue({ ...SHARED_TEXTS, ...CREW_TEXTS }, { storageKey: "qms.crew.lang" });
const msg = (key, vars) => lang.t(key, vars);

const state = {
  session: null, // {token, principal}
  crew: null, // {id, code, name, members}
  orders: [], // as GET /api/field/my-orders lists them
  fetchedAt: null,
  open: null, // the order on show (id), or null: the list
  reason: null, // the reason picked for "not done"
  banners: new Map(), // order id -> reason: cancelled while the crew had it to do
  checks: new Map(), // order id -> the last check's answer words
  sockOnline: false,
};
let sock = null;
let fetchTimer = null;

const outbox = new Outbox({
  storageKey: "qms.crew.outbox",
  send: (entry) => call(`/api/field/orders/${entry.order}/result`, { method: "POST", body: entry.body }),
  onAnswer: answered,
  onChange: () => render(),
});

// ----------------------------------------------------------------------------------
// storage and plumbing

function load(key, fallback) {
  try {
    const raw = (key === SESSION_KEY ? sessionStorage : localStorage).getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch {
    return fallback;
  }
}

function store(key, value) {
  try {
    const where = key === SESSION_KEY ? sessionStorage : localStorage;
    if (value === null) where.removeItem(key);
    else where.setItem(key, JSON.stringify(value));
  } catch {
    /* storage unavailable: kept for this page only */
  }
}

async function call(path, opts = {}) {
  try {
    return await api(path, { ...opts, token: state.session?.token });
  } catch (err) {
    if (err.status === 401) signedOut(msg("crew.session_expired"));
    throw err;
  }
}

const pad = (n) => String(n).padStart(2, "0");

/** The phone's time now, ISO with its offset: when the crew tapped, as they saw it. */
function nowIso() {
  const d = new Date();
  const off = -d.getTimezoneOffset();
  const zone = `${off >= 0 ? "+" : "-"}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${day}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

function online() {
  return navigator.onLine && state.sockOnline;
}

function showNet() {
  document.body.dataset.net = navigator.onLine ? "online" : "offline";
  showConnection(online());
}

function setView(v) {
  document.body.dataset.view = v;
  for (const name of ["login", "list", "order"]) $(`#${name}-view`).hidden = name !== v;
}

function refusedMap() {
  return load(REFUSED_KEY, {});
}

// ----------------------------------------------------------------------------------
// the orders

/** Fetch the crew's orders (many events in a moment make one fetch). */
function fetchSoon() {
  clearTimeout(fetchTimer);
  fetchTimer = setTimeout(fetchOrders, 50);
}

async function fetchOrders() {
  if (!state.session) return;
  try {
    const got = await call("/api/field/my-orders");
    showError($("#list-error"), null);
    took(got, new Date().toISOString());
  } catch (err) {
    if (err.status === 401) return;
    if (err.status !== 0) showError($("#list-error"), lang.explain(err));
  }
}

/** A new list: an order the crew had to do that is now cancelled shows a banner. */
function took(got, at) {
  const before = new Map(state.orders.map((o) => [o.id, o]));
  for (const o of got.orders) {
    const was = before.get(o.id);
    if (o.status === "cancelled" && was && LIVE.has(was.status)) state.banners.set(o.id, o.reason);
  }
  state.crew = got.crew;
  state.orders = got.orders;
  state.fetchedAt = at;
  // a refusal stays on its order while the phone lists it, no longer
  const listed = new Set(got.orders.map((o) => String(o.id)));
  const refused = refusedMap();
  for (const id of Object.keys(refused)) if (!listed.has(id)) delete refused[id];
  store(REFUSED_KEY, refused);
  store(ORDERS_KEY, { user: state.session.principal.name, crew: got.crew, orders: got.orders, at });
  render();
}

/** A socket event: fetch again when it names one of the crew's orders, or the crew. */
function onEvent(evt) {
  const data = evt.data || {};
  const mine = new Set(state.orders.map((o) => o.id));
  const named = (data.orders || []).filter((o) => mine.has(o.id) || (state.crew && o.crew === state.crew.code));
  if (!named.length && !(state.crew && data.crew_id === state.crew.id)) return;
  for (const o of named) {
    const had = state.orders.find((x) => x.id === o.id);
    if (o.status === "cancelled" && had && LIVE.has(had.status)) state.banners.set(o.id, o.reason);
  }
  render();
  fetchSoon();
}

/** The outbox heard the server about one result. */
function answered(entry, answer, refusal) {
  const refused = refusedMap();
  if (refusal) {
    refused[entry.order] = { code: refusal.code, message: refusal.message, details: refusal.details, body: entry.body };
  } else delete refused[entry.order];
  store(REFUSED_KEY, refused);
  if (answer?.order) {
    state.orders = state.orders.map((o) => (o.id === answer.order.id ? answer.order : o));
    notice(msg("crew.sent", { order: entry.order }));
  }
  render();
  fetchSoon();
}

function notice(text) {
  const box = $("#list-notice");
  box.textContent = text || "";
  box.hidden = !text;
}

// ----------------------------------------------------------------------------------
// rendering

const isLive = (o) => LIVE.has(o.status);

/** To do: reconnections first (soonest deadline first), then cuts in route order. */
function todoOrder(a, b) {
  const ka = a.kind === "reconnect" ? 0 : 1;
  const kb = b.kind === "reconnect" ? 0 : 1;
  if (ka !== kb) return ka - kb;
  if (ka === 0) return String(a.deadline || "").localeCompare(String(b.deadline || "")) || a.id - b.id;
  return (a.route_no || 0) - (b.route_no || 0) || a.id - b.id;
}

function render() {
  renderHead();
  if (document.body.dataset.view === "login") return;
  renderBanners();
  renderList();
  if (state.open !== null) renderOrder();
  const waiting = outbox.entries().filter((e) => e.user === state.session?.principal.name).length;
  document.body.dataset.queue = String(waiting);
}

function renderHead() {
  const c = state.crew;
  $("#crew-name").textContent = c ? `${c.code} — ${c.name}` : "";
  const names = c ? c.members.map((m) => m.full_name || m.username).join(", ") : "";
  $("#crew-members").textContent = names ? msg("crew.members", { names }) : "";
}

function renderBanners() {
  const box = $("#banners");
  box.replaceChildren(
    ...[...state.banners].map(([id, reason]) =>
      el(
        "div",
        { className: "stop", dataset: { order: String(id), reason: reason || "" } },
        el("strong", {
          text: msg("crew.cancelled_banner", { order: id, reason: lang.t(`field_reason.${reason || "withdrawn"}`) }),
        }),
        el("button", {
          type: "button",
          className: "dismiss",
          text: msg("crew.dismiss"),
          on: {
            click: () => {
              state.banners.delete(id);
              render();
            },
          },
        }),
      ),
    ),
  );
}

function renderList() {
  const queued = new Map(outbox.entries().map((e) => [e.order, e]));
  const refused = refusedMap();
  const todo = state.orders.filter((o) => isLive(o) && !queued.has(o.id)).sort(todoOrder);
  const done = state.orders.filter((o) => !isLive(o) || queued.has(o.id));
  done.sort((a, b) => Number(queued.has(b.id)) - Number(queued.has(a.id)));
  $("#todo").replaceChildren(...todo.map((o) => card(o, queued.get(o.id), refused[o.id])));
  $("#done").replaceChildren(...done.map((o) => card(o, queued.get(o.id), refused[o.id])));
  $("#todo-count").textContent = String(todo.length);
  $("#done-count").textContent = String(done.length);
  const empty = $("#todo-empty");
  empty.hidden = todo.length > 0;
  empty.textContent = msg("crew.nothing");
  $("#updated").textContent = state.fetchedAt ? msg("crew.updated", { at: dateTime(state.fetchedAt) }) : "";
}

/** What an order is now, as the phone knows it: waiting to send, or the server's status. */
function shownStatus(o, entry) {
  if (entry) return "waiting";
  return o.status;
}

function resultWords(o, entry) {
  const r = entry ? entry.body : { outcome: o.status === "done" ? "done" : "not_done", reason: o.reason };
  if (o.status === "cancelled" && !entry) return lang.t(`field_reason.${o.reason || "withdrawn"}`);
  if (r.outcome === "done") return msg(o.kind === "reconnect" ? "crew.done_reconnect" : "crew.done_cut");
  return `${msg("crew.not_done")}: ${lang.t(`field_reason.${r.reason}`)}${r.receipt_no ? ` (${r.receipt_no})` : ""}`;
}

/** An order's lines: where, who, what is owed, and how it ended (or waits to be sent). */
function cardLines(o, entry, refusal) {
  const status = shownStatus(o, entry);
  const late = o.kind === "reconnect" && o.deadline && new Date(o.deadline) < new Date();
  const lines = [
    el(
      "div",
      { className: "card-top" },
      el("span", { className: "route num", text: msg("crew.route_no", { n: o.route_no ?? "—" }) }),
      el("span", { className: `badge kind-${o.kind}`, text: lang.t(`field_kind.${o.kind}`) }),
      el("span", { className: "muted", text: msg("crew.book", { book: o.book_code }) }),
    ),
    el("div", { className: "address", text: o.address }),
    el(
      "div",
      { className: "who" },
      el("strong", { text: o.customer_name }),
      " ",
      el("span", { className: "num muted", text: o.customer_code }),
    ),
    el(
      "div",
      { className: "owes" },
      o.periods ? el("span", { text: msg("crew.periods", { n: o.periods }) }) : null,
      o.overdue ? el("span", { className: "money", text: msg("crew.overdue", { amount: money(o.overdue) }) }) : null,
    ),
  ];
  if (o.kind === "reconnect" && o.deadline) {
    const at = dateTime(o.deadline);
    lines.push(
      el("div", {
        className: `deadline${late ? " late" : ""}`,
        text: msg(late ? "crew.late" : "crew.deadline", { at }),
      }),
    );
  }
  if (!isLive(o) || entry) {
    const when = entry ? entry.body.at : o.done_at;
    lines.push(
      el(
        "div",
        { className: `outcome st-${status}` },
        el("span", { className: "badge", text: entry ? msg("crew.waiting") : lang.t(`field_status.${o.status}`) }),
        " ",
        el("span", { text: resultWords(o, entry) }),
        when ? el("span", { className: "muted", text: ` ${msg("crew.sent_at", { at: time(when) })}` }) : null,
      ),
    );
  }
  if (refusal) {
    lines.push(
      el("div", { className: "error refusal", dataset: { code: refusal.code }, text: lang.explainText(refusal) }),
    );
  }
  return lines;
}

function card(o, entry, refusal) {
  return el(
    "li",
    {
      className: `order kind-${o.kind}`,
      dataset: { id: String(o.id), status: shownStatus(o, entry), kind: o.kind, route: String(o.route_no ?? "") },
    },
    el(
      "button",
      { type: "button", className: "open", on: { click: () => openOrder(o.id) } },
      ...cardLines(o, entry, refusal),
    ),
  );
}

function current() {
  return state.orders.find((o) => o.id === state.open) || null;
}

function renderOrder() {
  const o = current();
  if (!o) {
    closeOrder();
    return;
  }
  const entry = outbox.forOrder(o.id);
  const refusal = refusedMap()[o.id];
  const head = $("#order-head");
  head.replaceChildren(...cardLines(o, entry, refusal));
  head.dataset.id = String(o.id);
  head.dataset.status = shownStatus(o, entry);
  const cancelled = o.status === "cancelled";
  const banner = $("#order-banner");
  banner.hidden = !cancelled;
  const paid = String(o.reason || "").startsWith("paid");
  const why = lang.t(`field_reason.${o.reason || "withdrawn"}`);
  banner.textContent = !cancelled
    ? ""
    : paid
      ? msg("crew.do_not_cut")
      : msg("crew.cancelled_banner", { order: o.id, reason: why });
  const canAct = isLive(o) && !entry;
  $("#order-actions").hidden = !canAct;
  $("#btn-check").hidden = o.kind !== "cut";
  $("#btn-done").textContent = msg(o.kind === "reconnect" ? "crew.done_reconnect" : "crew.done_cut");
  $("#btn-not-done").textContent = msg("crew.not_done");
  const answer = state.checks.get(o.id);
  const box = $("#check-answer");
  box.hidden = !answer;
  box.textContent = answer?.text || "";
  box.dataset.go = answer ? String(answer.go) : "";
  $("#receipt-box").hidden = state.reason !== "paid_on_spot";
  for (const b of $("#reason-list").children) b.setAttribute("aria-pressed", String(b.dataset.reason === state.reason));
}

function openOrder(id) {
  state.open = id;
  state.reason = null;
  $("#reasons").hidden = true;
  $("#note").value = "";
  $("#receipt-no").value = "";
  showError($("#order-error"), null);
  setView("order");
  renderOrder();
  window.scrollTo(0, 0);
}

function closeOrder() {
  state.open = null;
  setView("list");
  render();
}

// ----------------------------------------------------------------------------------
// at the door

async function check() {
  const o = current();
  if (!o) return;
  const btn = $("#btn-check");
  if (!navigator.onLine) {
    state.checks.set(o.id, { go: true, text: msg("crew.check_offline") });
    renderOrder();
    return;
  }
  btn.disabled = true;
  state.checks.set(o.id, { go: true, text: msg("crew.checking") });
  renderOrder();
  try {
    const res = await call(`/api/field/orders/${o.id}/check`, { method: "POST", body: {} });
    if (res.go) {
      const text = res.checked
        ? msg("crew.check_go", { amount: money(res.overdue || 0), n: res.periods || 0 })
        : msg("crew.check_unknown");
      state.checks.set(o.id, { go: true, text });
    } else {
      state.checks.delete(o.id); // the order's own banner says it: do not cut
      state.banners.set(o.id, res.reason || res.order.reason);
    }
    state.orders = state.orders.map((x) => (x.id === res.order.id ? res.order : x));
    render();
    fetchSoon();
  } catch (err) {
    if (err.status === 0) state.checks.set(o.id, { go: true, text: msg("crew.check_offline") });
    else {
      state.checks.delete(o.id);
      showError($("#order-error"), lang.explain(err));
    }
    renderOrder();
  } finally {
    btn.disabled = false;
  }
}

/** Keep a result (outbox first), then back to the list: it is sent when it can be. */
function report(outcome) {
  const o = current();
  if (!o) return;
  const body = { key: newKey(), outcome, at: nowIso() };
  const note = $("#note").value.trim();
  if (note) body.note = note;
  if (outcome === "not_done") {
    if (!state.reason) {
      showError($("#order-error"), msg("crew.pick_reason"));
      return;
    }
    body.reason = state.reason;
    if (state.reason === "paid_on_spot") {
      const receipt = $("#receipt-no").value.trim();
      if (!receipt) {
        showError($("#order-error"), msg("crew.need_receipt"));
        $("#receipt-no").focus();
        return;
      }
      body.receipt_no = receipt;
    }
  }
  const refused = refusedMap();
  delete refused[o.id];
  store(REFUSED_KEY, refused);
  outbox.add(o.id, body, state.session.principal.name);
  notice(msg("crew.queued", { order: o.id }));
  closeOrder();
}

function buildReasons() {
  $("#reason-list").replaceChildren(
    ...REASONS.map((r) =>
      el("button", {
        type: "button",
        className: "reason",
        dataset: { reason: r },
        "aria-pressed": "false",
        text: lang.t(`field_reason.${r}`),
        on: {
          click: () => {
            state.reason = r;
            showError($("#order-error"), null);
            renderOrder();
            if (r === "paid_on_spot") $("#receipt-no").focus();
          },
        },
      }),
    ),
  );
}

// ----------------------------------------------------------------------------------
// sign in / out, the socket

async function onLogin(e) {
  e.preventDefault();
  const box = $("#login-error");
  showError(box, null);
  const btn = $("#login-submit");
  btn.disabled = true;
  try {
    const res = await api("/api/auth/login", {
      method: "POST",
      body: { username: $("#login-username").value.trim(), password: $("#login-password").value, counter: null },
    });
    state.session = { token: res.token, principal: res.principal };
    store(SESSION_KEY, state.session);
    $("#login-password").value = "";
    await enter();
  } catch (err) {
    showError(box, lang.explain(err));
  } finally {
    btn.disabled = false;
  }
}

async function onLogout() {
  const token = state.session?.token;
  signedOut(null);
  await endSession(token);
}

function signedOut(message) {
  if (sock) sock.stop();
  sock = null;
  outbox.who = null;
  outbox.stop();
  state.session = null;
  state.sockOnline = false;
  store(SESSION_KEY, null);
  $("#logout").hidden = true;
  setView("login");
  showNet();
  showError($("#login-error"), message);
}

/** Signed in (or reloaded with a session): the cached list at once, then the server's. */
async function enter() {
  const p = state.session.principal;
  if (p.must_change_password) {
    location.replace("/counters/"); // a one-time password: the counters page asks for their own
    return;
  }
  if (p.role === "field_leader") {
    location.replace("/counters/field.html");
    return;
  }
  if (p.role !== "crew") {
    location.replace("/counters/");
    return;
  }
  const cached = load(ORDERS_KEY, null);
  if (cached && cached.user === p.name) {
    state.crew = cached.crew;
    state.orders = cached.orders || [];
    state.fetchedAt = cached.at;
  }
  $("#logout").hidden = false;
  setView(state.open === null ? "list" : "order");
  render();
  outbox.who = p.name;
  outbox.kick();
  startSocket();
  await fetchOrders();
}

function startSocket() {
  if (sock) sock.stop();
  sock = new HallSocket({
    token: state.session.token,
    view: "crew",
    onStatus: (on) => {
      state.sockOnline = on;
      showNet();
      if (on) outbox.kick();
    },
    onSnapshot: () => {
      fetchSoon(); // (re)connected: what changed meanwhile is in the list
      outbox.kick();
    },
    onEvent,
    onUnauthenticated: () => signedOut(msg("crew.session_expired")),
  });
  sock.start();
}

function registerWorker() {
  // the page's own files kept on the phone: it opens without signal (crew-sw.js)
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker
    .register("/counters/crew-sw.js", { scope: "/counters/crew" })
    .then(() => navigator.serviceWorker.ready)
    .then(() => {
      document.body.dataset.sw = "ready";
    })
    .catch(() => {
      document.body.dataset.sw = "none";
    });
}

function main() {
  lang.apply();
  lang.bindToggle($("#lang-toggle"));
  lang.onChange(() => {
    buildReasons();
    render();
  });
  buildReasons();
  showNet();
  $("#login-form").addEventListener("submit", onLogin);
  $("#logout").addEventListener("click", onLogout);
  $("#back").addEventListener("click", closeOrder);
  $("#refresh").addEventListener("click", () => {
    fetchOrders();
    outbox.kick();
  });
  $("#btn-check").addEventListener("click", check);
  $("#btn-done").addEventListener("click", () => report("done"));
  $("#btn-not-done").addEventListener("click", () => {
    $("#reasons").hidden = false;
    $("#reasons").scrollIntoView({ block: "nearest" });
  });
  $("#btn-send-not-done").addEventListener("click", () => report("not_done"));
  window.addEventListener("online", () => {
    showNet();
    outbox.kick();
    fetchSoon();
  });
  window.addEventListener("offline", showNet);
  registerWorker();
  state.session = load(SESSION_KEY, null);
  if (state.session?.token) enter();
  else {
    setView("login");
    $("#login-username").focus();
  }
}

main();
