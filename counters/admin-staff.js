// Staff accounts on the admin page: the list (by branch, role, active), a new account
// with its one-time password shown once, an edit (full name, role, the counters the person
// may use), disable/enable and a password reset. Every save carries the account's version:
// another admin's save in between is refused (stale_edit) and the form offers to reload.
import { $, el, showError } from "/static/qms.js";
import {
  COUNTER_KIND,
  clearForm,
  fillSelect,
  msg,
  notice,
  roleName,
  rowButton,
  showSecret,
  submit,
  texts,
} from "/counters/admin-common.js";

export function staffSection(ctx) {
  let list = []; // the accounts as last read
  const form = $("#staff-form");
  const f = form.elements;

  const counterKind = () => COUNTER_KIND[f.role.value] || null;

  /** The ticks of the counters of the chosen branch the chosen role signs in at. */
  function renderCounterTicks(ticked = selectedCounters()) {
    const kind = counterKind();
    const branch = ctx.branch(f.branch.value);
    const box = $("#sf-counters");
    const fitting = kind && branch ? branch.counters.filter((c) => c.kind === kind && !c.retired) : [];
    form.querySelector("[data-field=counters]").hidden = !kind;
    box.replaceChildren(
      ...fitting.map((c) =>
        el(
          "label",
          { className: "inline" },
          el("input", { type: "checkbox", name: "counter", value: c.code, checked: ticked.includes(c.code) }),
          ` ${c.code} — ${c.name}`,
        ),
      ),
    );
    if (kind && !fitting.length) box.append(el("span", { className: "muted", text: msg("no_counters_of_kind") }));
  }

  function selectedCounters() {
    return [...form.querySelectorAll("input[name=counter]:checked")].map((i) => i.value);
  }

  function fillChoices() {
    const roles = ctx.st.org?.choices.roles || [];
    fillSelect(
      f.role,
      roles.map((r) => [r, roleName(r)]),
    );
    fillSelect(
      f.branch,
      ctx.branches().map((b) => [b.id, `${b.id} — ${b.name}`]),
    );
  }

  function openNew() {
    fillChoices();
    clearForm(form);
    form.reset();
    form.dataset.mode = "new";
    form.dataset.username = "";
    form.dataset.reloaded = "";
    $("#sf-title").textContent = msg("new_account");
    f.username.readOnly = false;
    f.branch.disabled = false;
    const filter = $("#staff-branch").value;
    f.branch.value = filter || ctx.st.me.branch || ctx.branches()[0]?.id || "";
    if (!f.branch.value && ctx.branches()[0]) f.branch.value = ctx.branches()[0].id;
    f.role.value = "cashier";
    renderCounterTicks([]);
    form.hidden = false;
    f.full_name.focus();
  }

  function openEdit(u) {
    fillChoices();
    clearForm(form);
    form.dataset.mode = "edit";
    form.dataset.username = u.username;
    form.dataset.version = u.version;
    form.dataset.reloaded = "";
    $("#sf-title").textContent = msg("edit_account", { username: u.username });
    f.full_name.value = u.full_name;
    f.username.value = u.username;
    f.username.readOnly = true;
    f.role.value = u.role;
    f.branch.value = u.branch;
    f.branch.disabled = true; // an account stays in its branch: make one in the other
    renderCounterTicks(u.counters || []);
    form.hidden = false;
    f.full_name.focus();
  }

  function close() {
    clearForm(form);
    form.hidden = true;
    form.dataset.mode = "";
  }

  async function fresh(username) {
    const all = (await ctx.call("/api/admin/staff")).staff;
    list = all;
    render();
    return all.find((u) => u.username === username);
  }

  async function onSave(e) {
    e.preventDefault();
    const counters = counterKind() ? selectedCounters() : null;
    if (form.dataset.mode === "new") {
      const out = await submit(form, () =>
        ctx.post("/api/admin/staff", {
          username: f.username.value.trim(),
          full_name: f.full_name.value.trim(),
          role: f.role.value,
          branch: f.branch.value,
          counters: counters?.length ? counters : null,
        }),
      );
      if (!out) return;
      close();
      showSecret({
        title: msg("one_time_password_for", { username: out.user.username }),
        value: out.temporary_password,
        note: msg("one_time_password_note", { name: out.user.full_name, username: out.user.username }),
      });
      ctx.reload();
      return;
    }
    const username = form.dataset.username;
    const before = list.find((u) => u.username === username);
    const body = { version: Number(form.dataset.version), full_name: f.full_name.value.trim() };
    if (!before || before.role !== f.role.value) body.role = f.role.value;
    if (counterKind()) body.counters = counters.length ? counters : null;
    const out = await submit(form, () => ctx.patch(`/api/admin/staff/${encodeURIComponent(username)}`, body), {
      reload: async () => {
        const u = await fresh(username);
        form.dataset.version = u.version;
        return msg("account_now", {
          full_name: u.full_name,
          role: roleName(u.role),
          counters: (u.counters || []).join(", ") || "—",
          active: u.active ? msg("active_word") : msg("disabled_word"),
        });
      },
    });
    if (!out) return;
    close();
    notice(msg("saved_account", { username }));
    ctx.reload();
  }

  /** Disable, enable or reset from a row, with the version the list showed. */
  async function rowAction(u, verb) {
    const box = $("#adm-error");
    showError(box, null);
    notice("");
    let out;
    try {
      out = await ctx.post(`/api/admin/staff/${encodeURIComponent(u.username)}/${verb}`, { version: u.version });
    } catch (err) {
      if (err.status === 401) return;
      showError(box, texts.explain(err));
      if (err.code === "stale_edit") ctx.reload(); // the row shows the other admin's change
      return;
    }
    if (verb === "reset") {
      showSecret({
        title: msg("one_time_password_for", { username: u.username }),
        value: out.temporary_password,
        note: msg("reset_note", { name: u.full_name, username: u.username, n: out.sessions_ended || 0 }),
      });
    } else {
      notice(
        msg(verb === "disable" ? "disabled_notice" : "enabled_notice", {
          username: u.username,
          n: out.sessions_ended || 0,
        }),
      );
    }
    ctx.reload();
  }

  function matches(u) {
    const branch = $("#staff-branch").value;
    const role = $("#staff-role").value;
    const active = $("#staff-active").value;
    return (!branch || u.branch === branch) && (!role || u.role === role) && (!active || String(u.active) === active);
  }

  function renderFilters() {
    fillSelect($("#staff-branch"), [
      ["", msg("all_branches")],
      ...ctx.branches().map((b) => [b.id, `${b.id} — ${b.name}`]),
    ]);
    fillSelect($("#staff-role"), [
      ["", msg("all_roles")],
      ...(ctx.st.org?.choices.roles || []).map((r) => [r, roleName(r)]),
    ]);
  }

  function render() {
    renderFilters();
    const shown = list.filter(matches);
    const rows = shown.map((u) =>
      el(
        "tr",
        { dataset: { username: u.username, role: u.role, branch: u.branch, active: String(u.active) } },
        el("td", { className: "num", text: u.username }),
        el("td", { className: "name", text: u.full_name }),
        el("td", { text: roleName(u.role) }),
        el("td", { text: u.branch }),
        el("td", { className: "counters", text: u.counters ? u.counters.join(", ") : "—" }),
        el(
          "td",
          { className: "state" },
          el("span", {
            className: `badge ${u.active ? "ok" : "bad"}`,
            text: u.active ? msg("active_word") : msg("disabled_word"),
          }),
          u.must_change_password ? el("span", { className: "badge warn", text: msg("must_change") }) : null,
        ),
        el(
          "td",
          { className: "row-actions" },
          rowButton("edit", () => openEdit(u), { className: "edit" }),
          u.active
            ? rowButton("disable", () => rowAction(u, "disable"), { className: "disable" })
            : rowButton("enable", () => rowAction(u, "enable"), { className: "enable" }),
          rowButton("reset_password", () => rowAction(u, "reset"), { className: "reset" }),
        ),
      ),
    );
    $("#staff-table tbody").replaceChildren(...rows);
    $("#staff-none").hidden = shown.length > 0;
    if (!form.hidden && !form.dataset.error) renderCounterTicks();
  }

  function wire() {
    $("#staff-new").addEventListener("click", openNew);
    form.addEventListener("submit", onSave);
    $(".cancel", form).addEventListener("click", close);
    f.role.addEventListener("change", () => renderCounterTicks([]));
    f.branch.addEventListener("change", () => renderCounterTicks([]));
    for (const id of ["#staff-branch", "#staff-role", "#staff-active"]) $(id).addEventListener("change", render);
  }

  return {
    wire,
    render,
    openNew,
    setList: (staff) => {
      list = staff;
    },
  };
}
