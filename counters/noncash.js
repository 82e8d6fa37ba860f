// The non-cash panel of the cash section (cash.js): the day's VietQR payments per cashier,
// the bank's credits waiting for the head cashier (refunded, other, apply: each with a
// note), the statement import (a CSV file, or fetched from the bank) and its unmatched
// lines (receive, or clear with a note). Fed by GET /api/bank/day; the cash section
// refetches it on the bank.* events. Words: cash-texts.js and the hall's statuses.
import { $, el, money, showError, timeOf } from "/static/qms.js";
import { msg, texts } from "/counters/common.js";

const DECIDE_ROLES = new Set(["head_cashier", "supervisor"]); // bank.resolve
const READ_ROLES = new Set(["head_cashier", "supervisor", "admin"]); // bank.read

/** ``act(box, fn)``: cash.js's one way to change something (busy, refusal, refetch). */
export function noncashPanel(ctx, { act }) {
  const np = { data: null, role: null, today: true, wired: false, notes: new Map() };

  const canRead = () => READ_ROLES.has(np.role);
  const canDecide = () => DECIDE_ROLES.has(np.role) && np.today;
  const box = () => $("#noncash-error");

  function notice(text) {
    const n = $("#noncash-notice");
    n.textContent = text;
    n.hidden = !text;
  }

  async function load(day, isToday) {
    np.today = isToday;
    if (!canRead()) return;
    const q = day ? `?date=${encodeURIComponent(day)}` : "";
    try {
      np.data = await ctx.call(`/api/bank/day${q}`);
      $("#noncash").dataset.loaded = "true";
    } catch (err) {
      if (err.status !== 401) showError(box(), texts.explain(err));
    }
  }

  /** A note typed for one row, kept across redraws. */
  function noteInput(key) {
    const input = el("input", {
      className: "note",
      maxlength: "200",
      placeholder: msg("noncash_note"),
      "aria-label": msg("noncash_note"),
    });
    input.value = np.notes.get(key) || "";
    input.addEventListener("input", () => np.notes.set(key, input.value));
    return input;
  }

  function noted(input) {
    const note = input.value.trim();
    if (note.length < 3) {
      showError(box(), msg("noncash_note_needed"));
      input.focus();
      return null;
    }
    return note;
  }

  async function decide(c, input, how) {
    const note = noted(input);
    if (note === null) return;
    const path = how === "apply" ? `/api/bank/credits/${c.id}/apply` : `/api/bank/credits/${c.id}/resolve`;
    const body = how === "apply" ? { note } : { resolution: how, note };
    notice("");
    const out = await act(box(), () => ctx.post(path, body));
    if (out) {
      np.notes.delete(`credit:${c.id}`);
      notice(msg("noncash_resolved", { txn: c.bank_txn }));
    }
  }

  async function settleLine(line, input, how) {
    let body = {};
    if (how === "clear") {
      const note = noted(input);
      if (note === null) return;
      body = { note };
    }
    notice("");
    const out = await act(box(), () => ctx.post(`/api/bank/statement-lines/${line.id}/${how}`, body));
    if (out) {
      np.notes.delete(`line:${line.id}`);
      notice(msg("noncash_line_done", { txn: line.bank_txn }));
    }
  }

  /** The statement as the bank exported it: the file's text, sent as text/csv. */
  async function importFile(file) {
    if (!file) return;
    const text = await file.text();
    notice("");
    const out = await act(box(), () =>
      ctx.call("/api/bank/statements", { method: "POST", body: text, contentType: "text/csv" }),
    );
    $("#statement-file").value = "";
    if (out) notice(msg("noncash_imported", { added: out.added, matched: out.matched }));
  }

  async function fetchStatement() {
    notice("");
    const out = await act(box(), () => ctx.post("/api/bank/statements/fetch"));
    if (out) notice(msg("noncash_imported", { added: out.added, matched: out.matched }));
  }

  const button = (text, className, onClick) =>
    el("button", { type: "button", className, text, disabled: !canDecide(), on: { click: onClick } });

  function exceptionItem(c) {
    const input = noteInput(`credit:${c.id}`);
    return el(
      "li",
      { dataset: { credit: c.id, reason: c.reason || "", status: c.status } },
      el(
        "div",
        { className: "what" },
        el("strong", { className: "money", text: money(c.amount) }),
        " ",
        el("span", { className: "badge warn", text: msg(`credit_reason.${c.reason}`) }),
        " ",
        el("span", { className: "muted num", text: `${c.bank_txn} · ${timeOf(c.credited_at)}` }),
        el("div", {
          className: "muted",
          text: `${c.ref || "—"} · ${c.description}`,
        }),
      ),
      canDecide()
        ? el(
            "div",
            { className: "decide" },
            input,
            button(msg("noncash_refunded"), "refunded", () => decide(c, input, "refunded")),
            button(msg("noncash_other"), "other", () => decide(c, input, "other")),
            c.ref ? button(msg("noncash_apply"), "apply", () => decide(c, input, "apply")) : null,
          )
        : null,
    );
  }

  function lineItem(line) {
    const input = noteInput(`line:${line.id}`);
    return el(
      "li",
      { dataset: { line: line.id, status: line.status, txn: line.bank_txn } },
      el(
        "div",
        { className: "what" },
        el("strong", { className: "money", text: money(line.amount) }),
        " ",
        el("span", {
          className: `badge ${line.status === "unmatched" ? "bad" : "ok"}`,
          text: msg(`statement_line.${line.status}`),
        }),
        " ",
        el("span", { className: "muted num", text: `${line.bank_txn} · ${timeOf(line.booked_at)}` }),
        el("div", { className: "muted", text: line.note || line.description }),
      ),
      line.status === "unmatched" && canDecide()
        ? el(
            "div",
            { className: "decide" },
            input,
            button(msg("noncash_receive"), "receive", () => settleLine(line, input, "receive")),
            button(msg("noncash_clear"), "clear", () => settleLine(line, input, "clear")),
          )
        : null,
    );
  }

  function render() {
    const panel = $("#noncash");
    panel.hidden = !canRead();
    if (panel.hidden) return;
    const d = np.data;
    const none = (cols) => el("tr", { className: "empty" }, el("td", { colSpan: cols, text: msg("noncash_none") }));
    $("#noncash-total").textContent = d ? money(d.total) : "—";
    const exceptions = d ? d.exceptions : [];
    const lines = d ? d.statement : [];
    const unmatched = lines.filter((l) => l.status === "unmatched");
    $("#noncash-exception-count").textContent = d ? String(exceptions.length) : "—";
    $("#noncash-exception-count").classList.toggle("off", exceptions.length > 0);
    $("#noncash-unmatched-count").textContent = d ? String(unmatched.length) : "—";
    $("#noncash-unmatched-count").classList.toggle("off", unmatched.length > 0);
    const cashiers = d ? d.cashiers : [];
    $("#noncash-cashiers tbody").replaceChildren(
      ...(cashiers.length
        ? cashiers.map((c) =>
            el(
              "tr",
              { dataset: { cashier: c.cashier } },
              el("td", { text: c.name || c.cashier }),
              el("td", { className: "num", text: String(c.payments) }),
              el("td", { className: "money", text: money(c.total) }),
            ),
          )
        : [none(3)]),
    );
    const empty = el("li", { className: "empty muted", text: msg("noncash_none") });
    $("#noncash-exceptions").replaceChildren(...(exceptions.length ? exceptions.map(exceptionItem) : [empty]));
    $("#noncash-lines").replaceChildren(...lines.map(lineItem));
    $("#statement-file").disabled = !canDecide();
    $("#statement-fetch").disabled = !canDecide();
  }

  function start(role) {
    np.role = role;
    np.data = null;
    np.notes = new Map();
    notice("");
    $("#noncash").dataset.loaded = "";
    if (np.wired) return;
    np.wired = true;
    $("#statement-file").addEventListener("change", (e) => importFile(e.target.files?.[0]));
    $("#statement-fetch").addEventListener("click", fetchStatement);
  }

  return { start, load, render };
}
