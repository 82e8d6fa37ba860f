// The year-end inventory's page (docs/inventory.md, "The pages"). The supervisor opens a
// session, watches each book's count live (the websocket's `inventory` view), compares
// with CMIS, counts the cash by note, downloads the record and closes. A clerk takes a
// book and scans: the scan box keeps the keyboard (a USB scanner types the code and
// Enter), and every scan is answered at once, green, amber (a double) or red (a refusal
// in the hall's words for its code). Each scan carries a key made once: an answer lost
// on the way (no network, a 5xx) sends it again with the same key, and the server answers
// the first scan again instead of counting a false double. Once compared, the session
// shows the record: each book's totals and its differences with what each means.
// Server text is only ever set as textContent.
import { $, api, endSession, el, HallSocket, money, showConnection, showError } from "/static/qms.js";
import { newKey } from "/counters/crew-outbox.js";
import { BOTH, Catalogue } from "/static/i18n.js";
import { SHARED_TEXTS } from "/static/texts.js";
import { INVENTORY_TEXTS } from "/counters/inventory-texts.js";

const texts = new Catalogue({ ...SHARED_TEXTS, ...INVENTORY_TEXTS }, { lang: BOTH });
const msg = (key, vars) => texts.t(key, vars);
/** The counters page's sign-in, shared in this tab (counters/shell.js). */
const SESSION_KEY = "qms.session";
const MAY = {
  manage: new Set(["supervisor", "admin"]),
  scan: new Set(["lookup", "head_cashier", "supervisor"]),
  cash: new Set(["head_cashier", "supervisor"]),
};
const VIEWS = ["login", "list", "session", "scan"];
// no answer from the hall (no network, a timeout, a 5xx): the scan is sent again, same key
const NO_ANSWER = (err) => err.status === 0 || err.status === 408 || err.status === 429 || err.status >= 500;
const RESEND_MS = [300, 1000, 2500];
const RECORD_KINDS = ["missing_list", "at_counter_list", "extra_list", "double_list"];

const st = {
  token: null,
  principal: null,
  socket: null,
  inventories: [],
  current: null, // the session on show, as GET /api/inventories/{id} gives it
  book: null, // the book this clerk is counting
  scans: Promise.resolve(), // scans answered in the order they were typed
  unsent: new Map(), // "book code" -> the key of a scan that got no answer: scanned again, the same key
  notes: new Map(), // note -> its count box
};

const may = (what) => MAY[what].has(st.principal?.role);

function setView(name) {
  document.body.dataset.view = name;
  for (const v of VIEWS) $(`#${v}-view`).hidden = v !== name;
  if (name === "scan") $("#scan-code").focus();
}

// --- sign-in ------------------------------------------------------------------------

function loadSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
  } catch {
    return null;
  }
}

function saveSession() {
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ token: st.token, principal: st.principal }));
  } catch {
    /* storage unavailable: the session lives as long as the page */
  }
}

function signedOut(err) {
  st.socket?.stop();
  st.socket = null;
  st.token = st.principal = null;
  try {
    sessionStorage.removeItem(SESSION_KEY);
  } catch {
    /* ignore */
  }
  $("#whoami").textContent = "";
  $("#logout").hidden = true;
  setView("login");
  showError($("#login-error"), err || null);
  $("#login-username").focus();
}

/** An API call with the session's token; a lapsed session asks to sign in again. */
async function call(path, opts = {}) {
  try {
    return await api(path, { ...opts, token: st.token });
  } catch (err) {
    if (err.status === 401) signedOut(err);
    throw err;
  }
}

async function onLogin(e) {
  e.preventDefault();
  showError($("#login-error"), null);
  try {
    const res = await api("/api/auth/login", {
      method: "POST",
      body: { username: $("#login-username").value.trim(), password: $("#login-password").value, counter: null },
    });
    $("#login-password").value = "";
    st.token = res.token;
    st.principal = res.principal;
    saveSession();
    await start();
  } catch (err) {
    showError($("#login-error"), err);
  }
}

