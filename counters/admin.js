// The admin pages (docs/admin.md): staff accounts, the password policy, and each hall's
// name, operating parameters, counters, printers and devices. For the company's admin
// (every branch) and a branch admin (their own). Signing in is the counters page's
// (/counters/, which also makes a person with a one-time password choose their own);
// this page reads the session it left in this tab and sends an expired one back there.
// It recovers by itself: a failed load is tried again with a growing wait, and the hall's
// socket brings it back up to date after a drop and on every hall.changed.
import { $, $$, api, endSession, HallSocket, showConnection, showError } from "/static/qms.js";
import { clearForm, hideSecret, msg, notice, submit, texts } from "/counters/admin-common.js";
import { staffSection } from "/counters/admin-staff.js";
import { hallsSection } from "/counters/admin-halls.js";
import { clearSession, loadSession } from "/counters/session.js";

const ADMINS = new Set(["admin", "branch_admin"]); // admin.read
const SIGN_IN = "/counters/?next=admin";
const RETRY_MAX_MS = 5000;

const st = {
  session: null, // {token, principal}
  me: null, // the principal
  org: null, // GET /api/admin/org
  sock: null,
  tab: "staff",
  loading: null, // the load in flight
  again: false,
  retryMs: 500,
  retryTimer: null,
};

function toSignIn() {
  clearSession();
  location.replace(SIGN_IN);
}

async function call(path, opts = {}) {
  try {
    return await api(path, { ...opts, token: st.session?.token });
  } catch (err) {
    // an ended session, or a password to choose first: the sign-in page deals with both
    if (err.status === 401 || err.code === "password_change_required") {
      if (st.sock) st.sock.stop();
      if (err.status === 401) toSignIn();
      else location.replace(SIGN_IN);
    }
    throw err;
  }
}

const ctx = {
  st,
  call,
  post: (path, body = {}) => call(path, { method: "POST", body }),
  patch: (path, body = {}) => call(path, { method: "PATCH", body }),
  put: (path, body = {}) => call(path, { method: "PUT", body }),
  company: () => st.me?.role === "admin",
  branches: () => st.org?.branches || [],
  branch: (id) => (st.org?.branches || []).find((b) => b.id === id) || null,
  reload: () => load(),
};
const staff = staffSection(ctx);
const halls = hallsSection(ctx);

function show(view) {
  document.body.dataset.view = view;
  for (const v of ["staff", "halls", "policy", "denied"]) $(`#${v}-view`).hidden = v !== view;
}

function showTab(tab) {
  if (tab === "policy" && !ctx.company()) tab = "staff";
  st.tab = tab;
  for (const b of $$("#tabs [data-tab]")) b.setAttribute("aria-pressed", String(b.dataset.tab === tab));
  show(tab);
  history.replaceState(null, "", `${location.pathname}${location.search}#${tab}`);
  if (tab === "halls") halls.show();
  // another admin's changes of accounts come by no event of this hall: a tab shows them
  if (st.org) load();
}

// ----------------------------------------------------------------------------------
// loading (again after a failure, a reconnection or a change of the hall)

/** One load at a time; a request for another during it makes one more after it. */
async function load() {
  if (st.loading) {
    st.again = true;
    return st.loading;
  }
  st.loading = (async () => {
    try {
      const [org, list] = await Promise.all([call("/api/admin/org"), call("/api/admin/staff")]);
      st.org = org;
      $("#company-name").textContent = org.company.name || "";
      staff.setList(list.staff);
      render();
      await halls.refreshDevices();
      if (ctx.company()) await loadPolicy();
      st.retryMs = 500;
      showError($("#adm-error"), null);
      document.body.dataset.loaded = "true";
    } catch (err) {
      if (err.status === 401 || err.code === "password_change_required") return;
      showError($("#adm-error"), texts.explain(err));
      if (err.code === "network" || err.status >= 500 || err.status === 0) retryLater();
    }
  })();
  try {
    await st.loading;
  } finally {
    st.loading = null;
    if (st.again) {
      st.again = false;
      load();
    }
  }
}

function retryLater() {
  clearTimeout(st.retryTimer);
  st.retryTimer = setTimeout(load, st.retryMs);
  st.retryMs = Math.min(st.retryMs * 2, RETRY_MAX_MS);
}

