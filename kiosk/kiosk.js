// Kiosk: customers type or scan their code(s) and take a numbered ticket, then scan its
// QR code to follow their turn on a phone. Vietnamese first; English on request.
import {
  $,
  $$,
  api,
  el,
  money,
  HallSocket,
  showConnection,
  showError,
  deviceToken,
  normaliseCode,
  timeOf,
  CUSTOMER_CODE,
} from "/static/qms.js";
import { Catalogue } from "/static/i18n.js";
import { KIOSK_TEXTS, MAX_CUSTOMERS } from "/kiosk/texts.js";

const TOKEN_KEY = "qms.kiosk.token";
const LANG_KEY = "qms.kiosk.lang";
const RESULT_SECONDS = 30; // time to read the number and scan the QR code
const IDLE_SECONDS = 90;

const lang = new Catalogue(KIOSK_TEXTS, { storageKey: LANG_KEY });
const token = deviceToken(TOKEN_KEY);
const basket = []; // [{code, name, invoices, total}]
let busy = false;
let countdownTimer = null;
let idleTimer = null;
let lastError = null; // shown again in the other language on a toggle
let shownTicket = null;
let dayClosed = false; // the business day is closed: no code entry, a notice instead
let hallClosed = false; // outside the hall's business hours (GET /api/hall): the same
const HALL_CHECK_MS = 60000; // the hours pass by themselves: the hall opens without an event
// what the hall offers (the snapshot's branch): the priority buttons, a phone for messages
const offers = { priority: false, notify: false };
let priority = null; // the kind chosen on this ticket, or null
let channel = "sms";
let typing = null; // the field the on-screen keypad types into (#code or #phone)
let notifyOpen = false; // the phone number's fields, opened by a touch (they take room)

const input = $("#code");
const phone = $("#phone");
const errorBox = $("#error");

/** In the kiosk's language: its own words, else the hall's for the code (i18n.js). */
function explain(err) {
  return lang.explainText(err);
}

/** The day closed (snapshot, the day.closed event, or a refusal): say so, in both
 * languages, instead of asking for a code; a new day's snapshot brings the entry back. */
function showClosed(closed) {
  dayClosed = closed;
  document.body.dataset.day = closed ? "closed" : "open";
  $("#day-closed").hidden = !closed;
  $("#hall-closed").hidden = !hallClosed || closed; // the day's notice says more
  renderStart();
}

/** The code entry shows unless the day or the hall is closed (or a ticket is on show). */
function renderStart() {
  if (dayClosed || hallClosed) $("#start-view").hidden = true;
  else if ($("#result-view").hidden) $("#start-view").hidden = false;
}

/** Outside business hours: "the hall is closed", with its hours, both languages; no
 * ticket buttons. The day's close (above) says more and takes precedence. */
function showHallClosed(closed, hours) {
  hallClosed = closed;
  document.body.dataset.hall = closed ? "closed" : "open";
  $("#hall-closed").hidden = !closed || dayClosed;
  if (hours) {
    $("#hall-hours-vi").textContent = lang.in("vi", "hall_hours", hours);
    $("#hall-hours-en").textContent = lang.in("en", "hall_hours", hours);
  }
  $("#hall-hours-vi").hidden = !hours;
  $("#hall-hours-en").hidden = !hours;
  renderStart();
}

/** Whether the hall serves now: at start, on hall.changed, after a reconnection, each
 * minute (the hours pass by themselves) and after a hall_closed refusal. */
async function checkHall() {
  try {
    const h = await api("/api/hall", { token });
    if (h.name) $("#branch-name").textContent = h.name;
    showHallClosed(!h.open, h.hours);
  } catch {
    /* offline: the socket's banner says so; the next check tries again */
  }
}

function fail(err) {
  if (err && err.code === "day_closed") showClosed(true);
  if (err && err.code === "hall_closed") {
    showHallClosed(true, null);
    checkHall(); // the hours to show with it
  }
  lastError = err;
  showError(errorBox, { code: err.code, message: explain(err) });
}

function clearError() {
  lastError = null;
  showError(errorBox, null);
}