async function onLogout() {
  const token = st.token;
  signedOut(null);
  await endSession(token);
}

async function start() {
  const me = await call("/api/me");
  st.principal = me.principal;
  $("#branch-name").textContent = me.branch.name;
  $("#whoami").textContent = me.principal.full_name || me.principal.name;
  $("#logout").hidden = false;
  st.socket?.stop();
  st.socket = new HallSocket({
    token: st.token,
    view: "inventory",
    onStatus: showConnection,
    onSnapshot: () => refresh(),
    onEvent: onEvent,
    onUnauthenticated: (frame) => signedOut(frame),
  }).start();
  await showList();
}

// --- the sessions -------------------------------------------------------------------

async function showList() {
  st.current = null;
  st.book = null;
  showError($("#list-error"), null);
  try {
    st.inventories = (await call("/api/inventories")).inventories;
  } catch (err) {
    showError($("#list-error"), err);
    st.inventories = [];
  }
  const rows = st.inventories.map((i) =>
    el(
      "tr",
      { dataset: { inventory: String(i.id) } },
      el("td", { className: "num", text: i.id }),
      el("td", { text: i.title }),
      el("td", {}, el("span", { className: "badge", text: msg(`inventory.${i.status}`) })),
      el("td", {}, el("button", { type: "button", text: msg("inv.choose"), on: { click: () => showSession(i.id) } })),
    ),
  );
  if (!rows.length) rows.push(el("tr", { className: "empty" }, el("td", { text: msg("inv.no_sessions") })));
  $("#inv-list tbody").replaceChildren(...rows);
  $("#open-form").hidden = !may("manage");
  if (may("manage") && !$("#open-members").children.length) {
    for (let n = 0; n < 3; n++) addMember();
  }
  setView("list");
}

function addMember() {
  const n = $("#open-members").children.length + 1;
  $("#open-members").append(
    el(
      "div",
      { className: "member" },
      el("input", {
        className: "member-name",
        placeholder: msg("inv.member_name"),
        "aria-label": `${msg("inv.member_name")} ${n}`,
      }),
      el("input", {
        className: "member-role",
        placeholder: msg("inv.member_role"),
        "aria-label": `${msg("inv.member_role")} ${n}`,
      }),
    ),
  );
}

async function onOpen(e) {
  e.preventDefault();
  showError($("#open-error"), null);
  const committee = [...$("#open-members").children]
    .map((row) => ({ name: $(".member-name", row).value.trim(), role: $(".member-role", row).value.trim() }))
    .filter((m) => m.name || m.role);
  const books = $("#open-books")
    .value.split(/[\s,;]+/)
    .map((b) => b.trim().toUpperCase())
    .filter(Boolean);
  try {
    const inv = await call("/api/inventories", {
      method: "POST",
      body: { title: $("#open-title").value, committee, books },
    });
    $("#open-form").reset();
    await showSession(inv.id);
  } catch (err) {
    showError($("#open-error"), err);
  }
}

// --- one session ---------------------------------------------------------------------

async function showSession(id) {
  showError($("#session-error"), null);
  showError($("#session-notice"), null);
  try {
    st.current = await call(`/api/inventories/${id}`);
  } catch (err) {
    showError($("#list-error"), err);
    return;
  }
  renderSession();
  setView("session");
}

/** The session again from the server (after a reconnect or a change of its life). */
async function refresh() {
  if (!st.current) return;
  try {
    st.current = await call(`/api/inventories/${st.current.id}`);
    renderSession();
  } catch {
    /* the socket's next snapshot tries again */
  }
}

/** Once compared, the record as the committee reads it: each book's totals, then each
 * difference with what it means for the hall. */
