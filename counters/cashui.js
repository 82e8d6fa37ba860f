// Words and small controls shared by the cashier's drawer panel (drawer.js) and the cash
// page of the head cashier and supervisor (cash.js). Server text goes in as textContent.
import { el, money } from "/static/qms.js";

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
  if (d === 0) return "Khớp / None";
  return d > 0 ? `Thừa / Over +${money(d)}` : `Thiếu / Short −${money(-d)}`;
}

/** A difference as a signed amount: +20.000 đ over, −20.000 đ short. */
export function signedMoney(d) {
  if (!d) return money(0);
  return d > 0 ? `+${money(d)}` : `−${money(-d)}`;
}

export const DRAWER_STATUS = {
  none: ["Chưa mở / Not open", "warn"],
  open: ["Đang mở / Open", "info"],
  pending_approval: ["Chờ duyệt chênh lệch / Awaiting approval", "warn"],
  closed: ["Đã đóng / Closed", "ok"],
};

export const MOVE_STATUS = {
  hanging: ["Đang treo / Hanging", "warn"],
  mismatch: ["Lệch số tiền / Mismatch", "bad"],
  matched: ["Đã khớp / Matched", "ok"],
  cancelled: ["Đã huỷ / Cancelled", ""],
};

export function badge(table, status) {
  const [text, cls] = table[status] || [status, ""];
  return el("span", { className: `badge ${cls}`.trim(), dataset: { status }, text });
}

export const RETURN_REASONS = [
  ["not_enough_money", "Khách không đủ tiền / Not enough money"],
  ["fewer_periods", "Khách trả ít kỳ hơn / Paid fewer periods"],
  ["customer_left", "Khách bỏ về / Customer left"],
  ["paid_elsewhere", "Đã trả nơi khác / Paid elsewhere"],
  ["other", "Lý do khác / Other"],
];

export const reasonText = (code) => (RETURN_REASONS.find(([c]) => c === code) || [code, code])[1];

/** The Vietnamese line of a refusal's blocker; the server's English message follows it. */
function blockerVi(b, nameOf) {
  const m = b.movement;
  switch (b.code) {
    case "movement_hanging":
      return `Chuyển tiền #${m.id} ${nameOf(m.from_cashier)} → ${nameOf(m.to_cashier)} còn treo: thiếu khai báo một bên`;
    case "movement_mismatch":
      return `Chuyển tiền #${m.id} ${nameOf(m.from_cashier)} → ${nameOf(m.to_cashier)}: hai bên khai số tiền khác nhau`;
    case "invoices_not_returned":
      return `${(b.invoices || []).length} hoá đơn giấy chưa thu, chưa trả lại`;
    case "ticket_held":
      return `Vé ${b.ticket} chưa kết thúc hoặc chưa chuyển quầy`;
    case "drawer_open":
      return `Két của ${nameOf(b.cashier)} còn mở`;
    case "drawer_pending_approval":
      return `Két của ${nameOf(b.cashier)} chờ giám sát duyệt chênh lệch`;
    case "payments_unconfirmed":
      return `${(b.txn_ids || []).length} khoản thu chưa được CMIS xác nhận`;
    case "reconciliation_open":
      return `Đối soát với CMIS còn ${b.open_items} mục chưa khớp`;
    default:
      return null;
  }
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
    { className: "reason", "aria-label": "Lý do trả / Reason", disabled },
    ...RETURN_REASONS.map(([value, text]) => el("option", { value, text })),
  );
  const button = el("button", {
    type: "button",
    className: "return",
    text: "Trả lại / Return",
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