function setBusy(on) {
  busy = on;
  document.body.classList.toggle("busy", on);
  renderBasket();
}

function periodsText(periods, withCount) {
  const list = periods.join(", ");
  return withCount ? lang.t("periods_count", { n: periods.length, list }) : lang.t("periods", { list });
}

function renderBasket() {
  const list = $("#customers");
  list.replaceChildren(
    ...basket.map((c) =>
      el(
        "li",
        { dataset: { code: c.code }, className: c.bad ? "bad" : "" },
        el(
          "div",
          { className: "who" },
          el("div", { className: "name", text: c.name }),
          el("div", { className: "code num muted", text: c.code }),
          el("div", {
            className: "periods muted",
            text: periodsText(
              c.invoices.map((i) => i.period),
              true,
            ),
          }),
        ),
        el("div", { className: "money", text: money(c.total) }),
        el("button", {
          type: "button",
          className: "remove",
          title: lang.t("remove"),
          "aria-label": lang.t("remove_code", { code: c.code }),
          text: "✕",
          disabled: busy,
          on: { click: () => removeCustomer(c.code) },
        }),
      ),
    ),
  );
  $("#basket").hidden = basket.length === 0;
  $("#basket-total").textContent = money(basket.reduce((s, c) => s + c.total, 0));
  $("#take-ticket").disabled = busy || basket.length === 0;
  $("#add-customer").disabled = busy;
  renderOptions();
}

/** The priority buttons and the phone for messages, once a customer is in the basket and
 * when the hall offers them: the first screen stays the code and its keypad. */
function renderOptions() {
  const some = basket.length > 0;
  document.body.dataset.basket = some ? "some" : "";
  $("#priority-box").hidden = !(some && offers.priority);
  $("#notify-box").hidden = !(some && offers.notify);
  $("#notify-fields").hidden = !notifyOpen;
  $("#notify-open").setAttribute("aria-expanded", String(notifyOpen));
  document.body.dataset.priority = priority || "";
  for (const b of $$("#priority-kinds [data-kind]")) {
    b.setAttribute("aria-pressed", String(b.dataset.kind === priority));
    b.disabled = busy;
  }
  for (const b of $$("#channels [data-channel]")) b.setAttribute("aria-pressed", String(b.dataset.channel === channel));
}

/** A kind pressed again is unpressed: no priority. */
function choosePriority(kind) {
  priority = priority === kind ? null : kind;
  renderOptions();
}

/** What the ticket asks for besides its customers: the priority kind and the phone for
 * messages with its consent (the server checks the number and the consent: its refusals
 * show in words). Only what the hall offers is sent. */
function extras() {
  const out = {};
  if (offers.priority && priority) out.priority = priority;
  const number = phone.value.trim();
  if (offers.notify && notifyOpen && number) {
    out.phone = number;
    out.channel = channel;
    out.consent = $("#consent").checked;
  }
  return out;
}

function removeCustomer(code) {
  const i = basket.findIndex((c) => c.code === code);
  if (i >= 0) basket.splice(i, 1);
  clearError();
  renderBasket();
  input.focus();
}

async function addCustomer() {
  if (busy) return;
  const code = normaliseCode(input.value);
  if (!code) return;
  clearError();
  if (!CUSTOMER_CODE.test(code)) {
    fail({ code: "invalid_customer_code" });
    input.select();
    return;
  }
  if (basket.some((c) => c.code === code)) {
    fail({ code: "duplicate", details: { customer: code } });
    input.value = "";
    return;
  }
  if (basket.length >= MAX_CUSTOMERS) {
    fail({ code: "too_many_customers" });
    return;
  }
  setBusy(true);
  try {
    // for=ticket: a customer already on a live ticket is refused now, by the rule
    const c = await api(`/api/customers/${encodeURIComponent(code)}?for=ticket`, { token });
    if (!c.invoices || c.invoices.length === 0) {
      fail({ code: "no_debt", details: { customers: [c.code] } });
    } else {
      basket.push({ code: c.code, name: c.name, invoices: c.invoices, total: c.total });
      input.value = "";
    }
  } catch (err) {
    fail(err);
    input.select();
  } finally {
    setBusy(false);
    input.focus();
  }
}

