// The supervisor's arrivals forecast (dự báo lượt khách): a day's customers by hour,
// forecast against what came (GET /api/forecast; tomorrow unless a day is typed), the
// cashier counters to open each hour and how far off the forecast has been. The model,
// the queueing and their limits: docs/forecast.md.
import { date, isoDay } from "/static/format.js";
import { $, el, showError } from "/static/qms.js";
import { msg, texts } from "/counters/common.js";
import { forecastChart, loadChartJs } from "/counters/charts.js";

const URL_PATH = "/api/forecast";
const TODAY_EVERY_MS = 60000; // today's actual grows: refreshed while shown

const one = (x) => (x === null || x === undefined ? "—" : String(Math.round(x * 10) / 10).replace(".", ","));
const whole = (x) => (x === null || x === undefined ? "—" : String(Math.round(x)));

/** What the counters were worked out from, each language built whole (the service time
 * and where it came from are words of the sentence, not a second "vi / en"). */
function inputsText(inputs) {
  return texts.each((lang) =>
    texts.in(lang, "fc.inputs", {
      service: texts.in(lang, "fc.service_time", { m: Math.floor(inputs.service_s / 60), s: inputs.service_s % 60 }),
      from: texts.in(lang, `fc.service_${inputs.service_from}`),
      target: one(inputs.target_wait_min),
      days: inputs.days_used,
      first: date(inputs.first_day),
      last: date(inputs.last_day),
    }),
  );
}

/** The hours worth a row: where anyone is forecast or came. */
export function openHours(hours) {
  return hours.filter((h) => (h.forecast ?? 0) >= 0.5 || (h.actual ?? 0) > 0);
}

/** The backtest in words: the hour error, the day error, and the simple way's. */
export function accuracyText(bt) {
  if (!bt) return msg("fc.no_accuracy");
  const m = bt.model;
  const b = bt.baseline;
  return msg("fc.accuracy", {
    days: bt.days,
    mae: one(m.mae_hour),
    pct: whole(m.wape_hour),
    day_mae: whole(m.mae_day),
    day_pct: whole(m.mape_day),
    base_mae: one(b.mae_hour),
    base_pct: whole(b.wape_hour),
    base_day_pct: whole(b.mape_day),
  });
}

/** The section over the shell's ctx (call); the supervisor screen starts and stops it. */
export function forecastPanel(ctx) {
  const fc = { wired: false, chart: null, timer: null, today: "", shown: "" };

  function path() {
    const typed = $("#fc-day").value.trim();
    if (!typed) return URL_PATH; // tomorrow
    const day = isoDay(typed);
    $("#fc-day").setAttribute("aria-invalid", String(day === null));
    return day === null ? null : `${URL_PATH}?${new URLSearchParams({ date: day })}`;
  }

  async function show() {
    const box = $("#fc-error");
    $("#fc-day").setAttribute("aria-invalid", "false");
    const where = path();
    if (!where) {
      showError(box, msg("day_typed_wrong"));
      return;
    }
    try {
      const data = await ctx.call(where);
      showError(box, null);
      draw(data);
      await chart(data);
    } catch (err) {
      showError(box, err);
    }
  }

  function summary(data) {
    const d = data.day;
    const parts = [];
    if (d.forecast === null) {
      parts.push(msg("fc.no_model", { min: data.inputs.min_days, days: data.inputs.days_used }));
    } else if (d.forecast < 0.5) {
      parts.push(msg("fc.closed"));
    } else {
      parts.push(msg("fc.summary", { total: whole(d.forecast), counters: d.counters_most }));
    }
    if (d.actual !== null) {
      parts.push(msg(data.date === data.today ? "fc.actual_so_far" : "fc.actual_day", { n: d.actual }));
    }
    return parts.join(" · ");
  }

  function draw(data) {
    fc.shown = data.date;
    fc.today = data.today;
    $("#fc-range").textContent = date(data.date);
    $("#fc-summary").textContent = summary(data);
    const short = data.day.short_hours;
    $("#fc-short").hidden = short.length === 0;
    $("#fc-short").textContent = short.length
      ? msg("fc.short", {
          hours: short.map((h) => `${h}h`).join(", "),
          counters: data.inputs.cashier_counters,
          target: one(data.inputs.target_wait_min),
        })
      : "";
    $("#fc-accuracy").textContent = accuracyText(data.backtest);
    const inputs = data.inputs;
    $("#fc-inputs").textContent = [
      inputsText(inputs),
      inputs.simulated ? msg("fc.simulated", { n: inputs.simulated_days }) : null,
    ]
      .filter(Boolean)
      .join(" · ");
    const rows = openHours(data.hours);
    $("#fc-hours tbody").replaceChildren(
      ...(rows.length
        ? rows.map((h) =>
            el(
              "tr",
              { dataset: { hour: h.hour, counters: h.counters ?? "", enough: String(h.enough) } },
              el("td", { className: "num", text: `${h.hour}h` }),
              el("td", { className: "num", text: one(h.forecast) }),
              el("td", { className: "num", text: h.actual ?? "—" }),
              el("td", { className: "num", text: h.baseline ?? "—" }),
              el(
                "td",
                { className: `num ${h.enough === false ? "bad" : ""}`.trim() },
                h.counters ?? "—",
                h.enough === false ? ` ${msg("fc.not_enough")}` : "",
              ),
              el("td", { className: "num", text: h.median_wait_min === null ? "∞" : one(h.median_wait_min) }),
            ),
          )
        : [el("tr", { className: "empty" }, el("td", { colSpan: 6, text: msg("none") }))]),
    );
    $("#fc-box").dataset.ready = data.date;
    clearInterval(fc.timer);
    fc.timer = data.date === data.today ? setInterval(show, TODAY_EVERY_MS) : null;
  }

  async function chart(data) {
    const Chart = await loadChartJs();
    const rows = openHours(data.hours);
    fc.chart = forecastChart(Chart, $("#fc-chart"), fc.chart, rows, {
      actual: msg("fc.actual"),
      forecast: msg("fc.forecast"),
      baseline: msg("fc.baseline"),
    });
  }

  function start() {
    if (!fc.wired) {
      fc.wired = true;
      $("#fc-show").addEventListener("click", show);
      $("#fc-day").addEventListener("keydown", (e) => e.key === "Enter" && show());
    }
    show();
  }

  function stop() {
    clearInterval(fc.timer);
    fc.timer = null;
    fc.chart?.destroy();
    fc.chart = null;
  }

  return { start, stop, show };
}
