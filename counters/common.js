// What more than one screen of the counters page shows: a ticket's holder and status, a
// customer's heading, the period order of invoices, and the page's words (texts.js).
import { BOTH, Catalogue } from "/static/i18n.js";
import { el, TICKET_STATUS } from "/static/qms.js";
import { SHARED_TEXTS } from "/static/texts.js";
import { COUNTERS_TEXTS } from "/counters/texts.js";
import { CASH_TEXTS } from "/counters/cash-texts.js";
import { PAGE_TEXTS } from "/counters/page-texts.js";

export function holder(t) {
  if (!t.counter) return "";
  return `${t.counter.code}${t.counter.name ? ` — ${t.counter.name}` : ""}`;
}

export function statusBadge(status, extra = "") {
  const cls = { waiting: "", serving: "info", parked: "warn", no_show: "bad", done: "ok" }[status] || "";
  return el("span", {
    className: `badge ${cls} ${extra}`.trim(),
    dataset: { status },
    text: TICKET_STATUS[status] || status,
  });
}

/** Name, code, address and book of a customer on a ticket (cashier and reception views). */
export function customerHead(c) {
  return [
    el(
      "h3",
      {},
      el("span", { className: "name", text: c.name }),
      " ",
      el("span", { className: "muted num", text: c.code }),
      c.moved_to
        ? el("span", {
            className: "badge warn moved",
            dataset: { movedTo: c.moved_to },
            text: ` ${msg("moved_to", { ticket: c.moved_to })}`,
          })
        : null,
    ),
    el("div", { className: "muted", text: `${c.address || ""} · ${msg("book")} ${c.book_code}` }),
  ];
}

/** A customer on a ticket: their heading, then their invoices as a table with these header
 * cells and rows (the cashier's and reception's views differ only in the columns). */
export function customerInvoices(c, headCells, rows) {
  return el(
    "div",
    { className: "customer", dataset: { code: c.code } },
    ...customerHead(c),
    el("table", { className: "invoices" }, el("thead", {}, el("tr", {}, ...headCells)), el("tbody", {}, ...rows)),
  );
}

export const byPeriod = (a, b) => a.year - b.year || a.month - b.month || a.sub_period - b.sub_period;

/** The page's words, both languages side by side: the scripts' (texts.js, cash-texts.js)
 * and the page's static ones (page-texts.js). No key is in two of them (a test checks). */
export const texts = new Catalogue(
  { ...SHARED_TEXTS, ...COUNTERS_TEXTS, ...CASH_TEXTS, ...PAGE_TEXTS },
  { lang: BOTH },
);
export const msg = (key, vars) => texts.t(key, vars);

/** The refusals of the day's rules in words (counters/texts.js, "error.<code>"), or null:
 * then the server's message shows. */
export const counterMessage = (err) => texts.error(err);

/** The kinds of priority customer, as the server names them (qms/domain/priority.py). */
export const PRIORITY_KINDS = ["elderly", "disabled", "pregnant", "child"];

/** "Ưu tiên: Người cao tuổi / Priority: Elderly": a priority ticket's mark on staff pages. */
export function priorityText(kind) {
  return texts.each((lang) => `${texts.in(lang, "priority_mark")}: ${texts.in(lang, `priority.${kind}`)}`);
}
