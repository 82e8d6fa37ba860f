// The company's central view (docs/company.md): every hall in the principal's scope on one
// page, pushed by the company socket (/ws/company: a snapshot, then a hall's fresh
// figures as "company.hall" frames, at most about once a second per hall); a hall's money
// by cashier, its hand-overs, counters and drawers on expanding its row; and the same
// figures over a day or a month with charts. Server text is only ever set as textContent.
import { $, api, el, endSession, HallSocket, money, showConnection, showError, timeOf, wsUrl } from "/static/qms.js";
import { Catalogue, STATUS_TEXTS } from "/static/i18n.js";
import { SHARED_TEXTS } from "/static/texts.js";
import { barChart, loadChartJs } from "/counters/charts.js";
import { COMPANY_TEXTS } from "/counters/company-texts.js";
import { clearSession, loadSession, saveSession } from "/counters/session.js";

const lang = new Catalogue({ ...SHARED_TEXTS, ...STATUS_TEXTS, ...COMPANY_TEXTS }, { storageKey: "qms.company.lang" });
const msg = (key, vars) => lang.t(key, vars);
/** The counters page's sign-in, shared in this tab (counters/shell.js). */
/** Who may open their own hall's whole supervisor page (view.supervisor); any other hall
 * in scope opens as its live board, read-only (/counters/?branch=ID). */
const SUPERVISES = new Set(["head_cashier", "supervisor", "admin"]);
const SEES_COMPANY = new Set(["admin", "finance"]);
const CASH = "#0b5394";
const NONCASH = "#1e8449";

const st = {
  token: null,
  principal: null,
  socket: null,
  view: "company",
  halls: new Map(), // branch -> its figures, as the socket last sent them
  got: new Map(), // branch -> when they came (Date.now()): waits grow between frames
  branches: [], // [{id, name}] every branch the principal may choose
  open: new Set(), // the halls whose details are shown
  at: null, // when the figures on show were read
  period: null,
  charts: { days: null, halls: null },
};

class CompanySocket extends HallSocket {
  constructor(opts) {
    super(opts);
    this.onHall = opts.onHall;
  }

  _handle(m) {
    if (m.type === "company.hall") this.onHall(m.hall);
    else super._handle(m);
  }
}

function setView(name) {
  document.body.dataset.view = name;
  $("#login-view").hidden = name !== "login";
  $("#company-view").hidden = name !== "company";
}

// --- sign-in ------------------------------------------------------------------------

function signedOut(err) {
  st.socket?.stop();
  st.socket = null;
  st.token = st.principal = null;
  clearSession();
  $("#whoami").textContent = "";
  $("#logout").hidden = true;
  setView("login");
  showError($("#login-error"), err ? lang.explain(err) : null);
  $("#login-username").focus();
}