async function showRecord() {
  const inv = st.current;
  if (!inv?.compared_at) {
    $("#record").hidden = true;
    return;
  }
  let rec;
  try {
    rec = await call(`/api/inventories/${inv.id}/record`);
  } catch (err) {
    showError($("#session-error"), err);
    return;
  }
  if (st.current?.id !== inv.id) return;
  const cell = (text, className = "num") => el("td", { className, text: String(text) });
  $("#record-books tbody").replaceChildren(
    ...[...rec.books, { book_code: msg("inv.total"), ...rec.totals }].map((b) =>
      el(
        "tr",
        { dataset: { book: b.book_code } },
        cell(b.book_code, ""),
        cell(b.expected),
        cell(b.matched),
        cell(b.at_counter),
        cell(b.missing),
        cell(b.extra),
        cell(b.doubles),
      ),
    ),
  );
  const lines = rec.books.flatMap((b) =>
    RECORD_KINDS.flatMap((list) =>
      b[list].map((item) => {
        const kind = item.why || list.replace(/_list$/, "");
        return el(
          "tr",
          { dataset: { book: b.book_code, kind, paper: `${item.series}${item.number}` } },
          cell(b.book_code, ""),
          el("td", { className: "kind", text: msg(`inventory_difference.${kind}`) }),
          cell(`${item.series} ${item.number}`),
          cell(item.total === undefined ? "" : money(item.total), "money"),
          el("td", { className: "action", text: msg(`inventory_action.${kind}`) }),
        );
      }),
    ),
  );
  $("#record-diffs tbody").replaceChildren(...lines);
  $("#record-none").hidden = lines.length > 0;
  $("#record").hidden = false;
}

function renderSession() {
  const inv = st.current;
  const open = inv.status === "open";
  $("#inv-title").textContent = `${inv.id}. ${inv.title}`;
  const badge = $("#inv-status");
  badge.textContent = msg(`inventory.${inv.status}`);
  badge.className = `badge ${open ? "info" : "ok"}`;
  badge.dataset.status = inv.status;
  $("#inv-books tbody").replaceChildren(...inv.books.map(bookRow));
  $("#manage").hidden = !may("manage");
  $("#inv-compare").disabled = !open;
  $("#inv-close").disabled = !open || !inv.compared_at;
  $("#cash-form").hidden = !may("cash") || !open;
  if (may("cash")) renderCash();
  showRecord();
}

function bookRow(b) {
  const mayTake = may("scan") && st.current.status === "open";
  return el(
    "tr",
    { dataset: { book: b.book_code, status: b.status } },
    el("td", { className: "num", text: b.book_code }),
    el("td", { text: msg(`inventory_book.${b.status}`) }),
    el("td", { text: b.clerk || "" }),
    el("td", { className: "num scanned", text: b.scanned }),
    el("td", { className: `num doubles${b.doubles ? " warn" : ""}`, text: b.doubles }),
    el(
      "td",
      {},
      mayTake
        ? el("button", { type: "button", text: msg("inv.count_book"), on: { click: () => takeBook(b.book_code) } })
        : null,
    ),
  );
}

function onEvent(evt) {
  const d = evt.data || {};
  if (evt.event === "inventory.opened" || evt.event === "inventory.closed") {
    if (st.current && d.inventory?.id === st.current.id) refresh();
    else if (!st.current && document.body.dataset.view === "list") showList();
    return;
  }
  if (!st.current || d.inventory_id !== st.current.id) return;
  if (d.book) {
    const at = st.current.books.findIndex((b) => b.book_code === d.book.book_code);
    if (at >= 0) st.current.books[at] = d.book;
    const row = $(`#inv-books tr[data-book="${CSS.escape(d.book.book_code)}"]`);
    if (row) row.replaceWith(bookRow(d.book));
  } else if (d.cash) {
    st.current.cash = [...st.current.cash.filter((c) => c.holder !== d.cash.holder), d.cash];
    if (may("cash")) renderCash();
  } else {
    refresh(); // compared
  }
}

