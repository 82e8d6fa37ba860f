// Reception: customer codes (typed, scanned or found by name, address, meter...) go in a
// basket and become one ticket; a ticket can be found again, followed live and reprinted.
// A priority customer (docs/priority.md) is marked at issue, or later on the waiting list.
import { date, dateTime } from "/static/format.js";
import { $, el, money, showError, normaliseCode, CUSTOMER_CODE, LOOKUP_STATUS, TICKET_STATUS } from "/static/qms.js";
import { counterMessage, customerInvoices, holder, msg, PRIORITY_KINDS, priorityText } from "/counters/common.js";

/** The screen over the shell's shared state (ctx: session, hall, call, post). */
export function receptionScreen(ctx) {
  const { call, post } = ctx;
  const rc = {
    basket: [],
    busy: false,
    shown: null,
    hits: [],
    searching: false,
    closed: false,
    priority: false, // the hall has the priority lane (the snapshot's branch.priority)
    marking: new Set(), // waiting tickets whose mark is being sent
    rows: new Map(), // number -> its row on the waiting list, kept while it does not change
    drawn: false,
  };

  function renderBasket() {
    $("#rc-basket").replaceChildren(
      ...rc.basket.map((c) =>
        el(
          "li",
          { dataset: { code: c.code }, className: c.bad ? "bad" : "" },
          el(
            "div",
            { className: "who" },
            el("strong", { text: c.name }),
            " ",
            el("span", { className: "muted num", text: c.code }),
            el("div", { className: "muted", text: `${c.address || ""} · ${msg("book")} ${c.book_code || ""}` }),
            el("div", {
              className: "muted",
              text: msg("periods", { list: c.invoices.map((i) => i.period).join(", ") }),
            }),
          ),
          el("span", { className: "money", text: money(c.total) }),
          el("button", {
            type: "button",
            className: "remove",
            text: "✕",
            title: msg("remove"),
            on: {
              click: () => {
                rc.basket = rc.basket.filter((x) => x.code !== c.code);
                renderBasket();
              },
            },
          }),
        ),
      ),
    );
    $("#rc-basket-total").textContent = money(rc.basket.reduce((s, c) => s + c.total, 0));
    $("#rc-issue").disabled = rc.closed || rc.busy || rc.basket.length === 0;
    $("#rc-add").disabled = rc.busy;
    renderHits();
  }

  async function rcAdd() {
    const input = $("#rc-code");
    const code = normaliseCode(input.value);
    if (!code || rc.busy) return;
    if (await rcAddCode(code, input)) input.value = "";
    input.focus();
  }

  /**
   * Preview a customer's debts and put them in the basket; ``input`` (the code box) is
   * selected again on a refusal. True when the customer was added.
   */
  async function rcAddCode(code, input = null) {
    const box = $("#rc-error");
    if (rc.busy) return false;
    showError(box, null);
    if (!CUSTOMER_CODE.test(code)) {
      showError(box, { code: "invalid_customer_code", message: msg("bad_customer_code") });
      if (input) input.select();
      return false;
    }
    if (rc.basket.some((c) => c.code === code)) {
      showError(box, msg("in_list", { code }));
      if (input) input.value = "";
      return false;
    }
    rc.busy = true;
    renderBasket();
    let added = false;
    try {
      const c = await call(`/api/customers/${encodeURIComponent(code)}`);
      if (!c.invoices.length) {
        showError(box, { code: "no_debt", message: msg("no_debt", { customer: c.code, name: c.name }) });
      } else {
        rc.basket.push(c);
        added = true;
      }
    } catch (err) {
      showError(box, err);
      if (input) input.select();
    } finally {
      rc.busy = false;
      renderBasket();
    }
    return added;
  }

  async function rcIssue() {
    if (rc.busy || !rc.basket.length) return;
    const box = $("#rc-error");
    showError(box, null);
    rc.busy = true;
    for (const c of rc.basket) c.bad = false;
    renderBasket();
    try {
      const body = { customers: rc.basket.map((c) => c.code) };
      const kind = rc.priority ? $("#rc-priority").value : "";
      if (kind) body.priority = kind;
      const t = await post("/api/tickets", body);
      rc.basket = [];
      $("#rc-priority").value = "";
      showTicket(t);
    } catch (err) {
      const d = err.details || {};
      const bad = d.customers || [d.customer];
      for (const c of rc.basket) c.bad = bad.includes(c.code);
      showError(box, { code: err.code, message: counterMessage(err) || err.message });
    } finally {
      rc.busy = false;
      renderBasket();
      $("#rc-code").focus();
    }
  }

  function showTicket(t) {
    rc.shown = t;
    const box = $("#rc-ticket");
    box.hidden = false;
    box.dataset.ticket = String(t.number);
    $("#rc-ticket-number").textContent = String(t.number);
    renderShownPriority(t);
    $("#rc-ticket-branch").textContent = ctx.session?.branch?.name || "";
    $("#rc-ticket-issued").textContent = dateTime(t.issued_at) || date(t.business_day);
    const qr = $("#rc-ticket-qr");
    if (t.follow_token) {
      const path = `/t/${encodeURIComponent(t.follow_token)}`;
      qr.dataset.url = `${location.origin}${path}`;
      qr.src = `${path}/qr.svg`;
      qr.hidden = false;
    } else {
      qr.removeAttribute("src");
      qr.hidden = true;
    }
    // the ticket's own VietQR (made at issue, printed on it): pay while waiting
    const pay = $("#rc-ticket-pay");
    pay.hidden = !(t.qr && t.follow_token);
    pay.dataset.ref = t.qr && t.follow_token ? t.qr.ref : "";
    if (!pay.hidden) $("#rc-ticket-pay-qr").src = `/t/${encodeURIComponent(t.follow_token)}/pay.svg`;
    renderReceptionLive();
    // customers back after a no-show or an unpaid finish: the new ticket took them over
    const notices = t.notices || [];
    $("#rc-ticket-notices").hidden = notices.length === 0;
    $("#rc-ticket-notices").replaceChildren(
      ...notices.map((n) =>
        el("li", {
          dataset: { code: n.code, ticket: n.ticket },
          text: msg("taken_over", { customers: n.customers, ticket: n.ticket }),
        }),
      ),
    );
    $("#rc-ticket-total").textContent = money(t.total_due);
    $("#rc-ticket-customers").replaceChildren(
      ...t.customers.map((c) =>
        customerInvoices(
          c,
          [
            el("th", { text: msg("period") }),
            el("th", { text: msg("series_number") }),
            el("th", { text: msg("col_lookup") }),
            el("th", { className: "money", text: msg("amount") }),
          ],
          c.invoices.map((i) =>
            el(
              "tr",
              { dataset: { invoiceId: i.invoice_id } },
              el("td", { className: "num", text: i.period }),
              el("td", { className: "num muted", text: `${i.series} / ${i.number}` }),
              el("td", {
                // an e-invoice branch's invoice has no paper, so no lookup counter
                text:
                  i.lookup_status === "none"
                    ? LOOKUP_STATUS.none
                    : i.lookup === "even"
                      ? msg("lookup_even")
                      : i.lookup === "odd"
                        ? msg("lookup_odd")
                        : i.lookup,
              }),
              el("td", { className: "money", text: money(i.total) }),
            ),
          ),
        ),
      ),
    );
  }

  /** The shown (and printed) ticket's priority mark: "Ưu tiên: Người cao tuổi / ...". */
  function renderShownPriority(t) {
    const mark = $("#rc-ticket-priority");
    mark.hidden = !t.priority;
    mark.dataset.kind = t.priority || "";
    mark.textContent = t.priority ? priorityText(t.priority) : "";
  }

  /** The shown ticket's status follows the hall live (the display view carries it). */
  function renderReceptionLive() {
    renderWaiting();
    if (!rc.shown) return;
    const live = ctx.hall.tickets.get(rc.shown.number);
    const t = live || rc.shown;
    if (live && live.priority !== undefined) renderShownPriority(live);
    const badge = $("#rc-ticket-status");
    badge.replaceWith(
      el("span", {
        id: "rc-ticket-status",
        className: "badge",
        dataset: { status: t.status },
        text: (TICKET_STATUS[t.status] || t.status) + (t.counter ? ` — ${holder(t)}` : ""),
      }),
    );
  }

  async function rcFind() {
    const raw = $("#rc-find-number").value.trim();
    if (!/^[0-9]+$/.test(raw)) return false;
    showError($("#rc-error"), null);
    try {
      showTicket(await call(`/api/tickets/${Number(raw)}`));
      return true;
    } catch (err) {
      showError($("#rc-error"), err);
      return false;
    }
  }

  /** "Reprint": the ticket typed (or the one shown) as a printable ticket, then print. */
  async function rcReprint() {
    const raw = $("#rc-find-number").value.trim();
    const wanted = /^[0-9]+$/.test(raw) ? Number(raw) : null;
    if (wanted !== null && (!rc.shown || rc.shown.number !== wanted)) {
      if (!(await rcFind())) return;
    }
    if (!rc.shown) {
      showError($("#rc-error"), msg("reprint_which"));
      return;
    }
    const qr = $("#rc-ticket-qr");
    if (qr.src && !qr.complete) {
      // print with its QR code, not a blank square
      await new Promise((resolve) => {
        qr.addEventListener("load", resolve, { once: true });
        qr.addEventListener("error", resolve, { once: true });
      });
    }
    document.body.dataset.printed = String(rc.shown.number);
    window.print();
  }

  // --- the waiting list: a priority customer's ticket marked, and marked here ---

  /** Mark (a kind) or unmark (null) a waiting ticket; the ticket.priority event redraws it. */
  async function markPriority(number, kind) {
    const box = $("#rc-waiting-error");
    showError(box, null);
    rc.marking.add(number);
    renderWaiting(true);
    try {
      ctx.hall.put(await post(`/api/tickets/${number}/priority`, { priority: kind }));
    } catch (err) {
      showError(box, { code: err.code, message: counterMessage(err) || err.message });
    } finally {
      rc.marking.delete(number);
      renderWaiting(true);
    }
  }

  function priorityCell(t) {
    const kind = t.priority || null;
    const busy = rc.marking.has(t.number);
    if (kind) {
      return el(
        "td",
        {},
        el("span", { className: "badge prio-badge", dataset: { kind }, text: priorityText(kind) }),
        rc.priority
          ? el("button", {
              type: "button",
              className: "unmark",
              text: msg("priority_unmark"),
              disabled: busy,
              on: { click: () => markPriority(t.number, null) },
            })
          : null,
      );
    }
    if (!rc.priority) return el("td", { className: "muted", text: "—" });
    return el(
      "td",
      {},
      el(
        "select",
        {
          className: "mark",
          disabled: busy,
          "aria-label": msg("priority_choose"),
          on: { change: (e) => e.target.value && markPriority(t.number, e.target.value) },
        },
        el("option", { value: "", text: msg("priority_choose") }),
        ...PRIORITY_KINDS.map((k) => el("option", { value: k, text: msg(`priority.${k}`) })),
      ),
    );
  }

  /** A row is kept while its ticket's mark is unchanged, and the list redrawn only when
   * its tickets change: a select being opened is not swept away by the hall's events. */
  function renderWaiting(force = false) {
    const waiting = ctx.hall.list((t) => t.status === "waiting");
    $("#rc-waiting-count").textContent = String(waiting.length);
    const body = $("#rc-waiting tbody");
    const rows = new Map();
    let changed = force || !rc.drawn || waiting.length !== rc.rows.size;
    for (const t of waiting) {
      const key = `${t.priority || ""}|${rc.priority}`;
      let tr = rc.rows.get(t.number);
      if (!tr || tr.dataset.key !== key || force) {
        tr = el(
          "tr",
          { dataset: { ticket: String(t.number), priority: t.priority || "", key } },
          el("td", { className: "num", text: String(t.number) }),
          priorityCell(t),
        );
        changed = true;
      }
      rows.set(t.number, tr);
    }
    rc.rows = rows;
    if (!changed) return;
    rc.drawn = true;
    if (waiting.length === 0) {
      body.replaceChildren(el("tr", { className: "empty" }, el("td", { colSpan: 2, text: msg("waiting_none") })));
    } else body.replaceChildren(...rows.values());
  }

  // --- customer search (no receipt: name, address, meter, ID card, bank account) ---

  const SEARCH_MIN = 2;

  async function rcSearch() {
    const box = $("#rc-search-error");
    const by = $("#rc-search-by").value;
    const q = $("#rc-search-q").value.trim();
    showError(box, null);
    if (q.length < SEARCH_MIN) {
      showError(box, { code: "invalid_request", message: msg("search_short", { n: SEARCH_MIN }) });
      return;
    }
    if (rc.searching) return;
    rc.searching = true;
    $("#rc-search-submit").disabled = true;
    const status = $("#rc-search-status");
    status.hidden = false;
    status.textContent = msg("searching");
    try {
      const res = await call(`/api/customers?by=${encodeURIComponent(by)}&q=${encodeURIComponent(q)}&limit=20`);
      rc.hits = res.customers || [];
      status.textContent = rc.hits.length
        ? msg("results", { n: rc.hits.length, more: rc.hits.length >= 20 || res.complete === false })
        : res.complete === false
          ? msg("maybe_more")
          : msg("nothing_found");
      status.dataset.complete = String(res.complete !== false);
      status.dataset.count = String(rc.hits.length);
    } catch (err) {
      rc.hits = [];
      status.hidden = true;
      showError(box, err);
    } finally {
      rc.searching = false;
      $("#rc-search-submit").disabled = false;
      renderHits();
    }
  }

  /** Whether a customer found owes, and how much: what to tell them before the ticket. */
  function debtOf(h) {
    if (h.owes === null || h.owes === undefined) {
      return el("span", { className: "muted", dataset: { owes: "unknown" }, text: msg("owes_unknown") });
    }
    if (!h.owes) return el("span", { className: "muted", dataset: { owes: "no" }, text: msg("owes_nothing") });
    return el(
      "span",
      { dataset: { owes: "yes", amount: String(h.debt) } },
      el("strong", { className: "money", text: money(h.debt) }),
      el("span", { className: "muted", text: ` · ${msg("owes", { n: h.periods })}` }),
    );
  }

  function renderHits() {
    const table = $("#rc-search-results");
    table.hidden = rc.hits.length === 0;
    $("#rc-search-results tbody").replaceChildren(
      ...rc.hits.map((h) => {
        const inBasket = rc.basket.some((c) => c.code === h.code);
        return el(
          "tr",
          { dataset: { code: h.code } },
          el("td", { className: "num", text: h.code }),
          el(
            "td",
            {},
            el("div", { className: "name", text: h.name }),
            el("div", { className: "address muted", text: h.address }),
            el("div", { className: "debt" }, debtOf(h)),
          ),
          el("td", { className: "num", text: h.book_code }),
          el(
            "td",
            {},
            el("button", {
              type: "button",
              className: "add",
              text: inBasket ? msg("added") : msg("add"),
              disabled: inBasket || rc.busy,
              on: { click: () => rcAddCode(h.code) },
            }),
          ),
        );
      }),
    );
  }

  function wireReception() {
    $("#rc-priority").replaceChildren(
      el("option", { value: "", text: msg("priority_none") }),
      ...PRIORITY_KINDS.map((k) => el("option", { value: k, text: msg(`priority.${k}`) })),
    );
    $("#rc-form").addEventListener("submit", (e) => {
      e.preventDefault();
      rcAdd();
    });
    $("#rc-issue").addEventListener("click", rcIssue);
    $("#rc-clear").addEventListener("click", () => {
      rc.basket = [];
      showError($("#rc-error"), null);
      renderBasket();
      $("#rc-code").focus();
    });
    $("#rc-find-form").addEventListener("submit", (e) => {
      e.preventDefault();
      rcFind();
    });
    $("#rc-reprint").addEventListener("click", rcReprint);
    $("#rc-search-form").addEventListener("submit", (e) => {
      e.preventDefault();
      rcSearch();
    });
  }

  /** Reception on a closed day: a notice instead of the code entry (the snapshot or the
   * day.closed event says so); a new day's snapshot brings the entry back. */
  function rcClosed(closed) {
    rc.closed = closed;
    $("#rc-closed").hidden = !closed;
    $("#rc-form").hidden = closed;
    $("#rc-issue").disabled = closed || rc.busy || rc.basket.length === 0;
  }

  return {
    enter: () => $("#rc-code").focus(),
    wire: wireReception,
    render: renderReceptionLive,
    onSnapshot: (data) => {
      rcClosed(Boolean(data.day_closed));
      rc.priority = Boolean(data.branch?.priority);
      $("#rc-priority-box").hidden = !rc.priority;
      rc.drawn = false; // a new snapshot: the list is drawn again
    },
    onEvent: (evt) => {
      if (evt.event === "day.closed") rcClosed(true);
    },
  };
}
