// The supervisor's productivity section (năng suất): per field crew, per cashier and per
// lookup clerk, for a day or the month of a day, from GET /api/reports/productivity; three
// bar charts (the clerks' with their median time to find as a line, in minutes); the same
// report as CSV or PDF. Definitions: docs/reports.md "Productivity".
import { date, isoDay } from "/static/format.js";
import { $, el, money, showError } from "/static/qms.js";
import { msg } from "/counters/common.js";
import { barChart, loadChartJs, minutes } from "/counters/charts.js";

const URL_PATH = "/api/reports/productivity";
const REASONS = ["paid_on_spot", "absent", "inaccessible", "refused", "wrong_address", "other"];

/** Seconds as m:ss, or h:mm:ss from an hour up; "—" for nothing measured. */
export function duration(s) {
  if (s === null || s === undefined) return "—";
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

// [json key, words key, kind]; kind: text | count | money | time
const CREW_COLUMNS = [
  ["crew", "pr.crew", "text"],
  ["name", "pr.crew_name", "text"],
  ["orders", "pr.orders", "count"],
  ["done", "pr.done", "count"],
  ["cuts", "pr.cuts", "count"],
  ["reconnections", "pr.reconnections", "count"],
  ["not_done", "pr.not_done", "count"],
  ["in_progress", "pr.in_progress", "count"],
  ["cancelled", "pr.cancelled", "count"],
  ["open", "pr.open", "count"],
  ["reconnect_median_s", "pr.reconnect_median", "time"],
  ["reconnect_worst_s", "pr.reconnect_worst", "time"],
  ["reconnections_late", "pr.late", "count"],
];
const CASHIER_COLUMNS = [
  ["name", "pr.cashier", "text"],
  ["counters", "pr.counters", "text"],
  ["tickets_served", "pr.tickets_served", "count"],
  ["payments", "pr.payments", "count"],
  ["net", "pr.net", "money"],
  ["service_median_s", "pr.service_median", "time"],
  ["open_s", "pr.open_time", "time"],
  ["idle_s", "pr.idle", "time"],
];
const LOOKUP_COLUMNS = [
  ["name", "pr.clerk", "text"],
  ["found", "pr.found", "count"],
  ["deferred", "pr.deferred", "count"],
  ["missing", "pr.missing", "count"],
  ["find_median_s", "pr.find_median", "time"],
  ["find_worst_s", "pr.find_worst", "time"],
];

function cell(value, kind) {
  if (kind === "money") return el("td", { className: "money", text: money(value) });
  if (kind === "time") return el("td", { className: "num", text: duration(value) });
  if (kind === "count") return el("td", { className: "num", text: value ?? "" });
  return el("td", { text: value ?? "" });
}

/** A table's head, rows and total row from its columns. */
function fill(table, columns, rows, totals, rowKey) {
  table
    .querySelector("thead")
    .replaceChildren(el("tr", {}, ...columns.map(([, words]) => el("th", { text: msg(words) }))));
  table
    .querySelector("tbody")
    .replaceChildren(
      ...(rows.length
        ? rows.map((r) => el("tr", { dataset: { key: rowKey(r) } }, ...columns.map(([k, , kind]) => cell(r[k], kind))))
        : [el("tr", { className: "empty" }, el("td", { colSpan: columns.length, text: msg("none") }))]),
    );
  table
    .querySelector("tfoot")
    .replaceChildren(
      el(
        "tr",
        { className: "total" },
        el("th", { text: msg("pr.total") }),
        ...columns.slice(1).map(([k, , kind]) => (k in totals ? cell(totals[k], kind) : el("td"))),
      ),
    );
}

/** The first and last day of a span: the day, or its month up to today. */
export function span(day, kind, today) {
  if (kind !== "month") return [day, day];
  const first = `${day.slice(0, 8)}01`;
  const [y, m] = day.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return [first, [last, today].sort()[0]]; // days as YYYY-MM-DD sort as text
}

/** Today on the device's clock (the hall's devices keep the hall's), as YYYY-MM-DD. */
function localToday() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The section over the shell's ctx (session, call); the supervisor screen starts it. */
export function productivityPanel(ctx) {
  const pr = { wired: false, charts: {}, data: null, today: "" };

  function query(format) {
    const typed = $("#pr-day").value.trim();
    const day = typed ? isoDay(typed) : pr.today || localToday();
    $("#pr-day").setAttribute("aria-invalid", String(day === null));
    if (day === null) return null;
    const [from, to] = span(day, $("#pr-span").value, pr.today || localToday());
    const q = new URLSearchParams({ level: $("#pr-level").value, from, to });
    if (format) q.set("format", format);
    return `${URL_PATH}?${q}`;
  }

  async function show() {
    const box = $("#pr-error");
    const path = query();
    if (!path) {
      showError(box, msg("day_typed_wrong"));
      return;
    }
    try {
      const data = await ctx.call(path);
      pr.data = data;
      showError(box, null);
      draw(data);
    } catch (err) {
      showError(box, err);
    }
  }

  function draw(data) {
    const crews = data.crews;
    $("#pr-range").textContent = data.from === data.to ? date(data.from) : `${date(data.from)} – ${date(data.to)}`;
    fill($("#pr-crews"), CREW_COLUMNS, [...crews.rows, ...crews.unassigned], crews.totals, (r) => r.crew || "-");
    fill($("#pr-cashiers"), CASHIER_COLUMNS, data.cashiers.rows, data.cashiers.totals, (r) => r.cashier || "-");
    fill($("#pr-lookup"), LOOKUP_COLUMNS, data.lookup.rows, data.lookup.totals, (r) => r.clerk || "-");
    const reasons = REASONS.map((k) => `${msg(`pr.reason.${k}`)}: ${crews.totals[`not_done_${k}`]}`);
    $("#pr-reasons").textContent = `${msg("pr.not_done")} — ${reasons.join(" · ")}`;
    $("#pr-box").dataset.ready = `${data.from}_${data.to}_${data.level}`;
    charts(data).catch((err) => showError($("#pr-error"), err));
  }

  async function charts(data) {
    const Chart = await loadChartJs();
    const crews = data.crews.rows;
    pr.charts.crews = barChart(Chart, $("#pr-chart-crews"), pr.charts.crews, {
      labels: crews.map((r) => r.crew),
      datasets: [
        { label: msg("pr.cuts"), data: crews.map((r) => r.cuts), color: "rgba(11, 83, 148, .7)" },
        { label: msg("pr.reconnections"), data: crews.map((r) => r.reconnections), color: "rgba(30, 132, 73, .7)" },
        { label: msg("pr.not_done"), data: crews.map((r) => r.not_done), color: "rgba(176, 58, 46, .7)" },
      ],
      stacked: true,
    });
    const cashiers = data.cashiers.rows;
    pr.charts.cashiers = barChart(Chart, $("#pr-chart-cashiers"), pr.charts.cashiers, {
      labels: cashiers.map((r) => r.name),
      datasets: [
        {
          label: msg("pr.tickets_served"),
          data: cashiers.map((r) => r.tickets_served),
          color: "rgba(11, 83, 148, .7)",
        },
        { label: msg("pr.payments"), data: cashiers.map((r) => r.payments), color: "rgba(30, 132, 73, .7)" },
      ],
    });
    const clerks = data.lookup.rows;
    pr.charts.lookup = barChart(Chart, $("#pr-chart-lookup"), pr.charts.lookup, {
      labels: clerks.map((r) => r.name),
      datasets: [
        { label: msg("pr.found"), data: clerks.map((r) => r.found), color: "rgba(30, 132, 73, .7)" },
        { label: msg("pr.deferred"), data: clerks.map((r) => r.deferred), color: "rgba(183, 121, 31, .7)" },
        { label: msg("pr.missing"), data: clerks.map((r) => r.missing), color: "rgba(176, 58, 46, .7)" },
        {
          label: msg("pr.find_median"),
          data: clerks.map((r) => minutes(r.find_median_s)),
          color: "#0b5394",
          minutes: true,
        },
      ],
      stacked: true,
    });
  }

  /** The same report as a file: fetched with the session's token, then handed over. */
  async function download(format) {
    const box = $("#pr-error");
    const path = query(format);
    if (!path) {
      showError(box, msg("day_typed_wrong"));
      return;
    }
    let res;
    try {
      res = await fetch(path, {
        headers: { Authorization: `Bearer ${ctx.session?.token}` },
        cache: "no-store",
        credentials: "omit",
      });
    } catch {
      showError(box, { code: "network", message: msg("error.network") });
      return;
    }
    if (!res.ok) {
      let err = {};
      try {
        err = (await res.json()).error || {};
      } catch {
        /* not JSON */
      }
      showError(box, { code: err.code || `http_${res.status}`, message: err.message, details: err.details || {} });
      return;
    }
    showError(box, null);
    const given = /filename="?([^";]+)"?/.exec(res.headers.get("Content-Disposition") || "");
    const name = given ? given[1] : `nang-suat.${format}`;
    const url = URL.createObjectURL(await res.blob());
    const a = el("a", { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
    box.dataset.downloaded = name;
  }

  function start(today) {
    pr.today = today || pr.today;
    const role = ctx.session?.principal?.role;
    $("#pr-level option[value=company]").hidden = role !== "admin"; // reports.company
    if (!pr.wired) {
      pr.wired = true;
      $("#pr-show").addEventListener("click", show);
      $("#pr-csv").addEventListener("click", () => download("csv"));
      $("#pr-pdf").addEventListener("click", () => download("pdf"));
      $("#pr-day").addEventListener("keydown", (e) => e.key === "Enter" && show());
    }
    show();
  }

  function stop() {
    for (const chart of Object.values(pr.charts)) chart?.destroy();
    pr.charts = {};
  }

  return { start, stop, show };
}
