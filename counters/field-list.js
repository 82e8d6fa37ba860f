// The team leader's disconnection list (counters/field.html): one header per book with its
// orders counted by status and by crew (GET /api/field), closed; a book opened shows its
// orders in route order (GET /api/field/books/{code}), ticked one by one or the whole book,
// assigned to a crew, taken back, or shared over the ticked crews automatically. A day is
// thousands of orders: only the books opened are fetched, and fetched again when live.
import { $, $$, el, money, showError } from "/static/qms.js";
import { date } from "/static/format.js";
import { act, download, fail, LIVE, msg, notice, statusCell } from "/counters/field-common.js";

/** Books fetched at once when many are opened together ("Open all"). */
const AT_ONCE = 4;

/** A book's counts as its header shows them, in the order an order goes through. */
const COUNTS = [
  ["open", () => msg("book_open")],
  ["assigned", () => msg("book_assigned")],
  ["done", () => msg("book_done")],
  ["not_done", () => msg("book_not_done")],
  ["cancelled", () => msg("book_cancelled")],
];

/** A count with its words: the number once, the words in both languages. */
function count(n, words, className, dataset) {
  return el(
    "span",
    { className: `count ${className}`, dataset: { ...dataset, n } },
    el("strong", { className: "num", text: n }),
    " ",
    el("span", { className: "words", text: words }),
  );
}

/** At most `limit` calls of `fn` running; the others wait their turn. */
function limiter(limit) {
  let running = 0;
  const waiting = [];
  const next = () => {
    if (running >= limit || !waiting.length) return;
    running += 1;
    const { fn, resolve, reject } = waiting.shift();
    fn()
      .then(resolve, reject)
      .finally(() => {
        running -= 1;
        next();
      });
  };
  return (fn) =>
    new Promise((resolve, reject) => {
      waiting.push({ fn, resolve, reject });
      next();
    });
}