async function takeTicket() {
  if (busy || basket.length === 0) return;
  clearError();
  for (const c of basket) c.bad = false;
  setBusy(true);
  try {
    const t = await api("/api/tickets", {
      method: "POST",
      token,
      body: { customers: basket.map((c) => c.code), ...extras() },
    });
    showResult(t);
  } catch (err) {
    const bad = (err.details && (err.details.customers || [err.details.customer])) || [];
    for (const c of basket) c.bad = bad.includes(c.code);
    fail(err);
    if (err.code === "invalid_phone") phone.select();
  } finally {
    setBusy(false);
  }
}

function renderTicketCustomers() {
  const t = shownTicket;
  if (!t) return;
  $("#ticket-customers").replaceChildren(
    ...t.customers.map((c) =>
      el(
        "li",
        { dataset: { code: c.code } },
        el(
          "div",
          { className: "who" },
          el("div", { className: "name", text: c.name }),
          el("div", { className: "code num muted", text: c.code }),
          el("div", { className: "periods muted", text: periodsText(c.periods, false) }),
        ),
        el("div", { className: "money", text: money(c.total) }),
      ),
    ),
  );
}

/** The QR code opens the public follow page of this ticket (same host as this page). */
function showFollow(t) {
  const box = $("#ticket-follow");
  const img = $("#ticket-qr");
  if (!t.follow_token) {
    box.hidden = true;
    img.removeAttribute("src");
    return;
  }
  const path = `/t/${encodeURIComponent(t.follow_token)}`;
  img.dataset.url = `${location.origin}${path}`;
  img.src = `${path}/qr.svg`;
  box.hidden = false;
}

/** The ticket's own VietQR (when the hall prints one): pay from a bank app while waiting.
 * Drawn by the server for the ticket's follow token, as the follow link's QR is. */
function showPay(t) {
  const box = $("#ticket-pay");
  const img = $("#ticket-pay-qr");
  if (!t.qr || !t.follow_token) {
    box.hidden = true;
    box.dataset.ref = "";
    img.removeAttribute("src");
    return;
  }
  img.src = `/t/${encodeURIComponent(t.follow_token)}/pay.svg`;
  box.dataset.ref = t.qr.ref;
  $("#ticket-pay-amount").textContent = money(t.qr.amount);
  box.hidden = false;
}

/** The ticket's priority mark and where its messages go (the number masked by the server). */
function renderTicketExtras() {
  const t = shownTicket;
  const mark = $("#ticket-priority");
  mark.hidden = !t?.priority;
  mark.dataset.kind = t?.priority || "";
  mark.textContent = t?.priority ? lang.t("ticket_priority", { kind: lang.t(`kind_${t.priority}`) }) : "";
  const line = $("#ticket-notify");
  line.hidden = !t?.notify;
  line.textContent = t?.notify
    ? lang.t("messages_to", { phone: t.notify.phone, channel: t.notify.channel === "zalo" ? "Zalo" : "SMS" })
    : "";
}

function showResult(t) {
  shownTicket = t;
  $("#ticket-number").textContent = String(t.number);
  renderTicketCustomers();
  renderTicketExtras();
  $("#ticket-total").textContent = money(t.total_due);
  $("#debts-pending").hidden = !t.debts_pending;
  showFollow(t);
  showPay(t);
  $("#start-view").hidden = true;
  $("#result-view").hidden = false;
  document.body.dataset.screen = "result";
  let left = RESULT_SECONDS;
  $("#countdown").textContent = String(left);
  clearInterval(countdownTimer);
  countdownTimer = setInterval(() => {
    left -= 1;
    $("#countdown").textContent = String(Math.max(left, 0));
    if (left <= 0) reset();
  }, 1000);
  $("#done").focus();
}

