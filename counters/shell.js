// Staff counters: sign in, then the screen of the counter signed in at (lookup.js,
// cashier.js, reception.js) or the supervisor's hall view (supervisor.js); the head
// cashier and the supervisor also reach the cash section (cash.js), the cashier has a
// drawer (drawer.js). This shell owns the session, the socket and the state the screens
// share (ctx), and switches screens; each screen keeps its own state inside it.
import { $, api, endSession, el, HallSocket, HallState, showConnection, showError } from "/static/qms.js";
import { counterMessage, texts, msg } from "/counters/common.js";
import { drawerPanel } from "/counters/drawer.js";
import { cashSection } from "/counters/cash.js";
import { lookupScreen } from "/counters/lookup.js";
import { cashierScreen } from "/counters/cashier.js";
import { receptionScreen } from "/counters/reception.js";
import { supervisorScreen } from "/counters/supervisor.js";
import { newPasswordForm } from "/counters/new-password.js";

const SESSION_KEY = "qms.session";
const VIEWS = ["login", "password", "lookup", "cashier", "reception", "supervisor", "nocounter", "cash"];
const CASH_ROLES = new Set(["head_cashier", "supervisor", "admin"]); // cash.read
const EXPIRED = msg("session_expired");
/** The field roles sign in here too, then go to their own page: the crew's phone, the
 * team leader's board; and the branch admin to the admin pages. */
const FIELD_PAGES = {
  crew: "/counters/crew.html",
  field_leader: "/counters/field.html",
  branch_admin: "/counters/admin.html",
};
/** The admin pages send an ended session here with ?next=admin: back there after it. */
const NEXT_PAGES = { admin: { page: "/counters/admin.html", roles: new Set(["admin", "branch_admin"]) } };
/** A hall watched from the company view (docs/company.md): /counters/?branch=ID opens its
 * supervisor's board read-only, for the company view's roles. */
const WATCH = new URLSearchParams(location.search).get("branch");
const WATCHERS = new Set(["admin", "finance", "branch_admin"]);
/** The finance manager's page is the company view (docs/company.md). */
const COMPANY_PAGE = "/counters/company.html";

/** What the screens share; only the shell changes session and mode. */
const ctx = {
  session: null, // {token, principal, counters, branch}
  hall: new HallState(), // the tickets and counters of the hall, live from the socket
  mode: "login", // the screen on show
  call,
  post,
  queueRender,
  counterName,
  drawer: null, // the cashier's drawer panel (drawer.js): the cashier screen starts it
};
ctx.drawer = drawerPanel(ctx);
// the cash section of the head cashier and the supervisor (cash.js), the page's second tab
const cash = cashSection(ctx);
const shell = {
  sock: null,
  home: "login", // the signed-in person's own screen; the cash section is the other tab
  renderTimer: null,
};
// a one-time password (new account, reset): the person chooses their own first
const newPassword = newPasswordForm({ call, onDone: () => enter() });
const screens = {
  lookup: lookupScreen(ctx),
  cashier: cashierScreen(ctx),
  reception: receptionScreen(ctx),
  supervisor: supervisorScreen(ctx),
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

function clearSession() {
  try {
    sessionStorage.removeItem(SESSION_KEY);
  } catch {
    /* ignore */
  }
}

/** An API call with the session token; an expired session sends the user to sign in. */
async function call(path, opts = {}) {
  try {
    return await api(path, { ...opts, token: ctx.session?.token });
  } catch (err) {
    if (err.status === 401) signedOut(EXPIRED);
    throw err;
  }
}

function post(path, body = {}) {
  return call(path, { method: "POST", body });
}

function setMode(m) {
  ctx.mode = m;
  document.body.dataset.view = m;
  for (const v of VIEWS) $(`#${v}-view`).hidden = v !== m;
}

/** Many events in one frame make one render. */
function queueRender() {
  if (shell.renderTimer) return;
  shell.renderTimer = setTimeout(() => {
    shell.renderTimer = null;
    render();
  }, 16);
}

function render() {
  const screen = screens[ctx.mode];
  if (screen) screen.render();
}

function errorBox() {
  const prefix =
    { lookup: "lookup", cashier: "cashier", reception: "rc", supervisor: "sv", cash: "cash" }[ctx.mode] || "login";
  return $(`#${prefix}-error`);
}

function counterName(code) {
  const c = ctx.session?.counters.find((x) => x.code === code);
  return c ? c.name : code;
}

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
    ctx.session = { token: res.token, principal: res.principal };
    saveSession(ctx.session);
    const typed = $("#login-password").value;
    $("#login-password").value = "";
    if (res.principal?.must_change_password) {
      choosePassword(typed);
      return;
    }
    await enter();
  } catch (err) {
    showError(box, { code: err.code, message: counterMessage(err) || err.message });
  } finally {
    btn.disabled = false;
  }
}

