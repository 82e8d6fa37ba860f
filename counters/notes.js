// Cash counted by note (bảng kê các loại tiền), as a Vietnamese cash desk counts: one box a
// note, 500.000 đ down to 1.000 đ (the server's cash.denominations), each line's amount,
// and the total echoed and written into the amount box beside it (the counted cash, the
// bank deposit), so what is declared is what was counted. The server checks it again:
// the notes must add up to the amount (count_mismatch) and be notes in use (unknown_note).
// One self-contained piece: drawer.js makes one for the close and one for the deposit.
import { $, el, money } from "/static/qms.js";
import { msg } from "/counters/common.js";

/** A count form in ``host`` (emptied) for these notes; it fills ``amount`` (an input)
 * with the total as boxes change. ``prefix`` names its boxes: #PREFIX-500000. */
export function noteCount(host, amount, prefix) {
  const state = { notes: [], boxes: new Map() };
  const total = () => {
    let sum = 0;
    for (const [note, box] of state.boxes) sum += note * (countOf(box) || 0);
    return sum;
  };

  function show() {
    if (!state.boxes.size) return; // no notes drawn yet
    let any = false;
    for (const [note, box] of state.boxes) {
      const n = countOf(box);
      any ||= n !== null;
      $(`#${prefix}-${note}-amount`, host).textContent = n ? money(note * n) : "";
    }
    const sum = total();
    const echo = $(`#${prefix}-total`, host);
    echo.textContent = any ? `= ${money(sum)}` : "";
    echo.dataset.amount = any ? String(sum) : "";
    if (any) {
      amount.value = String(sum);
      amount.dispatchEvent(new Event("input")); // its own echo follows
    }
  }

  /** Draw the boxes for ``notes`` (largest first); kept as they are when the list is the same. */
  function setNotes(notes) {
    const list = [...(notes || [])].sort((a, b) => b - a);
    if (list.join() === state.notes.join()) return;
    state.notes = list;
    state.boxes.clear();
    const rows = list.map((note) => {
      const box = el("input", {
        id: `${prefix}-${note}`,
        className: "count",
        inputmode: "numeric",
        autocomplete: "off",
        on: { input: show },
      });
      box.dataset.note = String(note);
      state.boxes.set(note, box);
      return el(
        "tr",
        { dataset: { note: String(note) } },
        el("th", { className: "money", text: money(note) }),
        el("td", { className: "times", text: "×" }),
        el("td", {}, box),
        el("td", { id: `${prefix}-${note}-amount`, className: "money" }),
      );
    });
    host.replaceChildren(
      el(
        "table",
        { className: "notes" },
        el(
          "caption",
          {},
          el("strong", { text: msg("notes_title") }),
          el("div", { className: "muted", text: msg("notes_hint") }),
        ),
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            el("th", { text: msg("notes_note") }),
            el("th", {}),
            el("th", { text: msg("notes_count") }),
            el("th", { text: msg("notes_amount") }),
          ),
        ),
        el("tbody", {}, ...rows),
        el(
          "tfoot",
          {},
          el(
            "tr",
            {},
            el("th", { colSpan: 3, text: msg("notes_total") }),
            el("td", { id: `${prefix}-total`, className: "money total" }),
          ),
        ),
      ),
    );
    show();
  }

  /** What the server takes: {"500000": 3, ...} for the notes typed, or null if none was. */
  function value() {
    const out = {};
    let any = false;
    for (const [note, box] of state.boxes) {
      const n = countOf(box);
      if (n !== null) {
        out[String(note)] = n;
        any = true;
      }
    }
    return any ? out : null;
  }

  function reset() {
    for (const box of state.boxes.values()) box.value = "";
    show();
  }

  return { setNotes, value, reset, total };
}

/** A drawer's counted cash as a cell of the cash section's table, its count by note (if
 * it was counted so) as the cell's title and data-notes: "500.000 đ × 3, …". */
export function countedTd(d) {
  const notes = (d.counted_notes || []).filter((n) => n.count);
  const title = notes.map((n) => `${money(n.note)} × ${n.count}`).join(", ");
  return el("td", {
    className: "money counted",
    title: title ? `${msg("notes_title")}: ${title}` : undefined,
    dataset: { notes: title },
    text: d.counted === null || d.counted === undefined ? "—" : money(d.counted),
  });
}

/** How many notes a box says: a whole number, or null when it is empty. */
function countOf(box) {
  const digits = String(box.value || "").replace(/[^0-9]/g, "");
  return digits ? Number(digits) : null;
}
