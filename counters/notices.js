// The supervisor's messages section: the day's "your turn is near" messages to customers'
// phones (GET /api/notices, docs/notify.md): how many are queued, sent, failed, dropped,
// and the failed ones with the gateway's reason. Reloaded when a message event comes.
import { $, el, showError, timeOf } from "/static/qms.js";
import { msg } from "/counters/common.js";

const STATUSES = ["queued", "sent", "failed", "dropped"];
const EVENTS = new Set(["notice.queued", "notice.sent", "notice.failed", "notice.withdrawn"]);

/** The section over the shell's ``call``; start/stop with the supervisor view. */
export function noticesPanel(ctx) {
  const st = { on: false, loading: false, again: false };

  function render(data) {
    $("#nt-counts").replaceChildren(
      ...STATUSES.map((s) =>
        el(
          "span",
          { className: "stat", dataset: { status: s } },
          el("strong", { className: "num", text: data.counts[s] ?? 0 }),
          ` ${msg(`message.${s}`)}`,
        ),
      ),
    );
    const failed = data.messages.filter((m) => m.status === "failed");
    $("#nt-failed tbody").replaceChildren(
      ...(failed.length
        ? failed.map((m) =>
            el(
              "tr",
              { dataset: { number: m.number, kind: m.kind } },
              el("td", { className: "num", text: m.number ?? "" }),
              el("td", { text: msg(`message_kind.${m.kind}`) }),
              el("td", { text: m.channel === "zalo" ? "Zalo" : "SMS" }),
              el("td", { className: "num", text: m.phone || msg("nt_erased") }),
              el("td", { className: "num", text: m.attempts }),
              el("td", { text: m.last_error || "" }),
              el("td", { className: "num", text: timeOf(m.created_at) }),
            ),
          )
        : [el("tr", { className: "empty" }, el("td", { colSpan: 7, text: msg("none") }))]),
    );
  }

  /** One load at a time; events during it ask for one more after. */
  async function load() {
    if (!st.on) return;
    if (st.loading) {
      st.again = true;
      return;
    }
    st.loading = true;
    try {
      render(await ctx.call("/api/notices"));
      showError($("#nt-error"), null);
    } catch (err) {
      showError($("#nt-error"), err);
    } finally {
      st.loading = false;
      if (st.again) {
        st.again = false;
        load();
      }
    }
  }

  return {
    start() {
      st.on = true;
      load();
    },
    stop() {
      st.on = false;
    },
    onEvent(evt) {
      if (EVENTS.has(evt.event)) load();
    },
  };
}
