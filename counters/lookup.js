// The lookup counter: the paper invoices to pull for its parity. Enter: every paper of the
// selected row's customer on that ticket found (one key for six periods); F9 one paper
// found, F10 later, F8 missing; Ctrl+Z undoes the last F9 (or Enter) while its paper is
// not yet delivered; arrows, Page Up/Down, Home and End move the selection, and after a
// key the next paper to find is selected by itself.
import { $, $$, el, showError, timeOf, LOOKUP_STATUS, TICKET_STATUS } from "/static/qms.js";
import { byPeriod, counterMessage, holder, msg, priorityText } from "/counters/common.js";

/** The screen over the shell's shared state (ctx: hall, call, post, queueRender, counterName). */
export function lookupScreen(ctx) {
  const { post, queueRender, counterName } = ctx;
  // last: the papers of the last F9 or Enter, {number, ids}: what Ctrl+Z undoes
  const lk = { key: null, index: 0, inflight: new Set(), rows: [], last: null };

  function lookupRows() {
    const pending = [];
    const later = [];
    const found = []; // found, still owed: where its paper is (an undelivered one may be undone)
    for (const t of ctx.hall.list()) {
      for (const inv of t.invoices || []) {
        if (inv.pay_status !== "unpaid") continue;
        const row = { t, inv, key: `${t.number}:${inv.invoice_id}` };
        if (inv.lookup_status === "pending") pending.push(row);
        else if (inv.lookup_status === "deferred" || inv.lookup_status === "missing") later.push(row);
        else if (inv.lookup_status === "found" && t.status !== "done") found.push(row);
      }
    }
    // a priority customer's paper first: "call next" serves them first (docs/priority.md)
    const order = (a, b) =>
      Boolean(b.t.priority) - Boolean(a.t.priority) ||
      a.t.number - b.t.number ||
      String(a.inv.book_code).localeCompare(String(b.inv.book_code)) ||
      byPeriod(a.inv, b.inv);
    pending.sort(order);
    later.sort(order);
    found.sort(order);
    return { pending, later, found };
  }

  /** Where a found paper is: at a cashier counter since a time, or still here. */
  function paperPlace(inv) {
    if (!inv.delivered_to) return el("span", { className: "muted", text: msg("paper_here") });
    const at = timeOf(inv.delivered_at);
    const name = counterName(inv.delivered_to);
    return el("strong", {
      className: "delivered",
      text: msg("paper_at", { name, at }),
    });
  }

  function lookupRow(r) {
    const { t, inv } = r;
    const stale = t.status === "done" || t.status === "no_show";
    const tr = el(
      "tr",
      {
        className: [r.key === lk.key ? "selected" : "", stale ? "stale" : ""].join(" ").trim(),
        dataset: {
          key: r.key,
          ticket: t.number,
          invoiceId: inv.invoice_id,
          lookupStatus: inv.lookup_status,
        },
        on: { click: () => selectLookup(r.key) },
      },
      el(
        "td",
        { className: "ticket num" },
        String(t.number),
        t.priority ? el("span", { className: "badge prio-badge", title: priorityText(t.priority), text: "★" }) : null,
      ),
      el("td", { className: "book num", text: inv.book_code }),
      el("td", { className: "num", text: `${inv.series} / ${inv.number}` }),
      el("td", { className: "num", text: inv.period }),
      el("td", { className: "num muted", text: inv.customer_code }),
      el(
        "td",
        {},
        el("span", {
          className: `badge ${{ pending: "", found: "ok" }[inv.lookup_status] ?? "warn"}`,
          text: LOOKUP_STATUS[inv.lookup_status] || inv.lookup_status,
        }),
        r.inflight ? el("span", { className: "muted", text: " …" }) : null,
      ),
      inv.lookup_status === "found"
        ? el("td", { className: "place" }, paperPlace(inv))
        : el(
            "td",
            {},
            t.counter ? el("strong", { text: holder(t) }) : null,
            t.status !== "serving"
              ? el("span", { className: "muted", text: ` ${TICKET_STATUS[t.status] || t.status}` })
              : null,
          ),
    );
    return tr;
  }

  function renderLookup() {
    const { pending, later, found } = lookupRows();
    lk.rows = pending.concat(later, found);
    if (lk.rows.length === 0) {
      lk.key = null;
      lk.index = 0;
    } else {
      const at = lk.rows.findIndex((r) => r.key === lk.key);
      if (at >= 0) lk.index = at;
      else {
        lk.index = Math.min(Math.max(lk.index, 0), lk.rows.length - 1);
        lk.key = lk.rows[lk.index].key;
      }
    }
    for (const r of lk.rows) r.inflight = lk.inflight.has(r.key);
    const fill = (table, rows, emptyText) => {
      const body = $(`${table} tbody`);
      body.replaceChildren(
        ...(rows.length
          ? rows.map(lookupRow)
          : [el("tr", { className: "empty" }, el("td", { colSpan: 7, text: emptyText }))]),
      );
    };
    fill("#lookup-pending", pending, msg("nothing_to_find"));
    fill("#lookup-deferred", later, msg("none"));
    fill("#lookup-found", found, msg("none"));
    $("#lookup-pending-count").textContent = String(pending.length);
    $("#lookup-deferred-count").textContent = String(later.length);
    $("#lookup-found-count").textContent = String(found.length);
    const sel = lk.rows[lk.index];
    for (const [id, action] of Object.entries(LOOKUP_BUTTONS)) $(id).disabled = !sel || !canMark(sel, action);
    $("#btn-found-customer").disabled = !sel || customerPapers(sel).length === 0;
    if (lk.last) $("#btn-unfound").disabled = !lastUndoable(); // Ctrl+Z asks the server all the same
  }

  /** Whether the last F9's papers are, as far as this screen knows, found and still here. */
  function lastUndoable() {
    const { number, ids } = lk.last;
    const mine = lk.rows.filter((r) => r.t.number === number && ids.includes(r.inv.invoice_id));
    return mine.length === ids.length && mine.every((r) => r.inv.lookup_status === "found" && !r.inv.delivered_to);
  }

  /** The papers of the row's customer on its ticket this counter can still find. */
  function customerPapers(row) {
    return lk.rows.filter(
      (r) =>
        r.t.number === row.t.number && r.inv.customer_code === row.inv.customer_code && r.inv.lookup_status !== "found",
    );
  }

  /** The next paper to find after ``done`` (keys of rows just marked): the first row
   * still to find after the selection, else before it; the selection stays otherwise. */
  function nextAfter(done) {
    const rest = (r) => !done.has(r.key) && r.inv.lookup_status !== "found";
    const after = lk.rows.slice(lk.index + 1).find(rest);
    return after || lk.rows.slice(0, lk.index).find(rest) || null;
  }

  const LOOKUP_BUTTONS = {
    "#btn-found": "found",
    "#btn-deferred": "deferred",
    "#btn-missing": "missing",
    "#btn-unfound": "unfound",
  };

  /** What a row allows (the server checks again): as qms/lookup.py's TRANSITIONS. */
  function canMark(row, action) {
    const status = row.inv.lookup_status;
    if (action === "found") return status !== "found";
    if (action === "deferred") return status === "pending";
    if (action === "missing") return status === "pending" || status === "deferred";
    if (action === "unfound") return status === "found" && !row.inv.delivered_to;
    return false;
  }

  function scrollToSelection() {
    const tr = lk.key && $(`tr[data-key="${lk.key}"]`);
    if (tr) tr.scrollIntoView({ block: "nearest" });
  }

  function selectLookup(key) {
    lk.key = key;
    const at = lk.rows.findIndex((r) => r.key === key);
    if (at >= 0) lk.index = at;
    renderLookup();
  }

  function moveLookup(delta) {
    if (!lk.rows.length) return;
    lk.index = Math.min(Math.max(lk.index + delta, 0), lk.rows.length - 1);
    lk.key = lk.rows[lk.index].key;
    renderLookup();
    scrollToSelection();
  }

  async function markLookup(action) {
    const sel = lk.rows[lk.index];
    if (!sel) return;
    if (!canMark(sel, action)) return;
    if (lk.inflight.has(sel.key)) return;
    showError($("#lookup-error"), null);
    lk.inflight.add(sel.key);
    const next = nextAfter(new Set([sel.key])) || lk.rows[lk.index + 1] || lk.rows[lk.index - 1] || null;
    renderLookup();
    try {
      // the answer is the full ticket; the row changes when the event arrives on the socket
      await post(`/api/tickets/${sel.t.number}/invoices/${sel.inv.invoice_id}/${action}`);
      if (action === "found") lk.last = { number: sel.t.number, ids: [sel.inv.invoice_id] };
      else if (action === "unfound" && sameLast(sel.t.number, [sel.inv.invoice_id])) lk.last = null;
      // done with this paper: the selection goes on to the next one to find
      if (lk.key === sel.key && next) lk.key = next.key;
    } catch (err) {
      showError($("#lookup-error"), { code: err.code, message: counterMessage(err) || err.message });
    } finally {
      lk.inflight.delete(sel.key);
      queueRender();
    }
  }

  function sameLast(number, ids) {
    return lk.last?.number === number && lk.last.ids.length === ids.length && ids.every((i) => lk.last.ids.includes(i));
  }

  function lookupError(err) {
    showError($("#lookup-error"), { code: err.code, message: counterMessage(err) || err.message });
  }

  /** One key: all the papers of the selected row's customer on its ticket found. */
  async function markCustomer() {
    const sel = lk.rows[lk.index];
    if (!sel) return;
    const papers = customerPapers(sel);
    if (papers.length === 0 || papers.some((r) => lk.inflight.has(r.key))) return;
    showError($("#lookup-error"), null);
    const keys = new Set(papers.map((r) => r.key));
    for (const k of keys) lk.inflight.add(k);
    const next = nextAfter(keys);
    renderLookup();
    try {
      const code = encodeURIComponent(sel.inv.customer_code);
      const res = await post(`/api/tickets/${sel.t.number}/customers/${code}/found`);
      lk.last = { number: sel.t.number, ids: res.invoice_ids || papers.map((r) => r.inv.invoice_id) };
      if (keys.has(lk.key) && next) lk.key = next.key;
    } catch (err) {
      lookupError(err);
    } finally {
      for (const k of keys) lk.inflight.delete(k);
      queueRender();
    }
  }

  /** Ctrl+Z: the last F9 (or Enter) undone, all its papers, while none is delivered; the
   * server refuses once one is (already_delivered, naming the counter). Without one, the
   * selected found paper. */
  async function undoLast() {
    const last = lk.last;
    if (!last) {
      markLookup("unfound");
      return;
    }
    showError($("#lookup-error"), null);
    try {
      await post(`/api/tickets/${last.number}/invoices/unfound`, { invoices: last.ids });
      lk.last = null;
      const back = lk.rows.find((r) => r.t.number === last.number && r.inv.invoice_id === last.ids[0]);
      if (back) lk.key = back.key; // the paper is to find again: select it
    } catch (err) {
      lookupError(err);
      // it can no longer be undone (delivered, moved, paid): the next Ctrl+Z is the selection's
      if (err.status === 409) lk.last = null;
    } finally {
      queueRender();
    }
  }

  function lookupKeys(e) {
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        moveLookup(1);
        break;
      case "ArrowUp":
        e.preventDefault();
        moveLookup(-1);
        break;
      case "PageDown":
        e.preventDefault();
        moveLookup(10);
        break;
      case "PageUp":
        e.preventDefault();
        moveLookup(-10);
        break;
      case "Home":
        e.preventDefault();
        moveLookup(-lk.rows.length);
        break;
      case "End":
        e.preventDefault();
        moveLookup(lk.rows.length);
        break;
      case "F9":
        e.preventDefault();
        markLookup("found");
        break;
      case "F10":
        e.preventDefault();
        markLookup("deferred");
        break;
      case "F8":
        e.preventDefault();
        markLookup("missing");
        break;
      case "Enter": {
        const tag = e.target?.tagName;
        if (["INPUT", "SELECT", "TEXTAREA", "BUTTON", "A"].includes(tag) || e.ctrlKey || e.altKey) break;
        e.preventDefault();
        markCustomer();
        break;
      }
      case "z":
      case "Z":
        if (!e.ctrlKey || e.altKey || e.metaKey) break;
        e.preventDefault();
        undoLast();
        break;
      default:
        break;
    }
  }

  /** Entering the screen at a counter: its parity in the heading. */
  function enter(counter) {
    $("#lookup-parity").textContent =
      counter.parity === "even" ? msg("parity_even") : counter.parity === "odd" ? msg("parity_odd") : "";
  }

  function wire() {
    $("#btn-found").addEventListener("click", () => markLookup("found"));
    $("#btn-deferred").addEventListener("click", () => markLookup("deferred"));
    $("#btn-missing").addEventListener("click", () => markLookup("missing"));
    $("#btn-unfound").addEventListener("click", undoLast);
    $("#btn-found-customer").addEventListener("click", markCustomer);
    // a clicked button gives the keys back to the screen (Enter is "all of this customer")
    for (const b of $$("#lookup-view .toolbar button")) b.addEventListener("click", () => b.blur());
  }

  return { enter, wire, render: renderLookup, keys: lookupKeys };
}