async function compare() {
  showError($("#session-error"), null);
  showError($("#session-notice"), null);
  $("#inv-compare").disabled = true;
  try {
    const res = await call(`/api/inventories/${st.current.id}/compare`, { method: "POST" });
    showError($("#session-notice"), msg("inv.compared", { n: res.invoices }));
    await refresh();
  } catch (err) {
    showError($("#session-error"), err);
  } finally {
    $("#inv-compare").disabled = st.current.status !== "open";
  }
}

async function closeSession() {
  showError($("#session-error"), null);
  try {
    await call(`/api/inventories/${st.current.id}/close`, { method: "POST" });
    await refresh();
  } catch (err) {
    showError($("#session-error"), err);
  }
}

/** The record as a file: fetched with the token (a plain link would carry none). */
async function download(format) {
  showError($("#session-error"), null);
  const id = st.current.id;
  try {
    const res = await fetch(`/api/inventories/${id}/record?format=${format}`, {
      headers: { Authorization: `Bearer ${st.token}` },
      cache: "no-store",
    });
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      const e = body.error || {};
      throw Object.assign(new Error(e.message || `HTTP ${res.status}`), { code: e.code, details: e.details || {} });
    }
    const url = URL.createObjectURL(await res.blob());
    const a = el("a", { href: url, download: `kiem-ke-${id}.${format}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (err) {
    showError($("#session-error"), err);
  }
}

// --- cash by note --------------------------------------------------------------------

function renderCash() {
  const notes = st.current.denominations || [];
  if ([...st.notes.keys()].join() !== notes.join()) {
    st.notes.clear();
    $("#cash-notes tbody").replaceChildren(
      ...notes.map((note) => {
        const box = el("input", { id: `cash-${note}`, className: "count", inputmode: "numeric", autocomplete: "off" });
        box.addEventListener("input", cashTotal);
        st.notes.set(note, box);
        return el(
          "tr",
          { dataset: { note: String(note) } },
          el("th", { className: "money", text: money(note) }),
          el("td", { text: "×" }),
          el("td", {}, box),
        );
      }),
    );
  }
  const counted = [...st.current.cash].sort((a, b) => a.holder.localeCompare(b.holder));
  $("#cash-counted tbody").replaceChildren(
    ...counted.map((c) =>
      el(
        "tr",
        { dataset: { holder: c.holder } },
        el("td", { text: c.holder }),
        el("td", { className: "money", text: money(c.total) }),
        el("td", { className: "muted", text: c.counted_by }),
      ),
    ),
  );
}

function cashNotes() {
  const out = {};
  for (const [note, box] of st.notes) {
    const n = Number.parseInt(box.value, 10);
    if (n > 0) out[String(note)] = n;
  }
  return out;
}

function cashTotal() {
  const sum = Object.entries(cashNotes()).reduce((s, [note, n]) => s + Number(note) * n, 0);
  $("#cash-total").textContent = money(sum);
}

async function onCash(e) {
  e.preventDefault();
  showError($("#cash-error"), null);
  try {
    await call(`/api/inventories/${st.current.id}/cash`, {
      method: "POST",
      body: { holder: $("#cash-holder").value, notes: cashNotes() },
    });
    $("#cash-form").reset();
    cashTotal();
    await refresh();
  } catch (err) {
    showError($("#cash-error"), err);
  }
}

// --- a clerk counting a book ------------------------------------------------------------

async function takeBook(book) {
  showError($("#session-error"), null);
  try {
    const b = await call(`/api/inventories/${st.current.id}/books/${encodeURIComponent(book)}/take`, {
      method: "POST",
    });
    st.book = book;
    $("#scan-book").textContent = book;
    $("#scan-count").textContent = String(b.scanned);
    $("#scan-answer").hidden = true;
    setView("scan");
  } catch (err) {
    showError($("#session-error"), err);
  }
}

function answer(kind, text, code) {
  const box = $("#scan-answer");
  box.className = `scan-answer ${kind}`;
  box.dataset.kind = kind;
  if (code) box.dataset.code = code;
  else delete box.dataset.code;
  box.textContent = text;
  box.hidden = false;
}

/** One scan, sent until the hall answers (a few tries), always with the same key. */
async function sendScan(path, body) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call(path, { method: "POST", body });
    } catch (err) {
      if (!NO_ANSWER(err) || attempt >= RESEND_MS.length) throw err;
      await new Promise((done) => setTimeout(done, RESEND_MS[attempt]));
    }
  }
}

async function scanOne(code) {
  const path = `/api/inventories/${st.current.id}/books/${encodeURIComponent(st.book)}/scan`;
  // a paper scanned again after its scan got no answer at all: the same key, no false double
  const unsent = `${st.book} ${code.replace(/\s+/g, "").toUpperCase()}`;
  const key = st.unsent.get(unsent) || newKey();
  try {
    const res = await sendScan(path, { code, key });
    st.unsent.delete(unsent);
    const shown = `${res.series} ${res.number}`;
    const n = res.book.scanned;
    $("#scan-count").textContent = String(n);
    if (res.double) answer("double", msg("inv.scanned_twice", { code: shown }));
    else if (res.extra) answer("extra", msg(`inv.scanned_${res.extra}`, { code: shown, n }), res.extra);
    else answer("ok", msg("inv.scanned_ok", { code: shown, n }));
  } catch (err) {
    if (NO_ANSWER(err)) st.unsent.set(unsent, key);
    else st.unsent.delete(unsent);
    // the code as typed, so the clerk knows which paper to put aside or scan again
    answer("refused", `${code}: ${texts.explainText(err)}`, err.code);
  }
}

function onScan(e) {
  e.preventDefault();
  const box = $("#scan-code");
  const code = box.value.trim();
  box.value = "";
  box.focus();
  if (!code) return;
  st.scans = st.scans.then(() => scanOne(code));
}

async function finishBook() {
  try {
    await call(`/api/inventories/${st.current.id}/books/${encodeURIComponent(st.book)}/finish`, {
      method: "POST",
    });
    const book = st.book;
    await showSession(st.current.id);
    showError($("#session-notice"), msg("inv.book_finished", { book }));
  } catch (err) {
    answer("refused", texts.explainText(err), err.code);
    $("#scan-code").focus();
  }
}

/** A scanner types wherever the focus is: a character typed elsewhere goes to the box. */
function keepScanFocus(e) {
  if (document.body.dataset.view !== "scan" || e.ctrlKey || e.altKey || e.metaKey) return;
  const box = $("#scan-code");
  if (document.activeElement !== box && e.key.length === 1) box.focus();
}

// --- wiring ------------------------------------------------------------------------------

function wire() {
  texts.apply();
  $("#login-form").addEventListener("submit", onLogin);
  $("#logout").addEventListener("click", onLogout);
  $("#open-form").addEventListener("submit", onOpen);
  $("#open-add-member").addEventListener("click", addMember);
  $("#inv-to-list").addEventListener("click", showList);
  $("#inv-compare").addEventListener("click", compare);
  $("#inv-close").addEventListener("click", closeSession);
  $("#inv-csv").addEventListener("click", () => download("csv"));
  $("#inv-pdf").addEventListener("click", () => download("pdf"));
  $("#cash-form").addEventListener("submit", onCash);
  $("#scan-form").addEventListener("submit", onScan);
  $("#scan-done").addEventListener("click", finishBook);
  $("#scan-leave").addEventListener("click", () => showSession(st.current.id));
  document.addEventListener("keydown", keepScanFocus);
}

wire();
const saved = loadSession();
if (saved?.token) {
  st.token = saved.token;
  st.principal = saved.principal;
  start().catch((err) => {
    if (err.status !== 401) signedOut(err);
  });
} else {
  setView("login");
  $("#login-username").focus();
}