function reset() {
  clearInterval(countdownTimer);
  countdownTimer = null;
  shownTicket = null;
  basket.length = 0;
  input.value = "";
  priority = null; // the next customer chooses again, and leaves their own number or none
  channel = "sms";
  notifyOpen = false;
  phone.value = "";
  $("#consent").checked = false;
  typing = input;
  clearError();
  renderBasket();
  $("#ticket-follow").hidden = true;
  $("#ticket-qr").removeAttribute("src");
  $("#ticket-pay").hidden = true;
  $("#ticket-pay-qr").removeAttribute("src");
  renderTicketExtras();
  $("#result-view").hidden = true;
  $("#start-view").hidden = dayClosed || hallClosed;
  document.body.dataset.screen = "start";
  lang.set("vi"); // a shared kiosk: the next customer starts in Vietnamese
  input.focus();
}

function touched() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (!$("#start-view").hidden && (basket.length || input.value || phone.value)) reset();
  }, IDLE_SECONDS * 1000);
}

/** The keypad types into the code, or into the phone number once that was touched. */
function keypad(key) {
  const field = typing === phone && !$("#notify-fields").hidden && !$("#notify-box").hidden ? phone : input;
  if (key === "back") field.value = field.value.slice(0, -1);
  else if (key === "clear") field.value = "";
  else if (key === "PE") {
    if (field === input) input.value = `PE${input.value.replace(/^[A-Za-z]{0,2}/, "")}`;
  } else if (field.value.length < field.maxLength) field.value += key;
  field.focus();
}

function tick() {
  $("#clock").textContent = timeOf(new Date());
}

/** A language switch rewrites the static texts (Lang.apply) and the dynamic ones here. */
function relabel() {
  renderBasket();
  renderTicketCustomers();
  renderTicketExtras();
  if (lastError) showError(errorBox, { code: lastError.code, message: explain(lastError) });
  if (!$("#start-view").hidden) (typing === phone && !$("#notify-fields").hidden ? phone : input).focus();
}

function main() {
  lang.apply();
  lang.bindToggle($("#lang-toggle"));
  lang.onChange(relabel);
  tick();
  setInterval(tick, 10000);
  document.body.dataset.screen = "start";
  if (!token) {
    $("#device-missing").hidden = false;
    $("#start-view").hidden = true;
    showConnection(false);
    return;
  }
  $("#code-form").addEventListener("submit", (e) => {
    e.preventDefault();
    addCustomer();
  });
  $("#take-ticket").addEventListener("click", takeTicket);
  $("#clear-all").addEventListener("click", reset);
  $("#done").addEventListener("click", reset);
  for (const b of $$("#keypad [data-key]")) b.addEventListener("click", () => keypad(b.dataset.key));
  for (const b of $$("#priority-kinds [data-kind]")) b.addEventListener("click", () => choosePriority(b.dataset.kind));
  $("#notify-open").addEventListener("click", () => {
    notifyOpen = !notifyOpen;
    renderOptions();
    if (notifyOpen) phone.focus();
  });
  for (const b of $$("#channels [data-channel]")) {
    b.addEventListener("click", () => {
      channel = b.dataset.channel;
      renderOptions();
    });
  }
  typing = input;
  input.addEventListener("focus", () => (typing = input));
  phone.addEventListener("focus", () => (typing = phone));
  for (const ev of ["pointerdown", "keydown"]) document.addEventListener(ev, touched, { passive: true });
  renderBasket();
  input.focus();

  // The socket tells the kiosk whether the hall is reachable, its name, and whether
  // the day is closed.
  new HallSocket({
    token,
    view: "display",
    onStatus: showConnection,
    onSnapshot: (data) => {
      if (data.branch?.name) $("#branch-name").textContent = data.branch.name;
      offers.priority = Boolean(data.branch?.priority);
      offers.notify = Boolean(data.branch?.notify);
      document.body.dataset.offers = [offers.priority && "priority", offers.notify && "notify"]
        .filter(Boolean)
        .join(" ");
      renderOptions();
      showClosed(Boolean(data.day_closed));
      checkHall(); // after a reconnection too: the hours may have changed meanwhile
    },
    onEvent: (evt) => {
      if (evt.event === "day.closed") showClosed(true);
      if (evt.event === "hall.changed") checkHall();
    },
    onUnauthenticated: () => {
      showConnection(false);
      fail({ code: "unauthenticated" });
    },
  }).start();
  checkHall();
  setInterval(checkHall, HALL_CHECK_MS);
}

main();
