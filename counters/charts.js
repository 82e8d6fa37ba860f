// The supervisor's charts of today by hour: waits (issued → called) and service times
// (called → finished), from GET /api/stats/hourly. Chart.js is served from /static/vendor
// and loaded only when a supervisor view opens; refreshed when the hall moves (debounced)
// and every minute. The wait chart draws the priority lane's average apart
// (docs/priority.md). Also the productivity section's bar charts (barChart) and the
// forecast section's chart (forecastChart).

const CHART_SRC = "/static/vendor/chart.umd.min.js";
const OPEN_FROM = 7; // the hall's usual hours, widened when tickets fall outside them
const OPEN_TO = 17;
const BRAND = "#0b5394";
const BAD = "#b03a2e";
const MUTED = "#5d6d7e";
const OK = "#1e8449";
const PRIORITY = "#b7791f";

let loading = null;

/** window.Chart, loading the UMD build once with a plain script element (CSP: 'self'). */
export function loadChartJs() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = CHART_SRC;
      script.onload = () => resolve(window.Chart);
      script.onerror = () => {
        loading = null;
        script.remove();
        reject(new Error("Không tải được thư viện biểu đồ / Could not load the chart library"));
      };
      document.head.append(script);
    });
  }
  return loading;
}

export const minutes = (s) => (s === null || s === undefined ? null : Math.round(s / 6) / 10);

/** The hours to show: opening hours, widened to every hour that saw a ticket. */
export function hourRange(hours) {
  const busy = hours.filter((h) => h.issued || h.called || h.served).map((h) => h.hour);
  const from = Math.min(OPEN_FROM, ...busy);
  const to = Math.max(OPEN_TO, ...busy);
  return hours.filter((h) => h.hour >= from && h.hour <= to);
}

function axes(countLabel) {
  return {
    x: { grid: { display: false } },
    y: { beginAtZero: true, title: { display: true, text: "phút / min" } },
    n: {
      position: "right",
      beginAtZero: true,
      grid: { drawOnChartArea: false },
      ticks: { precision: 0 },
      title: { display: true, text: countLabel },
    },
  };
}

function waitConfig(rows) {
  return {
    type: "bar",
    data: {
      labels: rows.map((h) => `${h.hour}h`),
      datasets: [
        {
          type: "bar",
          label: "Trung bình / Average",
          data: rows.map((h) => minutes(h.wait_avg_s)),
          backgroundColor: "rgba(11, 83, 148, .55)",
          yAxisID: "y",
          order: 2,
        },
        {
          type: "line",
          label: "P90",
          data: rows.map((h) => minutes(h.wait_p90_s)),
          borderColor: BAD,
          backgroundColor: BAD,
          spanGaps: true,
          yAxisID: "y",
          order: 1,
        },
        {
          type: "line",
          label: "Ưu tiên, trung bình / Priority, average",
          data: rows.map((h) => minutes(h.lanes?.priority?.wait_avg_s)),
          borderColor: PRIORITY,
          backgroundColor: PRIORITY,
          pointStyle: "rectRot",
          pointRadius: 5,
          showLine: false,
          yAxisID: "y",
          order: 1,
        },
        {
          type: "line",
          label: "Lượt gọi / Calls",
          data: rows.map((h) => h.called),
          borderColor: MUTED,
          backgroundColor: MUTED,
          borderDash: [4, 4],
          yAxisID: "n",
          order: 0,
        },
      ],
    },
    options: baseOptions(axes("lượt / tickets")),
  };
}

function serviceConfig(rows) {
  return {
    type: "bar",
    data: {
      labels: rows.map((h) => `${h.hour}h`),
      datasets: [
        {
          type: "bar",
          label: "Trung bình / Average",
          data: rows.map((h) => minutes(h.service_avg_s)),
          backgroundColor: "rgba(30, 132, 73, .55)",
          yAxisID: "y",
          order: 2,
        },
        {
          type: "line",
          label: "Lấy số / Issued",
          data: rows.map((h) => h.issued),
          borderColor: BRAND,
          backgroundColor: BRAND,
          yAxisID: "n",
          order: 1,
        },
        {
          type: "line",
          label: "Xong / Served",
          data: rows.map((h) => h.served),
          borderColor: OK,
          backgroundColor: OK,
          borderDash: [4, 4],
          yAxisID: "n",
          order: 0,
        },
      ],
    },
    options: baseOptions(axes("vé / tickets")),
  };
}

function baseOptions(scales) {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: "index", intersect: false },
    plugins: { legend: { position: "bottom" } },
    scales,
  };
}