function render() {
  staff.render();
  halls.render();
}

// ----------------------------------------------------------------------------------
// the password policy (the company's admin)

async function loadPolicy() {
  const p = await call("/api/admin/policy");
  const form = $("#policy-form");
  if (form.dataset.error || form.dataset.dirty) return; // what the admin typed stays
  form.dataset.version = p.version;
  form.elements.min_length.value = p.min_length;
  form.elements.require_digit.checked = p.require_digit;
  form.elements.require_letter.checked = p.require_letter;
  form.elements.forbid_username.checked = p.forbid_username !== false;
}

async function savePolicy(e) {
  e.preventDefault();
  const form = $("#policy-form");
  const f = form.elements;
  const out = await submit(
    form,
    () =>
      ctx.put("/api/admin/policy", {
        version: Number(form.dataset.version),
        min_length: Number(f.min_length.value),
        require_digit: f.require_digit.checked,
        require_letter: f.require_letter.checked,
        forbid_username: f.forbid_username.checked,
      }),
    {
      reload: async () => {
        const p = await call("/api/admin/policy");
        form.dataset.version = p.version;
        return msg("policy_now", p);
      },
    },
  );
  if (out) {
    form.dataset.version = out.version;
    form.dataset.dirty = "";
    notice(msg("saved_policy"));
  }
}

// ----------------------------------------------------------------------------------

function startSocket() {
  if (st.sock) st.sock.stop();
  st.sock = new HallSocket({
    token: st.session.token,
    view: "display", // the lightest view: the hall's events and the session's end
    onStatus: (online) => showConnection(online),
    onSnapshot: () => load(), // after a drop: what changed meanwhile
    onEvent: (evt) => {
      if (evt.event === "hall.changed" || evt.event === "device.enrolled") load();
    },
    onUnauthenticated: () => toSignIn(),
  });
  st.sock.start();
}

async function enter() {
  let me;
  try {
    me = await call("/api/me");
  } catch (err) {
    if (err.status !== 401 && err.code !== "password_change_required") {
      showError($("#adm-error"), texts.explain(err));
      if (err.code === "network") setTimeout(enter, 2000);
    }
    return;
  }
  const p = me.principal;
  st.me = p;
  $("#whoami").textContent = `${p.full_name || p.name} (${p.name})`;
  if (!ADMINS.has(p.role)) {
    $("#tabs").hidden = true;
    show("denied");
    return;
  }
  document.body.dataset.company = String(ctx.company());
  document.body.dataset.role = p.role;
  const wanted = location.hash.slice(1);
  showTab(["staff", "halls", "policy"].includes(wanted) ? wanted : "staff");
  startSocket();
  await load();
}

async function onLogout() {
  const token = st.session?.token;
  if (st.sock) st.sock.stop();
  await endSession(token);
  toSignIn();
}

function keys(e) {
  if (e.key === "Escape") {
    // close the open form without saving (what was typed is dropped on purpose)
    const open = $$("form.adm-form:not([hidden]) .cancel").find((b) => b.offsetParent !== null);
    if (open) {
      e.preventDefault();
      open.click();
    }
  } else if (e.altKey && (e.key === "n" || e.key === "N") && st.tab === "staff") {
    e.preventDefault();
    staff.openNew();
  }
}

function main() {
  texts.apply();
  showConnection(false);
  st.session = loadSession();
  if (!st.session?.token) {
    toSignIn();
    return;
  }
  for (const b of $$("#tabs [data-tab]")) b.addEventListener("click", () => showTab(b.dataset.tab));
  $("#logout").addEventListener("click", onLogout);
  $("#policy-form").addEventListener("submit", savePolicy);
  $("#policy-form").addEventListener("input", (e) => {
    e.currentTarget.dataset.dirty = "true";
  });
  $("#secret-done").addEventListener("click", hideSecret);
  $("#secret-copy").addEventListener("click", () => navigator.clipboard?.writeText($("#secret-value").textContent));
  document.addEventListener("keydown", keys);
  window.addEventListener("online", () => load());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && st.org) load();
  });
  staff.wire();
  halls.wire();
  clearForm($("#policy-form"));
  enter();
}

main();
