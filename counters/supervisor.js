// The supervisor's hall view: tickets by status, each counter's work, the paper still
// to find, every ticket of the day, payments awaiting CMIS, the hourly charts, the
// arrivals forecast (forecast.js), the productivity section (productivity.js) and the
// messages to customers' phones (notices.js); on top, the hall's open alerts (alerts.js).
import { $, el, money, showError, timeOf, TICKET_STATUS } from "/static/qms.js";
import { HourlyCharts, minutes } from "/counters/charts.js";
import { statusBadge, msg } from "/counters/common.js";
import { forecastPanel } from "/counters/forecast.js";
import { productivityPanel } from "/counters/productivity.js";
import { noticesPanel } from "/counters/notices.js";
import { mountAlerts } from "/counters/alerts.js";

const CHART_EVENTS = new Set([
  "ticket.issued",
  "ticket.called",
  "ticket.transferred",
  "ticket.finished",
  "payment.collected",
]);

/** The screen over the shell's shared state (ctx: hall, mode, call, queueRender). */
export function supervisorScreen(ctx) {
  const { call, queueRender } = ctx;
  // watch: a hall watched from the company view (docs/company.md), its live board only
  const sv = { pending: 0, charts: null, clock: null, today: "", watch: false };
  const productivity = productivityPanel(ctx);
  const forecast = forecastPanel(ctx);
  const notices = noticesPanel(ctx);
  let alerts = null; // mounted when the view first opens

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
      servingText = serving ? String(serving.number) : msg("idle");
      if (serving) since = `${timeOf(serving.called_at)} (${minutesSince(serving.called_at, now)}′)`;
    } else if (c.kind === "lookup") {
      const left = tickets
        .filter((t) => ACTIVE.has(t.status))
        .flatMap((t) => (t.customers || []).flatMap((x) => x.invoices))
        .filter((i) => i.lookup === c.parity && i.pay_status === "unpaid" && i.lookup_status === "pending").length;
      state = left ? "busy" : "idle";
      servingText = left ? msg("to_find", { n: left }) : msg("idle");
    }
    return el(
      "tr",
      { dataset: { counter: c.code, state } },
      el("td", { className: "num", text: c.code }),
      el("td", { text: c.name }),
      el("td", { dataset: { kind: c.kind }, text: msg(`counter_kind.${c.parity ? `${c.kind}_${c.parity}` : c.kind}`) }),
      el("td", { className: `num ${state === "serving" ? "serving" : state}`, text: servingText }),
      el("td", { className: "num since", text: since }),
      el("td", { className: "num", text: parked.map((t) => t.number).join(", ") }),
    );
  }

  function renderSupervisor() {
    const tickets = ctx.hall.list();
    const now = Date.now();
    const counts = { waiting: 0, serving: 0, parked: 0, no_show: 0, done: 0 };
    for (const t of tickets) counts[t.status] = (counts[t.status] || 0) + 1;
    $("#sv-summary").replaceChildren(
      ...Object.entries(counts).map(([k, n]) =>
        el(
          "span",
          { className: "stat", dataset: { status: k } },
          el("strong", { className: "num", text: n }),
          " ",
          TICKET_STATUS[k] || k,
        ),
      ),
      el(
        "span",
        { className: "stat", id: "sv-payments-pending" },
        el("strong", { className: "num", text: sv.pending }),
        ` ${msg("awaiting_cmis")}`,
      ),
    );
    const waiting = tickets.filter((t) => t.status === "waiting");
    const oldest = waiting.reduce((m, t) => Math.max(m, minutesSince(t.issued_at, now) ?? 0), -1);
    $("#sv-waiting").textContent = String(waiting.length);
    $("#sv-oldest").textContent = oldest < 0 ? "—" : msg("minutes", { n: oldest });
    $("#sv-oldest").dataset.minutes = oldest < 0 ? "" : String(oldest);
    $("#sv-serving").textContent = String(counts.serving);
    $("#sv-counters tbody").replaceChildren(...ctx.hall.counters.map((c) => counterRow(c, tickets, now)));
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
        : [el("tr", { className: "empty" }, el("td", { colSpan: 5, text: msg("none") }))]),
    );
    $("#sv-tickets tbody").replaceChildren(
      ...(tickets.length
        ? tickets.map((t) => {
            const invs = (t.customers || []).flatMap((c) => c.invoices);
            const unpaid = invs.filter((i) => i.pay_status === "unpaid");
            // "none": an e-invoice, no paper to find (docs/einvoice.md)
            const found = unpaid.filter((i) => i.lookup_status === "found" || i.lookup_status === "none").length;
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
        : [el("tr", { className: "empty" }, el("td", { colSpan: 9, text: msg("no_tickets") }))]),
    );
  }

  /** The day's two lanes side by side: does the priority lane wait less, and what does
   * it cost the others (GET /api/stats/hourly, "lanes"; docs/priority.md). */
  function renderLanes(stats) {
    const lanes = stats.lanes || {};
    const figure = (v) => el("td", { className: "num", text: v === null || v === undefined ? "—" : String(v) });
    for (const lane of ["priority", "normal"]) {
      const row = $(`#sv-lanes tr[data-lane=${lane}]`);
      const f = lanes[lane] || {};
      row.replaceChildren(
        row.firstElementChild,
        figure(f.issued ?? 0),
        figure(f.called ?? 0),
        figure(f.served ?? 0),
        figure(minutes(f.wait_avg_s)),
        figure(minutes(f.wait_p90_s)),
        figure(minutes(f.service_avg_s)),
      );
      for (const [key, value] of Object.entries(f))
        row.dataset[key.replace(/_(\w)/g, (_m, c) => c.toUpperCase())] = String(value ?? "");
    }
    $("#sv-lanes").dataset.ready = "true";
  }

  /** Charts and the minute counters of the supervisor view run only while it is open.
   * A watched hall: the board alone (the other sections read one's own branch). */
  function startSupervisor({ watch = false } = {}) {
    stopSupervisor();
    sv.watch = watch;
    sv.clock = setInterval(queueRender, 30000); // waits grow without events
    if (watch) return;
    sv.charts = new HourlyCharts({
      fetchStats: () => call("/api/stats/hourly"),
      canvases: { wait: $("#sv-chart-wait"), service: $("#sv-chart-service") },
      onError: (err) => showError($("#sv-charts-error"), err),
      onStats: renderLanes,
    });
    sv.charts.start();
    productivity.start(sv.today);
    forecast.start();
    notices.start();
    if (alerts) alerts.start();
    else alerts = mountAlerts($("#sv-alerts"), { call });
  }

  function stopSupervisor() {
    if (sv.charts) sv.charts.stop();
    sv.charts = null;
    clearInterval(sv.clock);
    sv.clock = null;
    productivity.stop();
    forecast.stop();
    notices.stop();
    if (alerts) alerts.stop();
  }

  function onSnapshot(data) {
    if (ctx.mode !== "supervisor") return;
    sv.pending = data.payments_pending || 0;
    sv.today = data.business_day || sv.today;
    if (alerts) alerts.reload(); // after a reconnect: what was raised meanwhile
  }

  function onEvent(evt) {
    const d = evt.data || {};
    if (ctx.mode !== "supervisor") return;
    if (sv.charts && CHART_EVENTS.has(evt.event)) sv.charts.poke();
    if (!sv.watch) notices.onEvent(evt);
    if (alerts && !sv.watch) alerts.onEvent(evt);
    if (evt.event === "payment.collected") sv.pending += (d.payments || []).length;
    if (evt.event === "payment.confirmed" || evt.event === "payment.refused") sv.pending = Math.max(0, sv.pending - 1);
  }

  return { render: renderSupervisor, start: startSupervisor, stop: stopSupervisor, onSnapshot, onEvent };
}
