// What must not be forgotten, on the field board (counters/field.html): every open
// reconnection with its time left counting down (red once overdue), and each supply
// change CMIS refused, in words, with the invoices it still wants and "send again".
import { $, el, money } from "/static/qms.js";
import { date, dateTime } from "/static/format.js";
import { act, LIVE, msg, notice, statusCell, texts } from "/counters/field-common.js";

/** The panels over the board's shared state (ctx: st, post, refresh, allOrders) and the
 * list's row parts (a reconnection is ticked and assigned like any order). */
export function reconnectPanel(ctx, list) {
  const { st, post, refresh } = ctx;
  const { pickBox, slipCell } = list;

  /** Seconds as hh:mm, whole minutes. */
  function hm(seconds) {
    const minutes = Math.floor(Math.abs(seconds) / 60);
    const pad = (n) => String(n).padStart(2, "0");
    return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  }

  function reconnectionRow(o, now) {
    const left = o.deadline ? Math.floor((Date.parse(o.deadline) - now) / 1000) : 0;
    const late = LIVE.has(o.status) && left < 0;
    return el(
      "tr",
      {
        className: late ? "overdue" : "",
        dataset: {
          order: o.id,
          status: o.status,
          crew: o.crew || "",
          customer: o.customer_code,
          overdue: String(late),
        },
      },
      pickBox(o, "pick_order"),
      el(
        "td",
        { className: "customer" },
        el("span", { className: "num", text: o.customer_code }),
        el("div", { text: o.customer_name }),
      ),
      el("td", { className: "address", text: o.address }),
      el("td", { className: "crew num", text: o.crew || msg("not_assigned") }),
      el("td", { className: "num", text: dateTime(o.paid_at) }),
      el("td", { className: "num deadline", dataset: { deadline: o.deadline || "" }, text: dateTime(o.deadline) }),
      el("td", {
        className: `num left ${late ? "late" : ""}`.trim(),
        dataset: { seconds: left },
        text: LIVE.has(o.status) ? msg(late ? "overdue_by" : "left", { hm: hm(left) }) : "",
      }),
      statusCell(o),
      slipCell(o),
    );
  }

  function renderReconnections() {
    if (!st.data) return;
    const list = st.data.reconnections || [];
    const now = Date.now() + st.skew;
    $("#reconnections tbody").replaceChildren(
      ...(list.length
        ? list.map((o) => reconnectionRow(o, now))
        : [el("tr", { className: "empty" }, el("td", { colSpan: 9, text: msg("no_reconnections") }))]),
    );
  }

  function cmisWhy(code) {
    const key = `supply_error.${code}`;
    return texts.has(key) ? msg(key) : msg("supply_error_other", { code });
  }

  function refusalRow(c, orders) {
    const o = orders.get(c.order_id);
    const invoices = o?.cmis_error?.invoices || [];
    return el(
      "tr",
      { dataset: { change: c.id, order: c.order_id, code: c.error_code || "", customer: c.customer_code } },
      el(
        "td",
        { className: "customer" },
        el("span", { className: "num", text: c.customer_code }),
        el("div", { text: o?.customer_name || c.customer_name || "" }),
      ),
      el("td", { text: `${msg(`supply.${c.supply}`)} · ${dateTime(c.at)}` }),
      el("td", { className: "why", text: cmisWhy(c.error_code) }),
      el(
        "td",
        { className: "invoices" },
        el(
          "ul",
          { className: "plain" },
          ...invoices.map((i) =>
            el("li", {
              dataset: { invoice: i.invoice_id ?? "" },
              text: msg("invoice_line", { period: i.period, amount: money(i.total), due: date(i.due) }),
            }),
          ),
        ),
      ),
      el(
        "td",
        { className: "manage" },
        el("button", { type: "button", className: "retry", text: msg("retry"), on: { click: () => retry(c.id) } }),
      ),
    );
  }

  function renderRefusals() {
    const refused = (st.data.supply_changes || []).filter((c) => c.status === "refused");
    const orders = new Map(ctx.allOrders().map((o) => [o.id, o]));
    $("#refusals tbody").replaceChildren(
      ...(refused.length
        ? refused.map((c) => refusalRow(c, orders))
        : [el("tr", { className: "empty" }, el("td", { colSpan: 5, text: msg("no_refusals") }))]),
    );
  }

  async function retry(id) {
    const out = await act($("#fb-error"), () => post(`/api/field/supply/${id}/retry`));
    if (out) notice(msg("retry_sent", { id }));
    refresh();
  }

  return { render: renderReconnections, renderRefusals };
}
