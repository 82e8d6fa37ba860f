// The alert rules form (docs/alerts.md), for the admin pages: the rules with their
// thresholds, a rule added, a threshold changed, a rule turned off or on. Mountable:
//
//   import { mountAlertRules } from "/counters/alert-rules.js";
//   const form = mountAlertRules(element, { call, branches: ["PE0100", "PE0200"], company: true });
//
// call(path, opts): the page's API call with its token. branches: the branches the person
// may name (a branch admin: their own; none given: the rule is the person's branch's).
// company: the company admin, who may make a rule for every branch (branch null). lang:
// "vi", "en" or BOTH (the default). Every refusal shows in the hall's words; an edit made
// on a rule someone changed meanwhile is refused (stale_edit) and the list reloads.
import { BOTH, Catalogue, STATUS_TEXTS } from "/static/i18n.js";
import { el } from "/static/qms.js";

const UNITS = {
  minutes: { vi: "phút", en: "minutes" },
  tickets: { vi: "vé đang chờ", en: "tickets waiting" },
  dong: { vi: "đồng", en: "đồng" },
  hour: { vi: "giờ trong ngày (0–23)", en: "hour of the day (0–23)" },
};

const TEXTS = {
  "rules.title": { vi: "Quy tắc cảnh báo", en: "Alert rules" },
  "rules.kind": { vi: "Loại cảnh báo", en: "Kind" },
  "rules.threshold": { vi: "Ngưỡng", en: "Threshold" },
  "rules.branch": { vi: "Chi nhánh", en: "Branch" },
  "rules.every_branch": { vi: "Mọi chi nhánh", en: "Every branch" },
  "rules.phone": { vi: "Gửi SMS tới số", en: "Send an SMS to" },
  "rules.enabled": { vi: "Đang bật", en: "On" },
  "rules.add": { vi: "Thêm quy tắc", en: "Add the rule" },
  "rules.save": { vi: "Lưu", en: "Save" },
  "rules.turn_off": { vi: "Tắt", en: "Turn off" },
  "rules.turn_on": { vi: "Bật", en: "Turn on" },
  "rules.off": { vi: "Đã tắt", en: "Off" },
  "rules.none": { vi: "Chưa có quy tắc nào.", en: "No rules yet." },
  ...Object.fromEntries(Object.entries(UNITS).map(([k, v]) => [`rules.unit.${k}`, v])),
};

/** Mount the rules form into ``box``; see the top of this file. */
export function mountAlertRules(box, { call, branches = null, company = false, lang = BOTH } = {}) {
  const texts = new Catalogue({ ...STATUS_TEXTS, ...TEXTS }, { lang });
  const st = { rules: [], kinds: {} };
  const error = el("div", { className: "error", role: "alert", hidden: true });
  const tbody = el("tbody");
  const table = el(
    "table",
    { className: "alert-rules" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        ...["rules.kind", "rules.branch", "rules.threshold", "rules.phone", "rules.enabled", ""].map((k) =>
          el("th", { text: k ? texts.t(k) : "" }),
        ),
      ),
    ),
    tbody,
  );
  const kind = el("select", { name: "kind" });
  const threshold = el("input", { name: "threshold", type: "number", min: "0", step: "1", required: true });
  const unit = el("span", { className: "muted unit" });
  const phone = el("input", { name: "notify_phone", type: "tel", placeholder: "0912 345 678" });
  const branch = el("select", { name: "branch" });
  const form = el(
    "form",
    { className: "alert-rule-form", on: { submit: add } },
    el("label", {}, `${texts.t("rules.kind")} `, kind),
    el("label", {}, `${texts.t("rules.threshold")} `, threshold, " ", unit),
    el("label", { hidden: !(company || branches?.length > 1) }, `${texts.t("rules.branch")} `, branch),
    el("label", {}, `${texts.t("rules.phone")} `, phone),
    el("button", { type: "submit", text: texts.t("rules.add") }),
  );
  box.replaceChildren(el("h2", { text: texts.t("rules.title") }), error, table, form);

  const kindName = (k) => texts.t(`alert.${k}`);
  const unitName = (k) => texts.t(`rules.unit.${st.kinds[k] || "minutes"}`);

  function showErr(err) {
    error.hidden = !err;
    error.textContent = err ? texts.explainText(err) : "";
    if (err?.code) error.dataset.code = err.code;
    else delete error.dataset.code;
  }

  async function send(path, method, body) {
    try {
      const answer = await call(path, { method, body });
      showErr(null);
      return answer;
    } catch (err) {
      showErr(err);
      if (err.code === "stale_edit") await load(false);
      return null;
    }
  }

  function row(r) {
    const input = el("input", { type: "number", min: "0", step: "1", value: String(r.threshold), name: "threshold" });
    const save = async () => {
      const v = Number.parseInt(input.value, 10);
      if (await send(`/api/alert-rules/${r.id}`, "PATCH", { version: r.version, threshold: v })) await load(false);
    };
    const toggle = async () => {
      if (await send(`/api/alert-rules/${r.id}`, "PATCH", { version: r.version, enabled: !r.enabled }))
        await load(false);
    };
    return el(
      "tr",
      { dataset: { id: r.id, kind: r.kind, enabled: String(r.enabled) } },
      el("td", { text: kindName(r.kind) }),
      el("td", { text: r.branch ?? texts.t("rules.every_branch") }),
      el(
        "td",
        {},
        input,
        " ",
        el("span", { className: "muted", text: unitName(r.kind) }),
        " ",
        el("button", { type: "button", className: "rule-save", text: texts.t("rules.save"), on: { click: save } }),
      ),
      el("td", { className: "num", text: r.notify_phone || "—" }),
      el("td", { text: r.enabled ? texts.t("rules.enabled") : texts.t("rules.off") }),
      el(
        "td",
        {},
        el("button", {
          type: "button",
          className: "rule-toggle",
          text: texts.t(r.enabled ? "rules.turn_off" : "rules.turn_on"),
          on: { click: toggle },
        }),
      ),
    );
  }

  function render() {
    tbody.replaceChildren(
      ...(st.rules.length
        ? st.rules.map(row)
        : [el("tr", { className: "empty" }, el("td", { colSpan: 6, text: texts.t("rules.none") }))]),
    );
    if (!kind.options.length) {
      kind.replaceChildren(...Object.keys(st.kinds).map((k) => el("option", { value: k, text: kindName(k) })));
      const choices = [
        ...(company ? [["", texts.t("rules.every_branch")]] : []),
        ...(branches || []).map((b) => [b, b]),
      ];
      branch.replaceChildren(...choices.map(([v, t]) => el("option", { value: v, text: t })));
      if (branches?.length) branch.value = branches[0];
    }
    unit.textContent = unitName(kind.value);
  }

  async function load(clear = true) {
    try {
      const data = await call("/api/alert-rules");
      st.rules = data.rules;
      st.kinds = data.kinds;
      render();
      if (clear) showErr(null);
    } catch (err) {
      showErr(err);
    }
  }

  async function add(e) {
    e.preventDefault();
    const body = { kind: kind.value, threshold: Number.parseInt(threshold.value, 10) };
    if (phone.value.trim()) body.notify_phone = phone.value.trim();
    if (company || branches?.length) body.branch = branch.value || null;
    if (await send("/api/alert-rules", "POST", body)) {
      form.reset();
      await load();
    }
  }

  kind.addEventListener("change", () => {
    unit.textContent = unitName(kind.value);
  });
  load();
  return { reload: load };
}
