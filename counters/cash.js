// The hall's cash for the head cashier and the supervisor: every drawer live, the money
// moved between cashiers (mismatches stand out), differences to approve, the paper to send
// back to invoice management, what still stops the business day from closing, and the
// report downloads. Live: websocket events refetch the HTTP answers (coalesced).
// The shell makes one section over its ctx; the section's state lives in its one object,
// which each start (each sign-in) resets. Words: cash-texts.js.
import { date, isoDay } from "/static/format.js";
import { $, el, money, showError, timeOf } from "/static/qms.js";
import { msg, texts } from "/counters/common.js";
import { badge, blockerItem, coalesce, reasonText, returnControls, signedMoney } from "/counters/cashui.js";
import { countedTd } from "/counters/notes.js";
import { noncashPanel } from "/counters/noncash.js";

const noop = () => {};
const APPROVE_ROLES = new Set(["supervisor", "admin"]); // cash.approve
const DAY_ROLES = new Set(["head_cashier", "supervisor"]); // day.close
const RETURN_ROLES = new Set(["head_cashier", "supervisor"]); // invoice.return, any paper
const REVERSE_ROLES = new Set(["head_cashier", "supervisor"]); // payment.reverse, any cashier's
const REVERSALS_SHOWN = 60; // the newest payments listed; the filter finds older ones

// events after which the overview or the papers may read differently
const OVERVIEW_EVENTS =
  /^(drawer|movement|day|invoice|bank)\.|^payment\.(collected|confirmed|refused|reversal_requested|reversed|reversal_refused)$|^ticket\.(called|transferred)$/;
// events after which the day's blockers may differ (each check asks CMIS for its list)
const DAY_EVENTS =
  /^(drawer|movement|day|bank)\.|^invoice\.(returned|paid_elsewhere)$|^payment\.(confirmed|refused|reversed)$/;

