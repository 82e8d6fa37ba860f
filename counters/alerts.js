// The alerts panel (docs/alerts.md): the open alerts, Vietnamese first, each with its
// acknowledge button, kept live by the page's own event stream. Mountable anywhere:
//
//   import { mountAlerts } from "/counters/alerts.js";
//   const panel = mountAlerts(element, { call });   // call(path, opts): the page's API call
//   socket events -> panel.onEvent(evt);            // alert.raised / acked / cleared
//   after a reconnect (a new snapshot) -> panel.reload();
//   leaving the view -> panel.stop();
//
// Options: lang ("vi", "en" or BOTH, the default: both side by side, as on staff pages);
// branch (one branch's alerts, for a company admin's drill-down); showBranch (a column
// with each alert's branch, for the company view, which hears several halls' streams).
// The words come from qms/static/words.js ("alert.<kind>", "alert_says.<kind>"), so the
// panel says what the server's SMS says.
import { BOTH, Catalogue, STATUS_TEXTS } from "/static/i18n.js";
import { fill } from "/static/format.js";
import { el, timeOf } from "/static/qms.js";
import { STATUSES } from "/static/words.js";

export const ALERT_EVENTS = new Set(["alert.raised", "alert.acked", "alert.cleared"]);

const TEXTS = {
  "alerts.title": { vi: "Cảnh báo", en: "Alerts" },
  "alerts.none": { vi: "Không có cảnh báo nào.", en: "No alerts." },
  "alerts.ack": { vi: "Xác nhận", en: "Acknowledge" },
  "alerts.acked_by": { vi: (v) => `Đã xác nhận: ${v.who}, ${v.at}`, en: (v) => `Acknowledged by ${v.who}, ${v.at}` },
  "alerts.raised_at": { vi: "Lúc", en: "At" },
  "alerts.branch": { vi: "Chi nhánh", en: "Branch" },
};

/** The words of an alert in one language: its kind's name and what it says. */
export function alertWords(alert, lang) {
  const pick = (group) => STATUSES[group]?.[alert.kind]?.[lang] ?? alert.kind;
  const vars = { ...(alert.detail || {}), subject: alert.subject, value: alert.value };
  return { name: pick("alert"), says: fill(pick("alert_says"), vars, lang) };
}

/** Mount the panel into ``box`` (its children are replaced); see the top of this file. */
export function mountAlerts(box, { call, lang = BOTH, branch = null, showBranch = false } = {}) {
  const texts = new Catalogue({ ...STATUS_TEXTS, ...TEXTS }, { lang });
  const st = { on: true, alerts: new Map(), loading: null };
  const list = el("ul", { className: "alerts-list" });
  const error = el("div", { className: "error", role: "alert", hidden: true });
  const count = el("span", { className: "badge", dataset: { count: "0" }, text: "0" });
  box.replaceChildren(el("h2", {}, `${texts.t("alerts.title")} `, count), error, list);
  box.classList.add("alerts-panel");

  function showErr(err) {
    error.hidden = !err;
    error.textContent = err ? texts.explainText(err) : "";
    if (err?.code) error.dataset.code = err.code;
    else delete error.dataset.code;
  }

  /** Both languages' lines of a text built per language, Vietnamese first. */
  function lines(build, cls) {
    if (lang !== BOTH) return [el("div", { className: cls, text: build(lang) })];
    return [
      el("div", { className: cls, lang: "vi", text: build("vi") }),
      el("div", { className: `${cls} en`, lang: "en", text: build("en") }),
    ];
  }

  async function ack(alert, button) {
    button.disabled = true;
    try {
      const answer = await call(`/api/alerts/${alert.id}/ack`, { method: "POST", body: {} });
      upsert(answer);
      showErr(null);
    } catch (err) {
      showErr(err);
      button.disabled = false;
    }
  }

  function item(a) {
    const acked = a.status === "acked";
    return el(
      "li",
      { className: `alert ${acked ? "acked" : "open"}`, dataset: { id: a.id, kind: a.kind, status: a.status } },
      el(
        "div",
        { className: "alert-head" },
        el("strong", { className: "alert-name", text: texts.each((l) => alertWords(a, l).name) }),
        showBranch ? el("span", { className: "muted alert-branch", text: ` ${a.branch}` }) : null,
        el("span", { className: "muted num alert-time", text: ` ${timeOf(a.raised_at)}` }),
      ),
      ...lines((l) => alertWords(a, l).says, "alert-says"),
      acked
        ? el("div", {
            className: "muted alert-acked",
            text: texts.t("alerts.acked_by", { who: a.acked_by, at: timeOf(a.acked_at) }),
          })
        : el("button", {
            type: "button",
            className: "alert-ack",
            text: texts.t("alerts.ack"),
            on: { click: (e) => ack(a, e.currentTarget) },
          }),
    );
  }

  function render() {
    const shown = [...st.alerts.values()].sort((x, y) => String(y.raised_at).localeCompare(x.raised_at) || y.id - x.id);
    const open = shown.filter((a) => a.status === "open").length;
    count.textContent = String(open);
    count.dataset.count = String(open);
    count.className = open ? "badge bad" : "badge";
    list.replaceChildren(
      ...(shown.length ? shown.map(item) : [el("li", { className: "empty muted", text: texts.t("alerts.none") })]),
    );
  }

  function upsert(a) {
    if (branch && a.branch !== branch) return;
    if (a.status === "cleared") st.alerts.delete(a.id);
    else st.alerts.set(a.id, a);
    render();
  }

  async function reload() {
    if (!st.on) return;
    const query = branch ? `?status=open&branch=${encodeURIComponent(branch)}` : "?status=open";
    const loading = call(`/api/alerts${query}`);
    st.loading = loading;
    try {
      const data = await loading;
      if (st.loading !== loading) return; // a newer load answers
      st.alerts = new Map(data.alerts.map((a) => [a.id, a]));
      render();
      showErr(null);
    } catch (err) {
      showErr(err);
    }
  }

  render();
  reload();
  return {
    /** A websocket event of the page: an alert's own, applied as it comes. */
    onEvent(evt) {
      if (st.on && ALERT_EVENTS.has(evt.event) && evt.data?.alert) upsert(evt.data.alert);
    },
    reload,
    start() {
      st.on = true;
      reload();
    },
    stop() {
      st.on = false;
    },
    /** The alerts shown now (for a page's summary). */
    get open() {
      return [...st.alerts.values()];
    },
  };
}
