// Words and small controls shared by the cashier's drawer panel (drawer.js) and the cash
// page of the head cashier and supervisor (cash.js). Their words are in cash-texts.js;
// server text goes in as textContent.
import { el, money } from "/static/qms.js";
import { STATUSES } from "/static/words.js";
import { msg, texts } from "/counters/common.js";

/** Whole đồng typed by a person: digits only ("5.000.000", "5 000 000"); null if none. */
export function parseAmount(raw) {
  const digits = String(raw || "").replace(/[^0-9]/g, "");
  return digits ? Number(digits) : null;
}

/** Echo what an amount box holds as money next to it, so 5000000 reads 5.000.000 đ. */
export function echoAmount(input, echo) {
  const show = () => {
    const n = parseAmount(input.value);
    echo.textContent = n === null ? "" : `= ${money(n)}`;
  };
  input.addEventListener("input", show);
  show();
  return show;
}

/** A difference as staff say it: over (thừa) or short (thiếu). */
export function differenceText(d) {
  if (d === null || d === undefined) return "";
  if (d === 0) return msg("difference_none");
  return d > 0 ? `${msg("over")} +${money(d)}` : `${msg("short")} −${money(-d)}`;
}

/** A difference as a signed amount: +20.000 đ over, −20.000 đ short. */
export function signedMoney(d) {
  if (!d) return money(0);
  return d > 0 ? `+${money(d)}` : `−${money(-d)}`;
}

// the badge colour of each status of a drawer and of a money movement; their words are
// "drawer.<status>" and "move.<status>" in cash-texts.js
const STATUS_COLOURS = {
  drawer: { none: "warn", open: "info", pending_approval: "warn", closed: "ok" },
  move: { hanging: "warn", mismatch: "bad", matched: "ok", cancelled: "" },
};

/** A status's words and colour; a status this page does not know shows as the server sent it. */
export function statusWords(kind, status) {
  const key = `${kind}.${status}`;
  return texts.has(key) ? [msg(key), STATUS_COLOURS[kind][status] || ""] : [status, ""];
}

/** kind: "drawer" or "move". */
export function badge(kind, status) {
  const [text, cls] = statusWords(kind, status);
  return el("span", { className: `badge ${cls}`.trim(), dataset: { status }, text });
}

// the reasons a cashier may give, in the order the list shows them ("reason.<code>")
export const RETURN_REASONS = ["not_enough_money", "fewer_periods", "customer_left", "paid_elsewhere", "other"];

export const reasonText = (code) => (texts.has(`reason.${code}`) ? msg(`reason.${code}`) : code);

/** The Vietnamese line of a refusal's blocker ("blocker.<code>"); the server's English
 * message follows it. A blocker this page has no words for: the hall's (words.js). */
function blockerVi(b, nameOf) {
  const key = `blocker.${b.code}`;
  if (!texts.has(key)) return STATUSES.blocker[b.code]?.vi || null;
  const m = b.movement || {};
  return texts.in("vi", key, {
    id: m.id,
    from: nameOf(m.from_cashier),
    to: nameOf(m.to_cashier),
    n:
      b.code === "reconciliation_open"
        ? b.open_items
        : (b.invoices || b.txn_ids || b.credits || b.bank_txns || []).length,
    ticket: b.ticket,
    cashier: nameOf(b.cashier),
  });
}

/** One blocker as a list item: data-code for tests and styles, Vietnamese then English. */
export function blockerItem(b, nameOf = (u) => u) {
  const vi = blockerVi(b, nameOf);
  return el(
    "li",
    { dataset: { code: b.code } },
    vi ? el("strong", { text: vi }) : null,
    vi ? " " : null,
    el("span", { className: vi ? "en" : "", text: b.message }),
  );
}

/** A reason select and a "return" button for one paper invoice; onReturn(paper, reason). */
export function returnControls(paper, onReturn, { disabled = false } = {}) {
  const select = el(
    "select",
    { className: "reason", "aria-label": msg("return_reason"), disabled },
    ...RETURN_REASONS.map((value) => el("option", { value, text: reasonText(value) })),
  );
  const button = el("button", {
    type: "button",
    className: "return",
    text: msg("return_paper"),
    disabled,
    on: {
      click: async () => {
        button.disabled = select.disabled = true;
        try {
          await onReturn(paper, select.value);
        } finally {
          if (button.isConnected) button.disabled = select.disabled = false;
        }
      },
    },
  });
  return el("span", { className: "return-controls" }, select, button);
}

/**
 * Coalesce a burst of calls into one run of ``fn``, ``ms`` after the first, and never two
 * runs at once: a call during a run queues one more. A busy hall cannot starve it.
 */
export function coalesce(fn, ms) {
  let timer = null;
  let running = false;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return;
    }
    if (timer) return;
    timer = setTimeout(async () => {
      timer = null;
      running = true;
      try {
        await fn();
      } finally {
        running = false;
        if (again) {
          again = false;
          run();
        }
      }
    }, ms);
  };
  run.cancel = () => {
    clearTimeout(timer);
    timer = null;
    again = false;
  };
  return run;
}
