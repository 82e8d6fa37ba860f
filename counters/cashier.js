// The cashier counter: call a number (F2 next, digits then Enter, F3 recall), collect
// the picked invoices (F4), park (F6), no-show (F7), finish (F8; with invoices unpaid a
// dialog asks why), transfer; the payments taken here follow CMIS's answers.
import { $, el, money, showError, LOOKUP_STATUS, PAY_STATUS, TICKET_STATUS } from "/static/qms.js";
import { byPeriod, counterMessage, customerInvoices, msg, texts } from "/counters/common.js";

/** The screen over the shell's shared state (ctx: session, hall, mode, post, queueRender, drawer). */
export function cashierScreen(ctx) {
  const { post, queueRender } = ctx;
  const cs = {
    code: null,
    busy: false,
    pick: { ticket: null, ids: new Set(), touched: false },
    payments: new Map(), // txn_id -> payment
    // CMIS may confirm a payment before the F4 answer reaches this page: keep the news
    early: new Map(), // txn_id -> payment update not yet matched to our F4
  };

  function setupCashier(counter) {
    cs.code = counter.code;
    cs.pick = { ticket: null, ids: new Set(), touched: false };
    const sel = $("#transfer-to");
    sel.replaceChildren(
      ...ctx.session.counters
        .filter((c) => c.kind === "cashier" && c.code !== counter.code)
        .map((c) => el("option", { value: c.code, text: `${c.code} — ${c.name}` })),
    );
    renderCashier();
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
        if (inv.pay_status === "unpaid" && inv.lookup_status === "found") ok.add(inv.invoice_id);
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

  function pickedInvoices(t) {
    const out = [];
    for (const c of t.customers || []) for (const i of c.invoices) if (cs.pick.ids.has(i.invoice_id)) out.push(i);
    return out;
  }

  function invoiceRow(t, c, inv, ok) {
    const paper =
      inv.lookup_status === "found"
        ? el("span", { className: "badge ok", text: msg("paper_found") })
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

  function renderCurrent(t) {
    syncPick(t);
    const box = $("#current");
    box.dataset.ticket = t ? String(t.number) : "";
    box.classList.toggle("idle", !t);
    $("#current-number").textContent = t ? String(t.number) : "—";
    const st = $("#current-status");
    st.textContent = t ? TICKET_STATUS[t.status] || t.status : msg("no_ticket");
    st.dataset.status = t ? t.status : "";
    const ready = $("#ready");
    if (!t) {
      ready.hidden = true;
      ready.dataset.ready = "";
    } else {
      const unpaid = t.customers.flatMap((c) => c.invoices).filter((i) => i.pay_status === "unpaid");
      const missing = unpaid.filter((i) => i.lookup_status !== "found");
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
    );
    const picked = t ? pickedInvoices(t) : [];
    $("#current-total").textContent = t ? money(t.total_due) : "—";
    $("#collect-amount").textContent = t ? money(picked.reduce((s, i) => s + i.total, 0)) : "—";
    $("#btn-collect").disabled = cs.busy || !t || picked.length === 0 || !ctx.drawer.canCollect();
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

  function renderPayments() {
    const list = [...cs.payments.values()].slice(-15).reverse();
    $("#payments-log").replaceChildren(
      ...list.map((p) =>
        el(
          "li",
          { dataset: { txn: p.txn_id, status: p.status } },
          el("span", {
            className: `badge ${{ confirmed: "ok", refused: "bad", pending: "warn" }[p.status] || ""}`,
            text: texts.has(`payment.${p.status}`) ? msg(`payment.${p.status}`) : p.status,
          }),
          el("span", { className: "num", text: ` ${p.customer_code} ` }),
          el("span", { className: "money", text: money(p.total) }),
          p.receipt_no ? el("div", { className: "muted num", text: msg("receipt", { no: p.receipt_no }) }) : null,
          p.error ? el("div", { className: "error-text", text: p.error }) : null,
        ),
      ),
    );
  }

  function updatePayment(p) {
    if (!cs.payments.has(p.txn_id)) {
      // maybe ours, its F4 answer still on the way; or another counter's (dropped later)
      cs.early.set(p.txn_id, p);
      if (cs.early.size > 200) cs.early.delete(cs.early.keys().next().value);
      return;
    }
    cs.payments.set(p.txn_id, { ...cs.payments.get(p.txn_id), ...p });
    renderPayments();
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
    $("#collect-result").hidden = true;
    return cashierAction("call", { number: n }, { after: () => ($("#call-number").value = "") });
  }

  function callNext() {
    $("#collect-result").hidden = true;
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
      showError($("#cashier-error"), msg("nothing_ready"));
      return;
    }
    const amount = picked.reduce((s, i) => s + i.total, 0);
    const body = { invoices: picked.map((i) => i.invoice_id), amount };
    const raw = $("#tendered").value.replace(/[^0-9]/g, "");
    if (raw) body.tendered = Number(raw);
    cashierAction("collect", body, {
      after: (res) => {
        $("#tendered").value = "";
        cs.pick.touched = false;
        for (const p of res.payments || []) {
          cs.payments.set(p.txn_id, { ...p, ...(cs.early.get(p.txn_id) || {}) });
          cs.early.delete(p.txn_id);
        }
        renderPayments();
        const box = $("#collect-result");
        box.textContent = msg("collected", {
          ticket: res.ticket.number,
          amount: money(amount),
          change: res.change ? money(res.change) : "",
        });
        box.dataset.ticket = String(res.ticket.number);
        box.hidden = false;
      },
    });
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
    };
    if ($("#finish-dialog").open) return; // the dialog has its own keys: Enter, Esc
    const fn = map[e.key];
    if (fn) {
      e.preventDefault();
      fn();
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
    $("#btn-transfer").addEventListener("click", () => {
      const to = $("#transfer-to").value;
      if (to) cashierAction("transfer", { to });
    });
  }

  /** CMIS's answer to a payment, for the log of this counter's payments. */
  function onEvent(evt) {
    const d = evt.data || {};
    if ((evt.event === "payment.confirmed" || evt.event === "payment.refused") && ctx.mode === "cashier" && d.payment) {
      updatePayment(d.payment);
    }
  }

  return { enter: setupCashier, wire: wireCashier, render: renderCashier, keys: cashierKeys, onEvent };
}
