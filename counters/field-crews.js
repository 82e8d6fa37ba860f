// The crews of the field board (counters/field.html): each crew's members, load and
// papers (printed on the slip printer, or as A4 PDF), which crews share the automatic
// assignment, and the form that makes or changes a crew.
import { $, $$, el, showError } from "/static/qms.js";
import { act, download, msg, notice } from "/counters/field-common.js";

/** The crews panel over the board's shared state (ctx: st, post, refresh). */
export function crewsPanel(ctx) {
  const { st, post, refresh } = ctx;

  function crewRow(c) {
    const load = st.data.crews?.[c.code] || { orders: 0, done: 0, not_done: 0 };
    const code = encodeURIComponent(c.code);
    return el(
      "tr",
      { dataset: { crew: c.code, active: String(c.active), orders: load.orders, done: load.done } },
      el(
        "td",
        { className: "manage" },
        el("input", {
          type: "checkbox",
          className: "auto-pick",
          checked: st.autoCrews.has(c.code),
          disabled: !c.active,
          "aria-label": `${msg("fb.auto")} ${c.code}`,
          on: {
            change: (e) => (e.target.checked ? st.autoCrews.add(c.code) : st.autoCrews.delete(c.code)),
          },
        }),
      ),
      el(
        "td",
        {},
        el("strong", { className: "num", text: c.code }),
        el("div", { text: c.name }),
        c.active ? null : el("span", { className: "badge warn", text: msg("stood_down") }),
      ),
      el("td", { text: c.members.map((m) => m.full_name || m.username).join(", ") }),
      el("td", { className: "num load", text: `${load.orders} / ${load.done} / ${load.not_done}` }),
      el(
        "td",
        { className: "papers" },
        el("button", {
          type: "button",
          className: "manage edit",
          text: msg("edit"),
          on: { click: () => editCrew(c) },
        }),
        el("button", {
          type: "button",
          className: "manage print",
          text: msg("print_papers"),
          on: { click: () => printPapers(c.code) },
        }),
        el("button", {
          type: "button",
          className: "pdf",
          text: msg("download_pdf"),
          on: { click: () => download(ctx, `/api/field/crews/${code}/papers.pdf`, `to-${c.code}.pdf`) },
        }),
      ),
    );
  }

  function renderCrews() {
    const crews = st.data.crew_list || [];
    $("#crews tbody").replaceChildren(
      ...(crews.length
        ? crews.map(crewRow)
        : [el("tr", { className: "empty" }, el("td", { colSpan: 5, text: msg("no_crews_yet") }))]),
    );
    renderPeople();
  }

  /** The crew accounts known (members of the crews, and those typed), as ticks. */
  function renderPeople(checked = null) {
    const ticked = checked || new Set($$("#crew-people input:checked").map((i) => i.value));
    const names = [...st.people.keys()].sort();
    $("#crew-people").replaceChildren(
      ...names.map((u) =>
        el(
          "label",
          { className: "inline person" },
          el("input", { type: "checkbox", value: u, checked: ticked.has(u), dataset: { user: u } }),
          ` ${st.people.get(u)} (${u})`,
        ),
      ),
    );
  }

  /** The form opens for a new crew or an edit, and closes once saved (or given up). */
  function openForm(open) {
    $("#crew-form").hidden = !open;
    showError($("#crew-error"), null);
  }

  function editCrew(c) {
    openForm(true);
    $("#crew-code").value = c.code;
    $("#crew-name").value = c.name;
    $("#crew-active").checked = c.active;
    $("#crew-more").value = "";
    renderPeople(new Set(c.members.map((m) => m.username)));
    $("#crew-name").focus();
  }

  function newCrew() {
    openForm(true);
    $("#crew-form").reset();
    $("#crew-active").checked = true;
    renderPeople(new Set());
    $("#crew-code").focus();
  }

  async function onSaveCrew(e) {
    e.preventDefault();
    const box = $("#crew-error");
    const typed = $("#crew-more")
      .value.split(/[\s,;]+/)
      .filter(Boolean);
    const members = [...new Set([...$$("#crew-people input:checked").map((i) => i.value), ...typed])];
    if (!members.length) return showError(box, msg("no_members_chosen"));
    const body = {
      code: $("#crew-code").value.trim().toUpperCase(),
      name: $("#crew-name").value.trim(),
      members,
      active: $("#crew-active").checked,
    };
    const out = await act(box, () => post("/api/field/crews", body));
    if (!out) return;
    for (const m of out.members) st.people.set(m.username, m.full_name);
    $("#crew-form").reset();
    openForm(false);
    notice(msg("crew_saved", { crew: out.code }));
    refresh();
  }

  async function printPapers(code) {
    const out = await act($("#fb-error"), () => post(`/api/field/crews/${encodeURIComponent(code)}/print`));
    if (out) notice(msg("print_sent", { crew: code, orders: out.orders }));
  }

  function wire() {
    $("#crew-form").addEventListener("submit", onSaveCrew);
    $("#crew-new").addEventListener("click", newCrew);
    $("#crew-cancel").addEventListener("click", () => openForm(false));
  }

  return { render: renderCrews, wire };
}