async function onLogout() {
  const token = ctx.session?.token;
  signedOut(null);
  await endSession(token);
}

/** The page that sent the person to sign in (?next=admin), if theirs: go back there. */
function goOn(p) {
  const next = NEXT_PAGES[new URLSearchParams(location.search).get("next")];
  if (!next?.roles.has(p.role)) return false;
  location.replace(next.page);
  return true;
}

function choosePassword(typed) {
  $("#logout").hidden = false;
  setMode("password");
  newPassword.open(typed);
}

function signedOut(message) {
  if (shell.sock) shell.sock.stop();
  shell.sock = null;
  screens.supervisor.stop();
  ctx.drawer.stop();
  cash.stop();
  $("#tabs").hidden = true;
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  ctx.session = null;
  clearSession();
  newPassword.forget();
  ctx.hall.snapshot({});
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
    if (err.code === "password_change_required") choosePassword(null);
    else if (err.status !== 401) showError($("#login-error"), err);
    return;
  }
  const session = ctx.session;
  session.principal = me.principal;
  session.counters = me.counters;
  session.branch = me.branch;
  saveSession(session); // as it is now (a password chosen since sign-in): other pages read it
  rememberCounters(me.counters);
  const p = me.principal;
  $("#branch-name").textContent = me.branch.name;
  $("#whoami").textContent = `${p.full_name || p.name} (${p.name})`;
  $("#logout").hidden = false;
  const counter = me.counters.find((c) => c.code === p.counter) || null;
  $("#counter-label").textContent = counter ? `${counter.code} — ${counter.name}` : "";
  $("#sv-admin").hidden = p.role !== "admin";

  if (goOn(p)) return;
  let view = null;
  if (WATCH && !counter && WATCHERS.has(p.role)) {
    document.body.dataset.watch = WATCH;
    $("#counter-label").replaceChildren(el("a", { href: "/counters/company.html", text: msg("to_company") }));
    setMode("supervisor");
    shell.home = ctx.mode;
    screens.supervisor.start({ watch: true });
    startSocket("supervisor", WATCH);
    return;
  }
  if (counter && counter.kind === "lookup") {
    setMode("lookup");
    view = `lookup-${counter.parity}`;
    screens.lookup.enter(counter);
  } else if (counter && counter.kind === "cashier") {
    setMode("cashier");
    view = `cashier:${counter.code}`;
    screens.cashier.enter(counter);
  } else if (counter && counter.kind === "reception") {
    setMode("reception");
    view = "display"; // reception sees tickets' progress; issuing is over HTTP
    screens.reception.enter();
  } else if (["supervisor", "admin", "head_cashier"].includes(p.role)) {
    setMode("supervisor");
    view = "supervisor";
    screens.supervisor.start();
  } else if (p.role === "finance") {
    location.replace(COMPANY_PAGE);
    return;
  } else if (FIELD_PAGES[p.role]) {
    location.replace(FIELD_PAGES[p.role]); // field work has pages of its own (docs/field.md)
    return;
  } else {
    setMode("nocounter");
    return;
  }
  shell.home = ctx.mode;
  $("#sv-company").hidden = !WATCHERS.has(p.role); // the company view's roles
  setupTabs(p, counter);
  startSocket(view);
}