async function call(path) {
  try {
    return await api(path, { token: st.token });
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
    saveSession(st.token, st.principal);
    await start();
  } catch (err) {
    showError($("#login-error"), lang.explain(err));
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
  $("#whoami").textContent = me.principal.full_name || me.principal.name;
  $("#logout").hidden = false;
  setView("company");
  connect();
  await showPeriod();
}

function connect() {
  st.socket?.stop();
  st.halls.clear();
  st.socket = new CompanySocket({
    token: st.token,
    view: st.view,
    url: wsUrl("/ws/company"),
    onStatus: showConnection,
    onSnapshot: (data) => onSnapshot(data),
    onHall: (hall) => onHall(hall),
    onError: (frame) => showError($("#company-error"), lang.explain(frame)),
    onUnauthenticated: (frame) => signedOut(frame),
  }).start();
}

// --- live ---------------------------------------------------------------------------

function onSnapshot(data) {
  showError($("#company-error"), null);
  st.halls.clear();
  const now = Date.now();
  for (const h of data.halls) {
    st.halls.set(h.branch, h);
    st.got.set(h.branch, now);
  }
  if (st.view === "company") {
    st.branches = data.halls.map((h) => ({ id: h.branch, name: h.name }));
    fillScope();
  }
  renderAll(data.at);
}

function onHall(hall) {
  st.halls.set(hall.branch, hall); // the server's scope: a hall new to the page is shown too
  st.got.set(hall.branch, Date.now());
  const row = $(`#halls tr.hall[data-branch="${CSS.escape(hall.branch)}"]`);
  const rows = hallRows(hall);
  if (row) {
    const detail = row.nextElementSibling?.classList.contains("detail") ? row.nextElementSibling : null;
    detail?.remove();
    row.replaceWith(...rows);
  } else renderAll(hall.at);
  renderTotal(hall.at);
}

function fillScope() {
  const select = $("#scope");
  const sees = SEES_COMPANY.has(st.principal?.role);
  select.closest("label").hidden = !sees || st.branches.length < 2;
  const options = [el("option", { value: "company", text: msg("co.all_branches") })];
  for (const b of st.branches) options.push(el("option", { value: `company:${b.id}`, text: `${b.id} — ${b.name}` }));
  select.replaceChildren(...options);
  select.value = st.view;
}

function onScope() {
  st.view = $("#scope").value;
  connect();
  showPeriod();
}

function waitOf(h) {
  const s = h.queue.oldest_wait_s;
  if (s === null || s === undefined) return null;
  return s + Math.round((Date.now() - (st.got.get(h.branch) || Date.now())) / 1000);
}

const minutesText = (s) => (s === null ? msg("co.none") : msg("co.minutes", { n: Math.floor(s / 60) }));

function renderAll(at = st.at) {
  const rows = [...st.halls.values()].flatMap(hallRows);
  $("#halls tbody").replaceChildren(...rows);
  renderTotal(at);
}

function renderTotal(at) {
  const halls = [...st.halls.values()];
  const sum = (f) => halls.reduce((n, h) => n + f(h), 0);
  const waits = halls.map(waitOf).filter((s) => s !== null);
  const figures = [
    ["halls", halls.length, "num"],
    ["waiting", sum((h) => h.queue.waiting), "num"],
    ["oldest_wait", minutesText(waits.length ? Math.max(...waits) : null), "num"],
    ["counters_open", sum((h) => h.counters.open), "num"],
    ["serving", sum((h) => h.counters.serving), "num"],
    ["net", money(sum((h) => h.money.net)), "money"],
    ["cash", money(sum((h) => h.money.net_cash)), "money"],
    ["noncash", money(sum((h) => h.money.net_vietqr)), "money"],
    ["drawers_open", sum((h) => h.money.drawers.open), "num"],
    ["hanging", sum((h) => h.money.movements.hanging + h.money.movements.mismatch), "num", true],
    ["cmis_down", sum((h) => (h.cmis.healthy === false ? 1 : 0)), "num", true],
    ["unconfirmed", sum((h) => h.cmis.outbox.unconfirmed), "num", true],
    ["printers_failing", sum((h) => h.devices.printers_failing + h.devices.leds_failing), "num", true],
    ["agents_offline", sum((h) => h.devices.agents.length - h.devices.agents_online), "num", true],
  ];
  $("#company-total").replaceChildren(
    ...figures.map(([key, value, kind, warn]) =>
      el(
        "div",
        { className: `figure${warn && value ? " warn" : ""}`, dataset: { figure: key } },
        el("span", { className: "label", text: msg(`co.${key}`) }),
        el("strong", { className: kind, text: value }),
      ),
    ),
  );
  if (at) {
    st.at = at;
    $("#updated").textContent = msg("co.updated", { at: timeOf(at) });
  }
}

function stateBadge(h) {
  if (h.day_closed) return el("span", { className: "badge", text: msg("co.day_closed") });
  if (h.open === false) return el("span", { className: "badge warn", text: msg("co.closed") });
  return el("span", { className: "badge ok", text: msg("co.open") });
}

function cmisCell(h) {
  const c = h.cmis;
  const badge =
    c.healthy === null || c.healthy === undefined
      ? el("span", { className: "badge", text: msg("co.cmis_unknown") })
      : el("span", {
          className: `badge ${c.healthy ? "ok" : "bad"}`,
          text: msg(c.healthy ? "co.cmis_ok" : "co.cmis_bad"),
        });
  const box = c.outbox;
  const outbox = box.unconfirmed
    ? el("div", {
        className: `outbox${box.oldest_age_s > 300 ? " warn" : ""}`,
        text: msg("co.outbox", { n: box.unconfirmed, age: minutesText(box.oldest_age_s) }),
      })
    : null;
  return el("td", { className: "cmis" }, badge, outbox);
}

function devicesCell(h) {
  const d = h.devices;
  const line = (key, list, failing) =>
    el(
      "div",
      { className: failing ? "warn" : "" },
      `${msg(key)}: `,
      failing ? msg("co.failing", { n: failing }) : String(list.length),
      list.some((x) => x.pending) ? ` · ${msg("co.pending", { n: list.reduce((n, x) => n + x.pending, 0) })}` : "",
    );
  const agents = d.agents.length
    ? el(
        "div",
        { className: d.agents_online < d.agents.length ? "warn" : "" },
        `${msg("co.agents")}: ${msg("co.online", { on: d.agents_online, all: d.agents.length })}`,
      )
    : null;
  return el(
    "td",
    { className: "devices" },
    line("co.printers", d.printers, d.printers_failing),
    line("co.leds", d.leds, d.leds_failing),
    agents,
  );
}

function hallRows(h) {
  const open = st.open.has(h.branch);
  const m = h.money;
  const moves = m.movements;
  const wait = waitOf(h);
  const own = SUPERVISES.has(st.principal?.role) && st.principal?.branch === h.branch;
  const supervise = el("a", {
    className: "supervisor-link",
    href: own ? "/counters/" : `/counters/?branch=${encodeURIComponent(h.branch)}`,
    text: msg("co.supervisor"),
  });
  const row = el(
    "tr",
    { className: "hall", dataset: { branch: h.branch } },
    el("td", {}, el("strong", { text: h.name }), el("div", { className: "muted", text: h.hall })),
    el("td", {}, stateBadge(h)),
    el("td", { className: "num waiting", text: h.queue.waiting }),
    el("td", { className: `num oldest${wait !== null && wait > 1800 ? " warn" : ""}`, text: minutesText(wait) }),
    el("td", { className: "num", text: `${h.counters.open} / ${h.counters.total}` }),
    el("td", { className: "num", text: h.counters.serving }),
    el("td", { className: "money net", text: money(m.net) }),
    el("td", { className: "money cash", text: money(m.net_cash) }),
    el("td", { className: "money noncash", text: money(m.net_vietqr) }),
    el("td", { className: "num", text: `${m.drawers.open} / ${m.drawers.closed}` }),
    el(
      "td",
      { className: moves.hanging || moves.mismatch ? "warn" : "" },
      moves.rows.length ? `${moves.matched}/${moves.rows.length} ${lang.t("move.matched")}` : msg("co.none"),
    ),
    cmisCell(h),
    devicesCell(h),
    el(
      "td",
      { className: "actions" },
      el("button", {
        type: "button",
        className: "details",
        "aria-expanded": String(open),
        text: msg(open ? "co.hide" : "co.details"),
        on: { click: () => toggle(h.branch) },
      }),
      supervise,
    ),
  );
  return open ? [row, detailRow(h)] : [row];
}

function toggle(branch) {
  if (st.open.has(branch)) st.open.delete(branch);
  else st.open.add(branch);
  const h = st.halls.get(branch);
  if (h) onHall(h);
}

function table(headKeys, rows, classes = []) {
  return el(
    "table",
    { className: "inner" },
    el("thead", {}, el("tr", {}, ...headKeys.map((k, i) => el("th", { className: classes[i] || "", text: msg(k) })))),
    el(
      "tbody",
      {},
      ...(rows.length
        ? rows.map((cells) => el("tr", {}, ...cells.map((c, i) => el("td", { className: classes[i] || "", text: c }))))
        : [el("tr", { className: "empty" }, el("td", { colSpan: headKeys.length, text: msg("co.nothing") }))]),
    ),
  );
}

function detailRow(h) {
  const m = h.money;
  const cashiers = table(
    ["co.cashier", "co.payments", "co.net_period", "co.cash", "co.noncash"],
    m.by_cashier.map((r) => [
      r.while_waiting ? msg("co.while_waiting") : `${r.name} (${r.cashier})`,
      r.payments,
      money(r.net),
      money(r.net_cash),
      money(r.net_vietqr),
    ]),
    ["", "num", "money", "money", "money"],
  );
  cashiers.classList.add("by-cashier");
  const moves = table(
    ["co.from", "co.to", "co.out_amount", "co.in_amount", "co.status"],
    m.movements.rows.map((r) => [
      r.from_name,
      r.to_name,
      r.out_amount === null ? msg("co.none") : money(r.out_amount),
      r.in_amount === null ? msg("co.none") : money(r.in_amount),
      lang.t(`move.${r.status}`),
    ]),
    ["", "", "money", "money", ""],
  );
  moves.classList.add("movements");
  const drawers = table(
    ["co.cashier", "co.counter", "co.status", "co.expected", "co.counted", "co.difference"],
    m.drawers.rows.map((r) => [
      r.cashier_name,
      r.counter,
      lang.t(`drawer.${r.status}`),
      money(r.expected),
      r.counted === null ? msg("co.none") : money(r.counted),
      r.difference === null ? msg("co.none") : money(r.difference),
    ]),
    ["", "", "", "money", "money", "money"],
  );
  const counters = table(
    ["co.counter", "co.staff", "co.serving_no"],
    h.counters.rows.map((c) => [
      `${c.code} — ${c.name}`,
      c.staff ? `${c.staff.name} (${c.staff.username})` : msg("co.none"),
      c.serving ?? msg("co.none"),
    ]),
    ["", "", "num"],
  );
  return el(
    "tr",
    { className: "detail", dataset: { branch: h.branch } },
    el(
      "td",
      { colSpan: 14 },
      el(
        "div",
        { className: "detail-grid" },
        el("section", {}, el("h3", { text: msg("co.by_cashier") }), cashiers),
        el("section", {}, el("h3", { text: msg("co.movements_title") }), moves),
        el("section", {}, el("h3", { text: msg("co.drawers_title") }), drawers),
        el("section", {}, el("h3", { text: msg("co.counters_title") }), counters),
      ),
    ),
  );
}

// --- the period ---------------------------------------------------------------------

const pad = (n) => String(n).padStart(2, "0");
const isoDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

function periodRange() {
  const today = isoDate(new Date());
  if ($("#period-mode").value === "day") {
    const day = $("#period-day").value || today;
    return { from: day, to: day };
  }
  const month = $("#period-month").value || today.slice(0, 7);
  const [y, mo] = month.split("-").map(Number);
  const last = isoDate(new Date(y, mo, 0));
  return { from: `${month}-01`, to: [last, today].sort()[0] }; // never after today
}

function onMode() {
  const day = $("#period-mode").value === "day";
  $("#period-day-label").hidden = !day;
  $("#period-month-label").hidden = day;
  $("#period-day").required = day;
}

async function showPeriod(e) {
  e?.preventDefault();
  showError($("#period-error"), null);
  const { from, to } = periodRange();
  const branch = st.view.startsWith("company:") ? `&branch=${encodeURIComponent(st.view.slice(8))}` : "";
  try {
    st.period = await call(`/api/company/period?from=${from}&to=${to}${branch}`);
  } catch (err) {
    showError($("#period-error"), lang.explain(err));
    return;
  }
  renderPeriod();
}

function periodCells(name, t, moves, drawers) {
  return [
    name,
    t.payments,
    money(t.net),
    money(t.net_cash),
    money(t.net_vietqr),
    money(t.given_back),
    `${moves.matched} ${lang.t("move.matched")}${moves.hanging ? ` · ${moves.hanging} ${lang.t("move.hanging")}` : ""}`,
    money(drawers.difference),
  ];
}

const PERIOD_CLASSES = ["", "num", "money", "money", "money", "money", "", "money"];

function periodRow(cells, attrs = {}) {
  return el("tr", attrs, ...cells.map((c, i) => el("td", { className: PERIOD_CLASSES[i], text: c })));
}

async function renderPeriod() {
  const p = st.period;
  if (!p) return;
  $("#period-range").textContent = msg("co.period_range", { from: p.from, to: p.to });
  $("#period-halls tbody").replaceChildren(
    ...p.halls.map((h) =>
      periodRow(periodCells(`${h.name} (${h.hall})`, h.totals, h.movements, h.drawers), {
        dataset: { branch: h.branch },
      }),
    ),
  );
  $("#period-halls tfoot").replaceChildren(
    periodRow(periodCells(msg("co.sum"), p.totals, p.movements, p.drawers), { className: "sum" }),
  );
  let Chart;
  try {
    Chart = await loadChartJs();
  } catch (err) {
    showError($("#period-error"), err.message);
    return;
  }
  const split = (rows) => [
    { label: msg("co.cash"), data: rows.map((r) => r.net_cash), color: CASH },
    { label: msg("co.noncash"), data: rows.map((r) => r.net_vietqr), color: NONCASH },
  ];
  st.charts.days = barChart(Chart, $("#chart-days"), st.charts.days, {
    labels: p.by_date.map((d) => d.date.slice(5)),
    datasets: split(p.by_date),
    stacked: true,
  });
  st.charts.halls = barChart(Chart, $("#chart-halls"), st.charts.halls, {
    labels: p.halls.map((h) => h.hall),
    datasets: split(p.halls.map((h) => h.totals)),
    stacked: true,
  });
}

// --- start --------------------------------------------------------------------------

function relabel() {
  fillScope();
  renderAll();
  if (st.period) {
    st.charts.days?.destroy();
    st.charts.halls?.destroy();
    st.charts = { days: null, halls: null };
    renderPeriod();
  }
}

async function main() {
  lang.apply();
  lang.bindToggle($("#lang-toggle"));
  lang.onChange(relabel);
  $("#login-form").addEventListener("submit", onLogin);
  $("#logout").addEventListener("click", onLogout);
  $("#scope").addEventListener("change", onScope);
  $("#period-mode").addEventListener("change", onMode);
  $("#period-form").addEventListener("submit", showPeriod);
  $("#period-day").value = isoDate(new Date());
  $("#period-month").value = isoDate(new Date()).slice(0, 7);
  setInterval(() => {
    if (st.halls.size) renderAll(); // the waits grow between frames
  }, 30000);
  const saved = loadSession();
  if (saved?.token) {
    st.token = saved.token;
    st.principal = saved.principal;
    try {
      await start();
      return;
    } catch (err) {
      signedOut(err.status === 401 ? null : err);
      return;
    }
  }
  signedOut(null);
}

main();
