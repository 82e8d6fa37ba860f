// The cashier counter: call a number (F2 next, digits then Enter, F3 recall), choose the
// periods (+ / − from the keyboard), collect them (F4), park (F6), no-show (F7), finish
// (F8; with invoices unpaid a dialog asks why), transfer; or show a VietQR for the
// periods chosen (F9), the customer scans it off the screen and the bank's credit (pushed
// as payment.collected, method vietqr) pays them. The day's payments of the
// counter come from the server (a reload keeps them), follow CMIS's answers and the
// printers', and a receipt prints again as a copy.
import { $, el, money, showError, svgSource, timeOf, LOOKUP_STATUS, PAY_STATUS, TICKET_STATUS } from "/static/qms.js";
import { byPeriod, counterMessage, customerInvoices, msg, priorityText, texts } from "/counters/common.js";
import { coalesce, parseAmount } from "/counters/cashui.js";

const noop = () => {};
/** Lookup statuses F4 may take: the paper found, or none at all (an e-invoice branch). */
const READY = new Set(["found", "none"]);

/** The screen over the shell's shared state (ctx: session, hall, mode, post, queueRender, drawer). */
export function cashierScreen(ctx) {
  const { post, queueRender } = ctx;
  const cs = {
    code: null,
    busy: false,
    pick: { ticket: null, ids: new Set(), touched: false },
    shown: null, // the ticket number on screen: a new one clears the tendered amount
    payments: [], // GET /api/counters/{code}/payments: today's, newest first
    paymentsLoaded: false,
    reprinting: null, // txn_id of the copy being asked for
    qr: null, // the VietQR on screen: POST .../qr's answer, with its ticket and whether paid
    printed: new Set(), // ids of the print jobs a device.job event said are done
    refreshPayments: noop,
  };

  function setupCashier(counter) {
    cs.code = counter.code;
    cs.pick = { ticket: null, ids: new Set(), touched: false };
    cs.shown = null;
    cs.payments = [];
    cs.paymentsLoaded = false;
    cs.printed = new Set();
    cs.qr = null;
    cs.refreshPayments.cancel?.();
    cs.refreshPayments = coalesce(loadPayments, 150);
    setTendered("");
    $("#collect-result").hidden = true;
    $("#slip-result").hidden = true;
    const sel = $("#transfer-to");
    sel.replaceChildren(
      ...ctx.session.counters
        .filter((c) => c.kind === "cashier" && c.code !== counter.code)
        .map((c) => el("option", { value: c.code, text: `${c.code} — ${c.name}` })),
    );
    renderCashier();
    renderPayments();
    cs.refreshPayments();
    $("#call-number").focus();
    ctx.drawer.start({ counter: counter.code, principal: ctx.session.principal, onChange: queueRender });
  }

  function currentTicket() {
    return ctx.hall.list((t) => t.status === "serving" && t.counter && t.counter.code === cs.code)[0] || null;
  }

  /** Per customer, the unpaid invoices a collection may take: oldest first, no gaps. */
  function eligible(t) {
    const ok = new Set();
    for (const c of t.customers || []) {
      const open = c.invoices.filter((i) => i.pay_status !== "paid").sort(byPeriod);
      for (const inv of open) {
        if (inv.pay_status === "unpaid" && READY.has(inv.lookup_status)) ok.add(inv.invoice_id);
        else break;
      }
    }
    return ok;
  }

  function syncPick(t) {
    if (!t) {
      cs.pick = { ticket: null, ids: new Set(), touched: false };
      return;
    }
    const ok = eligible(t);
    if (cs.pick.ticket !== t.number) cs.pick = { ticket: t.number, ids: new Set(), touched: false };
    if (!cs.pick.touched) cs.pick.ids = new Set(ok);
    else cs.pick.ids = new Set([...cs.pick.ids].filter((id) => ok.has(id)));
  }

  function togglePick(t, customer, inv, checked) {
    const open = customer.invoices.filter((i) => i.pay_status !== "paid").sort(byPeriod);
    const at = open.findIndex((i) => i.invoice_id === inv.invoice_id);
    const ok = eligible(t);
    cs.pick.touched = true;
    open.forEach((i, n) => {
      if (checked && n <= at && ok.has(i.invoice_id)) cs.pick.ids.add(i.invoice_id);
      if (!checked && n >= at) cs.pick.ids.delete(i.invoice_id);
    });
    renderCashier();
  }

  /** The ticket's open invoices in the order F4 takes them: customer by customer, each
   * one's oldest period first. */
  function pickOrder(t) {
    return (t.customers || []).flatMap((c) => c.invoices.filter((i) => i.pay_status !== "paid").sort(byPeriod));
  }

  /** "+": tick the next period F4 may take; "−": untick the last one ticked. */
  function stepPick(t, more) {
    const order = pickOrder(t);
    const ok = eligible(t);
    const inv = more
      ? order.find((i) => ok.has(i.invoice_id) && !cs.pick.ids.has(i.invoice_id))
      : order.findLast((i) => cs.pick.ids.has(i.invoice_id));
    if (!inv) return;
    const customer = t.customers.find((c) => c.invoices.includes(inv));
    togglePick(t, customer, inv, more);
  }

  function pickedInvoices(t) {
    const out = [];
    for (const c of t.customers || []) for (const i of c.invoices) if (cs.pick.ids.has(i.invoice_id)) out.push(i);
    return out;
  }

  function invoiceRow(t, c, inv, ok) {
    const paper = READY.has(inv.lookup_status)
      ? el("span", { className: "badge ok", text: msg(inv.lookup_status === "none" ? "paper_none" : "paper_found") })
      : el("span", {
          className: "badge warn",
          text: msg("paper_waiting", { status: LOOKUP_STATUS[inv.lookup_status] || inv.lookup_status }),
        });
    const payCls = { paid: "ok", returned: "bad", unpaid: "" }[inv.pay_status] || "";
    return el(
      "tr",
      {
        className: inv.pay_status !== "unpaid" ? "settled" : "",
        dataset: { invoiceId: inv.invoice_id, lookupStatus: inv.lookup_status, payStatus: inv.pay_status },
      },
      el(
        "td",
        {},
        el("input", {
          type: "checkbox",
          className: "pick",
          dataset: { invoiceId: inv.invoice_id },
          checked: cs.pick.ids.has(inv.invoice_id),
          disabled: !ok.has(inv.invoice_id) || cs.busy,
          "aria-label": msg("collect_period", { period: inv.period }),
          on: { change: (e) => togglePick(t, c, inv, e.target.checked) },
        }),
      ),
      el("td", { className: "num", text: inv.period }),
      el("td", { className: "num muted", text: `${inv.series} / ${inv.number}` }),
      el("td", { className: "money", text: money(inv.total) }),
      el("td", {}, paper),
      el("td", {}, el("span", { className: `badge ${payCls}`, text: PAY_STATUS[inv.pay_status] || inv.pay_status })),
    );
  }

  /** A customer whose supply is cut for debt stands out: paid in full, their supply is
   * reconnected on a slip printed at the slip printer. */
  function withSupply(c, node) {
    if (c.supply !== "CUT") return node;
    const settled = c.invoices.every((i) => i.pay_status !== "unpaid");
    const flag = el("div", {
      className: `supply-cut badge ${settled ? "ok" : "bad"}`,
      dataset: { supply: "CUT", settled: settled ? "true" : "false" },
      text: msg(settled ? "supply_cut_settled" : "supply_cut"),
    });
    node.querySelector("h3")?.after(flag);
    node.classList.add("cut");
    return node;
  }

  // ----------------------------------------------------------------------------------
  // the tendered amount: cleared for each ticket, echoed as money, the change as typed

  function setTendered(value) {
    $("#tendered").value = value;
    renderTendered(null);
  }

  function renderTendered(amount) {
    const t = currentTicket();
    const due = amount ?? (t ? Number($("#collect-amount").dataset.amount || 0) : 0);
    const n = parseAmount($("#tendered").value);
    $("#tendered-echo").textContent = n === null ? "" : `= ${money(n)}`;
    const box = $("#change-due");
    if (n === null || !t || !due) {
      box.hidden = true;
      box.dataset.change = "";
      return;
    }
    box.hidden = false;
    box.dataset.change = String(n - due);
    box.className = `change ${n >= due ? "ok" : "bad"}`;
    box.textContent =
      n >= due ? msg("change_due", { amount: money(n - due) }) : msg("tendered_short", { amount: money(due - n) });
  }

  function renderCurrent(t) {
    syncPick(t);
    const number = t ? t.number : null;
    if (number !== cs.shown) {
      // each ticket starts with an empty tendered box: another customer's money is not theirs
      cs.shown = number;
      $("#tendered").value = "";
    }
    // another customer called: the last one's QR goes (a paid one stays until then)
    if (cs.qr && t && t.number !== cs.qr.ticket) cs.qr = null;
    renderQr();
    const box = $("#current");
    box.dataset.ticket = t ? String(t.number) : "";
    box.classList.toggle("idle", !t);
    $("#current-number").textContent = t ? String(t.number) : "—";
    const st = $("#current-status");
    st.textContent = t ? TICKET_STATUS[t.status] || t.status : msg("no_ticket");
    st.dataset.status = t ? t.status : "";
    // a priority customer (docs/priority.md): the cashier sees why they came first
    const prio = $("#current-priority");
    prio.hidden = !t?.priority;
    prio.dataset.kind = t?.priority || "";
    prio.textContent = t?.priority ? priorityText(t.priority) : "";
    const ready = $("#ready");
    if (!t) {
      ready.hidden = true;
      ready.dataset.ready = "";
    } else {
      const unpaid = t.customers.flatMap((c) => c.invoices).filter((i) => i.pay_status === "unpaid");
      const missing = unpaid.filter((i) => !READY.has(i.lookup_status));
      ready.hidden = false;
      if (unpaid.length === 0) {
        ready.dataset.ready = "paid";
        ready.className = "badge ok";
        ready.textContent = msg("nothing_left");
      } else if (missing.length === 0) {
        ready.dataset.ready = "true";
        ready.className = "badge ok";
        ready.textContent = msg("ready");
      } else {
        ready.dataset.ready = "false";
        ready.className = "badge warn";
        ready.textContent = msg("waiting_invoices", { n: missing.length });
      }
    }

    const ok = t ? eligible(t) : new Set();
    $("#current-customers").replaceChildren(
      ...(t ? t.customers : []).map((c) =>
        withSupply(
          c,
          customerInvoices(
            c,
            [
              el("th", { text: texts.in("vi", "col_collect"), title: texts.in("en", "col_collect") }),
              el("th", { text: msg("period") }),
              el("th", { text: msg("series_number") }),
              el("th", { className: "money", text: msg("amount") }),
              el("th", { text: msg("col_paper") }),
              el("th", { text: msg("col_payment") }),
            ],
            c.invoices
              .slice()
              .sort(byPeriod)
              .map((inv) => invoiceRow(t, c, inv, ok)),
          ),
        ),
      ),
    );
    const picked = t ? pickedInvoices(t) : [];
    const amount = picked.reduce((s, i) => s + i.total, 0);
    $("#current-total").textContent = t ? money(t.total_due) : "—";
    const due = $("#collect-amount");
    due.textContent = t ? money(amount) : "—";
    due.dataset.amount = t ? String(amount) : "";
    due.dataset.picked = String(picked.length);
    renderTendered(t ? amount : null);
    $("#btn-collect").disabled = cs.busy || !t || picked.length === 0 || !ctx.drawer.canCollect();
    $("#btn-qr").disabled = cs.busy || !t || picked.length === 0;
    for (const id of ["#btn-recall", "#btn-park", "#btn-no-show", "#btn-finish", "#btn-transfer"]) {
      $(id).disabled = cs.busy || !t;
    }
    $("#transfer-to").disabled = !t || !$("#transfer-to").options.length;
    $("#btn-call-next").disabled = cs.busy || !!t;
    $("#btn-call").disabled = cs.busy;
  }

  function ticketItem(t, actionLabel) {
    return el(
      "li",
      { dataset: { ticket: t.number, status: t.status } },
      el("span", { className: "n num", text: t.number }),
      // a priority customer: "call next" serves them first (docs/priority.md)
      t.priority
        ? el("span", {
            className: "badge prio-badge",
            dataset: { priority: t.priority },
            title: `${texts.in("en", "priority_mark")}: ${texts.in("en", `priority.${t.priority}`)}`,
            text: texts.in("vi", "priority_mark"),
          })
        : null,
      el("span", {
        className: `badge ${t.ready ? "ok" : "warn"}`,
        dataset: { ready: t.ready ? "true" : "false" },
        title: texts.in("en", t.ready ? "queue_ready" : "queue_waiting"),
        text: texts.in("vi", t.ready ? "queue_ready" : "queue_waiting"),
      }),
      el("span", {
        className: "muted",
        title: texts.in("en", "queue_customers"),
        text: texts.in("vi", "queue_customers", { n: t.customers.length }),
      }),
      el("span", { className: "money", text: money(t.total_due) }),
      el("button", {
        type: "button",
        className: "call",
        text: actionLabel,
        disabled: cs.busy,
        on: { click: () => callNumber(t.number) },
      }),
    );
  }

  function renderCashier() {
    if (!cs.code) return;
    renderCurrent(currentTicket());
    const waiting = ctx.hall.list((t) => t.status === "waiting");
    const parked = ctx.hall.list((t) => t.status === "parked" && t.counter && t.counter.code === cs.code);
    $("#waiting-count").textContent = String(waiting.length);
    $("#parked-count").textContent = String(parked.length);
    const empty = (text) => el("li", { className: "empty", text });
    $("#waiting-list").replaceChildren(
      ...(waiting.length ? waiting.map((t) => ticketItem(t, texts.in("vi", "call"))) : [empty(msg("nobody_waiting"))]),
    );
    $("#parked-list").replaceChildren(
      ...(parked.length ? parked.map((t) => ticketItem(t, texts.in("vi", "recall"))) : [empty(msg("none"))]),
    );
  }

  // ----------------------------------------------------------------------------------
  // the day's payments of this counter, from the server

  async function loadPayments() {
    const code = cs.code;
    if (!code) return;
    try {
      const data = await ctx.call(`/api/counters/${encodeURIComponent(code)}/payments`);
      if (cs.code !== code) return;
      cs.payments = data.payments || [];
      // a job that printed while this list was on its way is not queued again on screen
      for (const p of cs.payments) for (const j of p.paper) if (cs.printed.has(j.id)) j.status = "done";
      cs.paymentsLoaded = true;
      showError($("#payments-error"), null);
    } catch (err) {
      if (err.status === 401 || cs.code !== code) return;
      showError($("#payments-error"), texts.explain(err));
    }
    renderPayments();
    renderSlip();
  }

  const JOB_COLOURS = { done: "ok", queued: "warn", sending: "info", in_doubt: "bad" };

  function paperLine(job) {
    const what = job.document === "reconnection" ? "paper_slip" : job.copy ? "paper_copy" : "paper_receipt";
    return el("span", {
      className: `paper badge ${JOB_COLOURS[job.status] || ""}`.trim(),
      dataset: { job: job.id, document: job.document, status: job.status, copy: job.copy ? "true" : "false" },
      title: `${texts.in("en", what)}: ${texts.in("en", `job.${job.status}`)}`,
      text: `${texts.in("vi", what)}: ${texts.in("vi", `job.${job.status}`)}`,
    });
  }

  /** Why a payment is not (yet) confirmed, in words (qms/words "payment_error"); CMIS's own
   * text stays in the tooltip for the supervisor. */
  function paymentError(p) {
    const key = `payment_error.${p.error_code || "refused"}`;
    return texts.has(key) ? msg(key) : p.error;
  }

  const PAY_COLOURS = { confirmed: "ok", refused: "bad", pending: "warn", reversal_pending: "warn", reversed: "bad" };

  function paymentItem(p) {
    return el(
      "li",
      { dataset: { txn: p.txn_id, status: p.status, ticket: p.ticket ?? "" } },
      el(
        "div",
        { className: "pay-head" },
        el("span", { className: "num muted", text: timeOf(p.created_at).slice(0, 5) }),
        el("span", { className: "num", text: ` ${msg("ticket_n", { n: p.ticket ?? "?" })} · ${p.customer_code} ` }),
        el("span", { className: "money", text: money(p.total) }),
      ),
      el(
        "div",
        { className: "pay-state" },
        el("span", {
          className: `badge ${PAY_COLOURS[p.status] || ""}`.trim(),
          text: texts.has(`payment.${p.status}`) ? msg(`payment.${p.status}`) : p.status,
        }),
        p.receipt_no ? el("span", { className: "muted num", text: ` ${msg("receipt", { no: p.receipt_no })}` }) : null,
        p.method && p.method !== "cash"
          ? el("span", {
              className: "badge info method",
              dataset: { method: p.method },
              text: msg(`method.${p.method}`),
            })
          : null,
      ),
      p.error ? el("div", { className: "error-text", title: p.error, text: paymentError(p) }) : null,
      p.paper.length ? el("div", { className: "pay-paper" }, ...p.paper.map(paperLine)) : null,
      p.reprintable
        ? el("button", {
            type: "button",
            className: "reprint",
            text: msg("reprint_receipt"),
            disabled: cs.reprinting !== null,
            on: { click: () => reprint(p) },
          })
        : null,
    );
  }

  function renderPayments() {
    const box = $("#payments-log");
    box.dataset.loaded = cs.paymentsLoaded ? "true" : "";
    box.dataset.count = String(cs.payments.length);
    box.replaceChildren(
      ...(cs.payments.length
        ? cs.payments.map(paymentItem)
        : [el("li", { className: "empty", text: msg(cs.paymentsLoaded ? "no_payments_today" : "loading") })]),
    );
  }

  async function reprint(p) {
    if (cs.reprinting) return;
    cs.reprinting = p.txn_id;
    showError($("#payments-error"), null);
    $("#payments-notice").hidden = true;
    renderPayments();
    try {
      const code = encodeURIComponent(cs.code);
      await ctx.post(`/api/counters/${code}/payments/${encodeURIComponent(p.txn_id)}/reprint`);
      const box = $("#payments-notice");
      box.textContent = msg("reprint_sent", { ticket: p.ticket ?? "?" });
      box.dataset.txn = p.txn_id;
      box.hidden = false;
    } catch (err) {
      showError($("#payments-error"), texts.explain(err));
    } finally {
      cs.reprinting = null;
      renderPayments();
      cs.refreshPayments();
    }
  }

  /** After F4: the reconnection slips of this F4's cut customers, and how their printing goes. */
  function renderSlip() {
    const box = $("#slip-result");
    const want = box.dataset.txns ? box.dataset.txns.split(",") : [];
    if (!want.length) return;
    const lines = [];
    for (const txn of want) {
      const p = cs.payments.find((x) => x.txn_id === txn);
      if (!p) continue;
      const slip = p.paper.find((j) => j.document === "reconnection");
      const status = slip ? slip.status : "none";
      lines.push(
        el("div", {
          dataset: { customer: p.customer_code, job: slip ? slip.id : "", status },
          text: slip
            ? msg("slip_sent", { customer: p.customer_code, status: texts.in("vi", `job.${status}`) })
            : msg("slip_none", { customer: p.customer_code }),
        }),
      );
    }
    if (lines.length) box.replaceChildren(...lines);
  }

  /** A print job changed state: the payment showing it follows (no refetch). */
  function updateJob(job) {
    if (job.status === "done") cs.printed.add(job.id); // final: a list fetched before it is stale
    let hit = false;
    for (const p of cs.payments) {
      for (const j of p.paper) {
        if (j.id === job.id) {
          j.status = job.status;
          hit = true;
        }
      }
    }
    if (hit) {
      renderPayments();
      renderSlip();
    }
  }

  async function cashierAction(action, body = {}, { after } = {}) {
    if (cs.busy) return null;
    showError($("#cashier-error"), null);
    cs.busy = true;
    renderCashier();
    try {
      const res = await post(`/api/counters/${cs.code}/${action}`, body);
      ctx.hall.put(res?.ticket ? res.ticket : res);
      if (after) after(res);
      return res;
    } catch (err) {
      if (err.code === "confirm_unpaid" && action === "finish") {
        const d = err.details || {};
        askFinish(currentTicket()?.number ?? "", (d.unpaid || []).length, d.total || 0);
        return null;
      }
      showError($("#cashier-error"), { code: err.code, message: counterMessage(err) || err.message });
      if (err.code === "drawer_not_open" || err.code === "drawer_closed") ctx.drawer.refresh();
      return null;
    } finally {
      cs.busy = false;
      queueRender();
    }
  }

  function callNumber(n) {
    cs.qr = null;
    $("#collect-result").hidden = true;
    $("#slip-result").hidden = true;
    return cashierAction("call", { number: n }, { after: () => ($("#call-number").value = "") });
  }

  function callNext() {
    cs.qr = null;
    $("#collect-result").hidden = true;
    $("#slip-result").hidden = true;
    return cashierAction("call-next");
  }

  function collect() {
    const t = currentTicket();
    if (!t || cs.busy) return;
    if (!ctx.drawer.canCollect()) {
      ctx.drawer.explainNoCollect($("#cashier-error"));
      return;
    }
    const picked = pickedInvoices(t);
    if (!picked.length) {
      // after a part payment nothing is ticked again by itself: the customer chooses
      showError($("#cashier-error"), msg(eligible(t).size ? "nothing_picked" : "nothing_ready"));
      return;
    }
    const amount = picked.reduce((s, i) => s + i.total, 0);
    const body = { invoices: picked.map((i) => i.invoice_id), amount };
    const tendered = parseAmount($("#tendered").value);
    if (tendered !== null) body.tendered = tendered;
    cashierAction("collect", body, {
      after: (res) => {
        setTendered("");
        // what is left stays unticked: a second F4 takes only what is chosen again
        cs.pick = { ticket: res.ticket.number, ids: new Set(), touched: true };
        const box = $("#collect-result");
        box.textContent = msg("collected", {
          ticket: res.ticket.number,
          amount: money(amount),
          change: res.change ? money(res.change) : "",
        });
        box.dataset.ticket = String(res.ticket.number);
        box.dataset.method = "cash";
        box.hidden = false;
        cs.qr = null; // paid in cash after all: the QR is not to be paid any more
        showSlips(res);
        cs.refreshPayments();
      },
    });
  }

  /** The cut customers this F4 settled get a reconnection slip: say so, then its state. */
  function showSlips(res) {
    const paidNow = new Map((res.payments || []).map((p) => [p.customer_code, p.txn_id]));
    const txns = res.ticket.customers
      .filter((c) => c.supply === "CUT" && paidNow.has(c.code) && c.invoices.every((i) => i.pay_status !== "unpaid"))
      .map((c) => paidNow.get(c.code));
    const box = $("#slip-result");
    box.dataset.txns = txns.join(",");
    box.hidden = !txns.length;
    box.replaceChildren(...txns.map(() => el("div", { dataset: { status: "loading" }, text: msg("slip_queued") })));
  }

  /** F9: a VietQR for the periods chosen, checked by the server as F4 is (found, oldest
   * first, the exact sum); a refusal shows as F4's do. */
  async function showQr() {
    const t = currentTicket();
    if (!t || cs.busy) return;
    const picked = pickedInvoices(t);
    if (!picked.length) {
      showError($("#cashier-error"), msg(eligible(t).size ? "nothing_picked" : "nothing_ready"));
      return;
    }
    const amount = picked.reduce((s, i) => s + i.total, 0);
    showError($("#cashier-error"), null);
    cs.busy = true;
    renderCashier();
    try {
      const res = await post(`/api/counters/${cs.code}/qr`, { invoices: picked.map((i) => i.invoice_id), amount });
      cs.qr = { ...res, ticket: t.number, paid: false };
      $("#collect-result").hidden = true;
    } catch (err) {
      showError($("#cashier-error"), { code: err.code, message: counterMessage(err) || err.message });
    } finally {
      cs.busy = false;
      queueRender();
    }
  }

  function closeQr() {
    cs.qr = null;
    renderQr();
  }

  function renderQr() {
    const box = $("#qr-box");
    const q = cs.qr;
    box.hidden = !q;
    box.dataset.ref = q ? q.ref : "";
    box.dataset.ticket = q ? String(q.ticket) : "";
    box.dataset.state = q ? (q.paid ? "paid" : "waiting") : "";
    const img = $("#qr-image");
    if (!q) {
      img.removeAttribute("src");
      img.dataset.ref = "";
      return;
    }
    if (img.dataset.ref !== q.ref) {
      img.src = svgSource(q.svg);
      img.dataset.ref = q.ref;
    }
    $("#qr-amount").textContent = money(q.amount);
    $("#qr-account").textContent = q.account_name;
    $("#qr-ref").textContent = q.ref;
    const status = $("#qr-status");
    status.textContent = q.paid ? msg("qr_paid") : msg("qr_waiting", { ticket: q.ticket });
    status.className = `qr-status badge ${q.paid ? "ok" : "warn"}`;
  }

  /** The bank's credit for this counter's QR came: the screen says so, the receipt prints. */
  function qrPaid(d) {
    const number = d.ticket?.number;
    if (cs.qr && cs.qr.ticket === number) cs.qr.paid = true;
    const total = (d.payments || []).reduce((s, p) => s + p.total, 0);
    const box = $("#collect-result");
    box.textContent = msg("qr_received", { ticket: number ?? "?", amount: money(total) });
    box.dataset.ticket = String(number ?? "");
    box.dataset.method = "vietqr";
    box.hidden = false;
    renderQr();
  }

  /** F8. With invoices still unpaid, finishing lets the customer go without paying them:
   * a dialog asks to confirm, with a reason (the server asks the same: confirm_unpaid). */
  function finish() {
    const t = currentTicket();
    if (!t || cs.busy) return;
    const unpaid = t.customers.flatMap((c) => c.invoices).filter((i) => i.pay_status === "unpaid");
    if (unpaid.length === 0) {
      cashierAction("finish");
      return;
    }
    askFinish(
      t.number,
      unpaid.length,
      unpaid.reduce((s, i) => s + i.total, 0),
    );
  }

  function askFinish(number, count, total) {
    $("#finish-text").textContent = msg("finish_unpaid", { ticket: number, n: count, total: money(total) });
    const dlg = $("#finish-dialog");
    dlg.dataset.ticket = String(number);
    if (!dlg.open) dlg.showModal();
    $("#finish-reason").focus();
  }

  async function confirmFinish() {
    const dlg = $("#finish-dialog");
    if (!dlg.open) return;
    const reason = $("#finish-reason").value;
    dlg.close();
    const res = await cashierAction("finish", { confirm: true, reason });
    if (res) {
      const box = $("#collect-result");
      box.textContent = msg("finished_unpaid", { ticket: res.number });
      box.dataset.ticket = String(res.number);
      box.hidden = false;
    }
  }

  function cashierKeys(e) {
    const map = {
      F2: callNext,
      F3: () => cashierAction("recall"),
      F4: collect,
      F6: () => cashierAction("park"),
      F7: () => cashierAction("no-show"),
      F8: finish,
      F9: showQr,
    };
    if ($("#finish-dialog").open) return; // the dialog has its own keys: Enter, Esc
    if (e.key === "Escape" && cs.qr) {
      e.preventDefault();
      closeQr();
      return;
    }
    const fn = map[e.key];
    if (fn) {
      e.preventDefault();
      fn();
      return;
    }
    // + / − choose the periods, wherever the cursor is outside the drawer's forms
    if ((e.key === "+" || e.key === "-") && !e.target?.closest?.("#drawer, select, textarea")) {
      const t = currentTicket();
      if (t && !cs.busy) {
        e.preventDefault();
        stepPick(t, e.key === "+");
      }
      return;
    }
    // digits typed anywhere go to the ticket number box
    const tag = e.target?.tagName || "";
    if (
      /^[0-9]$/.test(e.key) &&
      !["INPUT", "SELECT", "TEXTAREA"].includes(tag) &&
      !e.ctrlKey &&
      !e.altKey &&
      !e.metaKey
    ) {
      e.preventDefault();
      const input = $("#call-number");
      input.value += e.key;
      input.focus();
    }
  }

  function wireCashier() {
    $("#call-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const raw = $("#call-number").value.trim();
      if (!raw) return;
      if (!/^[0-9]+$/.test(raw)) {
        showError($("#cashier-error"), msg("bad_ticket_number"));
        return;
      }
      callNumber(Number(raw));
    });
    $("#btn-call-next").addEventListener("click", callNext);
    $("#btn-recall").addEventListener("click", () => cashierAction("recall"));
    $("#btn-park").addEventListener("click", () => cashierAction("park"));
    $("#btn-no-show").addEventListener("click", () => cashierAction("no-show"));
    $("#btn-finish").addEventListener("click", finish);
    $("#finish-form").addEventListener("submit", (e) => {
      e.preventDefault();
      confirmFinish();
    });
    $("#finish-dialog").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && e.target.id !== "finish-cancel") {
        e.preventDefault();
        confirmFinish();
      }
    });
    $("#finish-cancel").addEventListener("click", () => $("#finish-dialog").close());
    $("#btn-collect").addEventListener("click", collect);
    $("#btn-qr").addEventListener("click", showQr);
    $("#qr-close").addEventListener("click", closeQr);
    $("#tendered").addEventListener("input", () => renderTendered(null));
    $("#btn-transfer").addEventListener("click", () => {
      const to = $("#transfer-to").value;
      if (to) cashierAction("transfer", { to });
    });
  }

  /** The news of this counter's payments and paper: CMIS's answers, reversals, printers. */
  function onEvent(evt) {
    if (ctx.mode !== "cashier" || !cs.code) return;
    const type = evt.event || "";
    const d = evt.data || {};
    if (type === "device.job" && d.job) {
      updateJob(d.job);
    } else if (type === "payment.collected" || type === "receipt.reprinted") {
      if (type === "payment.collected" && d.method === "vietqr" && d.counter === cs.code) qrPaid(d);
      if (
        d.counter === cs.code ||
        d.ticket?.counter?.code === cs.code ||
        (d.payments || []).some((p) => p.counter === cs.code)
      ) {
        cs.refreshPayments();
      }
    } else if (type.startsWith("payment.") && d.payment?.counter === cs.code) {
      cs.refreshPayments();
    }
  }

  /** A fresh snapshot (reconnected): what was missed is read again. */
  function onSnapshot() {
    if (cs.code) cs.refreshPayments();
  }

  return {
    enter: setupCashier,
    wire: wireCashier,
    render: renderCashier,
    keys: cashierKeys,
    onEvent,
    onSnapshot,
  };
}
