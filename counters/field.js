// The team leader's field board (docs/field.md): pull the day's disconnection list from
// CMIS by book, assign it to crews by hand or balanced, keep the crews, watch the open
// reconnections count down and the supply changes CMIS refused, print each crew's papers,
// close the round. GET /api/field counts each book (by status, by crew); a book opened
// fetches its orders (GET /api/field/books/{code}). Both are fetched again (coalesced),
// the summary and the books open only, whenever the `field` view of the websocket hears
// a field.* event, so a crew's result or a payment's reconnection shows without a reload. The supervisor and the team leader act; the head
// cashier and the admin read (the buttons their role may not use are hidden).
import { $, api, endSession, el, HallSocket, showConnection, showError } from "/static/qms.js";
import { date, time } from "/static/format.js";
import { act, fail, msg, notice, texts } from "/counters/field-common.js";
import { crewsPanel } from "/counters/field-crews.js";
import { orderList } from "/counters/field-list.js";
import { reconnectPanel } from "/counters/field-reconnect.js";

/** The counters page keeps its session here too: signed in at /counters/ is signed in here. */
const SESSION_KEY = "qms.session";
const READERS = new Set(["field_leader", "supervisor", "head_cashier", "admin"]); // field.read
const MANAGERS = new Set(["field_leader", "supervisor"]); // field.manage
const REFRESH_MS = 120; // a burst of events makes one fetch
const TICK_MS = 15000; // the reconnections' time left

const st = {
  session: null, // {token, principal}
  sock: null,
  data: null, // the last GET /api/field (the books counted; their orders: field-list.js)
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

const canManage = () => MANAGERS.has(st.session?.principal?.role);

/** What the board's parts share: its state, the API, and a fresh fetch. */
const ctx = {
  st,
  call,
  post,
  refresh: () => refresh(),
  signedOut: (err) => signedOut(err),
  allOrders: () => allOrders(),
  onSelect: () => {
    list.syncTicks();
    list.renderSelection();
  },
  /** A book's orders came: the refusals may name its customers, ticks may have gone. */
  afterBook: () => {
    reconnect.renderRefusals();
    list.syncTicks();
    list.renderSelection();
  },
};
const list = orderList(ctx);
const crews = crewsPanel(ctx);
const reconnect = reconnectPanel(ctx, list);

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
  await endSession(token);
}

function signedOut(err) {
  if (st.sock) st.sock.stop();
  st.sock = null;
  clearInterval(st.clock);
  st.clock = null;
  st.session = null;
  st.data = null;
  st.selected.clear();
  list.forget();
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
    // a one-time password: the counters page asks for their own, then sends them back
    if (err.code === "password_change_required") location.replace("/counters/");
    else if (err.status !== 401) fail($("#login-error"), err);
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
  st.clock = setInterval(reconnect.render, TICK_MS);
}

function startSocket() {
  if (st.sock) st.sock.stop();
  st.sock = new HallSocket({
    token: st.session.token,
    view: "field",
    onStatus: (online) => showConnection(online),
    onSnapshot: () => queueRefresh(), // after a (re)connection: what was missed is in the answer
    onEvent: (evt) => {
      // a pull or a balanced assignment comes in parts: the board is fetched at the last
      const data = evt.data || {};
      const partial = Number.isInteger(data.part) && data.part < data.parts;
      if (String(evt.event || "").startsWith("field.") && !partial) queueRefresh();
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

/** One fetch of the summary at a time; events during it make one more after it. Each
 * book open is fetched again after it (one fetch at a time per book, a few books at once). */
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
    list.reloadOpen();
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

/** The orders the page holds: the open books' and the reconnections. */
function allOrders() {
  return [...list.orders(), ...(st.data?.reconnections || [])];
}

function render() {
  list.prune();
  for (const c of st.data.crew_list || []) {
    for (const m of c.members) st.people.set(m.username, m.full_name);
  }
  renderRound();
  list.render();
  crews.render();
  reconnect.render();
  reconnect.renderRefusals();
  list.renderSelection();
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

function main() {
  texts.apply();
  showConnection(false);
  $("#login-form").addEventListener("submit", onLogin);
  $("#logout").addEventListener("click", onLogout);
  $("#pull-form").addEventListener("submit", onPull);
  list.wire();
  crews.wire();
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