/** The list over the board's shared state (ctx: st, call, post, refresh, onSelect). */
export function orderList(ctx) {
  const { st, call, post, refresh } = ctx;
  // book code -> {orders: [...] | null, loading, again, error, tickAll}; a book is open
  // while it has an entry here
  const opened = new Map();
  const turn = limiter(AT_ONCE);

  const summaries = () => st.data?.books || [];
  const liveIds = (orders) => orders.filter((o) => LIVE.has(o.status)).map((o) => o.id);
  const sectionOf = (code) => $$("#books section.book").find((s) => s.dataset.book === code);

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

  function ordersTable(orders) {
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
    return el("table", { className: "orders" }, el("thead", {}, head), el("tbody", {}, ...orders.map(orderRow)));
  }

  /** What an open book shows under its header: its orders (the table drawn once per
   * fetch, kept while only the counts change), or why not yet. */
  function bookBody(code, id) {
    const b = opened.get(code);
    if (b?.orders) {
      b.table ||= ordersTable(b.orders);
      const body = el("div", { className: "book-body", id }, b.table);
      return body;
    }
    const body = el("div", { className: "book-body", id, hidden: !b });
    if (b?.error) body.append(el("p", { className: "error book-error", text: msg("book_failed") }));
    else if (b) body.append(el("p", { className: "muted loading", text: msg("book_loading") }));
    return body;
  }

  function bookSection(s, index) {
    const code = s.book_code;
    const b = opened.get(code);
    const orders = b?.orders;
    const live = orders ? liveIds(orders) : [];
    const unassigned = s.by_status?.open || 0;
    const tickable = orders ? live.length > 0 : unassigned + (s.by_status?.assigned || 0) > 0;
    const id = `book-orders-${index}`;
    const state = !b ? "closed" : orders ? "shown" : b.error ? "failed" : "loading";
    const counts = COUNTS.filter(([k]) => s.by_status?.[k]).map(([k, words]) =>
      count(s.by_status[k], words(), `st-${k}`, { status: k }),
    );
    const crews = Object.entries(s.by_crew || {})
      .sort(([a], [c]) => a.localeCompare(c))
      .map(([crew, n]) =>
        el(
          "span",
          { className: "crew-count", dataset: { crew, n } },
          el("span", { className: "num", text: crew }),
          ` ${n}`,
        ),
      );
    return el(
      "section",
      { className: "book", dataset: { book: code, count: s.count, state, expanded: String(!!b) } },
      el(
        "h3",
        { className: "book-head" },
        el(
          "label",
          { className: "manage pick-book-label" },
          el("input", {
            type: "checkbox",
            className: "pick-book",
            checked: live.length > 0 && live.every((i) => st.selected.has(i)),
            disabled: !tickable,
            "aria-label": `${msg("pick_book")} ${code}`,
            dataset: { book: code },
            on: { change: (e) => tickBook(code, e.target.checked) },
          }),
        ),
        el(
          "button",
          {
            type: "button",
            className: "book-toggle",
            "aria-expanded": String(!!b),
            "aria-controls": id,
            title: msg(b ? "close_book" : "open_book"),
            on: { click: () => (opened.has(code) ? closeBook(code) : openBook(code)) },
          },
          el("span", { className: "caret", "aria-hidden": "true", text: b ? "▾" : "▸" }),
          el("span", { className: "num code", text: code }),
        ),
        count(s.count, msg("book_orders"), "total", {}),
        ...counts,
        crews.length
          ? el(
              "span",
              { className: "crews" },
              el("span", { className: "muted", text: `${msg("book_by_crew")}:` }),
              ...crews,
            )
          : null,
      ),
      bookBody(code, id),
    );
  }

  function renderBooks() {
    const books = summaries();
    $("#books").replaceChildren(
      ...(books.length ? books.map(bookSection) : [el("p", { className: "muted empty", text: msg("no_orders") })]),
    );
    syncTicks(); // a kept table shows the ticks of when it was drawn
    $("#open-all").disabled = !books.length || books.every((b) => opened.has(b.book_code));
    $("#close-all").disabled = !opened.size;
  }

  /** One book again, in place, with the focus kept on its button. */
  function renderBook(code) {
    const books = summaries();
    const index = books.findIndex((b) => b.book_code === code);
    const old = sectionOf(code);
    if (index < 0 || !old) return;
    const active = document.activeElement;
    const focused = old.contains(active)
      ? ["book-toggle", "pick-book"].find((c) => active.classList.contains(c))
      : null;
    const fresh = bookSection(books[index], index);
    old.replaceWith(fresh);
    if (focused) fresh.querySelector(`.${focused}`)?.focus();
    $("#open-all").disabled = books.every((b) => opened.has(b.book_code));
    $("#close-all").disabled = !opened.size;
  }

  /** Fetch one open book: one fetch at a time for a book; asked again meanwhile, once more after. */
  async function loadBook(code) {
    const b = opened.get(code);
    if (!b) return;
    if (b.loading) {
      b.again = true;
      return;
    }
    b.loading = true;
    try {
      const out = await turn(() => call(`/api/field/books/${encodeURIComponent(code)}`));
      if (opened.get(code) !== b) return; // closed meanwhile
      b.orders = out.orders;
      b.table = null;
      b.error = null;
      if (b.tickAll) {
        b.tickAll = false;
        for (const id of liveIds(b.orders)) st.selected.add(id);
      }
      prune();
      renderBook(code);
      ctx.afterBook();
    } catch (err) {
      if (opened.get(code) !== b || err.status === 401) return;
      if (err.code === "book_not_in_round") {
        opened.delete(code); // a new round without it: nothing to show
        renderBook(code);
        return;
      }
      b.error = err;
      b.tickAll = false;
      st.loadFailed = true; // the next summary fetched clears the box
      if (!b.orders) renderBook(code);
      fail($("#fb-error"), err);
    } finally {
      b.loading = false;
      if (b.again && opened.get(code) === b) {
        b.again = false;
        loadBook(code);
      }
    }
  }

  function openBook(code, tickAll = false) {
    if (opened.has(code)) return;
    opened.set(code, { orders: null, table: null, loading: false, again: false, error: null, tickAll });
    renderBook(code);
    loadBook(code);
  }

  /** A book closed: its orders leave the page, and its ticks with them (what is ticked
   * is what the leader sees). */
  function closeBook(code) {
    const b = opened.get(code);
    if (!b) return;
    opened.delete(code);
    for (const id of (b.orders || []).map((o) => o.id)) st.selected.delete(id);
    renderBook(code);
    ctx.onSelect();
  }

  function openAll() {
    for (const s of summaries()) openBook(s.book_code);
    renderBooks();
  }

  function closeAll() {
    for (const code of [...opened.keys()]) closeBook(code);
    renderBooks();
  }

  /** The summary came again: books gone from the round are dropped, the open ones fetched. */
  function reloadOpen() {
    const present = new Set(summaries().map((s) => s.book_code));
    for (const code of [...opened.keys()]) if (!present.has(code)) opened.delete(code);
    for (const code of opened.keys()) loadBook(code);
  }

  /** Every order the page holds: those of the books open. */
  function orders() {
    return [...opened.values()].flatMap((b) => b.orders || []);
  }

  /** Ticks kept only for orders still live in an open book or among the reconnections. */
  function prune() {
    const live = new Set(
      [...orders(), ...(st.data?.reconnections || [])].filter((o) => LIVE.has(o.status)).map((o) => o.id),
    );
    for (const id of [...st.selected]) if (!live.has(id)) st.selected.delete(id);
  }

  function tickBook(code, on) {
    const b = opened.get(code);
    if (!b) {
      if (on) openBook(code, true); // ticked closed: opened, then its live orders ticked
      return;
    }
    if (!b.orders) {
      b.tickAll = on;
      return;
    }
    toggle(liveIds(b.orders), on);
  }

  function toggle(ids, on) {
    for (const id of ids) {
      if (on) st.selected.add(id);
      else st.selected.delete(id);
    }
    ctx.onSelect();
  }

  /** The ticks as the selection has them, without drawing the rows again. */
  function syncTicks() {
    for (const box of $$("input.pick")) box.checked = st.selected.has(Number(box.dataset.order));
    for (const box of $$("input.pick-book")) {
      const b = opened.get(box.dataset.book);
      const live = b?.orders ? liveIds(b.orders) : [];
      box.checked = b?.tickAll || (live.length > 0 && live.every((i) => st.selected.has(i)));
    }
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
    const ids = [...st.selected];
    const crew = $("#assign-crew").value;
    if (!ids.length) return showError(box, msg("nothing_selected"));
    if (!crew) return showError(box, msg("no_crew_chosen"));
    const out = await act(box, () => post("/api/field/orders/assign", { orders: ids, crew }));
    if (out) {
      st.selected.clear();
      notice(msg("assigned_notice", { n: ids.length, crew }));
    }
    refresh();
  }

  async function onUnassign() {
    const box = $("#fb-error");
    const ids = [...st.selected];
    if (!ids.length) return showError(box, msg("nothing_selected"));
    const out = await act(box, () => post("/api/field/orders/unassign", { orders: ids }));
    if (out) {
      st.selected.clear();
      notice(msg("unassigned_notice", { n: ids.length }));
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

  /** Signed out: nothing of the last person's list stays. */
  function forget() {
    opened.clear();
  }

  function wire() {
    $("#assign").addEventListener("click", onAssign);
    $("#unassign").addEventListener("click", onUnassign);
    $("#auto-assign").addEventListener("click", onAutoAssign);
    $("#open-all").addEventListener("click", openAll);
    $("#close-all").addEventListener("click", closeAll);
  }

  return {
    render: renderBooks,
    renderSelection,
    syncTicks,
    reloadOpen,
    orders,
    prune,
    forget,
    pickBox,
    slipCell,
    wire,
  };
}
