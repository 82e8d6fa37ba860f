// The team leader's disconnection list (counters/field.html): the round's orders by book in
// route order, ticked one by one or a book at a time, assigned to a crew, taken back, or
// shared over the ticked crews automatically.
import { $, el, money, showError } from "/static/qms.js";
import { date } from "/static/format.js";
import { act, download, LIVE, msg, notice, statusCell } from "/counters/field-common.js";

/** The list over the board's shared state (ctx: st, post, refresh, onSelect). */
export function orderList(ctx) {
  const { st, post, refresh } = ctx;

  function pickBox(o, label) {
    return el(
      "td",
      { className: "manage pick-cell" },
      el("input", {
        type: "checkbox",
        className: "pick",
        checked: st.selected.has(o.id),
        disabled: !LIVE.has(o.status),
        "aria-label": `${msg(label)} ${o.id}`,
        dataset: { order: o.id },
        on: { change: (e) => toggle([o.id], e.target.checked) },
      }),
    );
  }

  /** One order's slip (cut or reconnection) as A4 PDF. */
  function slipCell(o) {
    return el(
      "td",
      { className: "slip" },
      el("button", {
        type: "button",
        className: "slip-pdf",
        text: msg("slip_pdf"),
        title: msg("slip_pdf_title"),
        on: { click: () => download(ctx, `/api/field/orders/${o.id}/slip.pdf`, `phieu-${o.id}.pdf`) },
      }),
    );
  }

  function orderRow(o) {
    return el(
      "tr",
      { dataset: { order: o.id, status: o.status, crew: o.crew || "", customer: o.customer_code } },
      pickBox(o, "pick_order"),
      el("td", { className: "num route", text: o.route_no ?? "" }),
      el(
        "td",
        { className: "customer" },
        el("span", { className: "num", text: o.customer_code }),
        el("div", { text: o.customer_name }),
      ),
      el("td", { className: "address", text: o.address }),
      el("td", { className: "num", text: o.periods }),
      el("td", { className: "money", dataset: { amount: o.overdue }, text: money(o.overdue) }),
      el("td", { className: "num", text: date(o.oldest_due) }),
      el("td", { className: "crew num", text: o.crew || "" }),
      statusCell(o),
      slipCell(o),
    );
  }

  function bookSection(b) {
    const live = b.orders.filter((o) => LIVE.has(o.status)).map((o) => o.id);
    const open = b.orders.filter((o) => o.status === "open").length;
    const all = live.length > 0 && live.every((id) => st.selected.has(id));
    const head = el(
      "tr",
      {},
      el("th", { className: "manage" }),
      ...[
        "fb.no",
        "fb.customer",
        "fb.address",
        "fb.periods",
        "fb.overdue",
        "fb.oldest_due",
        "fb.crew",
        "fb.status",
        "fb.slip",
      ].map((k) => el("th", { text: msg(k) })),
    );
    return el(
      "section",
      { className: "book", dataset: { book: b.book_code } },
      el(
        "h3",
        {},
        el(
          "label",
          { className: "manage pick-book-label" },
          el("input", {
            type: "checkbox",
            className: "pick-book",
            checked: all,
            disabled: !live.length,
            "aria-label": `${msg("pick_book")} ${b.book_code}`,
            on: { change: (e) => toggle(live, e.target.checked) },
          }),
        ),
        el("span", { className: "num", text: b.book_code }),
        " ",
        el("span", { className: "muted", text: msg("book_count", { n: b.orders.length, open }) }),
      ),
      el("table", { className: "orders" }, el("thead", {}, head), el("tbody", {}, ...b.orders.map(orderRow))),
    );
  }

  function renderBooks() {
    const books = st.data.books || [];
    $("#books").replaceChildren(
      ...(books.length ? books.map(bookSection) : [el("p", { className: "muted empty", text: msg("no_orders") })]),
    );
  }

  function toggle(ids, on) {
    for (const id of ids) {
      if (on) st.selected.add(id);
      else st.selected.delete(id);
    }
    ctx.onSelect();
  }

  function renderSelection() {
    $("#selected-count").textContent = String(st.selected.size);
    const select = $("#assign-crew");
    const keep = select.value;
    const active = (st.data?.crew_list || []).filter((c) => c.active);
    select.replaceChildren(...active.map((c) => el("option", { value: c.code, text: `${c.code} — ${c.name}` })));
    if (active.some((c) => c.code === keep)) select.value = keep;
  }

  async function onAssign() {
    const box = $("#fb-error");
    const orders = [...st.selected];
    const crew = $("#assign-crew").value;
    if (!orders.length) return showError(box, msg("nothing_selected"));
    if (!crew) return showError(box, msg("no_crew_chosen"));
    const out = await act(box, () => post("/api/field/orders/assign", { orders, crew }));
    if (out) {
      st.selected.clear();
      notice(msg("assigned_notice", { n: orders.length, crew }));
    }
    refresh();
  }

  async function onUnassign() {
    const box = $("#fb-error");
    const orders = [...st.selected];
    if (!orders.length) return showError(box, msg("nothing_selected"));
    const out = await act(box, () => post("/api/field/orders/unassign", { orders }));
    if (out) {
      st.selected.clear();
      notice(msg("unassigned_notice", { n: orders.length }));
    }
    refresh();
  }

  async function onAutoAssign() {
    const active = new Set((st.data?.crew_list || []).filter((c) => c.active).map((c) => c.code));
    const chosen = [...st.autoCrews].filter((c) => active.has(c));
    const body = chosen.length ? { crews: chosen } : {};
    const out = await act($("#fb-error"), () => post("/api/field/orders/auto-assign", body));
    if (out) {
      const crews = Object.entries(out.crews || {})
        .map(([c, n]) => `${c} ${n}`)
        .join(", ");
      notice(msg("auto_notice", { n: out.assigned, crews }));
    }
    refresh();
  }

  function wire() {
    $("#assign").addEventListener("click", onAssign);
    $("#unassign").addEventListener("click", onUnassign);
    $("#auto-assign").addEventListener("click", onAutoAssign);
  }

  return { render: renderBooks, renderSelection, pickBox, slipCell, wire };
}