/** The cash section is a second tab for the roles that read the hall's cash. */
function setupTabs(p, counter) {
  const allowed = CASH_ROLES.has(p.role);
  $("#tabs").hidden = !allowed;
  if (!allowed) return;
  // a counter's own screen or the hall view; written as every static text of the page
  $("#tab-home-label").dataset.i18n = counter ? "tab_counter" : "tab_hall";
  texts.apply($("#tabs"));
  cash.start({ principal: p, onUnauthorized: () => signedOut(EXPIRED) });
  showTab(location.hash === "#cash" ? "cash" : "home");
}

function showTab(which) {
  const onCash = which === "cash";
  setMode(onCash ? "cash" : shell.home);
  $("#tab-cash").setAttribute("aria-pressed", String(onCash));
  $("#tab-home").setAttribute("aria-pressed", String(!onCash));
  history.replaceState(null, "", location.pathname + location.search + (onCash ? "#cash" : ""));
  if (onCash) cash.show();
  else {
    cash.hide();
    queueRender();
  }
}

function startSocket(view, branch = null) {
  if (shell.sock) shell.sock.stop();
  ctx.hall.snapshot({});
  shell.sock = new HallSocket({
    token: ctx.session.token,
    view,
    branch,
    onStatus: (online) => {
      showConnection(online);
      if (online) {
        ctx.drawer.refresh(); // events missed while offline are replayed too; this is cheap
        cash.refresh();
      }
    },
    onSnapshot: (data) => {
      if (branch && data.branch) $("#branch-name").textContent = data.branch.name; // the watched hall's
      ctx.hall.snapshot(data);
      screens.supervisor.onSnapshot(data);
      screens.reception.onSnapshot(data);
      screens.cashier.onSnapshot(data);
      ctx.drawer.refresh();
      cash.refresh();
      queueRender();
    },
    onEvent: (evt) => {
      ctx.hall.event(evt);
      ctx.drawer.event(evt);
      cash.event(evt);
      screens.reception.onEvent(evt);
      screens.supervisor.onEvent(evt);
      screens.cashier.onEvent(evt);
      queueRender();
    },
    onError: (frame) => showError(errorBox(), frame),
    onUnauthenticated: () => signedOut(EXPIRED),
  });
  shell.sock.start();
}

// ----------------------------------------------------------------------------------

/** The desks named by /api/me at the last sign-in in this browser (the server lists a
 * branch's counters only to someone signed in there), else those written in the page. */
const COUNTERS_KEY = "qms.counters";

function loadCounters() {
  let counters = null;
  try {
    counters = JSON.parse(localStorage.getItem(COUNTERS_KEY) || "null");
  } catch {
    counters = null;
  }
  if (!Array.isArray(counters) || counters.length === 0) return;
  const select = $("#login-counter");
  const keep = select.value;
  for (const opt of [...select.options]) if (opt.value) opt.remove();
  for (const c of counters) {
    select.append(el("option", { value: c.code, text: `${c.code} — ${c.name}` }));
  }
  select.value = keep;
}

function rememberCounters(counters) {
  try {
    const desks = counters.map((c) => ({ code: c.code, name: c.name }));
    localStorage.setItem(COUNTERS_KEY, JSON.stringify(desks));
  } catch {
    /* storage unavailable: the page's own list */
  }
}

function main() {
  texts.apply(); // the page's static words from the catalogue (page-texts.js)
  showConnection(false);
  loadCounters();
  $("#login-form").addEventListener("submit", onLogin);
  $("#logout").addEventListener("click", onLogout);
  newPassword.wire();
  $("#tab-home").addEventListener("click", () => showTab("home"));
  $("#tab-cash").addEventListener("click", () => showTab("cash"));
  screens.lookup.wire();
  screens.cashier.wire();
  screens.reception.wire();
  document.addEventListener("keydown", (e) => {
    const screen = screens[ctx.mode];
    if (screen?.keys) screen.keys(e);
  });
  ctx.session = loadSession();
  if (ctx.session?.token) {
    enter();
  } else {
    setMode("login");
    $("#login-username").focus();
  }
}

main();
