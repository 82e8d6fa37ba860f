// The cashier's own cash drawer on the cashier console: open it with the float counted,
// watch the expected balance live, declare money handed to or received from colleagues,
// and close it with the cash counted (the head cashier adds the bank deposit).
// The server is the truth: every change refetches GET /api/cash/mine (coalesced).
// The shell makes one panel (ctx.drawer) that the cashier screen starts; its state lives
// in that panel's one object, which each start resets. Words: cash-texts.js.
import { date } from "/static/format.js";
import { $, el, money, showError, timeOf } from "/static/qms.js";
import { msg, texts } from "/counters/common.js";
import {
  badge,
  blockerItem,
  coalesce,
  differenceText,
  echoAmount,
  parseAmount,
  returnControls,
  statusWords,
} from "/counters/cashui.js";
import { noteCount } from "/counters/notes.js";

const noop = () => {};
// payment events that change what a drawer should hold (a collection, money handed back)
const PAYMENT_EVENTS = new Set(["payment.collected", "payment.refused", "payment.reversed"]);

/** The drawer panel over the shell's shared state (ctx: call, post). */
export function drawerPanel(ctx) {
  const dr = {
    wired: false, // the forms' listeners are added once, on the first start
    live: false,
    counter: null,
    me: null,
    onChange: noop,
    data: null, // the last answer of GET /api/cash/mine
    busy: false,
    refusal: null, // blockers of the last refused close, while the drawer is still open
    prompted: false, // the float box was focused once for this "no drawer" state
    loadError: false,
    refresh: noop,
    echoes: [],
    noticeFor: null, // {id, status} of the movement the notice speaks of: it goes when that changes
    confirmClose: null, // the counted amount whose difference the cashier is asked to confirm
    counts: [], // the counts by note of the close and of the deposit (notes.js)
  };

  // ----------------------------------------------------------------------------------
  // life cycle (called by the shell and the cashier screen)

  function startDrawer({ counter, principal, onChange = noop }) {
    stopDrawer();
    Object.assign(dr, { counter, me: principal.name, onChange, live: true });
    Object.assign(dr, { data: null, busy: false, refusal: null, prompted: false });
    Object.assign(dr, { noticeFor: null, confirmClose: null });
    dr.refresh = coalesce(load, 120);
    wire();
    for (const id of [
      "#drawer-float",
      "#move-amount",
      "#close-counted",
      "#deposit-amount",
      "#deposit-bank",
      "#deposit-ref",
    ]) {
      $(id).value = "";
    }
    for (const count of dr.counts) count.reset();
    for (const show of dr.echoes) show();
    // money flows to the head cashier: they mostly declare "in", the others "out"
    $("#move-side").value = principal.role === "head_cashier" ? "in" : "out";
    showError($("#drawer-error"), null);
    $("#drawer-notice").hidden = true;
    render();
    dr.refresh();
  }

  function stopDrawer() {
    dr.live = false;
    dr.refresh.cancel?.();
    dr.refresh = noop;
  }

  /** Refetch soon: after a reconnect, a snapshot, or a refusal that names the drawer. */
  function drawerRefresh() {
    if (dr.live) dr.refresh();
  }

  /** A websocket event: refetch when it may change my drawer, my movements or my colleagues. */
  function drawerEvent(evt) {
    if (!dr.live) return;
    const type = evt.event || "";
    const d = evt.data || {};
    if (type.startsWith("drawer.") || type === "day.closed") {
      if (type === "drawer.reopened" && d.drawer && d.drawer.cashier === dr.me) {
        notice(msg("recount_asked"));
      }
      dr.refresh();
    } else if (type.startsWith("movement.")) {
      const m = d.movement;
      if (!m || m.from_cashier === dr.me || m.to_cashier === dr.me) dr.refresh();
    } else if (PAYMENT_EVENTS.has(type)) {
      // payment.collected's payments name no cashier (its ticket names the counter)
      const ps = d.payments || (d.payment ? [d.payment] : []);
      const mine = (p) =>
        p.cashier === `user:${dr.me}` ||
        p.counter === dr.counter ||
        (p.cashier === undefined && p.counter === undefined);
      if (!ps.length || ps.some(mine)) dr.refresh();
    }
  }

  function status() {
    if (!dr.data) return "loading";
    return dr.data.drawer ? dr.data.drawer.status : "none";
  }

  /** F4 takes money only into an open drawer (unknown yet: let the server decide). */
  function canCollect() {
    const s = status();
    return s === "open" || s === "loading";
  }

  /** Say why F4 does nothing, and put the cursor where the cashier can fix it. */
  function explainNoCollect(box) {
    const s = status();
    if (s === "none") {
      showError(box, {
        code: "drawer_not_open",
        message: msg("open_drawer_first"),
      });
      $("#drawer-float").focus();
    } else {
      showError(box, {
        code: "drawer_closed",
        message: msg("drawer_closed_today"),
      });
    }
  }

  // ----------------------------------------------------------------------------------
  // data

  async function load() {
    if (!dr.live) return;
    try {
      const data = await ctx.call("/api/cash/mine");
      if (!dr.live) return;
      dr.data = data;
      if (dr.loadError) showError($("#drawer-error"), null);
      dr.loadError = false;
    } catch (err) {
      if (!dr.live || err.status === 401) return;
      dr.loadError = true;
      showError($("#drawer-error"), err);
    }
    render();
    dr.onChange();
  }

  /** The panel's one notice; ``tone`` "warn" for news that asks for something; ``about``
   * the movement it speaks of, so it goes once that movement changes. */
  function notice(text, { tone = "", about = null } = {}) {
    const box = $("#drawer-notice");
    box.textContent = text;
    box.hidden = !text;
    box.className = `notice ${tone}`.trim();
    box.dataset.tone = tone;
    dr.noticeFor = text && about ? { ...about } : null;
  }

  /** A notice about a movement that has changed since (settled, withdrawn) is stale; so is
   * "drawer opened" once the drawer's money has moved (the first payment). */
  function dropStaleNotice() {
    const about = dr.noticeFor;
    if (!about || !dr.data) return;
    if (about.opened !== undefined) {
      if (fingerprint(dr.data.drawer) !== about.opened) notice("");
      return;
    }
    const now = (dr.data.movements || []).find((m) => m.id === about.id);
    if (!now || now.status !== about.status) notice("");
  }

  const fingerprint = (drawer) => JSON.stringify(drawer?.balance || null);

  /** Run one change: errors show in the panel; the answer and the refetch redraw it. */
  async function act(fn) {
    if (dr.busy) return null;
    dr.busy = true;
    showError($("#drawer-error"), null);
    render();
    try {
      return await fn();
    } catch (err) {
      if (err.code === "close_refused") dr.refusal = err.details?.blockers || [];
      else showError($("#drawer-error"), texts.explain(err)); // the catalogue's words, if any
      return null;
    } finally {
      dr.busy = false;
      render();
      dr.refresh();
    }
  }

  function nameOf(username) {
    if (username === dr.me) return texts.in("vi", "me"); // said in the Vietnamese lines only
    const c = (dr.data?.colleagues || []).find((x) => x.cashier === username);
    return c ? c.name : username;
  }

  async function openDrawer(e) {
    e.preventDefault();
    const amount = parseAmount($("#drawer-float").value);
    if (amount === null) {
      showError($("#drawer-error"), {
        code: "invalid_amount",
        message: msg("type_float"),
      });
      $("#drawer-float").focus();
      return;
    }
    const d = await act(() => ctx.post("/api/cash/drawer/open", { float: amount }));
    if (d) {
      dr.data = { ...(dr.data || {}), drawer: d };
      $("#drawer-float").value = "";
      notice(msg("drawer_opened", { amount: money(amount) }), { about: { opened: fingerprint(d) } });
      render();
      dr.onChange();
      $("#call-number").focus();
    }
  }

  async function declare(e) {
    e.preventDefault();
    const side = $("#move-side").value;
    const cashier = $("#move-cashier").value;
    const amount = parseAmount($("#move-amount").value);
    if (!cashier) {
      showError($("#drawer-error"), msg("no_colleague"));
      return;
    }
    if (!amount) {
      showError($("#drawer-error"), { code: "invalid_amount", message: msg("type_amount") });
      $("#move-amount").focus();
      return;
    }
    const m = await act(() => ctx.post("/api/cash/movements", { side, cashier, amount }));
    if (m) {
      $("#move-amount").value = "";
      for (const show of dr.echoes) show();
      const who = nameOf(cashier);
      if (m.status === "mismatch") {
        // the two counts differ: nothing to sign yet
        const theirs = side === "out" ? m.in_amount : m.out_amount;
        notice(msg("declared_mismatch", { amount: money(amount), theirs: money(theirs), who }), {
          tone: "warn",
          about: m,
        });
      } else {
        const key = m.status === "matched" ? "declared_matched" : side === "out" ? "declared_out" : "declared_in";
        notice(msg(key, { amount: money(amount), who }), { about: m });
      }
    }
  }

  async function withdraw(m) {
    const out = await act(() => ctx.post(`/api/cash/movements/${m.id}/withdraw`));
    if (out) notice(msg("withdrawn", { id: m.id }), { about: out });
  }

  /** Fill the movement form to answer a colleague's declaration; the amount is counted, not copied. */
  function answer(m) {
    const out = m.from_cashier === dr.me;
    $("#move-side").value = out ? "out" : "in";
    const other = out ? m.to_cashier : m.from_cashier;
    const sel = $("#move-cashier");
    if (![...sel.options].some((o) => o.value === other)) sel.append(el("option", { value: other, text: other }));
    sel.value = other;
    $("#move-amount").value = "";
    for (const show of dr.echoes) show();
    $("#move-amount").focus();
  }

  async function closeDrawer(e) {
    e.preventDefault();
    const counted = parseAmount($("#close-counted").value);
    if (counted === null) {
      showError($("#drawer-error"), {
        code: "invalid_amount",
        message: msg("type_counted"),
      });
      $("#close-counted").focus();
      return;
    }
    const body = { counted };
    const [closeCount, depositCount] = dr.counts;
    if (closeCount.value()) body.notes = closeCount.value();
    const d = dr.data?.drawer;
    if (d && d.role === "head_cashier") {
      body.deposit = {
        amount: parseAmount($("#deposit-amount").value),
        bank: $("#deposit-bank").value.trim(),
        reference: $("#deposit-ref").value.trim(),
      };
      if (depositCount.value()) body.deposit.notes = depositCount.value();
    }
    // a count that differs from what the drawer should hold now is confirmed first, unless
    // the close would be refused anyway: the server's reasons come first
    if (dr.confirmClose !== counted) {
      const now = await freshDrawer();
      const expected = now?.drawer?.balance?.expected;
      if (typeof expected === "number" && counted !== expected && !now.blockers?.length) {
        askClose(counted, expected);
        return;
      }
    }
    dr.confirmClose = null;
    $("#close-confirm").hidden = true;
    dr.refusal = null;
    const closed = await act(() => ctx.post("/api/cash/drawer/close", body));
    if (closed) {
      dr.data = { ...dr.data, drawer: closed };
      for (const id of ["#close-counted", "#deposit-amount", "#deposit-bank", "#deposit-ref"]) $(id).value = "";
      for (const count of dr.counts) count.reset();
      for (const show of dr.echoes) show();
      notice("");
      dr.onChange();
    }
  }

  /** The drawer as the server has it this moment (null if it cannot say). */
  async function freshDrawer() {
    try {
      dr.data = await ctx.call("/api/cash/mine");
      return dr.data;
    } catch {
      return null; // the close itself will say what is wrong
    }
  }

  /** Counted ≠ expected: say by how much, and let the cashier count again or close with it. */
  function askClose(counted, expected) {
    const diff = counted - expected;
    const words = { counted: money(counted), expected: money(expected), diff: money(Math.abs(diff)) };
    const box = $("#close-confirm");
    box.dataset.difference = String(diff);
    $("#close-confirm-text").textContent = msg(diff < 0 ? "confirm_short" : "confirm_over", words);
    $("#close-confirm-yes").textContent = msg(diff < 0 ? "close_short" : "close_over", words);
    box.hidden = false;
    dr.confirmClose = null;
    $("#close-confirm-no").focus();
    box.dataset.counted = String(counted);
  }

  function confirmedClose() {
    dr.confirmClose = Number($("#close-confirm").dataset.counted);
    $("#close-form").requestSubmit();
  }

  function recountFirst() {
    dr.confirmClose = null;
    $("#close-confirm").hidden = true;
    $("#close-counted").focus();
    $("#close-counted").select();
  }

  async function returnPaper(paper, reason) {
    const ok = await act(() =>
      ctx.post("/api/invoices/returns", { ticket: paper.ticket, invoices: [paper.invoice_id], reason }),
    );
    if (ok && dr.refusal) {
      // the paper is back: take it off the refusal shown (the next close attempt rechecks all)
      dr.refusal = dr.refusal
        .map((b) => (b.invoices ? { ...b, invoices: b.invoices.filter((i) => i.invoice_id !== paper.invoice_id) } : b))
        .filter((b) => !b.invoices || b.invoices.length);
      render();
    }
  }

  // ----------------------------------------------------------------------------------
  // drawing

  function fill(id, n) {
    $(id).textContent = money(n);
  }

  function renderFigures(d) {
    const b = d.balance;
    fill("#dr-float", b.float);
    $("#dr-collected").replaceChildren(
      money(b.collected),
      el("span", { className: "count", text: msg("payments_n", { n: b.payments }) }),
    );
    fill("#dr-given-back", b.given_back);
    fill("#dr-in", b.money_in);
    fill("#dr-out", b.money_out);
    const exp = $("#dr-expected");
    exp.textContent = money(b.expected);
    exp.dataset.amount = String(b.expected);
  }

  function renderStop(d) {
    const box = $("#drawer-stop");
    box.hidden = d.status === "open";
    box.dataset.status = d.status;
    if (d.status === "open") return;
    const figures = el(
      "div",
      { className: "num" },
      `${msg("counted")} ${money(d.counted)} · ${msg("expected")} ${money(d.expected_at_close)} · `,
      el("strong", {
        className: "difference",
        dataset: { difference: String(d.difference) },
        text: differenceText(d.difference),
      }),
    );
    const parts =
      d.status === "pending_approval"
        ? [
            el("strong", { text: texts.in("vi", "closed_pending") }),
            el("div", { className: "en", text: texts.in("en", "closed_pending") }),
            figures,
          ]
        : [
            el("strong", { text: texts.in("vi", "closed_at", { at: timeOf(d.closed_at) }) }),
            el("div", { className: "en", text: texts.in("en", "closed_at") }),
            figures,
            d.approved_by
              ? el("div", {
                  className: "muted",
                  text: `${msg("approved")}: ${d.approved_by} — ${d.approval_note || ""}`,
                })
              : null,
            d.deposit
              ? el("div", {
                  className: "muted",
                  text: `${msg("deposit")}: ${money(d.deposit.amount)} — ${d.deposit.bank} (${d.deposit.reference})`,
                })
              : null,
          ];
    box.replaceChildren(...parts.filter(Boolean));
  }

  function renderColleagues() {
    const sel = $("#move-cashier");
    const keep = sel.value;
    const list = dr.data?.colleagues || [];
    sel.replaceChildren(
      ...(list.length
        ? list.map((c) =>
            el("option", {
              value: c.cashier,
              text: `${c.name} — ${c.counter}${c.role === "head_cashier" ? ` (${msg("head_cashier")})` : ""}`,
            }),
          )
        : [el("option", { value: "", text: msg("no_other_drawer") })]),
    );
    const head = list.find((c) => c.role === "head_cashier");
    if (list.some((c) => c.cashier === keep)) sel.value = keep;
    else if (head) sel.value = head.cashier;
  }

  function moveRow(m, open) {
    const out = m.from_cashier === dr.me;
    const other = out ? m.to_cashier : m.from_cashier;
    const mine = out ? m.out_amount : m.in_amount;
    const unsettled = m.status === "hanging" || m.status === "mismatch";
    let action = null;
    if (unsettled && mine !== null) {
      action = el("button", {
        type: "button",
        className: "withdraw",
        text: msg("withdraw"),
        disabled: dr.busy || !open,
        on: { click: () => withdraw(m) },
      });
    } else if (unsettled) {
      action = el("button", {
        type: "button",
        className: "answer",
        text: msg(out ? "declare_out" : "declare_in"),
        disabled: dr.busy || !open,
        on: { click: () => answer(m) },
      });
    }
    const amount = (n) => el("td", { className: "money", text: n === null ? "—" : money(n) });
    return el(
      "tr",
      { className: m.status, dataset: { movement: m.id, status: m.status, side: out ? "out" : "in" } },
      el(
        "td",
        { className: "with" },
        el("span", { className: "dir", text: out ? "→ " : "← " }),
        nameOf(other),
        el("div", { className: "muted", text: msg(out ? "out_to" : "in_from") }),
      ),
      amount(m.out_amount),
      amount(m.in_amount),
      el("td", {}, badge("move", m.status)),
      el("td", {}, action),
    );
  }

  function renderMovements(open) {
    const all = (dr.data?.movements || []).filter((m) => m.status !== "cancelled");
    $("#move-list").hidden = all.length === 0;
    $("#move-list tbody").replaceChildren(...all.map((m) => moveRow(m, open)));
  }

  function renderRefusal(d) {
    const box = $("#close-blockers");
    let list = d && d.status === "open" ? dr.refusal : null;
    if (list) {
      // a movement settled since the refusal no longer stands in the way
      const now = new Map((dr.data?.movements || []).map((m) => [m.id, m.status]));
      list = list.filter((b) => !b.movement || ["hanging", "mismatch"].includes(now.get(b.movement.id)));
    }
    box.hidden = !list?.length;
    box.dataset.count = list ? String(list.length) : "0";
    $("#close-blockers ul").replaceChildren(
      ...(list || []).map((b) => {
        const li = blockerItem(b, nameOf);
        if (b.code === "invoices_not_returned" && b.invoices) {
          li.append(
            el(
              "ul",
              { className: "papers" },
              ...b.invoices.map((p) =>
                el(
                  "li",
                  { dataset: { invoiceId: p.invoice_id } },
                  el("span", {
                    className: "num",
                    // Vietnamese only, as the paper itself reads
                    text: `${texts.in("vi", "paper_line", { ticket: p.ticket, customer: p.customer_code, period: p.period, total: money(p.total) })} `,
                  }),
                  returnControls(p, returnPaper, { disabled: dr.busy }),
                ),
              ),
            ),
          );
        }
        return li;
      }),
    );
  }

  function render() {
    const s = status();
    const data = dr.data || {};
    const d = data.drawer || null;
    const root = $("#drawer");
    root.dataset.status = s;
    root.dataset.busy = dr.busy ? "true" : "false";
    const [text, cls] = s === "loading" ? ["…", ""] : statusWords("drawer", s);
    const b = $("#drawer-badge");
    b.textContent = text;
    b.className = `badge ${cls}`.trim();
    $("#drawer-day").textContent = data.business_day ? `${msg("day")} ${date(data.business_day)}` : "";

    const canOpen = s === "none" && !data.day_closed;
    $("#drawer-open-form").hidden = !canOpen;
    $("#drawer-day-closed").hidden = !(s === "none" && data.day_closed);
    $("#drawer-open").disabled = dr.busy;
    if (canOpen && !dr.prompted) {
      dr.prompted = true;
      $("#drawer-float").focus();
    }
    if (s !== "none") dr.prompted = false;

    $("#drawer-body").hidden = !d;
    if (!d) return;
    const open = d.status === "open";
    renderFigures(d);
    renderStop(d);
    $("#move-form").hidden = !open;
    $(".drawer-close").hidden = !open;
    $("#close-deposit").hidden = d.role !== "head_cashier";
    for (const count of dr.counts) count.setNotes(data.denominations);
    $("#close-submit").disabled = dr.busy;
    $("#move-submit").disabled = dr.busy || !open;
    if (!open) {
      dr.refusal = null;
      dr.confirmClose = null;
      $("#close-confirm").hidden = true;
    }
    dropStaleNotice();
    renderColleagues();
    renderMovements(open);
    renderRefusal(d);
  }

  function wire() {
    if (dr.wired) return;
    dr.wired = true;
    $("#drawer-open-form").addEventListener("submit", openDrawer);
    $("#move-form").addEventListener("submit", declare);
    $("#close-form").addEventListener("submit", closeDrawer);
    $("#close-confirm-yes").addEventListener("click", confirmedClose);
    $("#close-confirm-no").addEventListener("click", recountFirst);
    // another count is another question
    $("#close-counted").addEventListener("input", () => {
      dr.confirmClose = null;
      $("#close-confirm").hidden = true;
    });
    dr.echoes = [
      echoAmount($("#drawer-float"), $("#drawer-float-echo")),
      echoAmount($("#move-amount"), $("#move-amount-echo")),
      echoAmount($("#close-counted"), $("#close-counted-echo")),
      echoAmount($("#deposit-amount"), $("#deposit-amount-echo")),
    ];
    dr.counts = [
      noteCount($("#close-notes"), $("#close-counted"), "close-note"),
      noteCount($("#deposit-notes"), $("#deposit-amount"), "deposit-note"),
    ];
  }

  return {
    start: startDrawer,
    stop: stopDrawer,
    refresh: drawerRefresh,
    event: drawerEvent,
    canCollect,
    explainNoCollect,
  };
}