/** The cash section over the shell's shared state (ctx: session, call, post). */
export function cashSection(ctx) {
  const cp = {
    wired: false, // the section's listeners are added once, on the first start
    live: false,
    visible: false,
    stale: false,
    onUnauthorized: noop,
    role: null,
    today: null, // the business day as the server said it
    date: "", // the day looked at; "" is today
    data: null, // GET /api/cash
    papers: null, // GET /api/invoices/papers
    day: null, // GET /api/cash/day (today only)
    payments: null, // GET /api/payments?date=today, for the reversal screen
    reversing: null, // txn_id whose reversal waits for its confirmation click
    reversalReasons: new Map(), // txn_id -> the reason typed, kept across redraws
    dayError: null, // the last check failed (shown in #day-error until one succeeds)
    busy: false,
    confirming: false,
    refresh: noop,
    refreshDay: noop,
  };
  // the non-cash panel: VietQR payments, the bank's exceptions, the statement (noncash.js)
  const noncash = noncashPanel(ctx, { act: (box, fn) => act(box, fn) });

  // ----------------------------------------------------------------------------------
  // life cycle (called by the shell)

  function startCash({ principal, onUnauthorized = noop }) {
    stopCash();
    Object.assign(cp, { onUnauthorized, role: principal.role, live: true });
    Object.assign(cp, { today: null, date: "", data: null, papers: null, day: null, dayError: null });
    Object.assign(cp, { payments: null, reversing: null, reversalReasons: new Map() });
    $("#reversal-filter").value = "";
    notice("", "#reversal-notice");
    noncash.start(principal.role);
    Object.assign(cp, { busy: false, confirming: false, visible: false, stale: true });
    cp.refresh = coalesce(load, 150);
    cp.refreshDay = coalesce(loadDay, 1200);
    wire();
    $("#cash-date").value = "";
    $("#report-from").value = "";
    $("#report-to").value = "";
    $("#report-level").value = "branch";
    $("#report-level option[value=company]").hidden = principal.role !== "admin"; // reports.company
    $("#cash-view").dataset.loaded = "";
    render();
  }

  function stopCash() {
    cp.live = false;
    cp.visible = false;
    cp.refresh.cancel?.();
    cp.refreshDay.cancel?.();
    cp.refresh = cp.refreshDay = noop;
  }

  /** The section came on screen: catch up on what happened while it was hidden. */
  function showCash() {
    if (!cp.live) return;
    cp.visible = true;
    if (cp.stale) cashRefresh();
  }

  function hideCash() {
    cp.visible = false;
  }

  /** Refetch everything soon (reconnect, snapshot, shown again). */
  function cashRefresh() {
    if (!cp.live) return;
    if (!cp.visible) {
      cp.stale = true;
      return;
    }
    cp.stale = false;
    cp.refresh();
    if (canDay()) cp.refreshDay();
  }

  function cashEvent(evt) {
    if (!cp.live) return;
    const type = evt.event || "";
    const overview = OVERVIEW_EVENTS.test(type);
    const day = DAY_EVENTS.test(type) && canDay();
    if (!overview && !day) return;
    if (!cp.visible) {
      cp.stale = true;
      return;
    }
    if (overview) cp.refresh();
    if (day) cp.refreshDay();
  }

  const canApprove = () => APPROVE_ROLES.has(cp.role);
  const isToday = () => !cp.date || cp.date === cp.today;
  const canDay = () => DAY_ROLES.has(cp.role) && isToday();
  const canReturn = () => RETURN_ROLES.has(cp.role) && isToday();
  const canReverse = () => REVERSE_ROLES.has(cp.role) && isToday();

  // ----------------------------------------------------------------------------------
  // data

  async function load() {
    if (!cp.live) return;
    const q = cp.date ? `?date=${encodeURIComponent(cp.date)}` : "";
    try {
      const [data, papers] = await Promise.all([ctx.call(`/api/cash${q}`), ctx.call(`/api/invoices/papers${q}`)]);
      if (!cp.live) return;
      cp.data = data;
      cp.papers = papers;
      if (!cp.date) cp.today = data.business_day;
      await noncash.load(cp.date, isToday());
      if (!cp.live) return;
      if (canReverse()) {
        const q = `?date=${encodeURIComponent(data.business_day)}`;
        cp.payments = (await ctx.call(`/api/payments${q}`)).payments;
        if (!cp.live) return;
      }
      showError($("#cash-error"), null);
      $("#cash-updated").textContent = `${msg("updated")} ${timeOf(new Date().toISOString())}`;
      $("#cash-view").dataset.loaded = "true";
    } catch (err) {
      if (!cp.live || err.status === 401) return;
      showError($("#cash-error"), err);
    }
    render();
  }

  async function loadDay() {
    if (!cp.live || !canDay()) return;
    const box = $("#day-error");
    try {
      cp.day = await ctx.call("/api/cash/day");
      if (cp.dayError) showError(box, null);
      cp.dayError = null;
    } catch (err) {
      if (!cp.live || err.status === 401) return;
      cp.dayError = err; // e.g. CMIS did not give its list: the last blockers stay shown
      showError(box, err);
    }
    renderDay();
  }

  /** One change from this page; its refusal shows in ``box``; everything refetches after. */
  async function act(box, fn) {
    if (cp.busy) return null;
    cp.busy = true;
    showError(box, null);
    render();
    try {
      return await fn();
    } catch (err) {
      if (err.code === "close_refused" && box === $("#day-error")) {
        cp.day = { ...(cp.day || {}), blockers: err.details.blockers || [], can_close: false };
      }
      showError(box, err);
      return null;
    } finally {
      cp.busy = false;
      render();
      cp.refresh();
      if (canDay()) cp.refreshDay();
    }
  }

  function notice(text, where = "#cash-notice") {
    const box = $(where);
    box.textContent = text;
    box.hidden = !text;
  }

  function nameOf(username) {
    const d = (cp.data?.drawers || []).find((x) => x.cashier === username);
    return d ? d.cashier_name : username;
  }

  async function approve(d, input) {
    const note = input.value.trim();
    if (note.length < 3) {
      showError($("#cash-error"), {
        code: "invalid_request",
        message: msg("note_too_short"),
      });
      input.focus();
      return;
    }
    const out = await act($("#cash-error"), () => ctx.post(`/api/cash/drawers/${d.id}/approve`, { note }));
    if (out) notice(msg("difference_approved", { name: d.cashier_name }));
  }

  async function recount(d) {
    const out = await act($("#cash-error"), () => ctx.post(`/api/cash/drawers/${d.id}/recount`));
    if (out) notice(msg("recount_started", { name: d.cashier_name }));
  }

  async function returnPaper(p, reason) {
    const out = await act($("#cash-error"), () =>
      ctx.post("/api/invoices/returns", { ticket: p.ticket, invoices: [p.invoice_id], reason }),
    );
    if (out) notice(msg("paper_returned", { period: p.period, customer: p.customer_code, ticket: p.ticket }));
  }

  /** A payment taken by mistake goes back: the first click asks, the second sends it to
   * CMIS (the rules and the audit are the server's: POST /api/payments/{txn}/reverse). */
  async function reverse(p, input) {
    const reason = input.value.trim();
    if (reason.length < 3) {
      showError($("#reversal-error"), msg("reversal_reason_needed"));
      input.focus();
      return;
    }
    if (cp.reversing !== p.txn_id) {
      cp.reversing = p.txn_id;
      showError($("#reversal-error"), null);
      renderReversals();
      $(`#reversal-list tr[data-txn="${p.txn_id}"] button.reverse`)?.focus();
      return;
    }
    cp.reversing = null;
    notice("", "#reversal-notice");
    const out = await act($("#reversal-error"), () =>
      ctx.post(`/api/payments/${encodeURIComponent(p.txn_id)}/reverse`, { reason }),
    );
    if (out) {
      const who = (p.cashier || "").replace(/^user:/, "");
      notice(
        msg("reversal_sent", { customer: p.customer_code, amount: money(p.total), who: nameOf(who) }),
        "#reversal-notice",
      );
    } else {
      reversalRefusal();
    }
  }

  /** A refusal that names the drawer means the owner's drawer, not the asker's: say so. */
  function reversalRefusal() {
    const box = $("#reversal-error");
    if (box.dataset.code === "drawer_closed") box.textContent = msg("reversal_drawer_closed");
    else if (box.dataset.code === "not_reversible") box.textContent = msg("reversal_not_confirmed");
  }

  async function closeDay() {
    cp.confirming = false;
    const out = await act($("#day-error"), () => ctx.post("/api/cash/day/close"));
    if (out) notice(msg("day_closed_notice", { day: date(out.business_day) }));
  }

  /** Reports are behind the bearer token: fetch the file, then hand it to the browser. */
  async function download(format) {
    const box = $("#report-error");
    showError(box, null);
    const day = cp.today || cp.data?.business_day || "";
    const typed = (id) => {
      const box = $(id);
      const iso = box.value.trim() ? isoDay(box.value) : "";
      box.setAttribute("aria-invalid", String(iso === null));
      return iso;
    };
    const [fromDay, toDay] = [typed("#report-from"), typed("#report-to")];
    if (fromDay === null || toDay === null) {
      showError(box, msg("day_typed_wrong"));
      return;
    }
    const from = fromDay || day;
    const to = toDay || from;
    const level = $("#report-level").value;
    const q = new URLSearchParams({ from, to, level, format });
    const path = `/api/reports?${q}`;
    let res;
    try {
      res = await fetch(path, {
        headers: { Authorization: `Bearer ${ctx.session?.token}` },
        cache: "no-store",
        credentials: "omit",
      });
    } catch {
      showError(box, { code: "network", message: msg("error.network") });
      return;
    }
    if (res.status === 401) {
      cp.onUnauthorized();
      return;
    }
    if (!res.ok) {
      let err = {};
      try {
        err = (await res.json()).error || {};
      } catch {
        /* not JSON */
      }
      showError(box, { code: err.code || `http_${res.status}`, message: err.message, details: err.details || {} });
      return;
    }
    const blob = await res.blob();
    const given = /filename="?([^";]+)"?/.exec(res.headers.get("Content-Disposition") || "");
    const name = given ? given[1] : `bao-cao-${from}_${to}.${format}`;
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
    box.dataset.downloaded = name;
  }

  // ----------------------------------------------------------------------------------
  // drawing

  const td = (text, className = "") => el("td", { className, text });
  const amountTd = (n) => td(n === null || n === undefined ? "—" : money(n), "money");

  function approvalCell(d) {
    if (d.status === "pending_approval" && canApprove()) {
      const input = el("input", {
        className: "note",
        maxlength: "200",
        placeholder: msg("approval_note"),
        "aria-label": msg("approval_note_for", { name: d.cashier_name }),
        on: { keydown: (e) => e.key === "Enter" && approve(d, input) },
      });
      return el(
        "td",
        { className: "approval" },
        input,
        el(
          "div",
          { className: "approval-buttons" },
          el("button", {
            type: "button",
            className: "approve primary",
            text: msg("approve"),
            disabled: cp.busy,
            on: { click: () => approve(d, input) },
          }),
          el("button", {
            type: "button",
            className: "recount",
            text: msg("recount"),
            disabled: cp.busy,
            on: { click: () => recount(d) },
          }),
        ),
      );
    }
    if (d.status === "pending_approval") return td(msg("awaiting_supervisor"), "muted");
    if (d.approved_by) return td(`${d.approved_by.replace(/^user:/, "")}: ${d.approval_note || ""}`, "muted");
    return td("");
  }

  function drawerRow(d) {
    const b = d.balance;
    const diff = d.difference;
    return el(
      "tr",
      { className: d.status, dataset: { drawer: d.id, cashier: d.cashier, status: d.status } },
      el(
        "td",
        {},
        el("strong", { text: d.cashier_name }),
        el("div", {
          className: "muted",
          text: d.cashier + (d.role === "head_cashier" ? ` · ${texts.in("vi", "head_cashier")}` : ""),
        }),
      ),
      td(d.counter, "num"),
      el("td", { className: "status" }, badge("drawer", d.status)),
      amountTd(b.float),
      el(
        "td",
        {
          className: "money",
          title: `${msg("payments_n", { n: b.payments })}; ${msg("given_back")} ${money(b.given_back)}`,
        },
        money(b.collected - b.given_back),
        // the narrow column says it in Vietnamese; the title has both
        el("div", { className: "muted", text: texts.in("vi", "payments_n", { n: b.payments }) }),
      ),
      el("td", { className: "money" }, `+${money(b.money_in)}`, el("div", { text: `−${money(b.money_out)}` })),
      el("td", { className: "money expected", dataset: { amount: b.expected }, text: money(b.expected) }),
      countedTd(d),
      el(
        "td",
        {
          className: `money difference ${diff ? "off" : ""}`.trim(),
          dataset: { difference: diff === null ? "" : String(diff) },
        },
        diff === null ? "—" : signedMoney(diff),
        diff ? el("div", { text: msg(diff > 0 ? "over_lower" : "short_lower") }) : null,
      ),
      approvalCell(d),
    );
  }

  function moveRow(m) {
    return el(
      "tr",
      { className: m.status, dataset: { movement: m.id, status: m.status } },
      td(m.id, "num"),
      td(nameOf(m.from_cashier), "name"),
      td(nameOf(m.to_cashier), "name"),
      amountTd(m.out_amount),
      amountTd(m.in_amount),
      el("td", {}, badge("move", m.status)),
      td(timeOf(m.in_at || m.out_at), "num"),
    );
  }

  const empty = (cols, text) => el("tr", { className: "empty" }, el("td", { colSpan: cols, text }));

  function renderPapers() {
    const p = cp.papers;
    const rows = p ? p.counters : [];
    $("#papers-counters tbody").replaceChildren(
      ...rows.map((c) =>
        el(
          "tr",
          { className: c.to_return ? "to-return" : "", dataset: { counter: c.counter, toReturn: c.to_return } },
          el(
            "td",
            {},
            el("strong", { text: c.counter }),
            ` ${c.name}`,
            el("span", { className: "muted", text: c.kind === "lookup" ? ` · ${msg("lookup_counter")}` : "" }),
          ),
          td(`${c.delivered}`, "num"),
          td(`${c.paid}`, "num"),
          el("td", {
            className: "num",
            title: Object.entries(c.returned_by_reason || {})
              .map(([r, n]) => `${reasonText(r)}: ${n}`)
              .join("\n"),
            text: `${c.returned}`,
          }),
          td(`${c.to_return}`, `num ${c.to_return ? "warn" : ""}`.trim()),
          amountTd(c.to_return_total),
        ),
      ),
    );
    const pending = p ? p.to_return : [];
    $("#papers-to-return-count").textContent = String(pending.length);
    $("#papers-to-return-count").className = `badge ${pending.length ? "warn" : ""}`.trim();
    $("#papers-to-return tbody").replaceChildren(
      ...(pending.length
        ? pending.map((x) =>
            el(
              "tr",
              { dataset: { invoiceId: x.invoice_id, ticket: x.ticket } },
              td(x.ticket, "num"),
              td(x.customer_code, "num"),
              td(x.period, "num"),
              td(x.book_code, "num"),
              td(x.delivered_to || msg("lookup_parity", { parity: x.lookup })),
              amountTd(x.total),
              el("td", {}, canReturn() ? returnControls(x, returnPaper, { disabled: cp.busy }) : null),
            ),
          )
        : [empty(7, msg("nothing_to_return"))]),
    );
    const back = p ? p.returned : [];
    $("#papers-returned-count").textContent = String(back.length);
    $("#papers-returned tbody").replaceChildren(
      ...(back.length
        ? back.map((x) =>
            el(
              "tr",
              { dataset: { invoiceId: x.invoice_id } },
              td(x.ticket, "num"),
              td(x.customer_code, "num"),
              td(x.period, "num"),
              td(reasonText(x.returned_reason)),
              td((x.returned_by || "").replace(/^user:/, "")),
              td(timeOf(x.returned_at), "num"),
            ),
          )
        : [empty(6, msg("none_yet"))]),
    );
  }

  function reversalRow(p) {
    const confirming = cp.reversing === p.txn_id;
    let action = td("");
    if (p.status === "confirmed") {
      const input = el("input", {
        className: "reason",
        maxlength: "200",
        placeholder: msg("reversal_reason"),
        "aria-label": msg("reversal_reason"),
        on: { keydown: (e) => e.key === "Enter" && reverse(p, input) },
      });
      input.value = cp.reversalReasons.get(p.txn_id) || "";
      input.addEventListener("input", () => cp.reversalReasons.set(p.txn_id, input.value));
      action = el(
        "td",
        { className: "reversal-action" },
        input,
        el("button", {
          type: "button",
          className: `reverse ${confirming ? "danger" : ""}`.trim(),
          text: confirming ? msg("reversal_confirm", { amount: money(p.total) }) : msg("reverse"),
          disabled: cp.busy,
          on: { click: () => reverse(p, input) },
        }),
        confirming
          ? el("button", {
              type: "button",
              className: "reverse-cancel",
              text: msg("reversal_keep"),
              on: {
                click: () => {
                  cp.reversing = null;
                  renderReversals();
                },
              },
            })
          : null,
      );
    }
    const status = texts.has(`payment.${p.status}`) ? msg(`payment.${p.status}`) : p.status;
    return el(
      "tr",
      { dataset: { txn: p.txn_id, status: p.status, confirming: confirming ? "true" : "false" } },
      td(timeOf(p.created_at).slice(0, 5), "num"),
      td(p.counter, "num"),
      td(nameOf((p.cashier || "").replace(/^user:/, ""))),
      el(
        "td",
        {},
        el("span", { className: "num", text: p.customer_code }),
        el("div", { className: "muted num", text: p.txn_id }),
      ),
      amountTd(p.total),
      el(
        "td",
        {},
        el("span", { className: "badge", dataset: { status: p.status }, text: status }),
        p.reversal_reason ? el("div", { className: "muted", text: p.reversal_reason }) : null,
      ),
      action,
    );
  }

  function renderReversals() {
    const box = $("#reversals");
    box.hidden = !canReverse();
    if (box.hidden) return;
    box.dataset.loaded = cp.payments ? "true" : "";
    const q = $("#reversal-filter").value.trim().toLowerCase();
    const all = (cp.payments || []).slice().reverse();
    const hit = q
      ? all.filter((p) =>
          [p.customer_code, p.txn_id, p.counter, p.cashier].some((v) =>
            String(v || "")
              .toLowerCase()
              .includes(q),
          ),
        )
      : all;
    const shown = hit.slice(0, REVERSALS_SHOWN);
    $("#reversal-list tbody").replaceChildren(
      ...(shown.length ? shown.map(reversalRow) : [empty(7, msg("no_payments_today"))]),
    );
  }

  function renderClosed() {
    const box = $("#cash-closed");
    const c = cp.data?.closed;
    box.hidden = !c;
    box.dataset.closed = c ? "true" : "false";
    if (!c) return;
    box.replaceChildren(
      el("strong", {
        text: texts.in("vi", "day_closed_at", {
          day: date(cp.data.business_day),
          at: timeOf(c.at),
          by: (c.by || "").replace(/^user:/, ""),
        }),
      }),
      el("div", { className: "en", text: texts.in("en", "day_closed_at") }),
      c.deposit
        ? el("div", {
            text: `${msg("bank_deposit")}: ${money(c.deposit.amount)} — ${c.deposit.bank} (${c.deposit.reference})`,
          })
        : null,
    );
  }

  function renderDay() {
    const box = $("#day-box");
    box.hidden = !canDay();
    if (box.hidden) return;
    const closed = !!cp.data?.closed;
    const day = cp.day;
    const state = $("#day-state");
    let can = "";
    if (closed) {
      can = "closed";
      state.replaceChildren(el("span", { className: "badge ok", text: msg("day_state_closed") }));
    } else if (!day) {
      state.replaceChildren(el("span", { className: "muted", text: msg("day_state_checking") }));
    } else if (day.can_close) {
      can = "true";
      state.replaceChildren(el("span", { className: "badge ok", text: msg("day_state_ready") }));
    } else {
      can = "false";
      state.replaceChildren(
        el("span", {
          className: "badge bad",
          text: msg("day_state_blocked", { n: day.blockers.length }),
        }),
      );
    }
    box.dataset.canClose = can;
    $("#day-blockers").replaceChildren(...(!closed && day ? day.blockers.map((b) => blockerItem(b, nameOf)) : []));
    $("#day-check").hidden = closed;
    $("#day-close").hidden = closed;
    $("#day-close").disabled = cp.busy || (day && !day.can_close) || false;
    $("#day-confirm").hidden = !cp.confirming || closed;
    $("#day-confirm-date").textContent = date(cp.today);
    $("#day-confirm-yes").disabled = cp.busy;
  }

  function render() {
    const data = cp.data;
    $("#cash-past").hidden = isToday();
    for (const id of ["#cash-date", "#report-from", "#report-to"]) {
      if (cp.today && !$(id).value) $(id).value = date(cp.today);
    }
    const t = data ? data.totals : null;
    $("#cash-expected").textContent = t ? money(t.expected) : "—";
    $("#cash-collected").textContent = t ? money(t.collected) : "—";
    const diff = $("#cash-differences");
    diff.textContent = t ? signedMoney(t.differences) : "—";
    diff.classList.toggle("off", !!t?.differences);
    const hanging = $("#cash-hanging");
    hanging.textContent = t ? String(t.hanging) : "—";
    hanging.classList.toggle("off", !!t?.hanging);
    const toReturn = cp.papers ? cp.papers.to_return.length : null;
    $("#cash-to-return").textContent = toReturn === null ? "—" : String(toReturn);
    $("#cash-to-return").classList.toggle("off", !!toReturn);

    const drawers = data ? data.drawers : [];
    $("#cash-drawers tbody").replaceChildren(
      ...(drawers.length ? drawers.map(drawerRow) : [empty(10, msg("no_drawer_yet"))]),
    );
    const moves = data ? data.movements.filter((m) => m.status !== "cancelled") : [];
    $("#cash-moves tbody").replaceChildren(...(moves.length ? moves.map(moveRow) : [empty(7, msg("no_movement_yet"))]));
    renderClosed();
    renderPapers();
    renderDay();
    renderReversals();
    noncash.render();
  }

  function wire() {
    if (cp.wired) return;
    cp.wired = true;
    $("#cash-refresh").addEventListener("click", cashRefresh);
    $("#cash-date").addEventListener("change", (e) => {
      const v = e.target.value.trim() ? isoDay(e.target.value) : "";
      e.target.setAttribute("aria-invalid", String(v === null));
      if (v === null) return; // not a day: the box says so, the page stays on its day
      cp.date = !v || v === cp.today ? "" : v;
      cp.data = cp.papers = null;
      render();
      cashRefresh();
    });
    $("#day-check").addEventListener("click", () => {
      showError($("#day-error"), null);
      cp.refreshDay();
    });
    $("#day-close").addEventListener("click", () => {
      cp.confirming = true;
      renderDay();
      $("#day-confirm-yes").focus();
    });
    $("#day-confirm-no").addEventListener("click", () => {
      cp.confirming = false;
      renderDay();
      $("#day-close").focus();
    });
    $("#day-confirm-yes").addEventListener("click", closeDay);
    $("#reversal-filter").addEventListener("input", () => {
      cp.reversing = null;
      renderReversals();
    });
    $("#report-csv").addEventListener("click", () => download("csv"));
    $("#report-pdf").addEventListener("click", () => download("pdf"));
  }

  return { start: startCash, stop: stopCash, show: showCash, hide: hideCash, refresh: cashRefresh, event: cashEvent };
}
