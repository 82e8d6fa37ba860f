// Halls on the admin page: the company's admin creates a branch and its hall; for the hall
// picked, its name and operating parameters (call policy, lookup rule, reconnection
// deadline, priority fairness, business hours with their days), then its counters and
// printers (admin-counters.js) and devices (admin-devices.js).
import { $, el } from "/static/qms.js";
import { clearForm, fillSelect, msg, notice, submit, texts } from "/counters/admin-common.js";
import { countersPanel } from "/counters/admin-counters.js";
import { devicesPanel } from "/counters/admin-devices.js";

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6]; // 0 = Monday, as the server counts them
const DEFAULT_HOURS = { open: "07:30", close: "17:00", days: [0, 1, 2, 3, 4, 5] };

export function hallsSection(ctx) {
  const st = ctx.st;
  st.hall = null; // the id of the hall picked
  const branchForm = $("#branch-form");
  const paramsForm = $("#params-form");
  const p = paramsForm.elements;
  const hall = () => ctx.branch(st.hall);
  const counters = countersPanel(ctx, hall);
  const devices = devicesPanel(ctx, hall);

  function pickDefault() {
    const ids = ctx.branches().map((b) => b.id);
    if (st.hall && ids.includes(st.hall)) return;
    st.hall = ids.includes(st.me?.branch) ? st.me.branch : ids[0] || null;
  }

  function render() {
    pickDefault();
    fillSelect(
      $("#hall-pick"),
      ctx.branches().map((b) => [b.id, `${b.id} — ${b.name}`]),
      st.hall,
    );
    const b = hall();
    $("#hall-detail").hidden = !b;
    $("#hall-detail").dataset.branch = b ? b.id : "";
    if (!b) return;
    renderParams(b);
    counters.render();
    devices.render();
  }

  // --- the hall's parameters ----------------------------------------------------------

  function renderDays(days) {
    $("#pf-days").replaceChildren(
      ...WEEKDAYS.map((d) =>
        el(
          "label",
          { className: "inline" },
          el("input", { type: "checkbox", name: "day", value: String(d), checked: days.includes(d) }),
          ` ${msg(`weekday.${d}`)}`,
        ),
      ),
    );
  }

  function syncHours() {
    const on = p.hours_on.checked;
    p.open.disabled = !on;
    p.close.disabled = !on;
    for (const box of paramsForm.querySelectorAll("input[name=day]")) box.disabled = !on;
  }

  /** The form shows the hall as saved, unless the admin is mid-edit or was refused. */
  function renderParams(b, force = false) {
    if (!force && paramsForm.dataset.branch === b.id && (paramsForm.dataset.dirty || paramsForm.dataset.error)) return;
    clearForm(paramsForm);
    paramsForm.dataset.branch = b.id;
    paramsForm.dataset.version = b.version;
    paramsForm.dataset.dirty = "";
    const choices = st.org.choices;
    fillSelect(
      p.call_policy,
      choices.call_policies.map((c) => [c, msg(`call_policy.${c}`)]),
    );
    fillSelect(
      p.lookup_rule,
      choices.lookup_rules.map((c) => [c, msg(`lookup_rule.${c}`)]),
    );
    const q = b.params;
    p.name.value = b.name;
    p.call_policy.value = q.call_policy;
    p.lookup_rule.value = q.lookup_rule;
    p.reconnect_hours.value = q.reconnect_hours;
    p.priority_max_in_row.value = q.priority_max_in_row;
    const hours = q.hours || DEFAULT_HOURS;
    p.hours_on.checked = !!q.hours;
    p.open.value = hours.open;
    p.close.value = hours.close;
    renderDays(hours.days);
    syncHours();
  }

  function typedHours() {
    if (!p.hours_on.checked) return null;
    const days = [...paramsForm.querySelectorAll("input[name=day]:checked")].map((i) => Number(i.value));
    return { open: p.open.value, close: p.close.value, days };
  }

  async function saveParams(e) {
    e.preventDefault();
    const b = hall();
    if (!b) return;
    const body = {
      version: Number(paramsForm.dataset.version),
      name: p.name.value.trim(),
      params: {
        call_policy: p.call_policy.value,
        lookup_rule: p.lookup_rule.value,
        reconnect_hours: Number(p.reconnect_hours.value),
        priority_max_in_row: Number(p.priority_max_in_row.value),
        hours: typedHours(),
      },
    };
    const out = await submit(paramsForm, () => ctx.patch(`/api/admin/branches/${encodeURIComponent(b.id)}`, body), {
      reload: async () => {
        const org = await ctx.call("/api/admin/org");
        st.org = org;
        const now = org.branches.find((x) => x.id === b.id);
        paramsForm.dataset.version = now.version;
        return describeParams(now);
      },
    });
    if (!out) return;
    paramsForm.dataset.dirty = "";
    paramsForm.dataset.version = out.version;
    notice(msg("saved_params", { branch: b.id }));
    ctx.reload();
  }

  function describeParams(b) {
    const h = b.params.hours;
    return [
      b.name,
      msg(`call_policy.${b.params.call_policy}`),
      `${msg("reconnect_short")} ${b.params.reconnect_hours}`,
      h ? `${h.open}–${h.close}` : msg("always_open"),
    ].join(" · ");
  }

  // --- a new branch (the company's admin) ----------------------------------------------

  function syncPaper() {
    const g = branchForm.elements;
    g.einvoice_lookup_url.closest("label").hidden = g.paper_invoices.checked;
  }

  function openBranch() {
    clearForm(branchForm);
    branchForm.reset();
    syncPaper();
    branchForm.hidden = false;
    branchForm.elements.id.focus();
  }

  async function saveBranch(e) {
    e.preventDefault();
    const g = branchForm.elements;
    const paper = g.paper_invoices.checked;
    const body = {
      id: g.id.value.trim().toUpperCase(),
      name: g.name.value.trim(),
      collection_point: g.collection_point.value.trim(),
      cmis_version: g.cmis_version.value,
      paper_invoices: paper,
    };
    if (!paper) body.einvoice_lookup_url = g.einvoice_lookup_url.value.trim() || null;
    const out = await submit(branchForm, () => ctx.post("/api/admin/branches", body));
    if (!out) return;
    branchForm.hidden = true;
    st.hall = out.id;
    notice(msg("branch_created", { branch: out.id }));
    await ctx.reload();
  }

  function wire() {
    $("#hall-pick").addEventListener("change", (e) => {
      st.hall = e.target.value;
      paramsForm.dataset.dirty = "";
      paramsForm.dataset.error = "";
      render();
      devices.refresh();
    });
    $("#branch-new").addEventListener("click", openBranch);
    branchForm.addEventListener("submit", saveBranch);
    $(".cancel", branchForm).addEventListener("click", () => {
      clearForm(branchForm);
      branchForm.hidden = true;
    });
    branchForm.elements.paper_invoices.addEventListener("change", syncPaper);
    syncPaper();
    paramsForm.addEventListener("submit", saveParams);
    paramsForm.addEventListener("input", () => {
      paramsForm.dataset.dirty = "true";
    });
    p.hours_on.addEventListener("change", syncHours);
    counters.wire();
    devices.wire();
  }

  return {
    wire,
    render,
    show: () => render(),
    refreshDevices: () => devices.refresh(),
    words: texts,
  };
}
