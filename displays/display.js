// Hall display: the number each cashier counter is serving, and the latest calls.
// The display view never carries names, codes or amounts. A priority customer's call
// (docs/priority.md) is marked beside the number, never over it.
import { $, el, timeOf, HallSocket, HallState, showConnection, deviceToken } from "/static/qms.js";
import { BOTH, Catalogue } from "/static/i18n.js";
import { Announcer } from "/displays/announcer.js";
import { DISPLAY_TEXTS } from "/displays/texts.js";

const TOKEN_KEY = "qms.display.token";
const RECENT = 7;
const FLASH_MS = 10000;
const CALL_EVENTS = new Set(["ticket.called", "ticket.recalled", "ticket.transferred"]);

const token = deviceToken(TOKEN_KEY);
const state = new HallState();
let serving = {}; // counter code -> ticket number
let recent = []; // [{number, counter: {code, name}, at, event, recalls}]
const flashUntil = new Map(); // key -> time: numbers to highlight
let announcer = null;
const texts = new Catalogue(DISPLAY_TEXTS, { lang: BOTH });

/** The priority kind of a ticket the display knows (null: a normal ticket, or unknown). */
function priorityOf(number) {
  return state.tickets.get(number)?.priority || null;
}

/** The "Ưu tiên / Priority" badge of a priority ticket, or nothing. */
function priorityBadge(kind) {
  return kind ? el("span", { className: "prio", dataset: { kind }, text: texts.t("priority") }) : null;
}

// ----------------------------------------------------------------------------------

function counterName(code) {
  const c = state.counter(code);
  return c ? c.name : code;
}

function applyServing(t) {
  if (!t || t.number == null) return;
  for (const code of Object.keys(serving)) {
    if (serving[code] === t.number) serving[code] = null;
  }
  if (t.status === "serving" && t.counter) serving[t.counter.code] = t.number;
}

function pushRecent(t, event, at) {
  if (!t.counter) return;
  recent = recent.filter((r) => r.number !== t.number);
  recent.unshift({
    number: t.number,
    counter: t.counter,
    at,
    event,
    recalls: t.recalls || 0,
    priority: t.priority || null,
  });
  recent = recent.slice(0, 20);
}

function flash(key) {
  flashUntil.set(key, Date.now() + FLASH_MS);
  setTimeout(render, FLASH_MS + 50);
}

function isFlashing(key) {
  const until = flashUntil.get(key);
  if (!until) return false;
  if (until < Date.now()) {
    flashUntil.delete(key);
    return false;
  }
  return true;
}

// ----------------------------------------------------------------------------------

function render() {
  const cashiers = state.counters.filter((c) => c.kind === "cashier");
  $("#counters").replaceChildren(
    ...cashiers.map((c) => {
      const n = serving[c.code];
      const kind = n != null ? priorityOf(n) : null;
      return el(
        "div",
        {
          className: `tile${n != null ? " busy" : ""}${n != null && isFlashing(`${c.code}:${n}`) ? " flash" : ""}${kind ? " priority" : ""}`,
          dataset: { counter: c.code, ticket: n != null ? n : "", priority: kind || "" },
        },
        priorityBadge(kind),
        el("div", { className: "name", text: c.name }),
        el("div", { className: "number num", id: `counter-${c.code}`, text: n != null ? n : "—" }),
      );
    }),
  );

  const last = recent[0];
  const banner = $("#last-call");
  if (last) {
    banner.hidden = false;
    banner.dataset.ticket = String(last.number);
    banner.classList.toggle("flash", isFlashing(`${last.counter.code}:${last.number}`));
    $("#last-call-number").textContent = String(last.number);
    $("#last-call-counter").textContent = last.counter.name || counterName(last.counter.code);
    banner.dataset.priority = last.priority || "";
    banner.classList.toggle("priority", Boolean(last.priority));
    $("#last-call-priority").hidden = !last.priority;
  } else {
    banner.hidden = true;
  }

  $("#recent").replaceChildren(
    ...recent.slice(0, RECENT).map((r) =>
      el(
        "li",
        {
          dataset: { ticket: r.number, counter: r.counter.code, event: r.event || "", priority: r.priority || "" },
          className:
            `${isFlashing(`${r.counter.code}:${r.number}`) ? "flash" : ""}${r.priority ? " priority" : ""}`.trim(),
        },
        el("span", { className: "n num", text: r.number }),
        el("span", { className: "arrow", text: "→" }),
        el("span", { className: "c" }, r.counter.name || counterName(r.counter.code), " ", priorityBadge(r.priority)),
        el("span", { className: "t num", text: timeOf(r.at) }),
      ),
    ),
  );
}

// ----------------------------------------------------------------------------------
// sound: calls read aloud from the server's clips (announcer.js). Test hooks:
// body[data-audio] = on | blocked | off, body[data-announced] = calls fully played,
// window.qmsAnnouncer.log = every clip played.

function setupSound() {
  const a = new Announcer({
    onState: (s) => {
      document.body.dataset.audio = s;
      $("#sound").hidden = s !== "blocked"; // autoplay policy: needs one touch
    },
    onAnnounced: (n) => (document.body.dataset.announced = String(n)),
  });
  window.qmsAnnouncer = a;
  document.body.dataset.audio = "off";
  document.body.dataset.announced = "0";
  const unlock = () => a.unlock();
  $("#sound").addEventListener("click", unlock);
  document.addEventListener("keydown", unlock);
  document.addEventListener("pointerdown", unlock);
  return a.start();
}

function speak(evt, t) {
  // a transfer to a busy counter parks the ticket there: nobody is asked to come yet
  if (evt.event === "ticket.transferred" && t.status !== "serving") return;
  try {
    announcer.announce({
      ticket: t.number,
      counter: t.counter.code,
      branch: state.branch?.id,
      at: evt.at,
      event: evt.event,
    });
  } catch {
    /* a silent board is still a board */
  }
}

// ----------------------------------------------------------------------------------

function onSnapshot(data) {
  state.snapshot(data);
  serving = {};
  for (const c of state.counters) if (c.serving != null) serving[c.code] = c.serving;
  recent = state
    .list((t) => t.called_at && t.counter)
    .sort((a, b) => String(b.called_at).localeCompare(String(a.called_at)))
    .map((t) => ({
      number: t.number,
      counter: t.counter,
      at: t.called_at,
      event: "",
      recalls: t.recalls,
      priority: t.priority || null,
    }));
  render();
}

function onEvent(evt) {
  const t = state.event(evt);
  if (!t) return;
  applyServing(t);
  if (CALL_EVENTS.has(evt.event) && t.counter) {
    pushRecent(t, evt.event, evt.at || t.called_at);
    flash(`${t.counter.code}:${t.number}`);
    speak(evt, t);
  }
  render();
}

function tick() {
  $("#clock").textContent = timeOf(new Date());
}

function main() {
  texts.apply();
  tick();
  setInterval(tick, 10000);
  showConnection(false);
  if (!token) {
    $("#device-missing").hidden = false;
    $("#board").hidden = true;
    return;
  }
  announcer = setupSound();
  new HallSocket({
    token,
    view: "display",
    onStatus: showConnection,
    onSnapshot: (data) => {
      if (data.branch?.name) $("#branch-name").textContent = data.branch.name;
      onSnapshot(data);
      announcer.refresh(); // after a server restart the counters may have new clips
    },
    onEvent,
    onUnauthenticated: () => {
      showConnection(false);
      $("#device-missing").hidden = false;
      $("#board").hidden = true;
    },
  }).start();
}

main();