export class HourlyCharts {
  /**
   * fetchStats(): the JSON of GET /api/stats/hourly; canvases: {wait, service};
   * onError(err | null) shows or clears a failure; onStats(stats) gets each answer.
   */
  constructor({ fetchStats, canvases, onError, onStats = () => {}, debounceMs = 3000, everyMs = 60000 }) {
    Object.assign(this, { fetchStats, canvases, onError, onStats, debounceMs, everyMs });
    this.charts = {};
    this.timer = null;
    this.debounce = null;
    this.running = false;
    this.inflight = false;
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.everyMs);
  }

  stop() {
    this.running = false;
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    this.timer = this.debounce = null;
    for (const chart of Object.values(this.charts)) chart.destroy();
    this.charts = {};
    for (const canvas of Object.values(this.canvases)) delete canvas.dataset.ready;
  }

  /** Something happened in the hall: refresh soon, once for a burst of events. */
  poke() {
    if (!this.running) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.refresh(), this.debounceMs);
  }

  async refresh() {
    if (!this.running || this.inflight) return;
    this.inflight = true;
    try {
      const [Chart, stats] = await Promise.all([loadChartJs(), this.fetchStats()]);
      if (!this.running) return;
      this.onStats(stats);
      const rows = hourRange(stats.hours || []);
      this.draw(Chart, "wait", waitConfig(rows));
      this.draw(Chart, "service", serviceConfig(rows));
      this.onError(null);
    } catch (err) {
      this.onError(err);
    } finally {
      this.inflight = false;
    }
  }

  draw(Chart, name, config) {
    const canvas = this.canvases[name];
    const chart = this.charts[name];
    if (chart) {
      chart.data.labels = config.data.labels;
      config.data.datasets.forEach((d, i) => {
        chart.data.datasets[i].data = d.data;
      });
      chart.update("none");
    } else {
      this.charts[name] = new Chart(canvas, config);
    }
    canvas.dataset.ready = "true";
    canvas.dataset.hours = String(config.data.labels.length);
  }
}

/**
 * A bar chart made once and then updated in place (the productivity section's): labels,
 * datasets [{label, data, color, minutes}], stacked or side by side; a dataset with
 * ``minutes`` is a line over the bars, on a minutes axis at the right (a time beside the
 * counts). Returns the chart to pass back as ``existing`` next time; the canvas gets
 * data-ready and data-bars.
 */
export function barChart(Chart, canvas, existing, { labels, datasets, stacked = false }) {
  const timed = datasets.some((d) => d.minutes);
  const data = {
    labels,
    datasets: datasets.map((d) =>
      d.minutes
        ? {
            type: "line",
            label: d.label,
            data: d.data,
            borderColor: d.color,
            backgroundColor: d.color,
            spanGaps: true,
            yAxisID: "t",
            order: 0,
          }
        : { label: d.label, data: d.data, backgroundColor: d.color, order: 1 },
    ),
  };
  let chart = existing;
  if (chart && chart.data.datasets.length === data.datasets.length) {
    chart.data.labels = labels;
    data.datasets.forEach((d, i) => {
      chart.data.datasets[i].data = d.data;
    });
    chart.update("none");
  } else {
    chart?.destroy();
    const time = {
      position: "right",
      beginAtZero: true,
      grid: { drawOnChartArea: false },
      title: { display: true, text: "phút / min" },
    };
    const options = baseOptions({
      x: { stacked, grid: { display: false } },
      y: { stacked, beginAtZero: true, ticks: { precision: 0 } },
      ...(timed ? { t: time } : {}),
    });
    // the legend in the datasets' order, the line (drawn on top) last as given
    options.plugins.legend.sort = (a, b) => a.datasetIndex - b.datasetIndex;
    chart = new Chart(canvas, { type: "bar", data, options });
  }
  canvas.dataset.ready = "true";
  canvas.dataset.bars = String(labels.length);
  return chart;
}

/**
 * The forecast section's chart (forecast.js): what came by hour as bars, the forecast as
 * a line, last week's same day dashed. rows: [{hour, forecast, actual, baseline}];
 * labels: {actual, forecast, baseline}. Made once, then updated in place; the canvas gets
 * data-ready and data-hours.
 */
export function forecastChart(Chart, canvas, existing, rows, labels) {
  const datasets = [
    {
      type: "bar",
      label: labels.actual,
      data: rows.map((h) => h.actual),
      backgroundColor: "rgba(11, 83, 148, .55)",
      order: 2,
    },
    {
      type: "line",
      label: labels.forecast,
      data: rows.map((h) => h.forecast),
      borderColor: BAD,
      backgroundColor: BAD,
      spanGaps: true,
      order: 0,
    },
    {
      type: "line",
      label: labels.baseline,
      data: rows.map((h) => h.baseline),
      borderColor: MUTED,
      backgroundColor: MUTED,
      borderDash: [4, 4],
      spanGaps: true,
      order: 1,
    },
  ];
  const hours = rows.map((h) => `${h.hour}h`);
  let chart = existing;
  if (chart) {
    chart.data.labels = hours;
    datasets.forEach((d, i) => {
      chart.data.datasets[i].data = d.data;
      chart.data.datasets[i].label = d.label;
    });
    chart.update("none");
  } else {
    chart = new Chart(canvas, {
      type: "bar",
      data: { labels: hours, datasets },
      options: baseOptions({
        x: { grid: { display: false } },
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "khách / customers" } },
      }),
    });
  }
  canvas.dataset.ready = "true";
  canvas.dataset.hours = String(rows.length);
  return chart;
}
