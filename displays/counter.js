// The customer display at a cashier counter (counter.html?counter=C1): the number served
// here; the VietQR its cashier just asked for (F9), large, for the customer's bank app;
// "paid" when the bank's credit comes. It follows the display view, which carries a QR's
// reference only (qr.shown), never its amount: the QR is fetched by its reference with
// the display's token (GET /api/qr/{ref}). docs/displays.md.
import { $, api, svgSource, timeOf, HallSocket, HallState, showConnection, deviceToken, money } from "/static/qms.js";
import { BOTH, Catalogue } from "/static/i18n.js";
import { DISPLAY_TEXTS } from "/displays/texts.js";

const TOKEN_KEY = "qms.counter-display.token";
const PAID_MS = 20000; // "paid" stays up this long, or until the next call
const CALLS = new Set(["ticket.called", "ticket.recalled", "ticket.transferred"]);

const token = deviceToken(TOKEN_KEY);
const counter = (new URLSearchParams(location.search).get("counter") || "").toUpperCase();
const state = new HallState();
const face = { mode: "idle", qr: null, paidTicket: null, serving: null, paidTimer: null, asked: null };

function setMode(mode) {
  face.mode = mode;
  document.body.dataset.mode = mode;
  $("#idle").hidden = mode !== "idle";
  $("#qr").hidden = mode !== "qr";
  $("#paid").hidden = mode !== "paid";
}

function render() {
  $("#serving-number").textContent = face.serving != null ? String(face.serving) : "—";
  $("#idle").dataset.ticket = face.serving != null ? String(face.serving) : "";
  // a priority customer's ticket is marked under its number (docs/priority.md)
  const kind = face.serving != null ? state.tickets.get(face.serving)?.priority : null;
  $("#serving-priority").hidden = !kind;
  $("#idle").dataset.priority = kind || "";
  const box = $("#qr");
  const q = face.qr;
  box.dataset.ref = q ? q.ref : "";
  box.dataset.ticket = q ? String(q.ticket) : "";
  if (q) {
    const img = $("#qr-image");
    if (img.dataset.ref !== q.ref) {
      img.src = svgSource(q.svg);
      img.dataset.ref = q.ref;
    }
    $("#qr-amount").textContent = money(q.amount);
    $("#qr-account").textContent = q.account_name;
    $("#qr-ref").textContent = q.ref;
  }
  $("#paid").dataset.ticket = face.paidTicket != null ? String(face.paidTicket) : "";
}

function idle() {
  clearTimeout(face.paidTimer);
  face.qr = null;
  face.paidTicket = null;
  setMode("idle");
  render();
}

/** The cashier asked for a QR here: fetch it by its reference (the socket carries no amount). */
async function showQr(ref, ticket) {
  face.asked = ref;
  try {
    const q = await api(`/api/qr/${encodeURIComponent(ref)}`, { token });
    if (face.asked !== ref) return; // a newer QR was asked for meanwhile
    clearTimeout(face.paidTimer);
    face.qr = { ...q, ticket };
    setMode("qr");
    render();
  } catch {
    /* not shown: the cashier's screen shows it anyway */
  }
}

function paid(ticket) {
  face.asked = null;
  face.qr = null;
  face.paidTicket = ticket;
  setMode("paid");
  render();
  clearTimeout(face.paidTimer);
  face.paidTimer = setTimeout(idle, PAID_MS);
}

function servingHere() {
  const c = state.counter(counter);
  return c ? c.serving : null;
}

function onSnapshot(data) {
  state.snapshot(data);
  if (data.branch?.name) $("#branch-name").textContent = data.branch.name;
  const c = state.counter(counter);
  $("#counter-name").textContent = c ? c.name : counter;
  face.serving = servingHere();
  if (face.mode !== "paid") idle();
  else render();
}

function onEvent(evt) {
  const d = evt.data || {};
  if (evt.event === "qr.shown") {
    if (d.counter === counter && d.ref) showQr(d.ref, d.number);
    return;
  }
  const t = state.event(evt);
  if (evt.event === "payment.collected" && d.counter === counter && d.method === "vietqr") {
    if (t && t.status !== "serving" && face.serving === t.number) face.serving = null;
    paid(t ? t.number : null);
    return;
  }
  if (!t) return;
  if (t.status === "serving" && t.counter?.code === counter) {
    face.serving = t.number;
    if (CALLS.has(evt.event) && face.qr && face.qr.ticket !== t.number) idle(); // the next customer
  } else if (face.serving === t.number) {
    face.serving = null;
    if (face.qr && face.qr.ticket === t.number) idle(); // finished or paid in cash: the QR goes
  }
  render();
}

function tick() {
  $("#clock").textContent = timeOf(new Date());
}

function main() {
  new Catalogue(DISPLAY_TEXTS, { lang: BOTH }).apply();
  tick();
  setInterval(tick, 10000);
  showConnection(false);
  $("#face").dataset.counter = counter;
  if (!token || !/^[A-Z][A-Z0-9]{0,7}$/.test(counter)) {
    $("#device-missing").hidden = false;
    $("#face").hidden = true;
    return;
  }
  setMode("idle");
  new HallSocket({
    token,
    view: "display",
    onStatus: showConnection,
    onSnapshot,
    onEvent,
    onUnauthenticated: () => {
      showConnection(false);
      $("#device-missing").hidden = false;
      $("#face").hidden = true;
    },
  }).start();
}

main();
